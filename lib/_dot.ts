// What drawDot and stepBackward share: a value graph's DOT text (the lecture's records and op
// nodes), the size guard, DOT escaping, and the Graphviz-WASM layout.
import { describe } from "./_format.ts";
import { checkNumber } from "./_check.ts";
import type { Value } from "./value.ts";

/** The default of the `maxNodes` option: laying out more can take many seconds. */
export const DEFAULT_MAX_NODES = 5000;
/**
 * The longest chain of Graphviz nodes drawn (a chain of k ops is 2k + 1 deep). Graphviz-WASM's
 * layout recurses along it and overflows V8's stack at about 4,700 (a chain of 2,350 ops, in
 * Deno 2.9 with @hpcc-js/wasm-graphviz 1.29.2); this leaves room for the caller's own stack.
 */
export const MAX_DEPTH = 4000;
/** In a page, a graph shrinks to fit down to this scale (14px text at 8.4px), then scrolls. */
const MIN_SCALE = 0.6;
/** Above this many nodes, Graphviz's placement pass is cut short (`nslimit`) to halve the time. */
const FAST_LAYOUT_NODES = 1000;

/** A `maxNodes` option, checked: a whole number ≥ 1 or `Infinity` (default 5000). */
export function checkMaxNodes(x: unknown, action: string): number {
  const maxNodes = checkNumber(x === undefined ? DEFAULT_MAX_NODES : x, action, "maxNodes");
  if (!(maxNodes === Infinity || (Number.isSafeInteger(maxNodes) && maxNodes >= 1))) {
    throw new RangeError(
      `Cannot ${action}: maxNodes must be a whole number ≥ 1 or Infinity, got ${
        describe(maxNodes)
      }`,
    );
  }
  return maxNodes;
}

/**
 * How many Graphviz nodes `nodes` (in topological order) draw as: a record per value plus an op
 * node per result. A `RangeError` if that is more than `maxNodes`, or if the graph is deeper than
 * Graphviz can lay out (`rankDepth`: how many Graphviz ranks one op adds, 2 for child → op → v).
 */
export function checkGraphSize(
  nodes: readonly Value[],
  maxNodes: number,
  action: string,
  rankDepth = 2,
): number {
  let count = nodes.length;
  for (const v of nodes) if (v.op) count++;
  // Graphviz's layout recurses along the longest path: past MAX_DEPTH it overflows the stack
  const depth = new Map<Value, number>();
  let deepest = 0;
  for (const v of nodes) {
    let d = 1;
    for (const child of v.children) d = Math.max(d, depth.get(child)! + rankDepth);
    depth.set(v, d);
    deepest = Math.max(deepest, d);
  }
  if (deepest > MAX_DEPTH) {
    throw new RangeError(
      `Cannot ${action}: the graph is ${deepest} Graphviz nodes deep (its longest chain of ` +
        `values and ops), more than the ${MAX_DEPTH} that Graphviz can lay out before it runs ` +
        `out of stack, got a Value computed by ${
          Math.round((deepest - 1) / rankDepth)
        } ops in a row; ${action === "draw" ? "draw" : "use"} a value nearer the inputs`,
    );
  }
  if (count > maxNodes) {
    throw new RangeError(
      `Cannot ${action}: the graph has ${count} Graphviz nodes, more than maxNodes ${maxNodes}, ` +
        `and could take long to lay out; to ${
          action === "draw" ? "draw it" : "go on"
        } anyway, pass { maxNodes: Infinity }`,
    );
  }
  return count;
}

/** What {@linkcode valueGraphDot} draws besides the lecture's plain records and op nodes. */
export interface DotParts {
  rankdir: "LR" | "TB";
  /** The record's three fields, unescaped: label, data, grad. */
  fields(v: Value, i: number): [string, string, string];
  /** Extra attributes for value `i`'s record, each with a leading space. */
  record?(v: Value, i: number): string;
  /** Extra attributes for value `i`'s op node. */
  op?(v: Value, i: number): string;
  /** Extra attributes for edge `k`, from `child` into `parent`'s op node. */
  edge?(child: Value, parent: Value, k: number): string;
}

