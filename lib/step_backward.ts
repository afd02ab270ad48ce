/**
 * Stepping through `backward()` one node at a time, in the notebook: the learner's own graph,
 * laid out by the same Graphviz as `drawDot`, with buttons, a slider and arrow keys.
 *
 * The steps are recorded from a real run of the engine: `root.backward()` itself runs, and
 * every gradient is read around each `_backward()` call it makes, in its order. The page only
 * replays those recorded numbers; it computes none.
 *
 * @module
 */
import { describe, formatFixed, formatRepr } from "./_format.ts";
import { checkChoice, checkInteger, checkOptions } from "./_check.ts";
import { checkGraphSize, checkMaxNodes, escapeText, layOut, valueGraphDot } from "./_dot.ts";
import { isValue, topologicalSort, Value } from "./value.ts";
import { internals } from "./_hooks.ts";

const ACTION = "step backward";

/**
 * How {@linkcode stepBackward} lays the graph out. Every option may be left out; any other key is
 * a `TypeError`.
 *
 * @example Top to bottom
 * ```ts
 * import { stepBackward, type StepBackwardOptions, Value } from "../mod.ts";
 * import { assertStringIncludes } from "@std/assert";
 * const options: StepBackwardOptions = { rankdir: "TB", maxNodes: 100 };
 * assertStringIncludes(stepBackward(new Value(1).mul(2), options).dot, "rankdir=TB");
 * ```
 */
export interface StepBackwardOptions {
  /** `"LR"` (default) lays the graph out left to right, `"TB"` top to bottom. */
  rankdir?: "LR" | "TB";
  /**
   * The most Graphviz nodes (a box per value plus an oval per op) to lay out, default 5000, as
   * `drawDot`'s option of that name; `Infinity` allows any size.
   */
  maxNodes?: number;
}

/**
 * One recorded step: the value whose `_backward()` ran, and the gradients it wrote.
 *
 * @example The first step of L = a * b sends L.grad to a and b
 * ```ts
 * import { type BackwardStep, stepBackward, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const a = new Value(2), b = new Value(-3);
 * const L = a.mul(b);
 * const step: BackwardStep = stepBackward(L).steps[1];
 * assertEquals(step.node, L);
 * assertEquals([...step.grads], [[a, -3], [b, 2]]);
 * ```
 */
export interface BackwardStep {
  /** The value whose `_backward()` ran; in step 0, the output whose `grad` was set to 1. */
  readonly node: Value;
  /**
   * The gradients this step wrote, as they were after it: every child of `node` (changed or
   * not) and any other value whose `grad` changed. Step 0 holds every value's starting `grad`.
   */
  readonly grads: ReadonlyMap<Value, number>;
}

/** What the page needs for one step: which value, its caption, the gradients and edges it shows. */
interface PageStep {
  node: number;
  caption: string;
  /** `[value index, record text, full-precision text]` for each gradient the step wrote. */
  grads: [number, string, string][];
  /** Indices of the edges (into `node`'s op) whose chain-rule labels this step shows. */
  edges: number[];
}

/**
 * A recorded backward pass and its step-through view. In Jupyter (the Deno kernel) it shows the
 * graph with controls: ⏮ Reset, ◀ Previous, ▶ Play, Next ▶, a slider, and the arrow keys
 * (← →, Home, End) once it has focus.
 *
 * Step 0 is the start of `backward()`: the output's `grad` set to 1 and every other `grad` 0.
 * Each further step is one call of a value's `_backward()`, from the output back to the
 * leaves; leaves, whose `_backward()` sends nothing, are called too but get no step of their
 * own. At each step the value being processed is amber, the children whose `grad` it just
 * wrote are blue (their records show the new `grad`), values already processed are green, and
 * the edges into its op are labelled with the chain-rule product `local derivative × out.grad =
 * what is added` (`-3 × -2 = 6`). Hovering a box shows its label, data, grad and op in full.
 *
 * The page needs no network: the SVG, the script and the recorded numbers are all inline. Front
 * ends that run no output scripts (GitHub, an untrusted notebook) show the final state.
 *
 * @example The lecture's L = (a * b + c) * f, step by step
 * ```ts
 * import { StepBackward, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const [a, b, c, f] = [2, -3, 10, -2].map((x) => new Value(x));
 * const L = a.mul(b).add(c).mul(f);
 * const stepper = new StepBackward(L);
 * assertEquals(String(stepper), "StepBackward(3 steps, 10 nodes)");
 * assertEquals(stepper.gradsAt(3).slice(0, 2), [6, -4]); // a and b, after the last step
 * ```
 */
