import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertLess,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  gradCheck,
  Layer,
  MLP,
  Module,
  Neuron,
  PyRandom,
  random,
  topologicalSort,
  Value,
} from "../mod.ts";

// micrograd's demo network's parameters after random.seed(1337), in micrograd's order (layer by
// layer, neuron by neuron, weights then the bias Value(0)), written by:
// /usr/bin/python3 -c 'import random, json; random.seed(1337); sizes = [2, 16, 16, 1];
//   print(json.dumps([p for nin, nout in zip(sizes, sizes[1:]) for _ in range(nout)
//   for p in [random.uniform(-1, 1) for _ in range(nin)] + [0.0]]))' > tests/data/mlp_seed1337.json
// (then laid out by `deno fmt`)
const GOLDEN: number[] = JSON.parse(
  await Deno.readTextFile(new URL("./data/mlp_seed1337.json", import.meta.url)),
);

/** A counting generator: the i-th draw is i, to see the order weights are drawn in. */
function countingRng() {
  let i = 0;
  return { uniform: () => i++ };
}

Deno.test("MLP(2, [16, 16, 1]) after random.seed(1337) has micrograd's 337 parameters", async (t) => {
  await t.step("with the shared random, as micrograd's demo seeds it", () => {
    random.seed(1337);
    const model = new MLP(2, [16, 16, 1]);
    assertEquals(GOLDEN.length, 337);
    assertEquals(model.parameters().map((p) => p.data), GOLDEN);
  });
  await t.step("with an injected generator", () => {
    const model = new MLP(2, [16, 16, 1], { rng: new PyRandom(1337) });
    assertEquals(model.parameters().map((p) => p.data), GOLDEN);
  });
  await t.step("the biases are 0 and come after each neuron's weights", () => {
    const params = new MLP(2, [16, 16, 1], { rng: new PyRandom(1337) }).parameters();
    assertEquals(params[2].data, 0);
    assertEquals(params[48 + 16].data, 0); // the first neuron of layer 2: 16 weights, then b
  });
});

Deno.test("MLP.forward() computes micrograd's scores bit for bit", () => {
  // Python, with floats as micrograd's Values compute them (sum(wi*xi ..., b), relu on hidden
  // layers): random.seed(1337); then per neuron w = [random.uniform(-1, 1) for _ in range(nin)]
  // and b = 0, layer by layer; forward(x) as micrograd's MLP.__call__
  const expected: [number[], number][] = [
    [[0.5, -1.0], -0.6662156889793147],
    [[1.0, 0.25], -0.24308247143984998],
    [[-0.3, 0.8], -0.6949096632886048],
    [[2.0, 0.5], -0.48616494287969997],
  ];
  const model = new MLP(2, [16, 16, 1], { rng: new PyRandom(1337) });
  for (const [x, score] of expected) {
    assertEquals(model.forward(x).map((v) => v.data), [score]);
    assertEquals(model.call(x).data, score);
  }
});

Deno.test("Neuron.forward() sums b + w0·x0 + w1·x1 + ... left to right, as micrograd", async (t) => {
  const rng = new PyRandom(7);
  for (const activation of ["relu", "tanh", "linear"] as const) {
    await t.step(activation, () => {
      const n = new Neuron(5, { activation, rng });
      n.b.data = rng.uniform(-1, 1);
      const x = [0.3, -1.2, 2.5, 0.01, -0.7];
      let act = n.b.data;
      for (let i = 0; i < 5; i++) act += n.w[i].data * x[i];
      const expected = activation === "relu"
        ? Math.max(0, act)
        : activation === "tanh"
        ? new Value(act).tanh().data
        : act;
      assertEquals(n.forward(x).data, expected);
      assertEquals(n.forward(x.map((xi) => new Value(xi))).data, expected);
    });
  }
});

