/**
 * Karpathy's microgpt (February 2026) in TypeScript: the most atomic way to train and sample a
 * GPT, here on denograd's `Value`. A 4,192-parameter transformer (one layer, four heads) learns
 * the 32,033 names of `data/names.txt` one name per step with Adam, then makes up new ones.
 *
 * It follows the Python original line by line and takes the same random numbers (`PyRandom(42)`:
 * the shuffle, the initial weights, the sampling), so it prints the same lines: `num docs`,
 * `vocab size`, `num params`, 1,000 losses to 4 decimals and 20 names.
 *
 * Run it with `deno task microgpt` (a few seconds), `deno task microgpt --steps 5` to stop after
 * 5 steps, or `deno task microgpt --help` for its options. The pieces are exported for `bench/`:
 * {@linkcode createModel}, {@linkcode createAdam}, {@linkcode gpt}, {@linkcode trainStep},
 * {@linkcode sample}.
 *
 * @module
 */
import { dot, PyRandom, Value } from "../mod.ts";
import { exitWithUsageError, readArgs, type Usage } from "./_cli.ts";

// Let there be an input dataset `docs`: string[] of documents (e.g. a dataset of names)
/** The non-empty lines of `text`, trimmed: the documents. */
export function readDocs(text: string): string[] {
  return text.trim().split("\n").map((l) => l.trim()).filter((l) => l !== "");
}

// Let there be a Tokenizer to translate strings to discrete symbols and back
/** The tokenizer of `docs`: unique characters become token ids 0..n-1, and BOS is n. */
export interface Tokenizer {
  /** The unique characters in the dataset, sorted: token id i is `uchars[i]`. */
  uchars: string[];
  /** Token id for the special Beginning of Sequence (BOS) token. */
  BOS: number;
  /** Total number of unique tokens, +1 is for BOS. */
  vocabSize: number;
}

/** Build the tokenizer of `docs`. */
export function tokenizer(docs: string[]): Tokenizer {
  const uchars = [...new Set(docs.join(""))].sort(); // unique characters become token ids 0..n-1
  return { uchars, BOS: uchars.length, vocabSize: uchars.length + 1 };
}

/** A document as token ids, surrounded by BOS on both sides. */
export function encode(doc: string, { uchars, BOS }: Tokenizer): number[] {
  return [BOS, ...[...doc].map((ch) => uchars.indexOf(ch)), BOS];
}

// Let there be Autograd, to recursively apply the chain rule through a computation graph:
// denograd's `Value` is that class (data, grad, children, local grads, backward()).

// Initialize the parameters, to store the knowledge of the model.
const nEmbd = 16; // embedding dimension
const nHead = 4; // number of attention heads
const nLayer = 1; // number of layers
const blockSize = 16; // maximum sequence length
const headDim = nEmbd / nHead; // dimension of each head

/** The model's weight matrices by name, each a list of rows. */
export type StateDict = Record<string, Value[][]>;

/** The parameters: the weight matrices by name, and all of them in one list. */
export interface Model {
  /** `wte`, `wpe`, `lm_head` and each layer's attention and MLP matrices. */
  stateDict: StateDict;
  /** Every parameter, matrix by matrix, row by row. */
  params: Value[];
}

/**
 * Initialize the parameters with `random.gauss(0, 0.08)` draws, in the Python original's order.
 *
 * @param random The generator, seeded and shuffled as the original's is by then.
 * @param vocabSize The number of tokens.
 * @returns The model.
 */
export function createModel(random: PyRandom, vocabSize: number): Model {
  const matrix = (nout: number, nin: number, std = 0.08) =>
    Array.from(
      { length: nout },
      () => Array.from({ length: nin }, () => new Value(random.gauss(0, std))),
    );
  const stateDict: StateDict = {
    wte: matrix(vocabSize, nEmbd),
    wpe: matrix(blockSize, nEmbd),
    lm_head: matrix(vocabSize, nEmbd),
  };
  for (let i = 0; i < nLayer; i++) {
    stateDict[`layer${i}.attn_wq`] = matrix(nEmbd, nEmbd);
    stateDict[`layer${i}.attn_wk`] = matrix(nEmbd, nEmbd);
    stateDict[`layer${i}.attn_wv`] = matrix(nEmbd, nEmbd);
    stateDict[`layer${i}.attn_wo`] = matrix(nEmbd, nEmbd);
    stateDict[`layer${i}.mlp_fc1`] = matrix(4 * nEmbd, nEmbd);
    stateDict[`layer${i}.mlp_fc2`] = matrix(nEmbd, 4 * nEmbd);
  }
  const params = Object.values(stateDict).flat(2); // flatten params into a single Value[]
  return { stateDict, params };
}

// Define the model architecture: a stateless function mapping token sequence and parameters to
// logits over what comes next. Follow GPT-2, blessed among the GPTs, with minor differences:
// layernorm -> rmsnorm, no biases, GeLU -> ReLU

