import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertLess,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import { dot, gradCheck, isValue, PyRandom, topologicalSort, Value } from "../mod.ts";

/** Every value `root` depends on, with its data and grad, to see that nothing changed. */
function snapshot(root: Value): [number, number][] {
  return topologicalSort(root).map((v) => [v.data, v.grad]);
}

Deno.test("Value.backward() gives the lecture's first graph L = (a * b + c) * f", () => {
  // Lecture "The spelled-out intro to neural networks and backpropagation": L = -8, and the
  // gradients it works out by hand: a = 6, b = -4, c = -2, f = 4 (and e = d = -2, L = 1).
  const a = new Value(2, { label: "a" });
  const b = new Value(-3, { label: "b" });
  const c = new Value(10, { label: "c" });
  const e = a.mul(b);
  const d = e.add(c);
  const f = new Value(-2, { label: "f" });
  const L = d.mul(f);
  L.backward();
  assertEquals(L.data, -8);
  assertEquals([a.grad, b.grad, c.grad, f.grad], [6, -4, -2, 4]);
  assertEquals([e.grad, d.grad, L.grad], [-2, -2, 1]);
});

Deno.test("Value.tanh() backpropagates through the lecture's neuron, also built from exp", async (t) => {
  // Lecture: x1 = 2, w1 = -3, x2 = 0, w2 = 1, b = 6.8813735870195432; o = tanh(x1w1 + x2w2 + b)
  // prints 0.7071067811865476, and the grads it derives are x1 = -1.5, w1 = 1, x2 = 0.5, w2 = 0
  // (each is the other factor times 1 - o² = 0.5).
  function neuron(activate: (n: Value) => Value) {
    const x1 = new Value(2, { label: "x1" });
    const x2 = new Value(0, { label: "x2" });
    const w1 = new Value(-3, { label: "w1" });
    const w2 = new Value(1, { label: "w2" });
    const b = new Value(6.8813735870195432, { label: "b" });
    const o = activate(x1.mul(w1).add(x2.mul(w2)).add(b));
    o.backward();
    return { o, grads: [x1.grad, w1.grad, x2.grad, w2.grad] };
  }
  function assertGrads(grads: number[]) {
    [-1.5, 1, 0.5, 0].forEach((expected, i) => assertAlmostEquals(grads[i], expected, 1e-12));
  }

  await t.step("with tanh()", () => {
    const { o, grads } = neuron((n) => n.tanh());
    assertEquals(o.data, 0.7071067811865476);
    assertGrads(grads);
  });
  await t.step("with (e^2n - 1) / (e^2n + 1), as the lecture rewrites it", () => {
    const { o, grads } = neuron((n) => {
      const e = n.mul(2).exp();
      return e.sub(1).div(e.add(1));
    });
    assertAlmostEquals(o.data, 0.7071067811865476, 1e-15);
    assertGrads(grads);
  });
});

Deno.test("Value.backward() adds both contributions for a value used twice", async (t) => {
  await t.step("a + a sends 2 back (the lecture's bug when = is used instead of +=)", () => {
    const a = new Value(3);
    const b = a.add(a);
    b.backward();
    assertEquals([b.data, a.grad], [6, 2]);
    assertEquals(b.children, [a]); // micrograd's children are a set
  });
  await t.step("a * a sends 2a back", () => {
    const a = new Value(-3);
    a.mul(a).backward();
    assertEquals(a.grad, -6);
  });
  await t.step("the lecture's d = a * b, e = a + b, f = d * e", () => {
    // Lecture: a = -2, b = 3 gives a.grad = -3 and b.grad = -8 (f = (ab)(a + b), by hand)
    const a = new Value(-2);
    const b = new Value(3);
    a.mul(b).mul(a.add(b)).backward();
    assertEquals([a.grad, b.grad], [-3, -8]);
  });
});

Deno.test("Value passes micrograd's test_sanity_check", () => {
  // micrograd test/test_engine.py, whose numbers come from PyTorch: y = -20, dy/dx = 46
  const x = new Value(-4);
  const z = Value.mul(2, x).add(2).add(x);
  const q = z.relu().add(z.mul(x));
  const h = z.mul(z).relu();
  const y = h.add(q).add(q.mul(x));
  y.backward();
  assertEquals(y.data, -20);
  assertEquals(x.grad, 46);
});

Deno.test("Value passes micrograd's test_more_ops", () => {
  // micrograd test/test_engine.py (checked against PyTorch there) and its README, which prints
  // g.data = 24.7041, a.grad = 138.8338, b.grad = 645.5773 with '%.4f'
  function moreOps([a, b]: Value[]): Value {
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1)); // c += c + 1
    c = c.add(Value.add(1, c).add(a.neg())); // c += 1 + c + (-a)
    d = d.add(d.mul(2).add(b.add(a).relu())); // d += d * 2 + (b + a).relu()
    d = d.add(Value.mul(3, d).add(b.sub(a).relu())); // d += 3 * d + (b - a).relu()
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(Value.div(10, f)); // g += 10.0 / f
    return g;
  }
  const a = new Value(-4);
  const b = new Value(2);
  const g = moreOps([a, b]);
  g.backward();
  assertAlmostEquals(g.data, 24.7041, 5e-5);
  assertAlmostEquals(a.grad, 138.8338, 5e-5);
  assertAlmostEquals(b.grad, 645.5773, 5e-5);
  // and to far more digits against central differences
  const { analytic, maxRelativeError } = gradCheck(moreOps, [-4, 2]);
  assertEquals(analytic, [a.grad, b.grad]);
  assertLess(maxRelativeError, 1e-7);
});

