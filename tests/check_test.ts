// The shared argument checks (lib/_check.ts), and every options object refusing a misspelt key.
import { assertEquals, assertThrows } from "@std/assert";
import {
  checkArray,
  checkBoolean,
  checkChoice,
  checkCount,
  checkFinite,
  checkInteger,
  checkNumber,
  checkOptions,
  checkPositive,
  checkString,
} from "../lib/_check.ts";
import {
  drawDot,
  gradCheck,
  makeMoons,
  plotDecisionBoundary,
  plotLoss,
  plotPoints,
  RandomState,
  Value,
} from "../mod.ts";

Deno.test("checkOptions() returns the options and names the allowed keys for any other", () => {
  const options = { a: 1 };
  assertEquals(checkOptions(options, ["a", "b"], "do it"), options);
  assertEquals(checkOptions({}, [], "do it"), {});
  assertThrows(
    () => checkOptions({ c: 1 }, ["a", "b"], "do it"),
    TypeError,
    'Cannot do it: the options are a, b, got "c"',
  );
  assertThrows(() => checkOptions({ c: 1 }, [], "do it"), TypeError, "the options are none");
  assertThrows(
    () => checkOptions({ c: 1 }, ["a"], "do it", { c: "say a" }),
    TypeError,
    'the options are a, got "c" (say a)',
  );
  for (const bad of [null, [], "a", 1]) {
    assertThrows(() => checkOptions(bad, ["a"], "do it"), TypeError, "options must be an object");
  }
});

Deno.test("the scalar checks: TypeError for the wrong kind, RangeError outside the domain", () => {
  assertEquals(checkNumber(NaN, "do it", "x"), NaN);
  assertThrows(
    () => checkNumber("1", "do it", "x"),
    TypeError,
    'x must be a number, got string "1"',
  );
  assertEquals(checkFinite(-2, "do it", "x"), -2);
  assertThrows(() => checkFinite(Infinity, "do it", "x"), RangeError, "x must be finite");
  assertEquals(checkPositive(0.5, "do it", "x"), 0.5);
  for (const bad of [0, -1, NaN, Infinity]) {
    assertThrows(() => checkPositive(bad, "do it", "x"), RangeError, "positive and finite");
  }
  assertEquals(checkInteger(-3, "do it", "x"), -3);
  assertThrows(() => checkInteger(2 ** 53, "do it", "x"), RangeError, "x must be a safe integer");
  assertEquals(checkCount(0, "do it", "n"), 0);
  for (const bad of [-1, 1.5, NaN]) {
    assertThrows(
      () => checkCount(bad, "do it", "n"),
      RangeError,
      "n must be a non-negative integer",
    );
  }
  assertThrows(() => checkCount(null, "do it", "n"), TypeError, "n must be a number, got null");
  assertEquals(checkBoolean(false, "do it", "b"), false);
  assertThrows(() => checkBoolean(0, "do it", "b"), TypeError, "b must be a boolean, got 0");
  assertEquals(checkString("", "do it", "s"), "");
  assertThrows(() => checkString(1, "do it", "s"), TypeError, "s must be a string, got 1");
  assertEquals(checkArray([1], "do it"), [1]);
  assertThrows(() => checkArray({}, "do it"), TypeError, "Cannot do it: expected an array");
  assertThrows(() => checkArray(1, "do it", "xs"), TypeError, "xs must be an array, got 1");
  assertEquals(checkChoice(undefined, "do it", "c", ["a", "b"]), "a");
  assertEquals(checkChoice("b", "do it", "c", ["a", "b"]), "b");
  assertThrows(
    () => checkChoice("z", "do it", "c", ["a", "b"]),
    RangeError,
    'c must be "a" or "b"',
  );
  assertThrows(() => checkChoice(1, "do it", "c", ["a", "b"]), TypeError, 'c must be "a" or "b"');
});

Deno.test("a misspelt option is a TypeError naming the allowed keys, everywhere", async (t) => {
  const points = { X: [[0, 0], [1, 1]], y: [0, 1] };
  const cases: [string, () => unknown, string][] = [
    [
      "makeMoons {random_state}",
      () => makeMoons(10, { random_state: 1 } as never),
      `Cannot make moons: the options are noise, rng, shuffle, got "random_state" ` +
      `(scikit-learn's random_state is rng here)`,
    ],
    [
      "makeMoons {noice}",
      () => makeMoons(10, { noice: 0.1 } as never),
      'Cannot make moons: the options are noise, rng, shuffle, got "noice"',
    ],
    [
      "plotLoss {titel}",
      () => plotLoss([1], { titel: "loss" } as never),
      'Cannot plot loss: the options are title, width, height, got "titel"',
    ],
    [
      "plotPoints {titel}",
      () => plotPoints(points, { titel: "moons" } as never),
      'Cannot plot points: the options are title, width, height, got "titel"',
    ],
    [
      "plotPoints {step}: only the decision boundary has a grid",
      () => plotPoints(points, { step: 0.1 } as never),
      'Cannot plot points: the options are title, width, height, got "step"',
    ],
    [
      "plotDecisionBoundary {stp}",
      () => plotDecisionBoundary((x) => x, points, { stp: 0.1 } as never),
      'Cannot plot decision boundary: the options are title, width, height, step, got "stp"',
    ],
    [
      "RandomState.normal {sise}",
      () => new RandomState(1).normal(0, 1, { sise: 3 } as never),
      'Cannot draw normal: the options are size, got "sise"',
    ],
    [
      "RandomState.randint {sise}",
      () => new RandomState(1).randint(0, 5, { sise: 3 } as never),
      'Cannot draw randint: the options are size, got "sise"',
    ],
    [
      "drawDot {rankDir}",
      () => drawDot(new Value(1), { rankDir: "TB" } as never),
      'the options are rankdir, format, colorByGrad, maxNodes, got "rankDir"',
    ],
    [
      "gradCheck {eps}",
      () => gradCheck(([x]) => x, [1], { eps: 1e-3 } as never),
      'Cannot check gradients: the options are h, floor, got "eps"',
    ],
  ];
  for (const [name, call, message] of cases) {
    await t.step(name, () => {
      assertThrows(call, TypeError, message);
    });
  }
  await t.step("nothing is drawn from the generator before the refusal", () => {
    const rs = new RandomState(7);
    assertThrows(() => makeMoons(10, { rng: rs, noice: 0.1 } as never), TypeError);
    assertThrows(() => rs.normal(0, 1, { sise: 3 } as never), TypeError);
    assertEquals(rs.randomSample(), new RandomState(7).randomSample());
  });
});
