/**
 * The tape: where the numbers of every `Value` live, and the one backward walk over them.
 *
 * `lib/value.ts` is the lecture's `Value`; this file is what makes it fast. A value's numbers are
 * not fields of its object but an entry on the tape, in the order values were made: its data, its
 * grad, its operands and the local derivatives towards them. The entries sit in slabs of 8,192:
 * four floats and four integers each, in one `ArrayBuffer` per slab. An operand is a number too
 * (which slab, which entry), so a training step's graph is a few dozen arrays rather than some
 * 67,000 objects, each with its own arrays of children and derivatives, for the garbage collector
 * to trace while the step runs. A slab is freed, as any object is, once no value of it is in use,
 * nor any value made from them.
 *
 * Because every entry is made after its operands, going through the tape newest first visits
 * each value only after every value that uses it: `backward` needs no topological sort. When the
 * tape replaced a graph of objects (commit 3f2be5c), a chain of 1,000,000 ops went from 1.7 s and
 * 416 MiB to 0.5 s and 147 MiB, and microgpt's 1,000 training steps from 4.8 s to 2.8 s.
 *
 * What `value.ts` sees are functions on `(slab, index)` pairs, never the layout below: sharing
 * the layout's constants across modules made `backward` about 1.7 times slower. Functions cost
 * nothing where V8 inlines them, and two rules of V8's shape the ones here. It inlines at most
 * about 920 bytes of bytecode into one function (small functions aside), and a number passed to
 * or returned from a call it did not inline is boxed, an object of its own. So an op pushes its
 * numbers itself ({@linkcode push}), and {@linkcode weightedSum} records the operands of the
 * sums of `dot` and the nets itself, where two {@linkcode record2}s a term ran 1.2 to 1.4 times
 * as long. Another copy of `value.ts` (imported again under another URL) shares this module, and
 * so the tape.
 *
 * @module
 */

// 8,192 entries, 384 KiB. A new ArrayBuffer costs a few microseconds whatever its size, besides
// zeroing it: with slabs of 2,048, making them took 10% of microgpt's step (ops alone) and 16 to 19%
// of the moons step in CPU profiles; with 8,192, 7% and 13 to 14%.
const SLAB_BITS = 13;
const SLAB_SIZE = 1 << SLAB_BITS;
const INDEX = SLAB_SIZE - 1; // ref & INDEX is an entry's index in its slab
// The floats of entry i, `nums[4 * i + ...]`:
const DATA = 0; // the number
const GRAD = 1; // d(output)/d(this)
const DA = 2; // d(this)/d(a), the local derivative towards the first operand
const DB = 3; // d(this)/d(b), towards the second
// Its integers, `ints[4 * i + ...]`:
const A = 0; // the first operand, as a ref: (its slab's place in `deps`) << SLAB_BITS | its index
const B = 1; // the second
const KIND = 2; // the bits below, and the op's code << OP (see `codeOf`)
const STAMP = 3; // the last walk (backward pass or sort) that reached it
// KIND's bits:
const HAS_A = 1; // an op with one operand, `a`
const HAS_B = 2; // ... and a second, `b`
const RESULT = 4; // has operands: its grad starts at 0 in each backward pass
const OWN = 8; // a learner's op: its children, and their local derivatives if given, in `Meta`
const CALL = 16; // backward calls its own `_backward` (a learner's closure or subclass method)
const OP = 5; // KIND >> OP is the op's code

/**
 * Op names by code, and codes by name. An entry keeps its op as a code among its integers: an
 * array of names beside them made the garbage collector's work in microgpt's training 2.5 times
 * as much. Code 0 is a leaf's `""`; code 1 says the name is in `Meta` (for names past 65,536, a
 * program making ever new exponents, `x.pow(k)`); `+` and `*` are 2 and 3, found without a lookup.
 */
const opNames = ["", "", "+", "*"];
const opCodes = new Map([["", 0], ["+", 2], ["*", 3]]);
const IN_META = 1;
const PLUS = 2 << OP; // the codes of `+` and `*`, in place in KIND
const TIMES = 3 << OP;

