#!/usr/bin/env python3
"""Counts per delivery of a broadcast scenario, which the machine's load changes less than times:
CPU (user and system), context switches and system calls by name, per process.

    bench/delivery-costs.py sample DIR NAME=PID ...   (bench/run.sh moderate starts it; runs until killed)
    bench/delivery-costs.py report DIR ...            (scenario directories of bench/run.sh moderate)
    bench/delivery-costs.py table RUN_DIR             (the scenarios' counts.json side by side, Markdown)

`sample` writes DIR/counts.jsonl, one line a second: each named process's user and system CPU
(from /proc), its CPU by thread name (JIT compiler threads, the collector's, event loops) and its
context switches, voluntary and not, summed over its threads; and runs one
`perf stat` a process (where the syscall tracepoints are readable; SYSCALLS=0 does not, as each
counted call costs the kernel a little) that writes DIR/perf-NAME.csv, the system calls by name and
the context switches of each second.
`report` takes the measured window from the scenario's report.json (one second off each end, as
bench/cluster-costs.py does), prints the delivery latency and the counts per delivery, and writes
them to DIR/counts.json.
"""
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

_spec = importlib.util.spec_from_file_location("cluster_costs", Path(__file__).with_name("cluster-costs.py"))
cluster_costs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cluster_costs)

TICKS = os.sysconf("SC_CLK_TCK")
SYSCALLS = ("write", "writev", "sendto", "sendmsg", "read", "readv", "recvfrom", "recvmsg", "epoll_wait",
            "epoll_pwait", "epoll_pwait2", "io_uring_enter", "futex")
TRACING = Path("/sys/kernel/tracing/events")


def perf_events():
    """All system calls, context switches, the calls of SYSCALLS and io_uring's submitted requests (its
    sends and receives make no system call each), those of them this kernel has."""
    wanted = [f"syscalls:sys_enter_{name}" for name in SYSCALLS] + ["io_uring:io_uring_submit_req"]
    return ["raw_syscalls:sys_enter", "context-switches"] + [
        e for e in wanted if not TRACING.exists() or (TRACING / e.replace(":", "/")).exists()]


def process_counts(pid):
    """User and system CPU seconds and context switches of all the process's threads; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    switches, threads = 0, {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if "ctxt_switches:" in line:
                    switches += int(line.split()[1])
            name, rest = (task / "stat").read_text().split(" (", 1)[1].rsplit(") ", 1)
            times = rest.split()
            threads[name] = threads.get(name, 0) + (int(times[11]) + int(times[12])) / TICKS
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    return {"user": int(fields[11]) / TICKS, "system": int(fields[12]) / TICKS, "switches": switches,
            "threads": threads}


def perf_readable():
    if shutil.which("perf") is None:
        return False
    probe = subprocess.run(["perf", "stat", "-x,", "-e", "syscalls:sys_enter_write", "--", "true"],
                           capture_output=True, text=True)
    return probe.returncode == 0 and "not supported" not in probe.stderr


def sample(directory, processes):
    pids = dict(p.split("=", 1) for p in processes)
    directory = Path(directory)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that the perf processes stop with this one
    perfs = []
    if os.environ.get("SYSCALLS", "1") != "0" and perf_readable():
        for name, pid in pids.items():
            started = time.time()
            perfs.append(subprocess.Popen(["perf", "stat", "-x,", "-I", "1000", "-e", ",".join(perf_events()), "-p", pid,
                                           "-o", str(directory / f"perf-{name}.csv")]))
            (directory / f"perf-{name}.start").write_text(f"{started}\n")
    try:
        with open(directory / "counts.jsonl", "a") as file:
            while True:
                file.write(json.dumps({"t": time.time(),
                                       "processes": {name: process_counts(pid) for name, pid in pids.items()}}) + "\n")
                file.flush()
                time.sleep(1)
    finally:
        for perf in perfs:
            perf.send_signal(signal.SIGINT)  # perf stat prints its last interval and exits
            perf.wait(5)


def perf_counts(path, start, end):
    """Each perf event's count over the intervals that ended in (start, end]."""
    began = float(path.with_suffix(".start").read_text())
    totals = {}
    for line in path.read_text().splitlines():
        fields = line.split(",")
        if len(fields) < 4 or line.startswith("#"):
            continue
        try:
            when, count = began + float(fields[0]), float(fields[1])
        except ValueError:
            continue  # "<not counted>" or a header
        if start < when <= end:
            event = fields[3].removeprefix("syscalls:sys_enter_").removeprefix("raw_syscalls:sys_enter").removeprefix(
                "io_uring:")
            totals[event or "all syscalls"] = totals.get(event or "all syscalls", 0) + count
    return totals


