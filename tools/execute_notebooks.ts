/**
 * Re-executes every notebook in `notebooks/` (or the ones named) with a fresh Deno kernel and
 * stores the outputs in the files, so GitHub and other viewers show graphs and plots without
 * running anything. First `deno fmt` formats the cells' code and prose; then the outputs are
 * written as the classic Notebook saves a notebook (see tests/run_notebook.py), so opening and
 * saving one there changes nothing. Running it twice gives no diff.
 *
 * Run it with `deno task notebooks`. Needs Jupyter on /usr/bin/python3 (see the README).
 *
 * @module
 */
import { formatNotebook, listNotebooks, runNotebook } from "../tests/_notebook.ts";

const root = new URL("../", import.meta.url);
const names = Deno.args.length > 0 ? Deno.args : listNotebooks();

for (const name of names) {
  const path = new URL(name, root).pathname;
  await Deno.writeTextFile(path, await formatNotebook(await Deno.readTextFile(path)));
  const cells = await runNotebook(path, { write: true });
  const error = cells.flatMap((c) => c.outputs).find((o) => o.output_type === "error");
  console.log(`${name}: ${cells.length} code cells${error ? `, ERROR: ${error.evalue}` : ""}`);
}
