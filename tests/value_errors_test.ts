// Python habits that JavaScript would let through silently, and the errors that say so.
import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { stepBackward, topologicalSort, Value } from "../mod.ts";

const HINT = "JavaScript has no operator overloading, so write a.mul(b) for a * b (likewise " +
  "a.add(b), a.sub(b), a.div(b), a.pow(2), a.neg(), and Value.mul(2, a) for 2 * a), or a.data " +
  "for the plain number (a.data < b.data)";

/** Two labelled values, typed as numbers: what a notebook cell that is not type-checked sees. */
function numbers(): [number, number] {
  return [new Value(2, { label: "a" }), new Value(3, { label: "b" })] as never;
}

Deno.test("using a Value as a number is a TypeError that says what to write instead", async (t) => {
  const cases: [string, (a: number, b: number) => unknown][] = [
    ["a * b", (a, b) => a * b],
    ["a - b", (a, b) => a - b],
    ["a / b", (a, b) => a / b],
    ["a ** 2", (a) => a ** 2],
    ["a < b", (a, b) => a < b],
    ["a > 2", (a) => a > 2],
    ["2 * a", (a) => 2 * a],
    ["+a", (a) => +a],
    ["-a", (a) => -a],
    ["Math.max(a, b)", (a, b) => Math.max(a, b)],
    ["Number(a)", (a) => Number(a)],
    ["isNaN(a)", (a) => isNaN(a)],
  ];
  for (const [name, use] of cases) {
    await t.step(name, () => {
      const [a, b] = numbers();
      assertThrows(
        () => use(a, b),
        TypeError,
        `Cannot use Value(data=2.0, label=a) as a number: ${HINT}`,
      );
    });
  }
  await t.step("the first operand that is a Value is the one named", () => {
    const [, b] = numbers();
    assertThrows(() => 2 - b, TypeError, "Cannot use Value(data=3.0, label=b) as a number");
  });
});

Deno.test("a Value as text keeps working, and a + b is the two texts joined", async (t) => {
  const [a, b] = numbers();
  const text = "Value(data=2.0, label=a)";
  await t.step("template literals, String(), concatenation", () => {
    assertEquals(`${a}`, text);
    assertEquals(String(a), text);
    assertEquals("loss " + a, `loss ${text}`);
  });
  await t.step("a + b and a + 1 give strings (JavaScript asks both for the same form)", () => {
    assertStrictEquals(a + b, `${text}Value(data=3.0, label=b)`);
    assertStrictEquals(a + 1, `${text}1`);
  });
  await t.step("Deno.inspect, JSON.stringify, sort(), Set and Map", () => {
    const [x, y] = [a, b] as never as Value[];
    assertEquals(Deno.inspect({ x }), `{ x: ${text} }`);
    assertEquals(JSON.stringify([x]), '[{"data":2,"grad":0,"label":"a","op":""}]');
    assertEquals([y, x].sort(), [x, y]); // by text, as sort() compares
    assertEquals(new Set([x, y, x]).size, 2);
    assertEquals(new Map([[x, 1], [y, 2]]).get(x), 1);
  });
});

/** L = a·b + c, backpropagated: a.grad = b = -3, b.grad = a = 2, c.grad = 1 (by hand). */
function graph() {
  const [a, b, c] = [new Value(2), new Value(-3), new Value(10)];
  const L = a.mul(b).add(c);
  L.backward();
  return { a, L, grads: () => [a.grad, b.grad, c.grad] };
}

Deno.test("the data and grad setters refuse what is not a finite number, changing nothing", async (t) => {
  const bad: [unknown, ErrorConstructor, string][] = [
    ["5", TypeError, 'string "5"'],
    [undefined, TypeError, "undefined"],
    [null, TypeError, "null"],
    [true, TypeError, "boolean true"],
    [5n, TypeError, "bigint 5n"],
    [new Value(5), TypeError, "an object (Value)"],
    [NaN, RangeError, "NaN"],
    [Infinity, RangeError, "Infinity"],
    [-Infinity, RangeError, "-Infinity"],
  ];
  for (const field of ["data", "grad"] as const) {
    for (const [x, ErrorClass, got] of bad) {
      await t.step(`${field} = ${got}`, () => {
        const { a, L, grads } = graph();
        assertEquals([a.data, ...grads()], [2, -3, 2, 1]);
        assertThrows(
          () => a[field] = x as number,
          ErrorClass,
          `Cannot set ${field}: expected a finite number, got ${got}`,
        );
        assertEquals([a.data, ...grads()], [2, -3, 2, 1]);
        L.zeroGrad();
        L.backward();
        assertEquals([L.data, ...grads()], [4, -3, 2, 1]);
      });
    }
  }
  await t.step("finite numbers, -0 and subnormals included, are set", () => {
    const a = new Value(1);
    for (const x of [-0, 5e-324, -1.7976931348623157e308]) {
      a.data = a.grad = x;
      assertEquals([a.data, a.grad], [x, x]);
    }
  });
});