Deno.test("every op's gradient matches central differences, also near its domain's edges", async (t) => {
  // Points from a seeded generator; `h` shrinks where the function bends sharply (log and
  // powers near 0), since the central difference's error grows like h² · f'''.
  const rng = new PyRandom(2024);
  const points = (n: number, lo: number, hi: number) =>
    Array.from({ length: n }, () => rng.uniform(lo, hi));
  type Case = [name: string, f: (x: Value[]) => Value, inputs: number[][], h?: number];
  const cases: Case[] = [
    ["add", ([a, b]) => a.add(b), points(20, -5, 5).map((x) => [x, rng.uniform(-5, 5)])],
    ["add a number", ([a]) => a.add(2.5), points(10, -5, 5).map((x) => [x])],
    ["mul", ([a, b]) => a.mul(b), points(20, -5, 5).map((x) => [x, rng.uniform(-5, 5)])],
    ["mul a number", ([a]) => a.mul(-1.5), points(10, -5, 5).map((x) => [x])],
    ["sub", ([a, b]) => a.sub(b), points(20, -5, 5).map((x) => [x, rng.uniform(-5, 5)])],
    ["sub a number", ([a]) => a.sub(0.25), points(10, -5, 5).map((x) => [x])],
    ["neg", ([a]) => a.neg(), points(10, -5, 5).map((x) => [x])],
    ["div", ([a, b]) => a.div(b), points(20, -5, 5).map((x) => [x, rng.uniform(0.5, 5)])],
    ["div, divisor near 0", ([a, b]) => a.div(b), [[1, 1e-3], [-2, -1e-3], [0.5, 2e-4]], 1e-9],
    ["div by a number", ([a]) => a.div(7), points(10, -5, 5).map((x) => [x])],
    ["pow 2", ([a]) => a.pow(2), points(20, -5, 5).map((x) => [x])],
    ["pow 3", ([a]) => a.pow(3), points(20, -5, 5).map((x) => [x])],
    ["pow -1", ([a]) => a.pow(-1), points(20, 0.2, 5).map((x) => [x])],
    ["pow 0.5", ([a]) => a.pow(0.5), points(20, 0.01, 5).map((x) => [x])],
    ["pow 0.5 near 0", ([a]) => a.pow(0.5), [[1e-3], [1e-5]], 1e-9],
    ["pow -2.5", ([a]) => a.pow(-2.5), points(10, 0.2, 5).map((x) => [x])],
    ["pow 0", ([a]) => a.pow(0), [[-2], [0], [3]]],
    ["pow a Value", ([a, b]) => a.pow(b), points(20, 0.1, 4).map((x) => [x, rng.uniform(-3, 3)])],
    ["pow a Value, base near 0", ([a, b]) => a.pow(b), [[1e-3, 2.5], [1e-3, 0.5]], 1e-9],
    ["a ** a", ([a]) => a.pow(a), points(10, 0.1, 3).map((x) => [x])],
    ["Value.pow(2, x)", ([a]) => Value.pow(2, a), points(10, -5, 5).map((x) => [x])],
    ["Value.div(10, x)", ([a]) => Value.div(10, a), points(10, 0.5, 5).map((x) => [x])],
    ["Value.sub(1, x)", ([a]) => Value.sub(1, a), points(10, -5, 5).map((x) => [x])],
    ["exp", ([a]) => a.exp(), points(20, -10, 10).map((x) => [x])],
    ["exp near overflow", ([a]) => a.exp(), [[700], [709]]],
    ["log", ([a]) => a.log(), points(20, 0.1, 100).map((x) => [x])],
    ["log near 0", ([a]) => a.log(), [[1e-3], [1e-6]], 1e-10],
    ["tanh", ([a]) => a.tanh(), points(20, -3, 3).map((x) => [x])],
    ["tanh far out", ([a]) => a.tanh(), [[-20], [20], [400], [-400]]],
    ["sigmoid", ([a]) => a.sigmoid(), points(20, -6, 6).map((x) => [x])],
    ["sigmoid far out", ([a]) => a.sigmoid(), [[-30], [30], [-700], [700]]],
    // relu away from its kink at 0, where it has no derivative
    [
      "relu",
      ([a]) => a.relu(),
      points(20, -5, 5).filter((x) => Math.abs(x) > 1e-3).map((x) => [x]),
    ],
  ];
  for (const [name, f, inputs, h] of cases) {
    await t.step(name, () => {
      for (const x of inputs) {
        const { maxRelativeError, analytic, numeric } = gradCheck(f, x, { h });
        assertLess(maxRelativeError, 1e-6, `${name} at ${x}: ${analytic} vs ${numeric}`);
      }
    });
  }
});

