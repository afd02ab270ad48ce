// denograd as a learner's dependency: imported from a folder outside the checkout that has no
// deno.json (by relative path, by file:// URL, from a copy of the files JSR would get, and from a
// notebook there), each call run as its own process with exactly the permissions the README
// states, and refused without them.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { fontFolder } from "../lib/_image.ts";
import { jupyterMissing, KERNEL, runNotebook } from "./_notebook.ts";

const root = new URL("../", import.meta.url);
const modUrl = new URL("mod.ts", root);
const fonts = await fontFolder();

/** What a learner's script does, by mode; it imports denograd from `MOD`. */
const SCRIPT = `
import { drawDot, makeMoons, plotLoss, plotPoints, Value } from MOD;

const a = new Value(2, { label: "a" });
const b = new Value(-3, { label: "b" });
const L = a.mul(b).add(10).mul(-2);
L.label = "L";
L.backward();
const graph = drawDot(L);
const chart = plotLoss([0.9, 0.5, 0.2]);
const [mode, path] = Deno.args;
if (mode === "svg") {
  const svg = await graph.svg();
  const plot = await plotPoints(makeMoons(20, { noise: 0.1, rng: 1 })).svg();
  console.log(Deno.inspect(graph), Deno.inspect(chart), svg.startsWith("<svg"), plot.includes("<svg"));
} else if (mode === "png") {
  const png = await graph.png();
  console.log(png.length > 5000 && png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47);
} else if (mode === "save") {
  await (path.includes("chart") ? chart : graph).save(path);
  console.log("saved");
}
`;

