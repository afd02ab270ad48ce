// Pictures as PNG (resvg, WebAssembly) and as files, shared by graphs and charts.
import { encode } from "npm:fast-png@8.0.0";
import { describe } from "./_format.ts";

/** The npm package whose fonts set the text of PNGs. */
const FONT_PACKAGE = "npm:dejavu-fonts-ttf@2.37.3";
/** The font files a PNG is drawn with, from {@linkcode FONT_PACKAGE}'s `ttf` folder. */
const FONT_FILES = ["DejaVuSansMono.ttf", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];
/** Bigger PNGs are scaled down to this many pixels (4 bytes each while drawing). */
const MAX_PNG_PIXELS = 32e6;

type Resvg = typeof import("npm:@resvg/resvg-wasm@2.6.2").Resvg;
let resvg: Promise<{ Resvg: Resvg; fonts: Uint8Array[] }> | undefined;

/**
 * The folder the PNG fonts are read from: `ttf/` of the `dejavu-fonts-ttf` package, in Deno's
 * npm cache (or a `node_modules` folder, where the importing project has one).
 */
export async function fontFolder(): Promise<string> {
  // importing a file of the package makes Deno fetch it; import.meta.resolve then finds it
  await import("npm:dejavu-fonts-ttf@2.37.3/package.json", { with: { type: "json" } });
  return decodeURIComponent(new URL(import.meta.resolve(`${FONT_PACKAGE}/ttf/`)).pathname)
    .replace(/\/$/, "");
}

/** resvg, with its WebAssembly (imported as a module: no file access) and the fonts (read). */
function loadResvg(): Promise<{ Resvg: Resvg; fonts: Uint8Array[] }> {
  resvg ??= (async () => {
    const [{ initWasm, Resvg }, { wasm }, folder] = await Promise.all([
      import("npm:@resvg/resvg-wasm@2.6.2"),
      import("./_resvg_wasm.js"),
      fontFolder(),
    ]);
    let fonts: Uint8Array[];
    try {
      fonts = await Promise.all(FONT_FILES.map((name) => Deno.readFile(`${folder}/${name}`)));
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
        throw new Deno.errors.NotCapable(
          `Cannot make PNG: reading its fonts needs read access to ${folder} ` +
            `(run with --allow-read=${folder})`,
          { cause: e },
        );
      }
      throw e;
    }
    await initWasm(wasm);
    return { Resvg, fonts };
  })().catch((e) => {
    resvg = undefined; // let the next call try again
    throw e;
  });
  return resvg;
}

/**
 * The PNG of `svg` at `scale` pixels per CSS pixel (its `width` and `height`; default 1), scaled
 * down past {@linkcode MAX_PNG_PIXELS}. Text is set in DejaVu Sans Mono (monospace) and DejaVu
 * Sans (the rest, and any character the first lacks).
 */
export async function rasterise(svg: string, scale = 1): Promise<Uint8Array> {
  const { Resvg, fonts } = await loadResvg();
  const { width, height } = svgSize(svg);
  const zoom = Math.min(scale, Math.sqrt(MAX_PNG_PIXELS / (width * height)));
  const renderer = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    font: {
      fontBuffers: fonts,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      monospaceFamily: "DejaVu Sans Mono",
    },
  });
  try {
    const image = renderer.render();
    try {
      return encodePng(image);
    } finally {
      image.free();
    }
  } finally {
    renderer.free();
  }
}

/** Pictures up to this many pixels get a palette when they can (encoding one takes longer). */
const MAX_PALETTE_PIXELS = 8e6;

/**
 * `image` as a PNG: with a palette when it has at most 256 colours, as graphs and charts do (a
 * few dozen greys and fills): lossless, and about 2.5 times smaller than resvg's own RGBA PNG,
 * which is used otherwise. Our pictures are drawn on white, so transparency is laid on white.
 */
function encodePng(
  image: { width: number; height: number; pixels: Uint8Array; asPng(): Uint8Array },
): Uint8Array {
  const { width, height } = image;
  if (width * height > MAX_PALETTE_PIXELS) return image.asPng();
  const rgba = image.pixels; // premultiplied by alpha: over white, a colour c becomes c + 255 - alpha
  const colours = new Map<number, number>();
  const index = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < index.length; i++, p += 4) {
    const white = 255 - rgba[p + 3];
    const rgb = (rgba[p] + white) << 16 | (rgba[p + 1] + white) << 8 | (rgba[p + 2] + white);
    let k = colours.get(rgb);
    if (k === undefined) {
      if (colours.size === 256) return image.asPng();
      colours.set(rgb, k = colours.size);
    }
    index[i] = k;
  }
  const palette = [...colours.keys()].map((c) => [c >> 16, (c >> 8) & 255, c & 255]);
  return encode({ width, height, data: index, channels: 1, depth: 8, palette });
}

/** An SVG's size in CSS pixels, from its `width` and `height` attributes (1 where missing). */
export function svgSize(svg: string): { width: number; height: number } {
  const tag = svg.slice(0, svg.indexOf(">"));
  const width = Number(/\swidth="([\d.]+)(px)?"/.exec(tag)?.[1] ?? 1);
  const height = Number(/\sheight="([\d.]+)(px)?"/.exec(tag)?.[1] ?? 1);
  return { width, height };
}

/** Base64 of `bytes`, in chunks small enough for `String.fromCharCode`'s argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Write a picture to `path`, as SVG or PNG by its extension. Needs write access to `path` only:
 * the folder is checked beforehand only where read access to it is already granted.
 */
export async function saveImage(
  path: string | URL,
  what: string,
  image: { svg(): Promise<string>; png(): Promise<Uint8Array> },
): Promise<void> {
  const file = typeof path === "string"
    ? path
    : path instanceof URL
    ? decodeURIComponent(path.pathname)
    : undefined;
  if (file === undefined) {
    throw new TypeError(`Cannot save ${what}: path must be a string or URL, got ${describe(path)}`);
  }
  const ext = /\.(svg|png)$/i.exec(file)?.[1].toLowerCase();
  if (ext === undefined) {
    throw new RangeError(
      `Cannot save ${what}: the file name must end in .svg or .png, got ${describe(file)}`,
    );
  }
  const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
  const missing = () =>
    new Deno.errors.NotFound(`Cannot save ${what}: folder "${folder}" does not exist`);
  // a missing folder is found before a long render where that costs no permission prompt
  if (Deno.permissions.querySync({ name: "read", path: folder }).state === "granted") {
    if (!(await isFolder(folder))) throw missing();
  }
  const bytes = ext === "png" ? await image.png() : new TextEncoder().encode(await image.svg());
  try {
    await Deno.writeFile(path, bytes);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw missing();
    throw e;
  }
}

/** Whether `path` is an existing folder. */
async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
