"""The migration rows of SPEC §9: W1 (and its peak memory), W2 + W3, and the peak memory of a
1,000,000-document migration. Whole processes: `strata exec` beside the sqlite3 CLI,
`alembic upgrade head` / `downgrade base` and `sqitch deploy` / `revert -y`."""
import hashlib
import os

import workloads
from procs import PY, expect, output, remove, reset_dir, run
from rounds import Contestant, Row, interleave, log, series

W1_QUERY = ("SELECT count(*), sum(age), min(email), max(created), group_concat(name, '') "
            "FROM (SELECT * FROM users ORDER BY id)")


def sqlite_query(db, sql):
    return output(["sqlite3", db, sql]).strip()


def count_tables(db):
    return int(sqlite_query(db, "SELECT count(*) FROM sqlite_master WHERE type='table' "
                                "AND name LIKE 't\\_%' ESCAPE '\\'"))


def answers_ok(path, want):
    """Every line of `strata exec`'s output file is a success, and there are `want` of them."""
    with open(path) as f:
        lines = [line for line in f if line.startswith("{")]
    bad = [line for line in lines if '"success":true' not in line]
    expect(not bad, "a statement failed: " + (bad[0][:300] if bad else ""))
    expect(len(lines) == want, "%d answers, expected %d" % (len(lines), want))


