/**
 * Checking backpropagation against finite differences: {@linkcode gradCheck}.
 *
 * @module
 */
import { describe } from "./_format.ts";
import { checkFinite, checkOptions, checkPositive } from "./_check.ts";
import { isValue, Value } from "./value.ts";

/**
 * Options for {@linkcode gradCheck}. Any other key is a `TypeError`.
 *
 * @example A larger step shows the central difference's h² error
 * ```ts
 * import { gradCheck, type GradCheckOptions } from "../mod.ts";
 * import { assertAlmostEquals } from "@std/assert";
 *
 * const options: GradCheckOptions = { h: 0.1 };
 * const { numeric } = gradCheck(([x]) => x.pow(3), [1], options);
 * assertAlmostEquals(numeric[0], 3.01, 1e-12); // 3x² + h²
 * ```
 */
export interface GradCheckOptions {
  /** The step of the central differences (default `1e-6`). */
  h?: number;
  /**
   * The smallest denominator of a relative error (default `1e-3`): gradients smaller than
   * this are compared by their absolute difference, so that two near-zero gradients that
   * differ only by rounding do not count as far apart.
   */
  floor?: number;
}

/**
 * What {@linkcode gradCheck} found.
 *
 * @example
 * ```ts
 * import { gradCheck, type GradCheckResult } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const result: GradCheckResult = gradCheck(([x, y]) => x.mul(y), [3, 4]);
 * assertEquals(result.analytic, [4, 3]);
 * ```
 */
export interface GradCheckResult {
  /** d(f)/d(input i) from `backward()`. */
  analytic: number[];
  /** d(f)/d(input i) from the central difference `(f(x + h) - f(x - h)) / 2h`. */
  numeric: number[];
  /** The largest `|analytic - numeric| / max(|analytic|, |numeric|, floor)` over the inputs. */
  maxRelativeError: number;
}

/**
 * Compare the gradients `backward()` finds with numerical ones, as the lecture does by nudging
 * each input by `h`: the way to test an op's `_backward`.
 *
 * `f` gets one new leaf `Value` per input and returns a scalar `Value`. It is called once for
 * `backward()` and twice per input for the central differences, so it must build its graph
 * afresh from its arguments each time (and not keep state between calls).
 *
 * @param f The function to check, from input values to one output value.
 * @param inputs The point to check at: finite numbers, at least one.
 * @param options `h` (default `1e-6`) and `floor` (default `1e-3`).
 * @returns The analytic and numeric gradients and the worst relative error between them.
 * @throws {TypeError} If `f` is not a function or does not return a `Value`, `inputs` is not an
 * array of numbers, or an option is not a number.
 * @throws {RangeError} If `inputs` is empty or has a number that is not finite, or `h` or
 * `floor` is not positive and finite. Errors `f` throws (such as a `log` of a negative number
 * at `x - h`) pass through.
 * @example Check x·y + tanh(x)
 * ```ts
 * import { gradCheck } from "../mod.ts";
 * import { assertLess } from "@std/assert";
 *
 * const { maxRelativeError } = gradCheck(([x, y]) => x.mul(y).add(x.tanh()), [0.5, -2]);
 * assertLess(maxRelativeError, 1e-6);
 * ```
 */
export function gradCheck(
  f: (inputs: Value[]) => Value,
  inputs: readonly number[],
  options: GradCheckOptions = {},
): GradCheckResult {
  if (typeof f !== "function") {
    throw new TypeError(`Cannot check gradients: f must be a function, got ${describe(f)}`);
  }
  checkInputs(inputs);
  const given = checkOptions(options, ["h", "floor"], ACTION);
  const h = given.h === undefined ? 1e-6 : checkPositive(given.h, ACTION, "h");
  const floor = given.floor === undefined ? 1e-3 : checkPositive(given.floor, ACTION, "floor");

  const run = (xs: readonly number[]) => {
    const leaves = xs.map((x, i) => new Value(x, { label: `x${i}` }));
    const out = f(leaves);
    if (!isValue(out)) {
      throw new TypeError(`Cannot check gradients: f must return a Value, got ${describe(out)}`);
    }
    return { leaves, out };
  };

  const { leaves, out } = run(inputs);
  out.backward();
  const analytic = leaves.map((v) => v.grad);
  const numeric = inputs.map((x, i) => {
    const up = run(inputs.with(i, x + h)).out.data;
    const down = run(inputs.with(i, x - h)).out.data;
    return (up - down) / (2 * h);
  });

  let maxRelativeError = 0;
  analytic.forEach((a, i) => {
    const n = numeric[i];
    const error = a === n ? 0 : Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
    // An infinite gradient on one side makes the error NaN: count it as the worst
    maxRelativeError = Math.max(maxRelativeError, Number.isNaN(error) ? Infinity : error);
  });
  return { analytic, numeric, maxRelativeError };
}

function checkInputs(inputs: readonly number[]): void {
  if (!Array.isArray(inputs)) {
    throw new TypeError(
      `Cannot check gradients: inputs must be an array of numbers, got ${describe(inputs)}`,
    );
  }
  if (inputs.length === 0) {
    throw new RangeError("Cannot check gradients: inputs must have at least one number, got []");
  }
  inputs.forEach((x: unknown, i) => checkFinite(x, ACTION, `inputs[${i}]`));
}

const ACTION = "check gradients";
