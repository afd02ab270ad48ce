/**
 * The scalar autograd engine: {@linkcode Value}, its ops, `backward`, and {@linkcode dot}.
 *
 * This is the lecture's `Value`, op by op as microgpt writes it: each op coerces its operand,
 * computes the result, and records it with its local derivatives, d(result)/d(operand).
 * `backward` then applies the chain rule from the output back. Where the numbers are kept, and
 * the walk that makes `backward` fast, is the tape's business (`_tape.ts`).
 *
 * @module
 */
import { describe, formatRepr } from "./_format.ts";
import { checkFinite, checkInputs, checkOptions } from "./_check.ts";
import { internals } from "./_hooks.ts";
import * as tape from "./_tape.ts";
// The getters' reads by name: that keeps `get data` small enough for V8 to inline wherever it is
// used, and a number returned from a call that is not inlined is an object of its own.
import { dataOf, gradOf } from "./_tape.ts";
import type { Slab } from "./_tape.ts";

/** The engine's `_backward`, which a learner's own replaces. */
let engineBackward: (this: Value) => void;
/** `b + w[0]·x[0] + ...` (or without `b`) for checked inputs: see `Value`'s static block. */
let weightedSum: (b: Value | undefined, ...wx: Parameters<typeof dot>) => Value;
/** A new object for entry `i` of slab `s` of the tape (defined in `Value`). */
let objectFor: (s: Slab, i: number) => Value;
/** Where value `v` is on the tape: its slab, and its index there (defined in `Value`). */
let entryOf: (v: Value) => [Slab, number];

/**
 * `a + b` onto the tape with its local derivatives, d(a+b)/da = d(a+b)/db = 1: the entry of `add`,
 * and of each sum `dot` and the neurons make. Its index, or -1 if not finite.
 */
function sum(a: number, b: number): number {
  return tape.push(a + b, 1, 1);
}

