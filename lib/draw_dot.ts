/**
 * Drawing a {@linkcode Value}'s graph, as the lecture's `trace` and `draw_dot` do, with Graphviz
 * compiled to WebAssembly (no system `dot` needed) and PNGs rasterised by resvg (WebAssembly too).
 *
 * Labels are set in a monospace font (`Courier,monospace`): Graphviz sizes each record cell from
 * Courier's fixed 0.6 em advance, and every common monospace font a browser may fall back to
 * (Liberation Mono, DejaVu Sans Mono, Courier New, Noto Sans Mono) has that advance too, so the
 * text fits its cell wherever it is shown. A serif font would not: Graphviz measures Times, and a
 * browser without Times draws DejaVu Serif, about a quarter wider.
 *
 * @module
 */
import { describe, formatFixed } from "./_format.ts";
import { checkOptions } from "./_options.ts";
import { isValue, topologicalSort, type Value } from "./value.ts";

/** The nodes and edges of a value's graph, as {@linkcode trace} returns them. */
export interface Trace {
  /** Every value the root depends on, itself included, children before parents. */
  nodes: Value[];
  /** `[child, parent]` pairs: `child` is an operand of `parent`. */
  edges: [Value, Value][];
}

/**
 * The lecture's `trace`: every value `root` depends on, and every child → parent edge.
 *
 * Nodes come in topological order (each after its children), so the same graph always gives
 * the same order. Iterative: a graph 100,000 operations deep does not overflow the stack.
 *
 * @param root The value whose graph to walk.
 * @returns Its nodes and edges; a value used twice (`a.add(a)`) is one node and one edge.
 * @throws {TypeError} If `root` is not a `Value`.
 * @example Trace e = a * b
 * ```ts
 * import { trace, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const a = new Value(2, { label: "a" });
 * const b = new Value(-3, { label: "b" });
 * const e = a.mul(b);
 * const { nodes, edges } = trace(e);
 * assertEquals(nodes, [a, b, e]);
 * assertEquals(edges, [[a, e], [b, e]]);
 * ```
 */
export function trace(root: Value): Trace {
  if (!isValue(root)) {
    throw new TypeError(`Cannot trace: trace() takes a Value, got ${describe(root)}`);
  }
  const nodes = topologicalSort(root);
  const edges: [Value, Value][] = [];
  for (const v of nodes) {
    for (const child of v.children) edges.push([child, v]);
  }
  return { nodes, edges };
}

/**
 * How {@linkcode drawDot} draws a graph. Every option may be left out; any other key is a
 * `TypeError` (a misspelt option would otherwise be ignored without a word).
 *
 * @example Draw top to bottom, coloured by gradient, as a PNG in Jupyter
 * ```ts
 * import { drawDot, type DrawDotOptions, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const options: DrawDotOptions = { rankdir: "TB", colorByGrad: true, format: "png" };
 * assertEquals(drawDot(new Value(1), options).format, "png");
 * ```
 */
export interface DrawDotOptions {
  /** `"LR"` (default) lays the graph out left to right, `"TB"` top to bottom. */
  rankdir?: "LR" | "TB";
  /** What Jupyter shows: `"svg"` (default) or `"png"`. `svg()`, `png()` and `save()` work either way. */
  format?: "svg" | "png";
  /**
   * Fill each value's box by its gradient (default `false`): blue where `grad` is positive,
   * red where it is negative, white where it is 0, and the stronger the larger `|grad|` is
   * compared with the largest `|grad|` in the graph (linearly; an infinite one is full colour,
   * `NaN` is white). Op nodes stay white.
   */
  colorByGrad?: boolean;
  /**
   * The most Graphviz nodes (a box per value plus an oval per op) to draw, default 5000:
   * laying out more can take many seconds. `Infinity` draws any size.
   */
  maxNodes?: number;
}

/**
 * What a {@linkcode Graph} is built with besides its DOT text.
 *
 * @example
 * ```ts
 * import { Graph, type GraphOptions } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const options: GraphOptions = { nodeCount: 2, format: "png" };
 * assertEquals(String(new Graph("digraph { a -> b }", options)), "Graph(2 nodes)");
 * ```
 */
export interface GraphOptions {
  /** How many nodes the DOT declares, for the text form (default: not shown). */
  nodeCount?: number;
  /** What Jupyter shows: `"svg"` (default) or `"png"`. */
  format?: "svg" | "png";
}

