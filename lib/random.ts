/**
 * Random numbers that match Python's: {@linkcode PyRandom} draws what CPython's `random`
 * module draws after the same seed, and {@linkcode RandomState} what NumPy's legacy
 * `np.random.RandomState` (and `np.random.seed`) draws. Both run on a Mersenne Twister
 * (MT19937), the generator both of them use.
 *
 * @example Seed like micrograd's demo and draw a weight
 * ```ts
 * import { random } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * random.seed(1337);
 * assertEquals(random.uniform(-1, 1), 0.23550571390294128); // Python: random.seed(1337); random.uniform(-1, 1)
 * ```
 *
 * @module
 */
import { describe } from "./_format.ts";
import { checkArray, checkCount, checkInteger, checkNumber, checkOptions } from "./_check.ts";

const N = 624;
const M = 397;
const TWO_32 = 4294967296;

/** The 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998), as CPython and NumPy run it. */
class MersenneTwister {
  #mt = new Uint32Array(N);
  #index = N;

  /** Fill the state from one 32-bit seed (the reference `init_genrand`). */
  initGenrand(seed: number): void {
    const mt = this.#mt;
    mt[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = Math.imul(1812433253, prev) + i;
    }
    this.#index = N;
  }

  /** Fill the state from an array of 32-bit words (the reference `init_by_array`). */
  initByArray(key: ArrayLike<number>): void {
    this.initGenrand(19650218);
    const mt = this.#mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j; // Uint32Array keeps it mod 2^32
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(prev, 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // the most significant bit is 1: the state is never all zeros
    this.#index = N;
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11; // tempering
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A float in [0, 1) with 53 random bits: `(a >> 5, b >> 6)` → `(a·2^26 + b) / 2^53`. */
  double(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Seed from the operating system's entropy, as both libraries do without a seed. */
  seedFromEntropy(): void {
    this.initByArray(crypto.getRandomValues(new Uint32Array(N)));
  }
}

/** The number of bits of a non-negative safe integer (Python's `int.bit_length()`). */
function bitLength(n: number): number {
  let k = 0;
  for (; n >= 1; n = Math.floor(n / 2)) k++;
  return k;
}

/** The keys {@linkcode PyRandom.choices} takes. */
const CHOICES_OPTIONS = ["weights", "cumWeights", "k"];

/** Python's `bisect_right(a, x, 0, hi)`: the first index below `hi` whose `a[i] > x`, else `hi`. */
function bisectRight(a: readonly number[], x: number, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Options for {@linkcode PyRandom.choices}, Python's `weights`, `cum_weights` and `k`. */
export interface ChoicesOptions {
  /** One weight per element (non-negative, finite, not all 0); default: all equal. */
  weights?: readonly number[];
  /** Running totals of the weights, as Python's `cum_weights`; not with `weights`. */
  cumWeights?: readonly number[];
  /** How many elements to draw (default 1). */
  k?: number;
}

/**
 * CPython's `random.Random`: the same seed gives the same numbers as Python, bit for bit
 * (`random`, `uniform`, `getrandbits`, `randint`, `choice`, `choices`, `shuffle`), and `gauss`
 * to within the last bit (see {@linkcode PyRandom.gauss}).
 *
 * Seeding follows CPython's `seed(int)`: the absolute value, split into 32-bit words least
 * significant first (`[0]` for 0), goes through `init_by_array`. Without a seed the
 * generator is seeded from `crypto.getRandomValues`.
 *
 * @example Reproduce Python's `random.seed(42); random.random()`
 * ```ts
 * import { PyRandom } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const rng = new PyRandom(42);
 * assertEquals(rng.random(), 0.6394267984578837); // Python: random.seed(42); random.random()
 * ```
 */
export class PyRandom {
  #mt = new MersenneTwister();
  #gaussNext: number | null = null;

  /**
   * Make a generator, seeded like `random.Random(seed)`.
   *
   * @param seed An integer (any size as a `bigint`); omitted: seeded from OS entropy.
   * @throws {TypeError} If `seed` is neither a number nor a bigint.
   * @throws {RangeError} If `seed` is a number that is not an integer.
   */
  constructor(seed?: number | bigint) {
    this.seed(seed);
  }

  /**
   * Re-seed, as Python's `random.seed(n)` does (it also forgets the cached `gauss` value).
   *
   * @param n An integer; negative seeds use their absolute value; omitted: OS entropy.
   * @throws {TypeError} If `n` is neither a number nor a bigint.
   * @throws {RangeError} If `n` is a number that is not an integer.
   * @example Negative seeds equal positive ones, as in CPython
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const a = new PyRandom();
   * a.seed(-7);
   * assertEquals(a.random(), new PyRandom(7).random());
   * ```
   */
  seed(n?: number | bigint): void {
    if (n === undefined) {
      this.#mt.seedFromEntropy();
      this.#gaussNext = null;
      return;
    }
    if (typeof n !== "number" && typeof n !== "bigint") {
      throw new TypeError(`Cannot seed PyRandom: seed must be an integer, got ${describe(n)}`);
    }
    if (typeof n === "number" && !Number.isInteger(n)) {
      throw new RangeError(`Cannot seed PyRandom: seed must be an integer, got ${describe(n)}`);
    }
    let rest = BigInt(n);
    if (rest < 0n) rest = -rest;
    const key: number[] = [];
    do {
      key.push(Number(rest & 0xffffffffn));
      rest >>= 32n;
    } while (rest > 0n);
    this.#mt.initByArray(key);
    this.#gaussNext = null;
  }

  /**
   * A float in [0, 1) with 53 random bits, as `random.random()`.
   *
   * @returns The next float.
   * @example A float in [0, 1)
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assert } from "@std/assert";
   *
   * const x = new PyRandom(1).random();
   * assert(x >= 0 && x < 1);
   * ```
   */
  random(): number {
    return this.#mt.double();
  }

  /**
   * A float between `a` and `b`: `a + (b - a) * random()`, as `random.uniform(a, b)`.
   *
   * @param a One end.
   * @param b The other end.
   * @returns The next float.
   * @throws {TypeError} If `a` or `b` is not a number.
   * @example micrograd's weight initialisation
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const rng = new PyRandom(1337);
   * assertEquals(rng.uniform(-1, 1), 0.23550571390294128); // Python: random.seed(1337); random.uniform(-1, 1)
   * ```
   */
  uniform(a: number, b: number): number {
    checkNumber(a, "draw uniform", "a");
    checkNumber(b, "draw uniform", "b");
    return a + (b - a) * this.random();
  }

  /**
   * A normal draw, as `random.gauss(mu, sigma)`: Box–Muller on two `random()` draws makes
   * two values; one is returned and the other kept for the next call.
   *
   * The same steps on the same draws as CPython, so the results agree bit for bit as far as
   * `Math.log`, `Math.cos` and `Math.sin` round as the C library under Python does. They do not
   * always: against glibc 2.36 (x86-64) about 1 draw in 700 ends 1 ulp apart (CPython itself
   * gives other last bits with another C library).
   *
   * @param mu The mean (default 0).
   * @param sigma The standard deviation (default 1).
   * @returns The next normal draw.
   * @throws {TypeError} If `mu` or `sigma` is not a number.
   * @example The first draw after seed(1337)
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const rng = new PyRandom(1337);
   * assertEquals(rng.gauss(0, 1), -0.9117532932976627); // Python: random.seed(1337); random.gauss(0, 1)
   * ```
   */
  gauss(mu = 0, sigma = 1): number {
    checkNumber(mu, "draw gauss", "mu");
    checkNumber(sigma, "draw gauss", "sigma");
    let z = this.#gaussNext;
    this.#gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * 2 * Math.PI;
      const g2rad = Math.sqrt(-2 * Math.log(1 - this.random()));
      z = Math.cos(x2pi) * g2rad;
      this.#gaussNext = Math.sin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  /**
   * An integer with `k` random bits, as `random.getrandbits(k)` (limited to 53 bits here so
   * the result is an exact number).
   *
   * @param k The number of bits, 0 to 53.
   * @returns An integer in [0, 2^k).
   * @throws {TypeError} If `k` is not a number.
   * @throws {RangeError} If `k` is not an integer from 0 to 53.
   * @example Three random bits
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertLess } from "@std/assert";
   *
   * assertLess(new PyRandom(5).getrandbits(3), 8);
   * ```
   */
  getrandbits(k: number): number {
    checkInteger(k, "get random bits", "k");
    if (k < 0 || k > 53) {
      throw new RangeError(`Cannot get random bits: k must be from 0 to 53, got ${k}`);
    }
    return this.#bits(k);
  }

  #bits(k: number): number {
    if (k === 0) return 0;
    if (k <= 32) return this.#mt.uint32() >>> (32 - k);
    const low = this.#mt.uint32(); // CPython fills the words least significant first
    return (this.#mt.uint32() >>> (64 - k)) * TWO_32 + low;
  }

  /** CPython's `_randbelow(n)` for n ≥ 1: draw `n.bit_length()` bits until below `n`. */
  #below(n: number): number {
    const k = bitLength(n);
    let r = this.#bits(k);
    while (r >= n) r = this.#bits(k);
    return r;
  }

  /**
   * An integer from `a` to `b`, both included, as `random.randint(a, b)`.
   *
   * @param a The smallest value.
   * @param b The largest value.
   * @returns The next integer.
   * @throws {TypeError} If `a` or `b` is not a number.
   * @throws {RangeError} If either is not a safe integer, `b < a`, or the range is wider than 2^53.
   * @example Roll dice like Python
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const rng = new PyRandom(1337);
   * assertEquals([1, 2, 3].map(() => rng.randint(1, 6)), [5, 5, 6]); // Python: [random.randint(1, 6) for _ in range(3)]
   * ```
   */
  randint(a: number, b: number): number {
    checkInteger(a, "draw randint", "a");
    checkInteger(b, "draw randint", "b");
    const width = b - a + 1;
    if (!(width >= 1) || width > 2 ** 53) {
      throw new RangeError(`Cannot draw randint: the range ${a}..${b} is empty or too wide`);
    }
    return a + this.#below(width);
  }

  /**
   * A random element, as `random.choice(seq)`.
   *
   * @param seq A non-empty array.
   * @returns One of its elements.
   * @throws {TypeError} If `seq` is not an array.
   * @throws {RangeError} If `seq` is empty.
   * @example Pick a letter
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assert } from "@std/assert";
   *
   * assert(["a", "b", "c"].includes(new PyRandom(3).choice(["a", "b", "c"])));
   * ```
   */
  choice<T>(seq: readonly T[]): T {
    checkArray(seq, "choose");
    if (seq.length === 0) {
      throw new RangeError("Cannot choose: the array is empty, got an array of length 0");
    }
    return seq[this.#below(seq.length)];
  }

  /**
   * Shuffle an array in place, as `random.shuffle(x)` (Fisher–Yates from the end).
   *
   * @param x The array to shuffle.
   * @throws {TypeError} If `x` is not an array.
   * @example Shuffle keeps the elements
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const x = [0, 1, 2, 3, 4];
   * new PyRandom(1337).shuffle(x);
   * assertEquals(x.toSorted(), [0, 1, 2, 3, 4]);
   * ```
   */
  shuffle(x: unknown[]): void {
    checkArray(x, "shuffle");
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.#below(i + 1);
      [x[i], x[j]] = [x[j], x[i]];
    }
  }

  /**
   * `k` elements drawn with replacement, as `random.choices(population, weights, k=k)` in
   * CPython 3.11. Without weights each draw is `population[floor(random() * n)]`; with
   * `weights` they are summed in order into cumulative weights (`itertools.accumulate`), and
   * each draw takes the first element whose cumulative weight exceeds `random() * total`
   * (`bisect_right`), so the same seed picks the same elements as Python.
   *
   * Stricter than Python in one way: a weight that is negative or not finite is refused
   * instead of skewing the draws.
   *
   * @param population The elements to draw from.
   * @param options `weights` (one per element, default all equal), or `cumWeights` (already
   * summed, as Python's `cum_weights`), and `k`, how many to draw (default 1).
   * @returns An array of `k` elements.
   * @throws {TypeError} If `population` is not an array, `options` is not an object or has an
   * unknown key, a weight or `k` is not a number, or both `weights` and `cumWeights` are given.
   * @throws {RangeError} If `population` is empty (and `k > 0`), the weights are not one per
   * element, a weight is negative or not finite, the weights sum to 0, cumulative weights go
   * down, or `k` is not a non-negative integer.
   * @example microgpt's sampling step
   * ```ts
   * import { PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const rng = new PyRandom(42);
   * const picks = rng.choices(["a", "b", "c"], { weights: [0.1, 0.6, 0.3], k: 5 });
   * // Python: random.seed(42); random.choices("abc", weights=[0.1, 0.6, 0.3], k=5)
   * assertEquals(picks, ["b", "a", "b", "b", "c"]);
   * ```
   */
  choices<T>(population: readonly T[], options: ChoicesOptions = {}): T[] {
    const action = "draw choices";
    checkArray(population, action);
    checkOptions(options, CHOICES_OPTIONS, action, {
      cum_weights: "Python's cum_weights is cumWeights",
    });
    const { weights, cumWeights, k = 1 } = options;
    checkInteger(k, action, "k");
    if (k < 0) throw new RangeError(`Cannot ${action}: k must be non-negative, got ${k}`);
    const n = population.length;
    if (n === 0 && k > 0) {
      throw new RangeError(`Cannot ${action}: the population is empty, got an array of length 0`);
    }
    if (weights !== undefined && cumWeights !== undefined) {
      throw new TypeError(`Cannot ${action}: give weights or cumWeights, not both`);
    }
    if (weights === undefined && cumWeights === undefined) {
      return Array.from({ length: k }, () => population[Math.floor(this.random() * n)]);
    }
    const name = weights !== undefined ? "weights" : "cumWeights";
    const given = checkArray(weights ?? cumWeights, action) as unknown[];
    if (given.length !== n) {
      throw new RangeError(
        `Cannot ${action}: ${name} must have one number per element (${n}), got ${given.length}`,
      );
    }
    const cum: number[] = [];
    let total = 0;
    given.forEach((x, i) => {
      const w = checkNumber(x, action, `${name}[${i}]`);
      if (!Number.isFinite(w)) {
        throw new RangeError(`Cannot ${action}: ${name}[${i}] must be finite, got ${w}`);
      }
      if (weights !== undefined ? w < 0 : w < total) {
        const rule = weights !== undefined
          ? "be non-negative"
          : "be non-negative and never go down";
        throw new RangeError(`Cannot ${action}: ${name} must ${rule}, got ${w} at index ${i}`);
      }
      const c = weights !== undefined ? total + w : w; // itertools.accumulate
      cum.push(c);
      total = c;
    });
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new RangeError(
        `Cannot ${action}: the weights must sum to a positive finite number, got ${total}`,
      );
    }
    return Array.from(
      { length: k },
      () => population[bisectRight(cum, this.random() * total, n - 1)],
    );
  }
}

/**
 * A shared {@linkcode PyRandom}, like Python's `random` module: seeded from OS entropy until
 * you call `random.seed(n)`.
 *
 * @example Re-seeding repeats the draws
 * ```ts
 * import { random } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * random.seed(1337);
 * const first = random.random();
 * random.seed(1337);
 * assertEquals(random.random(), first);
 * ```
 */
export const random: PyRandom = new PyRandom();

/** The `size` NumPy's draws take: a count (a flat array) or `[rows, cols]` (an array of rows). */
export type Size = number | readonly [number, number];

/** Options for {@linkcode RandomState.normal} and {@linkcode RandomState.randint}. */
export interface SizeOptions {
  /** How many values: a count, or `[rows, cols]` for rows filled in row-major order. */
  size?: Size;
}

/**
 * NumPy's legacy `np.random.RandomState` (what `np.random.seed(n)` sets up): the same seed
 * gives the same `random_sample`, `randint`, `shuffle` and `normal` draws as NumPy, bit for bit.
 *
 * An integer seed from 0 to 2^32 - 1 goes through `init_genrand`; an array of such integers
 * through `init_by_array`; no seed means OS entropy.
 *
 * @example Reproduce `np.random.seed(1337); np.random.random_sample()`
 * ```ts
 * import { RandomState } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(new RandomState(1337).randomSample(), 0.2620246750155817);
 * ```
 */
export class RandomState {
  #mt = new MersenneTwister();
  #gauss: number | null = null;

  /**
   * Make a generator, seeded like `np.random.RandomState(seed)`.
   *
   * @param seed An integer in [0, 2^32), or a non-empty array of them; omitted: OS entropy.
   * @throws {TypeError} If `seed` is not a number or an array of numbers.
   * @throws {RangeError} If a seed number is not an integer in [0, 2^32), or the array is empty.
   */
  constructor(seed?: number | readonly number[]) {
    this.seed(seed);
  }

  /**
   * Re-seed, as `np.random.seed(seed)` does (it also drops the cached normal draw).
   *
   * @param seed An integer in [0, 2^32), or a non-empty array of them; omitted: OS entropy.
   * @throws {TypeError} If `seed` is not a number or an array of numbers.
   * @throws {RangeError} If a seed number is not an integer in [0, 2^32), or the array is empty.
   * @example Re-seeding repeats the draws
   * ```ts
   * import { RandomState } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const rs = new RandomState(1);
   * const first = rs.randomSample();
   * rs.seed(1);
   * assertEquals(rs.randomSample(), first);
   * ```
   */
  seed(seed?: number | readonly number[]): void {
    if (seed === undefined) {
      this.#mt.seedFromEntropy();
    } else if (Array.isArray(seed)) {
      if (seed.length === 0) {
        throw new RangeError("Cannot seed RandomState: the seed array is empty");
      }
      seed.forEach((s) => checkSeedWord(s));
      this.#mt.initByArray(seed);
    } else {
      this.#mt.initGenrand(checkSeedWord(seed));
    }
    this.#gauss = null;
  }

  /**
   * Floats in [0, 1) with 53 random bits, as `random_sample(size)`.
   *
   * @param size How many; omitted: one number.
   * @returns One float, or an array of `size` floats.
   * @throws {TypeError} If `size` is not a number.
   * @throws {RangeError} If `size` is not a non-negative integer.
   * @example Two floats at once
   * ```ts
   * import { RandomState } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new RandomState(1337).randomSample(2).length, 2);
   * ```
   */
  randomSample(): number;
  /** `size` floats in [0, 1), as an array. */
  randomSample(size: number): number[];
  randomSample(size?: number): number | number[] {
    if (size === undefined) return this.#mt.double();
    const n = checkCount(size, "draw randomSample", "size");
    return Array.from({ length: n }, () => this.#mt.double());
  }

  /**
   * Integers in [low, high), as legacy `randint(low, high, size)`: masked rejection sampling
   * (draw 32-bit words, or 64-bit ones for ranges over 2^32, keep the bits under the smallest
   * all-ones mask that covers the range, retry until inside).
   *
   * @param low The smallest value, or with `high` omitted the exclusive upper end (from 0).
   * @param high The exclusive upper end.
   * @param options `size`: how many (omitted: one number).
   * @returns One integer, or an array (of rows, for `[rows, cols]`).
   * @throws {TypeError} If a bound or `size` is not a number.
   * @throws {RangeError} If a bound is not a safe integer, `high <= low`, or `size` is not a count.
   * @example Draw five digits like NumPy
   * ```ts
   * import { RandomState } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new RandomState(1337).randint(0, 10, { size: 5 }), [7, 8, 7, 9, 7]); // NumPy: np.random.seed(1337); np.random.randint(0, 10, 5)
   * ```
   */
  randint(low: number, high?: number): number;
  /** `options.size` integers in [low, high), as an array. */
  randint(low: number, high: number | undefined, options: { size: number }): number[];
  /** A `[rows, cols]` grid of integers in [low, high), filled row by row. */
  randint(
    low: number,
    high: number | undefined,
    options: { size: readonly [number, number] },
  ): number[][];
  randint(low: number, high?: number, options: SizeOptions = {}): number | number[] | number[][] {
    checkInteger(low, "draw randint", "low");
    if (high === undefined) [low, high] = [0, low];
    else checkInteger(high, "draw randint", "high");
    if (!(high > low) || high - low > 2 ** 53) {
      throw new RangeError(`Cannot draw randint: the range [${low}, ${high}) is empty or too wide`);
    }
    const max = high - low - 1;
    const shape = checkSize(options, "draw randint");
    return fill(shape, () => low + this.#interval(max));
  }

  /**
   * Shuffle an array in place, as legacy `RandomState.shuffle` does for a 1-D array or list:
   * for i from n - 1 down to 1, swap item i with item j drawn from 0..i (masked rejection).
   *
   * @param x The array to shuffle.
   * @throws {TypeError} If `x` is not an array.
   * @example Shuffle like np.random.shuffle
   * ```ts
   * import { RandomState } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
   * new RandomState(1337).shuffle(x);
   * assertEquals(x, [6, 3, 0, 4, 5, 2, 1, 9, 8, 7]); // NumPy: np.random.seed(1337); a = np.arange(10); np.random.shuffle(a)
   * ```
   */
  shuffle(x: unknown[]): void {
    checkArray(x, "shuffle");
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.#interval(i);
      [x[i], x[j]] = [x[j], x[i]];
    }
  }

  /**
   * Normal draws, as legacy `normal(loc, scale, size)`: `loc + scale · g`, where `g` comes from
   * the polar Box–Muller method (two uniforms in the unit disc make two values; one is cached).
   *
   * @param loc The mean (default 0).
   * @param scale The standard deviation (default 1).
   * @param options `size`: how many (omitted: one number); `[rows, cols]` fills row by row.
   * @returns One float, or an array (of rows, for `[rows, cols]`).
   * @throws {TypeError} If `loc`, `scale` or `size` is not a number.
   * @throws {RangeError} If `loc` or `scale` is not finite, `scale` is negative, or `size` is not a count.
   * @example One standard normal draw like NumPy
   * ```ts
   * import { RandomState } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new RandomState(1337).normal(0, 1), -0.7031873098624105); // NumPy: np.random.seed(1337); np.random.normal()
   * ```
   */
  normal(loc?: number, scale?: number): number;
  /** `options.size` normal draws, as an array. */
  normal(loc: number, scale: number, options: { size: number }): number[];
  /** A `[rows, cols]` grid of normal draws, filled row by row. */
  normal(loc: number, scale: number, options: { size: readonly [number, number] }): number[][];
  normal(loc = 0, scale = 1, options: SizeOptions = {}): number | number[] | number[][] {
    checkNumber(loc, "draw normal", "loc");
    checkNumber(scale, "draw normal", "scale");
    if (!Number.isFinite(loc) || !Number.isFinite(scale) || scale < 0) {
      throw new RangeError(
        `Cannot draw normal: loc must be finite and scale finite and non-negative, got loc ${
          describe(loc)
        } and scale ${describe(scale)}`,
      );
    }
    const shape = checkSize(options, "draw normal");
    return fill(shape, () => loc + scale * this.#standardNormal());
  }

  /** NumPy's `legacy_gauss`: the polar method, caching the second value. */
  #standardNormal(): number {
    if (this.#gauss !== null) {
      const cached = this.#gauss;
      this.#gauss = null;
      return cached;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.#mt.double() - 1;
      x2 = 2 * this.#mt.double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.#gauss = f * x1;
    return f * x2;
  }

  /** NumPy's `random_interval(max)`: an integer in [0, max] by masked rejection sampling. */
  #interval(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = 2 ** bitLength(max) - 1;
      let v: number;
      do v = (this.#mt.uint32() & mask) >>> 0; while (v > max);
      return v;
    }
    const maskHigh = 2 ** bitLength(Math.floor(max / TWO_32)) - 1;
    let v: number;
    do {
      const high = (this.#mt.uint32() & maskHigh) >>> 0; // a 64-bit draw: the first word is high
      v = high * TWO_32 + this.#mt.uint32();
    } while (v > max);
    return v;
  }
}

function checkSeedWord(s: unknown): number {
  checkNumber(s, "seed RandomState", "seed");
  if (!Number.isInteger(s) || (s as number) < 0 || (s as number) > 0xffffffff) {
    throw new RangeError(
      `Cannot seed RandomState: seed must be an integer from 0 to 2**32 - 1, got ${describe(s)}`,
    );
  }
  return s as number;
}

/** Validate `options.size` up front, so a bad size throws before any draw. */
function checkSize(options: SizeOptions, action: string): number[] | null {
  const { size } = checkOptions(options, ["size"], action);
  if (size === undefined) return null;
  if (Array.isArray(size)) {
    if (size.length !== 2) {
      throw new RangeError(
        `Cannot ${action}: size must be a count or [rows, cols], got ${describe(size)}`,
      );
    }
    return size.map((n) => checkCount(n, action, "size"));
  }
  return [checkCount(size, action, "size")];
}

/** Draw `shape` values in row-major order: one number, a flat array, or an array of rows. */
function fill(shape: number[] | null, draw: () => number): number | number[] | number[][] {
  if (shape === null) return draw();
  const [rows, cols] = shape;
  if (cols === undefined) return Array.from({ length: rows }, draw);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, draw));
}
