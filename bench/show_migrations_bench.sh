#!/usr/bin/env bash
# SPEC §9: SHOW MIGRATIONS on a 100-migration ledger from 32 connections (p99 must be < 5 ms,
# aim < 1 ms). Starts `strata serve --auth off` on a loopback port and a fresh data directory,
# runs bench/show_migrations_bench, stops the server.
#   bench/show_migrations_bench.sh [requests=20000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port=17992
cmake --build "$root/build" --target strata show_migrations_bench >/dev/null
data="$(mktemp -d)"
"$root/build/strata" serve --data "$data/store" --port "$port" --auth off 2>"$data/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  grep -q listening "$data/server.log" 2>/dev/null && break
  sleep 0.1
done
"$root/build/bench/show_migrations_bench" --port "$port" --connections 32 \
  --requests "${1:-20000}" --migrations 100
