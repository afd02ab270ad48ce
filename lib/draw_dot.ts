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
import { checkBoolean, checkChoice, checkCount, checkOptions } from "./_check.ts";
import { rasterise, saveImage, toBase64 } from "./_image.ts";
import { figureHtml } from "./_figure.ts";
import { checkGraphSize, checkMaxNodes, layOut, valueGraphDot } from "./_dot.ts";
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
   * laying out more can take many seconds. `Infinity` draws any size. Depth has a limit of its
   * own whatever `maxNodes` says: a graph more than 4000 Graphviz nodes deep (2000 ops in a row)
   * is refused, as Graphviz's layout would run out of stack.
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
    if (nodeCount !== undefined) checkCount(nodeCount, "create Graph", "nodeCount");
    this.dot = dot;
    this.nodeCount = nodeCount as number | undefined;
    this.format = checkChoice(format, "create Graph", "format", FORMATS);
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
   * DejaVu Sans Mono for the text (DejaVu Sans for characters it lacks; CJK and colour emoji show
   * as boxes). A picture of more than 32 million pixels is scaled down to about that many. The
   * first call reads the fonts from their npm package, so it needs read access to that package's
   * `ttf` folder in Deno's npm cache (Jupyter's kernel has it; the error names the folder).
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
   * Write the picture to a file, as SVG or PNG by the file's extension. An SVG needs write
   * access to `path` only (a missing folder is reported before drawing where read access to it
   * is granted too); a PNG needs read access to its fonts as well (see {@linkcode Graph.png}).
   *
   * @param path Where to write it: a path or `file:` URL ending in `.svg` or `.png`.
   * @throws {TypeError} If `path` is not a string or URL.
   * @throws {RangeError} If the extension is neither `.svg` nor `.png`.
   * @throws {Deno.errors.NotFound} If the folder does not exist.
   * @throws {Deno.errors.NotCapable} If writing `path` (or, for a PNG, reading the fonts) is not
   * permitted.
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
  save(path: string | URL): Promise<void> {
    return saveImage(path, "graph", this);
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
   * How `console.log` and `Deno.inspect` show a graph: its text form, not its DOT text.
   *
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(Deno.inspect(drawDot(new Value(1).add(2))), "Graph(4 nodes)");
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * What Deno's Jupyter kernel shows: HTML that every notebook front end shows as a picture. It
   * holds a PNG, for viewers that run no script (an untrusted notebook, GitHub), and the SVG with
   * a script that fits it to the output area's width; a graph too big to read when fitted opens
   * zoomed to readable text, scrolled to its output, and a click zooms in and out. With
   * `format: "png"`, the PNG alone. Both come with the text form, for front ends without either.
   *
   * @example
   * ```ts
   * import { drawDot, Value } from "../mod.ts";
   * import { assertEquals, assertStringIncludes } from "@std/assert";
   * const graph = drawDot(new Value(1));
   * const bundle = await Reflect.get(graph, Symbol.for("Jupyter.display")).call(graph);
   * assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
   * assertStringIncludes(bundle["text/html"], '<img src="data:image/png;base64,');
   * ```
   */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    const text = this.toString();
    return this.format === "png"
      ? { "image/png": toBase64(await this.png()), "text/plain": text }
      : {
        "text/html": await figureHtml(await this.svg(), {
          alt: text,
          textSize: 14,
          anchor: outputs.get(this),
        }),
        "text/plain": text,
      };
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
 * whole number ≥ 1 or `Infinity`, the graph has more than `maxNodes` nodes, or it is more than
 * 4000 Graphviz nodes deep (2000 ops in a row), which Graphviz cannot lay out.
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
  const rankdir = checkChoice(given.rankdir, "draw", "rankdir", ["LR", "TB"] as const);
  const format = checkChoice(given.format, "draw", "format", FORMATS);
  const { colorByGrad = false } = given;
  checkBoolean(colorByGrad, "draw", "colorByGrad");
  const maxNodes = checkMaxNodes(given.maxNodes, "draw");

  const { nodes } = trace(root);
  const count = checkGraphSize(nodes, maxNodes, "draw");
  let maxGrad = 0;
  if (colorByGrad) {
    for (const v of nodes) {
      if (Number.isFinite(v.grad)) maxGrad = Math.max(maxGrad, Math.abs(v.grad));
    }
  }
  const dot = valueGraphDot(nodes, count, {
    rankdir,
    fields: (v) => [v.label, `data ${formatFixed(v.data, 4)}`, `grad ${formatFixed(v.grad, 4)}`],
    record: (v) => colorByGrad ? ` style=filled fillcolor="${gradColor(v.grad, maxGrad)}"` : "",
  });
  const graph = new Graph(dot, { nodeCount: count, format });
  outputs.set(graph, `n${nodes.length - 1}`); // the root, listed last
  return graph;
}

/** The Graphviz node of each drawn value graph's output, which a graph too big to read opens on. */
const outputs = new WeakMap<Graph, string>();

const FORMATS = ["svg", "png"] as const;
/** Full-strength fills for positive and negative gradients (ColorBrewer RdBu), as RGB. */
const POSITIVE = [67, 147, 195];
const NEGATIVE = [214, 96, 77];

/** A fill for a value's box: white at 0, shading to full colour as |grad| reaches `maxGrad`. */
function gradColor(grad: number, maxGrad: number): string {
  const size = Math.abs(grad);
  const strength = size > 0 ? Math.min(1, size / maxGrad) : 0; // NaN > 0 is false: white
  const full = grad < 0 ? NEGATIVE : POSITIVE;
  return "#" + full.map((c) => Math.round(255 + (c - 255) * strength).toString(16).padStart(2, "0"))
    .join("");
}
