/**
 * Stepping through `backward()` one `_backward()` at a time, in the notebook: the learner's own
 * graph, laid out by the same Graphviz as `drawDot`, with buttons, a slider and the keyboard.
 *
 * The steps are recorded from a real run of the engine: `root.backward()` itself runs, and every
 * gradient is read around each `_backward()` call it makes, in its order. On top of that record
 * the stepper works out what a learner asks about backpropagation: what each use of a value sent
 * back (a value used twice gets two shares, added with `+=`), when a value's grad is final (once
 * every use has sent its share), and, for each leaf, the nudge-and-measure derivative of the
 * first lecture (the graph re-evaluated with the leaf nudged by ±h), to set beside its grad. The
 * page only replays those recorded numbers; it computes none. It lives in `_step_page.ts`.
 *
 * @module
 */
import { describe, formatFixed, formatRepr } from "./_format.ts";
import { checkChoice, checkInteger, checkOptions } from "./_check.ts";
import { checkGraphSize, checkMaxNodes, escapeText, layOut, valueGraphDot } from "./_dot.ts";
import { gradText, type PageData, stepperHtml, stepperSvg } from "./_step_page.ts";
import { isValue, topologicalSort, Value } from "./value.ts";
import { internals } from "./_hooks.ts";

const ACTION = "step backward";

/**
 * The default of the `maxNodes` option: an `MLP(2, [16, 16, 1])` output (1,619 Graphviz nodes,
 * 640 steps) is about the largest graph whose steps can still be followed one by one, and its
 * page stays under 1 MB.
 */
const STEPPER_MAX_NODES = 2000;

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
   * The most Graphviz nodes (a box per value plus an oval per op) to step through, default
   * 2000 (an `MLP(2, [16, 16, 1])` output has 1,619); `Infinity` allows any size. A bigger
   * graph has too many steps to follow: `drawDot` draws it whole.
   */
  maxNodes?: number;
}

/**
 * One share of a gradient that a `_backward()` call sent back: to which child, and how much.
 *
 * @example `a + a` sends `a` two shares of 1, which add up to its grad, 2
 * ```ts
 * import { type BackwardSend, stepBackward, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const a = new Value(3, { label: "a" });
 * const sends: readonly BackwardSend[] = stepBackward(a.add(a)).steps[1].sends;
 * assertEquals(sends.map((s) => [s.to.label, s.local, s.amount]), [["a", 1, 1], ["a", 1, 1]]);
 * ```
 */
export interface BackwardSend {
  /** The child that received it. */
  readonly to: Value;
  /**
   * The local derivative d(node)/d(child) of this use, which `amount` is `node.grad` times;
   * `undefined` for a learner's op with its own `_backward()`, whose formula is not known.
   */
  readonly local: number | undefined;
  /** What was added to the child's `grad`: `local × node.grad`, or the change its own made. */
  readonly amount: number;
}

/**
 * One recorded step: the value whose `_backward()` ran, the gradients it wrote, what it sent to
 * each use, and the caption the page shows.
 *
 * @example The first step of L = a * b sends L.grad to a and b
 * ```ts
 * import { type BackwardStep, stepBackward, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const a = new Value(2, { label: "a" }), b = new Value(-3, { label: "b" });
 * const L = a.mul(b);
 * L.label = "L";
 * const step: BackwardStep = stepBackward(L).steps[1];
 * assertEquals(step.node, L);
 * assertEquals([...step.grads], [[a, -3], [b, 2]]);
 * assertEquals(step.sends.map((s) => s.amount), [-3, 2]);
 * assertEquals(step.caption.slice(0, 40), "Step 1: L._backward() (L = a * b) sends ");
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
  /**
   * What each use of a child was sent, in the order of `node.children`: one share per use, so
   * two for `a` in `a + a` (where the engine keeps `a` once and sends both at once). None in
   * step 0.
   */
  readonly sends: readonly BackwardSend[];
  /** What the page says of this step, naming values as its picture does. */
  readonly caption: string;
}

