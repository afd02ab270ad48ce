// Runs notebooks through the real Deno Jupyter kernel for the tests, via tests/run_notebook.py.
import { KERNEL_NAME } from "../tools/install_kernel.ts";

/** One output of a cell, as Jupyter's nbformat has it. */
export interface Output {
  output_type: "stream" | "execute_result" | "display_data" | "error";
  name?: string;
  text?: string;
  data?: Record<string, string>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** A code cell's index in the notebook and the outputs it produced. */
export interface CellRun {
  index: number;
  outputs: Output[];
}

const PYTHON = "/usr/bin/python3";
const RUNNER = new URL("./run_notebook.py", import.meta.url).pathname;
const NBCLIENT = new URL("./nbclient_run.py", import.meta.url).pathname;
/** The kernelspec the notebooks name: Deno's kernel behind tools/kernel_relay.py. */
export const KERNEL = KERNEL_NAME;

/**
 * Why notebooks cannot run here, or `undefined` when they can: Jupyter's Python packages
 * (jupyter_client, nbclient, nbformat) on /usr/bin/python3, and the kernelspecs of Deno and of
 * denograd's relay, are needed.
 */
export async function jupyterMissing(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command(PYTHON, {
      args: [
        "-c",
        "import jupyter_client, nbclient, nbformat, sys; from jupyter_client.kernelspec import KernelSpecManager as K; specs = K().find_kernel_specs(); " +
        `sys.exit(3 if 'deno' not in specs else 4 if '${KERNEL}' not in specs else 0)`,
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    if (probe.code === 3) {
      return "the Deno kernelspec is not installed (run `deno jupyter --install`)";
    }
    if (probe.code === 4) {
      return `the ${KERNEL} kernelspec is not installed (run \`deno task kernel:install\`)`;
    }
    if (!probe.success) return `jupyter_client, nbclient or nbformat is missing on ${PYTHON}`;
  } catch {
    return `${PYTHON} is missing`;
  }
  return undefined;
}

/** The notebooks in notebooks/, as paths from the project root (`notebooks/x.ipynb`), sorted. */
export function listNotebooks(): string[] {
  return [...Deno.readDirSync(new URL("../notebooks/", import.meta.url))]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => `notebooks/${e.name}`)
    .sort();
}

/**
 * `notebook` (the text of an .ipynb file) with its cells' code and prose formatted as `deno fmt`
 * formats them with this project's settings; `deno fmt` rewrites only the cells it changes and
 * leaves the rest of the file as it is. deno.json keeps notebooks/ out of `deno fmt`, because
 * Deno 2.9.6's `--check` flags every notebook it has not written itself, changed or not; so the
 * text is formatted as a file in a temporary folder.
 */
export async function formatNotebook(notebook: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "denograd_fmt_" });
  try {
    const file = `${dir}/notebook.ipynb`;
    await Deno.writeTextFile(file, notebook);
    const config = new URL("../deno.json", import.meta.url).pathname;
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", "--config", config, file],
    }).output();
    if (!fmt.success) {
      throw new Error(`Cannot format a notebook: ${new TextDecoder().decode(fmt.stderr)}`);
    }
    return await Deno.readTextFile(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * `notebook` (the text of an .ipynb file) as the classic Jupyter Notebook saves it: read and
 * written by nbformat on /usr/bin/python3, the code the Notebook server saves with.
 */
export async function nbformatLayout(notebook: string): Promise<string> {
  const child = new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import nbformat, sys; [f.reconfigure(encoding='utf-8') for f in (sys.stdin, sys.stdout)]; " +
      "nbformat.write(nbformat.read(sys.stdin, as_version=4), sys.stdout)",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(notebook));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(
      `Cannot lay a notebook out with nbformat: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/**
 * Execute every code cell of `path` in a fresh Deno kernel and return what each cell output.
 * With `write`, the outputs are also stored in the notebook file (`deno task notebooks`).
 */
export async function runNotebook(
  path: string,
  { write = false }: { write?: boolean } = {},
): Promise<CellRun[]> {
  const out = await new Deno.Command(PYTHON, {
    args: [RUNNER, path, ...(write ? ["--write"] : [])],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`Cannot run notebook ${path}: the runner failed:\n${stderr}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)).cells;
}

/** One execution of a notebook by nbclient: what each code cell showed. */
export interface NbclientRun {
  cells: CellRun[];
}

/**
 * Execute `path` `runs` times with plain nbclient (what `jupyter nbconvert --execute` does), each
 * time in a fresh kernel of the kernelspec `kernel`, and return what each code cell showed.
 */
export async function runNbclient(
  path: string,
  { kernel = KERNEL, runs = 1 }: { kernel?: string; runs?: number } = {},
): Promise<NbclientRun[]> {
  const out = await new Deno.Command(PYTHON, {
    args: [NBCLIENT, path, "--kernel", kernel, "--runs", String(runs)],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`Cannot run notebook ${path} with nbclient:\n${stderr}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)).runs;
}

/**
 * Outputs in the order and form a notebook stores them (streams first, multi-line strings
 * joined), without the volatile parts (execution counts, display ids), so runs compare equal.
 */
export function normalize(outputs: Output[]): unknown[] {
  const join = (v: string | string[] | undefined) => [v ?? ""].flat().join("");
  const streams = new Map<string, string>();
  for (const o of outputs) {
    if (o.output_type === "stream") {
      streams.set(o.name!, (streams.get(o.name!) ?? "") + join(o.text));
    }
  }
  const merged: Output[] = [...streams].map(([name, text]) => ({
    output_type: "stream",
    name,
    text,
  }));
  const rest = outputs.filter((o) => o.output_type !== "stream");
  return [...merged, ...rest].map((o) =>
    o.output_type === "stream"
      ? { stream: o.name, text: join(o.text) }
      : o.output_type === "error"
      ? { error: `${o.ename}: ${o.evalue}` }
      : {
        data: Object.fromEntries(
          Object.entries(o.data ?? {}).map((
            [k, v],
          ) => [k, typeof v === "object" && !Array.isArray(v) ? v : join(v)]),
        ),
      }
  );
}

/** A committed notebook's code cells and their stored outputs, normalized. */
export function storedOutputs(path: string): { index: number; outputs: unknown[] }[] {
  const stored = JSON.parse(Deno.readTextFileSync(path));
  return stored.cells.flatMap((c: { cell_type: string; outputs?: Output[] }, index: number) =>
    c.cell_type === "code" ? [{ index, outputs: normalize(c.outputs ?? []) }] : []
  );
}
