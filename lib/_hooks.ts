// What lib/value.ts lends the rest of lib/ without making it public (mod.ts does not export this
// module): functions that need Value's private fields, filled in when value.ts is evaluated.
// Typed without naming Value, so that another copy of value.ts (a notebook that imports it again
// under another URL) can fill them in too.

/** The engine's internal entry points. */
export const internals = {} as {
  /**
   * `b + w[0]·x[0] + w[1]·x[1] + ...` for Values `b` and `w` and checked inputs `x`: exactly the
   * values `b.add(w[0].mul(x[0])).add(...)` makes (a leaf for each number in `x`, then the
   * product, then the sum), written onto the tape without an object for each; only the result
   * gets one.
   */
  weightedSum(b: object, w: readonly object[], x: readonly (object | number)[]): object;
  /**
   * Set `v.grad` to `x` without the setter's check that it is finite: a grad that `backward()`
   * left as `Infinity` after an overflow can be put back as it was.
   */
  setGrad(v: object, x: number): void;
};