export class StepBackward {
  /** The output whose backward pass was recorded. */
  readonly root: Value;
  /** Every value of the graph, each after its children (the order of `topologicalSort`). */
  readonly nodes: readonly Value[];
  /** Step 0 (the seed) and one step per `_backward()` call that had children or wrote a grad. */
  readonly steps: readonly BackwardStep[];
  /** The Graphviz DOT source of the layout, with the final gradients. */
  readonly dot: string;
  /** How many Graphviz nodes it has: a record per value, plus an op node per result. */
  readonly nodeCount: number;
  #page: { nodes: [string, string][]; edges: number; steps: PageStep[] };
  #svg: Promise<string> | undefined;
  /** What the SVG's tooltips say: the values' (around their final grad) and the edges'. */
  #titles: {
    tips: [string, string][];
    final: Map<Value, number>;
    edgeTips: string[];
    names: string[];
  };

  /**
   * Record `root`'s backward pass: zero every `grad` of its graph (as `zeroGrad()` does), then
   * run `root.backward()` with each value's `_backward()` (the engine's, or a learner's own)
   * wrapped for the pass to read every gradient it writes. Afterwards every `_backward` and
   * every `grad` is put back as it was: making a stepper changes nothing (call `root.backward()`
   * to keep the gradients).
   *
   * @param root The output to backpropagate from.
   * @param options `rankdir` and `maxNodes`: see {@linkcode StepBackwardOptions}.
   * @throws {TypeError} If `root` is not a `Value`, or an option has the wrong type or name.
   * @throws {RangeError} If `rankdir` is not `"LR"` or `"TB"`, `maxNodes` is not a whole number
   * ≥ 1 or `Infinity`, or the graph is bigger or deeper than `drawDot` allows.
   * @example Making a stepper leaves the gradients as they were
   * ```ts
   * import { StepBackward, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const x = new Value(3);
   * new StepBackward(x.mul(x));
   * assertEquals(x.grad, 0);
   * ```
   */
  constructor(root: Value, options: StepBackwardOptions = {}) {
    if (!isValue(root)) {
      throw new TypeError(
        `Cannot ${ACTION}: stepBackward() takes a Value, got ${describe(root)}`,
      );
    }
    const given = checkOptions(options, ["rankdir", "maxNodes"], ACTION);
    const rankdir = checkChoice(given.rankdir, ACTION, "rankdir", ["LR", "TB"] as const);
    const maxNodes = checkMaxNodes(given.maxNodes, ACTION);
    const nodes = topologicalSort(root);
    const count = checkGraphSize(nodes, maxNodes, ACTION);
    const recorded = record(root, nodes);

    const index = new Map(nodes.map((v, i) => [v, i]));
    const names = nodes.map((v, i) => nameOf(v, i));
    // Each record's grad cell is laid out as wide as the widest grad it will show.
    const gradText = (g: number) => `grad ${formatFixed(g, 4)}`;
    const widest = nodes.map(() => 0);
    const final = new Map<Value, number>();
    for (const { grads } of recorded) {
      for (const [v, g] of grads) {
        const i = index.get(v)!;
        widest[i] = Math.max(widest[i], gradText(g).length);
        final.set(v, g);
      }
    }
    // Each edge child → op is labelled in the step that processes its parent.
    // valueGraphDot numbers the edges parent by parent, in the order of `nodes`.
    const firstEdge = new Map<Value, number>();
    let edgeCount = 0;
    for (const v of nodes) {
      firstEdge.set(v, edgeCount);
      edgeCount += v.children.length;
    }
    const edgeLabels: string[] = [];
    const edgeTips: string[] = [];
    const pageSteps: PageStep[] = recorded.map(({ node, grads, outGrad, before }, s) => {
      const p = index.get(node)!;
      const page: PageStep = {
        node: p,
        caption: "",
        grads: [...grads].map(([v, g]) => [index.get(v)!, gradText(g), formatRepr(g)]),
        edges: [],
      };
      const who = names[p];
      if (s === 0) {
        page.caption = `Step 0: backward() sets ${who}.grad = 1 (d${who}/d${who} = 1); ` +
          `every other grad starts at 0`;
        return page;
      }
      const children = node.children;
      const own = hasOwnBackward(node);
      const local = own ? [] : node.localGrads;
      const parts: string[] = [];
      children.forEach((child, j) => {
        const delta = grads.get(child)! - before.get(child)!;
        const product = local.length === children.length
          ? `${short(local[j])} × ${short(outGrad)} = ${short(local[j] * outGrad)}`
          : undefined;
        const k = firstEdge.get(node)! + j;
        page.edges.push(k);
        edgeLabels[k] = product ?? `+= ${short(delta)}`;
        const childName = names[index.get(child)!];
        edgeTips[k] = `${childName} → ${node.op || "op"} → ${who}: ` +
          (product === undefined
            ? `its own _backward() added ${formatRepr(delta)}`
            : `d${who}/d${childName} = ${formatRepr(local[j])}`);
      });
      for (const [v, g] of grads) {
        const name = names[index.get(v)!];
        const j = children.indexOf(v);
        parts.push(
          j >= 0 && local.length === children.length
            ? `${name}.grad += ${short(local[j])} × ${short(outGrad)} → ${short(g)}`
            : `${name}.grad ${short(before.get(v)!)} → ${short(g)}`,
        );
      }
      const done = s === recorded.length - 1 ? "; done: every grad is final" : "";
      page.caption = `Step ${s}: ${who}._backward() (${node.op || "own op"}) sends ${who}.grad = ${
        short(outGrad)
      } back: ${parts.length > 0 ? parts.join(", ") : "nothing changes"}${done}`;
      return page;
    });

    this.root = root;
    this.nodes = nodes;
    this.steps = recorded.map(({ node, grads }) => ({ node, grads }));
    this.nodeCount = count;
    this.dot = valueGraphDot(nodes, count, {
      rankdir,
      fields: (v, i) => {
        const text = gradText(final.get(v) ?? 0);
        const pad = widest[i] - text.length; // no-break spaces, which Graphviz does not trim
        const padded = NBSP.repeat(pad >> 1) + text + NBSP.repeat(pad - (pad >> 1));
        return [v.label, `data ${formatFixed(v.data, 4)}`, padded];
      },
      record: (_, i) => ` class="dgv${i}"`,
      op: (_, i) => ` class="dgo${i}"`,
      edge: (_child, _parent, k) =>
        `label="${escapeText(edgeLabels[k])}" fontname=Courier fontsize=12 fontcolor="${GREY}" ` +
        `class="dge${k}"`,
    });
    const tips = nodes.map((v): [string, string] => [
      `${v.label || "(no label)"}\ndata = ${formatRepr(v.data)}\ngrad = `,
      `\nop = ${v.op || "none (a leaf)"}`,
    ]);
    this.#page = { nodes: tips, edges: edgeCount, steps: pageSteps };
    this.#titles = { tips, final, edgeTips, names };
  }

  /**
   * Every value's `grad` (in the order of {@linkcode StepBackward.nodes}) after step `step`:
   * the recorded gradients of steps 0 to `step` replayed.
   *
   * @param step From 0 (the seed) to `steps.length - 1` (the end of the pass).
   * @returns The gradients, a new array.
   * @throws {TypeError} If `step` is not a number.
   * @throws {RangeError} If `step` is not a whole number from 0 to `steps.length - 1`.
   * @example After step 1 of L = a * b
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(stepBackward(new Value(2).mul(new Value(-3))).gradsAt(1), [-3, 2, 1]);
   * ```
   */
  gradsAt(step: number): number[] {
    checkInteger(step, "read step", "step");
    if (step < 0 || step >= this.steps.length) {
      throw new RangeError(
        `Cannot read step: step must be from 0 to ${this.steps.length - 1}, got ${step}`,
      );
    }
    const index = new Map(this.nodes.map((v, i) => [v, i]));
    const grads = this.nodes.map(() => 0);
    for (let s = 0; s <= step; s++) {
      for (const [v, g] of this.steps[s].grads) grads[index.get(v)!] = g;
    }
    return grads;
  }

  /**
   * The final state as a picture: every `grad` as `backward()` leaves it, each edge labelled
   * with its chain-rule product. What viewers that run no script show. Laid out once and kept.
   *
   * @returns SVG markup, starting at `<svg`; hovering a box shows its data, grad, op and label.
   * @throws {Error} If Graphviz cannot lay the graph out.
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertStringIncludes } from "@std/assert";
   * const svg = await stepBackward(new Value(2).mul(new Value(-3))).svg();
   * assertStringIncludes(svg, "&#45;3 × 1 = &#45;3");
   * ```
   */
  svg(): Promise<string> {
    this.#svg ??= layOut(this.dot).then((svg) => this.#annotate(svg)).catch((e) => {
      this.#svg = undefined; // let a later call try again
      throw e;
    });
    return this.#svg;
  }

  /** Graphviz's SVG with tooltips in the `<title>`s and no `id`s (two steppers may share a page). */
  #annotate(svg: string): string {
    const { tips, final, edgeTips, names } = this.#titles;
    return svg.replace(/ id="[^"]*"/g, "").replace(
      /(<g class="(?:node|edge) dg([voe])(\d+)">\n<title>)[^<]*(<\/title>)/g,
      (_, open: string, kind: string, n: string, close: string) => {
        const i = Number(n);
        const v = this.nodes[i];
        const tip = kind === "e"
          ? edgeTips[i]
          : kind === "o"
          ? `op ${v.op}: computes ${names[i]}`
          : tips[i][0] + formatRepr(final.get(v) ?? 0) + tips[i][1];
        return open + escapeXml(tip) + close;
      },
    );
  }

  /**
   * The step-through view as one self-contained HTML fragment: the inline SVG, the controls,
   * the recorded steps as JSON and the script that replays them, with no network access. Without
   * its script (a viewer that runs none) it shows the final state and hides the controls.
   *
   * @returns HTML markup.
   * @throws {Error} If Graphviz cannot lay the graph out.
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assert } from "@std/assert";
   * const html = await stepBackward(new Value(2).mul(3)).html();
   * assert(html.includes("<svg") && !/https?:/.test(html));
   * ```
   */
  async html(): Promise<string> {
    // Inline in HTML an <svg> needs no namespace declarations: dropping them leaves no URL at all.
    const svg = (await this.svg()).replace(/ xmlns(?::xlink)?="[^"]*"/g, "");
    const json = JSON.stringify(this.#page).replace(/</g, "\\u003c");
    const last = this.steps.length - 1;
    const what = escapeXml(nameOf(this.root, this.nodes.length - 1));
    return `<div class="denograd-stepper" data-denograd-stepper tabindex="0" role="group" ` +
      `aria-label="Step through ${what}.backward()" data-lm-suppress-shortcuts="true" ` +
      `data-p-suppress-shortcuts="true" style="font-family:sans-serif;font-size:13px;color:#222">` +
      `<style>.denograd-stepper:focus-visible{outline:2px solid #1565c0;outline-offset:2px}` +
      `.denograd-stepper button{font:inherit;padding:2px 8px;margin-right:4px;cursor:pointer}` +
      `.denograd-stepper i{display:inline-block;width:11px;height:11px;margin:0 3px 0 10px;` +
      `border:1px solid #555;vertical-align:-1px}</style>` +
      `<div class="denograd-controls" hidden style="margin-bottom:4px">` +
      `<button type="button" data-act="reset" title="Reset (Home)">Reset</button>` +
      `<button type="button" data-act="prev" title="Previous (←)">◀ Previous</button>` +
      `<button type="button" data-act="play" title="Play">▶ Play</button>` +
      `<button type="button" data-act="next" title="Next (→)">Next ▶</button>` +
      `<input type="range" min="0" max="${last}" value="${last}" step="1" ` +
      `aria-label="Step" style="display:inline-block;vertical-align:middle;width:160px">` +
      ` <span class="denograd-counter">Step ${last} of ${last}</span>` +
      `<span style="margin-left:8px;color:#444"><i style="background:${AMBER}"></i>` +
      `running _backward()<i style="background:${BLUE_FILL}"></i>grad just written` +
      `<i style="background:${GREEN}"></i>done</span></div>` +
      `<div class="denograd-caption" aria-live="polite" style="margin-bottom:4px">` +
      `The final state: every grad as backward() leaves it. Run the cell in Jupyter to step ` +
      `through backward().</div>` +
      `<div style="overflow-x:auto">${svg}</div>` +
      `<script type="application/json">${json}</script><script>${SCRIPT}</script></div>`;
  }

  /**
   * A short text form: `StepBackward(3 steps, 10 nodes)` (steps after step 0; Graphviz nodes).
   *
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(String(stepBackward(new Value(1).add(2))), "StepBackward(1 step, 4 nodes)");
   * ```
   */
  toString(): string {
    const steps = this.steps.length - 1;
    return `StepBackward(${steps} step${steps === 1 ? "" : "s"}, ${this.nodeCount} nodes)`;
  }

  /**
   * How `console.log` and `Deno.inspect` show a stepper: its text form.
   *
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(Deno.inspect(stepBackward(new Value(1))), "StepBackward(0 steps, 1 nodes)");
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * What Deno's Jupyter kernel shows: the step-through HTML, the final state as SVG for front
   * ends that run no script, and the text form.
   *
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const stepper = stepBackward(new Value(1).mul(2));
   * const bundle = await Reflect.get(stepper, Symbol.for("Jupyter.display")).call(stepper);
   * assertEquals(Object.keys(bundle), ["text/html", "image/svg+xml", "text/plain"]);
   * ```
   */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    return {
      "text/html": await this.html(),
      "image/svg+xml": await this.svg(),
      "text/plain": this.toString(),
    };
  }
}

