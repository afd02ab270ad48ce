/**
 * The scalar autograd engine: {@linkcode Value} and its topological sort.
 *
 * @module
 */
import { describe, formatRepr } from "./_format.ts";
import { checkOptions } from "./_options.ts";

/** Marks denograd values, so a value made by an earlier evaluation of this module still counts. */
const BRAND: unique symbol = Symbol.for("denograd.Value") as never;

const OPTIONS = ["label", "children", "op"];

/**
 * What {@linkcode Value}'s constructor takes besides the number.
 *
 * @example A labelled leaf
 * ```ts
 * import { Value, type ValueOptions } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const options: ValueOptions = { label: "a" };
 * assertEquals(new Value(2, options).label, "a");
 * ```
 */
export interface ValueOptions {
  /** A name to show in graphs and in the text form (default `""`). */
  label?: string;
  /** The operands this value was computed from (micrograd's `_children`, default none). */
  children?: readonly Value[];
  /** The operation that made it, such as `"+"` or `"tanh"` (default `""`: a leaf). */
  op?: string;
}

/**
 * A number that remembers how it was computed, so gradients can flow back through it.
 *
 * Each operation (`add`, `mul`, `tanh`, ...) returns a new `Value` that records its operands
 * (`children`) and its `op`; its `_backward` step sends the result's gradient to the operands
 * by the chain rule. {@linkcode Value.backward} runs those steps from the output back.
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
  /** The number itself. */
  data: number;
  /** d(output)/d(this), filled in by {@linkcode Value.backward}; starts at 0. */
  grad = 0;
  /** A name to show in graphs and in the text form. */
  label = "";
  /** The operation that made this value (`""` for a leaf); set by the op. */
  readonly op: string = "";
  /**
   * The stamp of the last {@linkcode topologicalSort} that reached this value. A stamp on the
   * value instead of a `Set` of visited values makes the sort about four times as fast.
   * A plain field, not `#private`, so that values made by another copy of this class (a
   * notebook cell that re-ran its import) can be walked too.
   */
  _visit = 0;
  /**
   * The first operand (`undefined` for a leaf) and the second (`undefined` for a unary op):
   * the same as `children`, in two fields instead of an array. A training step builds tens of
   * thousands of values that all live until its end; without the array (an object and its
   * backing store, two allocations) each takes a third less memory, and the garbage collector
   * keeps up: micrograd's demo step went from about 15 ms on average to about 5 ms.
   * Plain fields, for the same reason as `_visit`.
   */
  _a: Value | undefined = undefined;
  /** The second operand; see `_a`. */
  _b: Value | undefined = undefined;
  /**
   * The children of a learner's own value with more than two of them; not a field, so that no
   * other value carries it.
   */
  declare _many: readonly Value[] | undefined;

  /**
   * Make a value.
   *
   * @param data The number; finite.
   * @param options A `label`; a learner's own op also passes `children` and `op`.
   * @throws {TypeError} If `data` is not a number, or an option has the wrong type.
   * @throws {RangeError} If `data` is `NaN` or infinite.
   * @example A labelled leaf
   * ```ts
   * import { Value } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(String(new Value(2, { label: "a" })), "Value(data=2.0, label=a)");
   * ```
   */
  constructor(data: number, options?: ValueOptions) {
    if (typeof data !== "number") {
      throw new TypeError(`Cannot create Value: data must be a number, got ${describe(data)}`);
    }
    if (!Number.isFinite(data)) {
      throw new RangeError(`Cannot create Value: data must be finite, got ${data}`);
    }
    this.data = data;
    if (options === undefined) return;
    checkOptions(options, OPTIONS, "create Value");
    const { label = "", children = [], op = "" } = options;
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
    this.label = label;
    if (children.length > 2) this._many = [...children];
    else [this._a, this._b] = children;
    this.op = op;
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
    if (this._many !== undefined) return [...this._many];
    if (this._a === undefined) return [];
    return this._b === undefined ? [this._a] : [this._a, this._b];
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
    return result(this.data + that.data, "+", this, that);
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
    return result(this.data * that.data, "*", this, that);
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
    if (typeof exponent === "number") {
      const k = checkNumber(exponent, "pow");
      const out = result(power(this.data, k), `**${formatExponent(k)}`, this);
      out._backward = () => {
        // d(a^k)/da = k·a^(k-1); written out for k = 0, where 0 · 0^-1 would be NaN
        if (k !== 0) this.grad += k * this.data ** (k - 1) * out.grad;
      };
      return out;
    }
    const that = toValue(exponent, "pow");
    if (!(this.data > 0)) {
      throw new RangeError(
        `Cannot pow: a Value exponent needs a positive base (its gradient a**b · ln a needs ln a), ` +
          `got ${formatRepr(this.data)} ** Value(${formatRepr(that.data)}); use a number exponent`,
      );
    }
    return result(power(this.data, that.data), "**", this, that);
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
    const b = typeof other === "number" ? checkNumber(other, "sub") : toValue(other, "sub").data;
    if (!Number.isFinite(this.data - b)) {
      throw new RangeError(
        `Cannot sub: the result is not finite, got ${formatRepr(this.data)} - ${formatRepr(b)}`,
      );
    }
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
    const b = typeof other === "number" ? checkNumber(other, "div") : toValue(other, "div").data;
    if (b === 0) {
      throw new RangeError(`Cannot div: the divisor is 0, got ${formatRepr(this.data)} / 0`);
    }
    const inverse = b ** -1;
    if (!Number.isFinite(this.data * inverse)) {
      throw new RangeError(
        `Cannot div: the result is not finite, got ${formatRepr(this.data)} / ${formatRepr(b)}`,
      );
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
    return result(Math.exp(this.data), "exp", this);
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
    if (!(this.data > 0)) {
      throw new RangeError(
        `Cannot log: the argument must be positive, got ${formatRepr(this.data)}`,
      );
    }
    return result(Math.log(this.data), "log", this);
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
    return result(m === Infinity ? 1 : m / (m + 2), "tanh", this);
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
    return result(this.data < 0 ? 0 : this.data, "ReLU", this);
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
    return result(s, "sigmoid", this);
  }

  /**
   * Send `this.grad` back to the children by the chain rule (micrograd's `_backward`): each
   * child's grad grows by d(this)/d(child) · `this.grad`, the local derivative of `op`.
   *
   * micrograd gives every result its own closure for this; one method that switches on `op`
   * builds a graph faster and in about a third less memory (no closure per node). An op that
   * needs more than its operands (`pow` with a number exponent) or a learner's own op sets
   * `_backward` on the result instead, as micrograd does; a leaf's does nothing.
   *
   * @example A learner's own op: cube
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
    const a = this._a;
    if (a === undefined) return; // a leaf (or a learner's value with many children and no rule)
    const b = this._b ?? a; // `a + a` keeps `a` once, as both operands
    const g = this.grad;
    switch (this.op) {
      case "+": // out = a + b
        a.grad += g;
        b.grad += g;
        break;
      case "*": // out = a * b
        a.grad += b.data * g;
        b.grad += a.data * g;
        break;
      case "**": // out = a ** b
        a.grad += b.data * a.data ** (b.data - 1) * g;
        b.grad += this.data * Math.log(a.data) * g; // d(a^b)/db = a^b · ln a
        break;
      case "exp": // out = e^a
        a.grad += this.data * g;
        break;
      case "log": // out = ln a
        a.grad += g / a.data;
        break;
      case "tanh": // out = tanh a, and d(tanh a)/da = 1 - tanh²a
        a.grad += (1 - this.data * this.data) * g;
        break;
      case "ReLU": // out = max(0, a): slope 1 where a was positive, else 0
        if (this.data > 0) a.grad += g;
        break;
      case "sigmoid": // out = σ(a), and dσ/da = σ(1 - σ)
        a.grad += this.data * (1 - this.data) * g;
        break;
    }
  }

  /**
   * Backpropagate: add d(this)/d(leaf) to the `grad` of every leaf this value depends on.
   *
   * Sorts the graph topologically, sets `this.grad` to 1, and runs each node's `_backward`
   * from this value back to the leaves. Inside one pass gradients accumulate (`+=`), which is
   * what makes a value used twice (`a.add(a)`) get both contributions.
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
    const topo = topologicalSort(this);
    // Results (values with operands) start afresh; leaves keep accumulating
    for (const v of topo) if (v._a !== undefined || v._many !== undefined) v.grad = 0;
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

// The brand sits on the prototype, not on each value: one property fewer per node.
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
 * Stamps for {@linkcode topologicalSort}. The counter lives on `globalThis` so that every copy
 * of this module shares it, and a stamp one copy left never matches another copy's.
 */
const sorts: { count: number } =
  ((globalThis as Record<symbol, unknown>)[Symbol.for("denograd.sorts")] ??= { count: 0 }) as {
    count: number;
  };

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
  // Each sort stamps values with two fresh numbers: `open` once their children are pushed,
  // `done` once they are in the order. Counting up, stamps never repeat, so none need clearing.
  sorts.count += 2;
  const open = sorts.count - 1;
  const done = sorts.count;
  const order: Value[] = [];
  // An explicit stack instead of recursion. A value's children are pushed the first time it
  // comes to the top (last child first, so the first is visited first, as micrograd's
  // recursive build_topo does), and it joins the order when it comes to the top again.
  const stack: Value[] = [root];
  while (stack.length > 0) {
    const v = stack[stack.length - 1];
    if (v._visit === open) {
      v._visit = done;
      order.push(v);
      stack.pop();
    } else if (v._visit === done) {
      stack.pop(); // pushed by two parents and already in the order
    } else {
      v._visit = open;
      const { _a: a, _b: b, _many: many } = v;
      if (b !== undefined && b._visit !== done) stack.push(b);
      if (a !== undefined && a._visit !== done) stack.push(a);
      if (many !== undefined) {
        for (let i = many.length - 1; i >= 0; i--) {
          if (many[i]._visit !== done) stack.push(many[i]);
        }
      }
    }
  }
  return order;
}

