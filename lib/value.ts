/**
 * The scalar autograd engine: {@linkcode Value} and its topological sort.
 *
 * @module
 */
import { describe, formatRepr } from "./_format.ts";
import { checkFinite, checkInputs, checkOptions } from "./_check.ts";
import { internals } from "./_hooks.ts";

/** Marks denograd values, so a value made by an earlier evaluation of this module still counts. */
const BRAND: unique symbol = Symbol.for("denograd.Value") as never;

const OPTIONS = ["label", "children", "op", "localGrads"];

// The tape. A `Value` is a small handle; its numbers sit in a slab, with those of up to 2,047
// other values in the order they were made: four floats (data, grad, and the local derivatives
// towards its operands) and four integers (where its operands are, what backward does with it,
// and a stamp for walks through the graph). Operands are numbers too (which slab, which value),
// so a training step's graph is a few arrays, not tens of thousands of objects for the garbage
// collector to copy while the step runs. A slab is freed, as any object is, once none of its
// values is in use, nor any value made from them.
const SLAB_BITS = 11; // 2,048 values, 96 KiB: measured fastest; some larger sizes page-fault a lot
const SLAB_VALUES = 1 << SLAB_BITS;
const INDEX = SLAB_VALUES - 1; // ref & INDEX is the value's index in its slab
// The floats, `nums[4 * i + ...]`:
const DATA = 0; // the number
const GRAD = 1; // d(output)/d(this)
const DA = 2; // d(this)/d(a), the local derivative towards the first operand
const DB = 3; // d(this)/d(b), towards the second
// The integers, `ints[4 * i + ...]`:
const A = 0; // the first operand: (its slab's index in `deps`) << SLAB_BITS | its index there
const B = 1; // the second
const KIND = 2; // what backward does with it: the bits below, and the op's code << 4
const STAMP = 3; // the last walk through the graph that reached it

const HAS_A = 1; // an engine op with one operand, `a`
const HAS_B = 2; // ... and a second, `b`
const RESULT = 4; // has children: its grad starts at 0 in each backward pass
const SPECIAL = 8; // backward calls its `_backward` (a learner's own op or closure)

/** Op names by code (`KIND >> 4`), and codes by name: an op's name is stored as its code. */
const opNames = [""];
const opCodes = new Map([["", 0]]);
const OWN_OP = 1; // more names than the table takes: this value's is in its `Meta`
opNames.push("");

/** The code of `name`, shifted into place for `KIND`. */
function opCode(name: string): number {
  let code = opCodes.get(name);
  if (code === undefined) {
    if (opNames.length >= 1 << 16) return OWN_OP << 4;
    opCodes.set(name, code = opNames.push(name) - 1);
  }
  return code << 4;
}
const ADD = opCode("+");
const MUL = opCode("*");
const POW = opCode("**");
const EXP = opCode("exp");
const LOG = opCode("log");
const TANH = opCode("tanh");
const RELU = opCode("ReLU");
const SIGMOID = opCode("sigmoid");

/** A learner's own value's children and their local derivatives, if given. */
interface Own {
  children: readonly Value[];
  localGrads: readonly number[] | undefined;
}

/** What only a few values have: a label, a learner's children or `_backward`. */
interface Meta {
  label?: string;
  op?: string;
  own?: Own;
  backward?: (this: Value) => void;
}

/** A slab of the tape: up to 2,048 values, and the older slabs their operands are in. */
class Slab {
  readonly nums: Float64Array;
  readonly ints: Int32Array;
  /** The slabs operands are in: `deps[0]` is this one, then older ones as they are met. */
  readonly deps: Slab[] = [this];
  /** The order slabs were made in: a value's operands are in the same slab or older ones. */
  readonly seq: number;
  /** How many values it holds. */
  count = 0;
  /** The last backward pass that went through this slab. */
  pass = 0;
  /** One object per value, once one is needed: `children` gives the same object each time. */
  handles: Value[] | undefined = undefined;
  /** Labels, a learner's children and `_backward`s, by index. */
  meta: Map<number, Meta> | undefined = undefined;

  constructor(seq: number) {
    this.seq = seq;
    const buffer = new ArrayBuffer(SLAB_VALUES * 48); // one allocation for both
    this.nums = new Float64Array(buffer, 0, SLAB_VALUES * 4);
    this.ints = new Int32Array(buffer, SLAB_VALUES * 32, SLAB_VALUES * 4);
  }

