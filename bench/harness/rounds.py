"""Interleaved rounds and the result of one table row.

A row runs its contestants (Strata, then each peer) in turn, round after round, so a drift in
the machine's speed hits all of them alike; round 0 is a warm-up and is not counted. Each
contestant is prepared (untimed: state reset), measured, and checked (untimed: a fast wrong
answer fails the row). Ratios are taken per round, then their median is quoted.
"""
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from procs import CheckFailed


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


@dataclass
class Contestant:
    name: str
    measure: Callable[[], object]         # returns a procs.Sample or a number
    prepare: Callable[[], None] = lambda: None
    check: Callable[[], None] = lambda: None
    describe: Callable[[object], str] = str


@dataclass
class Outcome:
    """What a contestant produced: one measurement per counted round, or a failure."""
    by_round: dict = field(default_factory=dict)   # round -> measurement
    failure: Optional[str] = None


def interleave(label, contestants, rounds, warmup=True):
    """Runs `rounds` counted rounds (plus round 0 as a warm-up when `warmup`). A contestant that
    fails is not run again. Returns {name: Outcome}."""
    out = {c.name: Outcome() for c in contestants}
    first = 0 if warmup else 1
    for r in range(first, rounds + 1):
        for c in contestants:
            o = out[c.name]
            if o.failure:
                continue
            try:
                c.prepare()
                m = c.measure()
                c.check()
            except CheckFailed as e:
                o.failure = "%s, round %d: %s" % (c.name, r, e)
                log("%s %s FAILED: %s" % (label, c.name, e))
                continue
            log("%s round %d%s %s: %s" % (label, r, " (warm-up)" if r == 0 else "", c.name,
                                          c.describe(m)))
            if r > 0:
                o.by_round[r] = m
    return out


@dataclass
class Series:
    """One contestant's figure over the counted rounds."""
    name: str
    values: dict          # round -> float
    unit: str
    failure: Optional[str] = None

    def median(self):
        return statistics.median(self.values.values()) if self.values else None

    def text(self):
        if self.failure and not self.values:
            return "%s FAILED" % self.name
        v = sorted(self.values.values())
        if not v:
            return "%s —" % self.name
        s = fmt(statistics.median(v), self.unit)
        if len(v) > 1:
            s += " (%s–%s)" % (fmt(v[0], self.unit, False), fmt(v[-1], self.unit, False))
        return ("%s %s" % (self.name, s)) if self.name != "strata" else s


def series(name, outcome, unit, pick=lambda m: m):
    return Series(name, {r: pick(m) for r, m in outcome.by_round.items()}, unit, outcome.failure)


def fmt(x, unit, with_unit=True):
    if unit == "req/s":
        s = "%.0fk" % (x / 1000) if x >= 10000 else "%.0f" % x
        return s + ("/s" if with_unit else "")
    if unit == "s":
        s = "%.3f" % x if x < 10 else "%.1f" % x
    elif unit in ("MiB", "MB/s"):
        s = "%.0f" % x if x >= 10 else "%.1f" % x
    elif unit == "ms":
        s = "%.2f" % x if x < 100 else "%.0f" % x
    else:
        s = "%g" % x
    return s + (" " + unit if with_unit and unit else "")


@dataclass
class Row:
    """One line of the table."""
    key: str                       # targets.TARGETS key
    size: str                      # what was run, e.g. "100,000 docs"
    strata: Series
    peers: list = field(default_factory=list)    # [Series]
    failures: list = field(default_factory=list)  # check failures: the row is FAILED
    notes: list = field(default_factory=list)     # extra figures worth a line under the table

    def peer(self, name):
        return next((p for p in self.peers if p.name == name), None)

    def ratios(self, peer):
        """Per-round ratios Strata / peer over the rounds both have."""
        p = self.peer(peer)
        if p is None:
            return []
        return [self.strata.values[r] / p.values[r] for r in sorted(self.strata.values)
                if r in p.values and p.values[r] > 0]

    def all_failures(self):
        f = list(self.failures)
        for s in [self.strata] + self.peers:
            if s.failure:
                f.append(s.failure)
        return f
