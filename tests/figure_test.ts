// How graphs and charts reach Jupyter (lib/_figure.ts): one text/html output holding a PNG for
// viewers that run no script, the SVG as inert text, and the script that shows the SVG. What the
// page does with it is checked in Chromium by tests/browser_test.ts.
import {
  assert,
  assertEquals,
  assertLessOrEqual,
  assertNotMatch,
  assertStringIncludes,
} from "@std/assert";
import { decode } from "npm:fast-png@8.0.0";
import { drawDot, MLP, plotLoss, random, Value } from "../mod.ts";
import { rasterise } from "../lib/_image.ts";
import { day2Graph as day2 } from "../tools/make_docs.ts";

type Bundle = Record<string, string>;

async function display(shown: object): Promise<Bundle> {
  return await Reflect.get(shown, Symbol.for("Jupyter.display")).call(shown);
}

/** The `<img>`s of some HTML: their attributes, and the PNG each holds. */
function images(html: string): { width: number; height: number; alt: string; png: Uint8Array }[] {
  return [...html.matchAll(/<img ([^>]*)>/g)].map(([, attributes]) => {
    const get = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1] ?? "";
    const base64 = /^data:image\/png;base64,(.*)$/.exec(get("src"))![1];
    return {
      width: Number(get("width")),
      height: Number(get("height")),
      alt: get("alt"),
      png: Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
    };
  });
}

/** Width and height from a PNG's IHDR chunk, and its colour type (3: with a palette). */
function pngHeader(png: Uint8Array): { width: number; height: number; colourType: number } {
  const view = new DataView(png.buffer, png.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20), colourType: png[25] };
}

/** What is left of some HTML once scripts and styles are dropped with their contents, and tags. */
function textWithoutScripts(html: string): string {
  return html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, "").replace(/<[^>]*>/g, "");
}

function svgSize(svg: string): [number, number] {
  const [, w, h] = /^<svg width="([\d.]+)px" height="([\d.]+)px"/.exec(svg)!;
  return [Number(w), Number(h)];
}

Deno.test("a graph shows in Jupyter as HTML: a PNG, the SVG as inert text, and a script", async () => {
  const graph = drawDot(day2());
  const svg = await graph.svg();
  const bundle = await display(graph);
  assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
  assertEquals(bundle["text/plain"], "Graph(10 nodes)");
  const html = bundle["text/html"];
  // the SVG, whole, in a script element that runs nothing
  assertStringIncludes(html, `<script type="image/svg+xml">${svg}</script>`);
  // one picture, named by the text form, at the graph's size in CSS pixels
  const [image] = images(html);
  assertEquals(images(html).length, 1);
  const [w, h] = svgSize(svg);
  assertEquals([image.width, image.height], [Math.round(w), Math.round(h)]);
  assertEquals(image.alt, "Graph(10 nodes)");
  // the output (L, the last of the 7 values in topological order) is what a big graph opens on
  assertStringIncludes(html, 'data-anchor="n6"');
  // a viewer that drops scripts and styles (a sanitiser, an untrusted notebook) keeps the PNG
  // and no text at all: not the graph's labels strewn as a paragraph
  assertEquals(textWithoutScripts(html), "");
});

Deno.test("the fallback PNG has two pixels per CSS pixel, so it stays sharp on HiDPI screens", async (t) => {
  const sizes = async (graph: ReturnType<typeof drawDot>) => {
    const [w, h] = svgSize(await graph.svg());
    const [image] = images((await display(graph))["text/html"]);
    return { w, h, ...pngHeader(image.png) };
  };
  await t.step("a small graph: twice its size", async () => {
    const { w, h, width, height } = await sizes(drawDot(new Value(2).mul(new Value(3))));
    assertLessOrEqual(Math.abs(width - 2 * w), 1);
    assertLessOrEqual(Math.abs(height - 2 * h), 1);
  });
  await t.step("the Day-2 graph, 1,401 px wide: 2,400 px, as a page shows it fitted", async () => {
    const { w, h, width, height } = await sizes(drawDot(day2()));
    assertEquals(width, 2400);
    assertLessOrEqual(Math.abs(height - (h * 2400) / w), 1);
  });
});