/** An op's operand as a `Value`: numbers are wrapped, anything else is a `TypeError`. */
function toValue(x: Value | number, method: string): Value {
  if (typeof x === "number") return new Value(checkNumber(x, method));
  if (isValue(x)) return x;
  throw new TypeError(
    `Cannot ${method}: the operand must be a Value or a number, got ${describe(x)}`,
  );
}

function checkNumber(x: number, method: string): number {
  if (!Number.isFinite(x)) {
    throw new RangeError(`Cannot ${method}: the operand must be finite, got ${x}`);
  }
  return x;
}

/**
 * An op's result, with its operands as children (`a + a` has the one child `a`, as micrograd's
 * children are a Python set); refused when the number is not finite (an overflow).
 *
 * Ops build results here rather than with `new Value(data, { children, op })`: their operands
 * are checked already, and skipping the options object and its checks builds big graphs about
 * a quarter faster.
 */
function result(data: number, op: string, a: Value, b?: Value): Value {
  if (!Number.isFinite(data)) throw overflow(op, a, b);
  const out = new Value(data);
  // Read-only to users; an op sets it once, here, to skip the constructor's option checks.
  (out as { op: string }).op = op;
  out._a = a;
  if (b !== a) out._b = b;
  return out;
}

/** The error for a result that is not finite: `Cannot add: the result is not finite, got ...`. */
function overflow(op: string, a: Value, b?: Value): RangeError {
  const power = op.startsWith("**");
  const method = op === "+" ? "add" : op === "*" ? "mul" : power ? "pow" : op;
  const x = formatRepr(a.data);
  const got = b !== undefined
    ? `${x} ${op} ${formatRepr(b.data)}`
    : power
    ? `${x} ** ${op.slice(2)}`
    : `${op}(${x})`;
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

/** An exponent as micrograd's op name shows it (`**2`, `**-1`, `**0.5`). */
function formatExponent(k: number): string {
  return Number.isInteger(k) ? String(k) : formatRepr(k);
}