Deno.test("gradients of random expression trees match central differences", () => {
  // fast-check builds trees of every op over three inputs; each op is wrapped so that its
  // input stays in its domain (log(x² + 1), sigmoid(x) ** y, ...), so no tree is refused.
  type Expr = (x: Value[]) => Value;
  let nearKink = false; // a relu input within h of 0 has no derivative to compare
  const relu = (v: Value) => {
    if (Math.abs(v.data) < 1e-4) nearKink = true;
    return v.relu();
  };
  const unary: [string, (v: Value) => Value][] = [
    ["neg", (v) => v.neg()],
    ["tanh", (v) => v.tanh()],
    ["sigmoid", (v) => v.sigmoid()],
    ["relu", relu],
    ["exp", (v) => v.tanh().mul(3).exp()],
    ["log", (v) => v.mul(v).add(1).log()],
    ["square", (v) => v.pow(2)],
    ["cube", (v) => v.pow(3)],
    ["sqrt", (v) => v.mul(v).add(1).pow(0.5)],
    ["pow -1.5", (v) => v.mul(v).add(1).pow(-1.5)],
  ];
  const binary: [string, (a: Value, b: Value) => Value][] = [
    ["add", (a, b) => a.add(b)],
    ["sub", (a, b) => a.sub(b)],
    ["mul", (a, b) => a.mul(b)],
    ["div", (a, b) => a.div(b.mul(b).add(1))],
    ["pow", (a, b) => a.sigmoid().pow(b.tanh())],
  ];
  // Each tree prints as a formula in fast-check's counterexamples
  const named = (name: string, f: Expr): Expr =>
    Object.assign(f, { toString: () => name, [fc.toStringMethod]: () => name });
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true, maxDepth: 6 },
      {
        arbitrary: fc.integer({ min: 0, max: 2 }).map((i) => named(`x${i}`, (x) => x[i])),
        weight: 2,
      },
      {
        arbitrary: fc.double({ min: -3, max: 3, noNaN: true }).map((k) =>
          named(`${k}`, () => new Value(k))
        ),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(fc.constantFrom(...unary), tie("expr")).map(([[name, op], e]) =>
          named(`${name}(${e})`, (x) => op(e(x)))
        ),
        weight: 4,
      },
      {
        arbitrary: fc.tuple(fc.constantFrom(...binary), tie("expr"), tie("expr")).map((
          [[name, op], a, b],
        ) => named(`${name}(${a}, ${b})`, (x) => op(a(x), b(x)))),
        weight: 6,
      },
    ),
  }));
  const point = fc.tuple(
    fc.double({ min: -2, max: 2, noNaN: true }),
    fc.double({ min: -2, max: 2, noNaN: true }),
    fc.double({ min: -2, max: 2, noNaN: true }),
  );
  fc.assert(
    fc.property(expr, point, (f, x) => {
      nearKink = false;
      const out = f(x.map((xi) => new Value(xi)));
      // Large values lose the difference quotient's digits to rounding: keep to |v| ≤ 100
      fc.pre(!nearKink && topologicalSort(out).every((v) => Math.abs(v.data) <= 100));
      const result = gradCheck(f, x, { h: 1e-6 });
      fc.pre(!nearKink); // a kink between x - h and x + h
      assertLess(result.maxRelativeError, 1e-4);
    }),
    { numRuns: 300, seed: 1337 },
  );
});

Deno.test("Value.backward() on a second pass adds the leaves' gradients again", async (t) => {
  await t.step("leaves double, results do not compound", () => {
    const a = new Value(2);
    const b = new Value(-3);
    const c = new Value(5);
    const m = a.mul(b);
    const L = m.mul(c);
    L.backward();
    assertEquals([a.grad, b.grad, c.grad, m.grad], [-15, 10, -6, 5]);
    L.backward();
    // d(L)/d(leaf) added once more; m.grad is recomputed, not 2 · 5 (micrograd would give
    // m.grad = 10 and a.grad = -15 - 30 = -45)
    assertEquals([a.grad, b.grad, c.grad, m.grad], [-30, 20, -12, 5]);
  });
  await t.step("two losses sharing a sub-graph add up", () => {
    const a = new Value(2);
    const shared = a.mul(a); // a²
    const l1 = shared.mul(3); // d/da = 6a = 12
    const l2 = shared.add(1); // d/da = 2a = 4
    l1.backward();
    l2.backward();
    assertEquals(a.grad, 16);
  });
  await t.step("zeroGrad() starts over", () => {
    const a = new Value(2);
    const L = a.mul(a).tanh();
    L.backward();
    const first = a.grad;
    L.zeroGrad();
    assertEquals(snapshot(L).map(([, grad]) => grad), [0, 0, 0]);
    L.backward();
    assertEquals(a.grad, first);
  });
  await t.step("backward() on a leaf sets its grad to 1", () => {
    const a = new Value(2);
    a.backward();
    a.backward();
    assertEquals(a.grad, 1);
  });
});

Deno.test("Value handles a chain of 1,000,000 ops without overflowing the stack", () => {
  const x0 = new Value(1);
  let x = x0;
  for (let i = 0; i < 500_000; i++) x = x.mul(1.0000001).add(0);
  x.backward();
  assertEquals(topologicalSort(x).length, 2_000_001); // a leaf per number operand
  // d(x)/d(x0) is the product of the 500,000 factors: close to 1.0000001 ** 500000
  assertAlmostEquals(x0.grad, 1.0000001 ** 500_000, 1e-9);
  assertEquals(x.data, x0.grad);
});

