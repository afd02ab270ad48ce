/**
 * Toy data sets from scikit-learn, drawn number for number as scikit-learn draws them.
 *
 * @module
 */
import { getHeapStatistics } from "node:v8";
import { describe } from "./_format.ts";
import { checkBoolean, checkCount, checkNumber, checkOptions } from "./_check.ts";
import { RandomState } from "./random.ts";

/** Options for {@linkcode makeMoons}. */
export interface MakeMoonsOptions {
  /** Standard deviation of the Gaussian noise added to each coordinate (default: no noise). */
  noise?: number;
  /**
   * Where the randomness comes from: a {@linkcode RandomState} (drawn from, so its state
   * advances), or an integer seed for a new one, like scikit-learn's `random_state`. Omitted: a
   * new generator seeded from OS entropy, so the result differs each time.
   */
  rng?: RandomState | number;
  /** Whether to shuffle the points (default `true`). */
  shuffle?: boolean;
}

/** Points and their labels, as {@linkcode makeMoons} returns them. */
export interface Dataset {
  /** One `[x, y]` row per point. */
  X: number[][];
  /** One label per point: 0 for the outer moon, 1 for the inner one. */
  y: number[];
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons(n_samples, noise=...,
 * random_state=...)`: the same generator state gives the same points and labels, bit for bit.
 *
 * The outer moon is `(cos t, sin t)` and the inner one `(1 - cos t, 1 - sin t - 0.5)` for `t`
 * evenly spaced over [0, π] (NumPy's `linspace`); `n // 2` points go to the outer one. Then,
 * as scikit-learn does: the rows are shuffled with `rng.shuffle` on the indices 0..n-1, and
 * `rng.normal(0, noise, { size: [n, 2] })` is added, row by row.
 *
 * To reproduce Python's `np.random.seed(1337); make_moons(n_samples=100, noise=0.1)`, pass
 * `rng: new RandomState(1337)` (or `rng: 1337`). The cosines and sines come from `Math.cos` and
 * `Math.sin`, which agree with the C library's (NumPy's results without AVX-512) to the last bit
 * nearly always; NumPy's AVX-512 kernels differ from both by a few ulps.
 *
 * @param n The number of points, or `[outer, inner]` counts (default 100).
 * @param options `noise`, `rng`, `shuffle`.
 * @returns `{ X, y }`: `n` rows `[x, y]` and `n` labels (0 or 1).
 * @throws {TypeError} If `n`, an option, or `rng` has the wrong type, or an option's name is
 * unknown (`random_state`, say: it is `rng` here).
 * @throws {RangeError} If a count is not a non-negative safe integer, the points would not fit
 * in the JavaScript heap (about 300 bytes each: some 14 million in Deno's default 4.4 GB heap),
 * or `noise` is negative or not finite.
 * @example micrograd's data set
 * ```ts
 * import { makeMoons, RandomState } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const { X, y } = makeMoons(100, { noise: 0.1, rng: new RandomState(1337) });
 * // Python: np.random.seed(1337); X, y = make_moons(n_samples=100, noise=0.1); X[1], y[1]
 * assertEquals(X[1], [-0.8188294130836691, 0.058790063907949996]);
 * assertEquals(y[1], 0);
 * ```
 */
export function makeMoons(
  n: number | readonly [number, number] = 100,
  options: MakeMoonsOptions = {},
): Dataset {
  const [nOut, nIn] = splitCount(n);
  const given = checkOptions(options, ["noise", "rng", "shuffle"], ACTION, {
    random_state: "scikit-learn's random_state is rng here",
    n_samples: "the number of points is makeMoons' first argument",
  });
  const { rng, shuffle = true } = given;
  const noise = given.noise === undefined ? undefined : checkNumber(given.noise, ACTION, "noise");
  if (noise !== undefined && (!(noise >= 0) || noise === Infinity)) {
    throw new RangeError(
      `Cannot make moons: noise must be finite and non-negative, got ${describe(noise)}`,
    );
  }
  checkBoolean(shuffle, ACTION, "shuffle");
  const generator = toRandomState(rng);

  const outer = linspace(0, Math.PI, nOut);
  const inner = linspace(0, Math.PI, nIn);
  let X = [
    ...outer.map((t) => [Math.cos(t), Math.sin(t)]),
    ...inner.map((t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5]),
  ];
  let y = [...outer.map(() => 0), ...inner.map(() => 1)];
  if (shuffle) {
    // scikit-learn's utils.shuffle: resample(replace=False) shuffles an index array
    const order = X.map((_, i) => i);
    generator.shuffle(order);
    X = order.map((i) => X[i]);
    y = order.map((i) => y[i]);
  }
  if (noise !== undefined) {
    const eps = generator.normal(0, noise, { size: [X.length, 2] });
    X = X.map(([a, b], i) => [a + eps[i][0], b + eps[i][1]]);
  }
  return { X, y };
}

/**
 * NumPy's `linspace(start, stop, num)`: `start + i · step` with `step = (stop - start) / (num - 1)`,
 * and the last point set to `stop` exactly.
 */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => num > 1 ? i * step + start : start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

const ACTION = "make moons";
/**
 * The JavaScript heap a point costs while `makeMoons` runs, in bytes: its `[x, y]` row, label,
 * shuffled copies and noise. Measured: 1,000,000 points with noise need a heap of 200 to 250 MB
 * (`--v8-flags=--max-old-space-size`), and leave 236 bytes a point in use.
 */
const BYTES_PER_POINT = 300;

/** `n // 2` outer and the rest inner, or the `[outer, inner]` counts given. */
function splitCount(n: unknown): [number, number] {
  let counts: [number, number];
  if (!Array.isArray(n)) {
    const total = checkCount(n, ACTION, "n");
    counts = [Math.floor(total / 2), total - Math.floor(total / 2)];
  } else if (n.length !== 2) {
    throw new RangeError(
      `Cannot make moons: n must be a count or [outer, inner], got ${describe(n)}`,
    );
  } else {
    counts = [checkCount(n[0], ACTION, "n[0]"), checkCount(n[1], ACTION, "n[1]")];
  }
  // refuse at once what cannot fit, rather than fill the heap for a minute and crash
  const { heap_size_limit, used_heap_size } = getHeapStatistics();
  const most = Math.floor((heap_size_limit - used_heap_size) / BYTES_PER_POINT);
  const total = counts[0] + counts[1];
  if (total > most) {
    throw new RangeError(
      `Cannot make moons: ${total} points need about ${gigabytes(total * BYTES_PER_POINT)} ` +
        `of memory, and the JavaScript heap has room for about ${most} ` +
        `(${gigabytes(heap_size_limit - used_heap_size)} free), got ${describe(n)}`,
    );
  }
  return counts;
}

/** Bytes in GB, to one decimal. */
function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

function toRandomState(rng: unknown): RandomState {
  if (rng === undefined) return new RandomState();
  if (rng instanceof RandomState) return rng;
  if (typeof rng === "number") return new RandomState(rng);
  throw new TypeError(
    `Cannot make moons: rng must be a RandomState or a seed, got ${describe(rng)}`,
  );
}