/**
 * A recorded backward pass and its step-through view. In Jupyter (the Deno kernel) it shows the
 * graph with controls: Reset, Previous, Play, Next, a slider, Fit and 100 % zoom, and the keys
 * ← → Home End and space once it has focus.
 *
 * Step 0 is the start of `backward()`: the output's `grad` set to 1 and every other `grad` 0.
 * Each further step is one call of a value's `_backward()`, from the output back to the
 * leaves; leaves, whose `_backward()` sends nothing, are called too but get no step of their
 * own. At each step the value being processed is orange with a thick border, the children whose
 * `grad` it just wrote are blue with their new grad in bold, and values whose grad is final
 * (processed values, and leaves once every use has sent its share) are green. The edges into its
 * op are labelled with the chain-rule product `local derivative × out.grad = what is added`
 * (`-3 × -2 = 6`). A value used more than once shows how many of its uses have sent their share
 * (`(1/2)`), with a dashed border while it waits for the others. A leaf whose grad is final
 * shows ✓ when it agrees with nudging that leaf and measuring the output, as the first lecture
 * does (see {@linkcode StepBackward.checks}). Every value is named in its box: its label, or
 * for an unlabelled one a short name in italics (`a*b`, `v7`), which the captions use too.
 * Hovering or tapping a box shows a card with its numbers in full.
 *
 * The page needs no network: the picture, the script and the recorded numbers are all inline.
 * Front ends that run no output scripts (GitHub, an untrusted notebook) show a PNG of the last
 * step.
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
  /**
   * For each leaf, d(root)/d(leaf) measured by nudging: the graph re-evaluated with the leaf at
   * `x + h` and `x - h` (h = 10⁻⁵ · max(1, |x|)), `(root(x + h) - root(x - h)) / 2h`. Left out
   * for a leaf below a learner's op whose forward formula is unknown (an op other than the
   * engine's `+ * ** **k exp log tanh ReLU sigmoid`), or whose nudged output is not finite.
   */
  readonly checks: ReadonlyMap<Value, number>;
  /** The Graphviz DOT source of the layout, with the final gradients. */
  readonly dot: string;
  /** How many Graphviz nodes it has: a record per value, plus an op node per result. */
  readonly nodeCount: number;
  #page: PageData;
  #svg: Promise<string> | undefined;

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
   * ≥ 1 or `Infinity`, the graph has more than `maxNodes` Graphviz nodes, or it is deeper than
   * Graphviz can lay out.
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
    const maxNodes = checkMaxNodes(given.maxNodes ?? STEPPER_MAX_NODES, ACTION);
    const nodes = topologicalSort(root);
    const count = checkGraphSize(nodes, Infinity, ACTION);
    if (count > maxNodes) {
      throw new RangeError(
        `Cannot ${ACTION}: the graph has ${count} Graphviz nodes, more than maxNodes ${maxNodes}, ` +
          `too many steps to follow one by one; step through a smaller graph (one neuron, or a ` +
          `net such as MLP(2, [4, 4, 1])), draw this one whole with drawDot(root), or pass ` +
          `{ maxNodes: Infinity }`,
      );
    }
    const recorded = record(root, nodes);
    const index = new Map(nodes.map((v, i) => [v, i]));
    const graph: Graph = {
      nodes,
      index,
      ...nameValues(nodes, index),
      uses: nodes.map((v) => usesOf(v, index)),
      total: nodes.map(() => 0),
      checks: nudgeChecks(root, nodes, index),
      agrees: [],
    };
    for (const slots of graph.uses) for (const slot of slots) graph.total[slot.child] += slot.count;
    const final = recorded.at(-1)!.after;
    graph.agrees = nodes.map((v, i) =>
      graph.checks.has(v) ? agree(graph.checks.get(v)!, final[i]) : undefined
    );
    const { steps, edgeLabels } = replay(recorded, graph);
    // Each record's grad cell is laid out as wide as the widest text it will show.
    const texts = gradTexts(recorded, graph);
    this.root = root;
    this.nodes = nodes;
    this.steps = steps;
    this.checks = graph.checks;
    this.nodeCount = count;
    this.dot = valueGraphDot(nodes, count, {
      rankdir,
      fields: (v, i) => {
        const text = texts.final[i];
        const pad = texts.widest[i] - text.length; // no-break spaces, which Graphviz keeps
        const padded = NBSP.repeat(pad >> 1) + text + NBSP.repeat(pad - (pad >> 1));
        return [graph.names[i], `data ${formatFixed(v.data, 4)}`, padded];
      },
      record: (_, i) => ` class="dgv${i}"`,
      op: (_, i) => ` class="dgo${i}"`,
      edge: (_child, _parent, k) =>
        `label="${escapeText(edgeLabels[k] ?? "")}" fontname=Courier fontsize=13 class="dge${k}"`,
    });
    this.#page = pageData(graph, steps);
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
   * The last step as a picture, the PNG that viewers without scripts show: every `grad` as
   * `backward()` leaves it, each edge labelled with its chain-rule product. Laid out once and
   * kept.
   *
   * @returns SVG markup of a standalone file, starting at `<svg`.
   * @throws {Error} If Graphviz cannot lay the graph out.
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertStringIncludes } from "@std/assert";
   * const svg = await stepBackward(new Value(2).mul(new Value(-3))).svg();
   * assertStringIncludes(svg, ">-3 × 1 = -3</text>");
   * ```
   */
  async svg(): Promise<string> {
    return stepperSvg(await this.#layout(), this.#page);
  }

  /** Graphviz's layout of {@linkcode StepBackward.dot}, made once. */
  #layout(): Promise<string> {
    this.#svg ??= layOut(this.dot).catch((e) => {
      this.#svg = undefined; // let a later call try again
      throw e;
    });
    return this.#svg;
  }

  /**
   * The step-through view as one self-contained HTML fragment: a PNG of the last step, the
   * picture as inert text, the recorded steps as JSON and the script that replays them, with
   * no network access. Without its script (a viewer that runs none, or that strips scripts and
   * styles) it is the PNG alone.
   *
   * @returns HTML markup.
   * @throws {Error} If Graphviz cannot lay the graph out.
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assert } from "@std/assert";
   * const html = await stepBackward(new Value(2).mul(3)).html();
   * assert(html.includes('<img src="data:image/png;base64,') && !/https?:/.test(html));
   * ```
   */
  async html(): Promise<string> {
    const what = this.#page.names[this.#page.root];
    return await stepperHtml(await this.#layout(), this.#page, {
      label: `Step through ${what}.backward()`,
      alt: `${this}: the last step of ${what}.backward(), every grad as it leaves them`,
    });
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
   * What Deno's Jupyter kernel shows: the step-through HTML (a PNG where scripts do not run)
   * and the text form.
   *
   * @example
   * ```ts
   * import { stepBackward, Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const stepper = stepBackward(new Value(1).mul(2));
   * const bundle = await Reflect.get(stepper, Symbol.for("Jupyter.display")).call(stepper);
   * assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
   * ```
   */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    return { "text/html": await this.html(), "text/plain": this.toString() };
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
 * @throws {RangeError} If an option is out of its domain, the graph has more than `maxNodes`
 * Graphviz nodes (default 2000), or it is deeper than Graphviz can
 * lay out.
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
 * assertAlmostEquals(stepper.checks.get(x1)!, -1.5, 1e-9); // and by nudging x1
 * assertEquals(x1.grad, 0); // o's graph is left as it was
 * ```
 */
export function stepBackward(root: Value, options: StepBackwardOptions = {}): StepBackward {
  return new StepBackward(root, options);
}

/** One recorded call: what it wrote, `out.grad`, and the grads before it and after it. */
interface Recorded {
  node: Value;
  grads: Map<Value, number>;
  outGrad: number;
  before: Map<Value, number>;
  /** Every value's grad after the call, by index (kept for the last step only). */
  after: number[];
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
  const seed = () =>
    steps.push({
      node: root,
      grads: new Map(nodes.map((w) => [w, w.grad])),
      outGrad: root.grad,
      before: new Map(),
      after: [],
    });
  try {
    nodes.forEach((v, i) => {
      v.grad = 0;
      const send = sends[i];
      const children = v.children;
      // The engine's _backward writes only the children; a learner's own may write any grad.
      const watched = hasOwnBackward(v) ? nodes : children;
      v._backward = () => {
        if (steps.length === 0) seed(); // the start of the pass: root.grad = 1, every other 0
        const before = new Map(watched.map((w) => [w, w.grad]));
        const outGrad = v.grad;
        send.call(v);
        const grads = new Map<Value, number>();
        for (const w of watched) {
          if (children.includes(w) || !Object.is(w.grad, before.get(w))) grads.set(w, w.grad);
        }
        if (children.length > 0 || grads.size > 0) {
          steps.push({ node: v, grads, outGrad, before, after: [] });
        }
      };
    });
    root.backward();
    if (steps.length === 0) seed();
    steps.at(-1)!.after = nodes.map((v) => v.grad);
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

/** A recorded graph, and what the stepper worked out about it. */
interface Graph {
  nodes: readonly Value[];
  index: Map<Value, number>;
  /** Each value's name in its box, and as a caption writes it before `.grad`. */
  names: string[];
  refs: string[];
  /** Whether the stepper made the name up. */
  auto: boolean[];
  /** What each value's op sends to each of its children. */
  uses: Slot[][];
  /** How many uses each value has. */
  total: number[];
  checks: Map<Value, number>;
  /** Whether each leaf's check agrees with its final grad, if it has one. */
  agrees: (boolean | undefined)[];
}

/**
 * The record replayed: what each step sent to each use of each child, its caption, and the
 * label of each edge (the chain rule's product, `-3 × -2 = 6`, in the order of valueGraphDot's
 * edges: parent by parent in the order of `nodes`).
 */
function replay(
  recorded: readonly Recorded[],
  graph: Graph,
): { steps: BackwardStep[]; edgeLabels: string[] } {
  const { nodes, index, names, refs, uses, total, checks, agrees } = graph;
  const received = nodes.map(() => 0);
  const steps: BackwardStep[] = [];
  const edgeLabels: string[] = [];
  let edge = 0;
  const firstEdge = nodes.map((v) => (edge += v.children.length) - v.children.length);
  /** What a caption says of value `i` once a share has come: which use, and whether it is final. */
  const note = (i: number) => {
    const [k, n, leaf] = [received[i], total[i], nodes[i].children.length === 0];
    const check = agrees[i] === undefined
      ? ""
      : `; nudging ${refs[i]} gives ${short(checks.get(nodes[i])!)} ${agrees[i] ? "✓" : "✗"}`;
    const final = k === n && leaf ? `final${check}` : "";
    if (n < 2) return final ? ` (${final})` : "";
    const wait = k < n
      ? `; ${refs[i]} waits for ${n - k === 1 ? "the other" : `${n - k} more`}`
      : `: ${final || "all sent"}`;
    return ` (${ordinal(k)} of ${n} uses${wait})`;
  };
  for (const [s, { node, grads, outGrad, before }] of recorded.entries()) {
    const p = index.get(node)!;
    const who = refs[p];
    if (s === 0) {
      const caption = `Step 0: backward() sets ${who}.grad = 1 (d${who}/d${who} = 1); ` +
        `every other grad starts at 0, as zeroGrad() leaves it, for each use adds its share with +=`;
      steps.push({ node, grads, sends: [], caption });
      continue;
    }
    const sends: BackwardSend[] = [];
    const parts: string[] = [];
    const running = new Map(before);
    for (const [j, { child, locals }] of uses[p].entries()) {
      const c = nodes[child];
      const k = firstEdge[p] + j;
      if (locals === undefined) { // a learner's own _backward: only what it did is known
        const delta = grads.get(c)! - before.get(c)!;
        if (!uses[p].slice(0, j).some((slot) => slot.child === child)) {
          sends.push({ to: c, local: undefined, amount: delta });
        }
        received[child]++;
        edgeLabels[k] = `+= ${short(delta)}`;
        const how = hasOwnBackward(node) ? "its own _backward()" : "no localGrads";
        parts.push(
          `${refs[child]}.grad ${short(before.get(c)!)} → ${short(grads.get(c)!)} (${how})` +
            note(child),
        );
        continue;
      }
      for (const local of locals) { // the chain rule, one share per use
        const amount = local * outGrad;
        sends.push({ to: c, local, amount });
        received[child]++;
        const was = running.get(c)!;
        running.set(c, was + amount);
        parts.push(
          `${refs[child]}.grad += ${short(local)} × ${short(outGrad)} = ${short(amount)}` +
            `${was === 0 ? "" : ` → ${short(was + amount)}`}${note(child)}`,
        );
      }
      const sum = locals.length === 1 ? short(locals[0]) : `(${locals.map(short).join(" + ")})`;
      edgeLabels[k] = `${sum} × ${short(outGrad)} = ${
        short(locals.reduce((x, y) => x + y) * outGrad)
      }`;
    }
    for (const [v, g] of grads) { // what a learner's _backward wrote beyond the children
      if (!node.children.includes(v)) {
        parts.push(
          `${refs[index.get(v)!]}.grad ${short(before.get(v)!)} → ${short(g)} (not a child)`,
        );
      }
    }
    const formula = formulaOf(node, refs, index);
    const what =
      formula === undefined || formula.replace(/[ ()]/g, "") === names[p].replace(/[()]/g, "")
        ? node.op || "own op"
        : `${who} = ${formula}`;
    // a value is processed only once every use has sent its share: why backward() goes in order
    const all = total[p] < 2
      ? ""
      : ` (${total[p] === 2 ? "both" : `all ${total[p]}`} of its uses sent)`;
    const end = s === recorded.length - 1 ? ". Every grad is now final" : "";
    const caption = `Step ${s}: ${who}._backward() (${what}) sends ${who}.grad = ` +
      `${short(outGrad)}${all} back: ${
        parts.length > 0 ? parts.join("; ") : "nothing changes"
      }${end}`;
    steps.push({ node, grads, sends, caption });
  }
  return { steps, edgeLabels };
}

/** What the page reads (see `PageData`): names, numbers in full, and the steps, as JSON. */
function pageData(graph: Graph, steps: readonly BackwardStep[]): PageData {
  const { nodes, index, names, refs, auto, uses, checks, agrees } = graph;
  // JSON has no -0, inf or nan: those are written as strings, which the page reads with Number()
  const number = (x: number) =>
    Number.isFinite(x) && !Object.is(x, -0) ? x : Object.is(x, -0) ? "-0" : String(x);
  return {
    names,
    auto: auto.flatMap((a, i) => a ? [i] : []),
    ops: nodes.map((v) => v.op),
    formulas: nodes.map((v) => formulaOf(v, refs, index) ?? ""),
    data: nodes.map((v) => formatRepr(v.data)),
    kids: uses.map((slots) => slots.map((slot) => slot.child)),
    counts: uses.flatMap((slots) => slots.map((slot) => slot.count)),
    locals: uses.flatMap((slots) =>
      slots.map((slot) => slot.locals?.map(formatRepr).join(" + ") ?? null)
    ),
    checks: nodes.map((v, i) =>
      checks.has(v) ? [formatRepr(checks.get(v)!), agrees[i] ? 1 : 0] : null
    ),
    steps: steps.map(({ node, grads, caption }) => [
      index.get(node)!,
      caption,
      [...grads].flatMap(([v, g]) => [index.get(v)!, number(g)]),
    ]),
    root: nodes.length - 1,
  };
}

/** Whether `v`'s `_backward` is not the engine's: a learner's closure or subclass method. */
function hasOwnBackward(v: Value): boolean {
  return Object.hasOwn(v, "_backward") ||
    (v instanceof Value && v._backward !== Value.prototype._backward);
}

/** A child of a value's op: which value (its index), how many uses, and each use's derivative. */
interface Slot {
  child: number;
  /** How many uses of the child this is: 2 for `a` in `a + a`, else 1. */
  count: number;
  /** d(value)/d(child) for each use; `undefined` when the value's `_backward` is its own. */
  locals: number[] | undefined;
}

/** The engine's ops of two operands: with the same operand twice, it keeps one child. */
const BINARY = ["+", "*", "**"];

/**
 * What `v`'s op sends to each of its children. The engine keeps `a` once in `a + a` (as
 * micrograd's set of children does) with the two local derivatives added; they are split here
 * again, so that the two uses show as two shares: `+` 1 and 1, `*` a and a, `**` a·a^(a-1) and
 * a^a·ln a.
 */
function usesOf(v: Value, index: Map<Value, number>): Slot[] {
  const children = v.children;
  const slots = children.map((c) => ({ child: index.get(c)!, count: 1, locals: undefined }));
  const local = v.localGrads;
  if (hasOwnBackward(v) || local.length !== children.length) return slots;
  if (children.length === 1 && BINARY.includes(v.op)) {
    const x = children[0].data;
    const parts = v.op === "+"
      ? [1, 1]
      : v.op === "*"
      ? [x, x]
      : [x * x ** (x - 1), x ** x * Math.log(x)];
    if (Math.abs(parts[0] + parts[1] - local[0]) <= 1e-12 * Math.abs(local[0])) {
      return [{ child: slots[0].child, count: 2, locals: parts }];
    }
  }
  return slots.map((slot, j) => ({ ...slot, locals: [local[j]] }));
}

/**
 * The name each value goes by in the picture and the captions, all different: its label (with
 * `#1`, `#2`, ... when several values share it); for an unlabelled value, its formula on its
 * children's labels when that is short and no other value's (`a*b`, `tanh(n)`, `b+w0*x0`), else
 * `v` and its index in `nodes` (`v7`). `auto` marks the names the stepper made up; `refs` are the
 * names as a caption writes them before `.grad`, a formula in brackets (`(a*b).grad`).
 */
