#!/usr/bin/env python3
"""The report of a `bench/run.sh scale` run, in markdown, from what the run left in its directory.

    bench/scale-report.py RUN_DIR > RUN_DIR/scale-report.md

s1-scale: the fill (failed connects and joins by cause, the connect rate, the time to fill), each
node's heap and RSS per idle session, each Redis process's memory, the delivery latency at the
room rate, lost / doubled / reordered deliveries, costs.txt and model.txt (bench/cluster-costs.py).
s2-failover: kill -9 of one master under load: acked messages lost or doubled, errors by cause, the
time until the cluster had its masters again and until the nodes served without errors again.
"""
import datetime
import json
import statistics
import sys
from pathlib import Path


def env(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line) if path.exists() else {}


def tsv(path):
    lines = [line.split("\t") for line in path.read_text().splitlines() if line]
    return [dict(zip(lines[0], row)) for row in lines[1:]]


def reports(directory):
    return [json.loads(p.read_text()) for p in sorted(directory.glob("h*/report.json"))]


def kib(n):
    return f"{n / 1024:,.1f} KiB"


def errors_by_cause(runs):
    total = {}
    for run in runs:
        for cause, count in run.get("errorsByKind", {}).items():
            total[cause] = total.get(cause, 0) + count
    return total


def fill(directory, runs, out):
    e = env(directory / "scale.env")
    opened = sum(r["connections"]["opened"] for r in runs)
    requested = sum(r["connections"]["requested"] for r in runs)
    members = sum(r["parameters"].get("members", 0) for r in runs)
    connect_seconds = max(r["connections"]["opened"] / r["connections"]["openedPerSec"]
                          for r in runs if r["connections"]["openedPerSec"] > 0)
    errors = errors_by_cause(runs)
    failed_joins = sum(v for k, v in errors.items() if k.startswith("join"))
    failed_connects = sum(v for k, v in errors.items() if k.startswith("connect"))
    out.append(f"- **Sessions:** {opened:,} of {requested:,} opened, {members:,} joined their room "
               f"({e['processes']} harness processes of {e.get('concurrency')} openings and joins in flight, {e['nodes']} nodes, "
               f"Redis {e['redis']}, {e['rooms']} rooms)")
    out.append(f"- **Failed in the storm:** {failed_connects:,} connects, **{failed_joins:,} joins**")
    out.append(f"- **Connect rate:** {opened / connect_seconds:,.0f} sessions/s ({connect_seconds:,.1f} s to open all)")
    out.append(f"- **Time to fill** (first connect to every process's last `joined`, and the rooms settled): "
               f"{float(e['all_ready']) - float(e['fill_start']):,.1f} s; per process "
               + ", ".join(f"{r['parameters'].get('fillSeconds', 0):,.1f}" for r in runs) + " s")
    if errors:
        out.append("- Errors by cause: " + ", ".join(f"`{k}` {v:,}" for k, v in sorted(errors.items())))


def memory(directory, out):
    before = {n["node"]: n for n in tsv(directory / "memory-before.tsv")}
    out.append("")
    out.append("| node | sessions | heap per session (after full GC) | RSS per session |")
    out.append("|---|---|---|---|")
    for node in tsv(directory / "memory-idle.tsv"):
        sessions = int(node["sessions"]) or 1
        b = before[node["node"]]
        out.append(f"| {node['node']} | {int(node['sessions']):,} | "
                   f"{(int(node['heap_bytes']) - int(b['heap_bytes'])) / sessions:,.0f} B | "
                   f"{kib((int(node['rss_bytes']) - int(b['rss_bytes'])) / sessions)} |")
    redis_before = {r["port"]: r for r in tsv(directory / "redis-before.tsv")}
    out.append("")
    out.append("| Redis | role | used_memory idle (before) | RSS | keys |")
    out.append("|---|---|---|---|---|")
    for r in tsv(directory / "redis-idle.tsv"):
        b = redis_before[r["port"]]
        out.append(f"| {r['port']} | {r['role']} | {int(r['used_memory']) / 2**20:,.1f} MiB "
                   f"({int(b['used_memory']) / 2**20:,.1f}) | {int(r['used_memory_rss']) / 2**20:,.1f} MiB | "
                   f"{int(r['keys']):,} |")


