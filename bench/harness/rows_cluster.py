"""SPEC §9's cluster row (§11): W2, W1 and SHOW MIGRATIONS through Strata servers over a
3-member etcd cluster on loopback, beside the same work on the embedded RocksDB store.

The etcd members are started by scripts/cluster (`start --etcd-only`, on free ports, with the
settings printed under the table) and stopped (`stop --wipe`) at the end of the row. The
workloads and the clients are the other rows' own:
- W2, one client: `strata run` of W2's script against one `strata serve` — on the cluster, or on
  an embedded store; each run in a database of its own.
- W2, 3 clients: three `strata run` at once, each its own database, one per server (cluster:
  3 servers; embedded: the same 3 clients on its one server). The figure is the wall time until
  all three are done.
- W1: `strata exec` of W1's script, on a fresh etcd prefix (`--store`) or a fresh `--data`.
- SHOW MIGRATIONS: bench/show_migrations_bench, 32 connections, on one embedded server, one
  cluster server, and 3 cluster servers (connections spread round-robin); throughput.
Every result is checked as the W1 / W2 / show rows check theirs (through another server for
the cluster)."""
import os
import re
import subprocess
import threading
import time
import urllib.request

import workloads
from procs import CheckFailed, expect, free_port, remove, reset_dir, run
from rounds import Contestant, Row, interleave, log, series
from rows_migration import check_strata_w1
from rows_server import show_migrations_bench

# The etcd settings of the run, passed to every member (and printed): etcd 3.4's defaults
# except the quota, raised to etcd's recommended maximum so that the W1 rounds fit.
ETCD_SETTINGS = [
    ("quota-backend-bytes", "8589934592"),   # 8 GiB (etcd's default 2 GiB)
    ("max-request-bytes", "1572864"),        # 1.5 MiB, what Strata assumes (its ClientOptions)
    ("max-txn-ops", "128"),                  # idem
    ("snapshot-count", "100000"),
    ("auto-compaction-retention", "0"),      # off: Strata compacts (docs/CLUSTER.md)
]
SERVERS = 3


class EtcdCluster:
    """Three etcd members on free loopback ports, by scripts/cluster."""

    def __init__(self, root, work):
        self.script = os.path.join(root, "scripts", "cluster")
        self.dir = os.path.join(work, "etcd")
        ports = [(free_port(), free_port()) for _ in range(3)]
        self.env = dict(os.environ, STRATA_CLUSTER_DIR=self.dir,
                        STRATA_CLUSTER_PORTS=" ".join("%d:%d" % p for p in ports),
                        STRATA_CLUSTER_ETCD_FLAGS=" ".join("--%s=%s" % kv for kv in ETCD_SETTINGS))
        self.client_ports = [c for c, _ in ports]
        self.url = "etcd://" + ",".join("127.0.0.1:%d" % c for c in self.client_ports)
        self.started = False

    def start(self):
        p = subprocess.run([self.script, "start", "--etcd-only"], env=self.env,
                           capture_output=True, text=True, timeout=300)
        self.started = True
        if p.returncode != 0:
            raise CheckFailed("scripts/cluster start: " + (p.stderr or p.stdout)[-400:])

    def stop(self):
        if self.started:
            subprocess.run([self.script, "stop", "--wipe"], env=self.env, capture_output=True,
                           timeout=300)
            self.started = False

    def disk_figures(self):
        """What the members' own metrics say about their disk: WAL fsyncs and their mean time,
        per member ("" when a member does not answer)."""
        out = []
        for i, port in enumerate(self.client_ports):
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                            timeout=10) as r:
                    text = r.read().decode()
            except OSError:
                continue
            m = {k: float(v) for k, v in re.findall(
                r"^etcd_disk_wal_fsync_duration_seconds_(sum|count) (\S+)$", text, re.M)}
            if m.get("count"):
                out.append("m%d %d fsyncs, mean %.1f ms" % (i, m["count"],
                                                          1000 * m["sum"] / m["count"]))
        return "; ".join(out)

    def settings(self):
        """The settings line printed under the table."""
        fs = subprocess.run(["findmnt", "-n", "-o", "FSTYPE,SOURCE", "-T", self.dir],
                            capture_output=True, text=True).stdout.split()
        fs = " on ".join(fs) or "?"
        version = subprocess.run(["etcd", "--version"], capture_output=True,
                                 text=True).stdout.split("\n")[0]
        return ("%s, 3 members on loopback, one data directory each on the same file system "
                "(%s); %s; "
                "fsync on (etcd 3.4 syncs its WAL at every commit and has no switch to turn "
                "it off)" % (version, fs, ", ".join("--%s=%s" % kv for kv in ETCD_SETTINGS)))


