// The "Deno (denograd)" kernel (tools/kernel_relay.py) keeps every output under its own cell:
// each notebook executed three times by plain nbclient (what `jupyter nbconvert --execute`,
// papermill and a learner's CI do) shows exactly its committed outputs, cell for cell; and Deno's
// own kernel, run the same way, does not (the bug the relay works around: see
// docs/upstream/deno-jupyter-late-output.md). tests/kernel_browser_test.ts does Run All in the
// classic Notebook; bench/kernel_bench.ts measures what the relay costs.
import { isDeepStrictEqual } from "node:util";
import { assert, assertEquals } from "@std/assert";
import {
  jupyterMissing,
  listNotebooks,
  type NbclientRun,
  normalize,
  runNbclient,
  storedOutputs,
} from "./_notebook.ts";

const root = new URL("../", import.meta.url);
const RUNS = 3;

const missing = await jupyterMissing();
if (missing && Deno.env.get("CI") === "true") {
  throw new Error(`Cannot run the kernel tests under CI: ${missing}`);
}

/** The committed outputs of the notebook at `path`, by code cell index. */
function committed(path: string): Map<number, unknown[]> {
  return new Map(storedOutputs(path).map((c) => [c.index, c.outputs]));
}

/** The code cells (by index) whose outputs in `run` differ from the `stored` ones. */
function differing(stored: Map<number, unknown[]>, run: NbclientRun): number[] {
  return run.cells
    .filter((c) => !isDeepStrictEqual(normalize(c.outputs), stored.get(c.index)))
    .map((c) => c.index);
}

Deno.test({
  name: `nbclient shows every output of every notebook under its own cell, ${RUNS} runs each`,
  ignore: missing !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    // Two notebooks at a time, on this machine's two cores: a busier kernel is later to publish.
    const started = listNotebooks();
    const paths = [...started];
    const results = new Map<string, Promise<NbclientRun[]>>();
    const next = async (): Promise<void> => {
      const path = paths.shift();
      if (!path) return;
      const runs = runNbclient(new URL(path, root).pathname, { runs: RUNS });
      results.set(path, runs);
      await runs.catch(() => {});
      await next();
    };
    await Promise.all([next(), next()]);
    for (const path of started) {
      await t.step(path, async () => {
        const runs = await results.get(path)!;
        assertEquals(runs.length, RUNS);
        const stored = committed(new URL(path, root).pathname);
        for (const [i, run] of runs.entries()) {
          assertEquals(
            differing(stored, run),
            [],
            `run ${i + 1} of ${path}: code cells whose outputs differ from the committed ones`,
          );
        }
      });
    }
  },
});

Deno.test({
  name: "nbclient with Deno's own kernel still loses or misplaces outputs (the upstream bug)",
  ignore: missing !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Measured on Deno 2.9.6: 0 to 6 of Day 3's 23 code cells lose or misplace output in a run,
    // 2 to 4 of Day 4's 11. When this fails, Deno has fixed its kernel: the relay and this test
    // can go (see the doc).
    const paths = ["day3_automatic_backpropagation", "day4_neural_net"].map((name) =>
      new URL(`notebooks/${name}.ipynb`, root).pathname
    );
    const measured = await Promise.all(
      paths.map((path) => runNbclient(path, { kernel: "deno", runs: RUNS })),
    );
    const lost = measured.flatMap((runs, i) => {
      const stored = committed(paths[i]);
      return runs.map((run) => differing(stored, run));
    });
    console.log(
      `Deno's own kernel, code cells with outputs lost or misplaced per run: Day 3 ${
        lost.slice(0, RUNS).map((cells) => `${cells.length}/${measured[0][0].cells.length}`)
      }, Day 4 ${
        lost.slice(RUNS).map((cells) => `${cells.length}/${measured[1][0].cells.length}`)
      }`,
    );
    assert(
      lost.some((cells) => cells.length > 0),
      "Deno's own kernel delivered every output in time: retire the relay " +
        "(docs/upstream/deno-jupyter-late-output.md)",
    );
  },
});

Deno.test({
  name: "the relay starts Deno again on new ports when one it picked was taken meanwhile",
  ignore: missing !== undefined,
  async fn() {
    // Seen under CI: two kernels starting at once, one took a port the relay had picked for
    // Deno before Deno bound it, and Deno exited with AddrInUse. tests/relay_retry.py forces that.
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [new URL("relay_retry.py", import.meta.url).pathname, Deno.execPath()],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert(out.success, `relay_retry.py: ${text}${new TextDecoder().decode(out.stderr)}`);
    assertEquals(text, "picks 2, printed 'after a retry\\n'\n");
  },
});
