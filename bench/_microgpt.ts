// What bench/microgpt_bench.ts and bench/microgpt_ops_bench.ts share: a training run from
// microgpt.py's start, and Karpathy's microgpt.py as the reference, one step per bench iteration.
import { PyRandom } from "../mod.ts";
import {
  type Adam,
  createAdam,
  createModel,
  type Model,
  readDocs,
  type Tokenizer,
  tokenizer,
} from "../examples/microgpt.ts";

/** The documents both sides go round: the first 20, one per step. */
export const DOCS = 20;
const namesUrl = new URL("../data/names.txt", import.meta.url);
const original = Deno.env.get("MICROGPT_PY") ??
  new URL("../../shared/microgpt/microgpt.py", import.meta.url).pathname;

/** A training run from step 0, as microgpt.py starts one. */
export function setUp(): {
  docs: string[];
  tok: Tokenizer;
  model: Model;
  adam: Adam;
} {
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

/**
 * The reference case of group "microgpt step": Karpathy's microgpt.py, one step per iteration
 * (nothing if it is not found).
 */
export async function benchPython(): Promise<void> {
  const python = await startPython();
  if (python === undefined) return;
  Deno.bench("microgpt step, Karpathy's microgpt.py (CPython)", {
    group: "microgpt step",
    baseline: true,
    n: DOCS,
    warmup: 0,
  }, async () => {
    await python.step();
  });
}