/** The code of op `op` of entry `i` of `s`, shifted into place in KIND. */
function codeOf(op: string, s: Slab, i: number): number {
  if (op === "+") return PLUS;
  if (op === "*") return TIMES;
  return op === lastOp ? lastCode : lookUp(op, s, i);
}

/** The last op `lookUp` was asked about, and its code (ops come in runs: a softmax's exps). */
let lastOp = "+";
let lastCode = PLUS;

/** `codeOf` for an op other than `+` and `*`: given a code the first time it is seen. */
function lookUp(op: string, s: Slab, i: number): number {
  let code = opCodes.get(op);
  if (code === undefined) {
    if (opNames.length === 1 << 16) {
      ownMeta(s, i).op = op;
      return IN_META << OP;
    }
    opCodes.set(op, code = opNames.push(op) - 1);
  }
  lastOp = op;
  return lastCode = code << OP;
}

/** What only a few entries have: a label, a learner's children, a learner's `_backward`. */
export interface Meta {
  /** The label, if one was given. */
  label?: string;
  /** The op's name, if past the table of names. */
  op?: string;
  /** A learner's op's children, as given, and as refs from its slab. */
  children?: readonly object[];
  /** Refs to the children's entries, from the slab of the learner's op. */
  kids?: number[];
  /** The children's local derivatives, if given. */
  localGrads?: readonly number[];
  /** A learner's own `_backward`. */
  backward?: () => void;
}

/** A slab of the tape: up to 8,192 entries, and the older slabs their operands are in. */
export class Slab {
  /** The floats: data, grad, and the local derivatives of each entry. */
  readonly nums: Float64Array;
  /** The integers: operand refs, kind and stamp of each entry. */
  readonly ints: Int32Array;
  /** The slabs operands are in: `deps[0]` is this one, then older ones as they are met. */
  readonly deps: Slab[] = [this];
  /** The order slabs were made in: an entry's operands are in the same slab or older ones. */
  readonly seq: number;
  /** How many entries it holds. */
  count = 0;
  /** The last backward pass that went through this slab. */
  pass = 0;
  /** The object for each entry, once one is needed: the same object each time. */
  handles: object[] | undefined = undefined;
  /** Labels, a learner's children and `_backward`s, by index. */
  meta: Map<number, Meta> | undefined = undefined;

  constructor(seq: number) {
    this.seq = seq;
    const buffer = new ArrayBuffer(SLAB_SIZE * 48); // one allocation for both
    this.nums = new Float64Array(buffer, 0, SLAB_SIZE * 4);
    this.ints = new Int32Array(buffer, SLAB_SIZE * 32, SLAB_SIZE * 4);
  }

  /** How an entry of this slab points at entry `i` of slab `s`: a ref, for `A` or `B`. */
  refOf(s: Slab, i: number): number {
    if (s === this) return i;
    const deps = this.deps;
    let k = deps.length - 1;
    while (k > 0 && deps[k] !== s) k--;
    if (k === 0) k = deps.push(s) - 1;
    return k << SLAB_BITS | i;
  }
}

// One large buffer, made and dropped at once. When it is freed, glibc's malloc raises the size
// above which it hands freed memory back to the system (to 32 MB), so the slabs training steps
// free are reused instead of handed back and faulted in again: on the 2-core machine this is
// built on, that halved the page faults of microgpt's training and removed most of its slow
// steps. Elsewhere it is 16 MB of untouched zero pages, let go at the next garbage collection.
new ArrayBuffer(16 * 2 ** 20);

/** The slab new entries go to. */
let slab = new Slab(0);
let slabs = 0;
/** Stamps for walks: counting up, they never repeat, so none need clearing (2^31 walks). */
let stamp = 0;

/**
 * A new entry holding `data`, and the local derivatives `da` and `db` if it is an op's result
 * (then {@linkcode record} says of what): its index in {@linkcode top}'s slab, or -1, and no
 * entry, if `data` is not finite. An op pushes its numbers itself, where it computes them: passed
 * on to the recording instead, they were boxed, and microgpt's training step with `dot` made
 * twice the garbage collections (182 against 88 in 400 steps).
 */
export function push(data: number, da = 0, db = 0): number {
  if (slab.count === SLAB_SIZE) grow();
  const n = slab.count << 2;
  const nums = slab.nums;
  nums[n + DATA] = data;
  nums[n + DA] = da;
  nums[n + DB] = db;
  return Number.isFinite(data) ? slab.count++ : -1;
}

