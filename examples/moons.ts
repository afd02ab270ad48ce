/**
 * micrograd's `demo.ipynb` as a plain Deno script: a 2-layer MLP learns the two-moons data set
 * with an SVM max-margin loss and SGD, printing the same numbers as the Python original, then
 * writes the loss curve and the decision boundary to `out/` as SVG.
 *
 * Run it with `deno task moons`; `deno task moons --help` says what it does.
 *
 * @module
 */
import {
  makeMoons,
  MLP,
  plotDecisionBoundary,
  plotLoss,
  random,
  RandomState,
  Value,
} from "../mod.ts";
import { readArgs } from "./_cli.ts";

readArgs({
  task: "moons",
  help: `Usage: deno task moons

micrograd's demo.ipynb as a script: a 2-layer MLP (337 parameters) learns scikit-learn's two
moons (100 points, seeded as the Python original) in 100 steps of SGD on an SVM max-margin loss,
printing the same losses and accuracies, then draws the loss curve and the decision boundary to
out/moons_loss.svg and out/moons_boundary.svg, making the folder out/ if needed (the only thing
it may write).

Options:
  -h, --help  print this help and exit

Without the task: deno run --allow-write=out examples/moons.ts`,
});

// out/ is made first, so that a missing permission stops the script before it trains
const outDir = "out";
await Deno.mkdir(outDir, { recursive: true });

// np.random.seed(1337); random.seed(1337)
const np = new RandomState(1337);
random.seed(1337);

// make up a dataset, with labels -1 or 1
const moons = makeMoons(100, { noise: 0.1, rng: np });
const X = moons.X;
const y = moons.y.map((label) => label * 2 - 1);

// initialize a model: a 2-layer neural network
const model = new MLP(2, [16, 16, 1]);
console.log(String(model));
console.log("number of parameters", model.parameters().length);

/** The full-batch loss: mean SVM max-margin loss plus L2 regularization, and the accuracy. */
function loss(): [Value, number] {
  const scores = X.map((row) => model.call(row.map((x) => new Value(x))));
  const losses = scores.map((score, i) => Value.mul(-y[i], score).add(1).relu());
  const dataLoss = losses.reduce((sum, l) => sum.add(l), new Value(0)).mul(1.0 / losses.length);
  const alpha = 1e-4;
  const regLoss = model.parameters().reduce((sum, p) => sum.add(p.mul(p)), new Value(0))
    .mul(alpha);
  const accuracy = scores.filter((score, i) => (y[i] > 0) === (score.data > 0)).length;
  return [dataLoss.add(regLoss), accuracy / scores.length];
}

// optimization
const history: number[] = [];
for (let k = 0; k < 100; k++) {
  const [totalLoss, acc] = loss();
  model.zeroGrad();
  totalLoss.backward();
  const learningRate = 1.0 - 0.9 * k / 100;
  for (const p of model.parameters()) p.data -= learningRate * p.grad;
  history.push(totalLoss.data);
  console.log(`step ${k} loss ${totalLoss.data}, accuracy ${(acc * 100).toFixed(1)}%`);
}

await plotLoss(history, { title: "Training loss" }).save(`${outDir}/moons_loss.svg`);
const boundary = plotDecisionBoundary(
  (a, b) => model.call([new Value(a), new Value(b)]).data,
  { X, y },
  { step: 0.25 },
);
await boundary.save(`${outDir}/moons_boundary.svg`);
console.log(`wrote ${outDir}/moons_loss.svg and ${outDir}/moons_boundary.svg`);
