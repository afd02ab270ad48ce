/**
 * The scalar autograd engine: {@linkcode Value} and its topological sort.
 *
 * @module
 */
import { describe, formatRepr } from "./_format.ts";

/** Marks denograd values, so a value made by an earlier evaluation of this module still counts. */
const BRAND: unique symbol = Symbol.for("denograd.Value") as never;

/** What {@linkcode Value}'s constructor takes besides the number. */
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
 * (`children`) and its `op`, and a `_backward` step that sends the result's gradient to its
 * operands by the chain rule. {@linkcode Value.backward} runs those steps from the output back.
 *
 * @example Backpropagate through L = (a * b + c) * f
 * ```ts
 * import { Value } from "./value.ts";
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
  label: string;
  /** The operands this value was computed from (micrograd's `_prev`). */
  readonly children: readonly Value[];
  /** The operation that made this value (`""` for a leaf). */
  readonly op: string;
  /**
   * Sends `this.grad` to the children's grads (micrograd's `_backward`). Set by each op; a
   * learner adding an op of their own sets it too. It is a plain field, not `#private`, so that
   * values made by a re-run notebook cell (another copy of this class) can still be walked.
   */
  _backward: () => void = noop;
  /** Brand checked instead of `instanceof` alone (see {@linkcode isValue}). */
  readonly [BRAND] = true;

  /**
   * Make a value.
   *
   * @param data The number; finite.
   * @param options A `label`; ops also pass `children` and `op`.
   * @throws {TypeError} If `data` is not a number, or an option has the wrong type.
   * @throws {RangeError} If `data` is `NaN` or infinite.
   */
  constructor(data: number, options: ValueOptions = {}) {
    if (typeof data !== "number") {
      throw new TypeError(`Cannot create Value: data must be a number, got ${describe(data)}`);
    }
    if (!Number.isFinite(data)) {
      throw new RangeError(`Cannot create Value: data must be finite, got ${data}`);
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Cannot create Value: options must be an object, got ${describe(options)}`);
    }
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
    this.data = data;
    this.label = label;
    this.children = children;
    this.op = op;
  }

  /**
   * `this + other`.
   *
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(new Value(2).add(3).data, 5);
   * ```
   */
  add(other: Value | number): Value {
    const that = toValue(other, "add");
    const out = result(this.data + that.data, this, that, "+", "add");
    out._backward = () => {
      this.grad += out.grad; // d(a + b)/da = 1
      that.grad += out.grad;
    };
    return out;
  }

  /**
   * `this * other`.
   *
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(new Value(2).mul(-3).data, -6);
   * ```
   */
  mul(other: Value | number): Value {
    const that = toValue(other, "mul");
    const out = result(this.data * that.data, this, that, "*", "mul");
    out._backward = () => {
      this.grad += that.data * out.grad; // d(a * b)/da = b
      that.grad += this.data * out.grad;
    };
    return out;
  }

  /**
   * `this ** exponent`. A number exponent is a constant (op `**k`, as micrograd names it); a
   * `Value` exponent gets a gradient too, `a**b · ln a`, so its base must be positive.
   *
   * @throws {RangeError} If the result is not a finite real number (`(-8) ** 0.5`, `0 ** -1`),
   * or a `Value` exponent has a base that is not positive.
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * import { assertEquals } from "@std/assert";
   * const x = new Value(3);
   * const y = x.pow(2);
   * y.backward();
   * assertEquals([y.data, x.grad], [9, 6]);
   * ```
   */
  pow(exponent: Value | number): Value {
    if (typeof exponent === "number") {
      const k = checkNumber(exponent, "pow");
      const data = checkPow(this.data, k);
      const out = new Value(data, { children: [this], op: `**${formatOp(k)}` });
      out._backward = () => {
        this.grad += k * this.data ** (k - 1) * out.grad; // d(a^k)/da = k·a^(k-1)
      };
      return out;
    }
    const that = toValue(exponent, "pow");
    if (!(this.data > 0)) {
      throw new RangeError(
        `Cannot raise to a Value power: the base is ${this.data}, which is not positive ` +
          `(the exponent's gradient a**b · ln a needs ln a); use a number exponent instead`,
      );
    }
    const out = result(checkPow(this.data, that.data), this, that, "**", "pow");
    out._backward = () => {
      this.grad += that.data * this.data ** (that.data - 1) * out.grad; // d(a^b)/da = b·a^(b-1)
      that.grad += out.data * Math.log(this.data) * out.grad; // d(a^b)/db = a^b · ln a
    };
    return out;
  }

  /** `-this`, as `this * -1`. */
  neg(): Value {
    return this.mul(-1);
  }

  /** `this - other`, as `this + (-other)`. */
  sub(other: Value | number): Value {
    return this.add(toValue(other, "sub").neg());
  }

  /**
   * `this / other`, as `this * other**-1`.
   *
   * @throws {RangeError} If `other` is 0.
   */
  div(other: Value | number): Value {
    const that = toValue(other, "div");
    if (that.data === 0) {
      throw new RangeError(`Cannot divide: the divisor is 0 (${formatRepr(this.data)} / 0)`);
    }
    return this.mul(that.pow(-1));
  }

  /**
   * `e ** this`.
   *
   * @throws {RangeError} If the result overflows (`this` above about 709.78).
   */
  exp(): Value {
    const data = Math.exp(this.data);
    if (data === Infinity) {
      throw new RangeError(`Cannot take exp: exp(${this.data}) overflows`);
    }
    const out = new Value(data, { children: [this], op: "exp" });
    out._backward = () => {
      this.grad += out.data * out.grad; // d(e^x)/dx = e^x
    };
    return out;
  }

  /**
   * The natural logarithm.
   *
   * @throws {RangeError} If `this` is not positive.
   */
  log(): Value {
    if (!(this.data > 0)) {
      throw new RangeError(`Cannot take log: value is ${this.data}, which is not positive`);
    }
    const out = new Value(Math.log(this.data), { children: [this], op: "log" });
    out._backward = () => {
      this.grad += out.grad / this.data; // d(ln x)/dx = 1/x
    };
    return out;
  }

  /**
   * The hyperbolic tangent, by the lecture's formula `(e^2x - 1) / (e^2x + 1)`, written with
   * `expm1` so it stays exact near 0 and gives ±1 (not `NaN`) once `e^2x` overflows.
   */
  tanh(): Value {
    const m = Math.expm1(2 * this.data);
    const t = m === Infinity ? 1 : m / (m + 2);
    const out = new Value(t, { children: [this], op: "tanh" });
    out._backward = () => {
      this.grad += (1 - t * t) * out.grad; // d(tanh x)/dx = 1 - tanh²x
    };
    return out;
  }

  /** `max(0, this)`, micrograd's `ReLU`. */
  relu(): Value {
    const out = new Value(this.data < 0 ? 0 : this.data, { children: [this], op: "ReLU" });
    out._backward = () => {
      if (out.data > 0) this.grad += out.grad; // slope 1 where the input was positive, else 0
    };
    return out;
  }

  /** The logistic function `1 / (1 + e^-this)`, computed without overflow for any input. */
  sigmoid(): Value {
    const x = this.data;
    const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    const out = new Value(s, { children: [this], op: "sigmoid" });
    out._backward = () => {
      this.grad += s * (1 - s) * out.grad; // dσ/dx = σ(1 - σ)
    };
    return out;
  }

  /**
   * Fill in `grad` for every value this one depends on: d(this)/d(node).
   *
   * Sets `this.grad` to 1, then runs each node's `_backward` from this value back to the
   * leaves (reverse topological order). Gradients **accumulate** (`+=`), which is what makes a
   * value used twice (`a.add(a)`) get both contributions; it also means a second `backward()`
   * adds the same gradients again. Call {@linkcode Value.zeroGrad} (or `Module.zeroGrad()`) first.
   *
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * import { assertEquals } from "@std/assert";
   * const a = new Value(3);
   * const b = a.add(a);
   * b.backward();
   * assertEquals(a.grad, 2);
   * ```
   */
  backward(): void {
    const topo = topologicalSort(this);
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) topo[i]._backward();
  }

  /** Set `grad` to 0 on this value and every value it depends on. */
  zeroGrad(): void {
    for (const v of topologicalSort(this)) v.grad = 0;
  }

  /** Python's repr of the seed: `Value(data=2.0, label=a)`. */
  toString(): string {
    return `Value(data=${formatRepr(this.data)}, label=${this.label})`;
  }

  /** The text form Deno (and so Jupyter's `text/plain`) shows, without colour codes. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** `a + b` with a number allowed on the left: `Value.add(2, a)`. */
  static add(a: Value | number, b: Value | number): Value {
    return toValue(a, "add").add(b);
  }

  /** `a - b` with a number allowed on the left: `Value.sub(1, a)` is Python's `1 - a`. */
  static sub(a: Value | number, b: Value | number): Value {
    return toValue(a, "sub").sub(b);
  }

  /** `a * b` with a number allowed on the left: `Value.mul(2, a)` is Python's `2 * a`. */
  static mul(a: Value | number, b: Value | number): Value {
    return toValue(a, "mul").mul(b);
  }

  /** `a / b` with a number allowed on the left: `Value.div(10, a)` is Python's `10 / a`. */
  static div(a: Value | number, b: Value | number): Value {
    return toValue(a, "div").div(b);
  }

  /** `a ** b` with a number allowed as the base: `Value.pow(2, x)` is Python's `2 ** x`. */
  static pow(a: Value | number, b: Value | number): Value {
    return toValue(a, "pow").pow(b);
  }
}