/**
 * A drawn graph: its DOT text now, its SVG or PNG on demand. In Jupyter (the Deno kernel) a
 * `Graph` displays itself as a picture.
 *
 * @example Render a graph by hand
 * ```ts
 * import { Graph } from "../mod.ts";
 * import { assertStringIncludes } from "@std/assert";
 * const graph = new Graph("digraph { a -> b }");
 * assertStringIncludes(await graph.svg(), "<title>a&#45;&gt;b</title>");
 * ```
 */
export class Graph {
  /** The Graphviz DOT source. */
  readonly dot: string;
  /** How many Graphviz nodes it has, when known (a record per value, plus an op node per result). */
  readonly nodeCount: number | undefined;
  /** What Jupyter shows: `"svg"` or `"png"`. */
  readonly format: "svg" | "png";
  #svg: Promise<string> | undefined;

  /**
   * Wrap DOT text; {@linkcode drawDot} makes these.
   *
   * @param dot Graphviz DOT source.
   * @param options The node count for the text form, and the format Jupyter shows.
   * @throws {TypeError} If `dot` is not a string or an option has the wrong type.
   * @throws {RangeError} If `nodeCount` is not a whole number ≥ 0 or `format` is unknown.
   * @example
   * ```ts
   * import { Graph } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(new Graph("digraph { a }", { nodeCount: 1 }).nodeCount, 1);
   * ```
   */
  constructor(dot: string, options: GraphOptions = {}) {
    if (typeof dot !== "string") {
      throw new TypeError(`Cannot create Graph: dot must be a string, got ${describe(dot)}`);
    }
    const { nodeCount, format } = checkOptions(options, ["nodeCount", "format"], "create Graph");
    if (nodeCount !== undefined) {
      if (typeof nodeCount !== "number") {
        throw new TypeError(
          `Cannot create Graph: nodeCount must be a number, got ${describe(nodeCount)}`,
        );
      }
      if (!Number.isSafeInteger(nodeCount) || nodeCount < 0) {
        throw new RangeError(
          `Cannot create Graph: nodeCount must be a whole number ≥ 0, got ${describe(nodeCount)}`,
        );
      }
    }
    this.dot = dot;
    this.nodeCount = nodeCount as number | undefined;
    this.format = checkChoice(format, "format", FORMATS, "create Graph");
  }

