#!/usr/bin/env bash
# SPEC §9 row W4: PING over loopback from 32 connections, pipelined 16 deep and not pipelined,
# Strata (bench/ping_bench against `strata serve --auth off`) interleaved with redis-benchmark
# (-c 32 -P 16 -t ping, and -c 32 -t ping) against a redis-server this script starts and stops
# on a loopback port. Prints each run, the medians and the ratios Strata / Redis.
#   bench/ping_bench.sh [rounds=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"
strata_port=17990
redis_port=17991
command -v redis-server >/dev/null || {
  echo "ping_bench: installing redis-server" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}
cmake --build "$root/build" --target strata ping_bench >/dev/null
data="$(mktemp -d)"
"$root/build/strata" serve --data "$data/store" --port "$strata_port" --auth off --log-level info \
  2>"$data/server.log" &
strata_pid=$!
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no --logfile "$data/redis.log" &
redis_pid=$!
cleanup() {
  kill "$strata_pid" "$redis_pid" 2>/dev/null || true
  wait "$strata_pid" "$redis_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 100); do
  grep -q listening "$data/server.log" 2>/dev/null && break
  sleep 0.1
done

strata_rate() {  # pipeline requests
  "$root/build/bench/ping_bench" --port "$strata_port" --connections 32 --pipeline "$1" \
    --requests "$2" | sed -E 's/^PING: ([0-9]+) .*/\1/'
}
redis_rate() {  # pipeline requests
  redis-benchmark -p "$redis_port" -c 32 -P "$1" -t ping -n "$2" -q 2>/dev/null | tr '\r' '\n' |
    grep -E '^PING_INLINE: [0-9.]+ requests per second' | sed -E 's/^PING_INLINE: ([0-9.]+) .*/\1/' |
    cut -d. -f1
}
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

s16=() r16=() s1=() r1=()
for round in $(seq "$rounds"); do
  s16+=("$(strata_rate 16 1000000)")
  r16+=("$(redis_rate 16 1000000)")
  s1+=("$(strata_rate 1 200000)")
  r1+=("$(redis_rate 1 200000)")
  echo "round $round: pipelined strata ${s16[-1]}/s redis ${r16[-1]}/s;" \
       "not pipelined strata ${s1[-1]}/s redis ${r1[-1]}/s"
done
ms16=$(echo "${s16[@]}" | median) mr16=$(echo "${r16[@]}" | median)
ms1=$(echo "${s1[@]}" | median) mr1=$(echo "${r1[@]}" | median)
echo "median, 32 connections pipelined 16: strata $ms16/s  redis $mr16/s  ratio" \
     "$(awk -v a="$ms16" -v b="$mr16" 'BEGIN {printf "%.2f", a / b}') (must >= 0.25, aim >= 0.5)"
echo "median, 32 connections not pipelined: strata $ms1/s  redis $mr1/s  ratio" \
     "$(awk -v a="$ms1" -v b="$mr1" 'BEGIN {printf "%.2f", a / b}') (must >= 0.4, aim >= 0.8)"
