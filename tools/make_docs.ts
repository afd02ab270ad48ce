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

if (import.meta.main) {
  await Deno.mkdir(new URL(".", docsSvg), { recursive: true });
  await drawDot(day2Graph()).save(docsSvg.pathname);
  console.log(`wrote ${docsSvg.pathname}`);
}