  /** How a value of this slab points at value `i` of slab `s`: a ref, for `A` or `B`. */
  refOf(s: Slab, i: number): number {
    if (s === this) return i;
    const deps = this.deps;
    let k = deps.length - 1;
    while (k > 0 && deps[k] !== s) k--;
    if (k === 0) k = deps.push(s) - 1;
    return k << SLAB_BITS | i;
  }

  metaOf(i: number): Meta {
    const meta = this.meta ??= new Map();
    let m = meta.get(i);
    if (m === undefined) meta.set(i, m = {});
    return m;
  }
}

// One large buffer, made and dropped at once. When it is freed, glibc's malloc raises the size
// above which it hands freed memory back to the system (to 32 MB), so the slabs training steps
// free are reused instead of handed back and faulted in again: on the 2-core machine this is
// built on, that halved the page faults of microgpt's training and removed most of its slow
// steps. Elsewhere it is 16 MB of untouched zero pages, let go at the next garbage collection.
new ArrayBuffer(16 * 2 ** 20);

let slab = new Slab(0);
let slabs = 0;
/**
 * Stamps for walks and backward passes: counting up, they never repeat, so none need clearing
 * (they are Int32s: 2^31 walks, far more than a program makes).
 */
let stamp = 0;
/**
 * Set once this copy of the module has met a value of another copy (a notebook that imported it
 * again under another URL): from then on, `backward` walks with `topologicalSort`, which can go
 * through both copies' values.
 */
let mixed = false;

/** What the constructor gets from inside this module: make a bare value, or a handle. */
const FAST = {} as ValueOptions;
const HANDLE = {} as ValueOptions;
let handleSlab = slab;
let handleIndex = 0;

/** The one object for value `i` of slab `s`: the one already there, or a new handle. */
function handleOf(s: Slab, i: number): Value {
  const handles = s.handles ??= [];
  let v = handles[i];
  if (v === undefined) {
    handleSlab = s;
    handleIndex = i;
    handles[i] = v = new Value(0, HANDLE);
  }
  return v;
}

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