const dir = await Deno.makeTempDir({ prefix: "denograd_learner_" });
const checkout = await Deno.realPath(root);
assert(!(await Deno.realPath(dir)).startsWith(checkout), `${dir} is inside the checkout`);
// no deno.json anywhere above the learner's folder either
for (let d = dir; d !== "/"; d = d.slice(0, d.lastIndexOf("/")) || "/") {
  for (const name of ["deno.json", "deno.jsonc", "package.json"]) {
    assert(!(await exists(`${d}/${name}`)), `${d}/${name} exists`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The relative path from `from` (a folder) to the file `to`, as an import specifier. */
function relative(from: string, to: string): string {
  const a = from.split("/").filter(Boolean);
  const b = to.split("/").filter(Boolean);
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
}

async function writeScript(name: string, specifier: string): Promise<string> {
  const file = `${dir}/${name}`;
  await Deno.writeTextFile(file, SCRIPT.replace("MOD", JSON.stringify(specifier)));
  return file;
}

/** Run `script` from the learner's folder with exactly `permissions` (and no prompt). */
async function run(script: string, permissions: string[], args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...permissions, script, ...args],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { success: out.success, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

async function succeeds(script: string, permissions: string[], args: string[]): Promise<string> {
  const { success, stdout, stderr } = await run(script, permissions, args);
  assert(success, `deno run ${permissions.join(" ")} ${args.join(" ")} failed:\n${stderr}`);
  return stdout;
}

const byPath = await writeScript("by_path.ts", "./" + relative(dir, modUrl.pathname));
const byUrl = await writeScript("by_url.ts", modUrl.href);

Deno.test("a script outside the checkout imports denograd by relative path and file:// URL", async (t) => {
  assert(relative(dir, modUrl.pathname).startsWith("../"));
  for (const script of [byPath, byUrl]) {
    await t.step(
      `${script.slice(dir.length + 1)}: graph and plot SVG need no permission`,
      async () => {
        assertEquals(
          await succeeds(script, [], ["svg"]),
          "Graph(10 nodes) Chart(loss over 3 steps) true true\n",
        );
      },
    );
    await t.step(
      `${script.slice(dir.length + 1)}: PNG needs read access to its fonts only`,
      async () => {
        assertEquals(await succeeds(script, [`--allow-read=${fonts}`], ["png"]), "true\n");
      },
    );
  }
});

Deno.test("each call needs exactly the permissions the README states", async (t) => {
  await t.step("png() without read access names the folder to allow", async () => {
    const { success, stderr } = await run(byPath, [], ["png"]);
    assert(!success);
    assertStringIncludes(
      stderr,
      `Cannot make PNG: reading its fonts needs read access to ${fonts}`,
    );
    assertStringIncludes(stderr, `(run with --allow-read=${fonts})`);
  });
  await t.step("graph.save('x.svg') needs write access to that file only", async () => {
    const file = `${dir}/graph.svg`;
    assertEquals(await succeeds(byPath, [`--allow-write=${file}`], ["save", file]), "saved\n");
    assertStringIncludes(await Deno.readTextFile(file), ">data &#45;8.0000</text>");
    const { success, stderr } = await run(byPath, [], ["save", `${dir}/graph2.svg`]);
    assert(!success);
    assertStringIncludes(stderr, "NotCapable: Requires write access");
    assert(!(await exists(`${dir}/graph2.svg`)));
  });
  await t.step("a relative path: write access to it, from the learner's folder", async () => {
    assertEquals(await succeeds(byPath, ["--allow-write=rel.svg"], ["save", "rel.svg"]), "saved\n");
    assert(await exists(`${dir}/rel.svg`));
  });
  await t.step(
    "graph.save('x.png') and chart.save('x.png'): write it, read the fonts",
    async () => {
      for (const name of ["graph.png", "chart.png"]) {
        const file = `${dir}/${name}`;
        const permissions = [`--allow-write=${file}`, `--allow-read=${fonts}`];
        assertEquals(await succeeds(byPath, permissions, ["save", file]), "saved\n");
        const png = await Deno.readFile(file);
        // the PNG signature (PNG spec, section 5.2): a real PNG, not SVG text
        assertEquals([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const { success } = await run(byPath, [`--allow-write=${file}`], ["save", file]);
        assert(!success, `${name} was saved without read access to the fonts`);
      }
    },
  );
});

Deno.test("a copy of the files JSR would publish works with no deno.json", async () => {
  // jsr.io is unreachable here: take the file list of `deno publish --dry-run`, copy those files
  // into a folder outside the checkout without the package's deno.json (so no import map can
  // help), and import mod.ts from there as a JSR install would load it.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty", "--no-check"],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const listing = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, listing);
  const files = [...listing.matchAll(/^\s+(file:\/\/\S+)/gm)].map((m) => new URL(m[1]));
  assert(files.some((f) => f.href === modUrl.href), listing);
  const jsr = `${dir}/jsr/@denograd/denograd/0.1.0`;
  for (const file of files) {
    const rel = file.pathname.slice(new URL(root).pathname.length);
    if (rel === "deno.json") continue;
    await Deno.mkdir(`${jsr}/${rel}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.copyFile(file, `${jsr}/${rel}`);
  }
  const script = await writeScript("by_jsr_copy.ts", `./jsr/@denograd/denograd/0.1.0/mod.ts`);
  assertEquals(
    await succeeds(script, [], ["svg"]),
    "Graph(10 nodes) Chart(loss over 3 steps) true true\n",
  );
  assertEquals(await succeeds(script, [`--allow-read=${fonts}`], ["png"]), "true\n");
});

const missing = await jupyterMissing();
if (missing && Deno.env.get("CI") === "true") {
  throw new Error(`Cannot run the notebook tests under CI: ${missing}`);
}
if (missing) console.warn(`outside notebook test ignored: ${missing}`);

Deno.test({
  name: "a notebook outside the checkout imports denograd and shows a graph, a PNG and a plot",
  ignore: missing !== undefined,
  fn: async () => {
    const code = [
      `import { drawDot, plotLoss, Value } from "./${relative(dir, modUrl.pathname)}";`,
      `const L = new Value(2, { label: "a" }).mul(new Value(-3, { label: "b" }));\nL.backward();`,
      `drawDot(L)`,
      `drawDot(L, { format: "png" })`,
      `plotLoss([0.9, 0.5, 0.2])`,
      `console.log(Deno.inspect(drawDot(L)))`,
    ];
    const notebook = {
      cells: code.map((source) => ({
        cell_type: "code",
        execution_count: null,
        metadata: {},
        outputs: [],
        source,
      })),
      metadata: {
        // the kernel the README has learners install (the plain "deno" one may print late)
        kernelspec: {
          display_name: "Deno (denograd)",
          language: "typescript",
          name: KERNEL,
        },
        language_info: { name: "typescript" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const path = `${dir}/learner.ipynb`;
    await Deno.writeTextFile(path, JSON.stringify(notebook));
    const runs = await runNotebook(path);
    const errors = runs.flatMap((r) => r.outputs).filter((o) => o.output_type === "error");
    assertEquals(errors, []);
    const data = (i: number) => runs.find((r) => r.index === i)?.outputs.find((o) => o.data)?.data;
    // a picture as a learner's front end gets it: the PNG and the SVG in HTML (tests/figure_test.ts)
    const figure = /^<div class="denograd-figure"[^>]*><img src="data:image\/png;base64,[^"]+"/;
    assert(figure.test(data(2)?.["text/html"] ?? ""), `cell 2 shows no figure`);
    assertStringIncludes(data(2)?.["text/html"] ?? "", '<script type="image/svg+xml"><svg');
    assertEquals(data(2)?.["text/plain"], "Graph(4 nodes)");
    const png = Uint8Array.from(atob(data(3)?.["image/png"] ?? ""), (c) => c.charCodeAt(0));
    assertEquals([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    assert(figure.test(data(4)?.["text/html"] ?? ""), `cell 4 shows no figure`);
    assertEquals(data(4)?.["text/plain"], "Chart(loss over 3 steps)");
    const printed = runs[5].outputs.filter((o) => o.output_type === "stream").map((o) => o.text);
    assertEquals(printed.join(""), "Graph(4 nodes)\n");
  },
});

// the folder is removed when the process ends (the tests above share it)
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
