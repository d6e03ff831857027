"""SPEC §9's performance targets: the one place bench/run reads its thresholds from.

A Goal is judged on one figure of a row: either a ratio to a peer's figure taken in the same
run ("ratio", per-round ratios' median), or Strata's own figure ("value"). `op` is the
direction: "<=" / "<" for times, sizes and latencies, ">=" for throughputs, "in" for a figure
that must lie between `low` and `limit` (the cost model's estimate / measured APPLY).
"""
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Goal:
    kind: str                 # "ratio" (Strata / peer) or "value" (Strata's own figure)
    op: str                   # "<=", "<", ">=" or "in" (low <= x <= limit)
    limit: float
    peer: Optional[str] = None  # for "ratio": the peer's name, as the row names it
    low: float = 0.0          # for "in"

    def met(self, x):
        return {"<=": x <= self.limit, "<": x < self.limit, ">=": x >= self.limit,
                "in": self.low <= x <= self.limit}[self.op]

    def text(self, unit=""):
        if self.op == "in":
            return "%g–%g%s" % (self.low, self.limit, unit)
        op = {"<=": "≤", "<": "<", ">=": "≥"}[self.op]
        if self.kind == "ratio":
            return "%s %g× %s" % (op, self.limit, self.peer)
        return "%s %g%s" % (op, self.limit, (" " + unit) if unit else "")


@dataclass(frozen=True)
class Target:
    title: str                # the SPEC §9 "work" column, shortened
    must: Optional[Goal]      # None: SPEC §9 sets none (the figure is reported only)
    aim: Optional[Goal]
    unit: str = ""            # unit of Strata's own figure for "value" goals
    ratio_to: Optional[str] = None  # a peer to show the ratio to when no goal names one


R, V = "ratio", "value"
TARGETS = {
    "w1": Target("W1: one migration, bundle + 2 indexes + N ADD DOCUMENT, START+VALIDATE+APPLY",
                 Goal(R, "<=", 1.0, "sqlite3"), Goal(R, "<=", 0.5, "sqlite3")),
    "w2": Target("W2: M migrations creating a bundle, START+APPLY each, durable",
                 Goal(R, "<=", 0.5, "alembic"), Goal(R, "<=", 1.0, "sqlite3")),
    "w3": Target("W3: roll the M migrations back to version 0",
                 Goal(R, "<=", 0.2, "alembic"), Goal(R, "<=", 0.05, "alembic")),
    "w4_p16": Target("W4: PING, 32 connections, pipelined 16 deep",
                     Goal(R, ">=", 0.25, "redis"), Goal(R, ">=", 0.5, "redis")),
    "w4_p1": Target("W4: PING, 32 connections, not pipelined",
                    Goal(R, ">=", 0.4, "redis"), Goal(R, ">=", 0.8, "redis")),
    "show": Target("SHOW MIGRATIONS, 100-migration ledger, 32 connections (p99)",
                   Goal(V, "<", 5.0), Goal(V, "<", 1.0), "ms"),
    "parse": Target("parsing migration text, one core",
                    Goal(V, ">=", 50.0), Goal(V, ">=", 200.0), "MB/s"),
    "validate": Target("VALIDATE a 1,000-command migration over a D-document bundle",
                       Goal(V, "<", 1.0), Goal(V, "<", 0.1), "s"),
    "rollback": Target("APPLY ROLLBACK of an APPLY that touched D docs, 1,000 later writes",
                       Goal(V, "<", 2.0), Goal(V, "<", 1.0), "× APPLY"),
    "open": Target("open a store whose ledger holds L migrations (chain verified)",
                   Goal(V, "<", 1.0), Goal(V, "<", 0.2), "s"),
    "mem_w1": Target("peak memory applying W1",
                     Goal(V, "<=", 200.0), Goal(V, "<=", 64.0), "MiB"),
    "mem_1m": Target("peak memory applying a 1,000,000-document migration",
                     Goal(V, "<=", 1024.0), Goal(V, "<=", 256.0), "MiB"),
    # SPEC §9's note: VALIDATE's estimate within 2× of the measured APPLY, per shape.
    "cost_w1": Target("cost model: estimate / measured APPLY, W1 shape",
                      Goal(V, "in", 2.0, low=0.5), Goal(V, "in", 1.4, low=0.7), "×"),
    "cost_index": Target("cost model: estimate / measured APPLY, index build",
                         Goal(V, "in", 2.0, low=0.5), Goal(V, "in", 1.4, low=0.7), "×"),
    "cost_update": Target("cost model: estimate / measured APPLY, bulk UPDATE",
                          Goal(V, "in", 2.0, low=0.5), Goal(V, "in", 1.4, low=0.7), "×"),
    # §11's cluster: 3 servers over 3 etcd members against the same work on one embedded
    # (RocksDB) server. W2's goals are SPEC §9's, applied to both shapes of W2.
    "cluster_w2": Target("cluster W2, 3 servers: 3 clients at once, one per server, own "
                         "database each",
                         Goal(R, "<=", 5.0, "embedded"), Goal(R, "<=", 2.0, "embedded")),
    "cluster_w2_1": Target("cluster W2, 1 server: one client",
                           Goal(R, "<=", 5.0, "embedded"), Goal(R, "<=", 2.0, "embedded")),
    "cluster_show": Target("cluster SHOW MIGRATIONS: throughput through 3 servers (req/s)",
                           Goal(R, ">=", 2.0, "embedded"), Goal(R, ">=", 2.7, "embedded")),
    "cluster_w1": Target("cluster W1: `strata exec --store etcd://…` (no goal in SPEC §9)",
                         None, None, ratio_to="embedded"),
}