function nameValues(
  nodes: readonly Value[],
  index: Map<Value, number>,
): { names: string[]; auto: boolean[]; refs: string[] } {
  const labels = new Map<string, number>();
  for (const v of nodes) if (v.label !== "") labels.set(v.label, (labels.get(v.label) ?? 0) + 1);
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  const auto = nodes.map((v) => v.label === "");
  // [name, how tightly it binds, or 0 for a made-up number]
  const made: [string, number][] = nodes.map((v) => {
    if (v.label === "") return ["", 0];
    let name = v.label;
    if (labels.get(name)! > 1) {
      const k = (seen.get(name) ?? 0) + 1;
      seen.set(name, k);
      name = `${v.label}#${k}`;
    }
    taken.add(name);
    return [name, ATOM];
  });
  const numbered = (i: number): [string, number] => {
    let name = `v${i}`;
    while (taken.has(name)) name += "'";
    return [name, 0];
  };
  // A formula names a value only if no other value would get the same one: values whose
  // formulas clash are numbered, which numbers the values above them too, so this goes round
  // until nothing clashes.
  const clashed = new Set<number>();
  for (let round = 0; round <= nodes.length; round++) {
    const count = new Map<string, number>();
    nodes.forEach((v, i) => {
      if (!auto[i]) return;
      const formula = clashed.has(i) ? undefined : expressionOf(v, made, index);
      made[i] = formula !== undefined && formula[0].length <= MAX_FORMULA_NAME
        ? formula
        : numbered(i);
      if (made[i][1] > 0) count.set(made[i][0], (count.get(made[i][0]) ?? 0) + 1);
    });
    let again = false;
    nodes.forEach((_, i) => {
      const [name, binding] = made[i];
      if (auto[i] && binding > 0 && (count.get(name)! > 1 || taken.has(name))) {
        clashed.add(i);
        again = true;
      }
    });
    if (!again) break;
  }
  return {
    names: made.map(([name]) => name),
    auto,
    refs: made.map(([name, binding]) => binding > 0 && binding < ATOM ? `(${name})` : name),
  };
}

