/**
 * The command line of the example scripts, read with `node:util`'s `parseArgs` in strict mode, so
 * that a mistyped option stops the script instead of being ignored (or taken for a file name).
 *
 * `--help` (or `-h`) prints the script's usage and exits with 0. Anything else the script does not
 * know (an unknown option, an option without its value, a stray argument) prints
 * `Cannot run <task>: <why>; see --help` to stderr and exits with 2, the usual code for a wrong
 * command line. Either way, before the script has done any work.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** How a script introduces itself. */
export interface Usage {
  /** Its task in `deno.json` (`demo`), the name its error messages give it. */
  task: string;
  /** What `--help` prints: what the script does, its options, an example. */
  help: string;
}

/**
 * Read the command line: the values of the options that take one, by name.
 *
 * A single `--` in front is skipped: `deno task microgpt -- --help` passes the `--` on to the
 * script, as npm users type it.
 *
 * @param usage The script's task name and help text.
 * @param options The names of the options that take a value (`--steps 5` or `--steps=5`).
 * @param args The command line, `Deno.args` unless given.
 * @returns The value of each option given; exits the process on `--help` or a wrong command line.
 */
export function readArgs(
  usage: Usage,
  options: string[] = [],
  args: string[] = Deno.args,
): Record<string, string | undefined> {
  const config = Object.fromEntries(options.map((name) => [name, { type: "string" as const }]));
  let values;
  try {
    ({ values } = parseArgs({
      args: args[0] === "--" ? args.slice(1) : args,
      options: { ...config, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    const code = (e as { code?: unknown }).code; // node's error code, "ERR_PARSE_ARGS_..."
    if (
      !(e instanceof TypeError && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))
    ) {
      throw e;
    }
    exitWithUsageError(usage, reason(e.message, code));
  }
  if (values.help) {
    console.log(usage.help);
    Deno.exit(0);
  }
  const { help: _, ...given } = values;
  return given as Record<string, string | undefined>;
}

/**
 * Print `Cannot run <task>: <why>; see --help` to stderr and exit with 2.
 *
 * @param usage The script's task name.
 * @param why What is wrong with the command line.
 */
export function exitWithUsageError(usage: Usage, why: string): never {
  console.error(`Cannot run ${usage.task}: ${why}; see --help`);
  Deno.exit(2);
}

/** `parseArgs`'s complaint in our words, naming the argument it quotes (`'--stesp'`). */
function reason(message: string, code: string): string {
  const quoted = /'([^']*)'/.exec(message)?.[1];
  if (quoted === undefined) return message;
  const option = quoted.split(/[ ,]+/).find((word) => word.startsWith("--")) ?? quoted; // '-h, --help'
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${quoted}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return `unexpected argument ${quoted}, it takes options only`;
  }
  if (/does not take/.test(message)) return `option ${option} takes no value`;
  if (/ambiguous/.test(message)) {
    return `option ${option} is followed by an option, not its value`;
  }
  return `option ${option} needs a value`;
}
