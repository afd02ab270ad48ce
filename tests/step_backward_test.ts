import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertLess,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { MLP, Neuron, random, type StepBackward, stepBackward, Value } from "../mod.ts";

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
  await t.step("a value used twice, a + a: one edge, two shares of 1", async () => {
    const stepper = checkAgainstEngine(() => {
      const a = new Value(3, { label: "a" });
      return a.add(a);
    });
    assertEquals(gradOf(stepper, 1, "a"), 2);
    assertStringIncludes(await stepper.svg(), ">(1 + 1) × 1 = 2</text>");
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
    assertStringIncludes(await stepper.svg(), ">+= 6</text>");
    assertStringIncludes(stepper.steps[2].caption, "x.grad 0 → 6 (its own _backward())");
    assertEquals(stepper.steps[2].sends.map((s) => [s.to.label, s.local, s.amount]), [
      ["x", undefined, 6],
    ]);
    // cube is no engine op: nudging x cannot be measured through it, nudging k can
    assertEquals([...stepper.checks.keys()].map((v) => v.label), ["k"]);
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

/** What is left of some HTML once scripts and styles are dropped with their contents, and tags. */
function textWithoutScripts(html: string): string {
  return html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, "").replace(/<[^>]*>/g, "");
}

/** The steps and names as the page reads them: the JSON in a stepper's HTML. */
function pageData(html: string) {
  return JSON.parse(/<script type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
}

/** The texts of an SVG's `<text>` elements, as shown (entities read, no-break spaces as spaces). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#45;/g, "-")
      .replace(/&amp;/g, "&").replace(/\u00a0/g, " ").trim()
  );
}

Deno.test("the display: text/html holding a PNG, the picture as inert text, data and a script", async (t) => {
  const { L } = day2();
  const stepper = stepBackward(L);
  const bundle: Record<string, string> = await Reflect.get(stepper, Symbol.for("Jupyter.display"))
    .call(stepper);
  assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
  assertEquals(bundle["text/plain"], "StepBackward(3 steps, 10 nodes)");
  const html = bundle["text/html"];

  await t.step("without scripts and styles, it is a PNG of the last step and nothing else", () => {
    assertEquals(textWithoutScripts(html).trim(), "");
    assertMatch(
      html,
      /^<div [^>]*data-denograd-stepper[^>]*><img src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="\d+" height="\d+" alt="StepBackward\(3 steps, 10 nodes\): the last step of L\.backward\(\)[^"]*"><script type="image\/svg\+xml"><svg [^]*<\/svg><\/script><script type="application\/json">[^<]*<\/script><script>[^]*<\/script><\/div>$/,
    );
  });
  await t.step("self-contained: no URL, no id to clash, three scripts", () => {
    assertNotMatch(html, /https?:/);
    assertNotMatch(html, /\sid=/);
    assertEquals(html.match(/<script/g)?.length, 3);
    assertEquals(html.match(/<\/script/g)?.length, 3);
  });
  await t.step("the notebook's shortcuts are kept off, and the stepper takes focus", () => {
    assertStringIncludes(html, 'data-lm-suppress-shortcuts="true"');
    assertStringIncludes(html, 'tabindex="0"');
    assertStringIncludes(html, 'aria-label="Step through L.backward()"');
  });
  await t.step("the recorded steps, as the page replays them", () => {
    const data = pageData(html);
    assertEquals(data.steps.length, 4);
    assertEquals(data.names, ["a", "b", "e", "c", "d", "f", "L"]);
    assertEquals(data.steps[3][0], 2); // e
    assertEquals(data.steps[3][2], [0, 6, 1, -4]); // a 6, b -4
    assertEquals(
      data.steps[3][1],
      "Step 3: e._backward() (e = a * b) sends e.grad = -2 back: a.grad += -3 × -2 = 6 " +
        "(final; nudging a gives 6 ✓); b.grad += 2 × -2 = -4 (final; nudging b gives -4 ✓). " +
        "Every grad is now final",
    );
    assertEquals(data.kids[2], [0, 1]);
    assertEquals(data.locals.slice(0, 2), ["-3.0", "2.0"]);
    assertEquals(data.data[0], "2.0");
    assertEquals(data.checks[6], null); // L is not a leaf
  });
  await t.step("the still picture is the last step, every edge labelled", async () => {
    const svg = await stepper.svg();
    assert(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" '));
    const texts = svgTexts(svg);
    for (const t of ["grad 6.0000 ✓", "grad -4.0000 ✓", "grad -2.0000 ✓", "grad 4.0000 ✓"]) {
      assert(texts.includes(t), `${t} in ${texts}`);
    }
    for (const t of ["-3 × -2 = 6", "2 × -2 = -4", "1 × -2 = -2", "-2 × 1 = -2", "4 × 1 = 4"]) {
      assert(texts.includes(t), `${t} in ${texts}`);
    }
    assertStringIncludes(svg, '<g data-s="current" class="v v2">'); // e, processed last
    assertStringIncludes(svg, '<g data-s="written" class="v v0">'); // a, just written
    assertStringIncludes(svg, '<g data-s="done" class="v v6">'); // L
  });
  await t.step("the same graph gives the same bytes", async () => {
    assertEquals(await stepBackward(day2().L).html(), html);
  });
});

Deno.test("a label that is HTML or script stays text", async () => {
  const evil = '</script><script>window.__pwned = 1</script><img src=x onerror="alert(1)">';
  const x = new Value(1, { label: evil });
  const html = await stepBackward(x.mul(2)).html();
  assertEquals(html.match(/<script/g)?.length, 3);
  assertEquals(html.match(/<\/script/g)?.length, 3);
  assertEquals(html.match(/<img/g)?.length, 1); // the PNG; in the SVG &lt;img, in the data \u003cimg
  assertStringIncludes(html, "&lt;img src=x");
  assertEquals(textWithoutScripts(html).trim(), "");
});

Deno.test("a grad cell is laid out as wide as the widest text it will show", () => {
  // y = x * 1 is used twice: it shows "grad -3.0000 (1/2)" (y * -3, made last, is processed
  // first), then "grad 0.0000 (2/2)", one character less, padded with a no-break space.
  const x = new Value(1, { label: "x" });
  const y = x.mul(1);
  y.label = "y";
  const stepper = stepBackward(y.mul(3).add(y.mul(-3)));
  assertEquals(stepper.gradsAt(stepper.steps.length - 1)[1], 0);
  assertMatch(stepper.dot, /\{ y \| data 1\.0000 \| grad 0\.0000 \(2\/2\)\u00a0 \}/);
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
  await t.step("a graph bigger than maxNodes: it says what to do instead", () => {
    assertThrows(
      () => stepBackward(v, { maxNodes: 3 }),
      RangeError,
      "Cannot step backward: the graph has 4 Graphviz nodes, more than maxNodes 3, too many " +
        "steps to follow one by one; step through a smaller graph (one neuron, or a net such as " +
        "MLP(2, [4, 4, 1])), draw this one whole with drawDot(root), or pass { maxNodes: Infinity }",
    );
    assertEquals(String(stepBackward(v, { maxNodes: 4 })), "StepBackward(1 step, 4 nodes)");
    // The default, 2000: 700 additions make 2,101 Graphviz nodes (a constant, an op and a sum each).
    let x = new Value(0);
    for (let i = 0; i < 700; i++) x = x.add(1);
    assertThrows(
      () => stepBackward(x),
      RangeError,
      "the graph has 2101 Graphviz nodes, more than maxNodes 2000",
    );
    assertEquals(
      String(stepBackward(x, { maxNodes: Infinity })),
      "StepBackward(700 steps, 2101 nodes)",
    );
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
  assertEquals(pageData(await stepper.html()).steps.length, 1);
  assertEquals(
    stepper.steps[0].caption,
    "Step 0: backward() sets x.grad = 1 (dx/dx = 1); every other grad starts at 0, as zeroGrad() " +
      "leaves it, for each use adds its share with +=",
  );
  assertEquals(stepper.checks.get(x), 1);
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

/** The Day-4 notebook's neuron: Neuron(3, tanh) seeded 1337, on x = [2, 3, -1], all labelled. */
function day4Neuron(): Value {
  random.seed(1337);
  const neuron = new Neuron(3, { activation: "tanh" });
  neuron.w.forEach((w, i) => (w.label = `w${i}`));
  neuron.b.label = "b";
  const out = neuron.forward([2, 3, -1].map((x, i) => new Value(x, { label: `x${i}` })));
  out.label = "out";
  return out;
}

Deno.test("the shares a value used twice receives add up to its grad", async (t) => {
  /** Every share sent to `v`, over all steps. */
  const sharesOf = (stepper: StepBackward, v: Value) =>
    stepper.steps.flatMap((s) =>
      s.sends.filter((send) => send.to === v).map((send) => send.amount)
    );
  await t.step("a + a: one step sends two shares of 1; the captions count them", () => {
    const a = new Value(3, { label: "a" });
    const b = a.add(a);
    b.label = "b";
    const stepper = stepBackward(b);
    // The engine keeps a once, with local derivative 1 + 1 = 2 (micrograd's set of children).
    assertEquals([b.children, b.localGrads], [[a], [2]]);
    assertEquals(stepper.steps[1].sends.map((s) => [s.local, s.amount]), [[1, 1], [1, 1]]);
    assertEquals(sharesOf(stepper, a).reduce((x, y) => x + y), gradOf(stepper, 1, "a"));
    assertEquals(
      stepper.steps[1].caption,
      "Step 1: b._backward() (b = a + a) sends b.grad = 1 back: a.grad += 1 × 1 = 1 (1st of 2 " +
        "uses; a waits for the other); a.grad += 1 × 1 = 1 → 2 (2nd of 2 uses: final; nudging a " +
        "gives 2 ✓). Every grad is now final",
    );
  });
  await t.step("a * a and a ** a split the same way: a and a; a·a^(a-1) and a^a·ln a", () => {
    const a = new Value(1.5, { label: "a" });
    assertEquals(stepBackward(a.mul(a)).steps[1].sends.map((s) => s.local), [1.5, 1.5]);
    const locals = stepBackward(a.pow(a)).steps[1].sends.map((s) => s.local!);
    assertAlmostEquals(locals[0], 1.5 * 1.5 ** 0.5, 1e-15);
    assertAlmostEquals(locals[1], 1.5 ** 1.5 * Math.log(1.5), 1e-15);
  });
  await t.step("a weight shared by two neurons: each sends its share at its own step", () => {
    const w = new Value(-0.5, { label: "w" });
    const [x1, x2] = [new Value(2, { label: "x1" }), new Value(-1, { label: "x2" })];
    const h1 = w.mul(x1).add(0.1).tanh();
    h1.label = "h1";
    const h2 = w.mul(x2).add(0.3).tanh();
    h2.label = "h2";
    const out = h1.add(h2);
    out.label = "out";
    const stepper = stepBackward(out);
    const shares = sharesOf(stepper, w);
    assertEquals(shares.length, 2);
    out.backward();
    assertAlmostEquals(shares[0] + shares[1], w.grad, 1e-15);
    const about = stepper.steps.filter((s) => s.sends.some((send) => send.to === w));
    assertStringIncludes(about[0].caption, "(1st of 2 uses; w waits for the other)");
    assertStringIncludes(about[1].caption, "(2nd of 2 uses: final; nudging w gives");
  });
});

Deno.test("a value used twice sends its grad back only once both uses have sent theirs", () => {
  // Why backward() goes in topological order: h's _backward() must wait for tanh(h) and 3 * h.
  const [w, x] = [new Value(-0.5, { label: "w" }), new Value(2, { label: "x" })];
  const h = w.mul(x);
  h.label = "h";
  const out = h.tanh().add(h.mul(3));
  out.label = "out";
  const captions = stepBackward(out).steps.map((s) => s.caption);
  const sent = captions.findIndex((c) => c.includes("(2nd of 2 uses: all sent)"));
  const processed = captions.findIndex((c) => c.includes("h._backward() (h = w * x)"));
  assert(sent > 0 && processed === sent + 1, captions.join("\n"));
  assertStringIncludes(captions[processed], "sends h.grad = 3.42 (both of its uses sent) back");
});

Deno.test("every leaf's nudged derivative agrees with its grad on the lecture's graphs", async (t) => {
  const cases: [string, () => Value][] = [
    ["the Day-2 graph L = (a * b + c) * f", () => day2().L],
    ["the Day-2 and Day-3 neuron", () => neuron().o],
    ["the Day-4 neuron", day4Neuron],
  ];
  for (const [name, build] of cases) {
    await t.step(name, () => {
      const root = build();
      const stepper = stepBackward(root);
      root.backward();
      const leaves = stepper.nodes.filter((v) => v.children.length === 0);
      assertEquals([...stepper.checks.keys()], leaves, "every leaf has a check");
      for (const leaf of leaves) {
        const nudged = stepper.checks.get(leaf)!;
        const tolerance = 1e-6 * Math.max(Math.abs(leaf.grad), 1e-3);
        assertAlmostEquals(nudged, leaf.grad, tolerance, leaf.label);
      }
    });
  }
  await t.step("and the lecture's numbers: dL/da 6, dL/db -4, dL/dc -2, dL/df 4", () => {
    // The Day-2 lecture's lol() nudges each leaf by h = 0.001 and prints these, to 1e-12.
    const { L, a, b, c, f } = day2();
    const checks = stepBackward(L).checks;
    for (const [v, slope] of [[a, 6], [b, -4], [c, -2], [f, 4]] as const) {
      assertAlmostEquals(checks.get(v)!, slope, 1e-6 * Math.abs(slope), v.label);
    }
  });
});

Deno.test("a nudged derivative shows a learner's backward that is wrong", () => {
  // Day 3's bug: a + that assigns (=) in its _backward instead of adding (+=) gets a.grad 1,
  // but nudging a moves a + a twice as fast.
  const a = new Value(3, { label: "a" });
  const b = new Value(6, { children: [a], op: "+" });
  b._backward = () => {
    a.grad = b.grad;
    a.grad = b.grad;
  };
  b.label = "b";
  const stepper = stepBackward(b);
  assertEquals(gradOf(stepper, 1, "a"), 1);
  assertAlmostEquals(stepper.checks.get(a)!, 2, 1e-9);
  assertStringIncludes(
    stepper.steps[1].caption,
    "a.grad 0 → 1 (its own _backward()) (final; nudging a gives 2 ✗)",
  );
});

Deno.test("values get names that match the picture", async (t) => {
  await t.step("labels are kept; several values with one label get #1, #2", () => {
    const w1 = new Value(1, { label: "w" });
    const w2 = new Value(2, { label: "w" });
    const out = w1.add(w2);
    out.label = "out";
    const stepper = stepBackward(out);
    assertStringIncludes(stepper.dot, "{ w#1 |");
    assertStringIncludes(stepper.dot, "{ w#2 |");
    assertStringIncludes(stepper.steps[1].caption, "(out = w#1 + w#2)");
  });
  await t.step("an unlabelled value: its short formula, else v and its index", () => {
    const [a, b, c] = ["a", "b", "c"].map((label, i) => new Value(i + 1, { label }));
    const ab = a.mul(b); // a*b
    const sum = ab.add(c); // a*b+c
    const long = sum.mul(sum.add(a)); // too long: v7
    const stepper = stepBackward(long.tanh()); // tanh(v6) holds a number: v7
    const records = [...stepper.dot.matchAll(/\{ ([^|]*) \|/g)].map((m) => m[1].trim());
    assertEquals(records, ["a", "b", "a*b", "c", "a*b+c", "a*b+c+a", "v6", "v7"]);
    // a caption brackets a formula before .grad
    assertStringIncludes(stepper.steps[2].caption, "v6._backward() (v6 = (a*b+c) * (a*b+c+a))");
    assertStringIncludes(stepper.steps[2].caption, "(a*b+c).grad += ");
  });
  await t.step("two values with the same formula are both numbered", () => {
    const a = new Value(1, { label: "a" });
    const k = new Value(2, { label: "k" });
    const out = a.mul(k).add(a.mul(k));
    const records = [...stepBackward(out).dot.matchAll(/\{ ([^|]*) \|/g)].map((m) => m[1].trim());
    assertEquals(records, ["a", "k", "v2", "v3", "v4"]); // a*k twice, then their sum
  });
  await t.step("every name in every caption is a box's name in the picture", async () => {
    for (const root of [day2().L, neuron().o, day4Neuron(), mlpOutput([4, 4, 1])]) {
      const stepper = stepBackward(root);
      const svg = await stepper.svg();
      // a record's first text is its name
      const boxes = [
        ...svg.matchAll(
          /<g [^>]*class="v v\d+">(?:<(?:rect|path)[^>]*>)*<text[^>]*>([^<]*)<\/text>/g,
        ),
      ]
        .map((m) => m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
      assertEquals(new Set(boxes).size, stepper.nodes.length, "one name per value, all different");
      for (const { caption } of stepper.steps) {
        const named = [...caption.matchAll(/(\S+?)\.(?:grad|_backward\(\))/g)].map((m) =>
          m[1].replace(/^\((.*)\)$/, "$1")
        );
        assert(named.length > 0, caption);
        for (const name of named) {
          assert(boxes.includes(name), `${name} of "${caption}" in ${boxes}`);
        }
      }
    }
  });
});

/** The output of an MLP(2, sizes) seeded 1337 on x = [2, 3], its inputs labelled x1 and x2. */
function mlpOutput(sizes: number[]): Value {
  random.seed(1337);
  return new MLP(2, sizes).call([new Value(2, { label: "x1" }), new Value(3, { label: "x2" })]);
}

Deno.test("an MLP(2, [16, 16, 1]) output: 640 steps in under 1 MB of HTML", async () => {
  const stepper = stepBackward(mlpOutput([16, 16, 1]));
  assertEquals(String(stepper), "StepBackward(640 steps, 1619 nodes)");
  const html = await stepper.html();
  assertLess(html.length, 1_000_000);
  assertEquals(textWithoutScripts(html).trim(), "");
  // every leaf under the engine's ops has its check
  assertEquals(stepper.checks.size, stepper.nodes.filter((v) => v.children.length === 0).length);
});