/**
 * Step through `root.backward()` in the notebook: see {@linkcode StepBackward}. The last
 * expression of a cell, it shows the graph with Next, Previous, Play and Reset.
 *
 * @param root The output to backpropagate from; its gradients are left as they were.
 * @param options `rankdir` and `maxNodes`: see {@linkcode StepBackwardOptions}.
 * @returns The recorded pass, which Jupyter displays.
 * @throws {TypeError} If `root` is not a `Value`, or an option has the wrong type or name.
 * @throws {RangeError} If an option is out of its domain, or the graph is bigger or deeper than
 * `drawDot` allows.
 * @example The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)
 * ```ts
 * import { stepBackward, Value } from "../mod.ts";
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * const [x1, x2, w1, w2] = [2, 0, -3, 1].map((x) => new Value(x));
 * const b = new Value(6.8813735870195432);
 * const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
 * const stepper = stepBackward(o);
 * assertEquals(stepper.steps.length - 1, 5); // tanh, +, +, *, *
 * const grads = stepper.gradsAt(5);
 * assertAlmostEquals(grads[stepper.nodes.indexOf(x1)], -1.5); // as in the lecture
 * assertEquals(x1.grad, 0); // o's graph is left as it was
 * ```
 */
export function stepBackward(root: Value, options: StepBackwardOptions = {}): StepBackward {
  return new StepBackward(root, options);
}

