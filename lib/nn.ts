/**
 * micrograd's neural networks: {@linkcode Neuron}, {@linkcode Layer} and {@linkcode MLP}, all
 * {@linkcode Module}s, built from {@linkcode Value}s.
 *
 * @module
 */
import { describe } from "./_format.ts";
import { checkInputs, checkOptions, checkPositiveCount } from "./_check.ts";
import { random } from "./random.ts";
import { isValue, Value } from "./value.ts";
import { internals } from "./_hooks.ts";

/**
 * What draws the initial weights: anything with Python's `uniform(a, b)`, such as `random` or
 * a {@linkcode PyRandom}.
 *
 * @example Weights from a generator of one's own
 * ```ts
 * import { Neuron, type Rng } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const half: Rng = { uniform: (a, b) => (a + b) / 2 + 0.5 };
 * assertEquals(new Neuron(2, { rng: half }).w.map((w) => w.data), [0.5, 0.5]);
 * ```
 */
export interface Rng {
  /**
   * A number between `a` and `b`.
   *
   * @param a One end.
   * @param b The other end.
   * @returns The next draw.
   */
  uniform(a: number, b: number): number;
}

/**
 * What a neuron does to its weighted sum: `"relu"` (micrograd's `ReLUNeuron`), `"tanh"` (the
 * lecture's neuron) or `"linear"` (micrograd's `LinearNeuron`, `nonlin=False`: nothing).
 *
 * @example
 * ```ts
 * import { type Activation, Neuron } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const activation: Activation = "tanh";
 * assertEquals(`${new Neuron(3, { activation })}`, "TanhNeuron(3)");
 * ```
 */
export type Activation = "relu" | "tanh" | "linear";

/**
 * Options for {@linkcode Neuron} and {@linkcode Layer}. Any other key is a `TypeError` (a
 * misspelt option, or micrograd's `nonlin`, would otherwise be ignored without a word).
 *
 * @example micrograd's `Neuron(16, nonlin=False)`
 * ```ts
 * import { Neuron, type NeuronOptions, PyRandom } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const options: NeuronOptions = { activation: "linear", rng: new PyRandom(1337) };
 * assertEquals(`${new Neuron(16, options)}`, "LinearNeuron(16)");
 * ```
 */
export interface NeuronOptions {
  /** The activation (default `"relu"`, as micrograd's `nonlin=True`). */
  activation?: Activation;
  /** Draws each weight with `uniform(-1, 1)` (default: the shared {@linkcode random}). */
  rng?: Rng;
}

/**
 * Options for {@linkcode MLP}. Any other key is a `TypeError`.
 *
 * @example The lecture's network: tanh throughout
 * ```ts
 * import { MLP, type MLPOptions } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const options: MLPOptions = { activation: "tanh", outputActivation: "tanh" };
 * assertEquals(`${new MLP(3, [1], options)}`, "MLP of [Layer of [TanhNeuron(3)]]");
 * ```
 */
export interface MLPOptions {
  /** The hidden layers' activation (default `"relu"`, as micrograd). */
  activation?: Activation;
  /** The last layer's activation (default `"linear"`, as micrograd; `"tanh"` for the lecture). */
  outputActivation?: Activation;
  /** Draws each weight with `uniform(-1, 1)` (default: the shared {@linkcode random}). */
  rng?: Rng;
}

/**
 * Anything with parameters to train: micrograd's `Module`.
 *
 * @example Zero the gradients of a neuron
 * ```ts
 * import { Neuron } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const n = new Neuron(2);
 * n.forward([1, 2]).backward();
 * n.zeroGrad();
 * assertEquals(n.parameters().map((p) => p.grad), [0, 0, 0]);
 * ```
 */
export class Module {
  /**
   * Set every parameter's `grad` to 0, before the next `backward()` (micrograd's `zero_grad`).
   *
   * @example
   * ```ts
   * import { Module } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const m = new Module();
   * m.zeroGrad();
   * assertEquals(m.parameters(), []);
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }

  /**
   * The trainable values, in a fixed order (none for a bare `Module`).
   *
   * @returns A new array of the parameters.
   * @example
   * ```ts
   * import { Module } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new Module().parameters(), []);
   * ```
   */
  parameters(): Value[] {
    return [];
  }