  /**
   * Lay out and render with Graphviz (WebAssembly, loaded once per process). The result is kept,
   * so showing and saving a graph lays it out once.
   *
   * The picture is sized in CSS pixels, one per Graphviz point, so its 14-unit text matches a
   * page's 14px text. Shown in a page, it shrinks to fit its container down to 60% of that
   * size, and is wider than the container beyond that (Jupyter then scrolls it sideways).
   *
   * @returns SVG markup, starting at `<svg` (no XML declaration or DOCTYPE, which some
   * notebook exporters reject).
   * @throws {Error} If Graphviz cannot lay out the DOT (a syntax error, say).
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assert } from "@std/assert";
   * const svg = await drawDot(new Value(3, { label: "x" })).svg();
   * assert(svg.startsWith("<svg") && svg.includes(">data 3.0000</text>"));
   * ```
   */
  svg(): Promise<string> {
    this.#svg ??= layOut(this.dot).catch((e) => {
      this.#svg = undefined; // let a later call try again
      throw e;
    });
    return this.#svg;
  }

  /**
   * Rasterise the SVG with resvg (WebAssembly) into a PNG, one pixel per CSS pixel, with
   * DejaVu Sans Mono for the text. A picture of more than 32 million pixels is scaled down to
   * about that many. The first call reads resvg's WebAssembly and the font from their npm packages,
   * so it needs read access to Deno's npm cache (as Jupyter's kernel has).
   *
   * @returns The PNG file's bytes (a new array on every call).
   * @throws {Error} If Graphviz cannot lay out the DOT.
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const png = await drawDot(new Value(3, { label: "x" })).png();
   * assertEquals([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
   * ```
   */
  async png(): Promise<Uint8Array> {
    return rasterise(await this.svg());
  }

  /**
   * Write the picture to a file, as SVG or PNG by the file's extension.
   *
   * @param path Where to write it: a path or `file:` URL ending in `.svg` or `.png`.
   * @throws {TypeError} If `path` is not a string or URL.
   * @throws {RangeError} If the extension is neither `.svg` nor `.png`.
   * @throws {Deno.errors.NotFound} If the folder does not exist.
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assertStringIncludes } from "@std/assert";
   * const dir = await Deno.makeTempDir();
   * await drawDot(new Value(3, { label: "x" })).save(`${dir}/x.svg`);
   * assertStringIncludes(await Deno.readTextFile(`${dir}/x.svg`), ">x</text>");
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async save(path: string | URL): Promise<void> {
    const file = typeof path === "string"
      ? path
      : path instanceof URL
      ? decodeURI(path.pathname)
      : undefined;
    if (file === undefined) {
      throw new TypeError(`Cannot save graph: path must be a string or URL, got ${describe(path)}`);
    }
    const ext = /\.(svg|png)$/i.exec(file)?.[1].toLowerCase();
    if (ext === undefined) {
      throw new RangeError(
        `Cannot save graph: the file name must end in .svg or .png, got ${describe(file)}`,
      );
    }
    const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
    const missing = () =>
      new Deno.errors.NotFound(`Cannot save graph: folder "${folder}" does not exist`);
    if (!(await isFolder(folder))) throw missing();
    const bytes = ext === "png" ? await this.png() : new TextEncoder().encode(await this.svg());
    try {
      await Deno.writeFile(path, bytes);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw missing(); // removed meanwhile
      throw e;
    }
  }

  /**
   * A short text form: `Graph(10 nodes)`.
   *
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(String(drawDot(new Value(1).add(2))), "Graph(4 nodes)");
   * ```
   */
  toString(): string {
    return this.nodeCount === undefined ? "Graph" : `Graph(${this.nodeCount} nodes)`;
  }

  /**
   * What Deno's Jupyter kernel shows: the SVG (or, with `format: "png"`, the PNG in base64),
   * with the text form for front ends that show neither.
   *
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const graph = drawDot(new Value(1), { format: "png" });
   * const bundle = await Reflect.get(graph, Symbol.for("Jupyter.display")).call(graph);
   * assertEquals(Object.keys(bundle), ["image/png", "text/plain"]);
   * ```
   */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    const text = this.toString();
    return this.format === "png"
      ? { "image/png": toBase64(await this.png()), "text/plain": text }
      : { "image/svg+xml": await this.svg(), "text/plain": text };
  }
}

/**
 * The lecture's `draw_dot`: a picture of `root`'s graph. Each value is a record
 * `{ label | data %.4f | grad %.4f }`; each result also gets a small node for its op, with
 * edges child → op → result. Node names (`n0`, `n1`, …) follow the topological order, so the
 * same graph always gives the same DOT and the same SVG, byte for byte.
 *
 * The DOT text is made now, from the values as they are now (like Python's `Digraph`); the
 * picture is rendered when displayed or asked for with {@linkcode Graph.svg}. Graphs of more
 * than 1000 nodes are laid out with a cheaper placement pass (Graphviz's `nslimit`), about
 * twice as fast and a little taller.
 *
 * @param root The value to draw.
 * @param options `rankdir`, `format`, `colorByGrad` and `maxNodes`: see {@linkcode DrawDotOptions}.
 * @returns The graph, which Jupyter displays.
 * @throws {TypeError} If `root` is not a `Value`, `options` is not an object, an option has the
 * wrong type, or an option's name is unknown.
 * @throws {RangeError} If `rankdir` or `format` is not one of its values, `maxNodes` is not a
 * whole number ≥ 1 or `Infinity`, or the graph has more than `maxNodes` nodes.
 * @example Draw e = a * b
 * ```ts
 * import { drawDot, Value } from "../mod.ts";
 * import { assertStringIncludes } from "@std/assert";
 * const a = new Value(2, { label: "a" });
 * const e = a.mul(new Value(-3, { label: "b" }));
 * e.label = "e";
 * const graph = drawDot(e);
 * assertStringIncludes(graph.dot, '"{ e | data -6.0000 | grad 0.0000 }"');
 * assertStringIncludes(await graph.svg(), ">data &#45;6.0000</text>");
 * ```
 */
