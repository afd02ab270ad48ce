"""Runs Karpathy's microgpt.py one training step at a time, for bench/microgpt_bench.ts.

Usage: python3 microgpt_python.py path/to/microgpt.py DOCS   (in a folder holding input.txt)

The original's code runs unchanged: everything before its training loop runs once, then the
loop's body runs once per line read from stdin, with `step` counting up from 0, and the loss is
printed back. Only the first DOCS documents are kept, so that the steps go round them as the
bench's denograd steps do. Nothing after the loop (inference) runs.
"""
import sys
import textwrap

LOOP = "for step in range(num_steps):\n"

source = open(sys.argv[1]).read()
head, rest = source.split(LOOP, 1)
body = []
for line in rest.splitlines(keepends=True):
    if line.strip() and not line.startswith((" ", "\t")):
        break  # the first line after the loop
    body.append(line)

names = {"__name__": "microgpt"}
exec(compile(head, sys.argv[1], "exec"), names)
names["docs"] = names["docs"][: int(sys.argv[2])]
step_code = compile(textwrap.dedent("".join(body)), sys.argv[1], "exec")
print("ready", flush=True)
for step, _ in enumerate(sys.stdin):
    names["step"] = step
    exec(step_code, names)
    print(f"{names['loss'].data:.4f}", flush=True)