Deno.test("a big graph's fallback PNG is at most 2,400 px wide and 4 million pixels", async () => {
  random.seed(1337);
  const out = new MLP(3, [4, 4, 1]).call([2, 3, -1]); // 199 Graphviz nodes, some 6,600 px wide
  const graph = drawDot(out);
  const [w, h] = svgSize(await graph.svg());
  assert(w > 2400, `the test needs a wide graph, got ${w} px`);
  const [image] = images((await display(graph))["text/html"]);
  const { width, height } = pngHeader(image.png);
  assertLessOrEqual(width, 2400);
  assertLessOrEqual(width * height, 4e6);
  assertLessOrEqual(Math.abs(width / height - w / h), 0.05); // not stretched
  assertEquals([image.width, image.height], [Math.round(w), Math.round(h)]); // shown at full size
});

Deno.test("PNGs of graphs and charts have a palette, with the very colours drawn", async (t) => {
  await t.step("a graph: a few dozen greys", async () => {
    const { colourType } = pngHeader(await drawDot(day2()).png());
    assertEquals(colourType, 3); // indexed colour (PNG spec, 11.2.2)
  });
  await t.step("a chart", async () => {
    assertEquals(pngHeader(await plotLoss([3, 2, 1]).png()).colourType, 3);
  });
  await t.step("exact colours, pixel for pixel, transparency laid on white", async () => {
    // Four 10 x 10 squares with crisp edges: pure colours that must come back unchanged, and a
    // half-transparent red that, over white, is (255, 127 or 128, 127 or 128).
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="40px" height="10px" viewBox="0 0 40 10" ` +
      `shape-rendering="crispEdges">` +
      `<rect x="0" width="10" height="10" fill="rgb(12,34,56)"/>` +
      `<rect x="10" width="10" height="10" fill="white"/>` +
      `<rect x="20" width="10" height="10" fill="rgb(214,96,77)"/>` +
      `<rect x="30" width="10" height="10" fill="red" fill-opacity="0.5"/></svg>`;
    const png = decode(await rasterise(svg));
    assertEquals(png.palette !== undefined, true);
    const at = (x: number) => png.palette![png.data[5 * png.width + x]].slice(0, 3);
    assertEquals(at(5), [12, 34, 56]);
    assertEquals(at(15), [255, 255, 255]);
    assertEquals(at(25), [214, 96, 77]);
    const [r, g, b] = at(35);
    assertEquals(r, 255);
    assert(Math.abs(g - 127.5) <= 1 && Math.abs(b - 127.5) <= 1, `${[r, g, b]}`);
  });
});

Deno.test("a chart shows in Jupyter as HTML with its PNG, and no anchor", async () => {
  const chart = plotLoss([3, 2, 1]);
  const bundle = await display(chart);
  assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
  const html = bundle["text/html"];
  assertStringIncludes(html, `<script type="image/svg+xml">${await chart.svg()}</script>`);
  const [image] = images(html);
  assertEquals([image.width, image.height, image.alt], [500, 400, "Chart(loss over 3 steps)"]);
  assertEquals(pngHeader(image.png).width, 1000);
  assertNotMatch(html, /^<div [^>]*data-anchor=/);
  assertEquals(textWithoutScripts(html), "");
});

Deno.test("labels cannot end the SVG's carrier script or add markup to the figure", async () => {
  const x = new Value(1, { label: "</script><b>bold</b>" });
  const html = (await display(drawDot(x.mul(2))))["text/html"];
  const carrier = /<script type="image\/svg\+xml">([\s\S]*?)<\/script>/.exec(html)![1];
  assertStringIncludes(carrier, "&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;");
  assertEquals(html.match(/<\/script>/g)?.length, 2); // the carrier's and the script's own
  assertEquals(textWithoutScripts(html), "");
});
