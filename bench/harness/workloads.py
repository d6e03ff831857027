"""Deterministic workload files for bench/run: Strata scripts and the peers' projects.

Everything here is a pure function of the size asked for (no randomness, no clock), so the same
size always gives byte-identical files. The row function and the peers' project layouts are
those of the peer reference workloads the figures in SPEC §9 come from (the sqlite3 CLI, Sqitch
on SQLite, Alembic on SQLite), re-implemented here so a clone of the repository needs nothing
else.

  W1  one migration: a bundle/table with 5 fields (id unique — the peers' PRIMARY KEY —, email
      unique, name, age, created), two
      secondary indexes (name, age), N documents/rows (strata/w1.strata; strata/direct.strata
      holds the same load as N direct statements, for bench/load_vs_sqlite.sh)
  W2  M small migrations, migration i creates bundle/table t_i with 3 fields
  W3  the M migrations rolled back to version 0

Usable by hand: `python3 bench/harness/workloads.py w1|w2 SIZE OUTDIR` writes every file of that
workload under OUTDIR (strata/, sqlite/, sqitch/, alembic/).
"""
import os
import sys

# The row function, written once: executed here for the SQL and Strata files and copied verbatim
# into the Alembic revision, so every tool loads exactly the same rows.
ROW_SRC = '''
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
'''
exec(ROW_SRC)  # defines make_row, FIRST, LAST

DB = "bench"  # the Strata database every workload script uses


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# Strata scripts

def strata_w1_lines(n):
    """W1 for `strata exec`: START + VALIDATE + APPLY FORCE of one migration with n documents.

    More commands than MaxMigrationCommands (1,000) is a performance warning, hence FORCE."""
    yield 'CREATE DATABASE "%s";\nUSE "%s";\n' % (DB, DB)
    yield ('START MIGRATION WITH DESCRIPTION "W1 seed load"\n'
           'CREATE BUNDLE "users" WITH FIELDS ({"id", STRING, true, true}, '
           '{"email", STRING, false, true}, {"name", STRING, false, false}, '
           '{"age", INT, false, false}, {"created", DATETIME, false, false});\n'
           'CREATE INDEX "users_name_idx" HASH ON BUNDLE "users" WITH FIELDS ("name");\n'
           'CREATE INDEX "users_age_idx" BTREE ON BUNDLE "users" WITH FIELDS ("age");\n')
    for i in range(n):
        yield ('ADD DOCUMENT TO BUNDLE "users" WITH VALUES ({"id":"%s","email":"%s",'
               '"name":"%s","age":%d,"created":"%s"});\n' % make_row(i))
    yield "COMMIT;\nVALIDATE MIGRATION WITH VERSION 1;\nAPPLY MIGRATION WITH VERSION 1 FORCE;\n"


def strata_direct_lines(n):
    """W1's rows as n direct ADD DOCUMENT statements, each atomic on its own (no migration): the
    load of bench/load_vs_sqlite.sh."""
    yield 'CREATE DATABASE "%s";\nUSE "%s";\n' % (DB, DB)
    yield ('CREATE BUNDLE "users" WITH FIELDS ({"id", STRING, true, true}, '
           '{"email", STRING, false, true}, {"name", STRING, false, false}, '
           '{"age", INT, false, false}, {"created", DATETIME, false, false});\n'
           'CREATE INDEX BTREE ON BUNDLE "users" WITH FIELD "name";\n'
           'CREATE INDEX BTREE ON BUNDLE "users" WITH FIELD "age";\n')
    for i in range(n):
        yield ('ADD DOCUMENT TO BUNDLE "users" WITH VALUES ({"id":"%s","email":"%s",'
               '"name":"%s","age":%d,"created":"%s"});\n' % make_row(i))


def strata_w2(m, db=DB):
    """W2 for `strata exec`: m migrations creating a bundle each, START + APPLY each (in
    database `db`)."""
    out = ['CREATE DATABASE "%s";' % db, 'USE "%s";' % db]
    for i in range(1, m + 1):
        out.append('START MIGRATION WITH DESCRIPTION "create t_%05d" CREATE BUNDLE "t_%05d" '
                   'WITH FIELDS ({"id", INT, true, true}, {"name", STRING, false, false}, '
                   '{"val", INT, false, false}) COMMIT;' % (i, i))
        out.append("APPLY MIGRATION WITH VERSION %d;" % i)
    return "\n".join(out) + "\n"


STRATA_W3 = 'USE "%s";\nAPPLY ROLLBACK TO VERSION 0;\n' % DB


def gen_strata_w1(n, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "w1.strata"), "w", newline="\n") as f:
        f.writelines(strata_w1_lines(n))


def gen_strata_w2(m, out):
    write(os.path.join(out, "w2.strata"), strata_w2(m))
    write(os.path.join(out, "w3.strata"), STRATA_W3)


# ---------------------------------------------------------------------------------------------
# Peers: sqlite3 CLI scripts, a Sqitch project (engine sqlite), an Alembic environment

W1_DDL = [
    "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT UNIQUE, name TEXT, "
    "age INTEGER, created TEXT);",
    "CREATE INDEX users_name_idx ON users (name);",
    "CREATE INDEX users_age_idx ON users (age);",
]

SQITCH_CONF = """[core]
\tengine = sqlite
\tplan_file = sqitch.plan
\ttop_dir = .
[engine "sqlite"]
\ttarget = db:sqlite:{db}
[deploy]
\tverify = false
[rebase]
\tverify = false
[user]
\tname = Bench
\temail = bench@example.com
"""

ALEMBIC_INI = """[alembic]
script_location = %(here)s/mig
sqlalchemy.url = sqlite:///%(here)s/{db}
"""

