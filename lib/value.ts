/**
 * The scalar autograd engine: {@linkcode Value} and its topological sort.
 *
 * @module
 */
import { describe, formatRepr } from "./_format.ts";
import { checkFinite, checkOptions } from "./_check.ts";

/** Marks denograd values, so a value made by an earlier evaluation of this module still counts. */
const BRAND: unique symbol = Symbol.for("denograd.Value") as never;

const OPTIONS = ["label", "children", "op", "localGrads"];

/**
 * Values keep their numbers in slabs (see `Value`): Float64Arrays of 1,024 values' numbers, 5
 * each, then two of the slab's own: the last backward pass that went through it, and its place
 * in the order slabs were made. `made` lists the values of a slab in the order they were made,
 * for `backward`, which goes through them in reverse. A slab is freed, as any object is, when
 * none of its values is in use any more.
 */
const SLAB_VALUES = 1024;
const PASS = SLAB_VALUES * 5;
const SEQ = PASS + 1;
/** A slab: the numbers, and the values in the order they were made. */
type Slab = Float64Array & { made: Value[] };
let slab = new Float64Array(0) as Slab;
let used = SLAB_VALUES;
let slabs = 0;

function newSlab(): void {
  slab = Object.assign(new Float64Array(SEQ + 1), { made: [] as Value[] });
  slab[SEQ] = ++slabs;
  used = 0;
}

/** Stamps for sorts and backward passes: counting up, they never repeat, so none need clearing. */
let stamp = 0;

/** A learner's own value's children and their local derivatives, if given. */
interface Own {
  children: readonly Value[];
  localGrads: readonly number[] | undefined;
}

/** The constructor's options, checked and copied. */
function checkValueOptions(
  options: ValueOptions,
): Required<Omit<ValueOptions, "localGrads">> & Pick<ValueOptions, "localGrads"> {
  checkOptions(options, OPTIONS, "create Value");
  const { label = "", children = [], op = "", localGrads } = options;
  if (typeof label !== "string") {
    throw new TypeError(`Cannot create Value: label must be a string, got ${describe(label)}`);
  }
  if (typeof op !== "string") {
    throw new TypeError(`Cannot create Value: op must be a string, got ${describe(op)}`);
  }
  if (!Array.isArray(children) || !children.every(isValue)) {
    throw new TypeError(
      `Cannot create Value: children must be an array of Values, got ${describe(children)}`,
    );
  }
  if (localGrads !== undefined) {
    if (!Array.isArray(localGrads) || !localGrads.every((x) => typeof x === "number")) {
      throw new TypeError(
        `Cannot create Value: localGrads must be an array of numbers, got ${describe(localGrads)}`,
      );
    }
    const bad = localGrads.find((x) => !Number.isFinite(x));
    if (localGrads.length !== children.length || bad !== undefined) {
      throw new RangeError(
        `Cannot create Value: localGrads must be one finite number per child, got ${
          bad === undefined ? `${localGrads.length} for ${children.length}` : bad
        }`,
      );
    }
  }
  return { label, op, children: [...children], localGrads: localGrads && [...localGrads] };
}

/** {@linkcode topologicalSort}'s walk, defined inside {@linkcode Value} to read its private fields. */
let sort: (root: Value, reset: boolean) => Value[];

/**
 * What {@linkcode Value}'s constructor takes besides the number.
 *
 * @example A learner's own op, cube, with its local derivative
 * ```ts
 * import { Value, type ValueOptions } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const x = new Value(2);
 * const options: ValueOptions = { children: [x], op: "cube", localGrads: [3 * x.data ** 2] };
 * const y = new Value(x.data ** 3, options);
 * y.backward();
 * assertEquals(x.grad, 12);
 * ```
 */
export interface ValueOptions {
  /** A name to show in graphs and in the text form (default `""`). */
  label?: string;
  /** The operands this value was computed from (micrograd's `_children`, default none). */
  children?: readonly Value[];
  /** The name of the operation that made it, such as `"+"` or `"cube"`, to show (default `""`). */
  op?: string;
  /**
   * d(this)/d(child) for each child, in the same order (microgpt's `local_grads`). Without it
   * a learner's value sends nothing back unless it is given its own `_backward`.
   */
  localGrads?: readonly number[];
}