Deno.test("a learner's own _backward whose x.grad += ... overflows gets an error naming grad", () => {
  const x = new Value(1e300, { label: "x" });
  const square = new Value(1e300, { children: [x], op: "big" }); // not x², just a big slope
  square._backward = () => {
    x.grad += x.data * x.data * square.grad; // 1e600: Infinity
  };
  assertThrows(
    () => square.backward(),
    RangeError,
    "Cannot set grad: expected a finite number, got Infinity",
  );
  assertEquals(x.grad, 0);
});

Deno.test("backward() leaves Infinity where a gradient overflows, as Python's floats do", async (t) => {
  await t.step("through an engine op", () => {
    // 1/x at 1e-300 is 1e300, but its local derivative -x^-2 = -1e600 overflows
    const x = new Value(1e-300);
    x.pow(-1).backward();
    assertEquals(x.grad, -Infinity);
  });
  await t.step("through a learner's op with localGrads", () => {
    // d(top)/d(own) = 1e300, times own's local derivative 1e300: 1e600
    const x = new Value(1);
    const own = new Value(2, { children: [x], op: "steep", localGrads: [1e300] });
    own.mul(1e300).backward();
    assertEquals([own.grad, x.grad], [1e300, Infinity]);
  });
});

Deno.test("stepBackward() puts back a grad that backward() left infinite", () => {
  // x·1e200·1e200 at 1e-300 is 1e100, but backward multiplies 1e200 by 1e200 first: Infinity
  const x = new Value(1e-300, { label: "x" });
  const y = x.mul(1e200).mul(1e200);
  y.backward();
  const before = topologicalSort(y).map((v) => v.grad);
  assertEquals(before[0], Infinity);
  const stepper = stepBackward(y);
  assertEquals(stepper.gradsAt(2)[0], Infinity);
  assertEquals(topologicalSort(y).map((v) => v.grad), before);
});

Deno.test("stepBackward() passes a learner's overflow error on, and puts every grad back", () => {
  const x = new Value(1e300, { label: "x" });
  const out = new Value(1, { children: [x], op: "steep" });
  out._backward = () => {
    x.grad += 1e300 * 1e300 * out.grad;
  };
  x.grad = 7;
  assertThrows(() => stepBackward(out), RangeError, "Cannot set grad");
  assertEquals([x.grad, out.grad], [7, 0]);
});

Deno.test("an op names an operand that is not finite, rather than the result", async (t) => {
  // A value whose data did not come through the checked setters: a subclass's own getter
  class Broken extends Value {
    readonly #x: number;
    constructor(x: number) {
      super(0);
      this.#x = x;
    }
    override get data(): number {
      return this.#x;
    }
  }
  const a = new Value(2);
  const [nan, inf] = [new Broken(NaN), new Broken(Infinity)];
  const cases: [string, () => unknown, string][] = [
    ["tanh", () => nan.tanh(), "Cannot tanh: the operand is NaN"],
    ["relu", () => inf.relu(), "Cannot relu: the operand is Infinity"],
    ["exp", () => inf.exp(), "Cannot exp: the operand is Infinity"],
    ["log", () => inf.log(), "Cannot log: the operand is Infinity"],
    ["mul, first", () => nan.mul(a), "Cannot mul: the first operand is NaN"],
    ["mul, second", () => a.mul(nan), "Cannot mul: the second operand is NaN"],
    ["add", () => a.add(inf), "Cannot add: the second operand is Infinity"],
    ["sub", () => a.sub(inf), "Cannot sub: the second operand is Infinity"],
    ["div", () => a.div(nan), "Cannot div: the second operand is NaN"],
    ["pow, number exponent", () => nan.pow(2), "Cannot pow: the first operand is NaN"],
    ["pow, Value exponent", () => Value.pow(2, nan), "Cannot pow: the second operand is NaN"],
  ];
  for (const [name, op, message] of cases) {
    await t.step(name, () => {
      const error = assertThrows(op, RangeError) as RangeError;
      assertEquals(error.message, message);
    });
  }
  assert(Number.isNaN(nan.data));
});

Deno.test("a Value of a denograd that does not share this tape is refused, naming why", () => {
  // Branded as a Value (as one from denograd loaded from a second place would be), but on no tape
  // this module knows: its entry cannot be found, so an op cannot record it.
  const stranger = Object.create({ [Symbol.for("denograd.Value")]: true, data: 1 });
  const a = new Value(2);
  assertThrows(
    () => a.add(stranger),
    TypeError,
    "Cannot add: the Value comes from a copy of denograd that does not share this one's tape",
  );
  assertThrows(
    () => topologicalSort(stranger),
    TypeError,
    "Cannot sort topologically: the Value comes from a copy",
  );
  assertEquals([a.data, a.grad], [2, 0]);
});
