"""Execute a notebook with plain nbclient, as `jupyter nbconvert --execute` does; print its outputs.

Unlike tests/run_notebook.py, this is what a learner's tools do: nbclient stops reading a cell's
outputs at its `idle` status and files them under the cell it is running. So it shows whether a
kernel delivers every output of a cell, under that cell, before the cell ends.

Usage: /usr/bin/python3 tests/nbclient_run.py NOTEBOOK.ipynb --kernel NAME [--runs N]
  --kernel   the kernelspec to run it with (`denograd-deno`, or `deno` for Deno's own)
  --runs     execute it N times, each in a fresh kernel (default 1)
Prints {"runs": [{"cells": [{"index": i, "outputs": [...]}]}]} (outputs as nbformat stores them).
"""
import copy
import json
import os
import sys

import nbformat
from nbclient import NotebookClient


def main():
    args = sys.argv[1:]
    path = args[0]
    kernel = args[args.index("--kernel") + 1]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 1
    notebook = nbformat.read(path, as_version=4)
    results = []
    for _ in range(runs):
        nb = copy.deepcopy(notebook)
        client = NotebookClient(nb, kernel_name=kernel, timeout=600, allow_errors=True,
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        client.execute()
        cells = [{"index": i, "outputs": c.outputs} for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        results.append({"cells": cells})
    json.dump({"runs": results}, sys.stdout)


if __name__ == "__main__":
    main()
