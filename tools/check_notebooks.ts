/**
 * Type-checks the notebooks. The Deno kernel only transpiles cells, never type-checks them, so a
 * renamed export would break a learner's notebook silently; this turns every notebook's code
 * cells, in order, into one TypeScript module and runs `deno check` on it.
 *
 * Cells run as a REPL runs them: a later cell may declare a name again (`const b` in two cells),
 * so top-level `const` and `let` become `var` here, which TypeScript allows to repeat with the
 * same type.
 *
 * Run it with `deno task check:notebooks`; exits non-zero on a type error.
 *
 * @module
 */
import { listNotebooks } from "../tests/_notebook.ts";

const root = new URL("../", import.meta.url);
const modUrl = new URL("mod.ts", root).href;
const names = listNotebooks();

const dir = await Deno.makeTempDir({ prefix: "denograd_notebooks_" });
const files: string[] = [];
for (const name of names) {
  const nb = JSON.parse(await Deno.readTextFile(new URL(name, root)));
  const cells: { cell_type: string; source: string | string[] }[] = nb.cells;
  const module = cells.flatMap((cell, index) => {
    if (cell.cell_type !== "code") return [];
    const source = [cell.source].flat().join("")
      .replaceAll('"../mod.ts"', JSON.stringify(modUrl))
      .replace(/^(const|let) /gm, "var ");
    return [`// ${name}, cell ${index}\n${source}\n`];
  });
  const file = `${dir}/${name.replace(/^notebooks\/|\.ipynb$/g, "")}.ts`;
  await Deno.writeTextFile(file, `export {};\n${module.join("\n")}`);
  files.push(file);
}
const check = await new Deno.Command(Deno.execPath(), {
  args: ["check", "--quiet", "--config", new URL("deno.json", root).pathname, ...files],
  stdout: "inherit",
  stderr: "inherit",
}).output();
await Deno.remove(dir, { recursive: true });
if (!check.success) {
  console.error(`The notebooks do not type-check (${names.join(", ")})`);
  Deno.exit(1);
}
console.log(`${names.length} notebooks type-check`);
