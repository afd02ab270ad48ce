// Runs the example scripts as `deno task demo` and `deno task moons` do, in a fresh process.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";

async function run(script: string, outDir: string): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", `--allow-write=${outDir}`, script, outDir],
    cwd: new URL("..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  assert(result.success, `${script} failed:\n${stderr}`);
  return new TextDecoder().decode(result.stdout);
}

Deno.test("the Day-2 script prints the gradient check and writes both graphs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await run("examples/day2_backpropagation.ts", dir);
    // The two lines the Python original prints (../shared/seed, the executed notebook).
    assertStringIncludes(
      out,
      "Numerical dL/da: 6.0000\nAnalytical dL/da: 6.0000 (from chain rule)\n",
    );
    assertStringIncludes(out, "o = Value(data=0.7071067811865476, label=o)");
    // a.grad = 6 in the expression graph; o = tanh(n) = 0.7071 in the neuron graph.
    assertStringIncludes(await Deno.readTextFile(`${dir}/day2_expression.svg`), ">grad 6.0000<");
    assertStringIncludes(await Deno.readTextFile(`${dir}/day2_neuron.svg`), ">data 0.7071<");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the moons script prints micrograd's demo.ipynb losses to the last digit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await run("examples/moons.ts", dir);
    const lines = out.split("\n");
    // Published in micrograd's demo.ipynb (Python, numpy.random.seed(1337), random.seed(1337)).
    assertEquals(lines[1], "number of parameters 337");
    assertEquals(lines[2], "step 0 loss 0.8958441028683222, accuracy 50.0%");
    assertEquals(lines[101], "step 99 loss 0.010978370135492717, accuracy 100.0%");
    for (const name of ["moons_loss.svg", "moons_boundary.svg"]) {
      assertStringIncludes(await Deno.readTextFile(`${dir}/${name}`), "<svg");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the microgpt script starts as Karpathy's microgpt.py does, reading only names.txt", async () => {
  // Only 5 of the 1,000 steps: the whole run is checked once, in the notebook's test.
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read=data/names.txt", "examples/microgpt.ts", "--steps", "5"],
    cwd: new URL("..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
  }).output();
  assert(result.success, new TextDecoder().decode(result.stderr));
  const lines = new TextDecoder().decode(result.stdout).split("\n");
  // What /usr/bin/python3 (CPython 3.11) printed running microgpt.py on names.txt, copied from
  // ../shared/microgpt/microgpt.python-output.txt.
  const python =
    (await Deno.readTextFile(new URL("./data/microgpt.python-output.txt", import.meta.url)))
      .split("\n");
  // num docs, vocab size, num params and the first 5 losses (the 1,000-step schedule, cut short)
  assertEquals(lines.slice(0, 8), python.slice(0, 8));
  assertEquals(lines.slice(8, 10), ["", "--- inference (new, hallucinated names) ---"]);
  // Five steps make no names yet, but 20 strings of letters, each at most 16 long.
  assertEquals(
    lines.slice(10, 30).map((l) => /^sample (..): [a-z]{0,16}$/.exec(l)?.[1]),
    [
      ...Array(20).keys(),
    ].map((i) => `${i + 1}`.padStart(2)),
  );
  assertEquals(lines.slice(30), [""]);
});

Deno.test("the microgpt script refuses a step count outside 1..1000", async () => {
  for (const steps of ["0", "1001", "2.5", "many"]) {
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read=data/names.txt", "examples/microgpt.ts", "--steps", steps],
      cwd: new URL("..", import.meta.url).pathname,
      env: { NO_COLOR: "1" },
    }).output();
    assert(!result.success, `--steps ${steps} ran`);
    assertStringIncludes(
      new TextDecoder().decode(result.stderr),
      `RangeError: Cannot train microgpt: --steps must be an integer from 1 to 1000, got ${steps}`,
    );
  }
});