/** The longest formula that names an unlabelled value; a longer one gets a number instead. */
const MAX_FORMULA_NAME = 10;
/** How tightly a formula binds: a name, a call `f(x)`. */
const ATOM = 4;
/** The engine's ops written between their operands, and how tightly each binds. */
const INFIX: Record<string, number> = { "+": 1, "*": 2, "**": 3 };

/**
 * `v`'s op on its children's names, with no spaces (`a*b`, `x**2`, `tanh(n)`, `b+w0*x0`), and
 * how tightly it binds; `undefined` for a leaf, an op that cannot be written so, or a child
 * with a made-up number (binding 0) for a name.
 */
function expressionOf(
  v: Value,
  names: readonly [string, number][],
  index: Map<Value, number>,
): [string, number] | undefined {
  const op = v.op;
  const children = v.children.map((c) => names[index.get(c)!]);
  if (children.length === 0 || children.some(([, binding]) => binding === 0)) return undefined;
  const wrap = ([text, binding]: [string, number], min: number) =>
    binding < min ? `(${text})` : text;
  const infix = INFIX[op];
  if (infix !== undefined && children.length <= 2 && !hasOwnBackward(v)) {
    const [a, b] = [children[0], children[1] ?? children[0]];
    // as JavaScript groups them: a+b+c is (a+b)+c, a**b**c is a**(b**c)
    const [left, right] = op === "**" ? [infix + 1, infix] : [infix, infix + 1];
    return [`${wrap(a, left)}${op}${wrap(b, right)}`, infix];
  }
  const power = /^\*\*(.+)$/.exec(op);
  if (power !== null && children.length === 1) {
    return [`${wrap(children[0], ATOM)}**${power[1]}`, INFIX["**"]];
  }
  if (/^[A-Za-z_]\w*$/.test(op)) return [`${op}(${children.map((c) => c[0]).join(",")})`, ATOM];
  return undefined;
}