/**
 * A number that remembers how it was computed, so gradients can flow back through it.
 *
 * Each operation (`add`, `mul`, `tanh`, ...) returns a new `Value` that records its operands
 * (`children`), its `op`, and its local derivatives (`localGrads`, d(result)/d(operand),
 * computed beside the result, as Karpathy's microgpt does). {@linkcode Value.backward} then
 * sends gradients from the output back to every value by the chain rule.
 * Operands may be `Value`s or plain numbers; `Value.add(2, a)` and friends put a number first.
 *
 * Bad input never leaves anything half-done: an op that throws has changed no `data` or `grad`.
 * A `TypeError` means an operand is not a number or a `Value`; a `RangeError` means the result
 * would not be a finite number (`log` of 0, division by 0, overflow, `(-8) ** 0.5`).
 *
 * @example Backpropagate through L = (a * b + c) * f, the lecture's first graph
 * ```ts
 * import { Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const a = new Value(2, { label: "a" });
 * const b = new Value(-3, { label: "b" });
 * const c = new Value(10, { label: "c" });
 * const f = new Value(-2, { label: "f" });
 * const L = a.mul(b).add(c).mul(f);
 * L.backward();
 * assertEquals([L.data, a.grad, b.grad, c.grad, f.grad], [-8, 6, -4, -2, 4]);
 * ```
 */
export class Value {
  /** A name to show in graphs and in the text form (`""` unless given). */
  declare label: string;
  /** The name of the operation that made this value (`""` for a leaf). */
  readonly op: string = "";
  // A value's numbers (data, grad, d(this)/d(a), d(this)/d(b), and a stamp for walks through
  // the graph) sit at #at in a slab shared with the values made around the same time: as
  // fields, they would be five more objects each for the garbage collector to copy.
  #slab: Slab;
  #at: number;
  // An op's operands: `a`, and `b` for a binary op. A learner's value made with `children`
  // keeps them, with their local derivatives, in `b` instead, and leaves `a` empty.
  #a: Value | undefined = undefined;
  #b: Value | Own | undefined = undefined;

