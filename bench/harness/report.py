"""The report: machine, versions, the one table of SPEC §9's rows, and the notes under it."""
import os
import platform
import re
import subprocess
import time

from targets import TARGETS


def sh(argv):
    """The first line argv prints ("" if none), "?" if it fails, "not found" if it is missing."""
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    lines = (p.stdout or p.stderr).strip().splitlines()
    return "?" if p.returncode != 0 else lines[0] if lines else ""


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
        cpu = m.group(1).strip() if m else cpu
    with open("/proc/meminfo") as f:
        kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    os_name = "?"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            os_name = m.group(1) if m else os_name
    return "nproc %d; %s; RAM %.1f GiB; %s, kernel %s" % (
        os.cpu_count(), cpu, kib / 1048576, os_name, platform.release())


def versions(root, strata, py):
    compiler = "?"
    cache = os.path.join(root, "build", "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            m = re.search(r"^CMAKE_CXX_COMPILER:\w+=(.*)$", f.read(), re.M)
        if m:
            compiler = sh([m.group(1), "--version"])
    sha = sh(["git", "-C", root, "rev-parse", "--short", "HEAD"])
    dirty = sh(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"])
    dirty = ", with uncommitted changes" if dirty not in ("", "?", "not found") else ""
    pkg = lambda p: sh(["dpkg-query", "-W", "-f", "${Version}", p])  # noqa: E731
    return [
        ("strata", "%s (commit %s%s)" % (sh([strata, "--version"]), sha, dirty)),
        ("compiler", compiler),
        ("RocksDB", "librocksdb-dev %s" % pkg("librocksdb-dev")),
        ("sqlite3", sh(["sqlite3", "--version"]).split(" 20")[0]),
        ("Sqitch", sh(["sqitch", "--version"])),
        ("Alembic", sh([py, "-c", "import alembic, sqlalchemy; print('alembic', "
                        "alembic.__version__, '/ SQLAlchemy', sqlalchemy.__version__)"])),
        ("Redis", sh(["redis-server", "--version"]).split(" sha=")[0]),
    ]


def ratio_text(row, peer):
    rs = row.ratios(peer)
    if not rs:
        return None
    rs.sort()
    med = rs[len(rs) // 2] if len(rs) % 2 else (rs[len(rs) // 2 - 1] + rs[len(rs) // 2]) / 2
    spread = " (%.2f–%.2f)" % (rs[0], rs[-1]) if len(rs) > 1 else ""
    return med, "%.2f× %s%s" % (med, peer, spread)


def judge(row, goal, unit):
    """'≤ 1× sqlite3 ✓' / '✗', or FAILED, or — when there is nothing to judge (or no goal)."""
    if goal is None:
        return "—"
    if row.all_failures():
        return "%s FAILED" % goal.text(unit)
    if goal.kind == "ratio":
        r = ratio_text(row, goal.peer)
        x = r[0] if r else None
    else:
        x = row.strata.median()
    if x is None:
        return "%s —" % goal.text(unit)
    return "%s %s" % (goal.text(unit), "✓" if goal.met(x) else "✗")


def table(rows):
    out = ["| work (SPEC §9) | size | Strata median (min–max) | peers median (min–max) "
           "| ratio, per-round median (min–max) | must | aims for |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        t = TARGETS[row.key]
        peers = [g.peer for g in (t.must, t.aim) if g and g.kind == "ratio"]
        peers += [t.ratio_to] if t.ratio_to else []
        ratios = [ratio_text(row, p) for p in dict.fromkeys(peers)]
        strata = "FAILED" if row.strata.failure and not row.strata.values else row.strata.text()
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            t.title, row.size, strata,
            "; ".join(p.text() for p in row.peers) or "—",
            "; ".join(r[1] for r in ratios if r) or "—",
            judge(row, t.must, t.unit), judge(row, t.aim, t.unit)))
    return out


def notes(rows):
    out = []
    for row in rows:
        for f in row.all_failures():
            out.append("- **FAILED** %s: %s" % (TARGETS[row.key].title.split(":")[0], f))
    for row in rows:
        for n in row.notes:
            out.append("- %s: %s" % (TARGETS[row.key].title.split(":")[0], n))
    return out


def render(rows, meta):
    """The whole report as markdown text. meta: mode, command, started, seconds, versions (taken
    at the start), size (main.SIZES entry), load (1-minute load average at the start and at the
    end)."""
    lines = ["# Strata benchmarks, SPEC §9 (%s run), %s" % (
        meta["mode"], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(meta["started"]))), ""]
    size = meta["size"]
    load = (meta["load"][0][0], meta["load"][1][0])
    lines.append("Command: `%s` — %.0f s in all (installs and build included). %d counted rounds "
                 "(W2 + W3: %d) after a warm-up round, the tools interleaved round by round; "
                 "ratios are the median of the per-round ratios. Load average %.1f at the start, "
                 "%.1f at the end%s."
                 % (meta["command"], meta["seconds"], size["rounds"], size["w2_rounds"], *load,
                    " (more than the cores: other work shared the machine)"
                    if max(load) > (os.cpu_count() or 1) + 0.5 else ""))
    if meta["mode"] == "quick":
        lines.append("Quick run: every row at a tenth of SPEC §9's size, so ✓/✗ are only "
                     "indicative.")
    lines += ["", "Machine: " + machine(), "",
              "Versions: " + "; ".join("%s %s" % (k, v) if not v.lower().startswith(k.lower())
                                       else v for k, v in meta["versions"]), ""]
    lines += table(rows)
    n = notes(rows)
    if n:
        lines += [""] + n
    lines.append("")
    lines.append("Times are whole-process wall time unless said otherwise (W4: requests per "
                 "second; SHOW MIGRATIONS: p99 latency; parsing: MB/s of CPU time; VALIDATE: "
                 "the statement inside one process); peak memory is the largest process's RSS.")
    return "\n".join(lines) + "\n"


def results_path(root, mode, started):
    """bench/results/<date>[-quick].md, with -HHMM added when that file exists."""
    d = os.path.join(root, "bench", "results")
    os.makedirs(d, exist_ok=True)
    day = time.strftime("%Y-%m-%d", time.gmtime(started))
    sfx = "-quick" if mode == "quick" else ""
    path = os.path.join(d, "%s%s.md" % (day, sfx))
    if os.path.exists(path):
        path = os.path.join(d, "%s-%s%s.md" % (day, time.strftime("%H%M", time.gmtime(started)),
                                               sfx))
    return path
