"""The chaos soak's 32 clients (main.py assigns them): each is a loop that runs until the
soak's stop event, on its own connection(s), and records what it was told in the shared
Tally. Well-behaved clients (migrators, writers, racers, readers, the DDL client) must get an
answer to every statement in time: a timeout or a closed connection is a FAILURE. The others
(garbage, oversized, half-sent, slow readers) only require that every line the server sends
is valid JSON (or the handshake's S0001 / PROTOCOL_OK lines) and that the server lives."""
import collections
import json
import random
import socket
import struct
import threading
import time

from wire import Closed, Conn, Timeout, code_of

WRITER_BASE = 0        # writer i writes documents with client == i
HALF_BASE = 1000       # half-sent client i writes client == 1000 + i


class Tally:
    """What every client saw, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = collections.Counter()       # answers by code ("success" included)
        self.failures = []                       # sentences: what must not happen
        self.migrations = {}                     # (db, description) -> documents it adds
        self.acked = collections.Counter()       # (db, client) -> acknowledged adds
        self.sent = collections.Counter()        # (db, client) -> adds sent (half clients)
        self.races = collections.Counter()       # "apply"/"rollback" -> races run
        self.race_failures = []                  # races without exactly one success
        self.events = collections.Counter()      # connections, garbage bytes, resets ...
        self.latencies = []                      # seconds, of one-statement round trips

    def answered(self, answer, latency=None):
        with self.lock:
            self.codes[code_of(answer)] += 1
            if latency is not None:
                self.latencies.append(latency)

    def fail(self, what):
        with self.lock:
            if len(self.failures) < 200:
                self.failures.append(what)

    def event(self, name, n=1):
        with self.lock:
            self.events[name] += n


class Ctx:
    def __init__(self, port, timeout, stop, tally, max_bytes):
        self.port, self.timeout, self.stop, self.tally = port, timeout, stop, tally
        self.max_bytes = max_bytes

    def conn(self):
        self.tally.event("connections")
        return Conn(self.port, self.timeout)


def guarded(name, body):
    """Runs a well-behaved client's body, turning a timeout or a lost connection into a
    FAILURE (then reconnecting) until the stop event."""
    def run(ctx, *args):
        while not ctx.stop.is_set():
            try:
                body(ctx, *args)
                return
            except (Timeout, Closed, ConnectionError, ValueError, RuntimeError) as e:
                ctx.tally.fail("%s: %s: %s" % (name, type(e).__name__, e))
                time.sleep(0.5)
    return run


def ask(ctx, conn, statement):
    t0 = time.monotonic()
    r = conn.ask(statement)
    ctx.tally.answered(r, time.monotonic() - t0)
    return r


def migration_text(tag, k):
    adds = "".join('  ADD DOCUMENT TO BUNDLE "M_%s" WITH VALUES ({"k": %d});\n' % (tag, i)
                   for i in range(k))
    return ('START MIGRATION WITH DESCRIPTION "%s"\n'
            '  CREATE BUNDLE "M_%s" WITH FIELDS ({"k", INT, true, false}, {"w", INT, false, false, 0});\n'
            '  CREATE INDEX "M_%s_k" BTREE ON BUNDLE "M_%s" WITH FIELDS ("k");\n'
            '%s'
            '  UPDATE DOCUMENTS IN BUNDLE "M_%s" ("w" = 1) WHERE k >= 0;\n'
            'COMMIT') % (tag, tag, tag, tag, adds, tag)


def lowest_open(conn, ctx):
    """(version, status) of the lowest migration that is not APPLIED, and currentVersion."""
    r = ask(ctx, conn, "SHOW MIGRATIONS")
    pending = [m for m in r.get("migrations", []) if m.get("Status") != "APPLIED"]
    low = min(pending, key=lambda m: m["Version"]) if pending else None
    return (low["Version"], low["Status"]) if low else (None, None), r.get("currentVersion", 0)


def _migrator(ctx, db, name, rng):
    conn = ctx.conn()
    ask(ctx, conn, 'USE "%s"' % db)
    seq = 0
    while not ctx.stop.is_set():
        x = rng.random()
        if x < 0.4:
            seq += 1
            tag, k = "%s-%d" % (name, seq), rng.randint(1, 40)
            with ctx.tally.lock:
                ctx.tally.migrations[(db, tag)] = k
            ask(ctx, conn, migration_text(tag, k))
        elif x < 0.85:
            (v, status), _ = lowest_open(conn, ctx)
            if status == "PENDING":
                ask(ctx, conn, "APPLY MIGRATION WITH VERSION %d FORCE" % v)
            elif status in ("FAILED", "ROLLED_BACK"):
                ask(ctx, conn, "RESET MIGRATION WITH VERSION %d" % v)
        elif x < 0.95:
            _, current = lowest_open(conn, ctx)
            if current > 1:  # version 1 made the "Direct" bundle the writers use
                r = ask(ctx, conn, "APPLY ROLLBACK TO VERSION %d" % (current - 1))
                if code_of(r) == "success":
                    ask(ctx, conn, "RESET MIGRATION WITH VERSION %d" % current)
        else:
            r = ask(ctx, conn, "VERIFY MIGRATIONS")
            if not (r.get("checksumsValid") and r.get("chainValid")):
                ctx.tally.fail("%s: VERIFY MIGRATIONS on %s: %s" % (name, db, json.dumps(r)[:300]))
    conn.close()


def _writer(ctx, db, client, rng):
    conn = ctx.conn()
    ask(ctx, conn, 'USE "%s"' % db)
    while not ctx.stop.is_set():
        n = rng.randint(1, 20)
        conn.send("".join('ADD DOCUMENT TO BUNDLE "Direct" WITH VALUES ({"client": %d, "i": %d});'
                          % (client, rng.randint(0, 1 << 30)) for _ in range(n)))
        for _ in range(n):
            r = conn.answer()
            ctx.tally.answered(r)
            if code_of(r) == "success":
                with ctx.tally.lock:
                    ctx.tally.acked[(db, client)] += 1
        if rng.random() < 0.1:  # a live check: my documents are exactly those acknowledged
            r = ask(ctx, conn, 'SELECT COUNT FROM "Direct" WHERE client == %d' % client)
            with ctx.tally.lock:
                want = ctx.tally.acked[(db, client)]
            if r.get("ResultCount") != want:
                ctx.tally.fail("writer %d on %s: counts %s, acknowledged %d"
                               % (client, db, r.get("ResultCount"), want))
    conn.close()


def _racer(ctx, db, racers, rng):
    """One coordinator connection and `racers` racing ones, all on `db`, where nobody else
    writes: every race must have exactly one success."""
    coord = ctx.conn()
    ask(ctx, coord, 'USE "%s"' % db)
    conns = [ctx.conn() for _ in range(racers)]
    for c in conns:
        ask(ctx, c, 'USE "%s"' % db)
    seq = 0
    while not ctx.stop.is_set():
        seq += 1
        tag = "race-%d" % seq
        with ctx.tally.lock:
            ctx.tally.migrations[(db, tag)] = 3
        r = ask(ctx, coord, migration_text(tag, 3))
        if code_of(r) != "success":
            ctx.tally.fail("racer: START refused: %s" % json.dumps(r)[:300])
            continue
        version = r["migration"]["Version"]
        kind, statement = "apply", "APPLY MIGRATION WITH VERSION %d FORCE" % version
        if seq % 5 == 0 and version > 2:  # now and then a rollback race instead
            ask(ctx, coord, statement)
            kind, statement = "rollback", "APPLY ROLLBACK TO VERSION %d" % (version - 1)
        for c in conns:
            c.send(statement + ";")
        codes = []
        for c in conns:
            a = c.answer()
            ctx.tally.answered(a)
            codes.append(code_of(a))
        with ctx.tally.lock:
            ctx.tally.races[kind] += 1
            if codes.count("success") != 1:
                ctx.tally.race_failures.append("%s of version %d: %s" % (kind, version, codes))
        if kind == "rollback":
            ask(ctx, coord, "RESET MIGRATION WITH VERSION %d" % version)
            ask(ctx, coord, "APPLY MIGRATION WITH VERSION %d FORCE" % version)
    for c in conns + [coord]:
        c.close()


def _reader(ctx, dbs, rng):
    conn = ctx.conn()
    while not ctx.stop.is_set():
        db = rng.choice(dbs)
        ask(ctx, conn, 'USE "%s"' % db)
        r = ask(ctx, conn, "SHOW MIGRATIONS")
        cur = r.get("currentVersion", 0)
        applied = sorted(m["Version"] for m in r.get("migrations", []) if m["Status"] == "APPLIED")
        if applied != list(range(1, cur + 1)):
            ctx.tally.fail("reader: %s: APPLIED %s with currentVersion %d" % (db, applied, cur))
        ask(ctx, conn, 'SELECT COUNT FROM "Direct"')
        ask(ctx, conn, 'SELECT * FROM "Direct" WHERE client == 1 ORDER BY i DESC LIMIT 5')
    conn.close()


def _ddl(ctx, db, rng):
    """Direct schema changes where they are allowed (SET AllowDirectSchemaChanges = true)."""
    conn = ctx.conn()
    ask(ctx, conn, 'USE "%s"' % db)
    ask(ctx, conn, "SET AllowDirectSchemaChanges = true")
    n = 0
    while not ctx.stop.is_set():
        n += 1
        b = "T%d" % (n % 7)
        for st in ['CREATE BUNDLE "%s" WITH FIELDS ({"a", INT, false, false})' % b,
                   'UPDATE BUNDLE "%s" ADD FIELD {"s%d", STRING, false, false}' % (b, n),
                   'ADD DOCUMENT TO BUNDLE "%s" WITH VALUES ({"a": %d})' % (b, n),
                   'CREATE INDEX "%s_a" BTREE ON BUNDLE "%s" WITH FIELDS ("a")' % (b, b),
                   'DROP BUNDLE "T%d"' % ((n + 3) % 7)]:
            ask(ctx, conn, st)
    conn.close()


migrator = guarded("migrator", _migrator)
writer = guarded("writer", _writer)
racer = guarded("racer", _racer)
reader = guarded("reader", _reader)
ddl = guarded("ddl", _ddl)

# ---------------------------------------------------------------------------------------
# The misbehaving clients: they only check that whatever comes back is well-formed.

TOKENS = [b"START MIGRATION ", b" COMMIT", b"ADD DOCUMENT TO BUNDLE \"Direct\" WITH VALUES ",
          b"({", b"})", b"\"", b"\\", b";", b"\x04", b"--", b"/*", b"*/", b"\x00", b"\xff\xfe",
          b"SELECT * FROM ", b"WHERE ", b"==", b"(((((((((", b"{\"a\":[[[[", b"1e999",
          b"syndrdb://x:1:nodb:u:p", b"PROTOCOL_VERSION 2", b"\n", b"DOWN ", b"USE \"zz\""]


def well_formed(line):
    if line.startswith(b"S0001") or line.startswith(b"PROTOCOL_OK"):
        return True
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def drain(ctx, conn, who, seconds):
    """Reads lines for up to `seconds`; each must be well-formed. Ends at close or silence."""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            line = conn.line(max(0.05, deadline - time.monotonic()))
            if not well_formed(line):
                ctx.tally.fail("%s: malformed line %r" % (who, line[:200]))
            else:
                ctx.tally.event("misbehaving answers")
    except (Timeout, Closed, ConnectionError):
        pass


def garbage(ctx, rng):
    while not ctx.stop.is_set():
        try:
            conn = ctx.conn()
            data = b"".join(rng.choice(TOKENS) if rng.random() < 0.6 else
                            bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 40)))
                            for _ in range(rng.randint(1, 60)))
            conn.send(data + (b";" if rng.random() < 0.5 else b"\x04"))
            ctx.tally.event("garbage bytes", len(data))
            drain(ctx, conn, "garbage", 1.0)
            conn.reset() if rng.random() < 0.3 else conn.close()
        except (ConnectionError, OSError):
            pass


def oversized(ctx, rng):
    while not ctx.stop.is_set():
        try:
            conn = ctx.conn()
            conn.send("PING;")
            size = rng.randint(ctx.max_bytes + 1, 3 * ctx.max_bytes)
            body = ('ADD DOCUMENT TO BUNDLE "Direct" WITH VALUES ({"s": "' + "x" * size + '"})'
                    if rng.random() < 0.5 else "SELECT " + " " * size + "1")
            for i in range(0, len(body), 8192):
                conn.send(body[i:i + 8192])
            conn.send(";")
            first = conn.answer()  # PONG
            second = conn.answer()
            ctx.tally.answered(second)
            if code_of(first) != "success" or code_of(second) != "FRAME_TOO_LARGE":
                ctx.tally.fail("oversized: answers %s, %s" % (code_of(first), code_of(second)))
            if not conn.closed_by_peer(ctx.timeout):
                ctx.tally.fail("oversized: connection left open after FRAME_TOO_LARGE")
            ctx.tally.event("oversized frames")
            conn.close()
        except (ConnectionError, OSError) as e:
            ctx.tally.event("oversized: connection error")  # closed while still sending
        except (Timeout, Closed, ValueError) as e:
            ctx.tally.fail("oversized: %s: %s" % (type(e).__name__, e))


def half_sent(ctx, dbs, client, rng):
    """Pipelines adds, then half a statement, then disconnects (often by a reset) without
    reading everything: adds may or may not have run, never more than were sent."""
    seq = 0
    while not ctx.stop.is_set():
        try:
            db = rng.choice(dbs)
            conn = ctx.conn()
            conn.send('USE "%s";' % db)
            n = rng.randint(0, 10)
            with ctx.tally.lock:
                ctx.tally.sent[(db, client)] += n
            conn.send("".join('ADD DOCUMENT TO BUNDLE "Direct" WITH VALUES ({"client": %d});'
                              % client for _ in range(n)))
            seq += 1
            half = (migration_text("half-%d-%d" % (client, seq), 5) if rng.random() < 0.5 else
                    'ADD DOCUMENT TO BUNDLE "Direct" WITH VALUES ({"client": %d, "x": [1, 2'
                    % client)
            conn.send(half[:rng.randint(1, len(half) - 8)])
            if rng.random() < 0.5:  # read some answers first
                acked = 0
                for _ in range(1 + min(n, rng.randint(0, n))):
                    a = conn.answer(ctx.timeout)
                    if a.get("message") == "Document added":
                        acked += 1
                with ctx.tally.lock:
                    ctx.tally.acked[(db, client)] += acked
            conn.reset() if rng.random() < 0.5 else conn.close()
            ctx.tally.event("half-sent disconnects")
        except (ConnectionError, OSError):
            pass
        except (Timeout, Closed, ValueError) as e:
            ctx.tally.fail("half-sent: %s: %s" % (type(e).__name__, e))


def slow_reader(ctx, db, rng):
    """Pipelines big SELECTs and reads them slowly through a small window; now and then resets
    the connection half-way (the server must drop that work, not stall others)."""
    while not ctx.stop.is_set():
        try:
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", ctx.port))
            ctx.tally.event("connections")
            sock.sendall(('USE "%s";' % db + 'SELECT * FROM "Direct" LIMIT 5000;' * 20).encode())
            sock.settimeout(1)
            got, give_up = 0, time.monotonic() + rng.uniform(1, 6)
            while time.monotonic() < give_up and not ctx.stop.is_set():
                try:
                    chunk = sock.recv(2048)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                got += len(chunk)
                time.sleep(0.02)
            ctx.tally.event("slow-reader bytes", got)
            if rng.random() < 0.5:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                ctx.tally.event("slow-reader resets")
            sock.close()
        except (ConnectionError, OSError):
            pass
