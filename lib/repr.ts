/**
 * Numbers printed as Python prints them, so a notebook's output reads as the lecture's does.
 *
 * @module
 */
import { describe, formatRepr } from "./_format.ts";

/**
 * Python's `repr()` of a float (what `print(x)` shows): `20.0` where JavaScript prints `20`,
 * `1e-05` where it prints `0.00001`, and the same shortest digits otherwise.
 *
 * @param x A number.
 * @returns Its Python text form.
 * @throws {TypeError} If `x` is not a number.
 * @example
 * ```ts
 * import { repr } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals([repr(20), repr(0.00001), repr(-7.286496), repr(1e16)], [
 *   "20.0",
 *   "1e-05",
 *   "-7.286496",
 *   "1e+16",
 * ]);
 * ```
 */
export function repr(x: number): string {
  if (typeof x !== "number") {
    throw new TypeError(`Cannot repr: expected a number, got ${describe(x)}`);
  }
  return formatRepr(x);
}
