#!/usr/bin/env bash
# bench/queue-confirms.sh: how long RabbitMQ takes to confirm persistent messages when the same
# rate is spread over 1, 2, 4 or 8 durable classic queues, with no app in the way (docs/adr/0057).
#
# One publisher sends BENCH_RATE (800) order-sized messages a second on one channel, every
# millisecond what has fallen due, round robin over the queues; one consumer per queue acks many at
# a time, as a worker does. Each count is run for BENCH_SECONDS (20) after a 5 s warm-up, in
# BENCH_ROUNDS (2) interleaved rounds (1 2 4 8 1 2 4 8), and the confirm times' percentiles are
# printed as a table. BENCH_PAUSE_SECONDS=P sends nothing for P seconds between the warm-up and the
# measured window, as the open loop does before its sale, and the table's "first second" columns
# say how its first burst after the pause was confirmed (docs/adr/0058). BENCH_QUEUE_COUNTS="1 4" picks the counts; BENCH_QUEUE_VERSION=1, 2 (the default, as bench/run.sh's) or default (the broker's) the
# classic queue storage; SPRING_RABBITMQ_VIRTUAL_HOST a virtual host. BENCH_DISK_LOAD=1 keeps the
# disk busy meanwhile, as a database and logs beside the broker do: a writer of 32 MiB followed by
# fdatasync, every 0.2 s, in BENCH_FSYNC_DIR (default /var/tmp). BENCH_CPU_HOGS=N keeps N busy
# loops running at the same priority, as an app and a database beside the broker do. Results in
# bench/results/<timestamp>-queue-confirms/ (one JSON per run). About 4 minutes as set.
set -euo pipefail

# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
[[ ${1:-} == -h || ${1:-} == --help ]] && usage 11

trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# A disk writer that cannot write dies at its first dd, and the report would still say "disk load: yes".
if [[ ${BENCH_DISK_LOAD:-0} == 1 && ! ( -d ${BENCH_FSYNC_DIR:-/var/tmp} && -w ${BENCH_FSYNC_DIR:-/var/tmp} ) ]]; then
    die "BENCH_DISK_LOAD=1: BENCH_FSYNC_DIR (${BENCH_FSYNC_DIR:-/var/tmp}) is not a writable directory"
fi
bench_tools python3
bench_build
RUN_DIR=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}/$(date +%Y%m%d-%H%M%S)-queue-confirms
mkdir -p "$RUN_DIR"
bench_state

if [[ ${BENCH_DISK_LOAD:-0} == 1 ]]; then
    disk_file=${BENCH_FSYNC_DIR:-/var/tmp}/.queue-confirms-disk-load-$$
    say "disk load: 32 MiB and fdatasync every 0.2 s in $disk_file"
    (
        trap 'rm -f "$disk_file"; exit 0' TERM
        while :; do
            dd if=/dev/zero of="$disk_file" bs=1M count=32 conv=fdatasync status=none
            sleep 0.2
        done
    ) &
    BENCH_PIDS+=($!)
fi

for ((hog = 0; hog < ${BENCH_CPU_HOGS:-0}; hog++)); do
    (
        trap 'exit 0' TERM
        while :; do :; done
    ) &
    BENCH_PIDS+=($!)
done
((${BENCH_CPU_HOGS:-0} == 0)) || say "cpu load: ${BENCH_CPU_HOGS} busy loop(s)"

for round in $(seq 1 "${BENCH_ROUNDS:-2}"); do
    for queues in ${BENCH_QUEUE_COUNTS:-1 2 4 8}; do
        say "round $round: ${BENCH_RATE:-800} messages/s over $queues queue(s)"
        tool queue-confirms --name "$BENCH_NAME" --queues "$queues" --rate "${BENCH_RATE:-800}" \
            --seconds "${BENCH_SECONDS:-20}" --pause-seconds "${BENCH_PAUSE_SECONDS:-0}" \
            --out "$RUN_DIR/round$round-queues$queues.json"
    done
done

python3 - "$RUN_DIR" <<'PY' | tee "$RUN_DIR/report.md"
import glob, json, os, sys
runs = [json.load(open(f)) | {"file": os.path.basename(f)} for f in sorted(glob.glob(sys.argv[1] + "/round*.json"))]
print("disk load beside the broker: " + ("yes" if os.environ.get("BENCH_DISK_LOAD") == "1" else "no")
      + "; busy loops beside it: " + os.environ.get("BENCH_CPU_HOGS", "0") + "\n")
print("| queues | rate/s | pause s | confirms | p50 ms | p99 ms | p99.9 ms | max ms | over 50 ms | first second: p99 / max ms |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in sorted(runs, key=lambda r: (r["queues"], r["file"])):
    c = r["confirm_ms"]
    first = r.get("first_second_ms", {})
    print(f'| {r["queues"]} | {r["rate"]} | {r.get("pause_s", 0)} | {r["samples"]} | {c["p50"]} | {c["p99"]} | {c["p999"]} | {c["max"]} | {r["over_50ms"]}'
          f' | {first.get("p99")} / {first.get("max")} |')
PY
