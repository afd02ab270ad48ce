import { assertEquals } from "@std/assert";
import { docsPicture, docsSvg } from "../tools/make_docs.ts";

Deno.test("docs/day2_graph.svg is what `deno task docs` draws now", async () => {
  assertEquals(
    await Deno.readTextFile(docsSvg),
    await docsPicture(),
    "docs/day2_graph.svg is stale: run `deno task docs`",
  );
});