/**
 * `v`'s op on its children's names, spaced as a caption writes it (`a * b`, `(a*b) + c`,
 * `tanh(n)`), or `undefined` for a leaf or an op that cannot be written so.
 */
function formulaOf(
  v: Value,
  refs: readonly string[],
  index: Map<Value, number>,
): string | undefined {
  const children = v.children.map((c) => refs[index.get(c)!]);
  const op = v.op;
  if (children.length === 0) return undefined;
  if (INFIX[op] !== undefined && children.length <= 2 && !hasOwnBackward(v)) {
    return `${children[0]} ${op} ${children[1] ?? children[0]}`;
  }
  if (/^\*\*.+$/.test(op) && children.length === 1) {
    return `${children[0]} ${op.slice(0, 2)} ${op.slice(2)}`;
  }
  if (/^[A-Za-z_]\w*$/.test(op)) return `${op}(${children.join(", ")})`;
  return undefined;
}

/**
 * d(root)/d(leaf) for each leaf, by nudging: the graph re-evaluated on numbers with the leaf at
 * x ± h, `(root(x + h) - root(x - h)) / 2h`. Each op is re-evaluated by its forward formula, as
 * value.ts computes it; a learner's op whose formula is unknown (or does not give the value's
 * recorded data) keeps its data, and the leaves below it get no check.
 */
