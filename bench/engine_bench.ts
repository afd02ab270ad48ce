// The engine's speed: `deno bench bench/engine_bench.ts`.
//
// 1. One full-batch training step of micrograd's demo network, MLP(2, [16, 16, 1]) on 100
//    two-moons points: forward, SVM max-margin loss + L2, zeroGrad, backward, SGD update.
// 2. The same step written by hand on Float64Arrays: the floor the engine is compared with.
// 3. Building and backpropagating a chain of 1,000,000 ops.
//
// `deno run bench/engine_bench.ts` instead builds the chain once in a fresh process and prints
// its time and the process's peak memory (resident set size).
import { makeMoons, MLP, PyRandom, Value } from "../mod.ts";

const ALPHA = 1e-4;
const LEARNING_RATE = 0.05;
const CHAIN_OPS = 1_000_000;

const { X, y: labels } = makeMoons(100, { noise: 0.1, rng: 1337 });
const Y = labels.map((label) => label * 2 - 1); // ±1, as micrograd's demo

/** micrograd's demo step: loss, zero_grad, backward, SGD. Returns the loss. */
function valueStep(model: MLP): number {
  const scores = X.map((x) => model.call(x));
  // micrograd: sum((1 + -yi*scorei).relu() ...) * (1.0 / len), plus alpha * sum(p*p)
  let dataLoss = new Value(0);
  scores.forEach((score, i) => dataLoss = dataLoss.add(score.mul(-Y[i]).add(1).relu()));
  dataLoss = dataLoss.mul(1 / scores.length);
  let regLoss = new Value(0);
  for (const p of model.parameters()) regLoss = regLoss.add(p.mul(p));
  const loss = dataLoss.add(regLoss.mul(ALPHA));
  model.zeroGrad();
  loss.backward();
  for (const p of model.parameters()) p.data -= LEARNING_RATE * p.grad;
  return loss.data;
}

/**
 * The same network and step by hand: parameters in micrograd's order (per neuron: weights,
 * then bias) in one Float64Array, activations and gradients in preallocated arrays.
 */
class FloatMLP {
  readonly sizes: number[];
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly #acts: Float64Array[];
  readonly #deltas: Float64Array[];

  constructor(sizes: number[], params: Float64Array) {
    this.sizes = sizes;
    this.params = params;
    this.grads = new Float64Array(params.length);
    this.#acts = sizes.map((n) => new Float64Array(n));
    this.#deltas = sizes.map((n) => new Float64Array(n));
  }

  /** Forward for one point; the activations stay in #acts. Returns the score. */
  forward(x: number[]): number {
    const { sizes, params } = this;
    this.#acts[0].set(x);
    let offset = 0;
    for (let l = 1; l < sizes.length; l++) {
      const input = this.#acts[l - 1];
      const output = this.#acts[l];
      const nin = sizes[l - 1];
      for (let j = 0; j < sizes[l]; j++) {
        let act = params[offset + nin]; // b + w0*x0 + w1*x1 + ..., as micrograd sums
        for (let i = 0; i < nin; i++) act += params[offset + i] * input[i];
        output[j] = l < sizes.length - 1 && act < 0 ? 0 : act;
        offset += nin + 1;
      }
    }
    return this.#acts[sizes.length - 1][0];
  }

  /** Add d(loss)/d(params) for one point, given d(loss)/d(score). */
  backward(dScore: number): void {
    const { sizes, params, grads } = this;
    const last = sizes.length - 1;
    this.#deltas[last][0] = dScore;
    let offset = this.params.length;
    for (let l = last; l >= 1; l--) {
      const nin = sizes[l - 1];
      offset -= sizes[l] * (nin + 1);
      const input = this.#acts[l - 1];
      const dInput = this.#deltas[l - 1].fill(0);
      for (let j = 0; j < sizes[l]; j++) {
        const at = offset + j * (nin + 1);
        // d(relu)/d(act) is 1 where the output is positive, as micrograd's ReLU
        const d = l < last && this.#acts[l][j] <= 0 ? 0 : this.#deltas[l][j];
        if (d === 0) continue;
        for (let i = 0; i < nin; i++) {
          grads[at + i] += input[i] * d;
          dInput[i] += params[at + i] * d;
        }
        grads[at + nin] += d;
      }
    }
  }

  /** The full-batch step, as valueStep does it. Returns the loss. */
  step(): number {
    const { params, grads } = this;
    grads.fill(0);
    let dataLoss = 0;
    for (let k = 0; k < X.length; k++) {
      const margin = 1 - Y[k] * this.forward(X[k]);
      if (margin > 0) {
        dataLoss += margin;
        this.backward(-Y[k] / X.length);
      }
    }
    let regLoss = 0;
    for (let i = 0; i < params.length; i++) {
      regLoss += params[i] * params[i];
      grads[i] += 2 * ALPHA * params[i];
    }
    for (let i = 0; i < params.length; i++) params[i] -= LEARNING_RATE * grads[i];
    return dataLoss / X.length + ALPHA * regLoss;
  }
}

/**
 * Build x ← x·1.0000001 + 0 alternately, `ops` operations in all, and backpropagate. Returns
 * x0 and the largest resident set size seen (sampled every 100,000 ops and at the end).
 */
function chain(ops: number): { x0: Value; peak: number } {
  const x0 = new Value(1);
  let x = x0;
  let peak = 0;
  for (let i = 0; i < ops / 2; i++) {
    x = x.mul(1.0000001).add(0.0);
    if (i % 50_000 === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  peak = Math.max(peak, Deno.memoryUsage().rss);
  x.backward();
  return { x0, peak: Math.max(peak, Deno.memoryUsage().rss) };
}

const model = new MLP(2, [16, 16, 1], { rng: new PyRandom(1337) });
const floor = new FloatMLP([2, 16, 16, 1], Float64Array.from(model.parameters(), (p) => p.data));

// The floor must compute the same step, or the comparison means nothing: check once.
{
  const copy = new FloatMLP(floor.sizes, floor.params.slice());
  const twin = new MLP(2, [16, 16, 1], { rng: new PyRandom(1337) });
  const [a, b] = [valueStep(twin), copy.step()];
  const params = twin.parameters().map((p) => p.data);
  const worst = Math.max(...params.map((p, i) => Math.abs(p - copy.params[i])));
  if (Math.abs(a - b) > 1e-12 || worst > 1e-12) {
    throw new Error(`The Float64Array step differs from the Value step: ${a} vs ${b}, ${worst}`);
  }
}

if (import.meta.main) {
  const start = performance.now();
  const { x0, peak } = chain(CHAIN_OPS);
  const ms = performance.now() - start;
  console.log(
    `chain of ${CHAIN_OPS} ops, build + backward: ${ms.toFixed(0)} ms, ` +
      `peak RSS: ${(peak / 2 ** 20).toFixed(0)} MiB (d(x)/d(x0) = ${x0.grad})`,
  );
}

// A fixed number of runs after a warm-up: with deno bench's default time budget, a 10 ms step
// gets few runs, and the first, unoptimised ones weigh on the average.
Deno.bench("MLP(2, [16, 16, 1]) step on 100 points, Value engine", {
  group: "mlp",
  n: 300,
  warmup: 50,
}, () => {
  valueStep(model);
});

Deno.bench("MLP(2, [16, 16, 1]) step on 100 points, Float64Array floor", {
  group: "mlp",
  baseline: true,
}, () => {
  floor.step();
});

Deno.bench("chain of 1,000,000 ops, build + backward", { n: 5, warmup: 1 }, () => {
  chain(CHAIN_OPS);
});
