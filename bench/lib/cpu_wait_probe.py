#!/usr/bin/env python3
"""How long the broker's and the app's threads waited for a core while a load runs.

    cpu_wait_probe.py run OUT.json LABEL=PID ...   every 100 ms, reads each thread's scheduler
                                                   statistics (/proc/PID/task/TID/schedstat) until
                                                   SIGTERM or SIGINT; then writes OUT.json

A thread that is ready to run but finds every core taken waits in the kernel's run queue; the
kernel adds that wait to the thread's schedstat once the thread gets a core. The broker confirms a
message only when its scheduler threads run, so a confirm held for 200 ms while the disk and the
machine's probes (bench/lib/hiccup.py, bench/lib/fsync_probe.py) answered is, here, a broker
thread that waited 200 ms for a core. hiccup.py cannot see this: it sleeps 1 ms at a time, and a
thread that wakes from a short sleep is placed ahead of the threads that have been running.

OUT.json: {"period_ms": 100, "processes": {LABEL: {"pid": n, "threads": most threads seen,
"wait_ms": total run-queue wait of all its threads, "cpu_ms": their CPU time, "stalls": [[epoch_ms,
thread name, wait_ms], ...] (each thread that waited 50 ms or more within one period, stamped at
the end of that period), "series": [[epoch_ms, wait_ms, cpu_ms], ...] (the totals so far, once a
second)}}}. A process that is gone or not readable is left out. A "wait" is what a thread's wait
grew by between two samples: one wait or several (the kernel adds each when the thread gets its
core, so one wait may exceed the period). Threads are listed once a second: a thread's first
second, and a thread that lives less than that, are not counted.
"""

import json
import os
import signal
import sys
import time

PERIOD_S = 0.1
STALL_MS = 50
RESCAN_S = 1.0


def threads(pid):
    """{tid: (name, schedstat path)} of a process, or {} once it is gone."""
    found = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                found[tid] = (f.read().strip(), f"/proc/{pid}/task/{tid}/schedstat")
        except OSError:
            continue
    return found


def schedstat(path):
    """(cpu ns, run-queue wait ns) of a thread, or None once it is gone."""
    try:
        with open(path) as f:
            cpu, wait, _ = f.read().split()
        return int(cpu), int(wait)
    except (OSError, ValueError):
        return None


def run(out, targets):
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    watched = {label: {"pid": pid, "threads": {}, "last": {}, "most": 0, "wait_ns": 0, "cpu_ns": 0, "stalls": [], "series": []}
               for label, pid in targets}
    rescanned = 0.0
    while not stopped:
        now = time.monotonic()
        if now - rescanned >= RESCAN_S:
            for w in watched.values():
                w["threads"] = threads(w["pid"])
                w["most"] = max(w["most"], len(w["threads"]))
                # forget the threads that are gone: a tid the kernel hands out again is a new thread
                w["last"] = {tid: f for tid, f in w["last"].items() if tid in w["threads"]}
                w["series"].append((time.time_ns() // 1_000_000, round(w["wait_ns"] / 1e6), round(w["cpu_ns"] / 1e6)))
            rescanned = now
        stamp = time.time_ns() // 1_000_000
        for w in watched.values():
            for tid, (name, path) in w["threads"].items():
                figures = schedstat(path)
                if figures is None:
                    continue
                before = w["last"].get(tid)
                w["last"][tid] = figures
                if before is None or figures[0] < before[0] or figures[1] < before[1]:
                    continue  # first sight of this thread, or another thread under a reused tid
                cpu, wait = figures[0] - before[0], figures[1] - before[1]
                w["cpu_ns"] += cpu
                w["wait_ns"] += wait
                if wait >= STALL_MS * 1_000_000:
                    w["stalls"].append((stamp, name, round(wait / 1e6, 1)))
        time.sleep(max(0.0, PERIOD_S - (time.monotonic() - now)))
    figures = {"period_ms": round(PERIOD_S * 1000), "processes": {
        label: {"pid": w["pid"], "threads": w["most"], "wait_ms": round(w["wait_ns"] / 1e6),
                "cpu_ms": round(w["cpu_ns"] / 1e6), "stalls": w["stalls"], "series": w["series"]}
        for label, w in watched.items() if w["most"]}}
    with open(out, "w") as f:
        json.dump(figures, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "run" or not all("=" in a for a in sys.argv[3:]):
        sys.exit(__doc__)
    run(sys.argv[2], [tuple(a.split("=", 1)) for a in sys.argv[3:]])
