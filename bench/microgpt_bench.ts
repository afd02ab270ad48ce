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
// denograd's step is timed twice: as examples/microgpt.ts writes it, with `dot`, and with the
// weighted sums written with the ops alone, `w[0].mul(x[0]).add(...)`, the way a learner ports
// microgpt.py's `sum(wi * xi for wi, xi in zip(w, x))`.
//
// The last case trains all 1,000 steps once, as `deno task microgpt` does.
import { PyRandom, type Value } from "../mod.ts";
import {
  createAdam,
  createModel,
  encode,
  readDocs,
  tokenizer,
  trainStep,
} from "../examples/microgpt.ts";

const DOCS = 20;
const namesUrl = new URL("../data/names.txt", import.meta.url);
const original = Deno.env.get("MICROGPT_PY") ??
  new URL("../../shared/microgpt/microgpt.py", import.meta.url).pathname;

/** A training run from step 0, as microgpt.py starts one. */
function setUp() {
  const random = new PyRandom(42);
  const docs = readDocs(Deno.readTextFileSync(namesUrl));
  random.shuffle(docs);
  const tok = tokenizer(docs);
  const model = createModel(random, tok.vocabSize);
  return { docs, tok, model, adam: createAdam(model) };
}

/** Karpathy's microgpt.py in a Python process that runs one training step per request. */
async function startPython(): Promise<{ step(): Promise<string> } | undefined> {
  try {
    await Deno.stat(original);
  } catch {
    console.warn(`No Python reference: ${original} not found (set MICROGPT_PY)`);
    return undefined;
  }
  const dir = await Deno.makeTempDir({ prefix: "microgpt_bench_" });
  await Deno.copyFile(namesUrl, `${dir}/input.txt`); // the file microgpt.py reads
  const child = new Deno.Command("python3", {
    args: [new URL("microgpt_python.py", import.meta.url).pathname, original, String(DOCS)],
    cwd: dir,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.next();
      if (done) throw new Error("Cannot bench microgpt.py: it stopped");
      buffered += value;
    }
    const line = buffered.slice(0, buffered.indexOf("\n"));
    buffered = buffered.slice(line.length + 1);
    return line;
  };
  while (await nextLine() !== "ready");
  const writer = child.stdin.getWriter();
  const newline = new TextEncoder().encode("\n");
  return {
    async step() {
      await writer.write(newline);
      for (;;) {
        const line = await nextLine(); // its own "step ..." line, then the loss
        if (/^\d+\.\d{4}$/.test(line)) return line;
      }
    },
  };
}

const python = await startPython();
if (python) {
  Deno.bench("microgpt step, Karpathy's microgpt.py (CPython)", {
    group: "microgpt step",
    baseline: true,
    n: DOCS,
    warmup: 0,
  }, async () => {
    await python.step();
  });
}

/** `sum(wi * xi for wi, xi in zip(w, x))` as a learner writes it: with the ops alone. */
function dotByOps(w: Value[], x: Value[]): Value {
  return w.map((wi, i) => wi.mul(x[i])).reduce((a, b) => a.add(b));
}

// The ops-alone case runs its own instance of examples/microgpt.ts, as a learner's program has
// only its own version: one shared `gpt` would see both dot products and be optimized for neither.
const example = await import(
  "../examples/microgpt.ts?ops"
) as typeof import("../examples/microgpt.ts");
for (
  const [name, dot, train] of [
    ["denograd", undefined, trainStep],
    ["denograd, ops alone", dotByOps, example.trainStep],
  ] as const
) {
  const run = setUp();
  const model = { ...run.model, dot };
  let step = 0;
  Deno.bench(
    `microgpt step, ${name}`,
    { group: "microgpt step", n: 40 * DOCS, warmup: DOCS },
    () => {
      const doc = run.docs[step % DOCS];
      train(model, run.adam, encode(doc, run.tok), step++, 1_000_000);
    },
  );
}

Deno.bench("microgpt, all 1,000 steps (deno task microgpt's training)", { n: 1, warmup: 0 }, () => {
  const { docs, tok, model, adam } = setUp();
  for (let step = 0; step < 1000; step++) {
    trainStep(model, adam, encode(docs[step % docs.length], tok), step, 1000);
  }
});
