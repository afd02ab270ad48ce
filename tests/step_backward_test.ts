import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { type StepBackward, stepBackward, Value } from "../mod.ts";

/** L = (a * b + c) * f, the Day-2 lecture's graph, labelled as there, before any backward(). */
function day2(): Record<"a" | "b" | "c" | "f" | "e" | "d" | "L", Value> {
  const [a, b, c, f] = [2, -3, 10, -2].map((x, i) => new Value(x, { label: "abcf"[i] }));
  const e = a.mul(b);
  e.label = "e";
  const d = e.add(c);
  d.label = "d";
  const L = d.mul(f);
  L.label = "L";
  return { a, b, c, f, e, d, L };
}

/** The Day-2 neuron o = tanh(x1*w1 + x2*w2 + b), built as the lecture builds it. */
function neuron(): Record<"x1" | "x2" | "w1" | "w2" | "b" | "n" | "o", Value> {
  const x1 = new Value(2, { label: "x1" });
  const x2 = new Value(0, { label: "x2" });
  const w1 = new Value(-3, { label: "w1" });
  const w2 = new Value(1, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  const n = x1.mul(w1).add(x2.mul(w2)).add(b);
  n.label = "n";
  const o = n.tanh();
  o.label = "o";
  return { x1, x2, w1, w2, b, n, o };
}

/** A value's grad at `step`, by label. */
function gradOf(stepper: StepBackward, step: number, label: string): number {
  const i = stepper.nodes.findIndex((v) => v.label === label);
  assert(i >= 0, `no value labelled ${label}`);
  return stepper.gradsAt(step)[i];
}

/**
 * Checks every recorded step against the engine run afresh: the same graph built again, every
 * grad zeroed and the output's set to 1, then the `_backward()` of the values the first `s`
 * steps processed called on the copy, in the same order. Also checks the last step against
 * `zeroGrad()` then `backward()` on the graph itself.
 */
function checkAgainstEngine(build: () => Value): StepBackward {
  const root = build();
  const stepper = stepBackward(root);
  const processed = stepper.steps.slice(1).map((s) => stepper.nodes.indexOf(s.node));
  for (let s = 0; s < stepper.steps.length; s++) {
    const copy = build();
    const nodes = stepBackward(copy).nodes; // the same order: the same graph, built the same way
    copy.zeroGrad();
    copy.grad = 1;
    for (const i of processed.slice(0, s)) nodes[i]._backward();
    assertEquals(stepper.gradsAt(s), nodes.map((v) => v.grad), `step ${s}`);
  }
  root.zeroGrad();
  root.backward();
  assertEquals(stepper.gradsAt(stepper.steps.length - 1), stepper.nodes.map((v) => v.grad));
  return stepper;
}

Deno.test("stepBackward() records the Day-2 graph's three steps with the lecture's numbers", () => {
  const { L } = day2();
  const stepper = stepBackward(L);
  assertEquals(String(stepper), "StepBackward(3 steps, 10 nodes)");
  assertEquals(Deno.inspect(stepper), "StepBackward(3 steps, 10 nodes)");
  assertEquals(stepper.steps.map((s) => s.node.label), ["L", "L", "d", "e"]);
  // The seed notebook's manual backpropagation (Karpathy's lecture, cell 5): dL/dL = 1, then
  // dL/dd = f = -2 and dL/df = d = 4, then dL/de = dL/dc = -2, then dL/da = 6 and dL/db = -4.
  const expected = [
    { L: 1, d: 0, f: 0, e: 0, c: 0, a: 0, b: 0 },
    { L: 1, d: -2, f: 4, e: 0, c: 0, a: 0, b: 0 },
    { L: 1, d: -2, f: 4, e: -2, c: -2, a: 0, b: 0 },
    { L: 1, d: -2, f: 4, e: -2, c: -2, a: 6, b: -4 },
  ];
  expected.forEach((grads, s) => {
    for (const [label, grad] of Object.entries(grads)) {
      assertEquals(gradOf(stepper, s, label), grad, `step ${s}, ${label}`);
    }
  });
  // Each step wrote exactly the processed value's children.
  assertEquals(
    stepper.steps.slice(1).map((s) => [...s.grads.keys()].map((v) => v.label)),
    [["d", "f"], ["e", "c"], ["a", "b"]],
  );
});

Deno.test("stepBackward() records the lecture's neuron: x1 -1.5, w1 1, x2 0.5, w2 0", () => {
  const { o } = neuron();
  const stepper = stepBackward(o);
  const last = stepper.steps.length - 1;
  assertEquals(last, 5); // tanh, +, +, *, *
  // Karpathy's lecture (micrograd video, the neuron with b = 6.8813735870195432): do/dn = 0.5,
  // x1.grad = w1 · 0.5 = -1.5, w1.grad = x1 · 0.5 = 1, x2.grad = w2 · 0.5 = 0.5, w2.grad = 0.
  assertAlmostEquals(gradOf(stepper, 1, "n"), 0.5, 1e-15);
  for (const [label, grad] of [["x1", -1.5], ["w1", 1], ["x2", 0.5], ["w2", 0], ["b", 0.5]]) {
    assertAlmostEquals(
      gradOf(stepper, last, label as string),
      grad as number,
      1e-15,
      label as string,
    );
  }
});

Deno.test("every recorded step equals the engine's gradients at that point", async (t) => {
  await t.step("the Day-2 graph", () => void checkAgainstEngine(() => day2().L));
  await t.step("the neuron", () => void checkAgainstEngine(() => neuron().o));
  await t.step("shared sub-graphs: f = (a * b) * (a + b)", () => {
    const stepper = checkAgainstEngine(() => {
      const a = new Value(-2, { label: "a" });
      const b = new Value(3, { label: "b" });
      return a.mul(b).mul(a.add(b));
    });
    // The day-3 notebook's product rule: df/da = -3, df/db = -8.
    assertEquals([gradOf(stepper, 3, "a"), gradOf(stepper, 3, "b")], [-3, -8]);
  });
  await t.step("a value used twice, a + a: one edge, local derivative 2", async () => {
    const stepper = checkAgainstEngine(() => {
      const a = new Value(3, { label: "a" });
      return a.add(a);
    });
    assertEquals(gradOf(stepper, 1, "a"), 2);
    assertStringIncludes(await stepper.svg(), ">2 × 1 = 2</text>");
  });
  await t.step("a deep chain, and tanh, exp, pow, relu, log, sigmoid", () => {
    checkAgainstEngine(() => {
      let x = new Value(0.3, { label: "x" });
      for (let i = 0; i < 30; i++) x = x.mul(1.1).add(0.01);
      return x.tanh().exp().pow(2).relu().log().sigmoid().div(x).sub(1);
    });
  });
});

Deno.test("partial sums: at step s each grad is Σ local × out.grad over its processed parents", () => {
  // An independent check: a value's parents are processed before it, so each has its final grad
  // when it sends; the grad of v after step s is the sum of what its parents processed so far
  // sent, local derivative × the parent's final grad (from backward()).
  const { o } = neuron();
  const stepper = stepBackward(o);
  o.backward();
  const final = new Map(stepper.nodes.map((v) => [v, v.grad]));
  for (let s = 0; s < stepper.steps.length; s++) {
    const sums = new Map(stepper.nodes.map((v) => [v, v === o ? 1 : 0]));
    for (const { node } of stepper.steps.slice(1, s + 1)) {
      node.children.forEach((child, j) => {
        sums.set(child, sums.get(child)! + node.localGrads[j] * final.get(node)!);
      });
    }
    stepper.nodes.forEach((v, i) => {
      assertAlmostEquals(stepper.gradsAt(s)[i], sums.get(v)!, 1e-15, `step ${s}, ${v.label}`);
    });
  }
});

Deno.test("stepBackward() starts from zero and leaves every grad as it was", () => {
  const { L, a, d } = day2();
  L.backward(); // leaves now hold 6 and -4; a stepper must not add to them
  L.backward();
  assertEquals(a.grad, 12);
  const before = stepBackward(L).nodes.map((v) => v.grad);
  const stepper = stepBackward(L);
  assertEquals(stepper.nodes.map((v) => v.grad), before, "grads restored");
  assertEquals(stepper.gradsAt(0), [0, 0, 0, 0, 0, 0, 1]);
  assertEquals(gradOf(stepper, 3, "a"), 6);
  assertEquals(a.grad, 12);
  assertEquals(d.grad, -2);

  // Also when a learner's _backward throws midway.
  const x = new Value(1, { label: "x" });
  x.grad = 5;
  const out = new Value(2, { children: [x], op: "broken" });
  out._backward = () => {
    x.grad += 1;
    throw new Error("oops");
  };
  assertThrows(() => stepBackward(out), Error, "oops");
  assertEquals([x.grad, out.grad], [5, 0]);
});

Deno.test("a learner's own op: constructor children and its own _backward", async (t) => {
  await t.step("cube with micrograd's closure: the edge shows what it added", async () => {
    const build = () => {
      const x = new Value(2, { label: "x" });
      const out = new Value(8, { children: [x], op: "cube", label: "y" });
      out._backward = () => {
        x.grad += 3 * x.data ** 2 * out.grad; // d(x³)/dx = 3x²
      };
      return out.mul(new Value(0.5, { label: "k" }));
    };
    const stepper = checkAgainstEngine(build);
    assertEquals(gradOf(stepper, 2, "x"), 6); // 3 · 2² · 0.5
    const svg = await stepper.svg();
    assertStringIncludes(svg, ">+= 6</text>");
    assertStringIncludes(svg, "its own _backward() added 6.0");
  });
  await t.step("with localGrads: the edge shows the product", async () => {
    const x = new Value(2, { label: "x" });
    const y = new Value(8, { children: [x], op: "cube", localGrads: [12] });
    const stepper = stepBackward(y);
    assertEquals(stepper.gradsAt(1), [12, 1]);
    assertStringIncludes(await stepper.svg(), ">12 × 1 = 12</text>");
  });
  await t.step("an assigning _backward that writes a non-child is recorded too", () => {
    const a = new Value(3, { label: "a" });
    const spy = new Value(0, { label: "spy" });
    const out = new Value(6, { children: [a], op: "+" });
    out._backward = () => {
      a.grad = out.grad;
      spy.grad = 7; // not in the graph's children: still recorded, as the page shows it
    };
    const root = out.add(spy);
    const stepper = stepBackward(root);
    const step = stepper.steps.find((s) => s.node === out)!;
    assertEquals([...step.grads].map(([v, g]) => [v.label, g]), [["a", 1], ["spy", 7]]);
  });
});

Deno.test("the display: HTML with inline SVG, script and data, no network", async (t) => {
  const { L } = day2();
  const stepper = stepBackward(L);
  const bundle: Record<string, string> = await Reflect.get(stepper, Symbol.for("Jupyter.display"))
    .call(stepper);
  assertEquals(Object.keys(bundle), ["text/html", "image/svg+xml", "text/plain"]);
  assertEquals(bundle["text/plain"], "StepBackward(3 steps, 10 nodes)");
  const html = bundle["text/html"];

  await t.step("self-contained: no URL, no external source, no id to clash", () => {
    assertNotMatch(html, /https?:/);
    assertNotMatch(html, /\ssrc=/);
    assertNotMatch(html, /\sid=/);
    assertEquals(html.match(/<script/g)?.length, 2);
    assertStringIncludes(html, "<svg");
  });
  await t.step("the controls, hidden until the script runs, and keyboard focus", () => {
    for (const act of ["reset", "prev", "play", "next"]) {
      assertStringIncludes(html, `data-act="${act}"`);
    }
    assertStringIncludes(html, '<input type="range" min="0" max="3"');
    assertStringIncludes(html, '<div class="denograd-controls" hidden');
    assertStringIncludes(html, 'tabindex="0"');
  });
  await t.step("the recorded steps, as the page replays them", () => {
    const json = /<script type="application\/json">(.*?)<\/script>/s.exec(html)![1];
    const data = JSON.parse(json);
    assertEquals(data.steps.length, 4);
    assertEquals(data.steps[3].grads, [[0, "grad 6.0000", "6.0"], [1, "grad -4.0000", "-4.0"]]);
    assertEquals(
      data.steps[3].caption,
      "Step 3: e._backward() (*) sends e.grad = -2 back: a.grad += -3 × -2 → 6, " +
        "b.grad += 2 × -2 → -4; done: every grad is final",
    );
    assertEquals(data.nodes[0], ["a\ndata = 2.0\ngrad = ", "\nop = none (a leaf)"]);
  });
  await t.step("the static SVG is the final state, with tooltips", () => {
    const svg = bundle["image/svg+xml"];
    assert(svg.startsWith("<svg"));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1].replace(/&#45;/g, "-").replace(/\u00a0/g, " ").trim()
    );
    for (const t of ["grad 6.0000", "grad -4.0000", "grad -2.0000", "grad 4.0000", "grad 1.0000"]) {
      assert(texts.includes(t), `${t} in ${texts}`);
    }
    for (const t of ["-3 × -2 = 6", "2 × -2 = -4", "1 × -2 = -2", "-2 × 1 = -2", "4 × 1 = 4"]) {
      assert(texts.includes(t), `${t} in ${texts}`);
    }
    assertStringIncludes(svg, "<title>a\ndata = 2.0\ngrad = 6.0\nop = none (a leaf)</title>");
    assertStringIncludes(
      svg,
      "<title>e\ndata = &#45;6.0\ngrad = &#45;2.0\nop = *</title>".replace(/&#45;/g, "-"),
    );
    assertStringIncludes(svg, "<title>a → * → e: de/da = -3.0</title>");
  });
  await t.step("the same graph gives the same bytes; two steppers share no id", async () => {
    assertEquals(await stepBackward(day2().L).html(), html);
  });
});

Deno.test("a label that is HTML or script stays text", async () => {
  const evil = '</script><script>window.__pwned = 1</script><img src=x onerror="alert(1)">';
  const x = new Value(1, { label: evil });
  const html = await stepBackward(x.mul(2)).html();
  assertEquals(html.match(/<script/g)?.length, 2);
  assertNotMatch(html, /<img/); // in the SVG as &lt;img, in the data as \u003cimg
  assertStringIncludes(html, "&lt;img src=x");
});

Deno.test("a grad cell is laid out as wide as the widest grad it will show", () => {
  // x gets -3 from x * -3 (processed first), then 3 from x * 3: "grad -3.0000" before "grad 0.0000".
  const x = new Value(1, { label: "x" });
  const stepper = stepBackward(x.mul(3).add(x.mul(-3)));
  assertEquals(stepper.gradsAt(stepper.steps.length - 1)[0], 0);
  assertMatch(stepper.dot, /\{ x \| data 1\.0000 \| grad 0\.0000\u00a0 \}/);
});

Deno.test("stepBackward() refuses bad input, naming what it got", async (t) => {
  const v = new Value(1).add(2);
  await t.step("not a Value", () => {
    assertThrows(
      () => stepBackward(42 as never),
      TypeError,
      "Cannot step backward: stepBackward() takes a Value, got 42",
    );
    assertThrows(() => stepBackward({ data: 1 } as never), TypeError, "got an object (Object)");
  });
  await t.step("options", () => {
    assertThrows(
      () => stepBackward(v, null as never),
      TypeError,
      "Cannot step backward: options must be an object, got null",
    );
    assertThrows(
      () => stepBackward(v, { rankDir: "TB" } as never),
      TypeError,
      'Cannot step backward: the options are rankdir, maxNodes, got "rankDir"',
    );
    assertThrows(
      () => stepBackward(v, { rankdir: "BT" as never }),
      RangeError,
      'Cannot step backward: rankdir must be "LR" or "TB", got string "BT"',
    );
    assertThrows(
      () => stepBackward(v, { maxNodes: "9" as never }),
      TypeError,
      'Cannot step backward: maxNodes must be a number, got string "9"',
    );
    assertThrows(
      () => stepBackward(v, { maxNodes: 0 }),
      RangeError,
      "Cannot step backward: maxNodes must be a whole number ≥ 1 or Infinity, got 0",
    );
  });
  await t.step("a graph bigger than maxNodes", () => {
    assertThrows(
      () => stepBackward(v, { maxNodes: 3 }),
      RangeError,
      "Cannot step backward: the graph has 4 Graphviz nodes, more than maxNodes 3",
    );
    assertEquals(String(stepBackward(v, { maxNodes: 4 })), "StepBackward(1 step, 4 nodes)");
  });
  await t.step("gradsAt() out of range", () => {
    const stepper = stepBackward(v);
    assertThrows(
      () => stepper.gradsAt(2),
      RangeError,
      "Cannot read step: step must be from 0 to 1, got 2",
    );
    assertThrows(() => stepper.gradsAt(0.5), RangeError, "step must be a safe integer, got 0.5");
    assertThrows(() => stepper.gradsAt("1" as never), TypeError, 'got string "1"');
  });
});

Deno.test("a leaf alone is step 0 only", async () => {
  const x = new Value(3, { label: "x" });
  const stepper = stepBackward(x, { rankdir: "TB" });
  assertEquals(String(stepper), "StepBackward(0 steps, 1 nodes)");
  assertEquals(stepper.gradsAt(0), [1]);
  assertEquals(x.grad, 0);
  assertStringIncludes(await stepper.html(), 'max="0"');
});

Deno.test("a learner's subclass with its own _backward method is recorded as it runs", () => {
  class Doubling extends Value {
    /** Sends twice the chain rule's share: a learner's (deliberately wrong) method. */
    override _backward(): void {
      for (const child of this.children) child.grad += 2 * this.grad;
    }
  }
  const x = new Value(1, { label: "x" });
  const spy = new Value(0, { label: "spy" });
  const y = new Doubling(1, { children: [x], op: "id" });
  const stepper = stepBackward(y.add(spy));
  assertEquals(stepper.gradsAt(stepper.steps.length - 1)[0], 2);
  assertStringIncludes(stepper.dot, 'label="+= 2"');
});

Deno.test("the steps come in the order backward() calls _backward(), which is left as it was", () => {
  // u is made before v, but the root's first operand is v: a depth-first sort would visit v's
  // side first and so process u first; the engine may use another valid order. Whatever it
  // uses, the steps follow it: the calls are watched here with a spy on each value.
  const build = () => {
    const x = new Value(1.5, { label: "x" });
    const u = x.mul(2);
    u.label = "u";
    const v = x.mul(3);
    v.label = "v";
    const root = v.add(u).tanh();
    root.label = "root";
    return root;
  };
  const spied = build();
  const calls: string[] = [];
  const nodes = stepBackward(spied).nodes;
  for (const n of nodes) {
    const send = n._backward;
    n._backward = () => {
      if (n.children.length > 0) calls.push(n.label);
      send.call(n);
    };
  }
  spied.backward();
  const root = build();
  const stepper = stepBackward(root);
  assertEquals(stepper.steps.slice(1).map((s) => s.node.label), calls);
  for (const n of stepper.nodes) assertEquals(Object.hasOwn(n, "_backward"), false, n.label);

  // A learner's own closure is put back too, the same function.
  const x = new Value(2);
  const out = new Value(4, { children: [x], op: "sq" });
  const own = () => {
    x.grad += 2 * x.data * out.grad;
  };
  out._backward = own;
  stepBackward(out);
  assertEquals(out._backward, own);
});