  /**
   * The text form Deno (and so Jupyter) shows: the same as `toString()`.
   *
   * @returns The text form.
   * @example
   * ```ts
   * import { Neuron } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(Deno.inspect(new Neuron(3)), "ReLUNeuron(3)");
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

const NAMES: Record<Activation, string> = { relu: "ReLU", tanh: "Tanh", linear: "Linear" };

/**
 * One neuron: `act(b + w0·x0 + w1·x1 + ...)`, summed left to right from `b` as micrograd's
 * `sum(wi*xi ..., self.b)` does, so results match micrograd's bit for bit.
 *
 * Each weight is drawn with `rng.uniform(-1, 1)` in order; the bias starts at 0.
 *
 * @example micrograd's first weight after `random.seed(1337)`
 * ```ts
 * import { Neuron, random } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * random.seed(1337);
 * const n = new Neuron(2);
 * assertEquals(n.w[0].data, 0.23550571390294128); // Python: random.seed(1337); random.uniform(-1, 1)
 * assertEquals(n.forward([1, 0]).data, 0.23550571390294128);
 * ```
 */
export class Neuron extends Module {
  /** The weights, one per input. */
  readonly w: readonly Value[];
  /** The bias. */
  readonly b: Value;
  /** What is applied to the weighted sum. */
  readonly activation: Activation;

  /**
   * Make a neuron with `nin` inputs.
   *
   * @param nin How many inputs: a positive integer.
   * @param options `activation` (default `"relu"`) and `rng`.
   * @throws {TypeError} If `nin` is not a number, `activation` is not one of the three, or
   * `rng` has no `uniform` method.
   * @throws {RangeError} If `nin` is not a positive integer, or `rng` draws a number that is
   * not finite.
   */
  constructor(nin: number, options: NeuronOptions = {}) {
    super();
    const { activation, rng } = checkNetOptions(options, "Neuron");
    checkPositiveCount(nin, "create Neuron", "nin");
    const w: Value[] = [];
    for (let i = 0; i < nin; i++) {
      const x = rng.uniform(-1, 1);
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new RangeError(
          `Cannot create Neuron: rng.uniform(-1, 1) must return a finite number, got ${
            describe(x)
          }`,
        );
      }
      w.push(new Value(x));
    }
    this.w = w;
    this.b = new Value(0);
    this.activation = activation;
  }

  /**
   * The neuron's output for one input vector (micrograd's `__call__`).
   *
   * @param x `nin` inputs, numbers or `Value`s.
   * @returns The output, a new `Value`.
   * @throws {TypeError} If `x` is not an array, or an input is neither a number nor a `Value`.
   * @throws {RangeError} If `x` does not have `nin` items, or an input is not finite.
   * @example
   * ```ts
   * import { Neuron, PyRandom } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const n = new Neuron(2, { activation: "linear", rng: new PyRandom(1) });
   * const [w0, w1] = n.w.map((w) => w.data);
   * assertEquals(n.forward([2, 3]).data, 0 + w0 * 2 + w1 * 3);
   * ```
   */
  forward(x: readonly (Value | number)[]): Value {
    checkForward(x, this.w.length, "Neuron");
    return fire(this, x);
  }

  /**
   * The weights, then the bias.
   *
   * @returns A new array: `[...w, b]`.
   * @example
   * ```ts
   * import { Neuron } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const n = new Neuron(2);
   * assertEquals(n.parameters(), [n.w[0], n.w[1], n.b]);
   * ```
   */
  override parameters(): Value[] {
    return [...this.w, this.b];
  }

  /**
   * micrograd's text form: `ReLUNeuron(2)`, `LinearNeuron(16)`, or `TanhNeuron(3)`.
   *
   * @returns The text form.
   * @example
   * ```ts
   * import { Neuron } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(`${new Neuron(16, { activation: "linear" })}`, "LinearNeuron(16)");
   * ```
   */
  override toString(): string {
    return `${NAMES[this.activation]}Neuron(${this.w.length})`;
  }
}

/**
 * A layer of `nout` neurons that all see the same inputs.
 *
 * @example
 * ```ts
 * import { Layer } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const layer = new Layer(2, 3);
 * assertEquals(layer.forward([1, -1]).length, 3);
 * assertEquals(layer.parameters().length, 9);
 * ```
 */
export class Layer extends Module {
  /** The neurons, in order. */
  readonly neurons: readonly Neuron[];

