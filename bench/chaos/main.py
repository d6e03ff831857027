"""bench/chaos: 32 concurrent clients against the real `strata serve` for minutes, then a
consistency check (README in bench/chaos/run). Prints its figures; exits 1 when a check
failed."""
import argparse
import os
import random
import shutil
import sys
import threading
import time

import checks
import clients
from wire import Conn, Server

DBS = ["chaos0", "chaos1", "chaos2", "chaos3"]
RACE_DB, DDL_DB = "chaos_race", "chaos_ddl"

SETUP = ('START MIGRATION WITH DESCRIPTION "setup"\n'
         '  CREATE BUNDLE "Direct" WITH FIELDS ({"client", INT, false, false}, '
         '{"i", INT, false, false}, {"x", JSON, false, false});\n'
         '  CREATE INDEX "Direct_client" BTREE ON BUNDLE "Direct" WITH FIELDS ("client");\n'
         'COMMIT')


def setup(port, timeout):
    c = Conn(port, timeout)
    for db in DBS + [RACE_DB, DDL_DB]:
        c.ok('CREATE DATABASE "%s"' % db)
    for db in DBS:
        c.ok('USE "%s"' % db)
        c.ok(SETUP)
        c.ok("APPLY MIGRATION WITH VERSION 1")
    c.close()


def start_clients(ctx, seed):
    """The 32 clients: 8 migrators and 8 direct writers (two of each per database), one race
    coordinator with 4 racing connections, 3 garbage, 2 oversized, 2 half-sent, 2 slow readers,
    1 reader, 1 direct-DDL client."""
    plan = []
    for i in range(8):
        plan.append(("migrator", clients.migrator, (DBS[i % 4], "m%d" % i)))
        plan.append(("writer", clients.writer, (DBS[i % 4], clients.WRITER_BASE + i)))
    plan.append(("racer", clients.racer, (RACE_DB, 4)))
    plan += [("garbage", clients.garbage, ())] * 3
    plan += [("oversized", clients.oversized, ())] * 2
    plan += [("half-sent", clients.half_sent, (DBS, clients.HALF_BASE + i)) for i in range(2)]
    plan += [("slow reader", clients.slow_reader, (DBS[i],)) for i in range(2)]
    plan.append(("reader", clients.reader, (DBS,)))
    plan.append(("ddl", clients.ddl, (DDL_DB,)))
    threads = []
    for n, (name, fn, args) in enumerate(plan):
        rng = random.Random(seed * 1000 + n)
        t = threading.Thread(target=fn, args=(ctx,) + args + (rng,), name=name, daemon=True)
        t.start()
        threads.append(t)
    connections = len(plan) - 1 + 5  # the race coordinator holds 5 connections
    return threads, connections


def print_checks(title, results):
    print("\n%s" % title)
    for name, ok, detail in results:
        print("  %-4s %s: %s" % ("ok" if ok else "FAIL", name, detail))


def sanitizer_reports(log_dir):
    if not log_dir or not os.path.isdir(log_dir):
        return []
    return sorted(os.path.join(log_dir, f) for f in os.listdir(log_dir))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--timeout", type=float, default=60, help="answer allowance (s)")
    ap.add_argument("--max-statement-bytes", type=int, default=65536)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sanitizer-logs", default="")
    a = ap.parse_args()

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    data, log = os.path.join(a.work, "data"), os.path.join(a.work, "server.log")
    server = Server(a.binary, data, log, a.max_statement_bytes)
    server.start(60)
    setup(server.port, a.timeout)

    tally = clients.Tally()
    stop = threading.Event()
    ctx = clients.Ctx(server.port, a.timeout, stop, tally, a.max_statement_bytes)
    t0 = time.monotonic()
    threads, connections = start_clients(ctx, a.seed)
    print("chaos: %d clients (%d connections at once) against %s for %.0f s (seed %d)"
          % (len(threads), connections, a.binary, a.seconds, a.seed), flush=True)
    while time.monotonic() - t0 < a.seconds and server.alive():
        time.sleep(min(10, a.seconds))
        print("  %4.0f s: %d answers" % (time.monotonic() - t0, sum(tally.codes.values())),
              flush=True)
    stop.set()
    stopping = time.monotonic()
    for t in threads:
        t.join(max(0.1, stopping + a.timeout + 10 - time.monotonic()))
    duration = time.monotonic() - t0
    print("  clients stopped in %.1f s" % (time.monotonic() - stopping), flush=True)
    hung = [t.name for t in threads if t.is_alive()]

    results = [("server alive through the soak", server.alive() and not hung,
                "clients still blocked: %s" % hung if hung else "yes"),
               ("every well-behaved statement answered", not tally.failures,
                "; ".join(tally.failures[:8]) or "no timeout, no lost connection")]
    conn = Conn(server.port, a.timeout) if server.alive() else None
    if conn:
        results += checks.all_checks(conn, tally, DBS, RACE_DB, DDL_DB)
        conn.close()
    results.append(checks.races(tally))
    code = server.stop(120)
    results.append(("graceful stop", code == 0, "exit code %s" % code))

    after = []
    try:
        server.start(120)
        conn = Conn(server.port, a.timeout)
        after = checks.all_checks(conn, tally, DBS, RACE_DB, DDL_DB)
        conn.close()
        code = server.stop(120)
        after.append(("graceful stop", code == 0, "exit code %s" % code))
    except Exception as e:  # noqa: BLE001 - a failed restart is a failed check
        after.append(("restart on the same data", False, str(e)))
    reports = sanitizer_reports(a.sanitizer_logs)
    after.append(("no sanitizer report", not reports, ", ".join(reports) or "none"))

    answers = sum(tally.codes.values())
    print("\nchaos figures")
    print("  duration            %.0f s" % duration)
    print("  statements answered %d (%.0f/s)" % (answers, answers / duration))
    print("  answers by code     %s" % ", ".join("%s %d" % kv for kv in tally.codes.most_common()))
    lat = sorted(tally.latencies) or [0.0]
    print("  round trips         %d one-statement asks: median %.1f ms, p99 %.0f ms, max %.0f ms"
          % (len(tally.latencies), 1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)],
             1000 * lat[-1]))
    print("  races               %s" % dict(tally.races))
    print("  events              %s" % ", ".join("%s %d" % kv for kv in sorted(tally.events.items())))
    print("  migrations started  %d" % len(tally.migrations))
    print_checks("checks (live server)", results)
    print_checks("checks (after a restart on the same data)", after)
    failed = [r for r in results + after if not r[1]]
    print("\nchaos: %s" % ("FAILED: %d check(s)" % len(failed) if failed else "every check passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
