#!/usr/bin/env python3
"""The machine's own stalls while a load runs, measured apart from the app.

    hiccup.py run OUT.json    sleeps 1 ms again and again until SIGTERM or SIGINT, then writes OUT.json

How late each wake-up was is the time this process could not run when it asked to: at a normal
priority, the cores were busy (with the app, the broker, the load generator...) or the virtual
machine was not running; at a real-time priority (bench/lib/common.sh starts one under `chrt -f`),
nothing on the machine takes the core from it, so what is left is the virtual machine itself stalling.
A latency bar of 25 ms cannot be met through a stall the real-time probe saw, whatever the app does.

OUT.json: {"samples": n, "seconds": s, "late_ms": {"p50", "p99", "p999", "max"},
"late_over_ms": {"10": count, "50": ..., "100": ...}, "stalled_ms_over_10": total lateness of the
wake-ups more than 10 ms late, "stalls": [[epoch_ms, late_ms], ...] (each of them, in time order,
stamped when the probe woke), "steal_ms": CPU time the hypervisor took from this machine's cores
(/proc/stat), or null}.
"""

import json
import signal
import sys
import time

PERIOD_S = 0.001
BOUNDS_MS = (10, 50, 100)


def steal_ms():
    """The machine's steal time so far in ms (field 8 of /proc/stat's "cpu" line), or None."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
        return int(fields[8]) * 1000 // 100  # USER_HZ is 100 on Linux
    except (OSError, IndexError, ValueError):
        return None


def run(out):
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    late_us = []
    stalls = []
    started = time.monotonic_ns()
    steal_before = steal_ms()
    while not stopped:
        asked = time.monotonic_ns()
        time.sleep(PERIOD_S)
        late = (time.monotonic_ns() - asked) / 1000 - PERIOD_S * 1e6
        late_us.append(max(0, late))
        if late >= 10_000:
            stalls.append((time.time_ns() // 1_000_000, round(late / 1000, 1)))
    seconds = (time.monotonic_ns() - started) / 1e9
    steal_after = steal_ms()
    late_us.sort()

    def at(p):
        return round(late_us[min(len(late_us) - 1, int(p * len(late_us)))] / 1000, 2) if late_us else None

    figures = {
        "samples": len(late_us),
        "seconds": round(seconds, 1),
        "late_ms": {"p50": at(0.5), "p99": at(0.99), "p999": at(0.999), "max": at(1.0)},
        "late_over_ms": {str(b): sum(1 for v in late_us if v >= b * 1000) for b in BOUNDS_MS},
        "stalled_ms_over_10": round(sum(v for v in late_us if v >= 10_000) / 1000),
        "stalls": stalls,
        "steal_ms": None if steal_before is None or steal_after is None else steal_after - steal_before,
    }
    with open(out, "w") as f:
        json.dump(figures, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "run":
        sys.exit(__doc__)
    run(sys.argv[2])
