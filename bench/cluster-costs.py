#!/usr/bin/env python3
"""What a room message costs Redis and the server processes, in a broadcast scenario on Redis; and
from that, what 1 and 10 million sessions need.

    bench/cluster-costs.py sample FILE PORT[,PORT...] NAME=PID ...   (bench/run.sh starts it; runs until killed)
    bench/cluster-costs.py report DIR ...                             (scenario directories of bench/run.sh)
    bench/cluster-costs.py model DIR [SESSIONS ...]                   (bench/run.sh scale's s1-scale directory)

`sample` writes one JSON line a second: Redis's INFO counters (commands by name, network bytes in
and out, memory), summed over the given Redis processes that are masters (the shards of a Redis
Cluster) and, with several, each one's (replicas too) under "shards"; and the CPU time (user +
system, from /proc) of each named process (replicas' too).
`report` takes the scenario's measured window from its report.json, or from the report.json of
each harness process in its subdirectories (one second off each end), and prints per room message
published and per delivery: Redis commands by name, Redis bytes in and out, the CPU of Redis and
of the server processes together, and each shard's commands a second.
`model` reads the figures `report` measures, each node's heap and RSS per idle session and Redis's
memory per session, puts them into a cost model of a deployment of SESSIONS sessions (default 1
and 10 million) and checks the model's averages with a simulation of where sessions, rooms and
slots land; see docs/scale.md.
"""
import datetime
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


COUNTERS = ("total_commands_processed", "total_net_input_bytes", "total_net_output_bytes", "used_memory")


def redis_info(port):
    text = subprocess.run(["redis-cli", "-p", str(port), "INFO", "all"], capture_output=True, text=True,
                          timeout=5).stdout
    info = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.startswith("cmdstat_"):
            info[key] = int(value.split(",")[0].removeprefix("calls="))
        elif key in COUNTERS:
            info[key] = int(value)
        elif key == "role":
            info[key] = value.strip()
    return info


def redis_infos(ports):
    """Each reachable port's INFO (a killed shard is left out) and the masters' counters summed: a
    replica runs its master's writes again (PEXPIRE as PEXPIREAT, a script's as MULTI/EXEC), which
    are no further commands of the clients'."""
    shards = {}
    for port in ports:
        try:
            shards[port] = redis_info(port)
        except subprocess.SubprocessError:
            pass
    total = {}
    for info in shards.values():
        if info.get("role", "master") != "master":
            continue
        for key, value in info.items():
            if isinstance(value, int):
                total[key] = total.get(key, 0) + value
    return total, shards


def cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def sample(out, ports, processes):
    pids = dict(p.split("=", 1) for p in processes)
    ports = ports.split(",")
    with open(out, "a") as file:
        while True:
            try:
                total, shards = redis_infos(ports)
                line = {"t": time.time(), "redis": total,
                        "cpu": {name: cpu_seconds(pid) for name, pid in pids.items()}}
                if len(ports) > 1:
                    line["shards"] = shards
                file.write(json.dumps(line) + "\n")
                file.flush()
            except (subprocess.SubprocessError, OSError):
                pass  # Redis not up yet or already gone: the next second may do
            time.sleep(1)


def at(samples, when):
    """The last sample taken at or before `when`."""
    before = [s for s in samples if s["t"] <= when]
    return before[-1] if before else None


def harness_reports(directory):
    """The scenario's report.json, or each harness process's (bench/run.sh scale: h1/, h2/, ...)."""
    files = [directory / "report.json"] if (directory / "report.json").exists() else sorted(
        directory.glob("*/report.json"))
    return [json.loads(f.read_text()) for f in files]


def measured_points(run):
    """Epoch second to timeline point, for the measured seconds but the first and the last."""
    started = datetime.datetime.fromisoformat(run["startedAt"].replace("Z", "+00:00")).timestamp()
    measured = [p for p in run["timeline"] if p["phase"] == "measure"][1:-1]
    return {started + p["second"]: p for p in measured}


def scale_env(directory):
    path = directory / "scale.env"
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def growth(first, last):
    """What each counter, each process's CPU and each shard's counters grew by between two samples."""
    redis = {k: last["redis"].get(k, 0) - first["redis"].get(k, 0) for k in last["redis"] if k != "used_memory"}
    cpu = {name: last["cpu"][name] - first["cpu"][name] for name in last["cpu"]
           if last["cpu"].get(name) is not None and first["cpu"].get(name) is not None}
    shards = {port: {k: info.get(k, 0) - first.get("shards", {}).get(port, {}).get(k, 0)
                     for k in info if isinstance(info[k], int) and k != "used_memory"} | {"role": info.get("role")}
              for port, info in last.get("shards", {}).items()}
    return {"seconds": last["t"] - first["t"], "redis": redis, "cpu": cpu, "shards": shards}