def run_parallel(fns):
    """Runs the functions at once, each on its own thread; returns their results (raises the
    first CheckFailed)."""
    results, errors = [None] * len(fns), []

    def go(i):
        try:
            results[i] = fns[i]()
        except CheckFailed as e:
            errors.append(e)
    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def check_w2_through(ctx, port, db, m):
    """Through the server on `port`: database `db` has its m migrations APPLIED, m bundles."""
    a = ctx.strata.run_json(port, 'USE "%s";\nSHOW MIGRATIONS;\nSHOW BUNDLES;\n' % db,
                            ctx.scratch)
    expect(len(a) == 3 and all(x.get("success") for x in a), "check queries failed: %s" % a[:3])
    migs = a[1]["migrations"]
    wrong = [x["Version"] for x in migs if x["Status"] != "APPLIED"]
    expect(len(migs) == m and not wrong and a[1]["currentVersion"] == m,
           "%s: %d migrations, not APPLIED: %s" % (db, len(migs), wrong[:5]))
    expect(a[2]["ResultCount"] == m, "%s: %d bundles, expected %d" % (db, a[2]["ResultCount"], m))


def check_ledger_through(ctx, port, m=100):
    """Through the server on `port`: bench_ledger's m migrations, all APPLIED."""
    a = ctx.strata.run_json(port, 'USE "bench_ledger";\nSHOW MIGRATIONS;\n', ctx.scratch)
    expect(len(a) == 2 and all(x.get("success") for x in a), "SHOW MIGRATIONS failed: %s" % a)
    migs = a[1]["migrations"]
    expect(len(migs) == m and all(x["Status"] == "APPLIED" for x in migs),
           "ledger: %d migrations, statuses %s" % (len(migs), sorted({x["Status"] for x in migs})))


class W2Runs:
    """W2 through servers: `clients` concurrent `strata run`, client i to ports[i % len], each
    in a database of its own (a new one every run)."""

    def __init__(self, ctx, d, name, ports, clients, m):
        self.ctx, self.d, self.name, self.ports, self.clients, self.m = (
            ctx, d, name, ports, clients, m)
        self.n = 0
        self.dbs = []

    def prepare(self):
        self.n += 1
        self.dbs = ["%s_%d_%d" % (self.name, self.n, i) for i in range(self.clients)]
        for db in self.dbs:
            workloads.write(os.path.join(self.d, db + ".strata"), workloads.strata_w2(self.m, db))

    def measure(self):
        def client(i):
            db = self.dbs[i]
            return lambda: run([self.ctx.strata.binary, "run", "--port",
                                str(self.ports[i % len(self.ports)]),
                                os.path.join(self.d, db + ".strata")],
                               stdout=os.path.join(self.d, db + ".out"), what="strata run " + db)
        if self.clients == 1:
            return client(0)().wall
        t0 = time.perf_counter()
        run_parallel([client(i) for i in range(self.clients)])
        return time.perf_counter() - t0

    def check(self):
        for i, db in enumerate(self.dbs):
            # Through another server than the one that wrote it, when there is one.
            check_w2_through(self.ctx, self.ports[(i + 1) % len(self.ports)], db, self.m)


def row_cluster(ctx):
    """The cluster rows: W2 (one client, 3 clients), W1, SHOW MIGRATIONS."""
    d = os.path.join(ctx.work, "cluster")
    reset_dir(d)
    etcd = EtcdCluster(ctx.root, d)
    ctx.servers.cleanups.append(etcd.stop)
    log("starting 3 etcd members (scripts/cluster start --etcd-only)")
    etcd.start()
    procs = []
    try:
        store = ["--store", etcd.url, "--store-prefix", "/bench"]
        ports = []
        for i in range(SERVERS):
            p, port = ctx.servers.strata(ctx.strata.binary, os.path.join(d, "s%d" % i),
                                         os.path.join(d, "s%d.log" % i), store)
            procs.append(p)
            ports.append(port)
        p, emb_port = ctx.servers.strata(ctx.strata.binary, os.path.join(d, "embedded-data"),
                                         os.path.join(d, "embedded.log"))
        procs.append(p)
        rows = rows_w2(ctx, d, ports, emb_port)
        rows += rows_w1(ctx, d, etcd)
        rows += rows_show(ctx, ports, emb_port)
        settings, disk = etcd.settings(), etcd.disk_figures()
    finally:
        for p in procs:
            ctx.servers.stop(p)
        etcd.stop()
        ctx.servers.cleanups.remove(etcd.stop)
    rows[0].notes.append("etcd: " + settings)
    if disk:
        rows[0].notes.append("etcd's WAL fsyncs over the whole row (its own metrics): " + disk)
    rows[0].notes.append("%d Strata servers `strata serve --store etcd://<the 3 members> "
                         "--store-prefix /bench --auth off` (lock TTL 10 s) and one embedded "
                         "`strata serve --data`, all on this machine with the members and the "
                         "clients; %d counted rounds after a warm-up round"
                         % (SERVERS, ctx.size["cluster_rounds"]))
    return rows