/** One recorded call: what it wrote, and `out.grad` and its children's grads before it. */
interface Recorded extends BackwardStep {
  outGrad: number;
  before: Map<Value, number>;
}

/**
 * Run `root.backward()` itself, from every `grad` 0 (as after `zeroGrad()`), with each value's
 * `_backward` wrapped for the pass so that the gradients are read before and after each call,
 * in whatever order the engine makes them; then put every `_backward` and `grad` back.
 */
function record(root: Value, nodes: readonly Value[]): Recorded[] {
  const saved = nodes.map((v) => v.grad);
  const own = nodes.map((v) => Object.getOwnPropertyDescriptor(v, "_backward"));
  const sends = nodes.map((v) => v._backward); // the engine's, or a learner's own
  const steps: Recorded[] = [];
  try {
    nodes.forEach((v, i) => {
      v.grad = 0;
      const send = sends[i];
      const children = v.children;
      // The engine's _backward writes only the children; a learner's own may write any grad.
      const watched = hasOwnBackward(v) ? nodes : children;
      v._backward = () => {
        if (steps.length === 0) { // the start of the pass: root.grad = 1, every other 0
          steps.push({
            node: root,
            grads: new Map(nodes.map((w) => [w, w.grad])),
            outGrad: root.grad,
            before: new Map(),
          });
        }
        const before = new Map(watched.map((w) => [w, w.grad]));
        const outGrad = v.grad;
        send.call(v);
        const grads = new Map<Value, number>();
        for (const w of watched) {
          if (children.includes(w) || !Object.is(w.grad, before.get(w))) grads.set(w, w.grad);
        }
        if (children.length > 0 || grads.size > 0) steps.push({ node: v, grads, outGrad, before });
      };
    });
    root.backward();
  } finally {
    // A value's `_backward` is kept on the tape, so setting it back puts it back; a subclass
    // instance got the wrapper as its own property instead
    nodes.forEach((v, i) => {
      if (own[i] !== undefined) Object.defineProperty(v, "_backward", own[i]!);
      else if (Object.hasOwn(v, "_backward")) delete (v as { _backward?: unknown })._backward;
      else v._backward = sends[i];
      internals.setGrad(v, saved[i]); // as found: Infinity after an overflow, too
    });
  }
  return steps;
}

