"""Running the measured processes: wall time, CPU time and peak RSS of one process tree, the
servers a row needs (on free loopback ports, always stopped), and Strata queries for checks.

Timing is whole-process wall time (time.perf_counter around the run). Peak memory is GNU time's
%M: the largest RSS of any single process in the tree (for Sqitch, the perl process or one of
its sqlite3 children, whichever is bigger).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

PY = "/usr/bin/python3"  # Debian's python: the one python3-alembic is installed for
GNU_TIME = "/usr/bin/time"  # Debian's `time` package


class CheckFailed(Exception):
    """A result that is wrong (or a command that failed): the row is reported FAILED."""


def expect(cond, msg):
    """Raises CheckFailed(msg) unless cond."""
    if not cond:
        raise CheckFailed(msg)


@dataclass
class Sample:
    wall: float      # seconds
    cpu: float       # user + system seconds of the tree
    rss_mib: float   # peak RSS of the largest process in the tree


def run(argv, cwd=None, stdin=None, stdout=None, what=None):
    """Runs argv to completion under GNU time and returns its Sample. stdin / stdout are file
    paths (stdout defaults to /dev/null; stderr goes to stdout's file). Raises CheckFailed on a
    non-zero exit, quoting the end of the output.

    GNU time, not this process's own wait4: a child forked from Python carries Python's RSS
    (~25 MiB) into its peak until it execs, which would hide a small tool's peak (sqlite3's is
    ~6 MiB)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    fd, tfile = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    try:
        t0 = time.perf_counter()
        p = subprocess.run([GNU_TIME, "-q", "-f", "%M %U %S", "-o", tfile] + list(argv),
                           cwd=cwd, stdin=fin, stdout=fout, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - t0
        with open(tfile) as f:
            fields = f.read().split()
    finally:
        os.remove(tfile)
        if stdin:
            fin.close()
        if stdout:
            fout.close()
    if p.returncode != 0:
        tail = ""
        if stdout and os.path.exists(stdout):
            with open(stdout, "rb") as f:
                f.seek(max(0, os.path.getsize(stdout) - 600))
                tail = f.read().decode(errors="replace")
        raise CheckFailed("%s exited with %d%s" % (what or os.path.basename(argv[0]),
                                                   p.returncode, (": " + tail.strip()[-400:])
                                                   if tail.strip() else ""))
    kib, user, system = int(fields[-3]), float(fields[-2]), float(fields[-1])
    return Sample(wall, user + system, kib / 1024.0)


def output(argv, cwd=None, timeout=600, env=None):
    """Runs a command and returns its stdout (env: variables added to the environment); raises
    CheckFailed on failure or after `timeout` seconds."""
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, **env) if env else None)
    except subprocess.TimeoutExpired:
        raise CheckFailed("%s did not finish in %d s" % (" ".join(argv[:3]), timeout))
    if p.returncode != 0:
        raise CheckFailed("%s exited with %d: %s" % (" ".join(argv[:3]), p.returncode,
                                                     (p.stderr or p.stdout).strip()[-400:]))
    return p.stdout


def reset_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def remove(*paths):
    for p in paths:
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


class Strata:
    """build/strata, and the embedded queries the checks ask."""

    def __init__(self, binary):
        self.binary = binary

    def exec_json(self, data_dir, script, scratch, store=None):
        """Runs `script` (text) with `strata exec --data data_dir --continue` (or, with `store`,
        the arguments naming an etcd store instead: ["--store", url, "--store-prefix", p]);
        returns the list of answers (parsed JSON, one per statement)."""
        path = os.path.join(scratch, "check.strata")
        with open(path, "w") as f:
            f.write(script)
        where = store or ["--data", data_dir]
        out = output([self.binary, "exec"] + where + ["--continue", path])
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    def run_json(self, port, script, scratch):
        """Sends `script` (text) to the server on `port` with `strata run --continue`; returns
        its answers (parsed JSON, one per statement)."""
        path = os.path.join(scratch, "check-%d.strata" % port)
        with open(path, "w") as f:
            f.write(script)
        out = output([self.binary, "run", "--port", str(port), "--continue", path])
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CheckFailed("server exited with %d at start-up" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise CheckFailed("server not listening on port %d after %d s" % (port, seconds))


class Servers:
    """Servers started by the harness. Each is stopped by its own pid: by stop(), at the end of
    the row, or by stop_all() when the harness exits (main installs it for SIGINT/SIGTERM)."""

    def __init__(self):
        self.procs = []
        self.cleanups = []  # functions stop_all calls too (e.g. stopping an etcd cluster)

    def strata(self, binary, data_dir, log, extra=()):
        """Starts `strata serve --auth off` on a free port (`extra`: more arguments, e.g.
        --store); returns (process, port)."""
        with open(log, "w") as f:
            p = subprocess.Popen([binary, "serve", "--data", data_dir, "--port", "0",
                                  "--auth", "off"] + list(extra), stdout=f,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", open(log).read())
            if m:
                port = int(m.group(1))
                wait_for_port(port, p)
                return p, port
            if p.poll() is not None:
                break
            time.sleep(0.05)
        self.stop(p)
        raise CheckFailed("strata serve did not start: " + open(log).read()[-400:])

    def redis(self, work_dir, log):
        """Starts a private redis-server (no persistence, loopback) on a free port."""
        port = free_port()
        p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--daemonize", "no",
                              "--dir", work_dir, "--logfile", log], stdout=subprocess.DEVNULL,
                             stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        wait_for_port(port, p)
        return p, port

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def stop_all(self):
        for p in list(self.procs):
            self.stop(p)
        for f in list(self.cleanups):
            f()
        self.cleanups.clear()