/** The number that {@linkcode push} refused. */
export function refused(): number {
  return slab.nums[slab.count << 2];
}

/** A new slab for new entries. (Apart from `push`, so that `push` stays small to inline.) */
function grow(): void {
  slab = new Slab(++slabs);
}

/** The slab that {@linkcode push} put its last entry in. */
export function top(): Slab {
  return slab;
}

/** Record entry `i` of `s` as the result of op `op` on entry `ai` of `as`. */
export function record(s: Slab, i: number, op: string, as: Slab, ai: number): void {
  const n = i << 2;
  s.ints[n + A] = s.refOf(as, ai);
  s.ints[n + KIND] = codeOf(op, s, i) | RESULT | HAS_A;
}

/**
 * `record` for an op on two operands, `ai` of `as` and `bi` of `bs`. `a + a` keeps `a` once, as
 * micrograd's children are a set, with both derivatives added. (One function for both measured
 * about a tenth slower on microgpt's training step.)
 */
export function record2(
  s: Slab,
  i: number,
  op: string,
  as: Slab,
  ai: number,
  bs: Slab,
  bi: number,
): void {
  const n = i << 2;
  const ints = s.ints;
  const kind = codeOf(op, s, i) | RESULT | HAS_A;
  ints[n + A] = s.refOf(as, ai);
  if (bs !== as || bi !== ai) ints[n + B] = s.refOf(bs, bi), ints[n + KIND] = kind | HAS_B;
  else s.nums[n + DA] += s.nums[n + DB], ints[n + KIND] = kind;
}

/** Entry `i`'s data. */
export function dataOf(s: Slab, i: number): number {
  return s.nums[(i << 2) + DATA];
}

/** Set entry `i`'s data. */
export function setData(s: Slab, i: number, x: number): void {
  s.nums[(i << 2) + DATA] = x;
}

/** Entry `i`'s grad. */
export function gradOf(s: Slab, i: number): number {
  return s.nums[(i << 2) + GRAD];
}

/** Set entry `i`'s grad. */
export function setGrad(s: Slab, i: number, x: number): void {
  s.nums[(i << 2) + GRAD] = x;
}

/** The name of the op that made entry `i` (`""` for a leaf). */
export function opOf(s: Slab, i: number): string {
  const code = s.ints[(i << 2) + KIND] >> OP;
  return code === IN_META ? s.meta!.get(i)!.op! : opNames[code];
}

/** Entry `i`'s `Meta`, if it has one. */
export function metaOf(s: Slab, i: number): Meta | undefined {
  return s.meta?.get(i);
}

/** Entry `i`'s `Meta`, made if it has none yet. */
function ownMeta(s: Slab, i: number): Meta {
  const meta = s.meta ??= new Map();
  let m = meta.get(i);
  if (m === undefined) meta.set(i, m = {});
  return m;
}

/** Label entry `i`. */
export function setLabel(s: Slab, i: number, label: string): void {
  ownMeta(s, i).label = label;
}

/**
 * Make entry `i` a learner's op: `op` on `children` (at `entries`, as `[slab, index]` pairs),
 * with `localGrads` if given (without them, it sends nothing back unless it has its own
 * `_backward`).
 */
export function recordOwn(
  s: Slab,
  i: number,
  op: string,
  children: readonly object[],
  entries: readonly (readonly [Slab, number])[],
  localGrads: readonly number[] | undefined,
): void {
  s.ints[(i << 2) + KIND] |= codeOf(op, s, i);
  if (children.length === 0) return;
  const m = ownMeta(s, i);
  m.children = children;
  m.kids = entries.map(([cs, ci]) => s.refOf(cs, ci));
  m.localGrads = localGrads;
  s.ints[(i << 2) + KIND] |= RESULT | OWN;
}

/**
 * Give entry `i` its own `_backward` (`undefined` to take it away), or with `fn` `true`, mark it
 * as having one on its class: backward then calls it.
 */
export function setOwnBackward(s: Slab, i: number, fn: (() => void) | true | undefined): void {
  if (fn !== true) ownMeta(s, i).backward = fn;
  const n = (i << 2) + KIND;
  s.ints[n] = fn === undefined ? s.ints[n] & ~CALL : s.ints[n] | CALL;
}

