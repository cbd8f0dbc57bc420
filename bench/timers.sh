#!/usr/bin/env bash
# bench/timers.sh admit|refuse: where a purchase spends its time, by the app's own timers.
#
# Starts one process with fresh state (FLASHSALE_ROLES, default every role; "api" leaves the
# settlement out), opens one item (admit: 1,000,000 units, so every purchase is admitted;
# refuse: 10 units, so nearly every purchase is refused SOLD_OUT from the local flag), warms up
# for BENCH_WARMUP_SECONDS (25), then loads 127.0.0.1 for BENCH_SECONDS (25) with
# BENCH_CONNECTIONS (300) and prints the purchases per second and the mean of every timer that
# moved during the load (admission, publish confirm, gate, HTTP, settlement ...), from a scrape of
# /actuator/prometheus before and after it. Results in bench/results/<timestamp>-timers-<kind>/.
# SPRING_RABBITMQ_VIRTUAL_HOST=<a vhost created with --default-queue-type quorum> measures the
# same against quorum queues. Figures: docs/adr/0008.
set -euo pipefail

kind=${1:-}
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case $kind in
    admit) stock=1000000 ;;
    refuse) stock=10 ;;
    *) usage 13 ;;
esac

trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_tools wrk jq curl python3
bench_build
RUN_DIR=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}/$(date +%Y%m%d-%H%M%S)-timers-$kind
mkdir -p "$RUN_DIR"
bench_state
start_app app "${FLASHSALE_ROLES:-api,worker,dlq,reconciler}"
item=$(open_sale "$APP_PORT" "$stock" 1)
url="http://127.0.0.1:$APP_PORT/api/v1/orders"
connections=${BENCH_CONNECTIONS:-300} seconds=${BENCH_SECONDS:-25}

load "$RUN_DIR/warmup" "$url" "$connections" "${BENCH_WARMUP_SECONDS:-25}" \
    BENCH_ITEM="$item" BENCH_BUYERS=100000000 BENCH_BUYER_PREFIX=w
curl -fsS "http://127.0.0.1:$APP_PORT/actuator/prometheus" >"$RUN_DIR/before.txt"
load "$RUN_DIR/load" "$url" "$connections" "$seconds" BENCH_ITEM="$item" BENCH_BUYERS=100000000 BENCH_BUYER_PREFIX=m
curl -fsS "http://127.0.0.1:$APP_PORT/actuator/prometheus" >"$RUN_DIR/after.txt"

python3 "$BENCH_ROOT/bench/lib/timers.py" "$RUN_DIR" "$seconds" | tee "$RUN_DIR/timers.txt"
