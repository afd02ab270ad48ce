// The argument checks every public function shares, so that the same mistake gets the same
// error everywhere: a TypeError for the wrong kind of argument, a RangeError for a value outside
// the domain, each "Cannot <action>: <name> must be ..., got <what it got>".
import { describe } from "./_format.ts";

/**
 * `options` as a record, after checking that it is an object whose keys are all in `allowed`:
 * a misspelt key is a `TypeError` naming the allowed ones, never silently ignored. `hints` adds
 * a sentence for a key a learner is likely to bring from Python (`random_state`, say).
 */
export function checkOptions(
  options: unknown,
  allowed: readonly string[],
  action: string,
  hints: Record<string, string> = {},
): Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    const hint = Object.hasOwn(hints, unknown) ? ` (${hints[unknown]})` : "";
    const list = allowed.length === 0 ? "none" : allowed.join(", ");
    throw new TypeError(
      `Cannot ${action}: the options are ${list}, got ${JSON.stringify(unknown)}${hint}`,
    );
  }
  return options as Record<string, unknown>;
}

/** `x` if it is a number (NaN and ±Infinity included), else a `TypeError`. */
export function checkNumber(x: unknown, action: string, name: string): number {
  if (typeof x !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} must be a number, got ${describe(x)}`);
  }
  return x;
}

/** `x` if it is a finite number. */
export function checkFinite(x: unknown, action: string, name: string): number {
  checkNumber(x, action, name);
  if (!Number.isFinite(x)) {
    throw new RangeError(`Cannot ${action}: ${name} must be finite, got ${describe(x)}`);
  }
  return x as number;
}

/** `x` if it is a number greater than 0 and finite. */
export function checkPositive(x: unknown, action: string, name: string): number {
  checkNumber(x, action, name);
  if (!((x as number) > 0) || x === Infinity) {
    throw new RangeError(
      `Cannot ${action}: ${name} must be positive and finite, got ${describe(x)}`,
    );
  }
  return x as number;
}

/** `x` if it is a safe integer (a whole number of at most 53 bits, either sign). */
export function checkInteger(x: unknown, action: string, name: string): number {
  checkNumber(x, action, name);
  if (!Number.isSafeInteger(x)) {
    throw new RangeError(`Cannot ${action}: ${name} must be a safe integer, got ${describe(x)}`);
  }
  return x as number;
}

/** `x` if it is a positive count: a safe integer ≥ 1 (a size, such as a layer's width). */
export function checkPositiveCount(x: unknown, action: string, name: string): number {
  checkNumber(x, action, name);
  if (!Number.isSafeInteger(x) || (x as number) < 1) {
    throw new RangeError(
      `Cannot ${action}: ${name} must be a positive integer, got ${describe(x)}`,
    );
  }
  return x as number;
}

/**
 * `x` if it is an array of `Value`s (by `isValue`) and finite numbers: the inputs of `dot` and
 * of the nets' `forward`.
 */
export function checkInputs<T>(
  x: unknown,
  action: string,
  isValue: (v: unknown) => v is T,
): readonly (T | number)[] {
  if (!Array.isArray(x)) {
    throw new TypeError(
      `Cannot ${action}: x must be an array of Values and numbers, got ${describe(x)}`,
    );
  }
  x.forEach((xi, i) => {
    if (typeof xi === "number") checkFinite(xi, action, `x[${i}]`);
    else if (!isValue(xi)) {
      throw new TypeError(
        `Cannot ${action}: x[${i}] must be a Value or a number, got ${describe(xi)}`,
      );
    }
  });
  return x;
}

/** `x` if it is a count: a safe integer ≥ 0. */
export function checkCount(x: unknown, action: string, name: string): number {
  checkNumber(x, action, name);
  if (!Number.isSafeInteger(x) || (x as number) < 0) {
    throw new RangeError(
      `Cannot ${action}: ${name} must be a non-negative integer, got ${describe(x)}`,
    );
  }
  return x as number;
}

/** `x` if it is `true` or `false`. */
export function checkBoolean(x: unknown, action: string, name: string): boolean {
  if (typeof x !== "boolean") {
    throw new TypeError(`Cannot ${action}: ${name} must be a boolean, got ${describe(x)}`);
  }
  return x;
}

/** `x` if it is a string. */
export function checkString(x: unknown, action: string, name: string): string {
  if (typeof x !== "string") {
    throw new TypeError(`Cannot ${action}: ${name} must be a string, got ${describe(x)}`);
  }
  return x;
}

/** `x` if it is an array; without a `name` the message says "expected an array". */
export function checkArray(x: unknown, action: string, name?: string): unknown[] {
  if (!Array.isArray(x)) {
    const what = name === undefined ? "expected an array" : `${name} must be an array`;
    throw new TypeError(`Cannot ${action}: ${what}, got ${describe(x)}`);
  }
  return x;
}

/**
 * `x` if it is one of `allowed`, the first of them if it is `undefined`; another string is a
 * `RangeError`, anything else a `TypeError`.
 */
export function checkChoice<T extends string>(
  x: unknown,
  action: string,
  name: string,
  allowed: readonly T[],
): T {
  if (x === undefined) return allowed[0];
  if (allowed.includes(x as T)) return x as T;
  const list = allowed.map((a) => `"${a}"`).join(" or ");
  const ErrorClass = typeof x === "string" ? RangeError : TypeError;
  throw new ErrorClass(`Cannot ${action}: ${name} must be ${list}, got ${describe(x)}`);
}