/** The objects for entry `i`'s operands, made by `handle` where none is kept. */
export function childrenOf<V>(s: Slab, i: number, handle: (s: Slab, i: number) => V): V[] {
  const kind = s.ints[(i << 2) + KIND];
  if (kind & OWN) return [...s.meta!.get(i)!.children!] as V[];
  const refs = kind & HAS_B
    ? [s.ints[(i << 2) + A], s.ints[(i << 2) + B]]
    : kind & HAS_A
    ? [s.ints[(i << 2) + A]]
    : [];
  return refs.map((ref) => handle(s.deps[ref >> SLAB_BITS], ref & INDEX));
}

/** Entry `i`'s local derivatives, one per child (none for a learner's op without them). */
export function localGradsOf(s: Slab, i: number): number[] {
  const n = i << 2;
  const kind = s.ints[n + KIND];
  if (kind & OWN) return [...s.meta!.get(i)!.localGrads ?? []];
  if (kind & HAS_B) return [s.nums[n + DA], s.nums[n + DB]];
  return kind & HAS_A ? [s.nums[n + DA]] : [];
}

/** The object kept for entry `i`, if any. */
export function handleOf(s: Slab, i: number): object | undefined {
  return s.handles?.[i];
}

/** Keep `v` as the object for entry `i`, unless one is kept already; returns the kept one. */
export function keepHandle<V extends object>(s: Slab, i: number, v: V): V {
  return ((s.handles ??= [])[i] ??= v) as V;
}

/**
 * Mark the entry at `ref` (from slab `s`) as reached by backward pass `pass`: the first time, a
 * result's grad starts at 0. Returns 1 if it was reached for the first time. Pass 0 is a
 * `_backward()` called by hand, outside any pass: it marks nothing.
 */
function reach(s: Slab, ref: number, pass: number): number {
  const c = ref > INDEX ? s.deps[ref >> SLAB_BITS] : s;
  const j = (ref & INDEX) << 2;
  if (c.ints[j + STAMP] === pass || pass === 0) return 0;
  c.ints[j + STAMP] = pass;
  if (c.ints[j + KIND] & RESULT) c.nums[j + GRAD] = 0;
  return 1;
}

/** The chain rule for one operand: its grad grows by d(entry)/d(operand) · d(output)/d(entry). */
function chain(s: Slab, ref: number, local: number, grad: number, pass: number): number {
  let nums = s.nums; // the operand's slab: most often this one
  let ints = s.ints;
  if (ref > INDEX) nums = s.deps[ref >> SLAB_BITS].nums, ints = s.deps[ref >> SLAB_BITS].ints;
  const j = (ref & INDEX) << 2;
  let first = 0;
  if (ints[j + STAMP] !== pass && pass !== 0) {
    ints[j + STAMP] = pass;
    if (ints[j + KIND] & RESULT) nums[j + GRAD] = 0;
    first = 1;
  }
  nums[j + GRAD] += local * grad;
  return first;
}

/**
 * Entry `i` sends its grad back to its operands by the chain rule (the engine's `_backward`).
 * Returns how many operands pass `pass` reached for the first time.
 */
export function sendBack(s: Slab, i: number, pass = 0): number {
  const n = i << 2;
  const kind = s.ints[n + KIND];
  const g = s.nums[n + GRAD];
  let first = 0;
  if (kind & HAS_A) first += chain(s, s.ints[n + A], s.nums[n + DA], g, pass);
  if (kind & HAS_B) first += chain(s, s.ints[n + B], s.nums[n + DB], g, pass);
  if (kind & OWN) {
    const { kids, localGrads } = s.meta!.get(i)!;
    kids!.forEach((ref, k) => {
      first += localGrads === undefined
        ? reach(s, ref, pass)
        : chain(s, ref, localGrads[k], g, pass);
    });
  }
  return first;
}

