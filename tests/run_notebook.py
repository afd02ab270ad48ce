"""Execute a notebook with the kernel it names; print every code cell's outputs as JSON.

The notebooks name the "Deno (denograd)" kernel (tools/kernel_relay.py), which sends a cell's
`idle` status only once all of the cell's outputs are out, so a cell ends at its `idle` here as it
does in nbclient (tests/nbclient_run.py). This runner stays for what nbclient does not do: it
stores the outputs exactly as the classic Notebook saves them, and files every iopub message
under the cell that caused it (its parent msg_id).

Usage: /usr/bin/python3 tests/run_notebook.py NOTEBOOK.ipynb [--write] [--timeout SECONDS]
  --write  also store the outputs in the notebook (streams first, then rich outputs, as Python
           shows them), with execution counts 1, 2, ... and no timestamps, so a second run gives
           the same bytes. The file is written as the classic Notebook saves it, so opening and
           saving it there changes nothing: the kernelspec and language_info the kernel reports,
           laid out by nbformat's own writer (the code the Notebook server saves with).
Prints {"cells": [{"index": i, "outputs": [...]}]}; exits 1 if the kernel could not run the notebook.
"""
import json
import os
import queue
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel


def file_message(msg, outputs):
    """Add one iopub message to the outputs of the cell it belongs to."""
    kind, content = msg["msg_type"], msg["content"]
    if kind == "stream":
        last = outputs[-1] if outputs else None
        if last and last["output_type"] == "stream" and last["name"] == content["name"]:
            last["text"] += content["text"]
        else:
            outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
    elif kind in ("execute_result", "display_data"):
        out = {"output_type": kind, "data": content["data"], "metadata": content.get("metadata", {})}
        display_id = content.get("transient", {}).get("display_id")
        if display_id:
            out["display_id"] = display_id
        outputs.append(out)
    elif kind == "update_display_data":
        display_id = content.get("transient", {}).get("display_id")
        for out in outputs:
            if display_id and out.get("display_id") == display_id:
                out["data"] = content["data"]
    elif kind == "error":
        outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"],
                        "traceback": content["traceback"]})
    elif kind == "clear_output":
        outputs.clear()


def run(path, timeout):
    nb = nbformat.read(path, as_version=4)  # as the Notebook server reads it: sources joined
    name = nb.metadata.get("kernelspec", {}).get("name", "denograd-deno")
    km, kc = start_new_kernel(kernel_name=name, cwd=os.path.dirname(os.path.abspath(path)))
    # What the Notebook stores when it connects to the kernel: the spec's names, and the kernel's
    # own language_info (for Deno, the TypeScript version it bundles).
    spec = km.kernel_spec
    kernel = {
        "kernelspec": {"name": name, "display_name": spec.display_name, "language": spec.language},
        "language_info": kc.kernel_info(reply=True, timeout=60)["content"]["language_info"],
    }
    by_msg = {}  # msg_id -> outputs list
    idle = set()  # msg_ids whose cell reported idle
    # update_display_data may target a display made by an earlier cell: route by display id too.
    results = []

    def file_until_idle(cell, deadline):
        """File what arrives until `cell` (a msg_id) is idle; False if `deadline` passes first."""
        while cell not in idle:
            if time.monotonic() > deadline:
                return False
            try:
                msg = kc.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                continue
            parent = msg.get("parent_header", {}).get("msg_id")
            if parent not in by_msg:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle.add(parent)
            elif msg["msg_type"] == "update_display_data":
                for outputs in by_msg.values():
                    file_message(msg, outputs)
            else:
                file_message(msg, by_msg[parent])
        return True

    try:
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            msg_id = kc.execute(cell.source, store_history=True)
            outputs = by_msg[msg_id] = []
            results.append({"index": index, "outputs": outputs})
            if not file_until_idle(msg_id, time.monotonic() + timeout):
                outputs.append({"output_type": "error", "ename": "Timeout",
                                "evalue": f"cell {index} ran longer than {timeout} s", "traceback": []})
                break
            if any(o["output_type"] == "error" for o in outputs):
                break  # later cells would fail for the same reason, as in nbconvert
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return nb, results, kernel


def write(path, nb, results, kernel):
    """Store the outputs in the notebook file, written as the classic Notebook saves it."""
    by_index = {r["index"]: r["outputs"] for r in results}
    count = 0
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        count += 1
        cell["execution_count"] = count
        cell["metadata"].pop("execution", None)
        stored = []
        outputs = by_index.get(index, [])
        streams = {}  # all of a cell's stdout together, then all of its stderr
        for o in outputs:
            if o["output_type"] == "stream":
                streams[o["name"]] = streams.get(o["name"], "") + o["text"]
        merged = [{"output_type": "stream", "name": k, "text": v} for k, v in streams.items()]
        for out in merged + [o for o in outputs if o["output_type"] != "stream"]:
            if out["output_type"] == "stream":
                item = {"output_type": "stream", "name": out["name"], "text": out["text"]}
            elif out["output_type"] == "error":
                item = {"output_type": "error", "ename": out["ename"], "evalue": out["evalue"],
                        "traceback": out["traceback"]}
            else:
                item = {"output_type": out["output_type"], "data": out["data"],
                        "metadata": out["metadata"]}
                if out["output_type"] == "execute_result":
                    item["execution_count"] = count
            stored.append(nbformat.from_dict(item))
        cell["outputs"] = stored
    nb.metadata.update(nbformat.from_dict(kernel))
    # The Notebook server saves with nbformat.write(nb, f, version=NO_CONVERT) into a UTF-8 file
    # (notebook/services/contents/fileio.py): keys sorted, one-space indents, text split into
    # lines, a newline at the end.
    with open(path, "w", encoding="utf-8") as f:
        nbformat.write(nb, f, version=nbformat.NO_CONVERT)


def main():
    args = sys.argv[1:]
    path = args[0]
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 600.0
    nb, results, kernel = run(path, timeout)
    if "--write" in args:
        write(path, nb, results, kernel)
    json.dump({"cells": results}, sys.stdout)


if __name__ == "__main__":
    main()
