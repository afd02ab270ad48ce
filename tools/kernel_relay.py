"""The "Deno (denograd)" Jupyter kernel: Deno's own kernel, with every output under its own cell.

Why it exists: Deno 2.9.6's kernel (cli/js/jupyter_kernel.js) publishes what a cell prints or
displays from a queue that it empties asynchronously, stamps each message with the request it is
handling *when it publishes it*, and sends the cell's `execute_reply` and `idle` without waiting
for that queue. So a cell's last lines or charts arrive after its `idle` (nbclient, nbconvert and
papermill drop them) or carry the next cell's header (Run All shows them under the next cell).
docs/upstream/deno-jupyter-late-output.md has the details and the fix proposed to Deno.

What it does: it starts `deno jupyter --kernel` on ports of its own and relays every channel
between the front end and Deno, message for message, with one change. Right behind each
`execute_request` it sends Deno a silent marker request whose code puts a message of type
`denograd_marker` on that same queue. The queue is first in, first out, so when the marker's
message comes out, everything the cell produced has come out before it. Until then the relay
holds the cell's `execute_reply`, its `idle` status (and its `error`, so it comes after the cell's
printed lines) and the next `execute_request`; a message Deno stamped with the marker's header is
the cell's late output, and is stamped back with the cell's header and signed again. The marker's
own messages never reach the front end. Cost: one tiny evaluation per cell (docs/development.md
has the measurement, bench/kernel_bench.ts the bench).

Written in Python with pyzmq, which is libzmq itself and is installed wherever Jupyter is
(jupyter_client needs it). Started by the kernelspec that `deno task kernel:install` writes:

    python3 kernel_relay.py CONNECTION_FILE --deno /path/to/deno
"""
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import zmq

DELIMITER = b"<IDS|MSG>"
MARKER_TYPE = "denograd_marker"
MARKER_CODE = 'Deno.jupyter.broadcast("%s", {})' % MARKER_TYPE
MARKER_TIMEOUT = 10.0  # seconds to wait for a marker before releasing its cell anyway


class Wire:
    """Jupyter's wire format: split, read, re-stamp and sign messages with the connection key."""

    def __init__(self, key, scheme):
        self.key = key.encode()
        self.digest = getattr(hashlib, scheme.split("-", 1)[1]) if scheme.startswith("hmac-") else None

    def split(self, frames):
        """(identities, [signature, header, parent, metadata, content, buffers...])"""
        i = frames.index(DELIMITER)
        return frames[:i], frames[i + 1:]

    def sign(self, parts):
        if not self.key:
            return b""
        mac = hmac.new(self.key, digestmod=self.digest)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode()

    def restamp(self, frames, parent_header):
        """The message `frames` as sent by the kernel, with `parent_header` as its parent."""
        idents, body = self.split(frames)
        parent = json.dumps(parent_header).encode()
        signed = [body[1], parent, body[3], body[4]]
        return idents + [DELIMITER, self.sign(signed)] + signed + body[5:]

    def message(self, msg_type, content, session, parent_header=None):
        """A new message from this relay (a client of Deno), as frames."""
        header = {"msg_id": uuid.uuid4().hex, "session": session, "username": "denograd",
                  "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
                  "msg_type": msg_type, "version": "5.3"}
        parts = [json.dumps(p).encode() for p in (header, parent_header or {}, {}, content)]
        return header, [DELIMITER, self.sign(parts)] + parts


def header_of(body):
    return json.loads(body[1])


def parent_of(body):
    return json.loads(body[2])


def free_ports(ip, count):
    """`count` TCP ports free on `ip` now (Deno binds them a moment later)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind((ip, 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def die_with_parent():
    """In the child: on Linux, end when the relay ends, however it ends (even by SIGKILL)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Cell:
    """An execute_request in Deno, and what of it the relay holds back until its marker is out."""

    def __init__(self, idents, header):
        self.idents = idents
        self.header = header
        self.marker_id = None
        self.reply = None  # Deno's execute_reply (body frames)
        self.idle = None  # Deno's idle status for the cell (frames)
        self.errors = []  # Deno's error messages for the cell (frames)
        self.deadline = None