/** The sum of `xs`, added left to right as Python's `sum()` does. */
function sum(xs: Value[]): Value {
  return xs.reduce((a, b) => a.add(b));
}

function linear(x: Value[], w: Value[][]): Value[] {
  return w.map((wo) => dot(wo, x)); // sum(wi * xi for wi, xi in zip(wo, x))
}

function softmax(logits: Value[]): Value[] {
  const maxVal = Math.max(...logits.map((val) => val.data));
  const exps = logits.map((val) => val.sub(maxVal).exp());
  const total = sum(exps);
  return exps.map((e) => e.div(total));
}

function rmsnorm(x: Value[]): Value[] {
  const ms = dot(x, x).div(x.length); // sum(xi * xi for xi in x) / len(x)
  const scale = ms.add(1e-5).pow(-0.5);
  return x.map((xi) => xi.mul(scale));
}

/**
 * The GPT: the logits over the next token, given a token at a position and the keys and values
 * of the positions before it (which it extends by this position's).
 *
 * @param model The parameters.
 * @param tokenId The token.
 * @param posId Its position, 0 to 15.
 * @param keys Per layer, the keys of the earlier positions.
 * @param values Per layer, the values of the earlier positions.
 * @returns One logit per token.
 */
export function gpt(
  { stateDict }: Model,
  tokenId: number,
  posId: number,
  keys: Value[][][],
  values: Value[][][],
): Value[] {
  const tokEmb = stateDict["wte"][tokenId]; // token embedding
  const posEmb = stateDict["wpe"][posId]; // position embedding
  let x = tokEmb.map((t, i) => t.add(posEmb[i])); // joint token and position embedding
  x = rmsnorm(x);

  for (let li = 0; li < nLayer; li++) {
    // 1) Multi-head attention block
    let xResidual = x;
    x = rmsnorm(x);
    const q = linear(x, stateDict[`layer${li}.attn_wq`]);
    const k = linear(x, stateDict[`layer${li}.attn_wk`]);
    const v = linear(x, stateDict[`layer${li}.attn_wv`]);
    keys[li].push(k);
    values[li].push(v);
    const xAttn: Value[] = [];
    for (let h = 0; h < nHead; h++) {
      const hs = h * headDim;
      const qH = q.slice(hs, hs + headDim);
      const kH = keys[li].map((ki) => ki.slice(hs, hs + headDim));
      const vH = values[li].map((vi) => vi.slice(hs, hs + headDim));
      const attnLogits = kH.map((kt) => dot(qH, kt).div(headDim ** 0.5));
      const attnWeights = softmax(attnLogits);
      const headOut = qH.map((_, j) => dot(attnWeights, vH.map((vt) => vt[j])));
      xAttn.push(...headOut);
    }
    x = linear(xAttn, stateDict[`layer${li}.attn_wo`]);
    x = x.map((a, i) => a.add(xResidual[i]));
    // 2) MLP block
    xResidual = x;
    x = rmsnorm(x);
    x = linear(x, stateDict[`layer${li}.mlp_fc1`]);
    x = x.map((xi) => xi.relu());
    x = linear(x, stateDict[`layer${li}.mlp_fc2`]);
    x = x.map((a, i) => a.add(xResidual[i]));
  }

  const logits = linear(x, stateDict["lm_head"]);
  return logits;
}

// Let there be Adam, the blessed optimizer and its buffers
const [learningRate, beta1, beta2, epsAdam] = [0.01, 0.85, 0.99, 1e-8];

/** Adam's buffers, one entry per parameter. */
export interface Adam {
  /** First moment buffer. */
  m: number[];
  /** Second moment buffer. */
  v: number[];
}

/** Adam's buffers for `model`, all 0. */
export function createAdam({ params }: Model): Adam {
  return { m: params.map(() => 0.0), v: params.map(() => 0.0) };
}

/** Empty keys or values: one list per layer. */
function perLayer(): Value[][][] {
  return Array.from({ length: nLayer }, () => []);
}

/**
 * One training step on one document: forward the tokens to the loss, backward, and update the
 * parameters with Adam.
 *
 * @param model The parameters, updated in place.
 * @param adam Adam's buffers, updated in place.
 * @param tokens The document, BOS on both sides (see {@linkcode encode}).
 * @param step The step, from 0.
 * @param numSteps The number of steps in all (the learning rate decays to 0 at the end).
 * @returns The loss before the update.
 */