/**
 * The DOT text of a value graph: value `i` of `nodes` is record `n<i>`, its op node `n<i>_op`,
 * with edges child → op → value, in the order of `nodes` and of each value's children.
 */
export function valueGraphDot(nodes: readonly Value[], count: number, parts: DotParts): string {
  const id = new Map<Value, string>();
  for (let i = 0; i < nodes.length; i++) id.set(nodes[i], `n${i}`);
  const lines = [
    "digraph {",
    `\tgraph [rankdir=${parts.rankdir}${count > FAST_LAYOUT_NODES ? " nslimit=0.05" : ""}]`,
    `\tnode [fontname=Courier]`,
  ];
  for (const [i, v] of nodes.entries()) {
    const uid = `n${i}`;
    const label = parts.fields(v, i).map(escapeRecord).join(" | ");
    lines.push(`\t${uid} [label="{ ${label} }" shape=record${parts.record?.(v, i) ?? ""}]`);
    if (v.op) {
      lines.push(`\t${uid}_op [label="${escapeText(v.op)}"${parts.op?.(v, i) ?? ""}]`);
      lines.push(`\t${uid}_op -> ${uid}`);
    }
  }
  let k = 0;
  for (const parent of nodes) {
    for (const child of parent.children) {
      const extra = parts.edge?.(child, parent, k++) ?? "";
      lines.push(`\t${id.get(child)} -> ${id.get(parent)}_op${extra ? ` [${extra.trim()}]` : ""}`);
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/**
 * Text for inside a double-quoted DOT string, shown as is: `&` would start an entity,
 * `"` would end the string, `\` would start an escape such as `\N` (the node's name). Control
 * characters, which XML forbids, are shown as their Unicode pictures (␀, ␁, …).
 */
export function escapeText(s: string): string {
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
export function escapeRecord(s: string): string {
  return escapeText(s).replace(/[{}|<>]/g, (c) => "\\" + c)
    .replace(/^ | $| (?= )/g, "\u00a0");
}

// Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), imported and instantiated on first
// use, so that importing denograd without drawing costs nothing.
type Graphviz = import("npm:@hpcc-js/wasm-graphviz@1.29.2").Graphviz;
let graphviz: Promise<Graphviz> | undefined;

/** Graphviz's WebAssembly instance, made on first use and shared after that. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= import("npm:@hpcc-js/wasm-graphviz@1.29.2").then((m) => m.Graphviz.load()).catch(
    (e) => {
      graphviz = undefined; // let the next call try again
      throw e;
    },
  );
  return graphviz;
}

/** Lay `dot` out as SVG, sized in CSS pixels, shrinking to fit a page down to 60%. */
export async function layOut(dot: string): Promise<string> {
  const instance = await loadGraphviz();
  let output: string;
  try {
    output = instance.dot(dot, "svg");
  } catch (e) {
    // After an error (a syntax error, or a crash such as a stack overflow inside Graphviz) its
    // memory may be unusable: the next drawing starts from a fresh instance.
    graphviz = undefined;
    (await import("npm:@hpcc-js/wasm-graphviz@1.29.2")).Graphviz.unload();
    const why = e instanceof Error ? e.message : String(e);
    const hint = why.includes("call stack")
      ? ` (the graph is too deep: drawDot() draws at most ${MAX_DEPTH} Graphviz nodes deep)`
      : "";
    throw new Error(`Cannot render graph: Graphviz failed: ${why}${hint}`, { cause: e });
  }
  const svg = output.slice(output.indexOf("<svg"));
  return svg.replace(
    /^<svg width="([\d.]+)pt" height="([\d.]+)pt"/,
    (_, w, h) =>
      `<svg width="${w}px" height="${h}px" ` +
      `style="max-width:100%;min-width:${Math.round(MIN_SCALE * Number(w))}px;height:auto"`,
  );
}