/** Whether `v`'s `_backward` is not the engine's: a learner's closure or subclass method. */
function hasOwnBackward(v: Value): boolean {
  return Object.hasOwn(v, "_backward") ||
    (v instanceof Value && v._backward !== Value.prototype._backward);
}

/**
 * A value's name in captions: its label; for an unlabelled result its op on its children's
 * labels (`(w1 * x1)`, `tanh(n)`, `…` for an unlabelled child); else `leaf #i`.
 */
function nameOf(v: Value, i: number): string {
  if (v.label !== "") return v.label;
  if (v.op === "") return `leaf #${i}`;
  const children = v.children.map((c) => c.label || "…");
  if (children.length === 1) return `${v.op}(${children[0]})`;
  if (children.length === 2) return `(${children[0]} ${v.op} ${children[1]})`;
  return `(${v.op})`;
}

/** A number as a short label: at most 4 decimals, no trailing zeros (`-3`, `0.5`, `0.7071`). */
function short(x: number): string {
  const s = formatFixed(x, 4);
  const t = s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  return t === "-0" ? "0" : t;
}

/** Text for XML content or a double-quoted attribute. */
function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const NBSP = "\u00a0";
const GREY = "#555555";
const AMBER = "#ffe082";
const BLUE_FILL = "#b3e5fc";
const GREEN = "#dcedc8";