function noop(): void {}

/**
 * Whether `x` is a denograd {@linkcode Value}, also one made by another copy of the class
 * (a notebook cell that re-ran the import under a new URL), which `instanceof` would reject.
 *
 * @example
 * ```ts
 * import { isValue, Value } from "./value.ts";
 * import { assert } from "@std/assert";
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
 * @example
 * ```ts
 * import { topologicalSort, Value } from "./value.ts";
 * import { assertEquals } from "@std/assert";
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
  const order: Value[] = [];
  const visited = new Set<Value>([root]);
  // An explicit stack of (node, index of its next child to visit) instead of recursion.
  const stack: Value[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const children = stack[top].children;
    if (next[top] < children.length) {
      const child = children[next[top]++];
      if (!visited.has(child)) {
        visited.add(child);
        stack.push(child);
        next.push(0);
      }
    } else {
      order.push(stack[top]);
      stack.pop();
      next.pop();
    }
  }
  return order;
}

/** An op's operand as a `Value`: numbers are wrapped, anything else is a `TypeError`. */
function toValue(x: Value | number, method: string): Value {
  if (typeof x === "number") return new Value(checkNumber(x, method));
  if (isValue(x)) return x;
  throw new TypeError(
    `Cannot ${method}: Value.${method}() takes a Value or a number, got ${describe(x)}`,
  );
}

function checkNumber(x: number, method: string): number {
  if (!Number.isFinite(x)) {
    throw new RangeError(`Cannot ${method}: Value.${method}() takes a finite number, got ${x}`);
  }
  return x;
}

/** The result of a two-operand op, refused when it is not finite (overflow). */
function result(data: number, a: Value, b: Value, op: string, method: string): Value {
  if (!Number.isFinite(data)) {
    throw new RangeError(
      `Cannot ${method}: ${formatRepr(a.data)} ${op} ${formatRepr(b.data)} is not finite`,
    );
  }
  // Python keeps children in a set, so `a + a` has the one child `a`.
  return new Value(data, { children: a === b ? [a] : [a, b], op });
}

function checkPow(base: number, exponent: number): number {
  const data = base ** exponent;
  if (!Number.isFinite(data)) {
    throw new RangeError(
      `Cannot raise to a power: ${formatRepr(base)} ** ${formatRepr(exponent)} is ${
        Number.isNaN(data) ? "not a real number" : "not finite"
      }`,
    );
  }
  return data;
}

/** An exponent as micrograd's op name shows it (`**2`, `**-1`, `**0.5`). */
function formatOp(k: number): string {
  return Number.isInteger(k) ? String(k) : formatRepr(k);
}