export function drawDot(root: Value, options: DrawDotOptions = {}): Graph {
  if (!isValue(root)) {
    throw new TypeError(`Cannot draw: drawDot() takes a Value, got ${describe(root)}`);
  }
  const given = checkOptions(options, ["rankdir", "format", "colorByGrad", "maxNodes"], "draw");
  const rankdir = checkChoice(given.rankdir, "rankdir", ["LR", "TB"] as const, "draw");
  const format = checkChoice(given.format, "format", FORMATS, "draw");
  const { colorByGrad = false, maxNodes = DEFAULT_MAX_NODES } = given;
  if (typeof colorByGrad !== "boolean") {
    throw new TypeError(`Cannot draw: colorByGrad must be a boolean, got ${describe(colorByGrad)}`);
  }
  if (typeof maxNodes !== "number") {
    throw new TypeError(`Cannot draw: maxNodes must be a number, got ${describe(maxNodes)}`);
  }
  if (!(maxNodes === Infinity || (Number.isSafeInteger(maxNodes) && maxNodes >= 1))) {
    throw new RangeError(
      `Cannot draw: maxNodes must be a whole number ≥ 1 or Infinity, got ${describe(maxNodes)}`,
    );
  }

  const { nodes, edges } = trace(root);
  let count = nodes.length;
  for (const v of nodes) if (v.op) count++;
  if (count > maxNodes) {
    throw new RangeError(
      `Cannot draw: the graph has ${count} Graphviz nodes, more than maxNodes ${maxNodes}, ` +
        `and could take long to lay out; to draw it anyway, pass { maxNodes: Infinity }`,
    );
  }

  const id = new Map<Value, string>();
  for (let i = 0; i < nodes.length; i++) id.set(nodes[i], `n${i}`);
  let maxGrad = 0;
  if (colorByGrad) {
    for (const v of nodes) {
      if (Number.isFinite(v.grad)) maxGrad = Math.max(maxGrad, Math.abs(v.grad));
    }
  }
  const lines = [
    "digraph {",
    `\tgraph [rankdir=${rankdir}${count > FAST_LAYOUT_NODES ? " nslimit=0.05" : ""}]`,
    `\tnode [fontname=Courier]`,
  ];
  for (const v of nodes) {
    const uid = id.get(v)!;
    const label = `{ ${escapeRecord(v.label)} | data ${formatFixed(v.data, 4)} | grad ${
      formatFixed(v.grad, 4)
    } }`;
    const fill = colorByGrad ? ` style=filled fillcolor="${gradColor(v.grad, maxGrad)}"` : "";
    lines.push(`\t${uid} [label="${label}" shape=record${fill}]`);
    if (v.op) lines.push(`\t${uid}_op [label="${escapeText(v.op)}"]`, `\t${uid}_op -> ${uid}`);
  }
  for (const [child, parent] of edges) lines.push(`\t${id.get(child)} -> ${id.get(parent)}_op`);
  lines.push("}");
  return new Graph(lines.join("\n") + "\n", { nodeCount: count, format });
}

const FORMATS = ["svg", "png"] as const;
const DEFAULT_MAX_NODES = 5000;
/** In a page, a graph shrinks to fit down to this scale (14px text at 8.4px), then scrolls. */
const MIN_SCALE = 0.6;
/** Above this many nodes, Graphviz's placement pass is cut short (`nslimit`) to halve the time. */
const FAST_LAYOUT_NODES = 1000;
/** Bigger PNGs are scaled down to this many pixels (4 bytes each while drawing). */
const MAX_PNG_PIXELS = 32e6;
/** Full-strength fills for positive and negative gradients (ColorBrewer RdBu), as RGB. */
const POSITIVE = [67, 147, 195];
const NEGATIVE = [214, 96, 77];

/** `value` if it is one of `allowed`, the first of them if it is `undefined`, else an error. */
function checkChoice<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  action: string,
): T {
  if (value === undefined) return allowed[0];
  if (allowed.includes(value as T)) return value as T;
  const list = allowed.map((a) => `"${a}"`).join(" or ");
  const ErrorClass = typeof value === "string" ? RangeError : TypeError;
  throw new ErrorClass(`Cannot ${action}: ${name} must be ${list}, got ${describe(value)}`);
}

/** A fill for a value's box: white at 0, shading to full colour as |grad| reaches `maxGrad`. */
function gradColor(grad: number, maxGrad: number): string {
  const size = Math.abs(grad);
  const strength = size > 0 ? Math.min(1, size / maxGrad) : 0; // NaN > 0 is false: white
  const full = grad < 0 ? NEGATIVE : POSITIVE;
  return "#" + full.map((c) => Math.round(255 + (c - 255) * strength).toString(16).padStart(2, "0"))
    .join("");
}