/** Entry `i`'s operands marked as reached by pass `pass`, before its own `_backward` runs. */
function reachAll(s: Slab, i: number, pass: number): number {
  const n = i << 2;
  const kind = s.ints[n + KIND];
  let first = 0;
  if (kind & HAS_A) first += reach(s, s.ints[n + A], pass);
  if (kind & HAS_B) first += reach(s, s.ints[n + B], pass);
  if (kind & OWN) { for (const ref of s.meta!.get(i)!.kids!) first += reach(s, ref, pass); }
  return first;
}

/**
 * Backpropagate from entry `i` of `s`: its grad becomes 1, and every entry it depends on, newest
 * first, sends its grad back; `call(s, i)` runs an entry's own `_backward` instead.
 */
export function backward(s: Slab, i: number, call: (s: Slab, i: number) => void): void {
  // The slabs to go through: this one and those its entries' operands are in, newest first.
  const pass = ++stamp;
  const todo = [s];
  s.pass = pass;
  for (let k = 0; k < todo.length; k++) {
    for (const d of todo[k].deps) if (d.pass !== pass) todo.push(d), d.pass = pass;
  }
  todo.sort((a, b) => b.seq - a.seq);
  s.ints[(i << 2) + STAMP] = pass; // reached: only reached entries send anything back
  s.nums[(i << 2) + GRAD] = 1;
  let reached = 1;
  for (const t of todo) reached += walk(t, t === s ? i : t.count - 1, pass, call);
  // Entries made from here on (the next training step's) take a new slab, unless the graph was
  // small: a slab is kept while any of its entries is in use, and with it all the others.
  if (reached > 128) slab = new Slab(++slabs);
}

/**
 * `backward`'s work in one slab, from entry `top` down. (A function of its own, so that V8
 * optimizes it whole rather than its loop alone.)
 */
function walk(s: Slab, top: number, pass: number, call: (s: Slab, i: number) => void): number {
  let reached = 0;
  const { nums, ints } = s;
  for (let i = top; i >= 0; i--) {
    const n = i << 2;
    if (ints[n + STAMP] !== pass) continue;
    const kind = ints[n + KIND];
    if ((kind & (CALL | OWN)) === 0) { // an engine op's entry (or a leaf)
      if (kind & HAS_A) {
        const g = nums[n + GRAD];
        reached += chain(s, ints[n + A], nums[n + DA], g, pass);
        if (kind & HAS_B) reached += chain(s, ints[n + B], nums[n + DB], g, pass);
      }
    } else if (kind & CALL) {
      reached += reachAll(s, i, pass);
      call(s, i);
    } else {
      reached += sendBack(s, i, pass);
    }
  }
  return reached;
}

/**
 * Every entry that entry `i` of `s` depends on, itself included, each after its operands, in the
 * order micrograd's recursive `build_topo` gives; `handle` gives their objects.
 */
export function sort<V>(s: Slab, i: number, handle: (s: Slab, i: number) => V): V[] {
  // Each sort stamps entries with two fresh numbers: `open` once their operands are pushed,
  // `done` once they are in the order.
  stamp += 2;
  const open = stamp - 1;
  const done = stamp;
  const order: V[] = [];
  // An explicit stack instead of recursion, so a graph a million operations deep is fine. An
  // entry's operands are pushed the first time it comes to the top (last first, so that the
  // first is visited first), and it joins the order when it comes to the top again.
  const slabStack: Slab[] = [s];
  const indexStack: number[] = [i];
  while (slabStack.length > 0) {
    const t = slabStack[slabStack.length - 1];
    const k = indexStack[indexStack.length - 1];
    const n = (k << 2) + STAMP;
    if (t.ints[n] === open) {
      t.ints[n] = done;
      order.push(handle(t, k));
    }
    if (t.ints[n] === done) {
      slabStack.pop();
      indexStack.pop();
      continue;
    }
    t.ints[n] = open;
    const kind = t.ints[(k << 2) + KIND];
    const refs = kind & OWN
      ? t.meta!.get(k)!.kids!
      : kind & HAS_B
      ? [t.ints[(k << 2) + A], t.ints[(k << 2) + B]]
      : kind & HAS_A
      ? [t.ints[(k << 2) + A]]
      : [];
    for (let r = refs.length - 1; r >= 0; r--) {
      const c = t.deps[refs[r] >> SLAB_BITS];
      const j = refs[r] & INDEX;
      if (c.ints[(j << 2) + STAMP] !== done) slabStack.push(c), indexStack.push(j);
    }
  }
  return order;
}

