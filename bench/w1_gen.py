#!/usr/bin/env python3
"""Strata scripts for the migration benchmarks (SPEC §9), with the peers' exact rows.

usage: w1_gen.py OUTDIR [N] [M]
  OUTDIR/w1.sql  W1: one migration creating "users" (5 fields, one unique), 2 indexes and
                 N ADD DOCUMENT (the peers' rows, bench/gen_w1.py make_row), then VALIDATE and
                 APPLY ... FORCE (100,000 commands exceed MaxMigrationCommands: a warning)
  OUTDIR/w2.sql  W2: M small migrations (migration i creates bundle t_i with 3 fields),
                 START + APPLY each, every APPLY durable
  OUTDIR/w3.sql  W3: APPLY ROLLBACK TO VERSION 0 over the W2 store
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_w1 import make_row  # noqa: E402  (the peers' row function, copied into bench/)


def w1(n):
    out = ['CREATE DATABASE "bench";', 'USE "bench";',
           'START MIGRATION WITH DESCRIPTION "W1 seed load"',
           'CREATE BUNDLE "users" WITH FIELDS ({"id", STRING, true, false}, '
           '{"email", STRING, false, true}, {"name", STRING, false, false}, '
           '{"age", INT, false, false}, {"created", DATETIME, false, false});',
           'CREATE INDEX "users_name_idx" HASH ON BUNDLE "users" WITH FIELDS ("name");',
           'CREATE INDEX "users_age_idx" BTREE ON BUNDLE "users" WITH FIELDS ("age");']
    for i in range(n):
        rid, email, name, age, created = make_row(i)
        out.append('ADD DOCUMENT TO BUNDLE "users" WITH VALUES ({"id":"%s","email":"%s",'
                   '"name":"%s","age":%d,"created":"%s"});' % (rid, email, name, age, created))
    out += ["COMMIT;", "VALIDATE MIGRATION WITH VERSION 1;", "APPLY MIGRATION WITH VERSION 1 FORCE;"]
    return "\n".join(out) + "\n"


def w2(m):
    out = ['CREATE DATABASE "bench";', 'USE "bench";']
    for i in range(1, m + 1):
        out.append('START MIGRATION WITH DESCRIPTION "create t_%05d" CREATE BUNDLE "t_%05d" '
                   'WITH FIELDS ({"id", INT, true, true}, {"name", STRING, false, false}, '
                   '{"val", INT, false, false}) COMMIT;' % (i, i))
        out.append("APPLY MIGRATION WITH VERSION %d;" % i)
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "w1.sql"), "w") as f:
        f.write(w1(n))
    with open(os.path.join(outdir, "w2.sql"), "w") as f:
        f.write(w2(m))
    with open(os.path.join(outdir, "w3.sql"), "w") as f:
        f.write('USE "bench";\nAPPLY ROLLBACK TO VERSION 0;\n')


if __name__ == "__main__":
    main()