export function trainStep(
  model: Model,
  { m, v }: Adam,
  tokens: number[],
  step: number,
  numSteps: number,
): number {
  const n = Math.min(blockSize, tokens.length - 1);

  // Forward the token sequence through the model, building up the computation graph all the way
  // to the loss.
  const [keys, values] = [perLayer(), perLayer()];
  const losses: Value[] = [];
  for (let posId = 0; posId < n; posId++) {
    const [tokenId, targetId] = [tokens[posId], tokens[posId + 1]];
    const logits = gpt(model, tokenId, posId, keys, values);
    const probs = softmax(logits);
    const lossT = probs[targetId].log().neg();
    losses.push(lossT);
  }
  const loss = Value.mul(1 / n, sum(losses)); // final average loss over the document sequence. May yours be low.

  // Backward the loss, calculating the gradients with respect to all model parameters.
  loss.backward();

  // Adam optimizer update: update the model parameters based on the corresponding gradients.
  const lrT = learningRate * (1 - step / numSteps); // linear learning rate decay
  model.params.forEach((p, i) => {
    m[i] = beta1 * m[i] + (1 - beta1) * p.grad;
    v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2;
    const mHat = m[i] / (1 - beta1 ** (step + 1));
    const vHat = v[i] / (1 - beta2 ** (step + 1));
    p.data -= lrT * mHat / (vHat ** 0.5 + epsAdam);
    p.grad = 0;
  });
  return loss.data;
}

/**
 * Inference: sample one name, token by token, until BOS or 16 tokens.
 *
 * @param model The trained parameters.
 * @param tok The tokenizer.
 * @param random The generator, for `random.choices`.
 * @param temperature In (0, 1]: the "creativity" of the generated text, low to high.
 * @returns The name.
 */
export function sample(
  model: Model,
  tok: Tokenizer,
  random: PyRandom,
  temperature: number,
): string {
  const [keys, values] = [perLayer(), perLayer()];
  const tokenIds = Array.from({ length: tok.vocabSize }, (_, i) => i);
  let tokenId = tok.BOS;
  const sample: string[] = [];
  for (let posId = 0; posId < blockSize; posId++) {
    const logits = gpt(model, tokenId, posId, keys, values);
    const probs = softmax(logits.map((l) => l.div(temperature)));
    tokenId = random.choices(tokenIds, { weights: probs.map((p) => p.data) })[0];
    if (tokenId === tok.BOS) break;
    sample.push(tok.uchars[tokenId]);
  }
  return sample.join("");
}

const usage: Usage = {
  task: "microgpt",
  help: `Usage: deno task microgpt [--steps N]

Trains Karpathy's microgpt, a 4,192-parameter GPT, on the 32,033 names of data/names.txt (from
karpathy/makemore), one name per step for 1,000 steps, printing the loss of each, then makes up
20 new names. It prints the same lines as the Python original, microgpt.py.

Options:
  --steps N, --steps=N  stop after the first N of the 1,000 steps (1 to 1000; the learning rate
                        still decays over all 1,000)
  -h, --help            print this help and exit

Example:
  deno task microgpt --steps 5

Without the task: deno run --allow-read=data/names.txt examples/microgpt.ts [--steps N]`,
};

if (import.meta.main) {
  const numSteps = 1000; // number of training steps
  // `--steps N` stops after the first N of them (on the same learning-rate schedule): a quick look
  const { steps } = readArgs(usage, ["steps"]);
  const stopAfter = steps === undefined ? numSteps : Number(steps);
  if (!Number.isSafeInteger(stopAfter) || stopAfter < 1 || stopAfter > numSteps) {
    exitWithUsageError(
      usage,
      `--steps must be an integer from 1 to ${numSteps}, got ${JSON.stringify(steps)}`,
    );
  }
  const random = new PyRandom(42); // Let there be order among chaos

  const text = await Deno.readTextFile(new URL("../data/names.txt", import.meta.url));
  const docs = readDocs(text); // string[] of documents
  random.shuffle(docs);
  console.log(`num docs: ${docs.length}`);

  const tok = tokenizer(docs);
  console.log(`vocab size: ${tok.vocabSize}`);

  const model = createModel(random, tok.vocabSize);
  console.log(`num params: ${model.params.length}`);

  const adam = createAdam(model);

  // Repeat in sequence
  for (let step = 0; step < stopAfter; step++) {
    // Take single document, tokenize it, surround it with BOS special token on both sides
    const doc = docs[step % docs.length];
    const loss = trainStep(model, adam, encode(doc, tok), step, numSteps);
    // toFixed(4) is Python's {:.4f} but at an exact tie (a multiple of 1/32), which it rounds up
    const stepText = `${step + 1}`.padStart(4);
    console.log(`step ${stepText} / ${`${numSteps}`.padStart(4)} | loss ${loss.toFixed(4)}`);
  }

  // Inference: may the model babble back to us
  const temperature = 0.5; // in (0, 1], control the "creativity" of generated text, low to high
  console.log("\n--- inference (new, hallucinated names) ---");
  for (let sampleIdx = 0; sampleIdx < 20; sampleIdx++) {
    console.log(
      `sample ${`${sampleIdx + 1}`.padStart(2)}: ${sample(model, tok, random, temperature)}`,
    );
  }
}
