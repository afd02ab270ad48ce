import { assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import { describe, formatFixed, formatRepr } from "../lib/_format.ts";
import { repr } from "../mod.ts";

// [x, Python's '%.4f' % x, Python's repr(x)], printed by /usr/bin/python3 (CPython 3.11) from:
// for x in xs: print(f"  [{x!r}, {'%.4f' % x!r}, {repr(x)!r}],".replace("'", '"'))
const TABLE: [number, string, string][] = [
  [0.0, "0.0000", "0.0"],
  [-0.0, "-0.0000", "-0.0"],
  [1.0, "1.0000", "1.0"],
  [-1.0, "-1.0000", "-1.0"],
  [2.0, "2.0000", "2.0"],
  [0.5, "0.5000", "0.5"],
  [0.1, "0.1000", "0.1"],
  [0.30000000000000004, "0.3000", "0.30000000000000004"],
  [0.3333333333333333, "0.3333", "0.3333333333333333"],
  [-0.6666666666666666, "-0.6667", "-0.6666666666666666"],
  [0.03125, "0.0312", "0.03125"],
  [-0.03125, "-0.0312", "-0.03125"],
  [0.09375, "0.0938", "0.09375"],
  [5e-05, "0.0001", "5e-05"],
  [0.00015, "0.0001", "0.00015"],
  [0.00025, "0.0003", "0.00025"],
  [-5e-05, "-0.0001", "-5e-05"],
  [2.5, "2.5000", "2.5"],
  [0.125, "0.1250", "0.125"],
  [0.0001, "0.0001", "0.0001"],
  [1e-05, "0.0000", "1e-05"],
  [1.5e-05, "0.0000", "1.5e-05"],
  [1e-07, "0.0000", "1e-07"],
  [123.456, "123.4560", "123.456"],
  [0.7071067811865476, "0.7071", "0.7071067811865476"],
  [-8.0, "-8.0000", "-8.0"],
  [24.70408163265306, "24.7041", "24.70408163265306"],
  [1000000000000000.0, "1000000000000000.0000", "1000000000000000.0"],
  [9999999999999998.0, "9999999999999998.0000", "9999999999999998.0"],
  [1e+16, "10000000000000000.0000", "1e+16"],
  [1.2345678901234568e+17, "123456789012345680.0000", "1.2345678901234568e+17"],
  [1e+20, "100000000000000000000.0000", "1e+20"],
  [1e+21, "1000000000000000000000.0000", "1e+21"],
  [-1e+21, "-1000000000000000000000.0000", "-1e+21"],
  [1.5e+22, "15000000000000000000000.0000", "1.5e+22"],
  [
    1e+100,
    "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104.0000",
    "1e+100",
  ],
  [5e-324, "0.0000", "5e-324"],
  [2.2250738585072014e-308, "0.0000", "2.2250738585072014e-308"],
  [
    1.7976931348623157e+308,
    "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.0000",
    "1.7976931348623157e+308",
  ],
  [4.35, "4.3500", "4.35"],
  [99999.99995, "99999.9999", "99999.99995"],
  [0.99995, "1.0000", "0.99995"],
  [1234567.0, "1234567.0000", "1234567.0"],
  [6.881373587019543, "6.8814", "6.881373587019543"],
];

// [x, digits, Python's '%.*f' % (digits, x)], printed by /usr/bin/python3 from:
// for x, d in rows: print(f"  [{x!r}, {d}, {'%.*f' % (d, x)!r}],".replace("'", '"'))
const DIGITS: [number, number, string][] = [
  [0.5, 0, "0"],
  [1.5, 0, "2"],
  [2.5, 0, "2"],
  [-0.5, 0, "-0"],
  [9.5, 0, "10"],
  [0.125, 2, "0.12"],
  [0.375, 2, "0.38"],
  [-0.125, 2, "-0.12"],
  [1.005, 2, "1.00"],
  [2.675, 2, "2.67"],
  [-0.001, 2, "-0.00"],
  [1e+21, 0, "1000000000000000000000"],
  [0.03125, 6, "0.031250"],
  [123.456, 1, "123.5"],
  [Infinity, 4, "inf"],
  [-Infinity, 4, "-inf"],
  [NaN, 4, "nan"],
];

/**
 * `'%.{digits}f' % x` computed exactly, as CPython does: the double's exact binary value, times
 * 10^digits, rounded half to even, with BigInt arithmetic (no toFixed involved).
 */
function exactFixed(x: number, digits: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? "-" : "";
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // x = m · 2^e exactly
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  const scale = 10n ** BigInt(digits);
  let n: bigint;
  if (e >= 0) {
    n = (m << BigInt(e)) * scale;
  } else {
    const den = 1n << BigInt(-e);
    const num = m * scale;
    n = num / den;
    const twice = 2n * (num % den);
    if (twice > den || (twice === den && n % 2n === 1n)) n += 1n;
  }
  const s = n.toString().padStart(digits + 1, "0");
  return digits === 0 ? sign + s : `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

Deno.test("formatFixed() matches Python's '%.4f' on tricky values", () => {
  for (const [x, fixed] of TABLE) assertEquals(formatFixed(x, 4), fixed, `${x}`);
});

Deno.test("formatFixed() matches Python's '%.Nf' for other digit counts", () => {
  for (const [x, digits, fixed] of DIGITS) assertEquals(formatFixed(x, digits), fixed, `${x}`);
});

Deno.test("formatFixed() rounds exactly, half to even, on random doubles", () => {
  // The oracle exactFixed() is checked against Python's table first
  for (const [x, fixed] of TABLE) assertEquals(exactFixed(x, 4), fixed);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        // exact ties: k / 2^j, such as 0.03125
        fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 12 })).map((
          [k, j],
        ) => k / 2 ** j),
      ),
      fc.integer({ min: 0, max: 8 }),
      (x, digits) => assertEquals(formatFixed(x, digits), exactFixed(x, digits)),
    ),
    { numRuns: 2000, seed: 7 },
  );
});

Deno.test("formatRepr() matches Python's repr on tricky values", () => {
  for (const [x, , repr] of TABLE) assertEquals(formatRepr(x), repr, `${x}`);
  // Python: repr(float("inf")), repr(float("-inf")), repr(float("nan"))
  assertEquals([formatRepr(Infinity), formatRepr(-Infinity), formatRepr(NaN)], [
    "inf",
    "-inf",
    "nan",
  ]);
});

Deno.test("formatRepr() reads back as the same double", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const repr = formatRepr(x);
      assertEquals(Object.is(Number(repr), x), true, repr);
      // Python's layout: a '.' or an exponent, always; an exponent of at least two digits
      assertEquals(/^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/.test(repr), true, repr);
    }),
    { numRuns: 2000, seed: 11 },
  );
});

Deno.test("describe() names what a caller passed", () => {
  assertEquals(describe("2"), 'string "2"');
  assertEquals(describe("x".repeat(50)), `string "${"x".repeat(40)}…"`);
  assertEquals(describe(-0), "-0");
  assertEquals(describe(NaN), "NaN");
  assertEquals(describe(2n), "bigint 2n");
  assertEquals(describe(undefined), "undefined");
  assertEquals(describe(null), "null");
  assertEquals(describe(false), "boolean false");
  assertEquals(describe(Symbol("s")), "symbol s");
  assertEquals(describe(function named() {}), "function named");
  assertEquals(describe(() => {}), "function (anonymous)");
  assertEquals(describe([1, 2]), "an array of length 2");
  assertEquals(describe(new Map()), "an object (Map)");
  assertEquals(describe(Object.create(null)), "an object (null prototype)");
});

Deno.test("repr() is the public formatRepr(), and refuses what is not a number", () => {
  for (const [x, , expected] of TABLE) assertEquals(repr(x), expected, `${x}`);
  assertThrows(
    () => repr("1" as never),
    TypeError,
    'Cannot repr: expected a number, got string "1"',
  );
});
