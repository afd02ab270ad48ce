// What lib/value.ts lends the rest of lib/ without making it public (mod.ts does not export this
// module): functions that need Value's private fields, filled in when value.ts is evaluated.
// Typed without naming Value, so that another copy of value.ts (a notebook that imports it again
// under another URL) can fill them in too.

/** The engine's internal entry points. */
export const internals = {} as {
  /**
   * Set `v.grad` to `x` without the setter's check that it is finite: a grad that `backward()`
   * left as `Infinity` after an overflow can be put back as it was.
   */
  setGrad(v: object, x: number): void;
};
