/**
 * Re-executes every notebook in `notebooks/` (or the ones named) with a fresh Deno kernel and
 * stores the outputs in the files, so GitHub and other viewers show graphs and plots without
 * running anything. Then `deno fmt` lays the files out. Running it twice gives no diff.
 *
 * Run it with `deno task notebooks`. Needs Jupyter on /usr/bin/python3 (see the README).
 *
 * @module
 */
const root = new URL("../", import.meta.url);
const names = Deno.args.length > 0 ? Deno.args : [...Deno.readDirSync(new URL("notebooks/", root))]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => `notebooks/${e.name}`)
  .sort();

for (const name of names) {
  const path = new URL(name, root).pathname;
  const run = await new Deno.Command("/usr/bin/python3", {
    args: [new URL("tests/run_notebook.py", root).pathname, path, "--write"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!run.success) throw new Error(`Cannot execute ${name}: the runner failed`);
  const cells: { index: number; outputs: { output_type: string; evalue?: string }[] }[] =
    JSON.parse(new TextDecoder().decode(run.stdout)).cells;
  const error = cells.flatMap((c) => c.outputs).find((o) => o.output_type === "error");
  console.log(`${name}: ${cells.length} code cells${error ? `, ERROR: ${error.evalue}` : ""}`);
}
const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", ...names] })
  .output();
if (!fmt.success) throw new Error("Cannot format the notebooks: deno fmt failed");