function nudgeChecks(
  root: Value,
  nodes: readonly Value[],
  index: Map<Value, number>,
): Map<Value, number> {
  const data = Float64Array.from(nodes, (v) => v.data);
  // each value's operands (a value with one child takes it as both: a + a)
  const a = Int32Array.from(nodes, (v) => v.children.length > 0 ? index.get(v.children[0])! : -1);
  const b = Int32Array.from(
    nodes,
    (v, i) => v.children.length > 1 ? index.get(v.children[1])! : a[i],
  );
  const rules = nodes.map((v, i) => {
    if (a[i] < 0) return undefined;
    const rule = forwardRule(v.op, v.children.length);
    // the rule must give the value's data: a learner's op may use an engine op's name
    return rule !== undefined &&
        Math.abs(rule(data[a[i]], data[b[i]]) - data[i]) <= 1e-9 * Math.max(1, Math.abs(data[i]))
      ? rule
      : undefined;
  });
  // A leaf gets a check only if every value on its way to the root can be re-evaluated.
  const blocked = nodes.map(() => false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    for (const child of nodes[i].children) {
      if (blocked[i] || rules[i] === undefined) blocked[index.get(child)!] = true;
    }
  }
  const values = new Float64Array(nodes.length);
  const out = index.get(root)!;
  const evaluate = (leaf: number, x: number) => {
    values.set(data);
    values[leaf] = x;
    for (let i = leaf + 1; i <= out; i++) {
      const rule = rules[i];
      if (rule !== undefined) values[i] = rule(values[a[i]], values[b[i]]);
    }
    return values[out];
  };
  const checks = new Map<Value, number>();
  nodes.forEach((v, i) => {
    if (a[i] >= 0 || blocked[i]) return;
    if (v === root) return void checks.set(v, 1);
    const h = 1e-5 * Math.max(1, Math.abs(data[i]));
    const slope = (evaluate(i, data[i] + h) - evaluate(i, data[i] - h)) / (2 * h);
    if (Number.isFinite(slope)) checks.set(v, slope);
  });
  return checks;
}

