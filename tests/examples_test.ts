// Runs the example scripts as their tasks in deno.json do: in a fresh process, with exactly the
// permissions the task states, read from deno.json here so that the two cannot drift apart.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "@std/assert";

const root = new URL("..", import.meta.url);
const tasks: Record<string, string> =
  JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks;

/** A task's permission flags and script, from its line `deno run <flags> <script>` in deno.json. */
function task(name: string): { flags: string[]; script: string } {
  const words = tasks[name].split(" ");
  assertEquals(words.slice(0, 2), ["deno", "run"], `the ${name} task is not a deno run`);
  const flags = words.slice(2, -1);
  for (const flag of flags) {
    // a path after every flag: no blanket --allow-read or --allow-write
    assertMatch(flag, /^--allow-(read|write)=\S+$/, `the ${name} task asks for too much`);
  }
  return { flags, script: words.at(-1)! };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `deno run <flags> <script> <args>` in `cwd` (the repository unless given), with deno.json as
 * its config, as `deno task` runs it. stdin is not a terminal, so a missing permission is an
 * error, not a prompt.
 */
async function run(
  script: string,
  { flags, args = [], cwd = root }: { flags: string[]; args?: string[]; cwd?: string | URL },
): Promise<Run> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--config=${new URL("deno.json", root).pathname}`,
      ...flags,
      new URL(script, root).pathname,
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

/** Call `fn` with a fresh temporary folder, removed afterwards: the scripts' `out/` goes there. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Whether `path` exists. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Run a task's script from a temporary folder, as its task does, and check that it succeeded. */
async function runTask(name: string, cwd: string | URL = root): Promise<string> {
  const { flags, script } = task(name);
  const { code, stdout, stderr } = await run(script, { flags, cwd });
  assertEquals(code, 0, `${tasks[name]} failed:\n${stderr}`);
  return stdout;
}

Deno.test("the demo task's permissions are all the Day-2 script needs to print and draw", async () => {
  await inTempDir(async (dir) => {
    const out = await runTask("demo", dir);
    // The two lines the Python original prints (../shared/seed, the executed notebook).
    assertStringIncludes(
      out,
      "Numerical dL/da: 6.0000\nAnalytical dL/da: 6.0000 (from chain rule)\n",
    );
    assertStringIncludes(out, "o = Value(data=0.7071067811865476, label=o)");
    // a.grad = 6 in the expression graph; o = tanh(n) = 0.7071 in the neuron graph.
    assertStringIncludes(
      await Deno.readTextFile(`${dir}/out/day2_expression.svg`),
      ">grad 6.0000<",
    );
    assertStringIncludes(await Deno.readTextFile(`${dir}/out/day2_neuron.svg`), ">data 0.7071<");
  });
});

Deno.test("the moons task's permissions are all the script needs to print micrograd's losses", async () => {
  await inTempDir(async (dir) => {
    const lines = (await runTask("moons", dir)).split("\n");
    // Published in micrograd's demo.ipynb (Python, numpy.random.seed(1337), random.seed(1337)).
    assertEquals(lines[1], "number of parameters 337");
    assertEquals(lines[2], "step 0 loss 0.8958441028683222, accuracy 50.0%");
    assertEquals(lines[101], "step 99 loss 0.010978370135492717, accuracy 100.0%");
    for (const name of ["moons_loss.svg", "moons_boundary.svg"]) {
      assertStringIncludes(await Deno.readTextFile(`${dir}/out/${name}`), "<svg");
    }
  });
});

Deno.test("each example fails without any one of the permissions its task gives", async (t) => {
  for (const name of ["demo", "moons", "microgpt"]) {
    const { flags, script } = task(name);
    assert(flags.length > 0, `the ${name} task asks for no permission`);
    for (const flag of flags) {
      await t.step(`${name} without ${flag}`, () =>
        inTempDir(async (dir) => {
          const cwd = name === "microgpt" ? root : dir; // --allow-read=data/... is the repository's
          const others = flags.filter((f) => f !== flag);
          const { code, stdout, stderr } = await run(script, { flags: others, cwd });
          assert(code !== 0, `${name} ran without ${flag}`);
          const [, kind] = /^--allow-(\w+)=/.exec(flag)!;
          assertStringIncludes(stderr, `NotCapable: Requires ${kind} access`);
          // It stops before its work: no loss printed, no file written.
          assertNotMatch(stdout, /loss/);
          assert(!(await exists(`${dir}/out`)), `${name} made out/ without ${flag}`);
        }));
    }
  }
});

Deno.test("the demo and moons scripts print their usage on --help and take no argument", async (t) => {
  for (const name of ["demo", "moons"]) {
    const { flags, script } = task(name);
    await t.step(`${name} --help`, () =>
      inTempDir(async (dir) => {
        const { code, stdout, stderr } = await run(script, { flags, args: ["--help"], cwd: dir });
        assertEquals([code, stderr], [0, ""]);
        assert(stdout.startsWith(`Usage: deno task ${name}\n`), stdout);
        assertStringIncludes(stdout, tasks[name]); // the same permissions as the task
        assert(!(await exists(`${dir}/out`)), `${name} --help made out/`);
      }));
    const refusals: [string[], string][] = [
      [["out"], `Cannot run ${name}: unexpected argument out, it takes options only; see --help\n`],
      [["--out=x"], `Cannot run ${name}: unknown option --out; see --help\n`],
    ];
    for (const [args, message] of refusals) {
      await t.step(`${name} ${args.join(" ")}`, () =>
        inTempDir(async (dir) => {
          const result = await run(script, { flags, args, cwd: dir });
          assertEquals(result, { code: 2, stdout: "", stderr: message });
          assert(!(await exists(`${dir}/out`)), `${name} ${args.join(" ")} made out/`);
        }));
    }
  }
});

// What /usr/bin/python3 (CPython 3.11) printed running microgpt.py on names.txt, copied from
// ../shared/microgpt/microgpt.python-output.txt.
const python =
  (await Deno.readTextFile(new URL("data/microgpt.python-output.txt", import.meta.url)))
    .split("\n");

Deno.test("microgpt --steps=2 and --steps 2 both start as microgpt.py does, reading only names.txt", async () => {
  // Only 2 of the 1,000 steps: the whole run is checked once, in the notebook's test.
  const { flags, script } = task("microgpt");
  const equals = await run(script, { flags, args: ["--steps=2"] });
  const spaced = await run(script, { flags, args: ["--steps", "2"] });
  assertEquals(equals, spaced);
  assertEquals([equals.code, equals.stderr], [0, ""]);
  const lines = equals.stdout.split("\n");
  // num docs, vocab size, num params and the first 2 losses (the 1,000-step schedule, cut short)
  assertEquals(lines.slice(0, 5), python.slice(0, 5));
  assertEquals(lines.slice(5, 7), ["", "--- inference (new, hallucinated names) ---"]);
  // Two steps make no names yet, but 20 strings of letters, each at most 16 long.
  assertEquals(
    lines.slice(7, 27).map((l) => /^sample (..): [a-z]{0,16}$/.exec(l)?.[1]),
    [...Array(20).keys()].map((i) => `${i + 1}`.padStart(2)),
  );
  assertEquals(lines.slice(27), [""]);
});

Deno.test("microgpt --help and -h print the usage and train nothing", async () => {
  const { flags, script } = task("microgpt");
  for (const help of ["--help", "-h"]) {
    const { code, stdout, stderr } = await run(script, { flags, args: [help] });
    assertEquals([code, stderr], [0, ""]);
    assert(stdout.startsWith("Usage: deno task microgpt [--steps N]\n"), stdout);
    assertStringIncludes(stdout, "--steps N, --steps=N");
    assertStringIncludes(stdout, "data/names.txt (from\nkarpathy/makemore)");
    assertStringIncludes(stdout, `${tasks.microgpt} [--steps N]`); // the task's permissions
    assertNotMatch(stdout, /^(num docs|step)/m);
  }
});

Deno.test("deno task microgpt passes --help on to the script, with or without --", async () => {
  for (const args of [["--help"], ["--", "--help"]]) {
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["task", "microgpt", ...args],
      cwd: root,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(result.stdout);
    assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
    assert(stdout.startsWith("Usage: deno task microgpt [--steps N]\n"), stdout);
  }
});

Deno.test("microgpt refuses an unknown option or a stray argument with code 2, before training", async () => {
  const { flags, script } = task("microgpt");
  const refusals: [string[], string][] = [
    [["--stesp", "5"], "unknown option --stesp"],
    [["--steps", "5", "names.txt"], "unexpected argument names.txt, it takes options only"],
    [["--steps"], "option --steps needs a value"],
    [["--help=yes"], "option --help takes no value"],
  ];
  for (const [args, why] of refusals) {
    const result = await run(script, { flags, args });
    assertEquals(result, {
      code: 2,
      stdout: "",
      stderr: `Cannot run microgpt: ${why}; see --help\n`,
    }, args.join(" "));
  }
});

Deno.test("microgpt refuses a step count outside 1..1000 with code 2, before training", async () => {
  const { flags, script } = task("microgpt");
  for (const steps of ["0", "1001", "2.5", "many", ""]) {
    const result = await run(script, { flags, args: [`--steps=${steps}`] });
    assertEquals(result, {
      code: 2,
      stdout: "",
      stderr: `Cannot run microgpt: --steps must be an integer from 1 to 1000, got "${steps}"; ` +
        "see --help\n",
    }, `--steps=${steps}`);
  }
});
