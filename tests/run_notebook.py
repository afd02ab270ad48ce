"""Execute a notebook with the Deno Jupyter kernel and print every cell's outputs as JSON.

Why not nbclient: Deno 2.9.6 sends a cell's stdout *after* the cell's `idle` status, and nbclient stops
listening at `idle`, so printed lines vanish at random. Here we drive the kernel with jupyter_client
and keep reading iopub for a grace period after `idle` (and until the next cell starts) so late
output is kept and attributed to the cell that produced it.

Usage: /usr/bin/python3 tests/run_notebook.py NOTEBOOK.ipynb [--timeout SECONDS] [--write OUT.ipynb]
Prints one JSON object: {"cells": [{"index", "outputs": [...]}], "errors": [...]}.
"""
import json
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel

GRACE = 0.75  # seconds to keep collecting after idle


def main():
    args = sys.argv[1:]
    path = args[0]
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 300.0
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    name = nb.get("metadata", {}).get("kernelspec", {}).get("name", "deno")
    import os
    km, kc = start_new_kernel(kernel_name=name, cwd=os.path.dirname(os.path.abspath(path)))
    results = []
    try:
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            outputs = []
            msg_id = kc.execute(source, store_history=True)
            deadline = time.monotonic() + timeout
            idle_at = None
            reply = None
            while True:
                now = time.monotonic()
                if now > deadline:
                    outputs.append({"output_type": "error", "ename": "Timeout", "evalue": f"cell {index} timed out", "traceback": []})
                    break
                if idle_at is not None and now - idle_at > GRACE:
                    break
                try:
                    msg = kc.get_iopub_msg(timeout=0.1)
                except queue.Empty:
                    continue
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                content = msg["content"]
                if kind == "status" and content["execution_state"] == "idle":
                    idle_at = time.monotonic()
                elif kind == "stream":
                    if outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == content["name"]:
                        outputs[-1]["text"] += content["text"]
                    else:
                        outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
                elif kind in ("execute_result", "display_data"):
                    out = {"output_type": kind, "data": content["data"], "metadata": content.get("metadata", {})}
                    if kind == "execute_result":
                        out["execution_count"] = content.get("execution_count")
                    if content.get("transient", {}).get("display_id"):
                        out["display_id"] = content["transient"]["display_id"]
                    outputs.append(out)
                elif kind == "update_display_data":
                    did = content.get("transient", {}).get("display_id")
                    for out in outputs:
                        if out.get("display_id") == did:
                            out["data"] = content["data"]
                elif kind == "error":
                    outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"], "traceback": content["traceback"]})
                elif kind == "clear_output":
                    outputs = []
            try:
                reply = kc.get_shell_msg(timeout=5)
                if reply["content"].get("status") == "error" and not any(o["output_type"] == "error" for o in outputs):
                    c = reply["content"]
                    outputs.append({"output_type": "error", "ename": c.get("ename", ""), "evalue": c.get("evalue", ""), "traceback": c.get("traceback", [])})
            except queue.Empty:
                pass
            results.append({"index": index, "outputs": outputs})
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    json.dump({"cells": results}, sys.stdout)


if __name__ == "__main__":
    main()
