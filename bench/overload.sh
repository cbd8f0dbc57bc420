#!/usr/bin/env bash
# Load shedding under overload: does the p99 latency of the purchases that are accepted stay
# bounded when three times more purchases arrive than the instance can take?
#
#   bench/overload.sh            (rerunnable; about 4 minutes; prints the figures and ratios)
#
# Needs PostgreSQL, Redis and RabbitMQ on 127.0.0.1 as for the tests, and a JDK 21+. Builds
# target/flashsale.jar if it is missing (FLASHSALE_REBUILD=1 forces it). Everything runs against
# 127.0.0.1 only, bounded in time: each phase lasts PHASE seconds (default 15) at a fixed rate.
#
# What it does, in one run:
#   1. capacity: one instance (all roles, rate limits off), closed loop of 32 callers for PHASE
#      seconds; X = purchases accepted (202) per second.
#   2. for the concurrency limit ON, then OFF (FLASHSALE_CONCURRENCY_LIMIT_ENABLED), on a fresh
#      instance each: a warm-up of 10 s at 0.5 X, then PHASE seconds at 0.7 X (nominal), then PHASE
#      seconds at 3 X (overload), open loop (requests go out on schedule, latency counted from the
#      scheduled time).
#   3. prints p50/p99 of the accepted purchases per phase and the ratio p99(3X) / p99(nominal).
# Every purchase is by a buyer of its own, for an item with 10,000,000 units: each accepted one is
# a real Redis reservation, a confirmed RabbitMQ publish and a PostgreSQL settlement.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
select_jdk 21 || exit 1

PHASE=${PHASE:-15}
PORT=${PORT:-18089}
URL="http://127.0.0.1:$PORT"
NAME="bench_overload_$$"
TOKEN="overload-bench-token"
PG=(-h 127.0.0.1 -p 5432 -U postgres)
CLIENT=bench/overload/OverloadClient.java
LOG_DIR=target/bench-overload
mkdir -p "$LOG_DIR"

if [[ ! -f target/flashsale.jar || ${FLASHSALE_REBUILD:-0} == 1 ]]; then
    echo "overload: building target/flashsale.jar"
    ./mvnw -q -B -DskipTests package
fi

app_pid=""
stop_app() {
    if [[ -n $app_pid ]] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid"
        wait "$app_pid" 2>/dev/null || true
    fi
    app_pid=""
}
clean_up() {
    stop_app
    dropdb "${PG[@]}" --if-exists --force "$NAME" >/dev/null 2>&1 || true
    redis-cli -h 127.0.0.1 --scan --pattern "$NAME:*" | xargs -r -n 500 redis-cli -h 127.0.0.1 unlink >/dev/null 2>&1 || true
    for queue in orders orders.dlq orders.parking-lot orders.retry-after.1000ms orders.retry-after.5000ms orders.retry-after.25000ms; do
        rabbitmqctl -q delete_queue "$NAME.$queue" >/dev/null 2>&1 || true
    done
}
trap clean_up EXIT

