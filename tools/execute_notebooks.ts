/**
 * Re-executes every notebook in `notebooks/` (or the ones named) with a fresh Deno kernel and
 * stores the outputs in the files, so GitHub and other viewers show graphs and plots without
 * running anything. Then `deno fmt` lays the files out. Running it twice gives no diff.
 *
 * Run it with `deno task notebooks`. Needs Jupyter on /usr/bin/python3 (see the README).
 *
 * @module
 */
import { listNotebooks, runNotebook } from "../tests/_notebook.ts";

const root = new URL("../", import.meta.url);
const names = Deno.args.length > 0 ? Deno.args : listNotebooks();

for (const name of names) {
  const cells = await runNotebook(new URL(name, root).pathname, { write: true });
  const error = cells.flatMap((c) => c.outputs).find((o) => o.output_type === "error");
  console.log(`${name}: ${cells.length} code cells${error ? `, ERROR: ${error.evalue}` : ""}`);
}
const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", ...names] })
  .output();
if (!fmt.success) throw new Error("Cannot format the notebooks: deno fmt failed");