/**
 * The forward formula of an engine op on numbers, exactly as value.ts computes it, for a value
 * with `arity` children: `(a, b)` are its operands, `a` twice when it has one child.
 */
function forwardRule(op: string, arity: number): ((a: number, b: number) => number) | undefined {
  if (arity === 1 || arity === 2) {
    if (op === "+") return (a, b) => a + b;
    if (op === "*") return (a, b) => a * b;
    if (op === "**") return (a, b) => a ** b;
  }
  if (arity !== 1) return undefined;
  switch (op) {
    case "exp":
      return (a) => Math.exp(a);
    case "log":
      return (a) => Math.log(a);
    case "tanh":
      return (a) => {
        const m = Math.expm1(2 * a);
        return m === Infinity ? 1 : m / (m + 2);
      };
    case "ReLU":
      return (a) => a < 0 ? 0 : a;
    case "sigmoid":
      return (a) => a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }
  const k = op.startsWith("**") ? Number(op.slice(2)) : NaN;
  return Number.isFinite(k) ? (a) => a ** k : undefined;
}

/** Whether a nudged derivative agrees with backpropagation's: within 10⁻⁶, relatively. */
function agree(nudged: number, grad: number): boolean {
  return Math.abs(nudged - grad) <= 1e-6 * Math.max(Math.abs(nudged), Math.abs(grad)) + 1e-9;
}