  /**
   * Make a value.
   *
   * @param data The number; finite.
   * @param options A `label`; a learner's own op also passes `children`, `op` and `localGrads`.
   * @throws {TypeError} If `data` is not a number, or an option has the wrong type or name.
   * @throws {RangeError} If `data` is `NaN` or infinite, or `localGrads` does not give one
   * finite number per child.
   * @example A labelled leaf
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(String(new Value(2, { label: "a" })), "Value(data=2.0, label=a)");
   * ```
   */
  constructor(data: number, options?: ValueOptions) {
    checkFinite(data, "create Value", "data");
    const own = options === undefined ? undefined : checkValueOptions(options);
    if (used === SLAB_VALUES) newSlab();
    slab.made.push(this);
    this.#slab = slab;
    this.#at = 5 * used++;
    slab[this.#at] = data;
    if (own === undefined) return;
    if (own.label !== "") this.label = own.label;
    this.op = own.op;
    const { children, localGrads } = own;
    if (children.length > 0) this.#b = { children, localGrads };
  }

  /** The number itself. */
  get data(): number {
    return this.#slab[this.#at];
  }
  set data(x: number) {
    this.#slab[this.#at] = x;
  }

  /** d(output)/d(this), filled in by {@linkcode Value.backward}; starts at 0. */
  get grad(): number {
    return this.#slab[this.#at + 1];
  }
  set grad(x: number) {
    this.#slab[this.#at + 1] = x;
  }

  /**
   * The operands this value was computed from (micrograd's `_prev`), first operand first; none
   * for a leaf. A new array on each read.
   *
   * @returns The children.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const a = new Value(2);
   * const b = new Value(3);
   * assertEquals(a.mul(b).children, [a, b]);
   * ```
   */
  get children(): readonly Value[] {
    const [a, b] = [this.#a, this.#b];
    if (a === undefined) return b === undefined ? [] : [...(b as Own).children];
    return b === undefined ? [a] : [a, b as Value];
  }

  /**
   * d(this)/d(child) for each of {@linkcode Value.children}, worked out when this value was
   * computed: what {@linkcode Value.backward} multiplies `this.grad` by on the way to each
   * child. Empty for a leaf, and for a learner's value made without `localGrads`.
   *
   * @returns The local derivatives, a new array on each read.
   * @example For a * b they are b and a
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(2).mul(new Value(-3)).localGrads, [-3, 2]);
   * ```
   */
  get localGrads(): readonly number[] {
    const [a, b, slab, at] = [this.#a, this.#b, this.#slab, this.#at];
    if (a === undefined) return b === undefined ? [] : [...(b as Own).localGrads ?? []];
    return b === undefined ? [slab[at + 2]] : [slab[at + 2], slab[at + 3]];
  }

  /**
   * The result of an op on `this` (and `b`): its data, its op, and the local derivatives `da`
   * (and `db`) that backward multiplies by. `a + a` keeps `a` once, as micrograd's children are
   * a set, and adds up both derivatives. Refused when the result is not finite (an overflow).
   */
  #result(data: number, op: string, da: number, b?: Value, db = 0): Value {
    if (!Number.isFinite(data)) throw notFinite(op, this, b);
    const out = new Value(data);
    (out as { op: string }).op = op; // read-only to users; set here, once
    out.#a = this;
    if (b === this) out.#slab[out.#at + 2] = da + db;
    else {
      out.#slab[out.#at + 2] = da;
      out.#b = b;
      out.#slab[out.#at + 3] = db;
    }
    return out;
  }

  /**
   * `this + other`.
   *
   * @param other A `Value` or a number.
   * @returns The sum, a new `Value`.
   * @throws {TypeError} If `other` is neither a `Value` nor a number.
   * @throws {RangeError} If `other` is not finite, or the sum overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(2).add(3).data, 5);
   * ```
   */
  add(other: Value | number): Value {
    const that = toValue(other, "add");
    return this.#result(this.data + that.data, "+", 1, that, 1); // d(a+b)/da = d(a+b)/db = 1
  }

  /**
   * `this * other`.
   *
   * @param other A `Value` or a number.
   * @returns The product, a new `Value`.
   * @throws {TypeError} If `other` is neither a `Value` nor a number.
   * @throws {RangeError} If `other` is not finite, or the product overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(2).mul(-3).data, -6);
   * ```
   */
  mul(other: Value | number): Value {
    const that = toValue(other, "mul");
    return this.#result(this.data * that.data, "*", that.data, that, this.data); // d(ab)/da = b
  }

  /**
   * `this ** exponent`. A number exponent is a constant (op `**k`, as micrograd names it); a
   * `Value` exponent gets a gradient too, `a**b · ln a`, so its base must be positive.
   *
   * @param exponent A number, or a `Value`.
   * @returns The power, a new `Value`.
   * @throws {TypeError} If `exponent` is neither a `Value` nor a number.
   * @throws {RangeError} If the result is not a finite real number (`(-8) ** 0.5`, `0 ** -1`),
   * or a `Value` exponent has a base that is not positive.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const x = new Value(3);
   * const y = x.pow(2);
   * y.backward();
   * assertEquals([y.op, y.data, x.grad], ["**2", 9, 6]);
   * ```
   */
  pow(exponent: Value | number): Value {
    const a = this.data;
    if (typeof exponent === "number") {
      const k = checkFinite(exponent, "pow", "the operand");
      // d(a^k)/da = k·a^(k-1), written out as 0 for k = 0, where 0 · 0^-1 would be NaN
      return this.#result(power(a, k), powerOp(k), k === 0 ? 0 : k * a ** (k - 1));
    }
    const that = toValue(exponent, "pow");
    const b = that.data;
    if (!(a > 0)) {
      throw new RangeError(
        `Cannot pow: a Value exponent needs a positive base (its gradient a**b · ln a needs ln a), ` +
          `got ${formatRepr(a)} ** Value(${formatRepr(b)}); use a number exponent`,
      );
    }
    const out = power(a, b);
    return this.#result(out, "**", b * a ** (b - 1), that, out * Math.log(a)); // d/db = a^b·ln a
  }

  /**
   * `-this`, as micrograd's `self * -1`.
   *
   * @returns The negation, a new `Value`.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(2).neg().data, -2);
   * ```
   */
  neg(): Value {
    return this.mul(-1);
  }

  /**
   * `this - other`, as micrograd's `self + (-other)`.
   *
   * @param other A `Value` or a number.
   * @returns The difference, a new `Value`.
   * @throws {TypeError} If `other` is neither a `Value` nor a number.
   * @throws {RangeError} If `other` is not finite, or the difference overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(2).sub(3).data, -1);
   * ```
   */
  sub(other: Value | number): Value {
    const b = typeof other === "number"
      ? checkFinite(other, "sub", "the operand")
      : toValue(other, "sub").data;
    if (!Number.isFinite(this.data - b)) throw notFinite("-", this, b);
    return this.add(typeof other === "number" ? -other : other.neg());
  }

  /**
   * `this / other`, as micrograd's `self * other**-1`.
   *
   * @param other A `Value` or a number.
   * @returns The quotient, a new `Value`.
   * @throws {TypeError} If `other` is neither a `Value` nor a number.
   * @throws {RangeError} If `other` is 0 or not finite, or the quotient overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(3).div(4).data, 0.75);
   * ```
   */
  div(other: Value | number): Value {
    const b = typeof other === "number"
      ? checkFinite(other, "div", "the operand")
      : toValue(other, "div").data;
    if (b === 0) {
      throw new RangeError(`Cannot div: the divisor is 0, got ${formatRepr(this.data)} / 0`);
    }
    const inverse = b ** -1;
    if (!Number.isFinite(this.data * inverse)) throw notFinite("/", this, b);
    // A number divisor is inverted first, as Python's `other**-1` is, so results match bit for bit
    return this.mul(typeof other === "number" ? inverse : other.pow(-1));
  }

  /**
   * `e ** this`.
   *
   * @returns The exponential, a new `Value`.
   * @throws {RangeError} If the result overflows (`this` above about 709.78).
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(0).exp().data, 1);
   * ```
   */
  exp(): Value {
    const out = Math.exp(this.data);
    return this.#result(out, "exp", out); // d(e^a)/da = e^a
  }

  /**
   * The natural logarithm.
   *
   * @returns `ln(this)`, a new `Value`.
   * @throws {RangeError} If `this` is not positive.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const x = new Value(2);
   * x.log().backward();
   * assertEquals(x.grad, 0.5);
   * ```
   */
  log(): Value {
    const a = this.data;
    if (!(a > 0)) {
      throw new RangeError(`Cannot log: the argument must be positive, got ${formatRepr(a)}`);
    }
    return this.#result(Math.log(a), "log", 1 / a); // d(ln a)/da = 1/a
  }

  /**
   * The hyperbolic tangent, by the lecture's formula `(e^2x - 1) / (e^2x + 1)`, written with
   * `expm1` so it stays exact near 0 and gives ±1 (not `NaN`) once `e^2x` overflows.
   *
   * @returns `tanh(this)`, a new `Value`.
   * @example The lecture's neuron output
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(0.8813735870195432).tanh().data, 0.7071067811865476);
   * ```
   */
  tanh(): Value {
    const m = Math.expm1(2 * this.data);
    const t = m === Infinity ? 1 : m / (m + 2);
    return this.#result(t, "tanh", 1 - t * t); // d(tanh a)/da = 1 - tanh²a
  }

  /**
   * `max(0, this)`, micrograd's `ReLU`.
   *
   * @returns The rectified value, a new `Value`.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals([new Value(-2).relu().data, new Value(3).relu().data], [0, 3]);
   * ```
   */
  relu(): Value {
    const out = this.data < 0 ? 0 : this.data;
    return this.#result(out, "ReLU", out > 0 ? 1 : 0); // slope 1 where positive, as micrograd
  }

  /**
   * The logistic function `1 / (1 + e^-this)`, computed without overflow for any input.
   *
   * @returns `σ(this)`, a new `Value`.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Value(0).sigmoid().data, 0.5);
   * ```
   */
  sigmoid(): Value {
    const x = this.data;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return this.#result(s, "sigmoid", s * (1 - s)); // dσ/da = σ(1 - σ)
  }

  /**
   * Send `this.grad` back to the children by the chain rule (micrograd's `_backward`): each
   * child's `grad` grows by its local derivative (see {@linkcode Value.localGrads}) times
   * `this.grad`. {@linkcode Value.backward} calls it on every value, from the output back.
   *
   * A learner's own op may set its own `_backward` on the result instead of passing
   * `localGrads`, as micrograd does; a leaf's sends nothing.
   *
   * @example A learner's own op: cube, with micrograd's closure
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const x = new Value(2);
   * const out = new Value(x.data ** 3, { children: [x], op: "cube" });
   * out._backward = () => {
   *   x.grad += 3 * x.data ** 2 * out.grad; // d(x³)/dx = 3x²
   * };
   * out.backward();
   * assertEquals(x.grad, 12);
   * ```
   */
  _backward(): void {
    const slab = this.#slab;
    const at = this.#at;
    const g = slab[at + 1];
    const b = this.#b;
    if (this.#a !== undefined) {
      this.#a.grad += slab[at + 2] * g; // the chain rule: d(out)/d(a) · d(L)/d(out)
      if (b !== undefined) (b as Value).grad += slab[at + 3] * g;
    } else if (b !== undefined && (b as Own).localGrads !== undefined) {
      const { children, localGrads } = b as Own;
      for (let i = 0; i < children.length; i++) children[i].grad += localGrads![i] * g;
    }
  }

  /**
   * Backpropagate: add d(this)/d(leaf) to the `grad` of every leaf this value depends on.
   *
   * Sets `this.grad` to 1 and runs each value's `_backward` from this value back to the leaves,
   * each only after every value that uses it: micrograd sorts the graph topologically for that
   * order; here the values are visited in the reverse of the order they were made in, which is
   * such an order too (a value is made after its operands) and needs no sort. Inside one pass
   * gradients accumulate (`+=`), which is what makes a value used twice (`a.add(a)`) get both
   * contributions.
   *
   * Across passes, leaves (values with no children, such as weights) keep accumulating, as
   * in micrograd and PyTorch: a second `backward()` adds the same gradients again, and the
   * backward passes of two losses add up. Call {@linkcode Value.zeroGrad} (or
   * `Module.zeroGrad()`) in between to start over. The grads of computed values are reset to
   * 0 at the start of each pass (micrograd does not, so there a second pass compounds them).
   *
   * @example A value used twice, and a second pass
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const a = new Value(3);
   * const b = a.add(a);
   * b.backward();
   * assertEquals(a.grad, 2);
   * b.backward();
   * assertEquals(a.grad, 4);
   * ```
   */
  backward(): void {
    // Every value is made after its operands, so the reverse of the order values were made in
    // is a topological order: going through the slabs' values backwards, newest first, each
    // value sends its grad back only after every value that uses it has added to it. `reach`
    // marks the values this pass must visit and the slabs they are in.
    const pass = ++stamp;
    const pending: Slab[] = []; // slabs with values to visit, oldest first
    const leaves: Value[] = []; // the leaves reached, and their grads before this pass
    const before: number[] = [];
    let reached = 0;
    const reach = (v: Value): boolean => {
      if (!(#at in v)) return false; // another copy's value: see #backwardSorted
      const nums = v.#slab;
      const at = v.#at;
      if (nums[at + 4] === pass) return true;
      nums[at + 4] = pass;
      reached++;
      // A result's grad starts at 0 in each pass; a leaf's (a weight's) keeps accumulating
      if (v.#a !== undefined || v.#b !== undefined) nums[at + 1] = 0;
      else leaves.push(v), before.push(nums[at + 1]);
      if (nums[PASS] !== pass) {
        nums[PASS] = pass;
        let k = pending.length;
        while (k > 0 && pending[k - 1][SEQ] > nums[SEQ]) k--;
        pending.splice(k, 0, nums);
      }
      return true;
    };
    reach(this);
    this.grad = 1;
    while (pending.length > 0) {
      const nums = pending.pop()!;
      const values = nums.made;
      for (let i = values.length - 1; i >= 0; i--) {
        if (nums[5 * i + 4] !== pass) continue;
        const v = values[i];
        const [a, b] = [v.#a, v.#b];
        const ours = a === undefined
          ? b === undefined || (b as Own).children.every(reach)
          : reach(a) && (b === undefined || reach(b as Value));
        if (!ours) return this.#backwardSorted(leaves, before);
        v._backward();
      }
    }
    // Values made from here on (the next training step's) take a new slab, unless the graph was
    // small: a slab is kept while any of its values is in use, and with it all the others.
    if (reached > SLAB_VALUES / 8) used = SLAB_VALUES;
  }

  /**
   * `backward` for a graph with values of another copy of this class, which keep their numbers
   * in their own slabs: in micrograd's depth-first order, after putting back the grads of the
   * leaves that the pass above reached before it met such a value.
   */
  #backwardSorted(leaves: Value[], before: number[]): void {
    leaves.forEach((leaf, i) => leaf.grad = before[i]);
    const topo = sort(this, true); // results (values with children) start at 0, leaves keep theirs
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) topo[i]._backward();
  }

  /**
   * Set `grad` to 0 on this value and every value it depends on.
   *
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const a = new Value(3);
   * const b = a.mul(a);
   * b.backward();
   * b.zeroGrad();
   * assertEquals([a.grad, b.grad], [0, 0]);
   * ```
   */
  zeroGrad(): void {
    for (const v of topologicalSort(this)) v.grad = 0;
  }

  /**
   * Python's repr of the lecture's class: `Value(data=2.0, label=a)`.
   *
   * @returns The text form.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(`${new Value(-0.5)}`, "Value(data=-0.5, label=)");
   * ```
   */
  toString(): string {
    return `Value(data=${formatRepr(this.data)}, label=${this.label})`;
  }

  /**
   * What `JSON.stringify` writes: this value's own fields, not its graph, so a value at the
   * end of a deep graph still serialises.
   *
   * @returns `{ data, grad, label, op }`.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const y = new Value(2, { label: "x" }).mul(3);
   * assertEquals(JSON.stringify(y), '{"data":6,"grad":0,"label":"","op":"*"}');
   * ```
   */
  toJSON(): { data: number; grad: number; label: string; op: string } {
    return { data: this.data, grad: this.grad, label: this.label, op: this.op };
  }

  /**
   * The text form Deno (and so Jupyter's `text/plain`) shows, without colour codes.
   *
   * @returns The same as {@linkcode Value.toString}.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(Deno.inspect(new Value(1)), "Value(data=1.0, label=)");
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  static {
    // The sort lives inside the class, where it can read the private fields.
    sort = (root, reset) => {
      // Each sort stamps values with two fresh numbers: `open` once their children are pushed,
      // `done` once they are in the order. Counting up, stamps never repeat, so none need clearing.
      stamp += 2;
      const open = stamp - 1;
      const done = stamp;
      const order: Value[] = [];
      // Values of another copy of this class (a notebook that imported the module again under
      // another URL) have no slab here; this map holds their stamps.
      const foreign = new Map<Value, number>();
      // An explicit stack instead of recursion. A value's children are pushed the first time it
      // comes to the top (last child first, so the first is visited first, as micrograd's
      // recursive build_topo does), and it joins the order when it comes to the top again.
      const stack: Value[] = [root];
      while (stack.length > 0) {
        const v = stack[stack.length - 1];
        if (!(#at in v)) {
          const visit = foreign.get(v);
          if (visit === open) {
            foreign.set(v, done);
            if (reset && (v as Value).children.length > 0) (v as Value).grad = 0;
            order.push(v);
          }
          if (visit !== undefined) stack.pop();
          else {
            foreign.set(v, open);
            stack.push(...(v as Value).children.toReversed());
          }
          continue;
        }
        const a = v.#a;
        const b = v.#b;
        const slab = v.#slab;
        const at = v.#at;
        if (slab[at + 4] === done) {
          stack.pop(); // pushed by two parents and already in the order
        } else if (slab[at + 4] === open) {
          slab[at + 4] = done;
          if (reset && (a !== undefined || b !== undefined)) slab[at + 1] = 0; // a result's grad
          order.push(v);
          stack.pop();
        } else {
          slab[at + 4] = open;
          if (a === undefined) {
            if (b !== undefined) stack.push(...(b as Own).children.toReversed());
          } else {
            if (b !== undefined && !(#at in b && b.#slab[b.#at + 4] === done)) {
              stack.push(b as Value);
            }
            if (!(#at in a && a.#slab[a.#at + 4] === done)) stack.push(a);
          }
        }
      }
      return order;
    };
  }

  /**
   * `a + b` with a number allowed on the left: `Value.add(2, a)` is Python's `2 + a`.
   *
   * @param a A `Value` or a number.
   * @param b A `Value` or a number.
   * @returns The sum, a new `Value`.
   * @throws {TypeError} If an operand is neither a `Value` nor a number.
   * @throws {RangeError} If an operand is not finite, or the sum overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(Value.add(2, new Value(3)).data, 5);
   * ```
   */
  static add(a: Value | number, b: Value | number): Value {
    return toValue(a, "add").add(b);
  }

  /**
   * `a - b` with a number allowed on the left: `Value.sub(1, a)` is Python's `1 - a`.
   *
   * @param a A `Value` or a number.
   * @param b A `Value` or a number.
   * @returns The difference, a new `Value`.
   * @throws {TypeError} If an operand is neither a `Value` nor a number.
   * @throws {RangeError} If an operand is not finite, or the difference overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(Value.sub(1, new Value(3)).data, -2);
   * ```
   */
  static sub(a: Value | number, b: Value | number): Value {
    return toValue(a, "sub").sub(b);
  }

  /**
   * `a * b` with a number allowed on the left: `Value.mul(2, a)` is Python's `2 * a`.
   *
   * @param a A `Value` or a number.
   * @param b A `Value` or a number.
   * @returns The product, a new `Value`.
   * @throws {TypeError} If an operand is neither a `Value` nor a number.
   * @throws {RangeError} If an operand is not finite, or the product overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(Value.mul(2, new Value(3)).data, 6);
   * ```
   */
  static mul(a: Value | number, b: Value | number): Value {
    return toValue(a, "mul").mul(b);
  }

  /**
   * `a / b` with a number allowed on the left: `Value.div(10, a)` is Python's `10 / a`.
   *
   * @param a A `Value` or a number.
   * @param b A `Value` or a number.
   * @returns The quotient, a new `Value`.
   * @throws {TypeError} If an operand is neither a `Value` nor a number.
   * @throws {RangeError} If an operand is not finite, `b` is 0, or the quotient overflows.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(Value.div(10, new Value(4)).data, 2.5);
   * ```
   */
  static div(a: Value | number, b: Value | number): Value {
    return toValue(a, "div").div(b);
  }

  /**
   * `a ** b` with a number allowed as the base: `Value.pow(2, x)` is Python's `2 ** x`.
   *
   * @param a A `Value` or a number.
   * @param b A `Value` or a number.
   * @returns The power, a new `Value`.
   * @throws {TypeError} If an operand is neither a `Value` nor a number.
   * @throws {RangeError} As {@linkcode Value.prototype.pow} does.
   * @example
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertAlmostEquals } from "@std/assert";
   *
   * const x = new Value(3);
   * Value.pow(2, x).backward();
   * assertAlmostEquals(x.grad, 8 * Math.LN2); // d(2^x)/dx = 2^x · ln 2
   * ```
   */
  static pow(a: Value | number, b: Value | number): Value {
    return toValue(a, "pow").pow(b);
  }
}

// The brand, and the label most values leave empty, sit on the prototype, not on each value.
Object.defineProperty(Value.prototype, BRAND, { value: true });
Object.defineProperty(Value.prototype, "label", { value: "", writable: true });

/**
 * Whether `x` is a denograd {@linkcode Value}, also one made by another copy of the class
 * (a notebook cell that re-ran the import under a new URL), which `instanceof` would reject.
 *
 * @param x Anything.
 * @returns `true` for a `Value` of any copy of this module.
 * @example
 * ```ts
 * import { isValue, Value } from "../mod.ts";
 * import { assert } from "@std/assert";
 *
 * assert(isValue(new Value(1)) && !isValue(1));
 * ```
 */
export function isValue(x: unknown): x is Value {
  return x instanceof Value || (typeof x === "object" && x !== null && BRAND in x);
}

/**
 * Every value `root` depends on, itself included, each after all of its children: the order in
 * which a forward pass computes them. Iterative, so a graph a million operations deep is fine.
 *
 * @param root The value whose graph to walk.
 * @returns The values, children first; each once, even when used many times.
 * @throws {TypeError} If `root` is not a `Value`.
 * @example
 * ```ts
 * import { topologicalSort, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const a = new Value(1, { label: "a" });
 * const b = a.mul(2);
 * b.label = "b";
 * assertEquals(topologicalSort(b).map((v) => v.label), ["a", "", "b"]);
 * ```
 */
export function topologicalSort(root: Value): Value[] {
  if (!isValue(root)) {
    throw new TypeError(`Cannot sort topologically: expected a Value, got ${describe(root)}`);
  }
  return sort(root, false);
}

/** An op's operand as a `Value`: numbers are wrapped, anything else is a `TypeError`. */
function toValue(x: Value | number, method: string): Value {
  if (typeof x === "number") return new Value(checkFinite(x, method, "the operand"));
  if (isValue(x)) return x;
  throw new TypeError(
    `Cannot ${method}: the operand must be a Value or a number, got ${describe(x)}`,
  );
}

/** The error for a result that is not finite: `Cannot mul: the result is not finite, got ...`. */
function notFinite(op: string, a: Value, b?: Value | number): RangeError {
  const x = formatRepr(a.data);
  const y = b === undefined ? "" : formatRepr(typeof b === "number" ? b : b.data);
  const [method, got] = op.startsWith("**")
    ? ["pow", b === undefined ? `${x} ${op.replace("**", "** ")}` : `${x} ** ${y}`]
    : b === undefined
    ? [op, `${op}(${x})`]
    : [{ "+": "add", "-": "sub", "*": "mul", "/": "div" }[op], `${x} ${op} ${y}`];
  return new RangeError(`Cannot ${method}: the result is not finite, got ${got}`);
}

/** `base ** exponent`, refused when it is not a real number (`(-8) ** 0.5` is `NaN`). */
function power(base: number, exponent: number): number {
  const data = base ** exponent;
  if (Number.isNaN(data)) {
    throw new RangeError(
      `Cannot pow: the result is not a real number, got ${formatRepr(base)} ** ${
        formatRepr(exponent)
      }`,
    );
  }
  return data;
}

/** The op name of a number exponent, as micrograd shows it (`**2`, `**-1`, `**0.5`). */
function powerOp(k: number): string {
  let op = powerOps.get(k);
  if (op === undefined) {
    op = `**${Number.isInteger(k) ? String(k) : formatRepr(k)}`;
    if (powerOps.size < 1000) powerOps.set(k, op); // the few exponents a program uses, made once
  }
  return op;
}
const powerOps = new Map<number, string>();
