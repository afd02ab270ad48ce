/**
 * Karpathy's microgpt (February 2026) in TypeScript: a whole GPT, trained and then sampled, built
 * from nothing but scalar autograd, here denograd's `Value`. A 4,192-parameter transformer (one
 * layer, four heads) learns the 32,033 names of `data/names.txt` one name per step with Adam,
 * then makes up new ones. The original is `microgpt.py` in Karpathy's gist:
 * https://gist.github.com/karpathy/8627fe009c40f57531cb18360f0d00a1
 *
 * It follows that Python file line by line and takes the same random numbers (`PyRandom(42)`:
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

// The data set: a list of documents to learn from, one per line (here each one is a name).
/** The non-empty lines of `text`, trimmed: the documents. */
export function readDocs(text: string): string[] {
  return text.trim().split("\n").map((l) => l.trim()).filter((l) => l !== "");
}

// The tokenizer: it turns text into a list of numbers (token ids), and numbers back into text.
/** The tokenizer of `docs`: each character gets an id from 0 up, and BOS the next one. */
export interface Tokenizer {
  /** Each character of the documents, once, sorted: token id i is `uchars[i]`. */
  uchars: string[];
  /** The id of BOS, the extra token that marks where a document begins and where it ends. */
  BOS: number;
  /** How many tokens there are: one per character, and one more for BOS. */
  vocabSize: number;
}

/** Build the tokenizer of `docs`. */
export function tokenizer(docs: string[]): Tokenizer {
  const uchars = [...new Set(docs.join(""))].sort(); // each character once: its index is its id
  return { uchars, BOS: uchars.length, vocabSize: uchars.length + 1 };
}

/** A document as token ids, surrounded by BOS on both sides. */
export function encode(doc: string, { uchars, BOS }: Tokenizer): number[] {
  return [BOS, ...[...doc].map((ch) => uchars.indexOf(ch)), BOS];
}

// Autograd: the chain rule, applied from the loss back through every step that computed it. The
// original defines its own `Value` class for this; denograd's `Value` is that class (data, grad,
// children, local grads, backward()), so it is imported above instead.

// The parameters: the numbers training adjusts. All the model learns ends up in them.
const nEmbd = 16; // length of the vector that stands for a token
const nHead = 4; // attention heads, each looking at its own slice of it
const nLayer = 1; // transformer layers, one after the other
const blockSize = 16; // the most tokens the model sees at once
const headDim = nEmbd / nHead; // the length of each head's slice

/** The model's weight matrices by name, each a list of rows. */
export type StateDict = Record<string, Value[][]>;

/** The parameters: the weight matrices by name, and all of them in one list. */
export interface Model {
  /** `wte`, `wpe`, `lm_head` and each layer's attention and MLP matrices. */
  stateDict: StateDict;
  /** Every parameter, matrix by matrix, row by row. */
  params: Value[];
  /**
   * The dot product the model takes its weighted sums with: denograd's `dot` unless given.
   * `bench/` gives one written with the ops alone, as a learner ports microgpt.py's
   * `sum(wi * xi for wi, xi in zip(w, x))`.
   */
  dot?: DotProduct;
}

/** `w[0]·x[0] + w[1]·x[1] + ...`, added left to right. */
export type DotProduct = (w: Value[], x: Value[]) => Value;

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
  const params = Object.values(stateDict).flat(2); // every weight in one list, for Adam
  return { stateDict, params };
}

// The architecture: a function that keeps no state of its own. Given a token, its position, the
// keys and values of the positions before it, and the parameters, it gives a score (a logit) to
// every token that could come next. The design is GPT-2's, simplified three ways: RMSNorm in
// place of LayerNorm, no bias terms, and ReLU in place of GeLU.

/** The sum of `xs`, added left to right as Python's `sum()` does. */
function sum(xs: Value[]): Value {
  return xs.reduce((a, b) => a.add(b));
}

function linear(x: Value[], w: Value[][], dp: DotProduct): Value[] {
  return w.map((wo) => dp(wo, x)); // Python: sum(wi * xi for wi, xi in zip(wo, x))
}

function softmax(logits: Value[]): Value[] {
  const maxVal = Math.max(...logits.map((val) => val.data));
  const exps = logits.map((val) => val.sub(maxVal).exp());
  const total = sum(exps);
  return exps.map((e) => e.div(total));
}