Deno.test("Value.tanh() and Value.sigmoid() stay finite for large inputs", async (t) => {
  await t.step("tanh", () => {
    for (const [x, expected] of [[1000, 1], [-1000, -1], [710, 1], [-710, -1], [20, 1]]) {
      const v = new Value(x);
      const y = v.tanh();
      y.backward();
      assertEquals([y.data, v.grad], [expected, 0]);
    }
    assertStrictEquals(new Value(-0).tanh().data, -0);
    assertEquals(new Value(1e-300).tanh().data, 1e-300); // expm1 keeps tiny inputs exact
  });
  await t.step("sigmoid", () => {
    // e^-1000 is about 5e-435, below the smallest float64 (about 5e-324), so it rounds to 0:
    // σ(1000) = 1/(1 + 0) is exactly 1 and σ(-1000) = 0/(1 + 0) exactly 0, and the gradient
    // σ(1 - σ) is exactly 0 at both; at 0 it is 0.5 · 0.5 = 0.25, exact too. By /usr/bin/python3
    // (CPython 3.11), whose floats are the same float64:
    // python3 -c 'import math; e = math.exp(-1000); print(e, 1/(1 + e), e/(1 + e),
    //   [s*(1-s) for s in (1/(1 + e), e/(1 + e), 0.5)])'
    // -> 0.0 1.0 0.0 [0.0, 0.0, 0.25]
    for (const [x, expected, grad] of [[1000, 1, 0], [-1000, 0, 0], [0, 0.5, 0.25]]) {
      const v = new Value(x);
      const y = v.sigmoid();
      y.backward();
      assertEquals([y.data, v.grad], [expected, grad]);
    }
  });
});

Deno.test("Value's local derivatives at special points", async (t) => {
  await t.step("relu sends nothing back at 0, as micrograd (out.data > 0)", () => {
    const x = new Value(0);
    x.relu().backward();
    assertEquals(x.grad, 0);
  });
  await t.step("x ** 0 sends 0 back at x = 0, not NaN", () => {
    const x = new Value(0);
    const y = x.pow(0);
    y.backward();
    assertEquals([y.data, x.grad], [1, 0]);
  });
  await t.step("pow names its op as micrograd: **2, **-1, **0.5", () => {
    const x = new Value(4);
    assertEquals([x.pow(2).op, x.pow(-1).op, x.pow(0.5).op, x.pow(x).op], [
      "**2",
      "**-1",
      "**0.5",
      "**",
    ]);
  });
});

Deno.test("Value's derived ops compute as micrograd does, bit for bit", async (t) => {
  await t.step("a / b is a * b**-1", () => {
    // Python: 7 * 3**-1 == 2.333333333333333, while 7 / 3 == 2.3333333333333335
    assertEquals(new Value(7).div(3).data, 2.333333333333333);
    assertEquals(new Value(7).div(new Value(3)).data, 2.333333333333333);
    assertEquals(Value.div(7, 3).data, 2.333333333333333);
  });
  await t.step("the graphs have micrograd's shape", () => {
    const a = new Value(7, { label: "a" });
    assertEquals(a.sub(2).children.map((v) => v.data), [7, -2]); // a + (-2)
    assertEquals(a.neg().children.map((v) => v.data), [7, -1]); // a * -1
    assertEquals(a.div(new Value(2)).children[1].op, "**-1"); // a * b**-1
    assertEquals(a.div(4).children.map((v) => v.data), [7, 0.25]); // a * 4**-1
  });
});

Deno.test("Value ops refuse operands that are not numbers or Values", async (t) => {
  const bad: [unknown, string][] = [
    ["2", 'string "2"'],
    [undefined, "undefined"],
    [null, "null"],
    [{ data: 2 }, "an object (Object)"],
    [[2], "an array of length 1"],
    [2n, "bigint 2n"],
    [true, "boolean true"],
  ];
  const a = new Value(3);
  const ops: [string, (x: never) => unknown][] = [
    ["add", (x) => a.add(x)],
    ["sub", (x) => a.sub(x)],
    ["mul", (x) => a.mul(x)],
    ["div", (x) => a.div(x)],
    ["pow", (x) => a.pow(x)],
    ["add", (x) => Value.add(x, a)],
    ["sub", (x) => Value.sub(x, a)],
    ["mul", (x) => Value.mul(x, a)],
    ["div", (x) => Value.div(x, a)],
    ["pow", (x) => Value.pow(x, a)],
  ];
  for (const [method, op] of ops) {
    await t.step(method, () => {
      for (const [x, what] of bad) {
        const before = snapshot(a);
        const error = assertThrows(() => op(x as never), TypeError);
        assertStringIncludes(error.message, `Cannot ${method}:`);
        assertStringIncludes(error.message, `got ${what}`);
        assertEquals(snapshot(a), before);
      }
      for (const x of [NaN, Infinity, -Infinity]) {
        const error = assertThrows(() => op(x as never), RangeError);
        assertStringIncludes(error.message, `Cannot ${method}:`);
        assertStringIncludes(error.message, `got ${x}`);
      }
    });
  }
});

