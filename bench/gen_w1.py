#!/usr/bin/env python3
"""Generates the W1 seed load for Strata and for the sqlite3 CLI, with identical rows.

usage: gen_w1.py N OUTDIR  ->  OUTDIR/w1.strata  OUTDIR/w1.sql

The rows are those of ../shared/bench-peers/gen.py (make_row copied verbatim), so the figures
compare with the peers' RESULTS.md. Schema on both sides: 5 fields, id and email unique, two
secondary indexes (name, age). Strata: one ADD DOCUMENT statement per row, each its own atomic
statement. sqlite3: one transaction (BEGIN ... COMMIT), as the peers ran it.
"""
import os
import sys

FIRST = ["Ada", "Alan", "Barbara", "Brian", "Claude", "Dennis", "Donald", "Edsger",
         "Frances", "Grace", "Guido", "John", "Ken", "Leslie", "Linus", "Margaret",
         "Niklaus", "Radia", "Rob", "Tony"]
LAST = ["Allen", "Backus", "Codd", "Dijkstra", "Hamilton", "Hoare", "Hopper",
        "Kernighan", "Knuth", "Lamport", "Liskov", "Lovelace", "McCarthy", "Perlman",
        "Pike", "Ritchie", "Shannon", "Thompson", "Torvalds", "Wirth"]


def make_row(i):
    """Row i (0-based) of the seed table: (id, email, name, age, created)."""
    h = (i * 2654435761) % 4294967296          # Knuth multiplicative hash
    name = FIRST[h % 20] + " " + LAST[(h // 20) % 20]
    age = 18 + (h // 400) % 70
    s = i * 37                                  # seconds after the epoch below
    day = 1 + (s // 86400) % 28
    created = "2026-01-%02dT%02d:%02d:%02dZ" % (day, (s // 3600) % 24, (s // 60) % 60, s % 60)
    return ("u%07d" % i, "user%07d@example.com" % i, name, age, created)


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "w1.strata"), "w") as f:
        f.write('CREATE DATABASE "bench";\nUSE "bench";\n')
        f.write('CREATE BUNDLE "users" WITH FIELDS ({"id", STRING, true, true}, '
                '{"email", STRING, false, true}, {"name", STRING, false, false}, '
                '{"age", INT, false, false}, {"created", DATETIME, false, false});\n')
        f.write('CREATE INDEX BTREE ON BUNDLE "users" WITH FIELD "name";\n')
        f.write('CREATE INDEX BTREE ON BUNDLE "users" WITH FIELD "age";\n')
        for i in range(n):
            r = make_row(i)
            f.write('ADD DOCUMENT TO BUNDLE "users" WITH VALUES ({"id": "%s", "email": "%s", '
                    '"name": "%s", "age": %d, "created": "%s"});\n' % r)
    with open(os.path.join(out, "w1.sql"), "w") as f:
        f.write("CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT UNIQUE, name TEXT, "
                "age INTEGER, created TEXT);\n")
        f.write("CREATE INDEX users_name_idx ON users (name);\n")
        f.write("CREATE INDEX users_age_idx ON users (age);\n")
        f.write("BEGIN;\n")
        for i in range(n):
            f.write("INSERT INTO users VALUES ('%s', '%s', '%s', %d, '%s');\n" % make_row(i))
        f.write("COMMIT;\n")


if __name__ == "__main__":
    main()
