"""The relay starts Deno again on new ports when one it picked was taken in between.

Run by tests/kernel_test.ts: /usr/bin/python3 tests/relay_retry.py DENO
A port is held open, and the relay's first pick of ports for Deno is made to include it, as when
another kernel takes it between the pick and Deno's bind. The kernel must still start and run a
cell; the script prints how many picks the relay made and the cell's output, and exits 1 if not.
"""
import os
import socket
import subprocess
import sys
import tempfile

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
deno = sys.argv[1]

taken = socket.socket()
taken.bind(("127.0.0.1", 0))
taken.listen()
port = taken.getsockname()[1]

folder = tempfile.mkdtemp(prefix="relay-retry-")
conn_file, _ = write_connection_file(os.path.join(folder, "kernel.json"), ip="127.0.0.1")
log = os.path.join(folder, "picks")
wrapper = f"""
import sys
sys.path.insert(0, {os.path.join(ROOT, 'tools')!r})
import kernel_relay
pick = kernel_relay.free_ports
def first_pick_taken(ip, count):
    with open({log!r}, "a") as f:
        f.write("pick\\n")
    ports = pick(ip, count)
    if sum(1 for _ in open({log!r})) == 1:
        ports[0] = {port}  # the shell port, taken by another process meanwhile
    return ports
kernel_relay.free_ports = first_pick_taken
sys.argv = ["kernel_relay.py", {conn_file!r}, "--deno", {deno!r}]
kernel_relay.main()
"""
relay = subprocess.Popen([sys.executable, "-c", wrapper], stderr=subprocess.DEVNULL)
client = BlockingKernelClient(connection_file=conn_file)
client.load_connection_file()
client.start_channels(hb=False)  # no heartbeat: is_alive() then trusts the channels
printed = ""
try:
    client.wait_for_ready(timeout=60)
    msg_id = client.execute("console.log('after a retry')")
    while True:
        msg = client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            printed += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    client.shutdown()
finally:
    client.stop_channels()
    try:
        relay.wait(10)
    except subprocess.TimeoutExpired:
        relay.kill()
    taken.close()
picks = sum(1 for _ in open(log))
print(f"picks {picks}, printed {printed!r}")
sys.exit(0 if picks >= 2 and printed == "after a retry\n" else 1)