Deno.test("Value refuses results that are not finite, changing nothing, in JavaScript's spelling", async (t) => {
  // A graph with gradients in it, which a failed op must leave as it was
  const x = new Value(0.5, { label: "x" });
  const loss = x.mul(x).add(x).tanh();
  loss.backward();
  const pow = "Cannot pow: a Value exponent needs a positive base (its gradient a**b · ln a " +
    "needs ln a), got base";
  const cases: [string, () => unknown, string][] = [
    ["log of 0", () => new Value(0).log(), "Cannot log: the operand must be positive, got 0"],
    [
      "log of a negative",
      () => x.neg().log(),
      "Cannot log: the operand must be positive, got -0.5",
    ],
    ["division by 0", () => x.div(0), "Cannot div: the divisor is 0, got 0.5 / 0"],
    [
      "division by a Value 0",
      () => x.div(new Value(0)),
      "Cannot div: the divisor is 0, got 0.5 / 0",
    ],
    ["division by -0", () => x.div(-0), "Cannot div: the divisor is 0, got 0.5 / -0"],
    [
      "division overflowing",
      () => new Value(1e300).div(1e-300),
      "Cannot div: the result overflows to Infinity, got 1e+300 / 1e-300",
    ],
    [
      "exp overflowing",
      () => new Value(710).exp(),
      "Cannot exp: the result overflows to Infinity, got exp(710)",
    ],
    [
      "add overflowing",
      () => new Value(1e308).add(1e308),
      "Cannot add: the result overflows to Infinity, got 1e+308 + 1e+308",
    ],
    [
      "sub overflowing",
      () => new Value(-1e308).sub(1e308),
      "Cannot sub: the result overflows to -Infinity, got -1e+308 - 1e+308",
    ],
    [
      "mul overflowing",
      () => new Value(1e308).mul(10),
      "Cannot mul: the result overflows to Infinity, got 1e+308 * 10",
    ],
    [
      "pow overflowing",
      () => new Value(10).pow(400),
      "Cannot pow: the result overflows to Infinity, got 10 ** 400",
    ],
    [
      "pow overflowing, Value exponent",
      () => new Value(10).pow(new Value(400)),
      "Cannot pow: the result overflows to Infinity, got 10 ** 400",
    ],
    ["0 ** -1", () => new Value(0).pow(-1), "Cannot pow: the result is Infinity, got 0 ** -1"],
    [
      "-0 ** -1",
      () => new Value(-0).pow(-1),
      "Cannot pow: the result is -Infinity, got (-0) ** -1",
    ],
    [
      "negative base ** fraction",
      () => new Value(-8).pow(0.5),
      "Cannot pow: the result is not a real number, got (-8) ** 0.5",
    ],
    ["Value exponent, base 0", () => new Value(0).pow(x), `${pow} 0; use a number exponent`],
    ["Value exponent, negative base", () => x.neg().pow(x), `${pow} -0.5; use a number exponent`],
    ["Value.pow(-2, x)", () => Value.pow(-2, x), `${pow} -2; use a number exponent`],
  ];
  for (const [name, op, message] of cases) {
    await t.step(name, () => {
      const before = snapshot(loss);
      const error = assertThrows(op, RangeError);
      assertEquals(error.message, message);
      assertEquals(snapshot(loss), before);
      assertEquals(topologicalSort(loss).length, 4);
    });
  }
});

Deno.test("new Value() checks its arguments", async (t) => {
  await t.step("data", () => {
    assertThrows(
      () => new Value("1" as never),
      TypeError,
      'Cannot create Value: data must be a number, got string "1"',
    );
    assertThrows(() => new Value(undefined as never), TypeError, "got undefined");
    assertThrows(() => new Value(NaN), RangeError, "got NaN");
    assertThrows(() => new Value(-Infinity), RangeError, "got -Infinity");
  });
  await t.step("options", () => {
    assertThrows(
      () => new Value(1, null as never),
      TypeError,
      "options must be an object, got null",
    );
    assertThrows(
      () => new Value(1, { lable: "a" } as never),
      TypeError,
      'Cannot create Value: the options are label, children, op, localGrads, got "lable"',
    );
    assertThrows(
      () => new Value(1, { label: 2 as never }),
      TypeError,
      "label must be a string, got 2",
    );
    assertThrows(() => new Value(1, { op: [] as never }), TypeError, "op must be a string");
    assertThrows(
      () => new Value(1, { children: [1] as never }),
      TypeError,
      "children must be an array of Values",
    );
    assertThrows(
      () => new Value(1, { children: "ab" as never }),
      TypeError,
      "children must be an array of Values",
    );
  });
  await t.step("a learner's own op", () => {
    const a = new Value(1);
    const v = new Value(2, { label: "v", children: [a], op: "double" });
    assertEquals([v.label, v.children, v.op, v.grad], ["v", [a], "double", 0]);
    v.backward(); // no _backward given: nothing flows
    assertEquals(a.grad, 0);
  });
});

Deno.test("Value.toString() and Deno.inspect() show Python's repr", () => {
  // Python: repr of the lecture's Value, f"Value(data={self.data}, label={self.label})"
  assertEquals(String(new Value(2, { label: "a" })), "Value(data=2.0, label=a)");
  assertEquals(String(new Value(-8)), "Value(data=-8.0, label=)");
  assertEquals(Deno.inspect(new Value(1e-5, { label: "x" })), "Value(data=1e-05, label=x)");
  assertEquals(Deno.inspect([new Value(0.1)]), "[ Value(data=0.1, label=) ]");
});