Deno.test("MLP gradients match central differences", async (t) => {
  const model = new MLP(3, [8, 8, 1], { activation: "tanh", rng: new PyRandom(3) });
  await t.step("with respect to the inputs", () => {
    const { maxRelativeError } = gradCheck((x) => model.call(x), [0.4, -0.9, 1.3]);
    assertLess(maxRelativeError, 1e-6);
  });
  await t.step("with respect to every parameter", () => {
    // The lecture's loss: sum of (output - target)²
    const xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]];
    const ys = [1, -1, -1, 1];
    const loss = () =>
      xs.reduce((sum, x, i) => sum.add(model.call(x).sub(ys[i]).pow(2)), new Value(0));
    model.zeroGrad();
    loss().backward();
    const h = 1e-6;
    for (const p of model.parameters()) {
      const keep = p.data;
      p.data = keep + h;
      const up = loss().data;
      p.data = keep - h;
      const down = loss().data;
      p.data = keep;
      assertAlmostEquals(p.grad, (up - down) / (2 * h), 1e-6 * Math.max(1, Math.abs(p.grad)));
    }
  });
});

Deno.test("MLP trains: the lecture's four examples fit with tanh", () => {
  // The lecture's MLP(3, [4, 4, 1]) with tanh everywhere, squared-error loss, 0.05 steps
  const model = new MLP(3, [4, 4, 1], {
    activation: "tanh",
    outputActivation: "tanh",
    rng: new PyRandom(1337),
  });
  const xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]];
  const ys = [1, -1, -1, 1];
  const lossOf = () =>
    xs.reduce((sum, x, i) => sum.add(model.call(x).sub(ys[i]).pow(2)), new Value(0));
  const first = lossOf().data;
  for (let k = 0; k < 100; k++) {
    const loss = lossOf();
    model.zeroGrad();
    loss.backward();
    for (const p of model.parameters()) p.data -= 0.05 * p.grad;
  }
  const last = lossOf().data;
  assertLess(last, 0.05);
  assertLess(last, first);
  const predictions = xs.map((x) => model.call(x).data);
  predictions.forEach((y, i) => assert(Math.sign(y) === ys[i], `prediction ${i}: ${y}`));
});

Deno.test("Module.zeroGrad() zeroes every parameter's grad", () => {
  const model = new MLP(2, [4, 1], { rng: new PyRandom(5) });
  model.call([1, -2]).backward();
  assert(model.parameters().some((p) => p.grad !== 0));
  model.zeroGrad();
  assertEquals(model.parameters().map((p) => p.grad), new Array(4 * 3 + 5).fill(0));
  assertEquals(new Module().parameters(), []);
});

Deno.test("weights are drawn with uniform(-1, 1) in parameter order, biases start at 0", () => {
  const calls: number[][] = [];
  let i = 0;
  const rng = {
    uniform(a: number, b: number) {
      calls.push([a, b]);
      return i++ / 100;
    },
  };
  const model = new MLP(2, [3, 2], { rng });
  const params = model.parameters();
  assertEquals(params.length, 3 * 3 + 2 * 4);
  assertEquals(calls.length, 3 * 2 + 2 * 3);
  assert(calls.every(([a, b]) => a === -1 && b === 1));
  const weights = model.layers.flatMap((l) => l.neurons.flatMap((n) => n.w.map((w) => w.data)));
  assertEquals(weights, Array.from({ length: 12 }, (_, k) => k / 100));
  assertEquals(model.layers.flatMap((l) => l.neurons.map((n) => n.b.data)), [0, 0, 0, 0, 0]);
  assertEquals(new Neuron(3, { rng: countingRng() }).w.map((w) => w.data), [0, 1, 2]);
});

Deno.test("Neuron, Layer and MLP print as micrograd's", async (t) => {
  // micrograd nn.py: f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})",
  // f"Layer of [{', '.join(str(n) for n in self.neurons)}]",
  // f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
  const layer = (text: string, n: number) => `Layer of [${new Array(n).fill(text).join(", ")}]`;
  await t.step("the demo network", () => {
    const model = new MLP(2, [16, 16, 1]);
    const expected = `MLP of [${layer("ReLUNeuron(2)", 16)}, ${layer("ReLUNeuron(16)", 16)}, ${
      layer("LinearNeuron(16)", 1)
    }]`;
    assertEquals(String(model), expected);
    assertEquals(Deno.inspect(model), expected);
    assertStringIncludes(expected, "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2),");
  });
  await t.step("tanh neurons", () => {
    const model = new MLP(3, [4, 1], { activation: "tanh", outputActivation: "tanh" });
    assertEquals(
      String(model),
      `MLP of [${layer("TanhNeuron(3)", 4)}, ${layer("TanhNeuron(4)", 1)}]`,
    );
    assertEquals(
      Deno.inspect(new Layer(2, 1, { activation: "linear" })),
      "Layer of [LinearNeuron(2)]",
    );
  });
});