def measure(directory):
    """The measured window's counts and growths, and (scale runs) the idle sessions' hold's and the
    baseline's without sessions; None without data."""
    runs = harness_reports(directory)
    samples = [json.loads(line) for line in (directory / "costs.jsonl").read_text().splitlines() if line]
    points = [measured_points(run) for run in runs]
    if not samples or not points or not all(points):
        return None
    start = max(min(p) for p in points)
    end = min(max(p) for p in points)
    first, last = at(samples, start - 1), at(samples, end)
    if first is None or last is None or last["t"] <= first["t"]:
        return None
    window = [point for run in points for when, point in run.items() if first["t"] <= when <= last["t"]]
    figures = growth(first, last)
    figures["messages"] = sum(p["sentPerSec"] for p in window)
    figures["deliveries"] = sum(p["deliveredPerSec"] for p in window)
    env = scale_env(directory)
    for hold in ("idle", "baseline"):
        if f"{hold}_start" in env:
            hold_first = next((s for s in samples if s["t"] >= float(env[f"{hold}_start"])), None)
            hold_last = at(samples, float(env[f"{hold}_end"]))
            if hold_first and hold_last and hold_last["t"] > hold_first["t"]:
                figures[hold] = growth(hold_first, hold_last)
    return figures


def net(figures, kind, prefix):
    """A window's growth of the counters (or CPU) of `kind` whose names start with `prefix`, less what the
    idle hold's rate of them would have done meanwhile."""
    grown = sum(v for k, v in figures[kind].items() if k.startswith(prefix))
    idle = figures.get("idle")
    if idle is None:
        return grown
    return grown - rate(idle, kind, prefix) * figures["seconds"]


def rate(hold, kind, prefix):
    """Per second of a hold: the growth of the counters or CPU of `kind` whose names start with `prefix`."""
    return sum(v for k, v in hold[kind].items() if k.startswith(prefix)) / hold["seconds"]


def report(directory):
    figures = measure(directory)
    if figures is None or figures["messages"] == 0:
        print(f"{directory.name}: no measured window, no samples or nothing sent")
        return
    seconds, messages, deliveries = figures["seconds"], figures["messages"], figures["deliveries"]
    redis, cpu = figures["redis"], figures["cpu"]
    idle = "idle" in figures
    print(f"{directory.name}: {seconds:.0f} s measured, {messages / seconds:,.0f} room messages/s, "
          f"{deliveries / seconds:,.0f} deliveries/s")
    print(f"  Redis commands per room message: {redis.get('total_commands_processed', 0) / messages:.2f}"
          + (f" (less the idle sessions' background: "
             f"{net(figures, 'redis', 'total_commands_processed') / messages:.2f})" if idle else ""))
    commands = sorted(((calls, k.removeprefix("cmdstat_")) for k, calls in redis.items() if k.startswith("cmdstat_")),
                      reverse=True)
    for calls, name in commands:
        if calls:
            print(f"    {name:<12} {calls / messages:.3f}")
    print(f"  Redis bytes per room message: in {redis.get('total_net_input_bytes', 0) / messages:,.0f}, "
          f"out {redis.get('total_net_output_bytes', 0) / messages:,.0f}")
    for name, used in sorted(cpu.items()):
        print(f"  CPU {name:<10} {used / seconds:6.1%} of a core, {used / deliveries * 1e6:6.2f} µs per delivery, "
              f"{used / messages * 1e6:8.1f} µs per room message")
    total = sum(cpu.values())
    print(f"  CPU total      {total / seconds:6.1%} of a core, {total / deliveries * 1e6:6.2f} µs per delivery")
    for port, shard in sorted(figures["shards"].items()):
        print(f"  shard {port} ({shard['role']}): {shard.get('total_commands_processed', 0) / seconds:,.0f} commands/s, "
              f"{shard.get('total_commands_processed', 0) / messages:.2f} a room message, "
              f"out {shard.get('total_net_output_bytes', 0) / messages:,.0f} B a room message")
    if idle:
        background = figures["idle"]
        print(f"  idle hold ({background['seconds']:.0f} s, no messages): "
              f"{background['redis'].get('total_commands_processed', 0) / background['seconds']:,.0f} Redis commands/s")


