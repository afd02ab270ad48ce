// Starts and stops a real Jupyter Notebook server (Debian's `jupyter-notebook`, on /usr/bin/python3)
// for the browser test: loopback only, no token or password, serving the project folder.

const PYTHON = "/usr/bin/python3";

/** A running Notebook server. */
export interface JupyterServer {
  /** Its base URL, such as `http://127.0.0.1:40123/`. */
  url: string;
  /** Shut its kernels down and stop it; safe to call more than once. */
  stop(): Promise<void>;
}

/** Why the Notebook server cannot start here, or `undefined` when it can. */
export async function notebookServerMissing(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command(PYTHON, {
      args: ["-c", "import notebook, sys; sys.exit(0 if notebook.__version__ >= '6' else 3)"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!probe.success) {
      return `the Jupyter Notebook server is missing on ${PYTHON} (apt-get install -y jupyter-notebook)`;
    }
  } catch {
    return `${PYTHON} is missing`;
  }
  return undefined;
}

/** Options for {@linkcode startJupyter}. */
export interface JupyterOptions {
  /**
   * Keep checkpoints where a learner's Notebook keeps them, in an `.ipynb_checkpoints/` folder
   * beside each saved notebook, instead of in a temporary folder (the default).
   */
  checkpointsBeside?: boolean;
}

/**
 * Start a Notebook server on 127.0.0.1 at a free port, serving `root` (hidden folders included,
 * for notebooks made under `.test-artifacts/`), its log written to `logPath` as it comes. It logs
 * each save as `Saving file at /path`.
 */
export async function startJupyter(
  root: string,
  logPath: string,
  { checkpointsBeside = false }: JupyterOptions = {},
): Promise<JupyterServer> {
  const port = freePort();
  const runtimeDir = await Deno.makeTempDir({ prefix: "jupyter_runtime_" });
  const child = new Deno.Command(PYTHON, {
    args: [
      "-m",
      "notebook",
      "--no-browser",
      "--allow-root", // CI runs as root
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      "--NotebookApp.token=",
      "--NotebookApp.password=",
      `--notebook-dir=${root}`,
      "--ContentsManager.allow_hidden=True",
      "--NotebookApp.disable_check_xsrf=True", // so stop() may delete sessions without a cookie
      // The notebook-signing key (and, unless asked otherwise, checkpoint folders) go to a
      // temporary folder, not the project or the home folder.
      `--NotebookNotary.data_dir=${runtimeDir}`,
      ...(checkpointsBeside ? [] : [`--FileCheckpoints.root_dir=${runtimeDir}`]),
    ],
    env: { JUPYTER_RUNTIME_DIR: runtimeDir, PYDEVD_DISABLE_FILE_VALIDATION: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // The server logs to stderr. Each chunk is written as it comes, so a test can wait for a line:
  // Deno 2.9.6's pipeTo(file.writable) held the whole log back until the server exited.
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const logged = (async () => {
    try {
      for await (const chunk of child.stderr) {
        for (let n = 0; n < chunk.length;) n += await log.write(chunk.subarray(n));
      }
    } finally {
      log.close();
    }
  })();
  const url = `http://127.0.0.1:${port}/`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      // Shut the kernels down through the API, so no Deno kernel outlives the server.
      const sessions = await (await fetch(`${url}api/sessions`)).json() as { id: string }[];
      for (const s of sessions) {
        await (await fetch(`${url}api/sessions/${s.id}`, { method: "DELETE" })).body?.cancel();
      }
    } catch { /* the server is already gone */ }
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* exited meanwhile */ }
    }, 10_000);
    await child.status;
    clearTimeout(timer);
    await logged.catch(() => {});
    await Deno.remove(runtimeDir, { recursive: true });
  };
  // Ready when its API answers; give up after 60 s or if it exits.
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.status.then(() => exited = true);
  while (true) {
    try {
      const res = await fetch(`${url}api/status`);
      await res.body?.cancel();
      if (res.ok) return { url, stop };
    } catch { /* not listening yet */ }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `Cannot start Jupyter: the Notebook server ${
          exited ? "exited" : "did not answer in 60 s"
        }; ` +
          `see ${logPath}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A TCP port nobody listens on now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
