// Number formatting that matches Python's, so printed digits agree with the lecture's.

/**
 * Python's `"%.{digits}f" % x`. JavaScript's `toFixed` differs in three ways, mended here:
 * it drops the sign of `-0` (Python keeps `-0.0000`), it rounds exact ties away from zero
 * (Python rounds them to even: `0.03125` → `0.0312`), and it switches to exponent notation
 * at 1e21 (Python writes every digit).
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a === Infinity) return `${sign}inf`;
  if (a >= 1e21) return `${sign}${BigInt(a)}${digits > 0 ? "." + "0".repeat(digits) : ""}`;
  let s = a.toFixed(digits);
  // An exact tie is a * 2^(digits+1) being an odd integer; toFixed then took the larger
  // neighbour, and when that one ends in an odd digit the even one is just below it.
  const scaled = a * 2 ** (digits + 1);
  if (Number.isInteger(scaled) && scaled % 2 === 1) {
    const last = s.charCodeAt(s.length - 1) - 48;
    if (last % 2 === 1) s = s.slice(0, -1) + String(last - 1);
  }
  return sign + s;
}

/**
 * Python's `repr(float)`: the shortest digits that read back as `x` (as JavaScript's
 * `String(x)` finds them), laid out as Python does: fixed notation with at least one decimal
 * (`2.0`) for exponents -4 to 15, otherwise `1e+16` and `1e-05` style.
 */
export function formatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const [mantissa, exp] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac || "0"}`;
}

/** A short description of what a caller passed, for error messages: `string "2"`, `undefined`. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  switch (typeof x) {
    case "string":
      return `string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + "…" : x)}`;
    case "number":
      return Object.is(x, -0) ? "-0" : String(x);
    case "bigint":
      return `bigint ${x}n`;
    case "undefined":
      return "undefined";
    case "boolean":
      return `boolean ${x}`;
    case "symbol":
      return `symbol ${x.description ?? ""}`.trimEnd();
    case "function":
      return `function ${x.name || "(anonymous)"}`.trimEnd();
    default:
      if (Array.isArray(x)) return `an array of length ${x.length}`;
      return `an object (${Object.getPrototypeOf(x)?.constructor?.name ?? "null prototype"})`;
  }
}
