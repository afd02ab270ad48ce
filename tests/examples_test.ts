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