  /**
   * Make a layer; the neurons draw their weights one neuron after another.
   *
   * @param nin How many inputs each neuron takes: a positive integer.
   * @param nout How many neurons: a positive integer.
   * @param options `activation` (default `"relu"`) and `rng`, for every neuron.
   * @throws {TypeError} If a count is not a number, or an option has the wrong type.
   * @throws {RangeError} If a count is not a positive integer.
   */
  constructor(nin: number, nout: number, options: NeuronOptions = {}) {
    super();
    const { activation, rng } = checkNetOptions(options, "Layer");
    checkPositiveCount(nin, "create Layer", "nin");
    checkPositiveCount(nout, "create Layer", "nout");
    const neurons: Neuron[] = [];
    for (let i = 0; i < nout; i++) neurons.push(new Neuron(nin, { activation, rng }));
    this.neurons = neurons;
  }

  /**
   * Every neuron's output for one input vector.
   *
   * @param x `nin` inputs, numbers or `Value`s.
   * @returns `nout` new `Value`s (micrograd returns the bare value when `nout` is 1; this
   * always returns an array).
   * @throws {TypeError} If `x` is not an array, or an input is neither a number nor a `Value`.
   * @throws {RangeError} If `x` does not have `nin` items, or an input is not finite.
   * @example
   * ```ts
   * import { Layer } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const out = new Layer(3, 2, { activation: "tanh" }).forward([0, 0, 0]);
   * assertEquals(out.map((v) => v.data), [0, 0]); // tanh(0 + 0), the biases start at 0
   * ```
   */
  forward(x: readonly (Value | number)[]): Value[] {
    checkForward(x, this.neurons[0].w.length, "Layer");
    return this.neurons.map((n) => fire(n, x));
  }

  /**
   * Every neuron's parameters, neuron after neuron.
   *
   * @returns A new array.
   * @example
   * ```ts
   * import { Layer } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const layer = new Layer(2, 2);
   * assertEquals(layer.parameters()[3], layer.neurons[1].w[0]);
   * ```
   */
  override parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  /**
   * micrograd's text form: `Layer of [ReLUNeuron(2), ReLUNeuron(2)]`.
   *
   * @returns The text form.
   * @example
   * ```ts
   * import { Layer } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(`${new Layer(2, 2)}`, "Layer of [ReLUNeuron(2), ReLUNeuron(2)]");
   * ```
   */
  override toString(): string {
    return `Layer of [${this.neurons.join(", ")}]`;
  }
}

/**
 * A multi-layer perceptron: layers of sizes `nouts`, each feeding the next. As in micrograd,
 * the hidden layers use ReLU and the last layer is linear; `activation` and `outputActivation`
 * change that (the lecture's network is tanh throughout).
 *
 * @example micrograd's demo network
 * ```ts
 * import { MLP, random } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * random.seed(1337);
 * const model = new MLP(2, [16, 16, 1]);
 * assertEquals(model.parameters().length, 337);
 * const score = model.call([0.5, -1]);
 * score.backward();
 * assertEquals(model.parameters().some((p) => p.grad !== 0), true);
 * ```
 */
export class MLP extends Module {
  /** The layers, input side first. */
  readonly layers: readonly Layer[];

  /**
   * Make a network; the layers draw their weights one after another.
   *
   * @param nin How many inputs: a positive integer.
   * @param nouts Each layer's size, input side first: positive integers, at least one.
   * @param options `activation` (hidden layers, default `"relu"`), `outputActivation` (last
   * layer, default `"linear"`), and `rng`.
   * @throws {TypeError} If `nin` is not a number, `nouts` is not an array of numbers, or an
   * option has the wrong type.
   * @throws {RangeError} If a size is not a positive integer, or `nouts` is empty.
   */
  constructor(nin: number, nouts: readonly number[], options: MLPOptions = {}) {
    super();
    const { activation, rng } = checkNetOptions(options, "MLP");
    const { outputActivation = "linear" } = options;
    checkActivation(outputActivation, "outputActivation", "MLP");
    checkPositiveCount(nin, "create MLP", "nin");
    if (!Array.isArray(nouts)) {
      throw new TypeError(
        `Cannot create MLP: nouts must be an array of layer sizes, got ${describe(nouts)}`,
      );
    }
    if (nouts.length === 0) {
      throw new RangeError("Cannot create MLP: nouts must list at least one layer, got []");
    }
    nouts.forEach((n, i) => checkPositiveCount(n, "create MLP", `nouts[${i}]`));
    const sizes = [nin, ...nouts];
    this.layers = nouts.map((nout, i) =>
      new Layer(sizes[i], nout, {
        activation: i === nouts.length - 1 ? outputActivation : activation,
        rng,
      })
    );
  }