/** `a · b` onto the tape with its local derivatives, d(ab)/da = b and d(ab)/db = a: as `sum`. */
function product(a: number, b: number): number {
  return tape.push(a * b, b, a);
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
 * JavaScript has no operator overloading: Python's `a * b` is `a.mul(b)`. Using a value as a
 * number (`a * b`, `a - b`, `a / 2`, `a < b`, `-a`, `Math.max(a, b)`) is a `TypeError` that
 * says so. `a + b` cannot be caught: `+` asks a value for the same form that `"loss " + a`
 * does, its text, so `a + b` (and `a + 1`) is a string, `"Value(data=2.0, label=a)Value(..."`.
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
 *
 * @example a + b is a string: write a.add(b)
 * ```ts
 * import { Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const a = new Value(2, { label: "a" });
 * const b = new Value(3, { label: "b" });
 * assertEquals(a.add(b).data, 5);
 * assertEquals((a as never as string) + b, "Value(data=2.0, label=a)Value(data=3.0, label=b)");
 * ```
 */
export class Value {
  // This value's slab of the tape, and its index there.
  #slab: Slab;
  #i: number;

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
    // From inside (ENTRY), an object for entry `data` of the newest slab (`objectFor` can point
    // it at another); from a learner, a new entry for `data`, which `#made` pushes.
    this.#i = options === ENTRY ? data : Value.#made(this, data, options, new.target);
    this.#slab = tape.top();
  }

  /**
   * Make entry `i`, just pushed onto the tape with its number and local derivatives, the result
   * of op `op` on `this` (and `b`), and give it its object. A result that is not finite (an
   * overflow) is refused, and was not pushed.
   */
  #result(op: string, i: number, b?: Value): Value {
    if (i < 0) throw notFinite(op, tape.refused(), this.data, b?.data);
    const s = tape.top();
    if (b === undefined) tape.record(s, i, op, this.#slab, this.#i);
    else tape.record2(s, i, op, this.#slab, this.#i, b.#slab, b.#i);
    return objectFor(s, i);
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
    return this.#result("+", sum(this.data, that.data), that); // the entry of a + b, see `sum`
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
    return this.#result("*", product(this.data, that.data), that); // see `product`
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
      const data = a ** k;
      if (!Number.isFinite(data)) throw notFinite("**", data, a, k); // (-8) ** 0.5 is NaN
      // d(a^k)/da = k·a^(k-1), written out as 0 for k = 0, where 0 · 0^-1 would be NaN
      return this.#result(powerOp(k), tape.push(data, k === 0 ? 0 : k * a ** (k - 1)));
    }
    const that = toValue(exponent, "pow");
    const b = that.data;
    if (!(a > 0)) {
      throw new RangeError(
        `Cannot pow: a Value exponent needs a positive base (its gradient a**b · ln a needs ln a), ` +
          `got base ${describe(a)}; use a number exponent`,
      );
    }
    const out = a ** b;
    return this.#result("**", tape.push(out, b * a ** (b - 1), out * Math.log(a)), that); // d/db = a^b·ln a
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
    if (!Number.isFinite(this.data - b)) throw notFinite("-", this.data - b, this.data, b);
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
      throw new RangeError(
        `Cannot div: the divisor is 0, got ${describe(this.data)} / ${describe(b)}`,
      );
    }
    const inverse = b ** -1;
    if (!Number.isFinite(this.data * inverse)) {
      throw notFinite("/", this.data * inverse, this.data, b);
    }
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
    return this.#result("exp", tape.push(out, out)); // d(e^a)/da = e^a
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
      throw new RangeError(`Cannot log: the operand must be positive, got ${describe(a)}`);
    }
    return this.#result("log", tape.push(Math.log(a), 1 / a)); // d(ln a)/da = 1/a
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
    return this.#result("tanh", tape.push(t, 1 - t * t)); // d(tanh a)/da = 1 - tanh²a
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
    const a = this.data;
    const out = a < 0 ? 0 : a;
    return this.#result("ReLU", tape.push(out, out > 0 ? 1 : 0)); // slope 1 where positive, as micrograd
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
    return this.#result("sigmoid", tape.push(s, s * (1 - s))); // dσ/da = σ(1 - σ)
  }

  /**
   * Backpropagate: add d(this)/d(leaf) to the `grad` of every leaf this value depends on.
   *
   * Sets `this.grad` to 1 and does what `_backward` does for each value, from this value back
   * to the leaves, each only after every value that uses it (for an engine op it applies the
   * chain rule itself, from the tape; a value with its own `_backward` has that called).
   * micrograd sorts the graph topologically for that order; here the values are visited in the
   * reverse of the order they were made in, which is such an order too (a value is made after
   * its operands) and needs no sort. Inside one pass gradients accumulate (`+=`), which is what
   * makes a value used twice (`a.add(a)`) get both contributions.
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
    // micrograd sorts the graph topologically, sets this grad to 1 and calls every value's
    // _backward from here back; the tape walks in such an order (see `_tape.ts`), calling a
    // value's own `_backward` where it has one.
    tape.backward(this.#slab, this.#i, (s, i) => valueAt(s, i)._backward());
  }

  /**
   * Send `this.grad` back to the children by the chain rule (micrograd's `_backward`): each
   * child's `grad` grows by its local derivative (see {@linkcode Value.localGrads}) times
   * `this.grad`. {@linkcode Value.backward} does this for every value, from the output back.
   *
   * A learner's own op may set its own `_backward` on the result instead of passing
   * `localGrads`, as micrograd does; `backward()` then calls it. A leaf's sends nothing.
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
    tape.sendBack(this.#slab, this.#i); // each child's grad += its local derivative · this.grad
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
   * The number itself. Setting it to anything but a finite number throws and changes nothing: a
   * `TypeError` for what is not a number, a `RangeError` for `NaN` and ±`Infinity`.
   *
   * @example An SGD step, and a mistake it refuses
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals, assertThrows } from "@std/assert";
   *
   * const p = new Value(0.5);
   * p.grad = 2;
   * p.data -= 0.1 * p.grad;
   * assertThrows(() => p.data = "0.3" as never, TypeError, 'got string "0.3"');
   * assertEquals(p.data, 0.3);
   * ```
   */
  get data(): number {
    return dataOf(this.#slab, this.#i);
  }
  set data(x: number) {
    tape.setData(this.#slab, this.#i, settable(x, "data"));
  }

  /**
   * d(output)/d(this), filled in by {@linkcode Value.backward}; starts at 0. Setting it is checked
   * as setting `data` is, so a learner's own `_backward` whose `x.grad += ...` overflows gets a
   * `RangeError` that names `grad`. `backward()` itself writes past the check: where an engine
   * op's gradient overflows it leaves `Infinity`, as Python's floats do.
   *
   * @example A sum that overflows is refused
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals, assertThrows } from "@std/assert";
   *
   * const x = new Value(1e200);
   * assertThrows(() => x.grad += x.data * 1e200, RangeError, "Cannot set grad: expected a finite");
   * assertEquals(x.grad, 0);
   * ```
   */
  get grad(): number {
    return gradOf(this.#slab, this.#i);
  }
  set grad(x: number) {
    tape.setGrad(this.#slab, this.#i, settable(x, "grad"));
  }

  /** A name to show in graphs and in the text form (`""` unless given). */
  get label(): string {
    return tape.metaOf(this.#slab, this.#i)?.label ?? "";
  }
  set label(label: string) {
    tape.setLabel(this.#slab, this.#i, label);
    tape.keepHandle(this.#slab, this.#i, this); // a named value: `children` gives this object
  }

  /** The name of the operation that made this value (`""` for a leaf). */
  get op(): string {
    return tape.opOf(this.#slab, this.#i);
  }

  /**
   * The operands this value was computed from (micrograd's `_prev`), first operand first; none
   * for a leaf. A new array on each read, of the same objects each time: for a value made with
   * `new Value` or given a label, that object; for another, one made for it on the first read
   * (an op's unlabelled result is not kept as an object, so that training steps stay fast).
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
    return tape.childrenOf(this.#slab, this.#i, valueAt);
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
    return tape.localGradsOf(this.#slab, this.#i);
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

  /**
   * What JavaScript makes of a value used where it wants a plain one. As text (`${a}`,
   * `String(a)`, `"loss " + a`) it is the text form. As a number (`a * b`, `a - 1`, `a / 2`,
   * `a < b`, `-a`, `Math.max(a, b)`, `Number(a)`) it is a `TypeError` that says what to write:
   * JavaScript has no operator overloading, so `a * b` gives no `Value` (and no gradient).
   *
   * @param hint What JavaScript asks for: `"number"`, `"string"` or `"default"`.
   * @returns The text form, for `"string"` and `"default"`.
   * @throws {TypeError} For `"number"`.
   * @example Python's a * b
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals, assertThrows } from "@std/assert";
   *
   * const [a, b] = [new Value(2, { label: "a" }), new Value(3)];
   * assertThrows(() => (a as never as number) * (b as never as number), TypeError, "a.mul(b)");
   * assertEquals(a.mul(b).data, 6);
   * ```
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint !== "number") return this.toString();
    throw new TypeError(
      `Cannot use ${this} as a number: JavaScript has no operator overloading, so write ` +
        `a.mul(b) for a * b (likewise a.add(b), a.sub(b), a.div(b), a.pow(2), a.neg(), and ` +
        `Value.mul(2, a) for 2 * a), or a.data for the plain number (a.data < b.data)`,
    );
  }

  /** The rest of making a learner's value: checked, on the tape, with its options. */
  static #made(v: Value, data: number, options: ValueOptions | undefined, kind: typeof Value) {
    const own = checkValueArguments(data, options);
    const i = tape.push(data);
    const s = tape.top();
    tape.keepHandle(s, i, v); // the object `children` and `topologicalSort` give
    // A subclass's own `_backward` method is called by backward(), as a learner's closure is
    if (kind.prototype._backward !== engineBackward) tape.setOwnBackward(s, i, true);
    if (own !== undefined) {
      if (own.label !== "") tape.setLabel(s, i, own.label);
      tape.recordOwn(s, i, own.op, own.children, own.children.map(entryOf), own.localGrads);
    }
    return i;
  }

  static {
    // `_backward` is the engine's method above until a learner gives a value its own: that is
    // kept with the value's entry, so that `backward()` calls it, whichever object for the value
    // it is read through.
    const engine = Value.prototype._backward;
    engineBackward = engine;
    Object.defineProperty(Value.prototype, "_backward", {
      configurable: true,
      get(this: Value): () => void {
        return (#i in this && tape.metaOf(this.#slab, this.#i)?.backward) || engine;
      },
      set(this: Value, fn: () => void) {
        if (typeof fn !== "function") {
          throw new TypeError(`Cannot set _backward: expected a function, got ${describe(fn)}`);
        }
        tape.setOwnBackward(this.#slab, this.#i, fn === engine ? undefined : fn);
      },
    });
    // Where this copy's values are, for another copy of this module: see `toValue`.
    tape.lend((v) => #i in v ? [v.#slab, v.#i] : undefined);
    objectFor = (s, i) => {
      const v = new Value(i, ENTRY);
      if (s !== v.#slab) v.#slab = s;
      return v;
    };
    entryOf = (v) => {
      const w = toValue(v, "read Value");
      return [w.#slab, w.#i];
    };
    // `dot`'s and the neurons' sums: each product and sum made by `product` and `sum`, as `mul`
    // and `add` make theirs, and recorded by the tape without an object for each value but the
    // result (a 64-term sum is about 1.7 times as fast so; microgpt's step, a third).
    const parts: tape.SumParts<Value> = {
      slabOf: (v) => #i in v ? v.#slab : toValue(v, "dot").#slab,
      indexOf: (v) => #i in v ? v.#i : toValue(v, "dot").#i,
      product,
      sum,
      error: notFinite,
    };
    weightedSum = (b, w, x) => {
      const i = tape.weightedSum(b, w, x, parts);
      return objectFor(tape.top(), i); // the last entry made
    };
    internals.weightedSum ??= (b, w, x) => weightedSum(b as Value, w as Value[], x as Value[]);
    // Grads written past the setter's check, as backward() writes them: step_backward.ts puts
    // back a grad that was left as Infinity (through lib/_hooks.ts).
    internals.setGrad ??= (v: object, x: number) => tape.setGrad(...entryOf(v as Value), x);
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

/** What the constructor gets from inside this module, to make the object for an entry. */
const ENTRY = {} as ValueOptions;

// The brand sits on the prototype, not on each value.
const BRAND: unique symbol = Symbol.for("denograd.Value") as never;
Object.defineProperty(Value.prototype, BRAND, { value: true });

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
  const [s, i] = entryOf(toValue(root, "sort topologically"));
  tape.keepHandle(s, i, root); // the order ends with the very object asked about
  return tape.sort(s, i, valueAt);
}

/**
 * `w[0]·x[0] + w[1]·x[1] + ...`, added left to right: the dot product, as micrograd's
 * `sum(wi * xi for wi, xi in zip(w, x))` computes it, through the ops:
 * `w[0].mul(x[0]).add(w[1].mul(x[1])).add(...)`, with its inputs checked first.
 *
 * @param w `Value`s.
 * @param x As many `Value`s or numbers.
 * @returns The sum, a new `Value`.
 * @throws {TypeError} If `w` is not an array of `Value`s, or `x` not an array of `Value`s and
 * numbers.
 * @throws {RangeError} If `w` is empty or `x` has another length, a number in `x` is not
 * finite, or a product or sum overflows.
 * @example A neuron's weighted sum, and its gradients
 * ```ts
 * import { dot, Value } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const w = [new Value(2), new Value(-3)];
 * const x = [new Value(0.5), new Value(4)];
 * const y = dot(w, x);
 * y.backward();
 * assertEquals([y.data, y.op, w[1].grad, x[1].grad], [-11, "+", 4, -3]);
 * ```
 */
export function dot(w: readonly Value[], x: readonly (Value | number)[]): Value {
  if (!Array.isArray(w) || !w.every(isValue)) {
    throw new TypeError(`Cannot dot: w must be an array of Values, got ${describe(w)}`);
  }
  checkInputs(x, "dot", isValue);
  if (w.length === 0 || x.length !== w.length) {
    throw new RangeError(
      `Cannot dot: w and x must have the same length, at least 1, got ${w.length} and ${x.length}`,
    );
  }
  return weightedSum(undefined, w, x);
}

/**
 * An op's operand as a `Value`: numbers are wrapped, anything else is a `TypeError`.
 *
 * A value of another copy of this module (a notebook that imported it again under another URL)
 * is of another class, whose private fields this one cannot read. Both copies share the tape,
 * though, so its entry is found there (each copy lends the tape a way to find its values) and
 * given an object of this class: ops, `dot`, the nets and `backward` then take it as their own.
 */
function toValue(x: Value | number, method: string): Value {
  return x instanceof Value ? x : coerce(x, method);
}

/** `toValue` for what is not a `Value` of this copy. */
function coerce(x: unknown, method: string): Value {
  if (typeof x === "number") {
    const i = tape.push(checkFinite(x, method, "the operand"));
    return objectFor(tape.top(), i);
  }
  const at = isValue(x) ? tape.locate(x) : undefined;
  if (at !== undefined) return objectFor(at[0], at[1]);
  throw new TypeError(
    isValue(x)
      ? `Cannot ${method}: the Value comes from a copy of denograd that does not share this one's ` +
        `tape (denograd loaded from two places; import it from one place), got ${describe(x)}`
      : `Cannot ${method}: the operand must be a Value or a number, got ${describe(x)}`,
  );
}

/** The object for entry `i` of slab `s`: the one kept for it (the learner's own), or a new one. */
function valueAt(s: Slab, i: number): Value {
  return (tape.handleOf(s, i) as Value | undefined) ?? tape.keepHandle(s, i, objectFor(s, i));
}

/** `x` if it is a finite number, for the `data` and `grad` setters. */
function settable(x: number, name: string): number {
  if (Number.isFinite(x)) return x;
  const ErrorClass = typeof x === "number" ? RangeError : TypeError;
  throw new ErrorClass(`Cannot set ${name}: expected a finite number, got ${describe(x)}`);
}

const METHODS: Record<string, string> = { "+": "add", "-": "sub", "*": "mul", "/": "div" };

/**
 * The error for op `op` on `a` (and `b`) when its result is not finite. It names an operand that
 * is not finite (a value that did not come through the checked setters: another copy of this
 * module's, a subclass's `data`), or else says what the result is: `Cannot mul: the result
 * overflows to Infinity, got 1e+308 * 10`. Numbers are spelt as JavaScript spells them.
 */
function notFinite(op: string, result: number, a: number, b?: number): RangeError {
  const method = METHODS[op] ?? (op === "**" ? "pow" : op.toLowerCase());
  const [bad, which] = Number.isFinite(a)
    ? [b, "the second"]
    : [a, b === undefined ? "the" : "the first"];
  if (bad !== undefined && !Number.isFinite(bad)) {
    return new RangeError(`Cannot ${method}: ${which} operand is ${describe(bad)}`);
  }
  const x = describe(a);
  const got = b === undefined
    ? `${method}(${x})`
    : `${op === "**" && x.startsWith("-") ? `(${x})` : x} ${op} ${describe(b)}`;
  const what = Number.isNaN(result)
    ? op === "**" ? "is not a real number" : "is NaN"
    : `${op === "**" && a === 0 ? "is" : "overflows to"} ${result}`;
  return new RangeError(`Cannot ${method}: the result ${what}, got ${got}`);
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

/** The constructor's arguments checked, and its options copied. */
function checkValueArguments(data: number, options: ValueOptions | undefined) {
  checkFinite(data, "create Value", "data");
  return options === undefined ? undefined : checkValueOptions(options);
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

const OPTIONS = ["label", "children", "op", "localGrads"];