/** {@linkcode topologicalSort}'s walk, defined inside {@linkcode Value} to read its private fields. */
let sort: (root: Value, reset: boolean) => Value[];
/** The engine's `_backward`, which a learner's own replaces. */
let engineBackward: (this: Value) => void;
/** `b + w[0]·x[0] + ...`, or `w[0]·x[0] + ...` without `b`, onto the tape: see `dot`. */
let weightedSum: (
  b: Value | undefined,
  w: readonly Value[],
  x: readonly (Value | number)[],
) => Value;
/** Mark the children of a value with its own `_backward` as reached; returns how many were new. */
let reach: (s: Slab, i: number, pass: number) => number;
/** Set `v.grad` past the setter's check, as `backward` writes grads: see its definition. */
let setGrad: (v: Value, x: number) => void;

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
    if (options === HANDLE) { // another object for a value already on the tape
      this.#slab = handleSlab;
      this.#i = handleIndex;
      return;
    }
    // FAST: an op's result, or a number operand, whose data is already checked (see #result)
    const own = options === FAST ? undefined : checkValueArguments(data, options);
    this.#i = push(data);
    this.#slab = slab; // push's slab, which may be a new one
    if (options !== FAST) this.#made(own, new.target);
  }

  /** The rest of making a learner's value: it is its own handle, and has its options. */
  #made(own: ReturnType<typeof checkValueOptions> | undefined, kind: typeof Value): void {
    const s = this.#slab;
    const i = this.#i;
    // A value made by the learner is the one object `children` and `topologicalSort` give for it
    (s.handles ??= [])[i] = this;
    // A subclass's own `_backward` method is called by backward(), as a learner's closure is
    if (kind.prototype._backward !== engineBackward) s.ints[(i << 2) + KIND] = SPECIAL;
    if (own === undefined) return;
    if (own.label !== "") this.label = own.label;
    const code = opCode(own.op);
    if (code === OWN_OP << 4) s.metaOf(i).op = own.op;
    s.ints[(i << 2) + KIND] |= code;
    const { children, localGrads } = own;
    if (children.length === 0) return;
    if (children.some((c) => !(#i in c))) mixed = true;
    s.metaOf(i).own = { children, localGrads };
    s.ints[(i << 2) + KIND] |= RESULT | SPECIAL;
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
    return this.#slab.nums[(this.#i << 2) + DATA];
  }
  set data(x: number) {
    this.#slab.nums[(this.#i << 2) + DATA] = settable(x, "data");
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
    return this.#slab.nums[(this.#i << 2) + GRAD];
  }
  set grad(x: number) {
    this.#slab.nums[(this.#i << 2) + GRAD] = settable(x, "grad");
  }

  /** A name to show in graphs and in the text form (`""` unless given). */
  get label(): string {
    return this.#slab.meta?.get(this.#i)?.label ?? "";
  }
  set label(label: string) {
    this.#slab.metaOf(this.#i).label = label;
    (this.#slab.handles ??= [])[this.#i] ??= this; // a named value: `children` gives this object
  }

  /** The name of the operation that made this value (`""` for a leaf). */
  get op(): string {
    const code = this.#slab.ints[(this.#i << 2) + KIND] >> 4;
    return code === OWN_OP ? this.#slab.meta?.get(this.#i)?.op ?? "" : opNames[code];
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
    const s = this.#slab;
    const n = this.#i << 2;
    const kind = s.ints[n + KIND];
    if (kind & HAS_A) {
      const a = operand(s, s.ints[n + A]);
      return kind & HAS_B ? [a, operand(s, s.ints[n + B])] : [a];
    }
    return [...s.meta?.get(this.#i)?.own?.children ?? []];
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
    const { nums, ints } = this.#slab;
    const n = this.#i << 2;
    const kind = ints[n + KIND];
    if (kind & HAS_A) return kind & HAS_B ? [nums[n + DA], nums[n + DB]] : [nums[n + DA]];
    return [...this.#slab.meta?.get(this.#i)?.own?.localGrads ?? []];
  }

  /**
   * The result of an op on `this` (and `b`): its data, its op, and the local derivatives `da`
   * (and `db`) that backward multiplies by. `a + a` keeps `a` once, as micrograd's children are
   * a set, and adds up both derivatives. Refused when the result is not finite (an overflow).
   */
  #result(data: number, op: number, da: number, b?: Value, db = 0): Value {
    if (!Number.isFinite(data)) throw notFinite(opNames[op >> 4], data, this.data, b?.data);
    if (mixed && b !== undefined && !(#i in b)) { // another copy's value, kept as a learner's op
      return new Value(data, { op: opNames[op >> 4], children: [this, b], localGrads: [da, db] });
    }
    const out = new Value(data, FAST); // on the tape after its operands, in the slab `slab`
    const { nums, ints } = slab;
    const n = out.#i << 2;
    ints[n + A] = slab.refOf(this.#slab, this.#i);
    if (b === undefined || (b.#slab === this.#slab && b.#i === this.#i)) {
      nums[n + DA] = b === undefined ? da : da + db;
      ints[n + KIND] = op | RESULT | HAS_A;
    } else {
      nums[n + DA] = da;
      nums[n + DB] = db;
      ints[n + B] = slab.refOf(b.#slab, b.#i);
      ints[n + KIND] = op | RESULT | HAS_A | HAS_B;
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
    return this.#result(this.data + that.data, ADD, 1, that, 1); // d(a+b)/da = d(a+b)/db = 1
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
    const [a, b] = [this.data, that.data];
    return this.#result(a * b, MUL, b, that, a); // d(ab)/da = b, d(ab)/db = a
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
      const [data, name] = [a ** k, powerOp(k)];
      if (!Number.isFinite(data)) throw notFinite("**", data, a, k); // (-8) ** 0.5 is NaN
      // d(a^k)/da = k·a^(k-1), written out as 0 for k = 0, where 0 · 0^-1 would be NaN
      const code = opCode(name);
      const out = this.#result(data, code, k === 0 ? 0 : k * a ** (k - 1));
      if (code === OWN_OP << 4) out.#slab.metaOf(out.#i).op = name; // past the table of names
      return out;
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
    return this.#result(out, POW, b * a ** (b - 1), that, out * Math.log(a)); // d/db = a^b·ln a
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
    return this.#result(out, EXP, out); // d(e^a)/da = e^a
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
    return this.#result(Math.log(a), LOG, 1 / a); // d(ln a)/da = 1/a
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
    return this.#result(t, TANH, 1 - t * t); // d(tanh a)/da = 1 - tanh²a
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
    return this.#result(out, RELU, out > 0 ? 1 : 0); // slope 1 where positive, as micrograd
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
    return this.#result(s, SIGMOID, s * (1 - s)); // dσ/da = σ(1 - σ)
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
    const s = this.#slab;
    const n = this.#i << 2;
    const g = s.nums[n + GRAD];
    const kind = s.ints[n + KIND];
    if (kind & HAS_A) {
      addGrad(s, s.ints[n + A], s.nums[n + DA] * g); // the chain rule: d(this)/d(a) · d(L)/d(this)
      if (kind & HAS_B) addGrad(s, s.ints[n + B], s.nums[n + DB] * g);
      return;
    }
    const own = s.meta?.get(this.#i)?.own;
    if (own?.localGrads === undefined) return;
    const { children, localGrads } = own;
    // child.grad += localGrad · this.grad, written as backward writes an engine op's children
    children.forEach((c, i) => setGrad(c, c.grad + localGrads[i] * g));
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
    if (mixed) { // values of two copies of the module: in micrograd's order, through both
      const topo = sort(this, true); // results (values with children) start at 0, leaves keep theirs
      this.grad = 1;
      for (let i = topo.length - 1; i >= 0; i--) topo[i]._backward();
      return;
    }
    // Every value is made after its operands, so going through the tape backwards, newest
    // first, each value sends its grad back only after every value that uses it has added to
    // it. The slabs to go through are this value's and those its values' operands are in.
    const pass = ++stamp;
    const top = this.#slab;
    const todo = [top];
    top.pass = pass;
    for (let k = 0; k < todo.length; k++) {
      for (const s of todo[k].deps) if (s.pass !== pass) todo.push(s), s.pass = pass;
    }
    todo.sort((s, t) => t.seq - s.seq);
    top.ints[(this.#i << 2) + STAMP] = pass; // reached: only reached values send anything back
    top.nums[(this.#i << 2) + GRAD] = 1;
    let reached = 1;
    for (const s of todo) reached += sendBack(s, s === top ? this.#i : s.count - 1, pass);
    // Values made from here on (the next training step's) take a new slab, unless the graph was
    // small: a slab is kept while any of its values is in use, and with it all the others.
    if (reached > 128) slab = new Slab(++slabs);
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

  static {
    // `_backward` is the engine's method above until a learner gives a value its own: it is
    // kept on the tape, so that `backward()` calls it, whichever object for the value it is
    // read through.
    const engine = Value.prototype._backward;
    engineBackward = engine;
    Object.defineProperty(Value.prototype, "_backward", {
      configurable: true,
      get(this: Value): () => void {
        return (#i in this && this.#slab.meta?.get(this.#i)?.backward) || engine;
      },
      set(this: Value, fn: () => void) {
        if (typeof fn !== "function") {
          throw new TypeError(`Cannot set _backward: expected a function, got ${describe(fn)}`);
        }
        const meta = this.#slab.metaOf(this.#i);
        meta.backward = fn === engine ? undefined : fn;
        const { ints } = this.#slab;
        const n = (this.#i << 2) + KIND;
        const special = meta.backward !== undefined || meta.own !== undefined;
        ints[n] = (ints[n] & ~SPECIAL) | (special ? SPECIAL : 0);
      },
    });

    // Before a value's own `_backward` runs, its children are marked as reached (and a
    // result's grad set to 0), as `backward` does for an engine op's.
    reach = (s, i, pass) => {
      const kind = s.ints[(i << 2) + KIND];
      let count = 0;
      for (const [bit, slot] of [[HAS_A, A], [HAS_B, B]]) {
        if (!(kind & bit)) continue;
        const ref = s.ints[(i << 2) + slot];
        const child = s.deps[ref >> SLAB_BITS];
        const j = (ref & INDEX) << 2;
        if (child.ints[j + STAMP] !== pass) count += first(child, j, pass);
      }
      for (const c of s.meta?.get(i)?.own?.children ?? []) {
        const j = c.#i << 2;
        if (c.#slab.ints[j + STAMP] !== pass) count += first(c.#slab, j, pass);
      }
      return count;
    };

    // `b + w[0]·x[0] + ...` (or without `b`: see `dot`), value for value as the ops make it,
    // written onto the tape without an object for each value but the result.
    weightedSum = (b, w, x) => {
      if (mixed || (b !== undefined && !(#i in b))) return sumThroughOps(b, w, x);
      let sa = slab; // the running sum: its slab, index and data, once there is one
      let ia = -1;
      let acc = 0;
      if (b !== undefined) sa = b.#slab, ia = b.#i, acc = b.data;
      for (let k = 0; k < w.length; k++) {
        const wk = w[k];
        const xk = x[k];
        // another copy's value: start again through the ops (what is on the tape so far is
        // unreachable, and freed with its slab)
        if (!(#i in wk) || (typeof xk !== "number" && !(#i in xk))) return sumThroughOps(b, w, x);
        let sx = slab;
        let ix: number;
        if (typeof xk === "number") ix = push(xk), sx = slab; // a number becomes a leaf
        else sx = xk.#slab, ix = xk.#i;
        const wd = wk.data;
        const xd = sx.nums[ix << 2];
        const product = wd * xd;
        if (!Number.isFinite(product)) throw notFinite("*", product, wd, xd);
        const ip = push(product); // d(wx)/dw = x, d(wx)/dx = w
        const sp = slab;
        let n = ip << 2;
        sp.ints[n + A] = sp.refOf(wk.#slab, wk.#i);
        if (sx === wk.#slab && ix === wk.#i) { // w·w
          sp.nums[n + DA] = xd + wd;
          sp.ints[n + KIND] = MUL | RESULT | HAS_A;
        } else {
          sp.nums[n + DA] = xd;
          sp.nums[n + DB] = wd;
          sp.ints[n + B] = sp.refOf(sx, ix);
          sp.ints[n + KIND] = MUL | RESULT | HAS_A | HAS_B;
        }
        if (ia < 0) { // the first product starts the sum
          sa = sp, ia = ip, acc = product;
          continue;
        }
        const sum = acc + product;
        if (!Number.isFinite(sum)) throw notFinite("+", sum, acc, product);
        const is = push(sum); // d(a+b)/da = d(a+b)/db = 1
        n = is << 2;
        slab.ints[n + A] = slab.refOf(sa, ia);
        slab.ints[n + B] = slab.refOf(sp, ip);
        slab.nums[n + DA] = 1;
        slab.nums[n + DB] = 1;
        slab.ints[n + KIND] = ADD | RESULT | HAS_A | HAS_B;
        sa = slab, ia = is, acc = sum;
      }
      if (w.length === 0 && b !== undefined) return b;
      handleSlab = sa;
      handleIndex = ia;
      return new Value(0, HANDLE);
    };
    // Grads written past the setter's check. backward() may leave Infinity in a grad where one
    // overflows (as Python's floats do), and step_backward.ts puts back what it found (through
    // lib/_hooks.ts). Another copy's values go through their setter.
    setGrad = (v, x) => {
      if (#i in v) v.#slab.nums[(v.#i << 2) + GRAD] = x;
      else (v as Value).grad = x;
    };
    internals.setGrad ??= (v: Value, x: number) => setGrad(v, x);

    // The first copy of this module lends it to nn.ts (see lib/_hooks.ts); another copy's
    // values take its path through the ops.
    internals.weightedSum ??= (b: Value, w: readonly Value[], x: readonly (Value | number)[]) =>
      weightedSum(b, w, x);

    // The sort lives inside the class, where it can read the private fields.
    sort = (root, reset) => {
      // Each sort stamps values with two fresh numbers: `open` once their children are pushed,
      // `done` once they are in the order. Counting up, stamps never repeat, so none need clearing.
      stamp += 2;
      const open = stamp - 1;
      const done = stamp;
      const order: Value[] = [];
      // Values of another copy of this class (a notebook that imported the module again under
      // another URL) are not on this tape; this map holds their stamps.
      const foreign = new Map<Value, number>();
      // An explicit stack instead of recursion. A value's children are pushed the first time it
      // comes to the top (last child first, so the first is visited first, as micrograd's
      // recursive build_topo does), and it joins the order when it comes to the top again.
      const stack: Value[] = [root];
      while (stack.length > 0) {
        const v = stack[stack.length - 1];
        if (!(#i in v)) {
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
        const { nums, ints } = v.#slab;
        const n = v.#i << 2;
        if (ints[n + STAMP] === done) {
          stack.pop(); // pushed by two parents and already in the order
        } else if (ints[n + STAMP] === open) {
          ints[n + STAMP] = done;
          if (reset && ints[n + KIND] & RESULT) nums[n + GRAD] = 0; // a result's grad
          order.push(v);
          stack.pop();
        } else {
          ints[n + STAMP] = open;
          const children = v.children;
          for (let i = children.length - 1; i >= 0; i--) {
            const c = children[i];
            if (!(#i in c && c.#slab.ints[(c.#i << 2) + STAMP] === done)) stack.push(c);
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

// The brand sits on the prototype, not on each value.
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
  return sort(root, false);
}

/**
 * `w[0]·x[0] + w[1]·x[1] + ...`, added left to right: the dot product, as micrograd's
 * `sum(wi * xi for wi, xi in zip(w, x))` computes it. It makes exactly the values that
 * `w[0].mul(x[0]).add(w[1].mul(x[1])).add(...)` makes, in the same order (a leaf for each number
 * in `x`, each product, each partial sum), so graphs, numbers and gradients are the same; it
 * writes them onto the tape without an object for each, which builds a 64-term sum about 1.7
 * times as fast.
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

/** An op's operand as a `Value`: numbers are wrapped, anything else is a `TypeError`. */
function toValue(x: Value | number, method: string): Value {
  if (typeof x === "number") return new Value(checkFinite(x, method, "the operand"), FAST);
  if (x instanceof Value) return x;
  if (isValue(x)) return mixed = true, x; // another copy's value: see `mixed`
  throw new TypeError(
    `Cannot ${method}: the operand must be a Value or a number, got ${describe(x)}`,
  );
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

/**
 * `backward`'s work in one slab: from value `top` down to the first, each value reached by pass
 * `pass` sends its grad to its children. Returns how many values it reached for the first time.
 * (A function of its own, so that V8 optimizes it whole rather than its loop alone.)
 */
function sendBack(s: Slab, top: number, pass: number): number {
  let reached = 0;
  const { nums, ints, deps } = s;
  for (let i = top; i >= 0; i--) {
    const n = i << 2;
    if (ints[n + STAMP] !== pass) continue;
    const kind = ints[n + KIND];
    if (kind & SPECIAL) {
      reached += reach(s, i, pass);
      handleOf(s, i)._backward();
    } else if (kind & HAS_A) { // the chain rule: child.grad += d(this)/d(child) · this.grad
      // Written out for a, then for b: a loop over the two measured up to twice as slow
      const g = nums[n + GRAD];
      let ref = ints[n + A];
      let cnums = nums; // the child's slab: most often this one
      let cints = ints;
      if (ref > INDEX) cnums = deps[ref >> SLAB_BITS].nums, cints = deps[ref >> SLAB_BITS].ints;
      let j = (ref & INDEX) << 2;
      if (cints[j + STAMP] !== pass) { // reached for the first time: a result starts at 0
        cints[j + STAMP] = pass;
        if (cints[j + KIND] & RESULT) cnums[j + GRAD] = 0;
        reached++;
      }
      cnums[j + GRAD] += nums[n + DA] * g;
      if (kind & HAS_B) {
        ref = ints[n + B];
        cnums = nums;
        cints = ints;
        if (ref > INDEX) {
          cnums = deps[ref >> SLAB_BITS].nums, cints = deps[ref >> SLAB_BITS].ints;
        }
        j = (ref & INDEX) << 2;
        if (cints[j + STAMP] !== pass) {
          cints[j + STAMP] = pass;
          if (cints[j + KIND] & RESULT) cnums[j + GRAD] = 0;
          reached++;
        }
        cnums[j + GRAD] += nums[n + DB] * g;
      }
    }
  }
  return reached;
}

/** `weightedSum` through the ops, which take another copy's values too. */
function sumThroughOps(
  b: Value | undefined,
  w: readonly Value[],
  x: readonly (Value | number)[],
): Value {
  let act = b;
  for (let k = 0; k < w.length; k++) {
    const product = w[k].mul(x[k]);
    act = act === undefined ? product : act.add(product);
  }
  return act!;
}

/** A new value on the tape with no operands yet (a leaf, until written as a result): its index. */
function push(data: number): number {
  if (slab.count === SLAB_VALUES) slab = new Slab(++slabs);
  slab.nums[slab.count << 2] = data;
  return slab.count++;
}

/** Add `x` to the grad of the value `ref` points at, from a value in slab `s`. */
function addGrad(s: Slab, ref: number, x: number): void {
  s.deps[ref >> SLAB_BITS].nums[((ref & INDEX) << 2) + GRAD] += x;
}

/** The object for the operand `ref` points at, from a value in slab `s`. */
function operand(s: Slab, ref: number): Value {
  return handleOf(s.deps[ref >> SLAB_BITS], ref & INDEX);
}

/** Mark value `j / 4` of `s` as reached by backward pass `pass`; a result's grad starts at 0. */
function first(s: Slab, j: number, pass: number): number {
  s.ints[j + STAMP] = pass;
  if (s.ints[j + KIND] & RESULT) s.nums[j + GRAD] = 0;
  return 1;
}