Deno.test("Values from another copy of the module combine with these", async () => {
  // A notebook cell that re-runs `import` under a new URL gets a second class
  // (TypeScript sees two distinct classes, as it should; the test treats them as one type)
  const copy = await import(
    "../lib/value.ts?copy=2"
  ) as unknown as typeof import("../lib/value.ts");
  const Other = copy.Value;
  assert(Other !== Value);
  const a = new Value(2);
  const b = new Other(-3);
  assertEquals(b instanceof Value, false); // so instanceof alone would refuse it
  assert(isValue(b) && copy.isValue(a));
  const c = a.mul(b).add(b).tanh(); // this module's ops on the other's values
  const d = b.mul(a).add(a); // and the other's on this module's
  c.backward();
  const t = 1 - c.data ** 2;
  assertAlmostEquals(a.grad, -3 * t, 1e-15);
  assertAlmostEquals(b.grad, (2 + 1) * t, 1e-15);
  d.backward();
  assertAlmostEquals(a.grad, -3 * t - 3 + 1, 1e-15);
  // sorts by either copy see every value: their visit stamps come from one shared counter
  for (let i = 0; i < 3; i++) {
    assertEquals(topologicalSort(c).length, 5);
    assertEquals(copy.topologicalSort(c).length, 5);
    assertEquals(copy.topologicalSort(d).length, 4);
  }
  assertEquals(Value.add(b, 1).data, -2);
});

Deno.test("topologicalSort() visits in micrograd's build_topo order", async (t) => {
  // micrograd's recursive build_topo, written out to compare with
  function buildTopo(root: Value): Value[] {
    const topo: Value[] = [];
    const visited = new Set<Value>();
    const build = (v: Value) => {
      if (visited.has(v)) return;
      visited.add(v);
      for (const child of v.children) build(child);
      topo.push(v);
    };
    build(root);
    return topo;
  }
  await t.step("on random graphs with shared values", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("add", "mul", "tanh")), {
          minLength: 1,
          maxLength: 40,
        }),
        (steps) => {
          const values = [new Value(0.5), new Value(-0.25)];
          for (const [i, j, op] of steps) {
            const a = values[i % values.length];
            const b = values[j % values.length];
            values.push(op === "tanh" ? a.tanh() : op === "add" ? a.add(b) : a.mul(b));
          }
          const root = values[values.length - 1];
          assertEquals(topologicalSort(root), buildTopo(root));
        },
      ),
      { seed: 42 },
    );
  });
  await t.step("refuses what is not a Value", () => {
    assertThrows(
      () => topologicalSort({ children: [] } as never),
      TypeError,
      "got an object (Object)",
    );
  });
});

Deno.test("isValue() tells Values from look-alikes", () => {
  assert(isValue(new Value(1)));
  for (const x of [1, "1", null, undefined, { data: 1, grad: 0, children: [] }]) {
    assert(!isValue(x));
  }
});

Deno.test("a learner's own op with three children backpropagates through its _backward", () => {
  // out = a·b·c as one node, as a learner would add an op: d(out)/da = b·c, and so on.
  const [a, b, c] = [new Value(2), new Value(-3), new Value(5)];
  const out = new Value(a.data * b.data * c.data, { children: [a, b, c], op: "abc" });
  out._backward = () => {
    a.grad += b.data * c.data * out.grad;
    b.grad += a.data * c.data * out.grad;
    c.grad += a.data * b.data * out.grad;
  };
  const y = out.mul(2); // an ordinary op on top, so the sort walks through the custom node
  y.backward();
  assertEquals(out.children, [a, b, c]);
  assertEquals(topologicalSort(y), [a, b, c, out, y.children[1], y]);
  assertEquals([a.grad, b.grad, c.grad], [-30, 20, -12]); // 2·(b·c, a·c, a·b)
  const again = new Value(1, { children: [a, a] });
  assertEquals(again.children, [a, a]);
});

Deno.test("a learner's op never borrows a built-in op's derivative because of its name", () => {
  // The op string is only a display name: "+" or "tanh" on a learner's value sends nothing back
  // unless the learner gives localGrads or a _backward (the derivative follows the computation).
  for (const op of ["+", "*", "tanh", "exp", "**2", "ReLU"]) {
    const a = new Value(0.5);
    const b = new Value(-2);
    const v = new Value(6, { children: op === "+" || op === "*" ? [a, b] : [a], op });
    v.backward();
    assertEquals([a.grad, b.grad, v.grad], [0, 0, 1], op);
  }
});

Deno.test("a learner's op with localGrads backpropagates them, as microgpt's Value does", async (t) => {
  await t.step("cube: d(x³)/dx = 3x², 12 at x = 2", () => {
    const x = new Value(2);
    const y = new Value(8, { children: [x], op: "cube", localGrads: [12] });
    y.mul(2).backward();
    assertEquals([x.grad, y.localGrads, y.children], [24, [12], [x]]);
  });
  await t.step("a child listed twice gets both contributions", () => {
    const a = new Value(3);
    const sq = new Value(9, { children: [a, a], op: "a·a", localGrads: [3, 3] });
    sq.backward();
    assertEquals(a.grad, 6); // d(a²)/da = 2a
  });
  await t.step("refused when not one finite number per child, nothing made", () => {
    const a = new Value(1);
    assertThrows(
      () => new Value(1, { children: [a], localGrads: [1, 2] }),
      RangeError,
      "Cannot create Value: localGrads must be one finite number per child, got 2 for 1",
    );
    assertThrows(() => new Value(1, { children: [a], localGrads: [NaN] }), RangeError, "NaN");
    assertThrows(
      () => new Value(1, { children: [a], localGrads: 3 as never }),
      TypeError,
      "Cannot create Value: localGrads must be an array of numbers, got 3",
    );
    assertThrows(
      () => new Value(1, { children: [a], localGrads: ["1"] as never }),
      TypeError,
      "localGrads must be an array of numbers",
    );
    assertEquals(a.grad, 0);
  });
});

