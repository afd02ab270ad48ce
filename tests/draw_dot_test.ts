import {
  assert,
  assertEquals,
  assertLess,
  assertMatch,
  assertNotMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { drawDot, Graph, trace, Value } from "../mod.ts";
import { readGraph } from "./_svg_graph.ts";
// The Day-2 graph L = (a * b + c) * f after backward(): the grads the seed notebook sets by hand.
import { day2Graph as day2 } from "../tools/make_docs.ts";

/** The graph cell 5 of the Python seed drew (native Graphviz 2.43, Python's draw_dot). */
function pythonDay2(): ReturnType<typeof readGraph> {
  // tests/data/ holds a byte-for-byte copy of shared/seed/day2_backpropagation.python-executed.ipynb
  // (as .txt: `deno fmt` would format its Python cells as TypeScript).
  const notebook = JSON.parse(Deno.readTextFileSync(
    new URL("./data/day2_backpropagation.python-executed.ipynb.txt", import.meta.url),
  ));
  return readGraph(notebook.cells[5].outputs[0].data["image/svg+xml"].join(""));
}

/** Reads drawDot's DOT back into readGraph's form: record texts, `op -> record`, edges. */
function readDot(dot: string): ReturnType<typeof readGraph> {
  const unescape = (s: string) => s.replace(/\\(.)/g, "$1").replace(/\u00a0/g, " ");
  const names = new Map<string, string>();
  for (const [, id, label] of dot.matchAll(/^\t(n\d+) \[label="\{ (.*) \}" shape=record/gm)) {
    names.set(id, unescape(label));
  }
  const ops = new Map<string, string>();
  for (const [, id, label] of dot.matchAll(/^\t(n\d+)_op \[label="(.*)"\]$/gm)) {
    ops.set(`${id}_op`, `${unescape(label)} -> ${names.get(id)}`);
  }
  const all = new Map([...names, ...ops]);
  const edges = [...dot.matchAll(/^\t(\S+) -> (\S+)$/gm)].map(([, from, to]) =>
    `${all.get(from)} => ${all.get(to)}`
  );
  return {
    records: [...names.values()].sort(),
    ops: [...ops.values()].sort(),
    edges: edges.sort(),
  };
}

/** The texts of each record node of an SVG, one array of lines per node (no-break spaces as spaces). */
function recordTexts(svg: string): string[][] {
  const unescape = (s: string) =>
    s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\u00a0/g, " ");
  return [...svg.matchAll(/<g id="node\d+" class="node">([\s\S]*?)<\/g>/g)]
    .filter((m) => m[1].includes("<polyline"))
    .map((m) => [...m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => unescape(t[1])));
}

/** What Deno's Jupyter kernel gets from a graph (TypeScript does not type `Symbol.for` keys). */
function display(graph: Graph): Promise<Record<string, string>> {
  return Reflect.get(graph, Symbol.for("Jupyter.display")).call(graph);
}

/** A chain x → x+1 → (x+1)+1 … `depth` operations deep, built without recursion. */
function chain(depth: number): Value {
  let v = new Value(0, { label: "x" });
  for (let i = 0; i < depth; i++) v = v.add(1);
  return v;
}

Deno.test("trace() counts a value used twice once, with one edge", () => {
  const a = new Value(3, { label: "a" });
  const b = a.add(a);
  const { nodes, edges } = trace(b);
  assertEquals(nodes, [a, b]);
  assertEquals(edges, [[a, b]]);
  const graph = drawDot(b);
  assertEquals(graph.nodeCount, 3); // two records and the "+" node
  assertEquals(graph.dot.match(/ -> n1_op$/gm)?.length, 1);
});

Deno.test("trace() and drawDot() walk a 100,000-deep chain without overflowing the stack", () => {
  const root = chain(100_000);
  const { nodes, edges } = trace(root);
  assertEquals(nodes.length, 200_001); // x, and for each step the constant 1 and the sum
  assertEquals(edges.length, 200_000);
  // too deep for Graphviz to lay out: refused at once, with the limit, and without recursion
  assertThrows(
    () => drawDot(root, { maxNodes: Infinity }),
    RangeError,
    "the graph is 200001 Graphviz nodes deep (its longest chain of values and ops), more than " +
      "the 4000 that Graphviz can lay out",
  );
});

Deno.test("drawDot() DOT for the Day-2 graph has the Python seed's records, ops and edges", () => {
  const graph = drawDot(day2());
  assertEquals(readDot(graph.dot), pythonDay2());
  assertEquals(graph.nodeCount, 10);
  assertMatch(graph.dot, /^digraph \{\n\tgraph \[rankdir=LR\]\n\tnode \[fontname=Courier\]\n/);
  assertNotMatch(graph.dot, /nslimit/); // small graphs get Graphviz's full layout
});

Deno.test("Graph.svg() of the Day-2 graph shows the Python seed's node texts and edges", async () => {
  const svg = await drawDot(day2()).svg();
  assertEquals(readGraph(svg), pythonDay2());
  assert(svg.startsWith("<svg "), "no XML declaration or DOCTYPE before <svg");
  assertNotMatch(svg, /<\?xml|<!DOCTYPE/);
  // Sized in CSS pixels (one per Graphviz point), shrinking to fit down to 60%.
  assertMatch(
    svg,
    /^<svg width="(\d+)px" height="(\d+)px" style="max-width:100%;min-width:\d+px;height:auto"/,
  );
  const [, w, min] = /^<svg width="(\d+)px".*min-width:(\d+)px/.exec(svg)!;
  assertEquals(Number(min), Math.round(0.6 * Number(w)));
  assertStringIncludes(svg, 'font-family="Courier,monospace"');
});

Deno.test("drawDot() shows labels literally, never as DOT or markup", async (t) => {
  const cases: [string, string[]][] = [
    ['{ } | < > " \\', ['{ } | < > " \\']],
    ["two\nlines", ["two", "lines"]],
    ["<script>alert(1)</script>", ["<script>alert(1)</script>"]],
    ["&amp; &lt; \\N \\n", ["&amp; &lt; \\N \\n"]],
    ["  padded  ", ["  padded  "]], // kept, as no-break spaces (Graphviz trims spaces)
    ["tab\there", ["tab here"]],
    ["bell\x07 nul\x00", ["bell\u2407 nul\u2400"]], // control characters as their pictures
    ["x".repeat(300), ["x".repeat(300)]],
  ];
  for (const [label, lines] of cases) {
    await t.step(JSON.stringify(label).slice(0, 40), async () => {
      const svg = await drawDot(new Value(1.5, { label })).svg();
      assertEquals(recordTexts(svg), [[...lines, "data 1.5000", "grad 0.0000"]]);
      assertNotMatch(svg, /<script/);
    });
  }
  await t.step("op names too", async () => {
    const v = new Value(2, { children: [new Value(1)], op: '<b>"op"</b>' });
    const svg = await drawDot(v).svg();
    assertStringIncludes(svg, ">&lt;b&gt;&quot;op&quot;&lt;/b&gt;</text>");
  });
});

Deno.test("drawDot() options: rankdir, format, colorByGrad, maxNodes", async (t) => {
  const L = day2();
  await t.step("rankdir", () => {
    assertStringIncludes(drawDot(L).dot, "rankdir=LR");
    assertStringIncludes(drawDot(L, { rankdir: "TB" }).dot, "rankdir=TB");
    assertStringIncludes(drawDot(L, { rankdir: undefined }).dot, "rankdir=LR");
  });
  await t.step("format", () => {
    assertEquals(drawDot(L).format, "svg");
    assertEquals(drawDot(L, { format: "png" }).format, "png");
  });
  await t.step("colorByGrad: off by default, hue by sign, strength by |grad| / max |grad|", () => {
    assertNotMatch(drawDot(L).dot, /fillcolor/);
    const fill = (v: Value) => {
      const dot = drawDot(v, { colorByGrad: true }).dot;
      return [...dot.matchAll(/label="\{ (\w+) .*fillcolor="(#[0-9a-f]{6})"/g)]
        .map(([, label, colour]) => `${label} ${colour}`);
    };
    // The documented rule: white + (full - white) * |grad| / max, full = #4393c3 for positive
    // grads and #d6604d for negative (ColorBrewer RdBu). Here max |grad| is 6 (a).
    // a: +6 → full blue; b: -4 → 2/3 red = 255 - (255 - (214, 96, 77)) * 2/3 = (228, 149, 136);
    // c, d, e: -2 → 1/3 red = (241, 202, 196); f: +4 → 2/3 blue = (130, 183, 215);
    // L: +1 → 1/6 blue = (224, 237, 245).
    assertEquals(fill(L).sort(), [
      "L #e0edf5",
      "a #4393c3",
      "b #e49588",
      "c #f1cac4",
      "d #f1cac4",
      "e #f1cac4",
      "f #82b7d7",
    ]);
    const zero = new Value(0, { label: "z" });
    assertEquals(fill(zero), ["z #ffffff"]); // every grad 0: white, not NaN
    // grads the setter refuses, left by backward(): odd.grad = -1e300 · 1e300 overflows to
    // -Infinity, and big.grad = 0 · -Infinity is NaN
    const big = new Value(1, { label: "big" });
    const odd = big.mul(0);
    odd.label = "odd";
    odd.mul(-1e300).mul(1e300).backward();
    assertEquals(fill(odd).sort(), ["big #ffffff", "odd #d6604d"]); // NaN white, -∞ full red
  });
  await t.step("maxNodes: default 5000, the count and the way out in the error", async () => {
    // a sum of 1000 products i * 2, added up in pairs: 1000 x 3 values (i, 2, the product),
    // 999 sums and 1999 op nodes, 5998 Graphviz nodes, and shallow (so maxNodes stops it)
    const terms = Array.from({ length: 1_000 }, (_, i) => new Value(i).mul(2));
    let row = terms;
    while (row.length > 1) {
      row = Array.from(
        { length: Math.ceil(row.length / 2) },
        (_, i) => row[2 * i + 1] ? row[2 * i].add(row[2 * i + 1]) : row[2 * i],
      );
    }
    const at = row[0];
    assertEquals(trace(at).nodes.length, 3_999);
    const error = assertThrows(() => drawDot(at), RangeError) as RangeError;
    assertEquals(
      error.message,
      "Cannot draw: the graph has 5998 Graphviz nodes, more than maxNodes 5000, and could take " +
        "long to lay out; to draw it anyway, pass { maxNodes: Infinity }",
    );
    assertEquals(drawDot(at, { maxNodes: 5998 }).nodeCount, 5998);
    assertThrows(() => drawDot(at, { maxNodes: 5997 }), RangeError, "5998 Graphviz nodes");
    // the advice is true: it draws
    const svg = await drawDot(at, { maxNodes: Infinity }).svg();
    assertEquals(svg.match(/<g id="node\d+" class="node">/g)?.length, 5998);
    assertEquals(drawDot(chain(1_666)).nodeCount, 4_999);
  });
});

Deno.test("drawDot() refuses bad arguments before doing any work", async (t) => {
  const L = day2();
  const wholeNumber = "maxNodes must be a whole number ≥ 1 or Infinity";
  const cases: [string, unknown, ErrorConstructor | RangeErrorConstructor, string][] = [
    ["options null", null, TypeError, "options must be an object, got null"],
    ["options array", [], TypeError, "options must be an object, got an array of length 0"],
    ["options string", "TB", TypeError, 'options must be an object, got string "TB"'],
    [
      "unknown key",
      { rankDir: "TB" },
      TypeError,
      'the options are rankdir, format, colorByGrad, maxNodes, got "rankDir"',
    ],
    [
      "unknown keys",
      { a: 1, b: 2 },
      TypeError,
      'the options are rankdir, format, colorByGrad, maxNodes, got "a"',
    ],
    ["rankdir RL", { rankdir: "RL" }, RangeError, 'rankdir must be "LR" or "TB", got string "RL"'],
    ["rankdir number", { rankdir: 1 }, TypeError, 'rankdir must be "LR" or "TB", got 1'],
    [
      "format jpg",
      { format: "jpg" },
      RangeError,
      'format must be "svg" or "png", got string "jpg"',
    ],
    ["format null", { format: null }, TypeError, 'format must be "svg" or "png", got null'],
    ["colorByGrad 1", { colorByGrad: 1 }, TypeError, "colorByGrad must be a boolean, got 1"],
    ["maxNodes string", { maxNodes: "9" }, TypeError, 'maxNodes must be a number, got string "9"'],
    [
      "maxNodes 0",
      { maxNodes: 0 },
      RangeError,
      "maxNodes must be a whole number ≥ 1 or Infinity, got 0",
    ],
    ["maxNodes 1.5", { maxNodes: 1.5 }, RangeError, `${wholeNumber}, got 1.5`],
    ["maxNodes NaN", { maxNodes: NaN }, RangeError, `${wholeNumber}, got NaN`],
    ["maxNodes -Infinity", { maxNodes: -Infinity }, RangeError, `${wholeNumber}, got -Infinity`],
  ];
  for (const [name, options, ErrorClass, message] of cases) {
    await t.step(name, () => {
      assertThrows(() => drawDot(L, options as never), ErrorClass, `Cannot draw: ${message}`);
    });
  }
  await t.step("root first, then options, then the size of the graph", () => {
    assertThrows(
      () => drawDot(2 as never, { rankdir: "RL" } as never),
      TypeError,
      "takes a Value, got 2",
    );
    assertThrows(() => drawDot(chain(3_000), { rankdir: "RL" } as never), RangeError, "rankdir");
  });
});

Deno.test("Graph's constructor checks its arguments", () => {
  assertThrows(
    () => new Graph(1 as never),
    TypeError,
    "Cannot create Graph: dot must be a string, got 1",
  );
  assertThrows(() => new Graph("digraph {}", { nodeCount: -1 }), RangeError, "nodeCount");
  assertThrows(() => new Graph("digraph {}", { nodeCount: "2" as never }), TypeError, "nodeCount");
  assertThrows(
    () => new Graph("digraph {}", { format: "gif" as never }),
    RangeError,
    '"svg" or "png"',
  );
  assertThrows(
    () => new Graph("digraph {}", { size: 1 } as never),
    TypeError,
    'Cannot create Graph: the options are nodeCount, format, got "size"',
  );
  assertEquals(String(new Graph("digraph {}")), "Graph");
  assertEquals(String(new Graph("digraph {}", { nodeCount: 0 })), "Graph(0 nodes)");
});

Deno.test("the same graph gives byte-identical DOT and SVG", async () => {
  const [first, second] = [drawDot(day2()), drawDot(day2())];
  assertEquals(first.dot, second.dot);
  assertEquals(await first.svg(), await second.svg());
  assertEquals(await drawDot(day2()).svg(), await new Graph(first.dot).svg());
  assertEquals(trace(day2()).nodes.map((v) => v.label), ["a", "b", "e", "c", "d", "f", "L"]);
  assertEquals([...first.dot.matchAll(/^\t(n\d+) \[/gm)].map((m) => m[1]), [
    "n0",
    "n1",
    "n2",
    "n3",
    "n4",
    "n5",
    "n6",
  ]);
});

Deno.test("a Graphviz error leaves Graphviz working for the next graph", async (t) => {
  const good = drawDot(day2());
  await t.step("a syntax error", async () => {
    const bad = new Graph("digraph { a -> }");
    await assertRejects(
      () => bad.svg(),
      Error,
      "Cannot render graph: Graphviz failed: syntax error in line 1",
    );
    await assertRejects(() => bad.svg(), Error, "syntax error"); // the failure is not kept
    assertEquals(readGraph(await new Graph(good.dot).svg()), pythonDay2());
  });
  await t.step(
    "a crash inside Graphviz (a record nested 20,000 deep overflows its stack)",
    async () => {
      const deep = "{".repeat(20_000) + "x" + "}".repeat(20_000);
      const crash = new Graph(`digraph { a [shape=record label="${deep}"] }`);
      await assertRejects(() => crash.svg(), Error, "Cannot render graph: Graphviz failed");
      assertEquals(readGraph(await new Graph(good.dot).svg()), pythonDay2());
    },
  );
});

Deno.test("Graph.png() rasterises the SVG at its size in CSS pixels", async (t) => {
  const graph = drawDot(day2());
  const svg = await graph.svg();
  const [, w, h] = /^<svg width="(\d+)px" height="(\d+)px"/.exec(svg)!.map(Number);
  const size = (png: Uint8Array) => {
    const view = new DataView(png.buffer, png.byteOffset);
    return [view.getUint32(16), view.getUint32(20)]; // IHDR width and height
  };
  await t.step("magic bytes and size", async () => {
    const png = await graph.png();
    // The PNG signature (PNG spec, section 5.2), then the IHDR chunk.
    assertEquals([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assertEquals(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
    assertEquals(size(png), [w, h]);
    assert(png.length > 5_000, `a PNG of ${png.length} bytes cannot hold the text`);
  });
  await t.step("a picture over 32 million pixels is scaled down to about that", async () => {
    // 90 x 70 inches at 72 points each, plus Graphviz's 4-point margins: 6488 x 5048 = 32.8M.
    const huge = new Graph('digraph { a [shape=box width=90 height=70 label=""] }');
    const [hw, hh] = size(await huge.png());
    assertLess(Math.abs(hw * hh - 32e6), 32e6 * 1e-3, `${hw} x ${hh}`); // rounded up to whole pixels
    assertEquals(Math.round((hw / hh) * 100), Math.round((6488 / 5048) * 100));
  });
  await t.step("Jupyter shows PNG graphs as image/png in base64", async () => {
    const png = drawDot(day2(), { format: "png" });
    const bundle = await display(png);
    assertEquals(Object.keys(bundle), ["image/png", "text/plain"]);
    assertEquals(bundle["text/plain"], "Graph(10 nodes)");
    const bytes = Uint8Array.from(atob(bundle["image/png"]), (c) => c.charCodeAt(0));
    assertEquals(bytes, await png.png());
  });
  await t.step("and SVG graphs as HTML carrying the SVG (tests/figure_test.ts)", async () => {
    const bundle = await display(graph);
    assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
    assertStringIncludes(bundle["text/html"], `<script type="image/svg+xml">${svg}</script>`);
    assertEquals(bundle["text/plain"], "Graph(10 nodes)");
  });
});

Deno.test("Graph.save() picks SVG or PNG by extension and names a missing folder", async (t) => {
  const dir = await Deno.makeTempDir();
  const graph = drawDot(day2());
  try {
    await t.step("svg", async () => {
      await graph.save(`${dir}/g.svg`);
      assertEquals(await Deno.readTextFile(`${dir}/g.svg`), await graph.svg());
    });
    await t.step("png, also as a URL and in capitals", async () => {
      await graph.save(new URL(`file://${dir}/g.PNG`));
      assertEquals(await Deno.readFile(`${dir}/g.PNG`), await graph.png());
    });
    await t.step("other extensions", async () => {
      await assertRejects(
        () => graph.save(`${dir}/g.jpg`),
        RangeError,
        "Cannot save graph: the file name must end in .svg or .png, got string",
      );
      await assertRejects(() => graph.save(`${dir}/svg`), RangeError, "must end in .svg or .png");
      await assertRejects(
        () => graph.save(3 as never),
        TypeError,
        "path must be a string or URL, got 3",
      );
    });
    await t.step("a missing folder", async () => {
      await assertRejects(
        () => graph.save(`${dir}/nope/g.svg`),
        Deno.errors.NotFound,
        `Cannot save graph: folder "${dir}/nope" does not exist`,
      );
      await assertRejects(() => graph.save(`${dir}/g.png/x.png`), Deno.errors.NotFound, "g.png");
    });
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["g.PNG", "g.svg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