Deno.test("Neuron, Layer and MLP refuse bad arguments", async (t) => {
  await t.step("sizes", () => {
    assertThrows(
      () => new Neuron("2" as never),
      TypeError,
      'Cannot create Neuron: nin must be a number, got string "2"',
    );
    assertThrows(() => new Neuron(0), RangeError, "nin must be a positive integer, got 0");
    assertThrows(() => new Neuron(1.5), RangeError, "got 1.5");
    assertThrows(() => new Neuron(NaN), RangeError, "got NaN");
    assertThrows(
      () => new Layer(2, 0),
      RangeError,
      "Cannot create Layer: nout must be a positive integer, got 0",
    );
    assertThrows(
      () => new MLP(2, [] as never),
      RangeError,
      "Cannot create MLP: nouts must list at least one layer",
    );
    assertThrows(
      () => new MLP(2, 16 as never),
      TypeError,
      "nouts must be an array of layer sizes, got 16",
    );
    assertThrows(
      () => new MLP(2, [16, -1]),
      RangeError,
      "nouts[1] must be a positive integer, got -1",
    );
    assertThrows(
      () => new MLP(2, [16, "1"] as never),
      TypeError,
      'nouts[1] must be a number, got string "1"',
    );
  });
  await t.step("options", () => {
    assertThrows(
      () => new Neuron(2, null as never),
      TypeError,
      "options must be an object, got null",
    );
    assertThrows(
      () => new Neuron(2, { activation: "sigmoid" as never }),
      TypeError,
      'activation must be "relu", "tanh" or "linear", got string "sigmoid"',
    );
    assertThrows(
      () => new MLP(2, [1], { outputActivation: "softmax" as never }),
      TypeError,
      'Cannot create MLP: outputActivation must be "relu", "tanh" or "linear"',
    );
    assertThrows(
      () => new Neuron(2, { nonlin: false } as never),
      TypeError,
      `the options are activation, rng, got "nonlin" (micrograd's nonlin=False is activation: "linear")`,
    );
    assertThrows(
      () => new Layer(2, 2, { outputActivation: "tanh" } as never),
      TypeError,
      'Cannot create Layer: the options are activation, rng, got "outputActivation"',
    );
    assertThrows(
      () => new MLP(2, [1], { activaton: "tanh" } as never),
      TypeError,
      'Cannot create MLP: the options are activation, outputActivation, rng, got "activaton"',
    );
    assertThrows(
      () => new Layer(2, 2, { rng: {} as never }),
      TypeError,
      "rng must have a uniform(a, b) method, got an object (Object)",
    );
    assertThrows(
      () => new Neuron(2, { rng: { uniform: () => NaN } }),
      RangeError,
      "rng.uniform(-1, 1) must return a finite number, got NaN",
    );
    assertThrows(
      () => new Neuron(2, { rng: { uniform: () => "0.5" as never } }),
      RangeError,
      'got string "0.5"',
    );
  });
  await t.step("forward inputs, before any value is made", () => {
    const model = new MLP(2, [3, 1], { rng: new PyRandom(1) });
    const before = model.parameters().map((p) => [p.data, p.grad]);
    assertThrows(
      () => model.forward([1]),
      RangeError,
      "Cannot run MLP.forward: x must have 2 inputs, got 1",
    );
    assertThrows(() => model.forward([1, 2, 3]), RangeError, "got 3");
    assertThrows(
      () => model.forward("ab" as never),
      TypeError,
      'x must be an array of Values and numbers, got string "ab"',
    );
    assertThrows(
      () => model.forward([1, "2"] as never),
      TypeError,
      'x[1] must be a Value or a number, got string "2"',
    );
    assertThrows(
      () => model.forward([1, undefined] as never),
      TypeError,
      "x[1] must be a Value or a number, got undefined",
    );
    assertThrows(() => model.forward([NaN, 1]), RangeError, "x[0] must be finite, got NaN");
    assertThrows(
      () => new Neuron(2).forward([1]),
      RangeError,
      "Cannot run Neuron.forward: x must have 2 inputs, got 1",
    );
    assertThrows(
      () => new Layer(3, 2).forward([1, 2]),
      RangeError,
      "Cannot run Layer.forward: x must have 3 inputs, got 2",
    );
    assertEquals(model.parameters().map((p) => [p.data, p.grad]), before);
  });
  await t.step("call() needs one output", () => {
    assertThrows(() => new MLP(2, [3, 2]).call([1, 2]), RangeError, "got 2 outputs");
  });
});

