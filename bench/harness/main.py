"""bench/run's harness: runs SPEC §9's rows for Strata and its peers, interleaved, checks every
result, prints one markdown table and writes it to bench/results/.

usage: main.py [quick] [ROW ...] [--rounds N]
  quick   every row at a tenth of the size, fewer requests and rounds
  ROW     only these rows: w1 (also its peak memory), w2 (W2 + W3), w4, show, parse,
          validate, rollback, open, mem1m, cost (the cost model's estimate / measured APPLY
          per shape), cluster (W2, W1 and SHOW MIGRATIONS over a 3-member etcd cluster,
          rows_cluster.py); a partial run writes its report to the work folder only
  --rounds N   counted rounds (after one warm-up round) of every row; default 5 (W2 + W3: 3,
               cluster: 2), quick 3 (W2 + W3 and cluster: 2)

Exit status: 0 when every check passed (a ✗ is a finding, not a failure), 1 when a row FAILED.
Expects to be started by bench/run (which installs the tools and builds Release); paths are
relative to the repository root: build/strata, build/bench/*_bench, build/bench-work/.
"""
import os
import signal
import sys
import time
from dataclasses import dataclass

import report
import rows_cluster
import rows_engine
import rows_migration
import rows_server
from procs import PY, Servers, Strata
from rounds import log

ROWS = {  # name -> function returning table rows, in table order
    "w1": rows_migration.row_w1,
    "w2": rows_migration.row_w2_w3,
    "w4": rows_server.row_w4,
    "show": rows_server.row_show,
    "parse": rows_engine.row_parse,
    "validate": rows_engine.row_validate,
    "rollback": rows_engine.row_rollback,
    "open": rows_engine.row_open,
    "mem1m": rows_migration.row_mem_1m,
    "cost": rows_engine.row_cost,
    "cluster": rows_cluster.row_cluster,
}
ORDER = ["w1", "w2", "w3", "w4_p16", "w4_p1", "show", "parse", "validate", "rollback", "open",
         "mem_w1",
         "mem_1m", "cost_w1", "cost_index", "cost_update",
         "cluster_w2", "cluster_w2_1", "cluster_show", "cluster_w1"]  # SPEC §9's order

# rounds: counted rounds after the warm-up round; w2_rounds: the same for W2 + W3, whose peers
# take longest (Sqitch: 30 s a round at 1,000 migrations)
SIZES = {
    "full": dict(rounds=5, w2_rounds=3, w1=100000, w2=1000, ping_p16=1000000, ping_p1=200000,
                 show_requests=20000, parse_mib=50, validate_docs=1000000, rollback_docs=100000,
                 open_ledger=10000,
                 mem_docs=1000000, mem_rounds=1, cost_docs=100000, cluster_rounds=2),
    "quick": dict(rounds=3, w2_rounds=2, w1=10000, w2=100, ping_p16=200000, ping_p1=30000,
                  show_requests=2000, parse_mib=10, validate_docs=100000, rollback_docs=10000,
                  open_ledger=1000,
                  mem_docs=100000, mem_rounds=1, cost_docs=20000, cluster_rounds=2),
}


@dataclass
class Ctx:
    root: str
    strata: Strata
    bench_bin: str
    work: str       # run state, wiped per row
    gen: str        # generated workloads, kept between runs (a pure function of their size)
    scratch: str
    rounds: int
    size: dict
    servers: Servers


def main(argv):
    args, rounds = [], None
    it = iter(argv)
    for a in it:
        if a == "--rounds":
            rounds = int(next(it))
        elif a in ("-h", "--help", "help"):
            print(__doc__)
            return 0
        else:
            args.append(a)
    mode = "quick" if args[:1] == ["quick"] else "full"
    picked = [a for a in args if a != "quick"]
    unknown = [a for a in picked if a not in ROWS]
    if unknown:
        sys.exit("bench/run: unknown row %s (rows: %s)" % (unknown, " ".join(ROWS)))
    size = dict(SIZES[mode])
    if rounds is not None:
        size["rounds"] = size["w2_rounds"] = size["cluster_rounds"] = rounds

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    work = os.path.join(root, "build", "bench-work")
    ctx = Ctx(root, Strata(os.path.join(root, "build", "strata")),
              os.path.join(root, "build", "bench"), os.path.join(work, "run"),
              os.path.join(work, "gen"), os.path.join(work, "scratch"), size["rounds"], size,
              Servers())
    for d in (ctx.work, ctx.gen, ctx.scratch):
        os.makedirs(d, exist_ok=True)

    def stop(signum, frame):
        ctx.servers.stop_all()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    # bench/run passes its own start, so "in all" covers installing and building too.
    started = float(os.environ.get("BENCH_RUN_STARTED", time.time()))
    load0 = os.getloadavg()
    versions = report.versions(root, ctx.strata.binary, PY)  # before any commit during the run
    results = []
    try:
        for name in picked or ROWS:
            log("row %s (%s)" % (name, mode))
            results += ROWS[name](ctx)
    finally:
        ctx.servers.stop_all()
    results.sort(key=lambda r: ORDER.index(r.key))

    command = " ".join(["bench/run"] + argv)
    text = report.render(results, dict(mode=mode, command=command, started=started,
                                       seconds=time.time() - started, versions=versions,
                                       size=size, load=(load0, os.getloadavg())))
    path = (report.results_path(root, mode, started) if not picked
            else os.path.join(work, "last-partial.md"))
    with open(path, "w") as f:
        f.write(text)
    print(text)
    print("written to %s" % os.path.relpath(path, root))
    failed = [r.key for r in results if r.all_failures()]
    if failed:
        print("FAILED rows: %s" % " ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