def latency(runs, out):
    out.append("")
    out.append("| harness | sent | delivered | deliveries/s | p50 | p99 | p99.9 | ack p99 | lost / doubled / reordered |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(runs, 1):
        out.append(f"| h{i} | {r['sent']:,} | {r['delivered']:,} | {r['deliveriesPerSec']:,.0f} | {r['p50Ms']:.1f} ms | "
                   f"{r['p99Ms']:.1f} ms | {r['p999Ms']:.1f} ms | {r['ackLatency']['p99Ms']:.1f} ms | "
                   f"{r['lost']} / {r['duplicated']} / {r['reordered']} |")
    if runs:
        out.append(f"\nAcross the processes: p50 median {statistics.median(r['p50Ms'] for r in runs):.1f} ms, "
                   f"p99 worst {max(r['p99Ms'] for r in runs):.1f} ms; "
                   f"{sum(r['deliveriesPerSec'] for r in runs):,.0f} deliveries/s in all.")


def serving_again(runs, killed):
    """Seconds from the kill to the end of the last second with new errors or under half the usual
    delivery rate (every harness process's timeline, by the wall clock)."""
    last_bad = killed
    for r in runs:
        started = datetime.datetime.fromisoformat(r["startedAt"].replace("Z", "+00:00")).timestamp()
        timeline = [p for p in r["timeline"] if p["phase"] in ("warmup", "measure")]
        before = [p["deliveredPerSec"] for p in timeline if started + p["second"] < killed]
        usual = statistics.median(before) if before else 0
        errors = 0
        for p in timeline:
            when = started + p["second"]
            if when >= killed and (p["errors"] > errors or p["deliveredPerSec"] < usual / 2):
                last_bad = max(last_bad, when)
            errors = p["errors"]
    return last_bad - killed


def failover(directory, out):
    e = env(directory / "failover.env")
    runs = reports(directory)
    if not e or not runs:
        out.append("(no failover run)")
        return
    killed = float(e["killed"])
    r = runs[0]
    errors = errors_by_cause(runs)
    load = env(directory / "scale.env")
    out.append(f"- kill -9 of the master on port {e['victim']} 15 s into the measurement: "
               f"{sum(x['connections']['opened'] for x in runs):,} sessions in {load.get('rooms')} rooms at "
               f"{load.get('room_rate')} messages/s a room")
    out.append(f"- **acked messages lost: {sum(x['lost'] for x in runs):,}, doubled: {sum(x['duplicated'] for x in runs):,}**,"
               f" reordered: {sum(x['reordered'] for x in runs):,}; sends without an answer when it happened: "
               f"{sum(x.get('unconfirmedSends', 0) for x in runs):,}")
    if "redis_back" in e:
        out.append(f"- the cluster had a master for every slot again (the replica promoted) after "
                   f"{float(e['redis_back']) - killed:.1f} s")
    else:
        out.append("- the cluster did not have three masters again within 120 s")
    out.append(f"- the nodes served without errors again after {serving_again(runs, killed):.0f} s "
               f"(end of the last second with new errors or under half the usual deliveries)")
    not_ready = {}
    readyz = directory / "readyz.log"
    if readyz.exists():
        for line in readyz.read_text().splitlines():
            when, node, code = line.split()
            if code != "200":
                not_ready.setdefault(node, []).append(float(when) - killed)
    out.append("- `/readyz` not 200 meanwhile: " + (", ".join(
        f"{node} from {min(t):.1f} to {max(t):.1f} s" for node, t in sorted(not_ready.items())) or "never"))
    out.append("- errors by cause: " + (", ".join(f"`{k}` {v:,}" for k, v in sorted(errors.items())) or "none"))
    out.append(f"- latency over the whole run: p50 {r['p50Ms']:.1f} ms, p99 {r['p99Ms']:.1f} ms, max {r['maxMs']:.0f} ms")


def main(run_dir):
    out = [f"# bench/run.sh scale: {run_dir.name}", "", "```", (run_dir / "environment.txt").read_text().strip(), "```"]
    scale = run_dir / "s1-scale"
    e = env(scale / "scale.env")
    runs = reports(scale)
    out += ["", f"Nodes: `java {e.get('node_jvm')} -jar parley-server.jar {e.get('node_options')}`; harness processes: "
            f"`java {e.get('harness_jvm')}`."]
    out += ["", f"## The fill, {e.get('sessions', '?')} sessions", ""]
    fill(scale, runs, out)
    out += ["", "## Memory per idle session (after the fill, before the messages)"]
    memory(scale, out)
    out += ["", f"## Delivery at {e.get('room_rate')} messages/s a room ({e.get('duration')} s measured)"]
    latency(runs, out)
    for name, title in (("costs.txt", "What a room message costs Redis and the nodes, per shard"),
                        ("model.txt", "The cost model for 1 and 10 million sessions (docs/scale.md)")):
        if (scale / name).exists():
            out += ["", f"## {title}", "", "```", (scale / name).read_text().strip(), "```"]
    out += ["", "## Failover: kill -9 of a Redis master under load", ""]
    failover(run_dir / "s2-failover", out)
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
