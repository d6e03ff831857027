"""The server rows of SPEC §9: W4 (PING over loopback from 32 connections, pipelined 16 deep and
not pipelined; bench/ping_bench against `strata serve` beside redis-benchmark against a private
redis-server) and SHOW MIGRATIONS latency (bench/show_migrations_bench)."""
import csv
import io
import os
import re

from procs import CheckFailed, expect, output, reset_dir
from rounds import Contestant, Row, interleave, series


def ping_bench(ctx, port, pipeline, requests):
    out = output([os.path.join(ctx.bench_bin, "ping_bench"), "--port", str(port),
                  "--connections", "32", "--pipeline", str(pipeline), "--requests",
                  str(requests)])
    m = re.search(r"PING: (\d+) requests per second \((\d+) requests", out)
    expect(m and int(m.group(2)) == requests, "ping_bench: " + out.strip()[-300:])
    return float(m.group(1))


def redis_benchmark(port, pipeline, requests):
    out = output(["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "32", "-P",
                  str(pipeline), "-n", str(requests), "-t", "ping_inline", "--csv"])
    for r in csv.DictReader(io.StringIO(out)):
        if r.get("test") == "PING_INLINE":
            return float(r["rps"])
    raise CheckFailed("redis-benchmark: no PING_INLINE result in: " + out[-300:])


def check_pong(ctx, port):
    """The server still answers PING with PONG after the load."""
    path = os.path.join(ctx.scratch, "ping.strata")
    with open(path, "w") as f:
        f.write("PING;\n")
    out = output([ctx.strata.binary, "run", "--port", str(port), path])
    expect('"PONG"' in out, "strata run PING answered: " + out.strip()[-300:])


def row_w4(ctx):
    d = os.path.join(ctx.work, "w4")
    reset_dir(d)
    sp, s_port = ctx.servers.strata(ctx.strata.binary, os.path.join(d, "strata-data"),
                                    os.path.join(d, "strata.log"))
    rp, r_port = ctx.servers.redis(d, os.path.join(d, "redis.log"))
    try:
        n16, n1 = ctx.size["ping_p16"], ctx.size["ping_p1"]
        rate = lambda x: "%.0f/s" % x  # noqa: E731
        cs = [
            Contestant("strata P16", measure=lambda: ping_bench(ctx, s_port, 16, n16),
                       check=lambda: check_pong(ctx, s_port), describe=rate),
            Contestant("redis P16", measure=lambda: redis_benchmark(r_port, 16, n16),
                       describe=rate),
            Contestant("strata P1", measure=lambda: ping_bench(ctx, s_port, 1, n1),
                       check=lambda: check_pong(ctx, s_port), describe=rate),
            Contestant("redis P1", measure=lambda: redis_benchmark(r_port, 1, n1),
                       describe=rate),
        ]
        res = interleave("W4", cs, ctx.rounds)
    finally:
        ctx.servers.stop(sp)
        ctx.servers.stop(rp)
    rows = []
    for key, tag, n in (("w4_p16", "P16", n16), ("w4_p1", "P1", n1)):
        rows.append(Row(key, "%s requests" % format(n, ","),
                        series("strata", res["strata " + tag], "req/s"),
                        [series("redis", res["redis " + tag], "req/s")]))
    return rows


def show_migrations_bench(ctx, port, requests):
    out = output([os.path.join(ctx.bench_bin, "show_migrations_bench"), "--port", str(port),
                  "--connections", "32", "--requests", str(requests), "--migrations", "100"])
    m = re.search(r"([\d.]+) requests per second, p50 ([\d.]+) ms, p99 ([\d.]+) ms, "
                  r"max ([\d.]+) ms \((\d+) requests\)", out)
    expect(m and int(m.group(5)) == requests, "show_migrations_bench: " + out.strip()[-300:])
    return {"rps": float(m.group(1)), "p50": float(m.group(2)), "p99": float(m.group(3))}


def check_ledger(ctx, data, m):
    a = ctx.strata.exec_json(data, 'USE "bench_ledger";\nSHOW MIGRATIONS;\n', ctx.scratch)
    expect(len(a) == 2 and all(x.get("success") for x in a), "SHOW MIGRATIONS failed: %s" % a)
    migs = a[1]["migrations"]
    expect(len(migs) == m and all(x["Status"] == "APPLIED" for x in migs),
           "ledger: %d migrations, statuses %s" % (len(migs), sorted({x["Status"] for x in migs})))


def row_show(ctx):
    d = os.path.join(ctx.work, "show")
    reset_dir(d)
    data = os.path.join(d, "strata-data")
    sp, port = ctx.servers.strata(ctx.strata.binary, data, os.path.join(d, "strata.log"))
    n = ctx.size["show_requests"]
    try:
        # Round 0 (warm-up) also builds the ledger: 100 x (START + APPLY).
        c = Contestant("strata", measure=lambda: show_migrations_bench(ctx, port, n),
                       describe=lambda x: "p50 %.2f ms, p99 %.2f ms, %.0f req/s"
                       % (x["p50"], x["p99"], x["rps"]))
        res = interleave("SHOW MIGRATIONS", [c], ctx.rounds)
    finally:
        ctx.servers.stop(sp)
    row = Row("show", "%s requests" % format(n, ","),
              series("strata", res["strata"], "ms", lambda x: x["p99"]))
    try:
        check_ledger(ctx, data, 100)
    except CheckFailed as e:
        row.failures.append("ledger check: %s" % e)
    got = list(res["strata"].by_round.values())
    if got:
        row.notes.append("p50 %s ms, %s req/s" % (
            "/".join("%.2f" % x["p50"] for x in got), "/".join("%.0f" % x["rps"] for x in got)))
    return [row]
