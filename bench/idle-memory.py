#!/usr/bin/env python3
"""Per idle session, from the looks bench/idle-memory.sh took at 0 sessions (idle.*) and at all of
them (full.*) in each run directory: heap used and VmRSS, the JVM's committed native memory by NMT
category, and the classes whose instances grew the most.

    bench/idle-memory.py target/idle-memory/NAME/run*   [--classes N]
"""
import re
import sys
from pathlib import Path

NMT_CATEGORY = re.compile(r"^-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB\)")
HISTOGRAM_ROW = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)")


def figures(prefix):
    return {k: int(v) for k, v in (line.split() for line in Path(f"{prefix}.txt").read_text().splitlines())}


def nmt_committed(prefix):
    """Committed KiB by category, and the total."""
    categories = {}
    for line in Path(f"{prefix}.nmt.txt").read_text().splitlines():
        match = NMT_CATEGORY.match(line.strip())
        if match:
            categories[match.group(1)] = int(match.group(3))
        elif line.startswith("Total:"):
            categories["Total"] = int(re.search(r"committed=(\d+)KB", line).group(1))
    return categories


def histogram(prefix):
    rows = {}
    for line in Path(f"{prefix}.histogram.txt").read_text().splitlines():
        match = HISTOGRAM_ROW.match(line)
        if match:
            rows[match.group(3)] = (int(match.group(1)), int(match.group(2)))
    return rows


def per_session(before, after, sessions):
    return (after - before) / sessions


def report(run, classes):
    idle, full = figures(run / "idle"), figures(run / "full")
    sessions = full["sessions"] - idle["sessions"]
    print(f"== {run}: {(run / 'jvm.txt').read_text().strip()}")
    print(f"sessions {sessions:,}; heap {idle['heap_used'] / 2**20:.1f} → {full['heap_used'] / 2**20:.1f} MiB, "
          f"RSS {idle['rss'] / 2**20:.1f} → {full['rss'] / 2**20:.1f} MiB")
    heap = per_session(idle["heap_used"], full["heap_used"], sessions)
    rss = per_session(idle["rss"], full["rss"], sessions)
    print(f"per session: heap {heap:,.0f} B, RSS {rss:,.0f} B ({rss / 1024:.1f} KiB)")
    nmt_idle, nmt_full = nmt_committed(run / "idle"), nmt_committed(run / "full")
    grown = sorted(((per_session(nmt_idle.get(c, 0), kib, sessions) * 1024, c) for c, kib in nmt_full.items()),
                   reverse=True)
    print("NMT committed per session: " + ", ".join(f"{c} {b:,.0f} B" for b, c in grown if abs(b) >= 20))
    hist_idle, hist_full = histogram(run / "idle"), histogram(run / "full")
    growth = []
    for name, (count, size) in hist_full.items():
        count0, size0 = hist_idle.get(name, (0, 0))
        growth.append(((size - size0) / sessions, (count - count0) / sessions, name))
    growth.sort(reverse=True)
    objects = sum(g[0] for g in growth)
    print(f"histogram per session: {objects:,.0f} B; the largest:")
    for size, count, name in growth[:classes]:
        print(f"  {size:8,.1f} B {count:6.2f}×  {name}")
    return objects, rss, nmt_full.get("Java Heap", 0) - nmt_idle.get("Java Heap", 0)


def main(args):
    classes = 20
    if "--classes" in args:
        i = args.index("--classes")
        classes = int(args[i + 1])
        del args[i:i + 2]
    results = [report(Path(run), classes) for run in args]
    print()
    # ZGC reports its heap in whole pages: the histogram's bytes are the figure to compare.
    print("runs: objects per session (class histogram) " + " / ".join(f"{h:,.0f} B" for h, _, _ in results)
          + "; RSS per session " + " / ".join(f"{r / 1024:.1f} KiB" for _, r, _ in results)
          + "; heap committed growth " + " / ".join(f"{c / 1024:.0f} MiB" for _, _, c in results))


if __name__ == "__main__":
    main(sys.argv[1:])
