import { assertEquals } from "@std/assert";
import { drawDot } from "../mod.ts";
import { day2Graph, docsSvg } from "../tools/make_docs.ts";

Deno.test("docs/day2_graph.svg is what `deno task docs` draws now", async () => {
  assertEquals(
    await Deno.readTextFile(docsSvg),
    await drawDot(day2Graph()).svg(),
    "docs/day2_graph.svg is stale: run `deno task docs`",
  );
});