Deno.test("Value.localGrads are each op's derivatives, computed with the result", () => {
  // Hand derivations: d(ab)/da = b, d(a+b) = 1, d(a^k)/da = k·a^(k-1), d(tanh)/da = 1 - tanh²,
  // d(e^a)/da = e^a, d(ln a)/da = 1/a, d(a^b)/db = a^b·ln a.
  const [a, b] = [new Value(2), new Value(-3)];
  assertEquals(a.localGrads, []);
  assertEquals(a.mul(b).localGrads, [-3, 2]);
  assertEquals(a.add(b).localGrads, [1, 1]);
  assertEquals(a.add(a).localGrads, [2]); // one child, both derivatives added
  assertEquals(a.pow(3).localGrads, [12]);
  assertEquals(new Value(0).tanh().localGrads, [1]);
  assertEquals(new Value(0).exp().localGrads, [1]);
  assertEquals(a.log().localGrads, [0.5]);
  assertEquals(a.pow(new Value(3)).localGrads, [12, 8 * Math.log(2)]);
  assertEquals(new Value(-1).relu().localGrads, [0]);
});

Deno.test("JSON.stringify(value) gives its own fields, even at the end of a deep graph", () => {
  let x = new Value(1, { label: "x" });
  assertEquals(JSON.parse(JSON.stringify(x)), { data: 1, grad: 0, label: "x", op: "" });
  for (let i = 0; i < 100_000; i++) x = x.add(1);
  x.backward();
  assertEquals(JSON.parse(JSON.stringify(x)), { data: 100_001, grad: 1, label: "", op: "+" });
  assertEquals(JSON.stringify([new Value(2).tanh()]), `[${JSON.stringify(new Value(2).tanh())}]`);
});

Deno.test("backward() meeting another copy's value midway counts every leaf once", async () => {
  // The pass visits values newest first; here it reaches `a` (through a·3) before it meets the
  // other copy's value f, then must start over in micrograd's order without adding a's share twice.
  const copy = await import(
    "../lib/value.ts?copy=3"
  ) as unknown as typeof import("../lib/value.ts");
  const a = new Value(4);
  a.grad = 1; // left over from an earlier pass: kept, as a leaf's grad is
  const f = new copy.Value(2);
  const u = a.mul(f);
  const y = a.mul(3).add(u);
  y.backward();
  // dy/da = 3 + f = 5, dy/df = a = 4 (by hand)
  assertEquals([a.grad, f.grad, y.grad, u.grad], [1 + 5, 4, 1, 1]);
});

Deno.test("backward() visits values newest first, as a topological order", () => {
  // A value is made after its operands, so the reverse of the order of making is topological;
  // each _backward() must run after every value that uses it has added to its grad.
  const order: string[] = [];
  const a = new Value(1.5, { label: "a" });
  const b = a.tanh();
  const c = a.mul(b); // uses a and b
  const d = b.exp().add(c); // uses b again, and c
  for (const [v, name] of [[a, "a"], [b, "b"], [c, "c"], [d, "d"]] as const) {
    const own = v._backward.bind(v);
    v._backward = () => {
      order.push(name);
      own();
    };
  }
  d.backward();
  assertEquals(order, ["d", "c", "b", "a"]);
  // The grads match central differences of d(a) = e^tanh(a) + a·tanh(a)
  const h = 1e-6;
  const fn = (x: number) => Math.exp(Math.tanh(x)) + x * Math.tanh(x);
  assertAlmostEquals(a.grad, (fn(1.5 + h) - fn(1.5 - h)) / (2 * h), 1e-8);
});

Deno.test("children gives the same objects on every read", async (t) => {
  await t.step("a value made with new Value, or labelled, is that object", () => {
    const a = new Value(2, { label: "a" });
    const b = new Value(-3);
    const e = a.mul(b);
    e.label = "e";
    const L = e.add(1).tanh();
    const [sum] = L.children;
    assertStrictEquals(sum.children[0], e);
    assertStrictEquals(e.children[0], a);
    assertStrictEquals(e.children[1], b);
  });
  await t.step("an unlabelled result gets one object, kept for later reads", () => {
    const x = new Value(0.5);
    const y = x.mul(x).mul(x.mul(2)).exp();
    const [product] = y.children;
    assertStrictEquals(y.children[0], product);
    assertStrictEquals(topologicalSort(y).at(-2), product);
    // micrograd's trace(), which collects nodes in a Set, sees each value once
    const nodes = new Set<Value>();
    const visit = (v: Value) => {
      if (nodes.has(v)) return;
      nodes.add(v);
      v.children.forEach(visit);
    };
    visit(y);
    assertEquals(nodes.size, topologicalSort(y).length);
  });
});

