/**
 * Draws the README's picture: the Day-2 graph L = (a * b + c) * f after `backward()`, written to
 * `docs/day2_graph.svg`. Run it with `deno task docs`; tests/docs_test.ts checks it is current.
 *
 * @module
 */
import { drawDot, Value } from "../mod.ts";

/** The Day-2 expression with its gradients filled in. */
export function day2Graph(): Value {
  const a = new Value(2.0, { label: "a" });
  const b = new Value(-3.0, { label: "b" });
  const c = new Value(10.0, { label: "c" });
  const e = a.mul(b);
  e.label = "e";
  const d = e.add(c);
  d.label = "d";
  const f = new Value(-2.0, { label: "f" });
  const L = d.mul(f);
  L.label = "L";
  L.backward();
  return L;
}

/** Where the picture goes. */
export const docsSvg: URL = new URL("../docs/day2_graph.svg", import.meta.url);

/**
 * The file's text: drawDot's SVG as it draws it, behind a comment that keeps `deno fmt` from
 * re-laying it out (also when a command-line `--ignore` replaces deno.json's exclusions).
 */
export async function docsPicture(): Promise<string> {
  return `<!-- deno-fmt-ignore-file -->\n${await drawDot(day2Graph()).svg()}`;
}

if (import.meta.main) {
  await Deno.mkdir(new URL(".", docsSvg), { recursive: true });
  await Deno.writeTextFile(docsSvg, await docsPicture());
  console.log(`wrote ${docsSvg.pathname}`);
}
