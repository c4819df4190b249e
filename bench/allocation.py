#!/usr/bin/env python3
"""Heap allocation per delivery of a broadcast scenario recorded with PROFILE=1 bench/run.sh.

    bench/allocation.py target/bench/<run>/<scenario>

Reads the scenario's server.jfr (jdk.ThreadAllocationStatistics, sampled every second, and
jdk.ObjectAllocationSample) and report.json (the measured window and the deliveries in it). Prints
the bytes the server allocated in the measured window (its middle, one second off each end) per
message delivered to a harness session, for all threads and for the event loops alone, and the
allocation samples by the first frame in Parley's or Netty's code.
"""
import collections
import datetime
import json
import subprocess
import sys
from pathlib import Path


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main(directory):
    report = json.loads((directory / "report.json").read_text())
    started = instant(report["startedAt"])
    measured = [p for p in report["timeline"] if p["phase"] == "measure"][1:-1]
    if not measured:
        sys.exit("no measured seconds in report.json: is this a broadcast scenario?")
    window_start = started + measured[0]["second"] - 1
    window_end = started + measured[-1]["second"]
    delivered = sum(p["deliveredPerSec"] for p in measured)

    printed = subprocess.run(["jfr", "print", "--json", "--events",
                              "jdk.ThreadAllocationStatistics,jdk.ObjectAllocationSample",
                              str(directory / "server.jfr")], check=True, capture_output=True, text=True)
    events = json.loads(printed.stdout)["recording"]["events"]

    by_thread = collections.defaultdict(list)
    samples = collections.Counter()
    for event in events:
        values = event["values"]
        at = instant(values["startTime"])
        if event["type"] == "jdk.ThreadAllocationStatistics":
            thread = (values.get("thread") or {}).get("javaName") or "?"
            by_thread[thread].append((at, values["allocated"]))
        elif window_start <= at <= window_end:
            frames = ((values.get("stackTrace") or {}).get("frames")) or []
            types = [(f["method"]["type"]["name"].replace("/", "."), f["method"]["name"]) for f in frames]
            site = next((t + "." + m for t, m in types if t.startswith(("dev.parley", "io.netty"))), "?")
            samples[(values["objectClass"]["name"].replace("/", "."), site)] += values["weight"]

    def allocated(points):
        before = [v for t, v in points if t <= window_start]
        after = [v for t, v in points if t <= window_end]
        return (after[-1] - before[-1]) if before and after else 0

    total = sum(allocated(p) for p in by_thread.values())
    loops = sum(allocated(p) for name, p in by_thread.items() if "EventLoop" in name)
    seconds = window_end - window_start
    print(f"window {seconds:.0f} s, {delivered:,} deliveries ({delivered / seconds:,.0f}/s)")
    print(f"allocated: {total / delivered:,.1f} B per delivery (all threads, {total / seconds / 2**20:,.1f} MiB/s), "
          f"{loops / delivered:,.1f} B per delivery on the event loops")
    weight = sum(samples.values()) or 1
    print("allocation samples in the window, by class and first Parley or Netty frame:")
    for (cls, site), w in samples.most_common(15):
        print(f"  {100 * w / weight:5.1f} %  {cls:45} {site}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