/**
 * Text for inside a double-quoted DOT string, shown as is: `&` would start an entity,
 * `"` would end the string, `\` would start an escape such as `\N` (the node's name). Control
 * characters, which XML forbids, are shown as their Unicode pictures (␀, ␁, …).
 */
function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/[\\"]/g, (c) => "\\" + c).replace(/\r?\n|\r/g, "\\n")
    .replace(/\t/g, " ").replace(CONTROL, controlPicture);
}
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;

/** A control character's Unicode picture: U+2400 + its code, and U+2421 for DEL. */
function controlPicture(c: string): string {
  return String.fromCharCode(c === "\x7f" ? 0x2421 : 0x2400 + c.charCodeAt(0));
}

/**
 * Text for one field of a record label: as {@linkcode escapeText}, and `{ } | < >`, which
 * would split the record, escaped too. Graphviz trims and collapses spaces in record fields,
 * so runs of spaces and spaces at the ends become no-break spaces.
 */
function escapeRecord(s: string): string {
  return escapeText(s).replace(/[{}|<>]/g, (c) => "\\" + c)
    .replace(/^ | $| (?= )/g, "\u00a0");
}

// Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), imported and instantiated on first
// use, so that importing denograd without drawing costs nothing.
type Graphviz = import("@hpcc-js/wasm-graphviz").Graphviz;
let graphviz: Promise<Graphviz> | undefined;

/** Graphviz's WebAssembly instance, made on first use and shared after that. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load()).catch((e) => {
    graphviz = undefined; // let the next call try again
    throw e;
  });
  return graphviz;
}

/** Lay `dot` out as SVG, sized in CSS pixels, shrinking to fit a page down to 60%. */
async function layOut(dot: string): Promise<string> {
  const instance = await loadGraphviz();
  let output: string;
  try {
    output = instance.dot(dot, "svg");
  } catch (e) {
    // After an error (a syntax error, or a crash such as a stack overflow inside Graphviz) its
    // memory may be unusable: the next drawing starts from a fresh instance.
    graphviz = undefined;
    (await import("@hpcc-js/wasm-graphviz")).Graphviz.unload();
    throw new Error(`Cannot render graph: Graphviz failed: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
  const svg = output.slice(output.indexOf("<svg"));
  return svg.replace(
    /^<svg width="([\d.]+)pt" height="([\d.]+)pt"/,
    (_, w, h) =>
      `<svg width="${w}px" height="${h}px" ` +
      `style="max-width:100%;min-width:${Math.round(MIN_SCALE * Number(w))}px;height:auto"`,
  );
}

// resvg for PNGs, with its WebAssembly and a font read from their npm packages on first use.
type Resvg = typeof import("@resvg/resvg-wasm").Resvg;
let resvg: Promise<{ Resvg: Resvg; font: Uint8Array }> | undefined;

function loadResvg(): Promise<{ Resvg: Resvg; font: Uint8Array }> {
  resvg ??= (async () => {
    const [{ initWasm, Resvg }] = await Promise.all([
      import("@resvg/resvg-wasm"),
      import("dejavu-fonts-ttf/package.json", { with: { type: "json" } }), // fetches the package
    ]);
    const [wasm, font] = await Promise.all([
      Deno.readFile(new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm"))),
      Deno.readFile(new URL(import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf"))),
    ]);
    await initWasm(wasm);
    return { Resvg, font };
  })().catch((e) => {
    resvg = undefined;
    throw e;
  });
  return resvg;
}

/** The PNG of `svg` at one pixel per CSS pixel, scaled down past {@linkcode MAX_PNG_PIXELS}. */
async function rasterise(svg: string): Promise<Uint8Array> {
  const { Resvg, font } = await loadResvg();
  const [, w, h] = /^<svg width="([\d.]+)px" height="([\d.]+)px"/.exec(svg) ?? [0, 1, 1];
  const zoom = Math.min(1, Math.sqrt(MAX_PNG_PIXELS / (Number(w) * Number(h))));
  const renderer = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    font: {
      fontBuffers: [font],
      defaultFontFamily: "DejaVu Sans Mono",
      monospaceFamily: "DejaVu Sans Mono",
    },
  });
  try {
    const image = renderer.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    renderer.free();
  }
}

/** Base64 of `bytes`, in chunks small enough for `String.fromCharCode`'s argument list. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
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
