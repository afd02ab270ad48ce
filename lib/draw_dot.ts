/**
 * Drawing a {@linkcode Value}'s graph, as the lecture's `trace` and `draw_dot` do, with Graphviz
 * compiled to WebAssembly (no system `dot` needed).
 *
 * @module
 */
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { describe, formatFixed } from "./_format.ts";
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
 * A drawn graph: its DOT text now, its SVG on demand. In Jupyter (the Deno kernel) a `Graph`
 * displays itself as an SVG picture.
 */
export class Graph {
  /** The Graphviz DOT source. */
  readonly dot: string;
  /** How many Graphviz nodes it has (a record per value, plus an op node per result). */
  readonly nodeCount: number;

  /**
   * Wrap DOT text; {@linkcode drawDot} makes these.
   *
   * @param dot Graphviz DOT source.
   * @param nodeCount How many nodes it declares, for the text form.
   */
  constructor(dot: string, nodeCount: number) {
    this.dot = dot;
    this.nodeCount = nodeCount;
  }

  /**
   * Lay out and render with Graphviz (WebAssembly, loaded once per process).
   *
   * @returns SVG markup, starting at `<svg` (no XML declaration or DOCTYPE, which some
   * notebook exporters reject).
   */
  async svg(): Promise<string> {
    const graphviz = await loadGraphviz();
    const svg = graphviz.dot(this.dot, "svg");
    return svg.slice(svg.indexOf("<svg"));
  }

  /**
   * Write the SVG to a file.
   *
   * @param path Where to write it, such as `out/graph.svg`.
   */
  async save(path: string): Promise<void> {
    await Deno.writeTextFile(path, await this.svg());
  }

  /** A short text form: `Graph(10 nodes)`. */
  toString(): string {
    return `Graph(${this.nodeCount} nodes)`;
  }

  /** What Deno's Jupyter kernel shows: the SVG, with text for front ends without SVG. */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    return { "image/svg+xml": await this.svg(), "text/plain": this.toString() };
  }
}

/**
 * The lecture's `draw_dot`: a left-to-right picture of `root`'s graph. Each value is a record
 * `{ label | data %.4f | grad %.4f }`; each result also gets a small node for its op, with
 * edges child → op → result.
 *
 * The DOT text is made now, from the values as they are now (like Python's `Digraph`); the
 * picture is rendered when displayed or asked for with {@linkcode Graph.svg}.
 *
 * @param root The value to draw.
 * @returns The graph, which Jupyter displays as SVG.
 * @throws {TypeError} If `root` is not a `Value`.
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
export function drawDot(root: Value): Graph {
  if (!isValue(root)) {
    throw new TypeError(`Cannot draw: drawDot() takes a Value, got ${describe(root)}`);
  }
  const { nodes, edges } = trace(root);
  const id = new Map<Value, string>(nodes.map((v, i) => [v, `n${i}`]));
  const lines = ["digraph {", "\trankdir=LR"];
  let count = 0;
  for (const v of nodes) {
    const uid = id.get(v)!;
    const label = `{ ${escapeRecord(v.label)} | data ${formatFixed(v.data, 4)} | grad ${
      formatFixed(v.grad, 4)
    } }`;
    lines.push(`\t${uid} [label="${label}" shape=record]`);
    count++;
    if (v.op) {
      lines.push(`\t${uid}_op [label="${escapeText(v.op)}"]`, `\t${uid}_op -> ${uid}`);
      count++;
    }
  }
  for (const [child, parent] of edges) lines.push(`\t${id.get(child)} -> ${id.get(parent)}_op`);
  lines.push("}");
  return new Graph(lines.join("\n") + "\n", count);
}

let graphviz: Promise<Graphviz> | undefined;

/** Graphviz's WebAssembly module, instantiated on first use and shared after that. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load().catch((e) => {
    graphviz = undefined; // let the next call try again
    throw e;
  });
  return graphviz;
}

/**
 * Text for inside a double-quoted DOT string, shown as is: `&` would start an entity,
 * `"` would end the string, `\` would start an escape such as `\N` (the node's name).
 */
function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/[\\"]/g, (c) => "\\" + c).replace(/\r?\n|\r/g, "\\n")
    .replace(/\t/g, " ");
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