# The deployment the model sizes (not measured here: what a user would rent; docs/scale.md).
NODE_CORES = 8
NODE_RAM = 16 * 2**30
NODE_NIC_BYTES = 10e9 / 8      # 10 Gbit/s
BUSY = 0.6                     # the share of any resource planned to be used, leaving room for peaks and failover
SHARD_RAM = 12 * 2**30         # a Redis shard's memory for data
FRAME_BYTES = 250              # a delivered message on the wire: ~200 B of JSON, frame and TCP/IP headers
PUBSUB_DELIVERY_CPU = 2e-6     # Redis CPU per pub/sub message written to one subscribed node (assumed)
SLOTS = 16384
ROOM_RATE = 1.0                # the shape sized: every room of the measured size gets 1 message a second


def table(path):
    """A TSV written by bench/scale.sh as a list of dicts, numbers as numbers."""
    lines = [line.split("\t") for line in path.read_text().splitlines() if line]
    return [{k: (float(v) if v.replace(".", "", 1).isdigit() else v) for k, v in zip(lines[0], row)} for row in lines[1:]]


def nodes_per_room(nodes, members):
    """The nodes a room of `members` sessions reaches when each session lands on a node at random."""
    return nodes * (1 - (1 - 1 / nodes) ** members)


def inputs(directory):
    """The model's per-message and per-session figures, measured in a bench/run.sh scale run."""
    figures = measure(directory)
    env = scale_env(directory)
    before, after = table(directory / "memory-before.tsv"), table(directory / "memory-idle.tsv")
    redis_before, redis_after = table(directory / "redis-before.tsv"), table(directory / "redis-idle.tsv")
    sessions = sum(n["sessions"] for n in after)
    nodes, rooms = int(env["nodes"]), int(env["rooms"])
    messages, deliveries = figures["messages"], figures["deliveries"]
    idle, baseline = figures["idle"], figures["baseline"]
    masters = [r["port"] for r in redis_after if r["role"] == "master"]
    here = nodes_per_room(nodes, sessions / rooms)

    def per_message(kind, prefix):
        return net(figures, kind, prefix) / messages

    def per_session_second(kind, prefix):
        return (rate(idle, kind, prefix) - rate(baseline, kind, prefix)) / sessions

    return {
        "sessions": sessions, "nodes": nodes, "room size": sessions / rooms,
        "room rate": float(env["room_rate"]), "nodes per room here": here,
        "heap per session": sum(a["heap_bytes"] - b["heap_bytes"] for a, b in zip(after, before)) / sessions,
        "rss per session": sum(a["rss_bytes"] - b["rss_bytes"] for a, b in zip(after, before)) / sessions,
        "redis bytes per session": sum(a["used_memory"] - b["used_memory"] for a, b in zip(redis_after, redis_before)
                                       if a["port"] in masters) / sessions,
        "redis commands per message": per_message("redis", "total_commands_processed"),
        "redis bytes in per message": per_message("redis", "total_net_input_bytes"),
        "redis bytes out per message and node": per_message("redis", "total_net_output_bytes") / here,
        "redis cpu per message": per_message("cpu", "redis"),
        "redis commands per session-second": per_session_second("redis", "total_commands_processed"),
        "redis cpu per session-second": per_session_second("cpu", "redis"),
        "node cpu per delivery": per_message("cpu", "node") * messages / deliveries,
        "node cpu per session-second": per_session_second("cpu", "node"),
    }


def size(m, sessions):
    """What `sessions` sessions in rooms and at the rate measured need: nodes, shards and what bounds each."""
    rooms = sessions / m["room size"]
    messages = rooms * ROOM_RATE
    deliveries = messages * m["room size"]
    by = {
        "node memory (RSS)": sessions * m["rss per session"] / (BUSY * NODE_RAM),
        "node CPU": (deliveries * m["node cpu per delivery"] + sessions * m["node cpu per session-second"])
                    / (BUSY * NODE_CORES),
        "node network": deliveries * FRAME_BYTES / (BUSY * NODE_NIC_BYTES),
    }
    nodes = max(2, math.ceil(max(by.values())))
    fanout = nodes_per_room(nodes, m["room size"])
    publish_cpu = max(0.0, m["redis cpu per message"] - PUBSUB_DELIVERY_CPU * m["nodes per room here"])
    redis_cpu = messages * (publish_cpu + PUBSUB_DELIVERY_CPU * fanout) + sessions * m["redis cpu per session-second"]
    redis_out = messages * fanout * m["redis bytes out per message and node"]
    shard_by = {
        "Redis CPU": redis_cpu / BUSY,
        "Redis memory": sessions * m["redis bytes per session"] / (BUSY * SHARD_RAM),
        "Redis network": redis_out / (BUSY * NODE_NIC_BYTES),
    }
    shards = max(3, math.ceil(max(shard_by.values())))
    return {"sessions": sessions, "rooms": rooms, "messages": messages, "deliveries": deliveries,
            "nodes": nodes, "node bound": max(by, key=by.get), "node needs": by, "nodes per room": fanout,
            "shards": shards, "shard bound": max(shard_by, key=shard_by.get), "shard needs": shard_by,
            "redis commands": messages * m["redis commands per message"]
                              + sessions * m["redis commands per session-second"],
            "redis cpu": redis_cpu, "redis out": redis_out,
            "client bytes": deliveries * FRAME_BYTES, "node memory": sessions * m["rss per session"],
            "redis memory": sessions * m["redis bytes per session"]}