# Starts a fresh instance (fresh database and keys) with the concurrency limit on or off; sets
# ITEM to the id of a warmed-up item with 10,000,000 units.
start_app() {
    local limit=$1
    stop_app
    clean_up
    createdb "${PG[@]}" "$NAME"
    SERVER_PORT=$PORT \
    SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$NAME" \
    FLASHSALE_GATE_KEY_PREFIX="$NAME" FLASHSALE_MESSAGING_PREFIX="$NAME" FLASHSALE_ADMIN_TOKEN="$TOKEN" \
    FLASHSALE_RATE_LIMIT_ENABLED=false FLASHSALE_CONCURRENCY_LIMIT_ENABLED="$limit" \
        java -Xmx1g -jar target/flashsale.jar >"$LOG_DIR/app-limit-$limit.log" 2>&1 &
    app_pid=$!
    for _ in $(seq 1 120); do
        if curl -fs "$URL/actuator/health/readiness" >/dev/null 2>&1; then
            break
        fi
        sleep 1
    done
    curl -fs "$URL/actuator/health/readiness" >/dev/null || { echo "overload: the app did not start, see $LOG_DIR" >&2; exit 1; }
    local now ends sale
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    ends=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
    sale=$(curl -fs -X POST "$URL/api/v1/admin/sales" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "{\"name\":\"overload\",\"startsAt\":\"$now\",\"endsAt\":\"$ends\",\"items\":[{\"sku\":\"LOAD\",\"name\":\"Load\",\"price\":1,\"stock\":10000000,\"perUserLimit\":1}]}")
    local sale_id item_id
    sale_id=$(sed -E 's/^\{"id":([0-9]+).*/\1/' <<<"$sale")
    item_id=$(sed -E 's/.*"items":\[\{"id":([0-9]+).*/\1/' <<<"$sale")
    curl -fs -X POST "$URL/api/v1/admin/sales/$sale_id/warmup" -H "Authorization: Bearer $TOKEN" >/dev/null
    ITEM=$item_id
}

javac -d "$LOG_DIR/classes" "$CLIENT"
run() {
    java -cp "$LOG_DIR/classes" OverloadClient "$@" | tee -a "$LOG_DIR/figures.txt"
}
field() {
    sed -E "s/.* $2=([^ ]+).*/\1/" <<<"$1"
}

: >"$LOG_DIR/figures.txt"
echo "overload: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before starting; phases of ${PHASE}s; logs in $LOG_DIR"

start_app false
capacity_line=$(run closed "$URL" "$ITEM" "$PHASE" 32 capacity)
X=$(printf '%.0f' "$(field "$capacity_line" accepted_per_s)")
echo "overload: capacity X = $X accepted purchases/s (32 callers, closed loop)"

declare -A nominal overload limits
for limit in true false; do
    start_app "$limit"
    run open "$URL" "$ITEM" 10 $((X / 2)) "warmup-limit-$limit" >/dev/null
    nominal[$limit]=$(run open "$URL" "$ITEM" "$PHASE" $((X * 7 / 10)) "nominal-limit-$limit")
    overload[$limit]=$(run open "$URL" "$ITEM" "$PHASE" $((X * 3)) "overload-limit-$limit")
    limits[$limit]=$(curl -fs "$URL/actuator/metrics/flashsale.purchase.concurrency.limit" 2>/dev/null \
        | sed -nE 's/.*"value":([0-9.]+).*/\1/p' || true)
done
stop_app

echo
echo "Accepted purchases (202): latency from the scheduled send time, ms"
printf '%-22s %12s %12s %10s %10s %10s %10s\n' "concurrency limit" "phase" "accepted/s" "p50" "p99" "shed 503" "timeouts"
for limit in true false; do
    for phase in nominal overload; do
        if [[ $phase == nominal ]]; then line=${nominal[$limit]}; else line=${overload[$limit]}; fi
        printf '%-22s %12s %12s %10s %10s %10s %10s\n' "$([[ $limit == true ]] && echo on || echo off)" "$phase" \
            "$(field "$line" accepted_per_s)" "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" \
            "$(field "$line" shed)" "$(field "$line" timeouts)"
    done
done
echo
for limit in true false; do
    ratio=$(awk -v a="$(field "${overload[$limit]}" p99_ms)" -v b="$(field "${nominal[$limit]}" p99_ms)" 'BEGIN { printf "%.1f", a / b }')
    echo "p99 ratio overload/nominal, concurrency limit $([[ $limit == true ]] && echo on " (limit at end: ${limits[true]:-?})" || echo off): $ratio"
done
on=${overload[true]}
off=${overload[false]}
echo "3 X overload, limit on vs off: accepted/s $(field "$on" accepted_per_s) vs $(field "$off" accepted_per_s)," \
    "p99 $(field "$on" p99_ms) vs $(field "$off" p99_ms) ms, timeouts (10 s) $(field "$on" timeouts) vs $(field "$off" timeouts)"
