"""Execute a notebook with the Deno Jupyter kernel; print every code cell's outputs as JSON.

Why not nbclient: Deno 2.9.6 sends a cell's stdout *after* the cell's `idle` status, and nbclient
stops listening at `idle`, so printed lines vanish at random. Here jupyter_client drives the kernel,
every iopub message is filed under the cell that caused it (its parent msg_id) whenever it arrives,
and the run keeps listening for a while after each cell and after the last one.

Usage: /usr/bin/python3 tests/run_notebook.py NOTEBOOK.ipynb [--write] [--timeout SECONDS]
  --write  also store the outputs in the notebook (streams first, then rich outputs, as Python
           shows them), with execution counts 1, 2, ... and no timestamps, so a second run gives
           the same bytes.
Prints {"cells": [{"index": i, "outputs": [...]}]}; exits 1 if the kernel could not run the notebook.
"""
import json
import os
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel

GRACE_AFTER_CELL = 0.5  # seconds to keep listening after a cell's idle
GRACE_AT_END = 1.5  # seconds to keep listening after the last cell


def source_of(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


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
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    name = nb.get("metadata", {}).get("kernelspec", {}).get("name", "deno")
    km, kc = start_new_kernel(kernel_name=name, cwd=os.path.dirname(os.path.abspath(path)))
    by_msg = {}  # msg_id -> outputs list
    idle = set()  # msg_ids whose cell reported idle
    # update_display_data may target a display made by an earlier cell: route by display id too.
    results = []

    def pump(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
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

    try:
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            msg_id = kc.execute(source_of(cell), store_history=True)
            outputs = by_msg[msg_id] = []
            results.append({"index": index, "outputs": outputs})
            deadline = time.monotonic() + timeout
            while msg_id not in idle:
                if time.monotonic() > deadline:
                    outputs.append({"output_type": "error", "ename": "Timeout",
                                    "evalue": f"cell {index} ran longer than {timeout} s", "traceback": []})
                    raise TimeoutError
                pump(0.1)
            pump(GRACE_AFTER_CELL)
            if any(o["output_type"] == "error" for o in outputs):
                break  # later cells would fail for the same reason, as in nbconvert
        pump(GRACE_AT_END)
    except TimeoutError:
        pass
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return nb, results


def lines(text):
    return text.splitlines(True)


def write(path, nb, results):
    """Store the outputs in the notebook file in nbformat's layout."""
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
                stored.append({"name": out["name"], "output_type": "stream", "text": lines(out["text"])})
            elif out["output_type"] == "error":
                stored.append({"ename": out["ename"], "evalue": out["evalue"], "output_type": "error",
                               "traceback": out["traceback"]})
            else:
                data = {k: (lines(v) if isinstance(v, str) else v) for k, v in out["data"].items()}
                item = {"data": data, "metadata": out["metadata"], "output_type": out["output_type"]}
                if out["output_type"] == "execute_result":
                    item["execution_count"] = count
                stored.append(item)
        cell["outputs"] = stored
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


def main():
    args = sys.argv[1:]
    path = args[0]
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 600.0
    nb, results = run(path, timeout)
    if "--write" in args:
        write(path, nb, results)
    json.dump({"cells": results}, sys.stdout)


if __name__ == "__main__":
    main()
