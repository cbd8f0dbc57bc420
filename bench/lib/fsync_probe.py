#!/usr/bin/env python3
"""How long the disk takes to make a small write durable while a load runs, measured apart from the app.

    fsync_probe.py run DIR OUT.json    every 20 ms, appends 4 KiB to a file of its own in DIR and
                                       times fdatasync, until SIGTERM or SIGINT; then removes the
                                       file and writes OUT.json

RabbitMQ confirms a persistent message only once it is on disk (an fsync of the queue's files), so a
confirm cannot come sooner than the disk answers. DIR is where the broker keeps its data when the
harness may write there (bench/lib/common.sh), else on the same file system as the results. The
probe's own 50 small syncs a second are a small load beside the broker's and PostgreSQL's.

OUT.json: {"samples": n, "seconds": s, "sync_ms": {"p50", "p99", "p999", "max"},
"sync_over_ms": {"10": count, "50": ..., "100": ...}, "stalls": [[epoch_ms, sync_ms], ...] (every
sync of 50 ms or more, stamped when it started), "dir": DIR}.
"""

import json
import os
import signal
import sys
import time

PERIOD_S = 0.02
BLOCK = b"f" * 4096
BOUNDS_MS = (10, 50, 100)
STALL_MS = 50
ROLL_AFTER_BYTES = 64 * 1024 * 1024


def run(directory, out):
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    path = os.path.join(directory, f".fsync-probe-{os.getpid()}")
    took_ms = []
    stalls = []
    started = time.monotonic()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        written = 0
        while not stopped:
            began_epoch_ms = time.time_ns() // 1_000_000
            began = time.monotonic_ns()
            os.write(fd, BLOCK)
            os.fdatasync(fd)
            took = (time.monotonic_ns() - began) / 1e6
            took_ms.append(took)
            if took >= STALL_MS:
                stalls.append((began_epoch_ms, round(took, 1)))
            written += len(BLOCK)
            if written >= ROLL_AFTER_BYTES:
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                written = 0
            time.sleep(max(0.0, PERIOD_S - took / 1000))
    finally:
        os.close(fd)
        os.remove(path)
    took_ms.sort()

    def at(p):
        return round(took_ms[min(len(took_ms) - 1, int(p * len(took_ms)))], 2) if took_ms else None

    figures = {
        "samples": len(took_ms),
        "seconds": round(time.monotonic() - started, 1),
        "sync_ms": {"p50": at(0.5), "p99": at(0.99), "p999": at(0.999), "max": at(1.0)},
        "sync_over_ms": {str(b): sum(1 for v in took_ms if v >= b) for b in BOUNDS_MS},
        "stalls": stalls,
        "dir": directory,
    }
    with open(out, "w") as f:
        json.dump(figures, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "run":
        sys.exit(__doc__)
    run(sys.argv[2], sys.argv[3])
