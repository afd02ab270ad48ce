// The one check every options object goes through.
import { describe } from "./_format.ts";

/**
 * `options` as a record, after checking that it is an object whose keys are all in `known`.
 * `hints` adds a sentence for a key a learner is likely to bring from micrograd.
 */
export function checkOptions(
  options: unknown,
  known: readonly string[],
  action: string,
  hints: Record<string, string> = {},
): Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    const hint = Object.hasOwn(hints, unknown) ? ` (${hints[unknown]})` : "";
    throw new TypeError(
      `Cannot ${action}: the options are ${known.join(", ")}, got ${
        JSON.stringify(unknown)
      }${hint}`,
    );
  }
  return options as Record<string, unknown>;
}