def rows_w2(ctx, d, ports, emb_port):
    m = ctx.size["w2"]
    rate = lambda s: "%.3f s" % s  # noqa: E731
    runs = {
        "cluster 1": W2Runs(ctx, d, "c1", ports[:1], 1, m),
        "embedded 1": W2Runs(ctx, d, "e1", [emb_port], 1, m),
        "cluster 3": W2Runs(ctx, d, "c3", ports, SERVERS, m),
        "embedded 3": W2Runs(ctx, d, "e3", [emb_port], SERVERS, m),
    }
    cs = [Contestant(name, prepare=r.prepare, measure=r.measure, check=r.check, describe=rate)
          for name, r in runs.items()]
    res = interleave("cluster W2", cs, ctx.size["cluster_rounds"])
    s = lambda name, label: series(label, res[name], "s")  # noqa: E731
    one = Row("cluster_w2_1", "%s migrations" % format(m, ","), s("cluster 1", "strata"),
              [s("embedded 1", "embedded")])
    three = Row("cluster_w2", "3 × %s migrations" % format(m, ","), s("cluster 3", "strata"),
                [s("embedded 3", "embedded")])
    for row, n in ((one, 1), (three, SERVERS)):
        med = row.strata.median()
        if med:
            row.notes.append("%.0f migrations/s on the cluster (START + APPLY each)"
                             % (n * m / med))
    return [three, one]


def rows_w1(ctx, d, etcd):
    n = ctx.size["w1"]
    g = workloads.generate("w1", n, os.path.join(ctx.gen, "w1_%d" % n))
    script = os.path.join(g, "strata", "w1.strata")
    data, out = os.path.join(d, "w1-data"), os.path.join(d, "w1.out")
    state = {"n": 0}

    def prefix():
        return ["--store", etcd.url, "--store-prefix", "/w1_%d" % state["n"]]

    def prepare_cluster():
        state["n"] += 1  # a fresh, empty store for every run
    describe = lambda s: "%.3f s, %.0f MiB" % (s.wall, s.rss_mib)  # noqa: E731
    cs = [
        Contestant("cluster", prepare=prepare_cluster,
                   measure=lambda: run([ctx.strata.binary, "exec"] + prefix() + [script],
                                       stdout=out),
                   check=lambda: check_strata_w1(ctx, None, out, n, store=prefix()),
                   describe=describe),
        Contestant("embedded", prepare=lambda: remove(data),
                   measure=lambda: run([ctx.strata.binary, "exec", "--data", data, script],
                                       stdout=out),
                   check=lambda: check_strata_w1(ctx, data, out, n), describe=describe),
    ]
    res = interleave("cluster W1", cs, ctx.size["cluster_rounds"])
    return [Row("cluster_w1", "%s docs" % format(n, ","),
                series("strata", res["cluster"], "s", lambda s: s.wall),
                [series("embedded", res["embedded"], "s", lambda s: s.wall)])]


def rows_show(ctx, ports, emb_port):
    n = ctx.size["show_requests"]
    targets = {"embedded": [emb_port], "cluster 1 server": ports[:1], "cluster 3": ports}

    def measure(ps):
        return lambda: show_migrations_bench(ctx, ",".join(map(str, ps)), n)
    def check(ps):
        return lambda: [check_ledger_through(ctx, p) for p in ps]
    cs = [Contestant(name, measure=measure(ps), check=check(ps),
                     describe=lambda x: "%.0f req/s, p50 %.2f ms, p99 %.2f ms"
                     % (x["rps"], x["p50"], x["p99"]))
          for name, ps in targets.items()]
    # Round 0 (warm-up) also builds each store's 100-migration ledger.
    res = interleave("cluster SHOW MIGRATIONS", cs, ctx.size["cluster_rounds"])
    rps = lambda name, label: series(label, res[name], "req/s", lambda x: x["rps"])  # noqa
    row = Row("cluster_show", "%s requests, 32 connections" % format(n, ","),
              rps("cluster 3", "strata"),
              [rps("embedded", "embedded"), rps("cluster 1 server", "1 cluster server")])
    for name in targets:
        got = list(res[name].by_round.values())
        if got:
            row.notes.append("%s: p50 %s ms, p99 %s ms" % (
                name.replace("cluster 3", "cluster, 3 servers"),
                "/".join("%.2f" % x["p50"] for x in got),
                "/".join("%.2f" % x["p99"] for x in got)))
    return [row]