/**
 * The text of each value's grad cell at every step, as the page writes it (`grad 6.0000`, then
 * `(1/2)` for a value used twice, and ✓ or ✗ beside a leaf's final grad with a check): the
 * last, and the widest, which the cell is laid out for.
 */
function gradTexts(
  recorded: readonly Recorded[],
  graph: Graph,
): { final: string[]; widest: number[] } {
  const { nodes, index, uses, total, agrees } = graph;
  const grads = nodes.map(() => 0);
  const received = nodes.map(() => 0);
  const final = nodes.map(() => "");
  const widest = nodes.map(() => 0);
  const write = (i: number) => {
    final[i] = gradText(grads[i], received[i], total[i], nodes[i].children.length === 0, agrees[i]);
    widest[i] = Math.max(widest[i], final[i].length);
  };
  recorded.forEach(({ node, grads: written }, s) => {
    for (const [v, g] of written) grads[index.get(v)!] = g;
    if (s === 0) return nodes.forEach((_, i) => write(i));
    const p = index.get(node)!;
    for (const slot of uses[p]) received[slot.child] += slot.count;
    for (const [v] of written) write(index.get(v)!);
    for (const slot of uses[p]) write(slot.child);
  });
  return { final, widest };
}

/** "1st", "2nd", "3rd", "4th", ..., "11th", ..., "21st". */
function ordinal(k: number): string {
  const tens = Math.floor(k / 10) % 10;
  const suffix = tens === 1 ? "th" : ["th", "st", "nd", "rd"][k % 10] ?? "th";
  return `${k}${suffix}`;
}

/** A number as a short label: at most 4 decimals, no trailing zeros (`-3`, `0.5`, `0.7071`). */
function short(x: number): string {
  const s = formatFixed(x, 4);
  const t = s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  return t === "-0" ? "0" : t;
}

const NBSP = "\u00a0";
