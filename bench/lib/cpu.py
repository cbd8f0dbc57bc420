#!/usr/bin/env python3
"""CPU time by process around a load: where the machine's two cores went.

    cpu.py snap FILE      records every process's CPU ticks and the machine's idle time
    cpu.py diff FILE OUT  writes OUT (JSON): cores used on average per part since FILE was taken

Parts are named by what they are (app processes by their FLASHSALE_ROLES, the broker, PostgreSQL,
Redis, the load generator, nginx, the harness's own sampler), so a report can say how much of the
machine each took and how much CPU one answer cost in each. A process started within the window
counts from zero; one that ended within it is gone from the second reading, so its time shows
only as "unattributed"."""
import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")

# BENCH_OWN_PIDS: a file of the process ids this run started (apps, load generators), one a line.
# On a machine shared with other work, the apps and load generators of others are then named apart
# ("other sessions' ...") instead of being counted as this run's.
OWN_PIDS_FILE = os.environ.get("BENCH_OWN_PIDS")


def own_pids():
    if not OWN_PIDS_FILE:
        return None
    try:
        with open(OWN_PIDS_FILE) as f:
            return {line.split()[0] for line in f if line.strip()}
    except OSError:
        return set()


def part_of(pid, name, own=None):
    """The part of the system a process belongs to, or None for the kernel's threads."""
    part = kind_of(pid, name)
    if own is not None and part and part.startswith(("app ", "load generator")) and pid not in own:
        return "other sessions' " + part.split(" (")[0]
    return part


def kind_of(pid, name):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            joined = f.read().replace(b"\0", b" ")
    except OSError:
        return None
    if not joined:
        return None  # a kernel thread
    if name == "java":
        if b"flashsale.jar" in joined:
            return "app " + roles_of(pid)
        if b"io.gatling.app.Gatling" in joined:
            return "load generator (gatling)"
        if b"io.flashsale.bench.BenchTool" in joined:
            return "harness (sampler, tools)"
        return "other java"
    if name in ("beam.smp", "erl_child_setup", "epmd", "inet_gethost"):
        return "rabbitmq"
    if name == "postgres":
        return "postgresql"
    if name == "redis-server":
        return "redis"
    if name == "wrk":
        return "load generator (wrk)"
    if name == "nginx":
        return "nginx"
    return "other"


def roles_of(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            environ = f.read().split(b"\0")
    except OSError:
        return "(?)"
    for entry in environ:
        if entry.startswith(b"FLASHSALE_ROLES="):
            return "(" + entry.split(b"=", 1)[1].decode() + f", pid {pid})"
    return f"(pid {pid})"


def snapshot():
    processes = {}
    own = own_pids()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        part = part_of(pid, name, own)
        if part is not None:
            processes[pid] = {"part": part, "ticks": int(fields[11]) + int(fields[12])}
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    return {"t": time.time(), "processes": processes, "idle_ticks": cpu[3] + cpu[4], "all_ticks": sum(cpu[:8])}


def diff(before, after):
    seconds = after["t"] - before["t"]
    parts = {}
    for pid, proc in after["processes"].items():
        start = before["processes"].get(pid, {}).get("ticks", 0)
        parts[proc["part"]] = parts.get(proc["part"], 0) + proc["ticks"] - start
    all_ticks = after["all_ticks"] - before["all_ticks"]
    idle = after["idle_ticks"] - before["idle_ticks"]
    cores = os.cpu_count()
    used = {part: round(ticks / TICKS / seconds, 3)
            for part, ticks in sorted(parts.items(), key=lambda kv: -kv[1]) if ticks > 0}
    busy = cores * (all_ticks - idle) / all_ticks if all_ticks else 0
    # Interrupts and the kernel's own threads, and processes that ended within the window.
    used["unattributed"] = round(max(0.0, busy - sum(used.values())), 3)
    return {
        "seconds": round(seconds, 3),
        "cores": cores,
        "idle_cores": round(cores * idle / all_ticks, 3) if all_ticks else None,
        "parts": used,
    }


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "snap":
        with open(sys.argv[2], "w") as f:
            json.dump(snapshot(), f)
    elif len(sys.argv) == 4 and sys.argv[1] == "diff":
        with open(sys.argv[2]) as f:
            before = json.load(f)
        with open(sys.argv[3], "w") as f:
            json.dump(diff(before, snapshot()), f, indent=1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
