/**
 * The subset of `@std/assert` that denograd's tests use, built on Deno's `node:assert`.
 *
 * jsr.io is out of reach on the machines this project is built on, so `deno.json` maps
 * `@std/assert` here. Where jsr.io is reachable, point the alias at `jsr:@std/assert@^1`
 * instead; the signatures below match it, so no test changes.
 *
 * @module
 */
import assert from "node:assert";

/** Make an assertion, error will be thrown if `expr` does not have truthy value. */
export function assert_(expr: unknown, msg = ""): asserts expr {
  assert.ok(expr, msg || "Expected actual to be truthy");
}
export { assert_ as assert };

/** Assert that `actual` and `expected` are deeply equal. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.deepStrictEqual(actual, expected, msg);
}

/** Assert that `actual` and `expected` are not deeply equal. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  assert.notDeepStrictEqual(actual, expected, msg);
}

/** Assert that `actual` and `expected` are the same value (`Object.is`). */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): void {
  assert.ok(
    Object.is(actual, expected),
    msg ?? `Expected ${String(actual)} to be strictly equal to ${String(expected)}`,
  );
}

/**
 * Assert that `actual` is within `tolerance` of `expected`. The default tolerance is
 * relative, 1e-7 of `expected`, as in `@std/assert`.
 */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance?: number,
  msg?: string,
): void {
  if (Object.is(actual, expected)) return;
  const delta = Math.abs(expected - actual);
  const tol = tolerance ?? Math.abs(expected * 1e-7);
  if (!(delta <= tol)) {
    throw new assert.AssertionError({
      message: msg ??
        `Expected actual: "${actual}" to be close to "${expected}": delta "${delta}" is greater than "${tol}"`,
    });
  }
}

/** Assert that `actual` contains `expected` as a substring. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  assert.ok(
    actual.includes(expected),
    msg ?? `Expected actual: "${actual}" to contain: "${expected}"`,
  );
}

/** Assert that `actual` matches the regular expression `expected`. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  assert.match(actual, expected, msg);
}

/** Assert that `actual` does not match the regular expression `expected`. */
export function assertNotMatch(actual: string, expected: RegExp, msg?: string): void {
  assert.doesNotMatch(actual, expected, msg);
}

/** Assert that `actual` is greater than `expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  assert.ok(actual > expected, msg ?? `Expect ${actual} > ${expected}`);
}

/** Assert that `actual` is less than `expected`. */
/** Assert that `actual` is greater than or equal to `expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  assert.ok(actual >= expected, msg ?? `Expect ${actual} >= ${expected}`);
}

export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  assert.ok(actual < expected, msg ?? `Expect ${actual} < ${expected}`);
}

/** Assert that `actual` is less than or equal to `expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  assert.ok(actual <= expected, msg ?? `Expect ${actual} <= ${expected}`);
}

/** Assert that `obj` is an instance of `type`. */
export function assertInstanceOf<T>(
  obj: unknown,
  type: new (...args: never[]) => T,
  msg?: string,
): asserts obj is T {
  assert.ok(obj instanceof type, msg ?? `Expected object to be an instance of "${type.name}"`);
}

/** Forcefully throw a failed assertion. */
export function fail(msg?: string): never {
  throw new assert.AssertionError({
    message: msg ? `Failed assertion: ${msg}` : "Failed assertion",
  });
}

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/**
 * Executes `fn`, expecting it to throw. With `ErrorClass`, the error must be an instance of it;
 * with `msgIncludes`, its message must contain that text. Returns the error.
 */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: new (...args: never[]) => E,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows(
  fn: () => unknown,
  errorClassOrMsg?: (new (...args: never[]) => Error) | string,
  msgIncludes?: string,
  msg?: string,
): unknown {
  let thrown: unknown;
  let didThrow = false;
  try {
    fn();
  } catch (e) {
    thrown = e;
    didThrow = true;
  }
  const note = typeof errorClassOrMsg === "string" ? errorClassOrMsg : msg;
  if (!didThrow) fail(note ?? "Expected function to throw");
  if (typeof errorClassOrMsg === "function") {
    checkError(thrown, errorClassOrMsg as unknown as ErrorClass, msgIncludes, msg);
  }
  return thrown;
}

/** Like {@linkcode assertThrows}, for a function returning a promise that should reject. */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass?: new (...args: never[]) => E,
  msgIncludes?: string,
  msg?: string,
): Promise<E> {
  let thrown: unknown;
  let didThrow = false;
  try {
    await fn();
  } catch (e) {
    thrown = e;
    didThrow = true;
  }
  if (!didThrow) fail(msg ?? "Expected function to reject");
  if (ErrorClass) checkError(thrown, ErrorClass as unknown as ErrorClass, msgIncludes, msg);
  return thrown as E;
}

function checkError(e: unknown, cls: ErrorClass, msgIncludes?: string, msg?: string): void {
  if (!(e instanceof cls)) {
    fail(
      `${msg ? msg + ": " : ""}Expected error to be instance of "${cls.name}", but was "${
        e instanceof Error ? e.constructor.name : typeof e
      }"${e instanceof Error ? `: ${e.message}` : ""}`,
    );
  }
  if (msgIncludes !== undefined && !(e as Error).message.includes(msgIncludes)) {
    fail(
      `${msg ? msg + ": " : ""}Expected error message to include "${msgIncludes}", but got "${
        (e as Error).message
      }"`,
    );
  }
}
