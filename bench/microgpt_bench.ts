// microgpt's training step, denograd against Karpathy's Python original, in one run:
//
//   deno bench --allow-read --allow-write --allow-run --allow-env=MICROGPT_PY bench/microgpt_bench.ts
//
// Both train the same model from the same start on the same first 20 documents, round and round
// (each bench iteration is one step: forward, backward, Adam), so the ratio deno bench prints is
// per step on the same work. The Python original is ../shared/microgpt/microgpt.py beside the
// checkout, or the file MICROGPT_PY names; it runs unchanged, driven by microgpt_python.py.
// Without it, only denograd's steps are measured.
//
// denograd's step here is examples/microgpt.ts's, with `dot`; microgpt_ops_bench.ts times it with
// the ops alone, as a learner writes it. Each bench file runs in an isolate of its own, so neither
// case runs in a JIT and a heap the other has shaped: run after the `dot` case in one isolate, the
// ops-alone step measured 10 to 20% slower (median step, three runs each).
//
// The last case trains all 1,000 steps once, as `deno task microgpt` does.
import { encode, trainStep } from "../examples/microgpt.ts";
import { benchPython, DOCS, setUp } from "./_microgpt.ts";

await benchPython();

const run = setUp();
let step = 0;
Deno.bench(
  "microgpt step, denograd",
  { group: "microgpt step", n: 40 * DOCS, warmup: DOCS },
  () => {
    const doc = run.docs[step % DOCS];
    trainStep(run.model, run.adam, encode(doc, run.tok), step++, 1_000_000);
  },
);

// In a group of its own, so that it runs last: deno bench runs the cases of no group first.
Deno.bench("microgpt, all 1,000 steps (deno task microgpt's training)", {
  group: "microgpt training",
  n: 1,
  warmup: 0,
}, () => {
  const { docs, tok, model, adam } = setUp();
  for (let step = 0; step < 1000; step++) {
    trainStep(model, adam, encode(docs[step % docs.length], tok), step, 1000);
  }
});