class Relay:
    def __init__(self, conn, deno):
        self.conn = conn
        self.wire = Wire(conn.get("key", ""), conn.get("signature_scheme", "hmac-sha256"))
        self.session = uuid.uuid4().hex
        self.ctx = zmq.Context()
        self.folder = tempfile.mkdtemp(prefix="denograd-kernel-")
        self.deno = None

        # The front end may connect at once; its requests wait until Deno is ready.
        self.shell = self.socket(zmq.ROUTER, conn["shell_port"], bind=True)
        self.control = self.socket(zmq.ROUTER, conn["control_port"], bind=True)
        self.stdin = self.socket(zmq.ROUTER, conn["stdin_port"], bind=True)
        self.iopub = self.socket(zmq.PUB, conn["iopub_port"], bind=True)
        self.hb = self.socket(zmq.REP, conn["hb_port"], bind=True)
        self.own = set()  # msg_ids of the relay's own kernel_info nudges: their answers stay here
        # The ports for Deno are picked free, then bound by Deno a moment later: another kernel
        # starting at the same time can take one in between (Deno then exits with AddrInUse), so
        # a start that fails is tried again on new ports.
        for _ in range(5):
            if self.start_deno(deno):
                break
            self.close_back()
        else:
            sys.exit("denograd kernel: Deno's kernel did not start (tried 5 times)")
        self.shutting_down = False
        self.requests = {}  # msg_id -> front-end identities, to route Deno's replies back
        self.cell = None  # the execute_request Deno is running, or whose marker is not out yet
        self.waiting = []  # execute_requests the front end sent meanwhile: (idents, body)
        self.markers = {}  # marker msg_id -> the header of the cell it follows (the last few)

    def start_deno(self, deno):
        """Start Deno's kernel on ports of its own and connect to it; False if it did not start."""
        conn = self.conn
        ports = free_ports(conn["ip"], 5)
        inner = dict(conn, shell_port=ports[0], iopub_port=ports[1], stdin_port=ports[2],
                     control_port=ports[3], hb_port=ports[4])
        inner_file = os.path.join(self.folder, "deno-connection.json")
        with open(inner_file, "w") as f:
            json.dump(inner, f)
        self.deno = subprocess.Popen([deno, "jupyter", "--kernel", "--conn", inner_file],
                                     preexec_fn=die_with_parent if sys.platform == "linux" else None)

        self.back_shell = self.socket(zmq.DEALER, inner["shell_port"])
        self.back_control = self.socket(zmq.DEALER, inner["control_port"])
        self.back_stdin = self.socket(zmq.DEALER, inner["stdin_port"])
        self.back_iopub = self.socket(zmq.SUB, inner["iopub_port"])
        self.back_iopub.setsockopt(zmq.SUBSCRIBE, b"")
        return self.wait_for_deno()

    def socket(self, kind, port, bind=False):
        """A socket on `port` of the connection's address: bound for the front end, else
        connected to Deno (retrying every 10 ms: Deno is listening a moment after it starts)."""
        s = self.ctx.socket(kind)
        s.linger = 1000
        address = f"{self.conn.get('transport', 'tcp')}://{self.conn['ip']}:{port}"
        if bind:
            s.bind(address)
        else:
            s.reconnect_ivl = 10
            s.connect(address)
        return s

    def close_back(self):
        """Let go of a Deno that did not start, and of the sockets to it."""
        if self.deno.poll() is None:
            self.deno.kill()
            self.deno.wait()
        for s in (self.back_shell, self.back_control, self.back_stdin, self.back_iopub):
            s.close(linger=0)

    def wait_for_deno(self):
        """Nudge Deno with kernel_info requests until its shell answers and its iopub reaches
        the relay (a subscriber misses what is published before it is connected)."""
        poller = zmq.Poller()
        poller.register(self.back_shell, zmq.POLLIN)
        poller.register(self.back_iopub, zmq.POLLIN)
        replied = published = False
        end = time.monotonic() + 60
        while not (replied and published):
            if self.deno.poll() is not None or time.monotonic() > end:
                return False
            header, frames = self.wire.message("kernel_info_request", {}, self.session)
            self.own.add(header["msg_id"])
            self.back_shell.send_multipart(frames)
            for sock, _ in poller.poll(50):
                sock.recv_multipart()
                if sock is self.back_shell:
                    replied = True
                else:
                    published = True
        return True

    # --- front end -> Deno ---------------------------------------------------------------

    def from_front(self, sock, back, frames):
        idents, body = self.wire.split(frames)
        header = header_of(body)
        self.requests[header["msg_id"]] = idents
        if sock is self.shell and header["msg_type"] == "execute_request":
            self.waiting.append((idents, body))
            self.start_next()
        else:
            back.send_multipart([DELIMITER] + body)

    def start_next(self):
        """Send Deno the next waiting execute_request and, right behind it, its marker."""
        if self.cell is not None or not self.waiting:
            return
        idents, body = self.waiting.pop(0)
        self.cell = Cell(idents, header_of(body))
        self.back_shell.send_multipart([DELIMITER] + body)
        content = {"code": MARKER_CODE, "silent": True, "store_history": False,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}
        marker, frames = self.wire.message("execute_request", content, self.session)
        self.cell.marker_id = marker["msg_id"]
        self.markers[marker["msg_id"]] = self.cell.header
        if len(self.markers) > 8:
            self.markers.pop(next(iter(self.markers)))
        self.back_shell.send_multipart(frames)

    # --- Deno -> front end ---------------------------------------------------------------

    def reply_from_deno(self, front, frames):
        _, body = self.wire.split(frames)
        parent = parent_of(body).get("msg_id")
        if parent in self.own:
            return
        if header_of(body)["msg_type"] == "shutdown_reply":
            self.shutting_down = True  # Deno exits; so does the relay, once the reply is out
        cell = self.cell
        if cell and parent == cell.header["msg_id"]:
            cell.reply = body
            return
        if cell and parent == cell.marker_id:
            if json.loads(body[4]).get("status") != "ok":
                self.release()  # the marker failed: nothing more will come for it
            else:
                cell.deadline = time.monotonic() + MARKER_TIMEOUT
            return
        if parent in self.markers:
            return
        idents = self.requests.pop(parent, None)
        if idents is not None:
            front.send_multipart(idents + [DELIMITER] + body)

    def stdin_from_deno(self, frames):
        """An input_request (`prompt()`): to the front end that sent the running cell."""
        _, body = self.wire.split(frames)
        if self.cell is not None:
            self.stdin.send_multipart(self.cell.idents + [DELIMITER] + body)

    def iopub_from_deno(self, frames):
        _, body = self.wire.split(frames)
        header, parent = header_of(body), parent_of(body).get("msg_id")
        cell, kind = self.cell, header["msg_type"]
        if parent in self.own:
            return
        if cell and parent == cell.header["msg_id"]:
            if kind == "status" and json.loads(body[4]).get("execution_state") == "idle":
                cell.idle = frames
                return
            if kind == "error":
                cell.errors.append(frames)
                return
        elif parent in self.markers:
            if cell and parent == cell.marker_id and kind == MARKER_TYPE:
                self.release()
                return
            if kind in ("status", "execute_input", MARKER_TYPE) or (kind == "error" and cell and parent == cell.marker_id):
                return  # the marker's own messages
            frames = self.wire.restamp(frames, self.markers[parent])  # the cell's late output
        self.iopub.send_multipart(frames)

    def release(self):
        """The cell's outputs are all out: its errors, reply and idle follow; the next cell starts."""
        cell, self.cell = self.cell, None
        for frames in cell.errors:
            self.iopub.send_multipart(frames)
        if cell.reply is not None:
            idents = self.requests.pop(cell.header["msg_id"], cell.idents)
            self.shell.send_multipart(idents + [DELIMITER] + cell.reply)
        if cell.idle is not None:
            self.iopub.send_multipart(cell.idle)
        self.start_next()

    # --- the loop ------------------------------------------------------------------------

    def run(self):
        routes = {
            self.shell: lambda f: self.from_front(self.shell, self.back_shell, f),
            self.control: lambda f: self.from_front(self.control, self.back_control, f),
            self.stdin: lambda f: self.from_front(self.stdin, self.back_stdin, f),
            self.back_shell: lambda f: self.reply_from_deno(self.shell, f),
            self.back_control: lambda f: self.reply_from_deno(self.control, f),
            self.back_stdin: self.stdin_from_deno,
            self.back_iopub: self.iopub_from_deno,
        }
        poller = zmq.Poller()
        for sock in [*routes, self.hb]:
            poller.register(sock, zmq.POLLIN)
        while self.deno.poll() is None and not self.shutting_down:
            for sock, _ in poller.poll(100):
                frames = sock.recv_multipart()
                if sock is self.hb:
                    self.hb.send_multipart(frames)  # alive: Deno's process is running
                else:
                    routes[sock](frames)
            cell = self.cell
            if cell and cell.deadline and time.monotonic() > cell.deadline:
                self.release()

    def close(self):
        if self.deno.poll() is None:
            self.deno.terminate()
            try:
                self.deno.wait(5)
            except subprocess.TimeoutExpired:
                self.deno.kill()
        self.ctx.destroy(linger=0)
        shutil.rmtree(self.folder, ignore_errors=True)


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return
    deno = args[args.index("--deno") + 1] if "--deno" in args else "deno"
    with open(args[0]) as f:
        conn = json.load(f)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts come as interrupt_request messages
    relay = Relay(conn, deno)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        relay.run()
    finally:
        relay.close()
    sys.exit(relay.deno.returncode or 0)


if __name__ == "__main__":
    main()
