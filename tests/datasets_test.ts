// Golden numbers come from scikit-learn 1.2.1 and NumPy 1.24.2 on Debian's /usr/bin/python3,
// run with NumPy's AVX-512 kernels switched off so np.cos / np.sin are the C library's (as on
// machines without AVX-512):
//   export NPY_DISABLE_CPU_FEATURES="AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
// With them on, NumPy's own cos / sin differ from the C library's by up to a few ulps.
import { assert, assertEquals, assertLessOrEqual, assertThrows } from "@std/assert";
import { makeMoons, RandomState } from "../mod.ts";

// tests/data/moons_1337.json was written by:
// python3 -c "import json, numpy as np, sklearn.datasets as d; np.random.seed(1337); X, y = d.make_moons(n_samples=100, noise=0.1); json.dump({'X': X.tolist(), 'y': y.tolist()}, open('tests/data/moons_1337.json', 'w'))"
// (then laid out by `deno fmt`)
const golden: { X: number[][]; y: number[] } = JSON.parse(
  await Deno.readTextFile(new URL("./data/moons_1337.json", import.meta.url)),
);

Deno.test("makeMoons() reproduces make_moons(100, noise=0.1) after np.random.seed(1337)", () => {
  const { X, y } = makeMoons(100, { noise: 0.1, rng: new RandomState(1337) });
  assertEquals(y, golden.y);
  assertEquals(X.length, 100);
  const differing: number[][] = [];
  X.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v !== golden.X[i][j]) differing.push([i, j]);
    })
  );
  // 198 of the 200 coordinates are bit-identical. The other two come from sin(t) at
  // t = 1.4105109873260295, where JavaScript's Math.sin returns the correctly rounded
  // 0.9871817834144502 and glibc's sin 0.9871817834144501 (checked with mpmath at 200 bits).
  assertEquals(differing, [[81, 1], [90, 1]]);
  for (const [i, j] of differing) {
    const rel = Math.abs(X[i][j] - golden.X[i][j]) / Math.abs(golden.X[i][j]);
    assertLessOrEqual(rel, 1e-15);
  }
});

Deno.test("makeMoons() without noise lays out linspace half circles", () => {
  // python3 -c "from sklearn.datasets import make_moons; X, y = make_moons(7, shuffle=False); print(X.tolist(), y.tolist())"
  assertEquals(makeMoons(7, { shuffle: false }), {
    X: [
      [1.0, 0.0],
      [6.123233995736766e-17, 1.0],
      [-1.0, 1.2246467991473532e-16],
      [0.0, 0.5],
      [0.4999999999999999, -0.3660254037844386],
      [1.4999999999999998, -0.3660254037844387],
      [2.0, 0.4999999999999999],
    ],
    y: [0, 0, 0, 1, 1, 1, 1],
  });
});

Deno.test("makeMoons() takes a seed or [outer, inner] counts like scikit-learn", async (t) => {
  await t.step("an integer rng is random_state", () => {
    // python3 -c "from sklearn.datasets import make_moons; X, y = make_moons(5, noise=0.2, random_state=0); print(X.tolist(), y.tolist())"
    assertEquals(makeMoons(5, { noise: 0.2, rng: 0 }), {
      X: [
        [0.19574759682114784, 0.9481786398402916],
        [1.3735115980299935, -0.1954555759752822],
        [-0.8099823164948821, -0.030271441659539457],
        [0.9793562296412883, -0.41788029961232553],
        [2.028808714232176, 0.7908547013925948],
      ],
      y: [1, 0, 0, 1, 1],
    });
  });
  await t.step("counts per moon, shuffled", () => {
    // python3 -c "from sklearn.datasets import make_moons; X, y = make_moons((2, 3), shuffle=True, random_state=3); print(X.tolist(), y.tolist())"
    assertEquals(makeMoons([2, 3], { rng: 3 }), {
      X: [[0.9999999999999999, -0.5], [2.0, 0.4999999999999999], [-1.0, 1.2246467991473532e-16], [
        1.0,
        0.0,
      ], [0.0, 0.5]],
      y: [1, 1, 0, 0, 1],
    });
  });
  await t.step("small and empty sets", () => {
    assertEquals(makeMoons(0, { rng: 1 }), { X: [], y: [] });
    assertEquals(makeMoons(1, { shuffle: false }), { X: [[0, 0.5]], y: [1] });
  });
});

Deno.test("makeMoons() shuffles points and labels together", () => {
  const { X, y } = makeMoons(101, { rng: 42 });
  assertEquals(y.filter((label) => label === 0).length, 50); // n // 2 on the outer moon
  X.forEach(([a, b], i) => {
    // outer points lie on the unit circle, inner ones on the circle around (1, 0.5)
    const r = y[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
    assert(Math.abs(r - 1) < 1e-12, `point ${i} is not on moon ${y[i]}`);
  });
});

Deno.test("makeMoons() advances a RandomState it is given", () => {
  const rs = new RandomState(1337);
  makeMoons(100, { noise: 0.1, rng: rs });
  const fresh = new RandomState(1337);
  fresh.shuffle(Array.from({ length: 100 }, (_, i) => i));
  fresh.normal(0, 0.1, { size: 200 });
  assertEquals(rs.randomSample(), fresh.randomSample());
});

Deno.test("makeMoons() rejects bad input before drawing", () => {
  const rs = new RandomState(5);
  assertThrows(() => makeMoons(-1), RangeError, "n must be a non-negative integer, got -1");
  assertThrows(() => makeMoons(2.5), RangeError, "got 2.5");
  assertThrows(() => makeMoons("10" as never), TypeError, 'got string "10"');
  assertThrows(() => makeMoons([1, 2, 3] as never), RangeError, "count or [outer, inner]");
  assertThrows(() => makeMoons(10, { noise: -0.1, rng: rs }), RangeError, "noise must be finite");
  assertThrows(() => makeMoons(10, { noise: "0.1" as never }), TypeError, "noise must be a number");
  assertThrows(
    () => makeMoons(10, { shuffle: 1 as never }),
    TypeError,
    "shuffle must be a boolean",
  );
  assertThrows(() => makeMoons(10, { rng: {} as never }), TypeError, "rng must be a RandomState");
  assertThrows(() => makeMoons(10, { rng: -3 }), RangeError, "Cannot seed RandomState");
  assertThrows(() => makeMoons(10, null as never), TypeError, "options must be an object");
  assertEquals(rs.randomSample(), new RandomState(5).randomSample());
});