def check_strata_w1(ctx, data, out, n, store=None):
    """W1's store holds exactly the n rows of make_row, version 1 is APPLIED, the indexes exist
    (store: the arguments of an etcd store instead of --data, procs.Strata.exec_json)."""
    answers_ok(out, 5)  # CREATE DATABASE, USE, START, VALIDATE, APPLY
    picks = sorted({0, n // 2, n - 1})
    over_50 = sum(1 for i in range(n) if workloads.make_row(i)[3] >= 50)
    script = ['USE "bench";', 'SELECT COUNT FROM "users";',
              'SELECT COUNT FROM "users" WHERE age >= 50;', "SHOW MIGRATIONS;",
              'DESCRIBE BUNDLE "users";']
    script += ['SELECT DOCUMENTS FROM "users" WHERE email == "%s";' % workloads.make_row(i)[1]
               for i in picks]
    a = ctx.strata.exec_json(data, "\n".join(script) + "\n", ctx.scratch, store)
    expect(len(a) == len(script) and all(x.get("success") for x in a),
           "check queries failed: %s" % [x for x in a if not x.get("success")][:1])
    expect(a[1]["ResultCount"] == n, "COUNT %s, expected %d" % (a[1]["ResultCount"], n))
    expect(a[2]["ResultCount"] == over_50, "COUNT WHERE age >= 50 is %s, expected %d"
           % (a[2]["ResultCount"], over_50))
    migs = a[3]["migrations"]
    expect(a[3]["currentVersion"] == 1 and len(migs) == 1 and migs[0]["Status"] == "APPLIED",
           "SHOW MIGRATIONS: %s" % str(a[3])[:300])
    b = a[4]["bundle"]
    names = {i["Name"] for i in b["Indexes"]}
    expect({"users_name_idx", "users_age_idx"} <= names and
           any(i["Unique"] and i["Fields"] == ["email"] for i in b["Indexes"]),
           "DESCRIBE BUNDLE: indexes %s" % sorted(names))
    for i, ans in zip(picks, a[5:]):
        want = dict(zip(("id", "email", "name", "age", "created"), workloads.make_row(i)))
        got = ans["Result"][0] if ans["ResultCount"] == 1 else {}
        expect(all(str(got.get(k)) == str(v) for k, v in want.items()),
               "document %d: got %s, expected %s" % (i, got, want))


def row_w1(ctx):
    """W1 and peak memory applying W1."""
    n = ctx.size["w1"]
    g = workloads.generate("w1", n, os.path.join(ctx.gen, "w1_%d" % n))
    d = os.path.join(ctx.work, "w1")
    reset_dir(d)
    data, out = os.path.join(d, "strata-data"), os.path.join(d, "strata.out")
    sq_db, al, sq = os.path.join(d, "w1.db"), os.path.join(g, "alembic"), os.path.join(g, "sqitch")
    checksums = {}

    def check_sqlite(name, db):
        def check():
            rows = int(sqlite_query(db, "SELECT count(*) FROM users"))
            expect(rows == n, "%s: %d rows, expected %d" % (name, rows, n))
            checksums[name] = hashlib.md5(sqlite_query(db, W1_QUERY).encode()).hexdigest()
            expect(len(set(checksums.values())) == 1, "peers' rows differ: %s" % checksums)
        return check

    describe = lambda s: "%.3f s, %.0f MiB" % (s.wall, s.rss_mib)  # noqa: E731
    cs = [
        Contestant("strata", prepare=lambda: remove(data),
                   measure=lambda: run([ctx.strata.binary, "exec", "--data", data,
                                        os.path.join(g, "strata", "w1.strata")], stdout=out),
                   check=lambda: check_strata_w1(ctx, data, out, n), describe=describe),
        Contestant("sqlite3", prepare=lambda: remove(sq_db, sq_db + "-journal"),
                   measure=lambda: run(["sqlite3", sq_db],
                                       stdin=os.path.join(g, "sqlite", "w1.sql")),
                   check=check_sqlite("sqlite3", sq_db), describe=describe),
        Contestant("alembic", prepare=lambda: remove(os.path.join(al, "w1.db")),
                   measure=lambda: run([PY, "-m", "alembic", "upgrade", "head"], cwd=al,
                                       stdout=os.path.join(d, "alembic.out")),
                   check=check_sqlite("alembic", os.path.join(al, "w1.db")), describe=describe),
        Contestant("sqitch", prepare=lambda: remove(*(os.path.join(sq, f)
                                                      for f in ("w1.db", "sqitch.db"))),
                   measure=lambda: run(["sqitch", "deploy"], cwd=sq,
                                       stdout=os.path.join(d, "sqitch.out")),
                   check=check_sqlite("sqitch", os.path.join(sq, "w1.db")), describe=describe),
    ]
    res = interleave("W1", cs, ctx.rounds)
    size = "%s docs" % format(n, ",")
    time_row = Row("w1", size, series("strata", res["strata"], "s", lambda s: s.wall),
                   [series(c.name, res[c.name], "s", lambda s: s.wall) for c in cs[1:]])
    mem_row = Row("mem_w1", size, series("strata", res["strata"], "MiB", lambda s: s.rss_mib),
                  [series(c.name, res[c.name], "MiB", lambda s: s.rss_mib) for c in cs[1:]])
    return [time_row, mem_row]


def check_strata_w2(ctx, data, m, applied):
    """After W2 (`applied`): m migrations APPLIED and m bundles; after W3: all ROLLED_BACK, no
    bundle left."""
    a = ctx.strata.exec_json(data, 'USE "bench";\nSHOW MIGRATIONS;\nSHOW BUNDLES;\n', ctx.scratch)
    expect(len(a) == 3 and all(x.get("success") for x in a), "check queries failed: %s" % a[:3])
    migs = a[1]["migrations"]
    status = "APPLIED" if applied else "ROLLED_BACK"
    wrong = [x["Version"] for x in migs if x["Status"] != status]
    expect(len(migs) == m and not wrong, "%d migrations, versions not %s: %s"
           % (len(migs), status, wrong[:5]))
    expect(a[1]["currentVersion"] == (m if applied else 0),
           "currentVersion %s" % a[1]["currentVersion"])
    expect(a[2]["ResultCount"] == (m if applied else 0), "%d bundles" % a[2]["ResultCount"])


def row_w2_w3(ctx):
    """W2 then W3, each tool in turn: deploy M migrations (timed, checked), then roll all of
    them back (timed, checked). The W3 state is the W2 state of the same round."""
    m = ctx.size["w2"]
    g = workloads.generate("w2", m, os.path.join(ctx.gen, "w2_%d" % m))
    d = os.path.join(ctx.work, "w2")
    reset_dir(d)
    data = os.path.join(d, "strata-data")
    sq_db, al, sq = os.path.join(d, "w2.db"), os.path.join(g, "alembic"), os.path.join(g, "sqitch")
    al_db, sq_db2 = os.path.join(al, "w2.db"), os.path.join(sq, "w2.db")

    def tables(db, want):
        def check():
            t = count_tables(db)
            expect(t == want, "%d tables, expected %d" % (t, want))
        return check

    def alembic_check(want_tables, want_head):
        def check():
            tables(al_db, want_tables)()
            head = sqlite_query(al_db, "SELECT group_concat(version_num) FROM alembic_version")
            expect(head == want_head, "alembic_version %r, expected %r" % (head, want_head))
        return check

    def strata_exec(script, name):
        return lambda: run([ctx.strata.binary, "exec", "--data", data,
                            os.path.join(g, "strata", script)],
                           stdout=os.path.join(d, name + ".out"))

    describe = lambda s: "%.3f s" % s.wall  # noqa: E731
    al_cmd = lambda verb, target: lambda: run(  # noqa: E731
        [PY, "-m", "alembic", verb, target], cwd=al, stdout=os.path.join(d, "alembic.out"))
    sq_cmd = lambda *verb: lambda: run(  # noqa: E731
        ["sqitch"] + list(verb), cwd=sq, stdout=os.path.join(d, "sqitch.out"))
    cs = [
        Contestant("strata W2", prepare=lambda: remove(data),
                   measure=strata_exec("w2.strata", "w2"),
                   check=lambda: check_strata_w2(ctx, data, m, True), describe=describe),
        Contestant("strata W3", measure=strata_exec("w3.strata", "w3"),
                   check=lambda: check_strata_w2(ctx, data, m, False), describe=describe),
        Contestant("sqlite3 W2", prepare=lambda: remove(sq_db, sq_db + "-journal"),
                   measure=lambda: run(["sqlite3", sq_db],
                                       stdin=os.path.join(g, "sqlite", "up_autocommit.sql")),
                   check=tables(sq_db, m), describe=describe),
        Contestant("sqlite3 W3",
                   measure=lambda: run(["sqlite3", sq_db],
                                       stdin=os.path.join(g, "sqlite", "down_autocommit.sql")),
                   check=tables(sq_db, 0), describe=describe),
        Contestant("alembic W2", prepare=lambda: remove(al_db),
                   measure=al_cmd("upgrade", "head"),
                   check=alembic_check(m, "c%05d" % m), describe=describe),
        Contestant("alembic W3", measure=al_cmd("downgrade", "base"),
                   check=alembic_check(0, ""), describe=describe),
        Contestant("sqitch W2", prepare=lambda: remove(sq_db2, os.path.join(sq, "sqitch.db")),
                   measure=sq_cmd("deploy"), check=tables(sq_db2, m), describe=describe),
        Contestant("sqitch W3", measure=sq_cmd("revert", "-y"),
                   check=tables(sq_db2, 0), describe=describe),
    ]
    res = interleave("W2+W3", cs, ctx.size["w2_rounds"])
    size = "%s migrations" % format(m, ",")
    rows = []
    for w in ("W2", "W3"):
        s = lambda tool: series(tool, res["%s %s" % (tool, w)], "s", lambda x: x.wall)  # noqa
        rows.append(Row(w.lower(), size, s("strata"), [s(t) for t in ("sqlite3", "alembic",
                                                                         "sqitch")]))
    # A failure of W2 stops that tool's W3 too; say so once, on W2's row.
    for p in [rows[1].strata] + rows[1].peers:
        if p.failure and "W2," in p.failure:
            p.failure = None
    return rows


def row_mem_1m(ctx):
    """Peak RSS of `strata exec` applying a W1-shaped migration with D documents (one run)."""
    n = ctx.size["mem_docs"]
    g = os.path.join(ctx.gen, "strata_w1_%d" % n)
    script = os.path.join(g, "w1.strata")
    if not os.path.exists(os.path.join(g, ".done")):
        log("generating a %s-document migration" % format(n, ","))
        workloads.gen_strata_w1(n, g)
        workloads.write(os.path.join(g, ".done"), "")
    d = os.path.join(ctx.work, "mem_1m")
    reset_dir(d)
    data, out = os.path.join(d, "strata-data"), os.path.join(d, "strata.out")
    c = Contestant("strata", prepare=lambda: remove(data),
                   measure=lambda: run([ctx.strata.binary, "exec", "--data", data, script],
                                       stdout=out),
                   check=lambda: check_strata_w1(ctx, data, out, n),
                   describe=lambda s: "%.1f s, %.0f MiB" % (s.wall, s.rss_mib))
    res = interleave("1M-doc migration", [c], ctx.size["mem_rounds"], warmup=False)
    row = Row("mem_1m", "%s docs, %.0f MB script" % (format(n, ","), os.path.getsize(script) / 1e6),
              series("strata", res["strata"], "MiB", lambda s: s.rss_mib))
    walls = [s.wall for s in res["strata"].by_round.values()]
    if walls:
        row.notes.append("took %s s (whole `strata exec`)" % ", ".join("%.1f" % w for w in walls))
    return [row]