Deno.test("MLP.forward() takes Values and sends gradients back to them", () => {
  const model = new MLP(2, [4, 4, 2], { rng: new PyRandom(11) });
  const x = [new Value(0.5), new Value(-1.5)];
  const out = model.forward(x);
  assertEquals(out.length, 2);
  out[0].add(out[1]).backward();
  const { analytic, maxRelativeError } = gradCheck((v) => {
    const [a, b] = model.forward(v);
    return a.add(b);
  }, [0.5, -1.5]);
  assertEquals(x.map((v) => v.grad), analytic);
  assertLess(maxRelativeError, 1e-6);
  assert(analytic.some((g) => g !== 0));
});

Deno.test("a neuron's graph is the one b.add(w0.mul(x0)).add(...) makes, value for value", async (t) => {
  // Neuron writes its sum straight onto the tape; it must be the graph the ops would make:
  // the same values in the same order, with the same ops, data, local derivatives and grads.
  const byOps = (n: Neuron, x: (Value | number)[]) => {
    let act = n.b;
    for (let i = 0; i < n.w.length; i++) act = act.add(n.w[i].mul(x[i]));
    return act.tanh();
  };
  const describe = (root: Value) =>
    topologicalSort(root).map((v) => [v.op, v.data, v.localGrads, v.grad, v.children.length]);
  const cases: [string, (n: Neuron) => (Value | number)[]][] = [
    ["number inputs", () => [0.5, -2, 3]],
    ["Value inputs", () => [new Value(0.5), new Value(-2), new Value(3)]],
    ["an input that is a weight", (n) => [n.w[0], -2, n.w[2]]],
  ];
  for (const [name, inputs] of cases) {
    await t.step(name, () => {
      const n = new Neuron(3, { activation: "tanh", rng: new PyRandom(3) });
      const x = inputs(n);
      const fast = n.forward(x);
      fast.backward();
      const seen = describe(fast);
      n.zeroGrad();
      x.forEach((xi) => xi instanceof Value && (xi.grad = 0));
      const slow = byOps(n, x);
      slow.backward();
      assertEquals(seen, describe(slow));
    });
  }
  await t.step("inputs from another copy of the module go through the ops", async () => {
    const copy = await import("../lib/value.ts?copy=nn") as unknown as typeof import("../mod.ts");
    const n = new Neuron(2, { activation: "tanh", rng: new PyRandom(3) });
    const x = [new copy.Value(0.5), new copy.Value(-2)];
    const out = n.forward(x);
    out.backward();
    const t = Math.tanh(n.b.data + n.w[0].data * 0.5 + n.w[1].data * -2);
    assertAlmostEquals(out.data, t, 1e-15);
    assertAlmostEquals(x[1].grad, (1 - t * t) * n.w[1].data, 1e-15);
  });
  await t.step("an overflow is the ops' error, and changes nothing", () => {
    const n = new Neuron(2, { activation: "linear", rng: new PyRandom(3) });
    n.w[1].data = 1e300;
    n.b.data = 1e308;
    const before = n.parameters().map((p) => [p.data, p.grad]);
    assertThrows(
      () => n.forward([0, 1e10]),
      RangeError,
      "Cannot mul: the result overflows to Infinity, got 1e+300 * 10000000000",
    );
    assertThrows(
      () => n.forward([0, 1e8]),
      RangeError,
      "Cannot add: the result overflows to Infinity, got 1e+308 + 1e+308",
    );
    assertEquals(n.parameters().map((p) => [p.data, p.grad]), before);
  });
});
