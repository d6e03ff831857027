#!/usr/bin/env bash
# SPEC §9 migration rows, whole processes, interleaved with the sqlite3 CLI (the VM is noisy):
#   W1  one migration: bundle with 5 fields (one unique), 2 indexes, N ADD DOCUMENT;
#       START + VALIDATE + APPLY through `strata exec`  vs  `sqlite3 w1.db < w1.sql` (peers' file)
#   W2  M migrations creating a bundle each, START + APPLY each (every APPLY synced)
#       vs sqlite3 with one commit per migration (peers' up_autocommit.sql)
#   W3  APPLY ROLLBACK TO VERSION 0 over the W2 store (peers: Alembic / Sqitch, see RESULTS.md)
# Prints each round, the medians, the ratios, and the peak RSS of each strata run (GNU time).
#   usage: bench/migration_workloads.sh [N=100000] [M=1000] [ROUNDS=3]
# Needs build/strata, sqlite3, /usr/bin/time and ../shared/bench-peers/gen.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-100000}"
m="${2:-1000}"
rounds="${3:-3}"
strata="$root/build/strata"
peers="${BENCH_PEERS:-$root/../shared/bench-peers}"
work="$(mktemp -d /tmp/strata_wl_XXXXXX)"
trap 'rm -rf "$work"' EXIT
BENCH_PEERS="$peers" python3 "$root/bench/w1_gen.py" "$work/strata" "$n" "$m"
python3 "$peers/gen.py" w1 "$n" "$work/p1" > /dev/null
python3 "$peers/gen.py" w2 "$m" "$work/p2" > /dev/null

# run NAME CMD...: wall seconds and peak RSS (KiB) of one process, appended to NAME's lists.
declare -A times rss
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || {
    echo "$name failed:"; tail -5 "$work/err"; tail -c 600 "$work/out"; exit 1; }
  read -r t k < "$work/time"
  times[$name]="${times[$name]:-} $t"
  rss[$name]="${rss[$name]:-} $k"
  printf '  %-8s %6.2f s  %6d MiB\n' "$name" "$t" $((k / 1024))
}
median() { printf '%s\n' $@ | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for r in $(seq 1 "$rounds"); do
  echo "round $r"
  rm -rf "$work/d1" "$work/w1.db"
  run strataW1 "$strata" exec --data "$work/d1" "$work/strata/w1.sql"
  grep -q 'applied successfully' "$work/out"
  run sqliteW1 sh -c "cd '$work' && sqlite3 w1.db < p1/sqlite/w1.sql"
  rm -rf "$work/d2" "$work/w2.db"
  run strataW2 "$strata" exec --data "$work/d2" "$work/strata/w2.sql"
  run strataW3 "$strata" exec --data "$work/d2" "$work/strata/w3.sql"
  run sqliteW2 sh -c "cd '$work' && sqlite3 w2.db < p2/sqlite/up_autocommit.sql"
done
echo
for k in strataW1 sqliteW1 strataW2 sqliteW2 strataW3; do
  printf '%-9s median %6.2f s   peak RSS median %4d MiB\n' "$k" "$(median ${times[$k]})" \
    $(( $(median ${rss[$k]}) / 1024 ))
done
w1=$(median ${times[strataW1]}); s1=$(median ${times[sqliteW1]})
w2=$(median ${times[strataW2]}); s2=$(median ${times[sqliteW2]}); w3=$(median ${times[strataW3]})
echo "W1 strata/sqlite3 = $(echo "scale=2; $w1 / $s1" | bc)   (SPEC: <= 1.0, aim 0.5)"
echo "W2 strata/sqlite3 = $(echo "scale=2; $w2 / $s2" | bc)   strata/Alembic(5.1 s) = $(echo "scale=2; $w2 / 5.1" | bc) (SPEC: <= 0.5)"
echo "W3 strata/Alembic(4.5 s) = $(echo "scale=3; $w3 / 4.5" | bc)   (SPEC: <= 0.2, aim 0.05)"