# Stock Alembic "generic" env.py, online mode only, logging setup dropped.
ALEMBIC_ENV = '''from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_online():
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

PLAN_HEAD = "%syntax-version=1.0.0\n%project={project}\n\n"
PLAN_LINE = "{name} 2026-11-21T00:00:00Z Bench <bench@example.com> # {note}\n"


def sql_str(v):
    return str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"


def gen_peers_w1(n, out):
    """out/sqlite/w1.sql (one transaction), out/sqitch (one change: that file),
    out/alembic (one revision: create_table, 2 x create_index, bulk_insert)."""
    lines = ["BEGIN;"] + W1_DDL
    for i in range(n):
        lines.append("INSERT INTO users (id, email, name, age, created) VALUES (%s);"
                     % ", ".join(sql_str(v) for v in make_row(i)))
    lines.append("COMMIT;")
    body = "\n".join(lines) + "\n"
    write(os.path.join(out, "sqlite", "w1.sql"), body)

    sq = os.path.join(out, "sqitch")
    write(os.path.join(sq, "sqitch.conf"), SQITCH_CONF.format(db="w1.db"))
    write(os.path.join(sq, "sqitch.plan"),
          PLAN_HEAD.format(project="w1") + PLAN_LINE.format(name="seed", note="seed load"))
    write(os.path.join(sq, "deploy", "seed.sql"), body)
    write(os.path.join(sq, "revert", "seed.sql"), "BEGIN;\nDROP TABLE users;\nCOMMIT;\n")

    al = os.path.join(out, "alembic")
    write(os.path.join(al, "alembic.ini"), ALEMBIC_INI.format(db="w1.db"))
    write(os.path.join(al, "mig", "env.py"), ALEMBIC_ENV)
    rev = ('"""seed load"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
           'revision = "seed"\ndown_revision = None\nbranch_labels = None\n'
           'depends_on = None\n\nN = %d\n' % n) + ROW_SRC + '''

def upgrade():
    users = op.create_table(
        "users",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("age", sa.Integer),
        sa.Column("created", sa.Text),
    )
    op.create_index("users_name_idx", "users", ["name"])
    op.create_index("users_age_idx", "users", ["age"])
    keys = ("id", "email", "name", "age", "created")
    op.bulk_insert(users, [dict(zip(keys, make_row(i))) for i in range(N)])


def downgrade():
    op.drop_table("users")
'''
    write(os.path.join(al, "mig", "versions", "seed.py"), rev)


def gen_peers_w2(m, out):
    """out/sqlite/{up,down}_autocommit.sql, out/sqitch (m changes), out/alembic (m revisions)."""
    names = ["c%05d" % i for i in range(1, m + 1)]
    tables = ["t_%05d" % i for i in range(1, m + 1)]
    creates = ["CREATE TABLE %s (id INTEGER PRIMARY KEY, name TEXT, val INTEGER);" % t
               for t in tables]
    drops = ["DROP TABLE %s;" % t for t in reversed(tables)]
    # every statement its own auto-committed transaction: one durable commit per migration
    write(os.path.join(out, "sqlite", "up_autocommit.sql"), "\n".join(creates) + "\n")
    write(os.path.join(out, "sqlite", "down_autocommit.sql"), "\n".join(drops) + "\n")

    sq = os.path.join(out, "sqitch")
    write(os.path.join(sq, "sqitch.conf"), SQITCH_CONF.format(db="w2.db"))
    write(os.path.join(sq, "sqitch.plan"), PLAN_HEAD.format(project="w2") + "".join(
        PLAN_LINE.format(name=c, note="create " + t) for c, t in zip(names, tables)))
    for c, t, ddl in zip(names, tables, creates):
        # the shape of `sqitch add`'s SQLite templates: BEGIN; ... COMMIT;
        write(os.path.join(sq, "deploy", c + ".sql"), "BEGIN;\n%s\nCOMMIT;\n" % ddl)
        write(os.path.join(sq, "revert", c + ".sql"), "BEGIN;\nDROP TABLE %s;\nCOMMIT;\n" % t)

    al = os.path.join(out, "alembic")
    write(os.path.join(al, "alembic.ini"), ALEMBIC_INI.format(db="w2.db"))
    write(os.path.join(al, "mig", "env.py"), ALEMBIC_ENV)
    prev = None
    for c, t in zip(names, tables):
        rev = ('"""create %s"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
               'revision = "%s"\ndown_revision = %s\nbranch_labels = None\n'
               'depends_on = None\n\n\n'
               'def upgrade():\n'
               '    op.create_table(\n'
               '        "%s",\n'
               '        sa.Column("id", sa.Integer, primary_key=True),\n'
               '        sa.Column("name", sa.Text),\n'
               '        sa.Column("val", sa.Integer),\n'
               '    )\n\n\n'
               'def downgrade():\n'
               '    op.drop_table("%s")\n') % (t, c, repr(prev), t, t)
        write(os.path.join(al, "mig", "versions", c + ".py"), rev)
        prev = c


def generate(kind, size, out):
    """Writes workload `kind` ("w1" or "w2") of `size` under out/, once: a finished folder is
    marked with .done and reused. Returns out."""
    done = os.path.join(out, ".done")
    if os.path.exists(done):
        return out
    if kind == "w1":
        gen_strata_w1(size, os.path.join(out, "strata"))
        with open(os.path.join(out, "strata", "direct.strata"), "w", newline="\n") as f:
            f.writelines(strata_direct_lines(size))
        gen_peers_w1(size, out)
    elif kind == "w2":
        gen_strata_w2(size, os.path.join(out, "strata"))
        gen_peers_w2(size, out)
    else:
        raise ValueError(kind)
    write(done, "")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("w1", "w2"):
        sys.exit(__doc__)
    generate(sys.argv[1], int(sys.argv[2]), sys.argv[3])