  /**
   * The network's outputs for one input vector: each layer's outputs feed the next.
   *
   * @param x `nin` inputs, numbers or `Value`s.
   * @returns The last layer's outputs, new `Value`s.
   * @throws {TypeError} If `x` is not an array, or an input is neither a number nor a `Value`.
   * @throws {RangeError} If `x` does not have `nin` items, or an input is not finite.
   * @example
   * ```ts
   * import { MLP } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new MLP(3, [4, 2]).forward([1, 2, 3]).length, 2);
   * ```
   */
  forward(x: readonly (Value | number)[]): Value[] {
    checkForward(x, this.layers[0].neurons[0].w.length, "MLP");
    let out: readonly (Value | number)[] = x;
    for (const layer of this.layers) out = layer.neurons.map((n) => fire(n, out)); // checked
    return out as Value[];
  }

  /**
   * The one output of a network whose last layer has one neuron, as micrograd's `model(x)`
   * returns it: `forward(x)[0]`.
   *
   * @param x `nin` inputs, numbers or `Value`s.
   * @returns The output, a new `Value`.
   * @throws {TypeError} As {@linkcode MLP.forward} does.
   * @throws {RangeError} If the last layer has more than one neuron, or as `forward` does.
   * @example
   * ```ts
   * import { MLP } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const model = new MLP(2, [3, 1]);
   * assertEquals(model.call([1, 2]).data, model.forward([1, 2])[0].data);
   * ```
   */
  call(x: readonly (Value | number)[]): Value {
    const nout = this.layers[this.layers.length - 1].neurons.length;
    if (nout !== 1) {
      throw new RangeError(
        `Cannot call MLP: call() needs one output, use forward() instead, got ${nout} outputs`,
      );
    }
    return this.forward(x)[0];
  }

  /**
   * Every layer's parameters, layer after layer: for each neuron its weights, then its bias.
   *
   * @returns A new array.
   * @example
   * ```ts
   * import { MLP } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * const model = new MLP(2, [16, 16, 1]);
   * assertEquals(model.parameters().length, 16 * 3 + 16 * 17 + 17);
   * ```
   */
  override parameters(): Value[] {
    return this.layers.flatMap((layer) => layer.parameters());
  }

  /**
   * micrograd's text form: `MLP of [Layer of [ReLUNeuron(2), ...], Layer of [LinearNeuron(16)]]`.
   *
   * @returns The text form.
   * @example
   * ```ts
   * import { MLP } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(
   *   `${new MLP(2, [1, 1])}`,
   *   "MLP of [Layer of [ReLUNeuron(2)], Layer of [LinearNeuron(1)]]",
   * );
   * ```
   */
  override toString(): string {
    return `MLP of [${this.layers.join(", ")}]`;
  }
}

function checkNetOptions(
  options: MLPOptions,
  what: string,
): { activation: Activation; rng: Rng } {
  const known = what === "MLP" ? ["activation", "outputActivation", "rng"] : ["activation", "rng"];
  checkOptions(options, known, `create ${what}`, {
    nonlin: `micrograd's nonlin=False is activation: "linear"`,
  });
  const { activation = "relu", rng = random } = options;
  checkActivation(activation, "activation", what);
  if (typeof rng !== "object" || rng === null || typeof rng.uniform !== "function") {
    throw new TypeError(
      `Cannot create ${what}: rng must have a uniform(a, b) method, got ${describe(rng)}`,
    );
  }
  return { activation, rng };
}

function checkActivation(activation: unknown, name: string, what: string): void {
  if (typeof activation !== "string" || !Object.hasOwn(NAMES, activation)) {
    throw new TypeError(
      `Cannot create ${what}: ${name} must be "relu", "tanh" or "linear", got ${
        describe(activation)
      }`,
    );
  }
}

/** A neuron's output, micrograd's `act = sum(wi*xi) + b` then the activation, for checked `x`. */
function fire(n: Neuron, x: readonly (Value | number)[]): Value {
  const act = internals.weightedSum(n.b, n.w, x) as Value; // b + w0*x0 + w1*x1 + ..., op by op
  if (n.activation === "relu") return act.relu();
  if (n.activation === "tanh") return act.tanh();
  return act;
}

/** Check a forward pass's input up front, so a bad one fails before any value is made. */
function checkForward(x: readonly (Value | number)[], nin: number, what: string): void {
  checkInputs(x, `run ${what}.forward`, isValue);
  if (x.length !== nin) {
    throw new RangeError(`Cannot run ${what}.forward: x must have ${nin} inputs, got ${x.length}`);
  }
}
