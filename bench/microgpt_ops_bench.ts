// microgpt's training step with the weighted sums written with the ops alone, against Karpathy's
// Python original, in one run:
//
//   deno bench --allow-read --allow-write --allow-run --allow-env=MICROGPT_PY bench/microgpt_ops_bench.ts
//
// As microgpt_bench.ts (same model, same start, same 20 documents, one step per iteration), but
// each weighted sum is `w[0].mul(x[0]).add(...)`, the way a learner ports microgpt.py's
// `sum(wi * xi for wi, xi in zip(w, x))`, instead of `dot`.
import type { Value } from "../mod.ts";
import { encode, trainStep } from "../examples/microgpt.ts";
import { benchPython, DOCS, setUp } from "./_microgpt.ts";

/** `sum(wi * xi for wi, xi in zip(w, x))` as a learner writes it: with the ops alone. */
function dotByOps(w: Value[], x: Value[]): Value {
  return w.map((wi, i) => wi.mul(x[i])).reduce((a, b) => a.add(b));
}

await benchPython();

const run = setUp();
const model = { ...run.model, dot: dotByOps };
let step = 0;
Deno.bench("microgpt step, denograd, ops alone", {
  group: "microgpt step",
  n: 40 * DOCS,
  warmup: DOCS,
}, () => {
  const doc = run.docs[step % DOCS];
  trainStep(model, run.adam, encode(doc, run.tok), step++, 1_000_000);
});
