"""The chaos soak's consistency checks, run on a fresh connection once every client has
stopped (and again after a restart of the server on the same data). Each check returns
(name, passed, detail)."""
import json

from wire import code_of


def migrations_whole(conn, tally, dbs):
    """Every migration is wholly applied or not at all: an APPLIED one's bundle holds exactly
    its documents, all updated by its last command and all found through its index; any other
    state leaves no bundle; APPLIED is exactly 1..currentVersion; no M_ bundle without its
    migration; no half-sent migration exists."""
    problems, states = [], {}
    for db in dbs:
        conn.ok('USE "%s"' % db)
        r = conn.ok("SHOW MIGRATIONS")
        cur = r.get("currentVersion", 0)
        migrations = r.get("migrations", [])
        applied = sorted(m["Version"] for m in migrations if m["Status"] == "APPLIED")
        if applied != list(range(1, cur + 1)):
            problems.append("%s: APPLIED %s, currentVersion %d" % (db, applied[:20], cur))
        owned = set()
        for m in migrations:
            desc, status = m.get("Description", ""), m["Status"]
            if desc.startswith("half-"):
                problems.append("%s: a half-sent migration exists: %s" % (db, desc))
            k = tally.migrations.get((db, desc))
            if k is None:
                continue
            states[status] = states.get(status, 0) + 1
            bundle = "M_" + desc
            count = conn.ask('SELECT COUNT FROM "%s"' % bundle)
            if status == "APPLIED":
                owned.add(bundle)
                updated = conn.ask('SELECT COUNT FROM "%s" WHERE w == 1' % bundle)
                indexed = conn.ask('SELECT COUNT FROM "%s" WHERE k >= 0' % bundle)
                got = (count.get("ResultCount"), updated.get("ResultCount"),
                       indexed.get("ResultCount"))
                if got != (k, k, k):
                    problems.append("%s v%d APPLIED: %s documents (all, updated, indexed), "
                                    "want %d" % (db, m["Version"], got, k))
            elif code_of(count) != "BUNDLE_NOT_FOUND":
                problems.append("%s v%d %s: its bundle answers %s"
                                % (db, m["Version"], status, json.dumps(count)[:200]))
        for b in conn.ok("SHOW BUNDLES").get("Result", []):
            name = b if isinstance(b, str) else b.get("Name", b.get("name", ""))
            if name.startswith("M_") and name not in owned:
                problems.append("%s: bundle %s without an APPLIED migration" % (db, name))
    detail = ", ".join("%d %s" % (n, s) for s, n in sorted(states.items()))
    return ("every migration wholly applied or not", not problems,
            "; ".join(problems[:10]) or detail)


def verify_clean(conn, dbs, drift_dbs):
    """VERIFY MIGRATIONS: checksums and chain valid everywhere; no drift and no problem where
    no direct DDL ran (`dbs`); drift reported where it did (`drift_dbs`)."""
    problems = []
    for db in dbs + drift_dbs:
        conn.ok('USE "%s"' % db)
        r = conn.ask("VERIFY MIGRATIONS")
        if not (r.get("checksumsValid") is True and r.get("chainValid") is True):
            problems.append("%s: %s" % (db, json.dumps(r)[:300]))
        elif db in dbs and (r.get("schemaDrift") is not False or r.get("problems")):
            problems.append("%s: %s" % (db, json.dumps(r)[:300]))
        elif db in drift_dbs and r.get("schemaDrift") is not True:
            problems.append("%s: direct DDL ran but no drift reported" % db)
    return ("VERIFY MIGRATIONS clean", not problems,
            "; ".join(problems) or "%d databases" % len(dbs + drift_dbs))


def counts_match(conn, tally):
    """Direct writers: documents == acknowledged adds. Half-sent clients: acknowledged <=
    documents <= sent."""
    problems, exact, bounded = [], 0, 0
    keys = sorted(set(tally.acked) | set(tally.sent))
    for db, client in keys:
        conn.ok('USE "%s"' % db)
        n = conn.ask('SELECT COUNT FROM "Direct" WHERE client == %d' % client).get("ResultCount")
        acked = tally.acked[(db, client)]
        if (db, client) in tally.sent:
            bounded += 1
            if n is None or not acked <= n <= tally.sent[(db, client)]:
                problems.append("%s client %d: %s documents, %d acknowledged, %d sent"
                                % (db, client, n, acked, tally.sent[(db, client)]))
        else:
            exact += 1
            if n != acked:
                problems.append("%s client %d: %s documents, %d acknowledged"
                                % (db, client, n, acked))
    total = sum(tally.acked.values())
    return ("document counts match what was acknowledged", not problems,
            "; ".join(problems[:10]) or
            "%d acknowledged adds; %d writers exact, %d half-sent clients within bounds"
            % (total, exact, bounded))


def races(tally):
    n = sum(tally.races.values())
    return ("exactly one success per APPLY race", n > 0 and not tally.race_failures,
            "; ".join(tally.race_failures[:10]) or
            "%d races (%s)" % (n, ", ".join("%d %s" % (v, k) for k, v in
                                            sorted(tally.races.items()))))


def all_checks(conn, tally, dbs, race_db, ddl_db):
    return [migrations_whole(conn, tally, dbs + [race_db]),
            verify_clean(conn, dbs + [race_db], [ddl_db]),
            counts_match(conn, tally)]