def crc16(data):
    """CRC16-CCITT (XMODEM), Redis Cluster's key hash."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def simulate(m, plan, seed=19):
    """Places every session of every room on a random node and every room on its slot's shard, as a load
    balancer and Redis Cluster do; returns the mean and the busiest node's deliveries/s, the mean nodes a
    room reaches, and the busiest shard's room messages/s against the mean."""
    rng = random.Random(seed)
    nodes, shards, members = plan["nodes"], plan["shards"], round(m["room size"])
    rate = ROOM_RATE
    deliveries = [0.0] * nodes
    shard_messages = [0.0] * shards
    reached = 0
    for room in range(int(plan["rooms"])):
        placed = rng.choices(range(nodes), k=members)
        for node in placed:
            deliveries[node] += rate
        reached += len(set(placed))
        shard_messages[crc16(f"room-{room}".encode()) % SLOTS * shards // SLOTS] += rate
    return {"deliveries mean": sum(deliveries) / nodes, "deliveries max": max(deliveries),
            "nodes per room": reached / plan["rooms"],
            "shard messages mean": sum(shard_messages) / shards, "shard messages max": max(shard_messages)}


def model(directory, targets):
    m = inputs(directory)
    print(f"Inputs measured in {directory} ({m['sessions']:,.0f} sessions on {m['nodes']} nodes, rooms of "
          f"{m['room size']:.0f} at {m['room rate']:g} messages/s):")
    for key, value in m.items():
        print(f"  {key:<40} {value:,.6g}")
    print(f"Assumed: nodes of {NODE_CORES} cores, {NODE_RAM / 2**30:.0f} GiB and {NODE_NIC_BYTES * 8 / 1e9:.0f} Gbit/s; "
          f"Redis shards of one core and {SHARD_RAM / 2**30:.0f} GiB; {BUSY:.0%} of each planned; "
          f"{FRAME_BYTES} B a delivery on the wire; {PUBSUB_DELIVERY_CPU * 1e6:g} µs of Redis CPU a pub/sub "
          f"message to one node. Every room of the size measured, at {ROOM_RATE:g} message a second.")
    for sessions in targets:
        plan = size(m, sessions)
        sim = simulate(m, plan)
        print(f"\n{sessions:,} sessions: {plan['rooms']:,.0f} rooms, {plan['messages']:,.0f} room messages/s, "
              f"{plan['deliveries']:,.0f} deliveries/s")
        print(f"  nodes: {plan['nodes']} (bound by {plan['node bound']}: "
              + ", ".join(f"{k} {v:.1f}" for k, v in plan['node needs'].items()) + ")")
        print(f"  Redis: {plan['shards']} shards (+ as many replicas; bound by {plan['shard bound']}: "
              + ", ".join(f"{k} {v:.1f}" for k, v in plan['shard needs'].items()) + ")")
        print(f"  Redis commands/s {plan['redis commands']:,.0f} ({plan['redis commands'] / plan['shards']:,.0f} a shard); "
              f"Redis CPU {plan['redis cpu']:.1f} cores; Redis out {plan['redis out'] * 8 / 1e9:.2f} Gbit/s")
        print(f"  memory: nodes {plan['node memory'] / 2**30:,.1f} GiB RSS, Redis {plan['redis memory'] / 2**30:,.2f} GiB "
              f"(one copy); network to clients {plan['client bytes'] * 8 / 1e9:,.1f} Gbit/s")
        print(f"  simulation: a room reaches {sim['nodes per room']:.1f} nodes (model {plan['nodes per room']:.1f}); "
              f"deliveries/s a node mean {sim['deliveries mean']:,.0f} (model {plan['deliveries'] / plan['nodes']:,.0f}), "
              f"busiest {sim['deliveries max'] / sim['deliveries mean']:.3f}x; room messages/s a shard mean "
              f"{sim['shard messages mean']:,.0f}, busiest {sim['shard messages max'] / sim['shard messages mean']:.3f}x")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "report":
        for d in sys.argv[2:]:
            report(Path(d))
    elif len(sys.argv) >= 3 and sys.argv[1] == "model":
        model(Path(sys.argv[2]), [int(n) for n in sys.argv[3:]] or [1_000_000, 10_000_000])
    else:
        sys.exit(__doc__)