/**
 * The page's script: finds its stepper (or, where output scripts run detached from their
 * element, every stepper not yet started), reads the recorded steps, and shows one at a time.
 */
const SCRIPT = `(function () {
  var COLOURS = { current: ["${AMBER}", "#8a5300", "2.5"], written: ["${BLUE_FILL}", "#01579b", "2"],
    done: ["${GREEN}", "black", "1"], "": ["none", "black", "1"] };
  function start(root) {
    if (root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    var svg = root.querySelector("svg"), steps = data.steps, last = steps.length - 1;
    var step = 0, timer = 0, edgeStep = [], records = [], ops = [], edges = [];
    function find(c) { return svg.querySelector("g." + c); }
    data.nodes.forEach(function (_, i) { records.push(find("dgv" + i)); ops.push(find("dgo" + i)); });
    for (var k = 0; k < data.edges; k++) edges.push(find("dge" + k));
    steps.forEach(function (s, t) { s.edges.forEach(function (k) { edgeStep[k] = t; }); });
    var slider = root.querySelector("input[type=range]");
    var counter = root.querySelector(".denograd-counter");
    var caption = root.querySelector(".denograd-caption");
    var button = {};
    root.querySelectorAll("button[data-act]").forEach(function (b) { button[b.getAttribute("data-act")] = b; });
    function paint(shape, state) {
      if (!shape) return;
      var c = COLOURS[state];
      shape.style.fill = c[0]; shape.style.stroke = c[1]; shape.style.strokeWidth = c[2];
    }
    function show(to) {
      step = Math.max(0, Math.min(last, to));
      var grads = [], full = [], state = [];
      for (var u = 0; u <= step; u++) {
        steps[u].grads.forEach(function (g) { grads[g[0]] = g[1]; full[g[0]] = g[2]; });
        if (u > 0) state[steps[u].node] = "done";
      }
      var now = steps[step];
      if (step > 0) now.grads.forEach(function (g) { state[g[0]] = "written"; });
      state[now.node] = "current";
      records.forEach(function (g, i) {
        var texts = g.querySelectorAll("text");
        texts[texts.length - 1].textContent = grads[i];
        g.querySelector("title").textContent = data.nodes[i][0] + full[i] + data.nodes[i][1];
        g.setAttribute("data-state", state[i] || "");
        paint(g.querySelector("polygon"), state[i] || "");
        if (ops[i]) paint(ops[i].querySelector("ellipse"), state[i] === "current" ? "current" : "");
      });
      edges.forEach(function (g, k) {
        var current = edgeStep[k] === step, colour = current ? "#01579b" : "";
        var label = g.querySelector("text");
        label.style.visibility = step > 0 && edgeStep[k] <= step ? "visible" : "hidden";
        label.style.fill = current ? colour : "${GREY}";
        label.style.fontWeight = current ? "bold" : "normal";
        g.querySelector("path").style.stroke = colour;
        g.querySelector("path").style.strokeWidth = current ? "2" : "";
        g.querySelector("polygon").style.fill = colour;
        g.querySelector("polygon").style.stroke = colour;
      });
      root.setAttribute("data-step", String(step));
      slider.value = String(step);
      counter.textContent = "Step " + step + " of " + last;
      caption.textContent = now.caption;
      button.prev.disabled = step === 0;
      button.next.disabled = step === last;
    }
    function stop() {
      if (timer) clearInterval(timer);
      timer = 0;
      button.play.textContent = "\\u25b6 Play";
    }
    button.reset.onclick = function () { stop(); show(0); };
    button.prev.onclick = function () { stop(); show(step - 1); };
    button.next.onclick = function () { stop(); show(step + 1); };
    button.play.onclick = function () {
      if (timer) return stop();
      if (step === last) show(0);
      button.play.textContent = "Pause";
      timer = setInterval(function () {
        if (!root.isConnected || step >= last) return stop();
        show(step + 1);
        if (step === last) stop();
      }, 900);
    };
    slider.oninput = function () { stop(); show(Number(slider.value)); };
    root.addEventListener("keydown", function (e) {
      var to = { ArrowRight: step + 1, ArrowLeft: step - 1, Home: 0, End: last }[e.key];
      if (to === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
      e.stopPropagation(); // not the notebook's own shortcuts
      if (e.target === slider) return; // the slider moves itself
      e.preventDefault();
      stop();
      show(to);
    });
    root.querySelector(".denograd-controls").hidden = false;
    show(0);
  }
  var me = document.currentScript;
  var own = me && me.closest && me.closest("[data-denograd-stepper]");
  if (own) start(own);
  else document.querySelectorAll("[data-denograd-stepper]").forEach(start);
})();`;
