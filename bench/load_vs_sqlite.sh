#!/usr/bin/env bash
# W1's rows loaded as N direct ADD DOCUMENT statements (each atomic on its own, no migration)
# through `strata exec`, vs the same rows through the sqlite3 CLI in one transaction. Not a
# SPEC §9 row (bench/run has those): a measure of the direct data path. Runs interleaved rounds
# (the VM is noisy), prints each time, the medians and the ratio strata/sqlite3.
# For context it also runs sqlite3 with one transaction per INSERT in WAL mode with
# synchronous=OFF: the same guarantee as Strata's data statements (each statement atomic,
# durable against a process kill, not fsynced).
#   usage: bench/load_vs_sqlite.sh [N=100000] [ROUNDS=3]
# Needs build/strata (scripts/build) and sqlite3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-100000}"
rounds="${2:-3}"
strata="$root/build/strata"
work="$(mktemp -d /tmp/strata_bench_XXXXXX)"
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/harness/workloads.py" w1 "$n" "$work/gen"
cp "$work/gen/strata/direct.strata" "$work/w1.strata"
cp "$work/gen/sqlite/w1.sql" "$work/w1.sql"

now() { date +%s.%N; }
(echo "PRAGMA journal_mode=WAL;"; echo "PRAGMA synchronous=OFF;"
 grep -v '^BEGIN;$\|^COMMIT;$' "$work/w1.sql") > "$work/w1_each.sql"
strata_times=()
sqlite_times=()
each_times=()
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/data" "$work/w1.db" "$work/each.db"*
  t0=$(now); "$strata" exec --data "$work/data" "$work/w1.strata" > "$work/strata.out"; t1=$(now)
  strata_times+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); sqlite3 "$work/w1.db" < "$work/w1.sql"; t1=$(now)
  sqlite_times+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); sqlite3 "$work/each.db" < "$work/w1_each.sql" > /dev/null; t1=$(now)
  each_times+=("$(echo "$t1 - $t0" | bc)")
  echo "round $r: strata ${strata_times[-1]} s, sqlite3 one txn ${sqlite_times[-1]} s," \
       "sqlite3 txn per insert ${each_times[-1]} s"
done
docs=$(grep -c '"DocumentID"' "$work/strata.out")
rows=$(sqlite3 "$work/w1.db" "SELECT COUNT(*) FROM users")
[ "$docs" = "$n" ] && [ "$rows" = "$n" ] || { echo "row counts differ: $docs vs $rows" >&2; exit 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms=$(median "${strata_times[@]}")
mq=$(median "${sqlite_times[@]}")
me=$(median "${each_times[@]}")
echo "N=$n  strata exec median ${ms} s  sqlite3 (one txn) median ${mq} s" \
     " ratio strata/sqlite3 $(echo "scale=2; $ms / $mq" | bc)"
echo "      sqlite3 (txn per insert, WAL, synchronous=OFF) median ${me} s" \
     " ratio strata/sqlite3-per-insert $(echo "scale=2; $ms / $me" | bc)"
