/**
 * Registers the "Deno (denograd)" kernel (kernelspec `denograd-deno`) with Jupyter: Deno's own
 * kernel behind tools/kernel_relay.py, which keeps every printed line and picture under the cell
 * that made it (see that file, and docs/upstream/deno-jupyter-late-output.md). The notebooks name
 * this kernelspec; the plain "Deno" one (`deno jupyter --install`) still runs them, with late
 * output.
 *
 * Run it with `deno task kernel:install`; running it again replaces the kernelspec. The relay
 * runs on the Python that runs Jupyter (the one in the `jupyter` command's first line, else
 * /usr/bin/python3, else `python3`), which has pyzmq since Jupyter needs it; `--python PATH`
 * picks another. The kernelspec holds a copy of the relay, Deno's path and the Python's path,
 * so it keeps working wherever this clone moves; run the task again after moving Deno.
 *
 * @module
 */

const RELAY = new URL("./kernel_relay.py", import.meta.url);
/** The kernelspec's name, which the notebooks give (tests/_notebook.ts reads it from here). */
export const KERNEL_NAME = "denograd-deno";

/** Whether `python` can run the relay and install a kernelspec (pyzmq and jupyter_client). */
async function usable(python: string): Promise<boolean> {
  try {
    const probe = await new Deno.Command(python, {
      args: ["-c", "import zmq, jupyter_client"],
      stdout: "null",
      stderr: "null",
    }).output();
    return probe.success;
  } catch {
    return false;
  }
}

/** The interpreter the `jupyter` command on PATH runs with, from its `#!` line. */
async function jupyterPython(): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      const first = (await Deno.readTextFile(`${dir}/jupyter`)).split("\n", 1)[0];
      if (first.startsWith("#!")) {
        const words = first.slice(2).trim().split(/\s+/);
        return words[0].endsWith("/env") ? words[1] : words[0];
      }
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

async function findPython(): Promise<string> {
  const i = Deno.args.indexOf("--python");
  const candidates = i >= 0
    ? [Deno.args[i + 1]]
    : [await jupyterPython(), "/usr/bin/python3", "python3"];
  for (const python of candidates) {
    if (python && await usable(python)) return python;
  }
  throw new Error(
    `Cannot install the denograd kernel: no Python with pyzmq and jupyter_client among ${
      candidates.filter(Boolean).join(", ")
    } (install Jupyter, or name one with --python PATH)`,
  );
}

// Installed through jupyter_client itself, so the kernelspec lands where this Jupyter looks
// (JUPYTER_DATA_DIR, a virtual environment's or the user's data folder), next to Deno's own
// logos when that kernelspec is there.
const INSTALL = `
import json, os, shutil, sys, tempfile
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
name, relay, deno = sys.argv[1:4]
ksm = KernelSpecManager()
with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(relay, os.path.join(tmp, "kernel_relay.py"))
    try:
        logos = ksm.get_kernel_spec("deno").resource_dir
        for f in os.listdir(logos):
            if f.startswith("logo-"):
                shutil.copy(os.path.join(logos, f), tmp)
    except NoSuchKernel:
        pass
    dest = ksm.install_kernel_spec(tmp, name, user=True)  # replaces one that is there
spec = {
    "argv": [sys.executable, os.path.join(dest, "kernel_relay.py"), "{connection_file}", "--deno", deno],
    "display_name": "Deno (denograd)",
    "language": "typescript",
    "interrupt_mode": "message",
    "metadata": {"denograd": "Deno's kernel, with each cell's outputs kept under that cell"},
}
with open(os.path.join(dest, "kernel.json"), "w") as f:
    json.dump(spec, f, indent=1)
print(dest)
`;

/** Installs (or replaces) the kernelspec and returns the folder it is in. */
async function installKernel(): Promise<string> {
  const out = await new Deno.Command(await findPython(), {
    args: ["-c", INSTALL, KERNEL_NAME, RELAY.pathname, Deno.execPath()],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot install the denograd kernel: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

if (import.meta.main) {
  const dest = await installKernel();
  console.log(`Installed the "Deno (denograd)" kernel (${KERNEL_NAME}) in ${dest}`);
}
