import {
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { gradCheck, Value } from "../mod.ts";

/** A learner's own op, x³, with the local derivative `derivative` in its backward step. */
function cube(x: Value, derivative: (x: number) => number): Value {
  const out = new Value(x.data ** 3, { children: [x], op: "cube" });
  out._backward = () => {
    x.grad += derivative(x.data) * out.grad;
  };
  return out;
}

Deno.test("gradCheck() returns backward()'s and central differences' gradients", () => {
  // f = x·y + x²: df/dx = y + 2x = 5 + 4 = 9, df/dy = x = 2 (by hand)
  const { analytic, numeric, maxRelativeError } = gradCheck(
    ([x, y]) => x.mul(y).add(x.pow(2)),
    [2, 5],
  );
  assertEquals(analytic, [9, 2]);
  assertAlmostEquals(numeric[0], 9, 1e-8);
  assertAlmostEquals(numeric[1], 2, 1e-8);
  assertLess(maxRelativeError, 1e-8);
});

Deno.test("gradCheck() uses the step h: (f(x + h) - f(x - h)) / 2h", () => {
  // For x³ the central difference is 3x² + h² exactly (in exact arithmetic)
  const { numeric, maxRelativeError } = gradCheck(([x]) => x.pow(3), [1], { h: 0.1 });
  assertAlmostEquals(numeric[0], 3 + 0.01, 1e-12);
  assertAlmostEquals(maxRelativeError, 0.01 / 3.01, 1e-12);
});

Deno.test("gradCheck() finds a wrong local derivative", () => {
  const right = gradCheck(([x]) => cube(x, (x) => 3 * x ** 2), [1.5]);
  assertLess(right.maxRelativeError, 1e-8);
  const wrong = gradCheck(([x]) => cube(x, (x) => 2 * x ** 2), [1.5]);
  assertAlmostEquals(wrong.maxRelativeError, 1 / 3, 1e-8); // |2x² - 3x²| / 3x²
});

Deno.test("gradCheck()'s floor keeps near-zero gradients from looking far apart", async (t) => {
  // f = 1e-7·x with a backward that says 0: the true gradient 1e-7 is below the floor
  const f = ([x]: Value[]) => {
    const out = new Value(x.data * 1e-7, { children: [x], op: "tiny" });
    out._backward = () => {};
    return out;
  };
  await t.step("compared absolutely below the default floor, 1e-3", () => {
    assertAlmostEquals(gradCheck(f, [1]).maxRelativeError, 1e-7 / 1e-3, 1e-9);
  });
  await t.step("compared relatively with a tiny floor", () => {
    assertAlmostEquals(gradCheck(f, [1], { floor: 1e-12 }).maxRelativeError, 1, 1e-6);
  });
});

Deno.test("gradCheck() counts an infinite gradient as the worst error", () => {
  // 1/x at 1e-300: its local derivative -x^-2 = -1e600 overflows to -Infinity, which backward()
  // leaves, as Python's floats do; central differences across 0 see a finite slope
  const f = ([x, y]: Value[]) => x.pow(-1).add(y);
  const { analytic, maxRelativeError } = gradCheck(f, [1e-300, 2]);
  assertEquals(analytic, [-Infinity, 1]);
  assertEquals(maxRelativeError, Infinity);
});

Deno.test("gradCheck() calls f once for backward() and twice per input", () => {
  const labels: string[][] = [];
  gradCheck((xs) => {
    labels.push(xs.map((x) => x.label));
    return xs[0].mul(xs[1]).add(xs[2]);
  }, [1, 2, 3]);
  assertEquals(labels.length, 1 + 2 * 3);
  assertEquals(labels[0], ["x0", "x1", "x2"]);
});

Deno.test("gradCheck() refuses bad arguments", async (t) => {
  const f = ([x]: Value[]) => x.mul(2);
  await t.step("f", () => {
    assertThrows(
      () => gradCheck("f" as never, [1]),
      TypeError,
      'Cannot check gradients: f must be a function, got string "f"',
    );
    assertThrows(() => gradCheck(() => 3 as never, [1]), TypeError, "f must return a Value, got 3");
  });
  await t.step("inputs", () => {
    assertThrows(
      () => gradCheck(f, 1 as never),
      TypeError,
      "inputs must be an array of numbers, got 1",
    );
    assertThrows(
      () => gradCheck(f, []),
      RangeError,
      "inputs must have at least one number, got []",
    );
    assertThrows(
      () => gradCheck(f, [1, "2"] as never),
      TypeError,
      'inputs[1] must be a number, got string "2"',
    );
    assertThrows(() => gradCheck(f, [NaN]), RangeError, "inputs[0] must be finite, got NaN");
  });
  await t.step("options", () => {
    assertThrows(
      () => gradCheck(f, [1], null as never),
      TypeError,
      "options must be an object, got null",
    );
    assertThrows(
      () => gradCheck(f, [1], { h: "1" as never }),
      TypeError,
      'h must be a number, got string "1"',
    );
    for (const h of [0, -1e-6, NaN, Infinity]) {
      assertThrows(() => gradCheck(f, [1], { h }), RangeError, "h must be positive and finite");
    }
    assertThrows(
      () => gradCheck(f, [1], { step: 1e-3 } as never),
      TypeError,
      'the options are h, floor, got "step"',
    );
    assertThrows(
      () => gradCheck(f, [1], { floor: 0 }),
      RangeError,
      "floor must be positive and finite, got 0",
    );
  });
  await t.step("errors f throws pass through", () => {
    // sqrt at 0: x - h is negative, where (-h) ** 0.5 is not a real number
    assertThrows(() => gradCheck(([x]) => x.pow(0.5), [0]), RangeError, "Cannot pow");
  });
});

Deno.test("gradCheck() stays accurate for large and small inputs", () => {
  for (const x of [1e-3, 0.5, 30, 700]) {
    const { maxRelativeError } = gradCheck(([v]) => v.exp().add(v.log()), [x], { h: x * 1e-6 });
    assertLess(maxRelativeError, 1e-6);
  }
  assertGreater(gradCheck(([v]) => v.exp(), [1], { h: 0.5 }).maxRelativeError, 1e-2);
});