/** Where the values of each copy of `value.ts` are on the tape: see {@linkcode lend}. */
const finders: ((v: object) => readonly [Slab, number] | undefined)[] = [];

/**
 * Lend the tape a way to find where a value of this copy of `value.ts` is. A copy cannot read
 * another copy's private fields, but both share this module: {@linkcode locate} asks each copy.
 */
export function lend(find: (v: object) => readonly [Slab, number] | undefined): void {
  finders.push(find);
}

/** Where value `v` of any copy of `value.ts` is on the tape, if on this tape. */
export function locate(v: object): readonly [Slab, number] | undefined {
  for (const find of finders) {
    const at = find(v);
    if (at !== undefined) return at;
  }
  return undefined;
}

/** What {@linkcode weightedSum} needs from `value.ts`. */
export interface SumParts<V> {
  /** The slab of value `v`'s entry. */
  slabOf(v: V): Slab;
  /** The index of value `v`'s entry in its slab. */
  indexOf(v: V): number;
  /** Push `a·b` with its local derivatives (`mul`'s own): its index, or -1 if not finite. */
  product(a: number, b: number): number;
  /** Push `a + b` with its local derivatives (`add`'s own): its index, or -1 if not finite. */
  sum(a: number, b: number): number;
  /** The error for op `op` on `a` and `b`, whose result `result` is not finite. */
  error(op: string, result: number, a: number, b: number): Error;
}

/**
 * `b + w[0]·x[0] + w[1]·x[1] + ...` onto the tape, added left to right, entry for entry as the
 * ops make it (`w[0].mul(x[0])`, then `b.add(...)`, ...), but without an object for each value:
 * returns the index of the result's entry, in {@linkcode top}'s slab. A number of `x` becomes a
 * leaf. Each entry is pushed by `parts.product` or `parts.sum` with its local derivatives, so
 * those are written once, in `value.ts`; its operands are recorded here, as `record2` records an
 * op's. (Through `record2`, V8 would inline too little of it: it has a budget for how much code
 * it inlines into one function, and this ran 1.2 to 1.4 times as long.)
 */
export function weightedSum<V>(
  b: V | undefined,
  w: readonly V[],
  x: readonly (V | number)[],
  parts: SumParts<V>,
): number {
  let ss = slab; // the running sum's entry, once there is one
  let is = -1;
  if (b !== undefined) ss = parts.slabOf(b), is = parts.indexOf(b);
  for (let k = 0; k < w.length; k++) {
    const sw = parts.slabOf(w[k]);
    const iw = parts.indexOf(w[k]);
    const xk = x[k];
    let sx = slab;
    let ix: number;
    if (typeof xk === "number") ix = push(xk), sx = slab;
    else sx = parts.slabOf(xk), ix = parts.indexOf(xk);
    const wd = sw.nums[(iw << 2) + DATA];
    const xd = sx.nums[(ix << 2) + DATA];
    const ip = parts.product(wd, xd);
    if (ip < 0) throw parts.error("*", refused(), wd, xd);
    const sp = slab;
    let n = ip << 2;
    sp.ints[n + A] = sp.refOf(sw, iw);
    if (sx === sw && ix === iw) { // w·w: one operand, both derivatives
      sp.nums[n + DA] += sp.nums[n + DB];
      sp.ints[n + KIND] = TIMES | RESULT | HAS_A;
    } else {
      sp.ints[n + B] = sp.refOf(sx, ix);
      sp.ints[n + KIND] = TIMES | RESULT | HAS_A | HAS_B;
    }
    if (is < 0) { // the first product starts the sum
      ss = sp, is = ip;
      continue;
    }
    const sd = ss.nums[(is << 2) + DATA];
    const i = parts.sum(sd, sp.nums[n + DATA]);
    if (i < 0) throw parts.error("+", refused(), sd, sp.nums[n + DATA]);
    n = i << 2;
    slab.ints[n + A] = slab.refOf(ss, is);
    slab.ints[n + B] = slab.refOf(sp, ip);
    slab.ints[n + KIND] = PLUS | RESULT | HAS_A | HAS_B;
    ss = slab, is = i;
  }
  return is;
}
