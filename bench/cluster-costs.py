#!/usr/bin/env python3
"""What a room message costs Redis and the server processes, in a broadcast scenario on Redis.

    bench/cluster-costs.py sample FILE REDIS_PORT NAME=PID ...   (bench/run.sh starts it; runs until killed)
    bench/cluster-costs.py report DIR ...                         (scenario directories of bench/run.sh)

`sample` writes one JSON line a second: Redis's INFO counters (commands by name, network bytes in
and out, pub/sub channels) and the CPU time (user + system, from /proc) of each named process.
`report` takes the scenario's measured window from its report.json (one second off each end),
and prints per room message published and per delivery: Redis commands by name, Redis bytes in
and out, and the CPU of Redis and of the server processes together.
"""
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def redis_info(port):
    text = subprocess.run(["redis-cli", "-p", str(port), "INFO", "all"], capture_output=True, text=True,
                          timeout=5).stdout
    info = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.startswith("cmdstat_"):
            info[key] = int(value.split(",")[0].removeprefix("calls="))
        elif key in ("total_commands_processed", "total_net_input_bytes", "total_net_output_bytes"):
            info[key] = int(value)
    return info


def cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def sample(out, port, processes):
    pids = dict(p.split("=", 1) for p in processes)
    with open(out, "a") as file:
        while True:
            try:
                line = {"t": time.time(), "redis": redis_info(port),
                        "cpu": {name: cpu_seconds(pid) for name, pid in pids.items()}}
                file.write(json.dumps(line) + "\n")
                file.flush()
            except (subprocess.SubprocessError, OSError):
                pass  # Redis not up yet or already gone: the next second may do
            time.sleep(1)


def at(samples, when):
    """The last sample taken at or before `when`."""
    before = [s for s in samples if s["t"] <= when]
    return before[-1] if before else None


def report(directory):
    run = json.loads((directory / "report.json").read_text())
    started = datetime.datetime.fromisoformat(run["startedAt"].replace("Z", "+00:00")).timestamp()
    measured = [p for p in run["timeline"] if p["phase"] == "measure"][1:-1]
    samples = [json.loads(line) for line in (directory / "costs.jsonl").read_text().splitlines() if line]
    if not measured or not samples:
        print(f"{directory.name}: no measured window or no samples")
        return
    first, last = at(samples, started + measured[0]["second"] - 1), at(samples, started + measured[-1]["second"])
    if first is None or last is None:
        print(f"{directory.name}: no samples before the measured window")
        return
    seconds = last["t"] - first["t"]
    window = [p for p in measured if first["t"] <= started + p["second"] <= last["t"]]
    messages = sum(p["sentPerSec"] for p in window)
    deliveries = sum(p["deliveredPerSec"] for p in window)
    if messages == 0 or seconds <= 0:
        print(f"{directory.name}: nothing sent in the window")
        return

    def grew(key):
        return last["redis"].get(key, 0) - first["redis"].get(key, 0)

    cpu = {name: last["cpu"][name] - first["cpu"][name] for name in last["cpu"]
           if last["cpu"].get(name) is not None and first["cpu"].get(name) is not None}
    print(f"{directory.name}: {seconds:.0f} s measured, {messages / seconds:,.0f} room messages/s, "
          f"{deliveries / seconds:,.0f} deliveries/s")
    print(f"  Redis commands per room message: {grew('total_commands_processed') / messages:.2f}")
    commands = sorted(((grew(k), k.removeprefix("cmdstat_")) for k in last["redis"] if k.startswith("cmdstat_")),
                      reverse=True)
    for calls, name in commands:
        if calls:
            print(f"    {name:<12} {calls / messages:.3f}")
    print(f"  Redis bytes per room message: in {grew('total_net_input_bytes') / messages:,.0f}, "
          f"out {grew('total_net_output_bytes') / messages:,.0f}")
    for name, used in sorted(cpu.items()):
        print(f"  CPU {name:<8} {used / seconds:6.1%} of a core, {used / deliveries * 1e6:6.2f} µs per delivery, "
              f"{used / messages * 1e6:8.1f} µs per room message")
    total = sum(cpu.values())
    print(f"  CPU total    {total / seconds:6.1%} of a core, {total / deliveries * 1e6:6.2f} µs per delivery")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "report":
        for d in sys.argv[2:]:
            report(Path(d))
    else:
        sys.exit(__doc__)
