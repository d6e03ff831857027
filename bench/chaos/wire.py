"""The chaos soak's view of Strata: the real `strata serve` as a child process, and a blocking
wire client (one TCP connection, one JSON line per statement, SPEC §6).

Every read is bounded in time: a server that stops answering shows up as a Timeout, never as
a hung soak."""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time


class Timeout(Exception):
    """No complete answer within the allowance."""


class Closed(Exception):
    """The server closed the connection."""


class Conn:
    """One connection. ask() sends one statement and returns its answer as a dict."""

    def __init__(self, port, timeout):
        self.timeout = timeout
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self, timeout=None):
        """The next response line (bytes, without its newline)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("no answer within %.0f s" % (timeout or self.timeout))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Timeout("no answer within %.0f s" % (timeout or self.timeout))
            except ConnectionResetError:
                raise Closed("reset by the server")
            if not chunk:
                raise Closed("closed by the server")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def answer(self, timeout=None):
        """The next response as JSON (ValueError when the line is not JSON)."""
        return json.loads(self.line(timeout))

    def ask(self, statement, timeout=None):
        self.send(statement + ";\n")
        return self.answer(timeout)

    def ok(self, statement):
        r = self.ask(statement)
        if r.get("status") != "success":
            raise RuntimeError("%s -> %s" % (statement[:200], json.dumps(r)[:400]))
        return r

    def closed_by_peer(self, timeout):
        """True when the server closes the connection within `timeout` seconds."""
        try:
            while True:
                self.line(timeout)
        except (Closed, ConnectionError):
            return True
        except Timeout:
            return False

    def reset(self):
        """Closes with a TCP reset (SO_LINGER 0): what a crashed client looks like."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def code_of(answer):
    """"success", or the error code of an answer."""
    if answer.get("status") == "success":
        return "success"
    return (answer.get("error") or {}).get("code", "NO_CODE")


class Server:
    """`strata serve` on a fresh port of 127.0.0.1, auth off, its log in a file."""

    def __init__(self, binary, data, log, max_statement_bytes, env=None):
        self.log_path = log
        self.args = [binary, "serve", "--data", data, "--port", "0", "--auth", "off",
                     "--max-statement-bytes", str(max_statement_bytes)]
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.port = 0

    def start(self, timeout):
        offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=log, env=self.env)
        deadline = time.monotonic() + timeout
        pattern = re.compile(rb"listening on [^ ]+:(\d+)")
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                m = pattern.search(f.read())
            if m and self.proc.poll() is None:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                raise RuntimeError("strata serve exited with %d" % self.proc.returncode)
            time.sleep(0.05)
        raise RuntimeError("strata serve did not listen within %.0f s" % timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout):
        """SIGTERM (a graceful stop); returns the exit code (SIGKILL after `timeout`: None)."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