def measure(directory):
    run = json.loads((directory / "report.json").read_text())
    points = cluster_costs.measured_points(run)
    samples = [json.loads(line) for line in (directory / "counts.jsonl").read_text().splitlines() if line]
    if not points or not samples:
        return None
    first, last = cluster_costs.at(samples, min(points) - 1), cluster_costs.at(samples, max(points))
    if first is None or last is None or last["t"] <= first["t"]:
        return None
    seconds = last["t"] - first["t"]
    window = [p for when, p in points.items() if first["t"] <= when <= last["t"]]
    deliveries = sum(p["deliveredPerSec"] for p in window) / len(window) * seconds
    processes = {}
    for name, end in last["processes"].items():
        begin = first["processes"].get(name)
        if end is None or begin is None:
            continue
        grown = {k: end[k] - begin[k] for k in end if k != "threads"}
        # by thread name (the JIT's compiler threads, the collector's, the event loops); a thread that
        # ended in the window is left out, its time stays in the process's
        grown["threads"] = {name: cpu - begin.get("threads", {}).get(name, 0)
                            for name, cpu in end.get("threads", {}).items()}
        perf = directory / f"perf-{name}.csv"
        if perf.exists():
            grown["perf"] = perf_counts(perf, first["t"], last["t"])
        processes[name] = grown
    return {"scenario": directory.name, "seconds": seconds, "deliveriesPerSec": deliveries / seconds,
            "p50Ms": run["p50Ms"], "p99Ms": run["p99Ms"], "p999Ms": run["p999Ms"], "lost": run["lost"],
            "deliveries": deliveries, "processes": processes}


def report(directory):
    directory = Path(directory)
    figures = measure(directory)
    if figures is None:
        print(f"{directory.name}: no measured window or no samples")
        return
    (directory / "counts.json").write_text(json.dumps(figures, indent=1) + "\n")
    deliveries = figures["deliveries"]
    print(f"{directory.name}: {figures['deliveriesPerSec']:,.0f} deliveries/s over {figures['seconds']:.0f} s; "
          f"latency p50 {figures['p50Ms']:.2f} ms, p99 {figures['p99Ms']:.2f} ms, p99.9 {figures['p999Ms']:.2f} ms"
          + (f"; {figures['lost']} lost" if figures["lost"] else ""))
    cpu = switches = 0
    for name, grown in sorted(figures["processes"].items()):
        cpu += grown["user"] + grown["system"]
        switches += grown["switches"]
        line = (f"  {name:<8} CPU {(grown['user'] + grown['system']) / deliveries * 1e6:6.2f} µs per delivery "
                f"(user {grown['user'] / deliveries * 1e6:5.2f}, system {grown['system'] / deliveries * 1e6:5.2f}), "
                f"context switches {grown['switches'] / deliveries:.3f}")
        busiest = sorted(grown.get("threads", {}).items(), key=lambda kv: -kv[1])[:6]
        if busiest:
            line += "\n           by thread: " + ", ".join(f"{name} {cpu / deliveries * 1e6:.2f}" for name, cpu in busiest
                                                        if cpu > 0)
        perf = grown.get("perf")
        if perf:
            calls = ", ".join(f"{k} {v / deliveries:.3f}" for k, v in sorted(perf.items(), key=lambda kv: -kv[1])
                              if k not in ("all syscalls", "context-switches", "io_uring_submit_req")
                              and v / deliveries >= 0.0005)
            line += f"\n           syscalls {perf.get('all syscalls', 0) / deliveries:.3f} per delivery: {calls}"
            if perf.get("io_uring_submit_req"):
                line += f"; io_uring requests {perf['io_uring_submit_req'] / deliveries:.3f}"
        print(line)
    print(f"  all      CPU {cpu / deliveries * 1e6:6.2f} µs per delivery, context switches {switches / deliveries:.3f}")


JIT_THREADS = ("C1 CompilerThre", "C2 CompilerThre")
GC_THREADS = ("GC Thread", "G1 ", "Z")  # G1's workers, refinement and marking; ZGC's ZWorker, ZDirector, ...


def thread_cpu(processes, prefixes):
    return sum(cpu for p in processes for name, cpu in p.get("threads", {}).items() if name.startswith(prefixes))


def load_before(directory):
    """The 1-minute load average bench/run.sh saw before the scenario."""
    path = directory / "load.txt"
    return path.read_text().rsplit(":", 1)[-1].split()[0] if path.exists() else "?"


def table(run_directory):
    print("| scenario | deliveries/s | p50 ms | p99 ms | p99.9 ms | CPU µs/delivery (user + system) "
          "| of it JIT + GC threads | context switches/delivery | syscalls/delivery | writes/delivery | load before |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in sorted(Path(run_directory).glob("*/counts.json")):
        f = json.loads(path.read_text())
        n, procs = f["deliveries"], f["processes"].values()
        user, system = sum(p["user"] for p in procs), sum(p["system"] for p in procs)
        perf = [p["perf"] for p in procs if p.get("perf")]
        calls = f"{sum(p.get('all syscalls', 0) for p in perf) / n:.3f}" if perf else "n/a"
        writes = (f"{sum(p.get(k, 0) for p in perf for k in ('write', 'writev', 'sendto', 'sendmsg')) / n:.3f}"
                  if perf else "n/a")
        print(f"| {f['scenario']} | {f['deliveriesPerSec']:,.0f} | {f['p50Ms']:.2f} | {f['p99Ms']:.2f} | {f['p999Ms']:.2f} "
              f"| {(user + system) / n * 1e6:.2f} ({user / n * 1e6:.2f} + {system / n * 1e6:.2f}) "
              f"| {thread_cpu(procs, JIT_THREADS) / n * 1e6:.2f} + {thread_cpu(procs, GC_THREADS) / n * 1e6:.2f} "
              f"| {sum(p['switches'] for p in procs) / n:.3f} | {calls} | {writes} | {load_before(path.parent)} |")


COMMANDS = {"sample": lambda args: sample(args[0], args[1:]),
            "report": lambda args: [report(d) for d in args],
            "table": lambda args: table(args[0])}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