Deno.test("a graph whose operands were made thousands of values apart backpropagates", () => {
  // Values sit in the order they were made, 8,192 to a slab: these operands are in different
  // slabs, and the output in a later one, each made after 9,000 unrelated values.
  const spacer = () => {
    for (let i = 0; i < 3_000; i++) new Value(i).mul(2);
  };
  const a = new Value(2);
  spacer();
  const b = new Value(-3);
  spacer();
  const c = a.mul(b);
  spacer();
  const d = c.add(a).tanh();
  spacer();
  const L = d.mul(b);
  L.backward();
  // L = tanh(ab + a)·b: dL/da = (1 - t²)(b + 1)·b, dL/db = (1 - t²)·a·b + t (by hand)
  const t = Math.tanh(2 * -3 + 2);
  assertAlmostEquals(a.grad, (1 - t * t) * (-3 + 1) * -3, 1e-14);
  assertAlmostEquals(b.grad, (1 - t * t) * 2 * -3 + t, 1e-14);
  assertAlmostEquals(c.grad, (1 - t * t) * -3, 1e-14); // a result's grad, kept after the pass
});

Deno.test("backward() leaves values it does not reach as they were", () => {
  const a = new Value(3);
  const other = a.mul(5); // made from a, but not part of y
  other.grad = 7;
  const y = a.mul(a);
  y.backward();
  assertEquals([a.grad, other.grad, y.grad], [6, 7, 1]);
});

Deno.test("an engine op's _backward can be replaced, and put back", async (t) => {
  const a = new Value(3);
  const y = a.mul(4);
  const engine = y._backward;
  await t.step("backward() calls the replacement", () => {
    y._backward = () => {
      a.grad += 100 * y.grad;
    };
    y.backward();
    assertEquals(a.grad, 100);
  });
  await t.step("the engine's again once it is set back", () => {
    y._backward = engine;
    a.grad = 0;
    y.backward();
    assertEquals(a.grad, 4);
  });
  await t.step("anything but a function is refused, changing nothing", () => {
    assertThrows(
      () => (y as { _backward: unknown })._backward = 5,
      TypeError,
      "Cannot set _backward: expected a function, got 5",
    );
    a.grad = 0;
    y.backward();
    assertEquals(a.grad, 4);
  });
});

Deno.test("op names stay right past 65,536 distinct ones", () => {
  // A program raising to 70,000 different exponents: their names no longer fit the table of
  // names stored as codes, and are kept with their values instead.
  const x = new Value(1.5);
  for (let i = 0; i < 70_000; i++) x.pow(1 + i / 1e6);
  assertEquals(x.pow(1.0699995).op, "**1.0699995");
  assertEquals(new Value(2, { children: [x], op: "learner op 70001" }).op, "learner op 70001");
  assertEquals(x.mul(2).op, "*");
});

Deno.test("dot() makes the values the ops make, value for value", async (t) => {
  // dot(w, x) must be w[0].mul(x[0]).add(w[1].mul(x[1]))...: same values, same order, same
  // ops, data, local derivatives and gradients
  const byOps = (w: Value[], x: (Value | number)[]) =>
    w.map((wi, i) => wi.mul(x[i])).reduce((sum, product) => sum.add(product));
  const describe = (root: Value) =>
    topologicalSort(root).map((v) => [v.op, v.data, v.localGrads, v.grad, v.children.length]);
  const cases: [string, (w: Value[]) => (Value | number)[]][] = [
    ["number inputs", () => [0.5, -2, 3]],
    ["Value inputs", () => [new Value(0.5), new Value(-2), new Value(3)]],
    ["w · w, as rmsnorm's sum of squares", (w) => w],
    ["one item", () => [7]],
  ];
  for (const [name, inputs] of cases) {
    await t.step(name, () => {
      const w = [new Value(1.5), new Value(-0.25), new Value(2)];
      const x = inputs(w);
      const n = x.length;
      const fast = dot(w.slice(0, n), x).tanh();
      fast.backward();
      const seen = describe(fast);
      [...w, ...x].forEach((v) => v instanceof Value && (v.grad = 0));
      const slow = byOps(w.slice(0, n), x).tanh();
      slow.backward();
      assertEquals(seen, describe(slow));
    });
  }
});

Deno.test("dot() refuses bad arguments, changing nothing", () => {
  const w = [new Value(1), new Value(2)];
  const cases: [unknown, unknown, ErrorConstructor, string][] = [
    [5, [1, 2], TypeError, "Cannot dot: w must be an array of Values, got 5"],
    [[1, 2], [1, 2], TypeError, "Cannot dot: w must be an array of Values"],
    [w, "ab", TypeError, 'Cannot dot: x must be an array of Values and numbers, got string "ab"'],
    [w, [1, "2"], TypeError, 'Cannot dot: x[1] must be a Value or a number, got string "2"'],
    [w, [1], RangeError, "Cannot dot: w and x must have the same length, at least 1, got 2 and 1"],
    [[], [], RangeError, "got 0 and 0"],
    [w, [1, NaN], RangeError, "Cannot dot: x[1] must be finite, got NaN"],
    [w, [1, 1e308], RangeError, "Cannot mul: the result overflows to Infinity, got 2 * 1e+308"],
  ];
  for (const [ws, xs, kind, message] of cases) {
    assertThrows(() => dot(ws as Value[], xs as number[]), kind, message);
  }
  const big = [new Value(1.5e308), new Value(1)];
  assertThrows(
    () => dot(big, [1, 1e308]),
    RangeError,
    "Cannot add: the result overflows to Infinity, got 1.5e+308 + 1e+308",
  );
  assertEquals([...w, ...big].map((v) => [v.data, v.grad]), [[1, 0], [2, 0], [1.5e308, 0], [1, 0]]);
});