function rmsnorm(x: Value[], dp: DotProduct): Value[] {
  const ms = dp(x, x).div(x.length); // Python: sum(xi * xi for xi in x) / len(x)
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
  { stateDict, dot: dp = dot }: Model,
  tokenId: number,
  posId: number,
  keys: Value[][][],
  values: Value[][][],
): Value[] {
  const tokEmb = stateDict["wte"][tokenId]; // the vector for which token this is
  const posEmb = stateDict["wpe"][posId]; // the vector for where it stands
  let x = tokEmb.map((t, i) => t.add(posEmb[i])); // their sum carries both
  x = rmsnorm(x, dp);

  for (let li = 0; li < nLayer; li++) {
    // 1) Attention: this position gathers information from itself and the positions before it
    let xResidual = x;
    x = rmsnorm(x, dp);
    const q = linear(x, stateDict[`layer${li}.attn_wq`], dp);
    const k = linear(x, stateDict[`layer${li}.attn_wk`], dp);
    const v = linear(x, stateDict[`layer${li}.attn_wv`], dp);
    keys[li].push(k);
    values[li].push(v);
    const xAttn: Value[] = [];
    for (let h = 0; h < nHead; h++) {
      const hs = h * headDim;
      const qH = q.slice(hs, hs + headDim);
      const kH = keys[li].map((ki) => ki.slice(hs, hs + headDim));
      const vH = values[li].map((vi) => vi.slice(hs, hs + headDim));
      const attnLogits = kH.map((kt) => dp(qH, kt).div(headDim ** 0.5));
      const attnWeights = softmax(attnLogits);
      const headOut = qH.map((_, j) => dp(attnWeights, vH.map((vt) => vt[j])));
      xAttn.push(...headOut);
    }
    x = linear(xAttn, stateDict[`layer${li}.attn_wo`], dp);
    x = x.map((a, i) => a.add(xResidual[i]));
    // 2) MLP: a small two-layer network works on this position's vector alone
    xResidual = x;
    x = rmsnorm(x, dp);
    x = linear(x, stateDict[`layer${li}.mlp_fc1`], dp);
    x = x.map((xi) => xi.relu());
    x = linear(x, stateDict[`layer${li}.mlp_fc2`], dp);
    x = x.map((a, i) => a.add(xResidual[i]));
  }

  const logits = linear(x, stateDict["lm_head"], dp);
  return logits;
}

// Adam: the optimizer, with its settings and the two running averages it keeps per parameter.
const [learningRate, beta1, beta2, epsAdam] = [0.01, 0.85, 0.99, 1e-8];

/** Adam's buffers, one entry per parameter. */
export interface Adam {
  /** The running average of each parameter's gradient (the first moment). */
  m: number[];
  /** The running average of each gradient squared (the second moment). */
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

  // Forward pass: feed the tokens in one position at a time. Every operation on the way adds a
  // node to the graph, which ends at the loss.
  const [keys, values] = [perLayer(), perLayer()];
  const losses: Value[] = [];
  for (let posId = 0; posId < n; posId++) {
    const [tokenId, targetId] = [tokens[posId], tokens[posId + 1]];
    const logits = gpt(model, tokenId, posId, keys, values);
    const probs = softmax(logits);
    const lossT = probs[targetId].log().neg();
    losses.push(lossT);
  }
  const loss = Value.mul(1 / n, sum(losses)); // the document's loss: the mean over its positions

  // Backward pass: from the loss back to every parameter, each gets its gradient.
  loss.backward();

  // Adam's step: move each parameter against its gradient, scaled by the running averages, and
  // reset the gradient to 0 for the next document.
  const lrT = learningRate * (1 - step / numSteps); // a little smaller each step, down to 0
  // m and v start at 0, so their first averages are too small: dividing by these undoes that.
  const [mBias, vBias] = [1 - beta1 ** (step + 1), 1 - beta2 ** (step + 1)];
  model.params.forEach((p, i) => {
    m[i] = beta1 * m[i] + (1 - beta1) * p.grad;
    v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2;
    const mHat = m[i] / mBias;
    const vHat = v[i] / vBias;
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
 * @param temperature In (0, 1]: the logits are divided by it, so the lower it is, the more
 *   often the likeliest tokens win (safe names); the higher, the more surprising ones.
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
  const numSteps = 1000; // training steps, one document each
  // `--steps N` stops after the first N of them (on the same learning-rate schedule): a quick look
  const { steps } = readArgs(usage, ["steps"]);
  const stopAfter = steps === undefined ? numSteps : Number(steps);
  if (!Number.isSafeInteger(stopAfter) || stopAfter < 1 || stopAfter > numSteps) {
    exitWithUsageError(
      usage,
      `--steps must be an integer from 1 to ${numSteps}, got ${JSON.stringify(steps)}`,
    );
  }
  const random = new PyRandom(42); // seeded with 42 as in microgpt.py: the same numbers every run

  const text = await Deno.readTextFile(new URL("../data/names.txt", import.meta.url));
  const docs = readDocs(text); // one document per name
  random.shuffle(docs);
  console.log(`num docs: ${docs.length}`);

  const tok = tokenizer(docs);
  console.log(`vocab size: ${tok.vocabSize}`);

  const model = createModel(random, tok.vocabSize);
  console.log(`num params: ${model.params.length}`);

  const adam = createAdam(model);

  // The training loop: one document per step, in the shuffled order.
  for (let step = 0; step < stopAfter; step++) {
    // This step's document, as token ids with a BOS at each end (see encode())
    const doc = docs[step % docs.length];
    const loss = trainStep(model, adam, encode(doc, tok), step, numSteps);
    // toFixed(4) is Python's {:.4f} but at an exact tie (a multiple of 1/32), which it rounds up
    const stepText = `${step + 1}`.padStart(4);
    console.log(`step ${stepText} / ${`${numSteps}`.padStart(4)} | loss ${loss.toFixed(4)}`);
  }

  // Inference: the trained model makes up names of its own.
  const temperature = 0.5; // in (0, 1]: lower keeps to likely letters, higher takes more chances
  console.log("\n--- inference (new, hallucinated names) ---");
  for (let sampleIdx = 0; sampleIdx < 20; sampleIdx++) {
    console.log(
      `sample ${`${sampleIdx + 1}`.padStart(2)}: ${sample(model, tok, random, temperature)}`,
    );
  }
}
