#!/usr/bin/env bash
# One benchmark scenario, start to finish:  bench/run.sh <scenario> [--smoke]
#
#   spike     one item, 10,000 units, limit 1; 300 connections for 35 s, buyers from 200,000 ids;
#             the same server's trivial endpoint with the same connections is the ceiling
#   settle    200,000 orders queued, then one worker drains them; a raw RabbitMQ consumer
#             (manual acks, same prefetch, no database) draining a copy of the same messages is the ceiling
#   modes     the spike in reserve and in check-only mode
#   bigstock  100,000 units, 100,000 buyers once each, as fast as accepted; the broker's raw
#             publish-with-confirms rate for the same message size is the ceiling
#   scale     settle with 1, 2 and 4 worker processes; the spike with 1 and 2 api processes behind nginx
#   openloop  the spike's sale as an open crowd: its closed-loop capacity C first (the spike's load on an
#             item of its own; C = its answers/s while units were left), then buyers arriving at BENCH_OPEN_FRACTION (0.5) x C a second whatever
#             the answers (Gatling's open injection, bench/gatling), on fresh units; p99 from arrival.
#             The api and the worker run apart, the worker at BENCH_WORKER_NICE (10); BENCH_OPEN_WORKER=together
#             runs one process with every role (ADR 0069)
#   chaos     api, worker, dlq and reconciler processes, a crowd of buyers for BENCH_SECONDS (120) and a
#             fault schedule drawn from BENCH_SEED meanwhile; then the invariants and the promises of
#             DESIGN section 5 (docs/CHAOS.md). Prints the verdict line "chaos: seed=N ... verdict=PASS"
#   lifecycle a spike sells out; of the winners 30 % never pay, 10 % cancel; every loser stands by and
#             pays when served; ends when every unit is PAID, checks the invariants, reports how long
#             returned units took to reach waiting buyers (BENCH_STOCK 200, BENCH_BUYERS 2000,
#             BENCH_PAYMENT_WINDOW_S 15); results.json only, no report.md
#   overload  load shedding (ADR 0011): capacity X = purchases accepted/s by 32 callers in a closed loop
#             for BENCH_PHASE_SECONDS (15); then with the concurrency limit on, then off, each on fresh
#             state: 10 s at 0.5 X, a phase at 0.7 X (nominal) and one at 3 X (overload), open loop
#             (bench/overload/OverloadClient.java); p50/p99 of the accepted purchases per phase and
#             p99(3 X) / p99(nominal); invariants not checked (the figures are latencies)
#
# --smoke shrinks every number so that a scenario takes seconds (CI). Each run starts the app
# with fresh state (own database, Redis prefix and queue prefix, removed afterwards), warms up,
# loads 127.0.0.1 only for a bounded time, waits until quiet, checks the five invariants with
# SaleInvariants, and writes bench/results/<timestamp>-<scenario>[-smoke]/ with report.md,
# results.json and PNG charts. Exit status: 0 if the invariants held, 1 if not or on error
# (2 if BENCH_ENFORCE_BARS=1 and a bar was missed). Settings: docs/BENCHMARKS.md.
set -euo pipefail

scenario=${1:-}
smoke=false
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case $scenario in
    spike | settle | modes | bigstock | scale | chaos | lifecycle | openloop | overload) ;;
    *) usage 35 ;;
esac
# anything but --smoke after the scenario is a mistake, not a full-size run
case ${2:-}${3:+ $3} in
    "") ;;
    --smoke) smoke=true ;;
    *) usage 35 ;;
esac

trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Scenario sizes: full by default, small with --smoke, each overridable from the environment.
if $smoke; then
    STOCK=${BENCH_STOCK:-300} CONNECTIONS=${BENCH_CONNECTIONS:-16} SECONDS_LOAD=${BENCH_SECONDS:-4}
    BUYERS=${BENCH_BUYERS:-5000} ORDERS=${BENCH_ORDERS:-2000} BIG=${BENCH_BIG:-2000}
    WARMUP=${BENCH_WARMUP_SECONDS:-2} WARMUP_ORDERS=${BENCH_WARMUP_ORDERS:-500} CEILING_SECONDS=${BENCH_CEILING_SECONDS:-2}
    WORKER_COUNTS=${BENCH_WORKER_COUNTS:-2} API_COUNTS=${BENCH_API_COUNTS:-2}
    PHASE=${BENCH_PHASE_SECONDS:-2} CALLERS=${BENCH_OVERLOAD_CALLERS:-8} OVERLOAD_WARMUP=${BENCH_OVERLOAD_WARMUP_SECONDS:-1}
    export BENCH_OPEN_WARMUP_SECONDS=${BENCH_OPEN_WARMUP_SECONDS:-2}
else
    STOCK=${BENCH_STOCK:-10000} CONNECTIONS=${BENCH_CONNECTIONS:-300} SECONDS_LOAD=${BENCH_SECONDS:-35}
    BUYERS=${BENCH_BUYERS:-200000} ORDERS=${BENCH_ORDERS:-200000} BIG=${BENCH_BIG:-100000}
    WARMUP=${BENCH_WARMUP_SECONDS:-20} WARMUP_ORDERS=${BENCH_WARMUP_ORDERS:-60000} CEILING_SECONDS=${BENCH_CEILING_SECONDS:-15}
    WORKER_COUNTS=${BENCH_WORKER_COUNTS:-1 2 4} API_COUNTS=${BENCH_API_COUNTS:-1 2}
    PHASE=${BENCH_PHASE_SECONDS:-15} CALLERS=${BENCH_OVERLOAD_CALLERS:-32} OVERLOAD_WARMUP=${BENCH_OVERLOAD_WARMUP_SECONDS:-10}
fi
# overload's open loop at 3 X keeps up to 20,000 purchases in flight: the app gets 1 GB unless told otherwise
[[ $scenario == overload ]] && export BENCH_HEAP=${BENCH_HEAP:-1g}
OPEN_FRACTION=${BENCH_OPEN_FRACTION:-0.5}
BATCH=${FLASHSALE_SETTLEMENT_BATCH_SIZE:-500}
PRELOAD_LIMIT=${BENCH_PRELOAD_LIMIT_SECONDS:-900}
QUIET_TIMEOUT=${BENCH_QUIET_TIMEOUT_SECONDS:-$($smoke && echo 90 || echo 600)}

tools=(wrk gnuplot jq curl python3)
[[ $scenario == scale ]] && tools+=(nginx)
[[ $scenario == overload ]] && tools=(jq curl python3)
[[ $scenario == chaos || $scenario == lifecycle ]] && tools=(curl)
bench_tools "${tools[@]}"
bench_build

# The commit the jar was built from, as far as the tree tells as it is built: a scratch build of
# uncommitted sources says so, so that its figures are not read as the commit's.
source_commit() {
    local commit
    commit=$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null) || {
        echo unknown
        return
    }
    # untracked files count too: a scratch build may add a class; no index lock, so that a commit
    # beside the run is not refused
    [[ -z $(git --no-optional-locks -C "$BENCH_ROOT" status --porcelain --untracked-files=all -- src pom.xml 2>/dev/null) ]] ||
        commit+=" with uncommitted changes to src/ or pom.xml"
    echo "$commit"
}

BUILD_COMMIT=$(source_commit)

# shellcheck disable=SC2015  # "|| true" is the else: a non-smoke run has no suffix
RUN_DIR=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}/$(date +%Y%m%d-%H%M%S)-$scenario$($smoke && echo -smoke || true)
mkdir -p "$RUN_DIR"
# shellcheck disable=SC2015
say "$scenario$($smoke && echo ' (smoke)' || true) -> $RUN_DIR"

# meta DIR KEY=VALUE...: what report.py needs to know about a (sub-)run, as meta.json
meta() {
    local dir=$1 args=() pair
    shift
    for pair in "$@"; do
        args+=(--arg "${pair%%=*}" "${pair#*=}")
    done
    jq -n "${args[@]}" '$ARGS.named' >"$dir/meta.json"
}

[[ $WARMUP_ORDERS =~ ^[1-9][0-9]*$ ]] || die "BENCH_WARMUP_ORDERS takes a whole number of purchases above 0, not '$WARMUP_ORDERS'"
[[ ${BENCH_STALL_PROBES:-0} =~ ^[01]$ ]] || die "BENCH_STALL_PROBES takes 0 or 1, not '$BENCH_STALL_PROBES'"
# openloop's layout (ADR 0069): settlement apart from the api at a lower CPU weight, or in its process
OPEN_WORKER=${BENCH_OPEN_WORKER:-apart} OPEN_WORKER_NICE=${BENCH_WORKER_NICE:-10}
if [[ $scenario == openloop ]]; then
    [[ $OPEN_WORKER =~ ^(apart|together)$ ]] || die "BENCH_OPEN_WORKER takes apart or together, not '$OPEN_WORKER'"
    # no leading zero (bash would read 010 as octal) and at most two digits (no wrap-around)
    [[ $OPEN_WORKER_NICE =~ ^(0|-?[1-9][0-9]?)$ ]] && ((OPEN_WORKER_NICE >= -20 && OPEN_WORKER_NICE <= 19)) ||
        die "BENCH_WORKER_NICE takes a nice value from -20 to 19, not '$OPEN_WORKER_NICE'"
fi

# The settings that matter, recorded with every result.
SETTINGS=(batch_size="$BATCH" batch_timeout="${FLASHSALE_SETTLEMENT_BATCH_TIMEOUT:-100ms}"
    consumers="${FLASHSALE_SETTLEMENT_CONSUMERS:-1 beside the api, 4 alone}" heap="${BENCH_HEAP_FLAGS:-${BENCH_HEAP:-512m}}"
    pool="${SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE:-10}" fair_turns="${FLASHSALE_HTTP_FAIR_TURNS:-true}"
    virtual_threads="${SPRING_THREADS_VIRTUAL_ENABLED:-true}" java_opts="${BENCH_JAVA_OPTS:-}" smoke="$smoke"
    queue_version="$(queue_version)"
    virtual_host="${SPRING_RABBITMQ_VIRTUAL_HOST:-/}" stall_probes="$([[ ${BENCH_STALL_PROBES:-0} == 1 ]] && echo on || echo off)")

# check DIR ITEM ACCEPTED [ITEM ACCEPTED]...: waits until quiet, asserts the invariants
check() {
    local dir=$1 args=()
    shift
    while (($#)); do
        args+=(--item "$1" --accepted "$2")
        shift 2
    done
    tool check --name "$BENCH_NAME" "${args[@]}" --timeout-s "$QUIET_TIMEOUT" \
        --out "$dir/check.json" --series-prefix "$dir/settled-" || true
}

# nginx_start PORT UPSTREAM_PORT...: a local nginx (own prefix, config and pid) in front of the apis
nginx_start() {
    local port=$1 dir=$RUN_DIR/nginx-$1 upstream=""
    shift
    mkdir -p "$dir/logs" "$dir/tmp"
    for p in "$@"; do upstream+="        server 127.0.0.1:$p;"$'\n'; done
    cat >"$dir/nginx.conf" <<CONF
$([[ $(id -u) == 0 ]] && echo 'user root;')
worker_processes ${BENCH_NGINX_WORKERS:-auto};
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    upstream api {
$upstream        keepalive 512;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF
    /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/logs/stdout.log" 2>&1 &
    BENCH_PIDS+=($!)
    local deadline=$((SECONDS + 30))
    until curl -fs -o /dev/null "http://127.0.0.1:$port/actuator/info"; do
        ((SECONDS < deadline)) || die "nginx on $port did not answer; see $dir/logs"
        sleep 0.3
    done
    say "nginx on $port in front of $*"
}

# warm_up DIR URL [PROCESSES]: what the measured load will run is compiled before its window opens
# (ADR 0067): WARMUP s of the trivial endpoint; WARMUP_ORDERS purchases per api process (PROCESSES,
# 1 by default; the balancer spreads them) of an item that does not sell out (a count, not a time:
# the JIT compiles a method after so many calls, and 20 s of purchases, enough on the machines ADR
# 0008 measured, were a third as many calls on a machine half as fast); then WARMUP s of a sale
# like the measured one (STOCK units, buyers from BUYERS), which sells out, so that its refusals
# (sold out, already purchased) are compiled too; a warning if it did not. Sets WARM_ITEMS and
# WARM_CHECKS (the item / accepted-list pairs for the run's last check).
warm_up() {
    local dir=$1 url=$2 processes=${3:-1} warm sellout orders sold
    orders=$((WARMUP_ORDERS * processes))
    warm=$(open_sale "$APP_PORT" 1000000 1)
    sellout=$(open_sale "$APP_PORT" "$STOCK" 1)
    say "warm-up: ${WARMUP}s trivial endpoint, $orders purchases of a warm-up item, ${WARMUP}s of a warm-up sale of $STOCK units"
    load "$dir/warmup-trivial" "$url" "$CONNECTIONS" "$WARMUP" BENCH_KIND=get
    load "$dir/warmup" "$url" "$CONNECTIONS" "$PRELOAD_LIMIT" \
        BENCH_ITEM="$warm" BENCH_SEQUENTIAL="$orders" BENCH_BUYER_PREFIX=w
    check "$dir/warmup" "$warm" "$dir/warmup/accepted.txt"
    load "$dir/warmup-sellout" "$url" "$CONNECTIONS" "$WARMUP" BENCH_ITEM="$sellout" BENCH_BUYERS="$BUYERS"
    check "$dir/warmup-sellout" "$sellout" "$dir/warmup-sellout/accepted.txt"
    sold=$(wc -l <"$dir/warmup-sellout/accepted.txt")
    ((sold >= STOCK)) || say "warning: the warm-up sale sold $sold of $STOCK units in ${WARMUP}s: its refusals were not warmed up (BENCH_WARMUP_SECONDS, BENCH_STOCK, BENCH_BUYERS)"
    WARM_ITEMS=("$warm" "$sellout")
    WARM_CHECKS=("$warm" "$dir/warmup/accepted.txt" "$sellout" "$dir/warmup-sellout/accepted.txt")
}

# spike DIR MODE APIS: the spike on fresh state. APIS=0: one process with every role, loaded
# directly; APIS=n: n api processes and one worker process behind a local nginx.
spike() {
    local dir=$1 mode=$2 apis=$3 url ports=() item i probed=()
    mkdir -p "$dir"
    bench_state
    if ((apis == 0)); then
        start_app app api,worker,dlq,reconciler FLASHSALE_GATE_MODE="$mode"
        url=http://127.0.0.1:$APP_PORT
        probed=(app="$APP_PID")
    else
        local pids=()
        for ((i = 1; i <= apis; i++)); do
            launch_app "api-$i" api FLASHSALE_GATE_MODE="$mode"
            pids+=("$APP_PID")
            ports+=("$APP_PORT")
        done
        start_app worker worker,dlq,reconciler FLASHSALE_GATE_MODE="$mode"
        probed=(worker="$APP_PID")
        for ((i = 0; i < apis; i++)); do
            await_app "api-$((i + 1))" "${pids[i]}" "${ports[i]}"
            probed+=(api-$((i + 1))="${pids[i]}")
        done
        local port
        port=$(free_port)
        nginx_start "$port" "${ports[@]}"
        url=http://127.0.0.1:$port
        APP_PORT=${ports[0]}
    fi
    item=$(open_sale "$APP_PORT" "$STOCK" 1)
    warm_up "$dir" "$url" "$((apis > 0 ? apis : 1))"

    say "ceiling: trivial endpoint, $CONNECTIONS connections, ${CEILING_SECONDS}s"
    load "$dir/ceiling" "$url" "$CONNECTIONS" "$CEILING_SECONDS" BENCH_KIND=get

    say "spike: $STOCK units, $CONNECTIONS connections, ${SECONDS_LOAD}s, buyers from $BUYERS ids ($mode)"
    sampler_start "$item" "$dir/samples.csv"
    stall_probes_start "$dir" "${probed[@]}"
    jit_count "$dir/load/jit-before.txt" "${probed[@]}"
    load "$dir/load" "$url" "$CONNECTIONS" "$SECONDS_LOAD" BENCH_ITEM="$item" BENCH_BUYERS="$BUYERS"
    jit_count "$dir/load/jit-after.txt" "${probed[@]}"
    stall_probes_stop
    check "$dir" "$item" "$dir/load/accepted.txt" "${WARM_CHECKS[@]}"
    sleep 1.5 # lets PostgreSQL's statistics catch up before the last sample
    sampler_stop
    meta "$dir" scenario=spike mode="$mode" apis="$apis" stock="$STOCK" connections="$CONNECTIONS" \
        seconds="$SECONDS_LOAD" buyers="$BUYERS" item="$item" warm_items="${WARM_ITEMS[*]}" \
        sample_ms="${BENCH_SAMPLE_MS:-250}" "${SETTINGS[@]}"
    bench_cleanup
}

# stop_api_in_window DIR PID: with BENCH_OPEN_STOP_API_S > 0, stops the api (SIGSTOP) that many
# seconds, 3 s after the measured phase's first arrival (DIR/measuring), then resumes it: a stall
# while the open crowd keeps arriving on new connections, which filled a 512 MiB heap before the
# connections were bounded (ADR 0072). The run's bars are not met then; what counts is that the
# api answers again and the invariants hold.
stop_api_in_window() {
    local dir=$1 pid=$2 seconds=${BENCH_OPEN_STOP_API_S:-0}
    ((seconds > 0)) || return 0
    # stopped itself (the harness's cleanup), it leaves the api running
    trap 'kill -CONT "$pid" 2>/dev/null; exit 0' TERM INT
    until [[ -f $dir/measuring ]]; do
        # the load ended (DIR/load-done) or the api is gone before the measured phase began
        [[ ! -f $dir/load-done ]] && kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    sleep 3
    [[ ! -f $dir/load-done ]] || return 0
    say "stopping the api (pid $pid) for ${seconds}s"
    kill -STOP "$pid" 2>/dev/null || return 0
    sleep "$seconds"
    kill -CONT "$pid" 2>/dev/null || true
    # what the report's api_stopped_s says: the stop that happened, not the one asked for
    echo "$seconds" >"$dir/api-stopped"
    say "the api resumed"
}

# openloop DIR: an api process and a worker process (or one with every role, OPEN_WORKER=together);
# warm-up as the spike's; the spike's closed loop on an
# item of its own gives the capacity C; then OPEN_FRACTION x C buyers a second arrive for
# SECONDS_LOAD at a second item of the same stock (Gatling), whatever the answers.
openloop() {
    local dir=$1 url capacity_item item generator_item capacity rate layout=together worker_pid probed=()
    [[ ${BENCH_OPEN_STOP_API_S:-0} =~ ^(0|[1-9][0-9]{0,3})$ ]] ||
        die "BENCH_OPEN_STOP_API_S takes whole seconds, not '${BENCH_OPEN_STOP_API_S}'"
    ((${BENCH_OPEN_STOP_API_S:-0} + 3 < SECONDS_LOAD)) || [[ ${BENCH_OPEN_STOP_API_S:-0} == 0 ]] ||
        die "BENCH_OPEN_STOP_API_S=$BENCH_OPEN_STOP_API_S does not end within the ${SECONDS_LOAD}s window (it starts 3 s in)"
    mkdir -p "$dir"
    gatling_build
    bench_state
    if [[ $OPEN_WORKER == apart ]]; then
        # settlement in a process of its own, OPEN_WORKER_NICE below the api and the generator: the
        # queue holds what the worker has not settled yet, and the buyers' answers come first (ADR 0069)
        launch_app worker worker nice -n "$OPEN_WORKER_NICE"
        worker_pid=$APP_PID
        local worker_port=$APP_PORT worker_nice
        start_app app api,dlq,reconciler
        await_app worker "$worker_pid" "$worker_port"
        # nice -n adds to the harness's own nice, and without root it cannot lower it: what ran is recorded
        worker_nice=$(nice_of "$worker_pid") ||
            die "the worker (pid $worker_pid) is gone after it was ready; see $RUN_DIR/logs/worker.log"
        [[ $worker_nice == "$OPEN_WORKER_NICE" ]] ||
            say "warning: the worker runs at nice $worker_nice, not BENCH_WORKER_NICE=$OPEN_WORKER_NICE (see $RUN_DIR/logs/worker.log)"
        layout="apart, nice $worker_nice"
        probed=(app="$APP_PID" worker="$worker_pid")
    else
        start_app app api,worker,dlq,reconciler
    fi
    url=http://127.0.0.1:$APP_PORT
    scraper_start "$url"
    capacity_item=$(open_sale "$APP_PORT" "$STOCK" 1)
    item=$(open_sale "$APP_PORT" "$STOCK" 1)
    generator_item=$(open_sale "$APP_PORT" 1000000 1)
    warm_up "$dir" "$url"

    say "capacity: the spike's closed loop, $STOCK units, $CONNECTIONS connections, ${SECONDS_LOAD}s"
    load "$dir/capacity" "$url" "$CONNECTIONS" "$SECONDS_LOAD" BENCH_ITEM="$capacity_item" BENCH_BUYERS="$BUYERS"
    check "$dir/capacity" "$capacity_item" "$dir/capacity/accepted.txt"
    # C is the rate at which the closed loop was answered while units were left (admissions): the
    # refusals after the sell-out are answered several times faster, and half of an average over both
    # would be more buyers a second than the server can admit while the sale lasts.
    capacity=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import report
whole = report.phase(sys.argv[2])
split = report.before_and_after(sys.argv[2], whole.get("first_sold_out_s"), int(sys.argv[3]))
print((split or {}).get("before_sold_out", {}).get("requests_per_s") or whole["requests_per_s"])' \
        "$BENCH_ROOT/bench/lib" "$dir/capacity" "$CONNECTIONS")
    rate=$(python3 -c 'import sys; print(max(1, round(float(sys.argv[1]) * float(sys.argv[2]))))' "$capacity" "$OPEN_FRACTION")

    say "open loop: $rate buyers/s ($OPEN_FRACTION x $capacity) for ${SECONDS_LOAD}s, $STOCK units, buyers from $BUYERS ids"
    sampler_start "$item" "$dir/samples.csv"
    stall_probes_start "$dir" "${probed[@]}"
    stop_api_in_window "$dir/load" "$APP_PID" &
    local stopper=$!
    BENCH_PIDS+=("$stopper")
    open_load "$dir/load" "$url" "$rate" "$SECONDS_LOAD" "$item" "$BUYERS" "$generator_item"
    touch "$dir/load/load-done"
    wait "$stopper" || true
    stall_probes_stop
    scrape "$url" "$dir/metrics-after.prom"
    check "$dir" "$item" "$dir/load/accepted.txt" "$capacity_item" "$dir/capacity/accepted.txt" "${WARM_CHECKS[@]}" \
        "$generator_item" "$dir/load/warmup/accepted.txt"
    sleep 1.5
    sampler_stop
    meta "$dir" scenario=openloop stock="$STOCK" connections="$CONNECTIONS" seconds="$SECONDS_LOAD" buyers="$BUYERS" \
        item="$item" capacity_item="$capacity_item" warm_items="${WARM_ITEMS[*]}" generator_warm_item="$generator_item" capacity_per_s="$capacity" \
        fraction="$OPEN_FRACTION" rate_per_s="$rate" sample_ms="${BENCH_SAMPLE_MS:-250}" "${SETTINGS[@]}" \
        generator_warmup_s="$OPEN_WARMUP_SECONDS" generator_pause_s="$OPEN_PAUSE_SECONDS" \
        generator_warmup_fraction="$OPEN_WARMUP_FRACTION" scrape_every_s="${BENCH_SCRAPE_SECONDS:-5}" \
        worker="$layout" api_stopped_s="$(cat "$dir/load/api-stopped" 2>/dev/null || echo 0)"
    bench_cleanup
}

# settle DIR WORKERS: ORDERS orders queued through the api (which then stops), a raw consumer
# drains a copy of them, then WORKERS worker processes start and drain the real queue.
settle() {
    local dir=$1 workers=$2 item accepted i pids=() ports=()
    mkdir -p "$dir"
    bench_state
    # Reservations must outlive the whole run, or the orders would be settled EXPIRED.
    start_app api api FLASHSALE_RESERVATION_TTL=6h
    item=$(open_sale "$APP_PORT" "$ORDERS" 1)
    tool tap --name "$BENCH_NAME"
    say "queueing $ORDERS orders through the api ($CONNECTIONS connections, distinct buyers)"
    load "$dir/preload" "http://127.0.0.1:$APP_PORT" "$CONNECTIONS" "$PRELOAD_LIMIT" \
        BENCH_ITEM="$item" BENCH_SEQUENTIAL="$ORDERS" BENCH_BUYER_PREFIX=s
    accepted=$(wc -l <"$dir/preload/accepted.txt")
    stop_pid "$APP_PID"

    say "ceiling: raw consumer, prefetch $((BATCH * 2)), $accepted messages"
    cpu_start "$dir/raw-consume"
    tool raw-consume --name "$BENCH_NAME" --count "$accepted" --prefetch $((BATCH * 2)) >"$dir/raw-consume.json"
    cpu_stop "$dir/raw-consume"
    cat "$dir/raw-consume.json" >&2

    say "settle: $workers worker process(es) drain $accepted orders"
    sampler_start "$item" "$dir/samples.csv"
    local started
    started=$(now_ms)
    for ((i = 1; i <= workers; i++)); do
        launch_app "worker-$i" worker FLASHSALE_RESERVATION_TTL=6h
        pids+=("$APP_PID")
        ports+=("$APP_PORT")
    done
    for ((i = 0; i < workers; i++)); do
        await_app "worker-$((i + 1))" "${pids[i]}" "${ports[i]}"
    done
    # CPU is counted from here, once the workers have started (a JVM's start is not settlement):
    # for the orders still queued now.
    local settled_before
    settled_before=$(tail -n 1 "$dir/samples.csv" | cut -d, -f5)
    cpu_start "$dir/drain"
    await_drained "$dir/samples.csv" "$accepted"
    cpu_stop "$dir/drain"
    # Only now the rest of the system: the dead-letter consumer and the reconciler, which heals a
    # reservation whose Redis sync failed after the commit. Started earlier, the reconciler would
    # read the whole pending hash every tick while the worker is being measured.
    start_app recovery dlq,reconciler FLASHSALE_RESERVATION_TTL=6h
    check "$dir" "$item" "$dir/preload/accepted.txt"
    sleep 1.5
    sampler_stop
    meta "$dir" scenario=settle workers="$workers" orders="$ORDERS" accepted="$accepted" item="$item" \
        workers_started_ms="$started" drained_after_start=$((accepted - settled_before)) prefetch=$((BATCH * 2)) sample_ms="${BENCH_SAMPLE_MS:-250}" "${SETTINGS[@]}"
    bench_cleanup
}

# await_drained CSV ROWS: waits until the sampler has seen ROWS order rows and an empty queue.
await_drained() {
    local csv=$1 rows=$2 deadline=$((SECONDS + QUIET_TIMEOUT)) last
    while ((SECONDS < deadline)); do
        last=$(tail -n 1 "$csv")
        IFS=, read -r _ ready _ _ written _ <<<"$last"
        if [[ $ready == 0 ]] && ((written >= rows)); then
            say "queue drained: $written order rows"
            return 0
        fi
        sleep 0.5
    done
    say "warning: not drained after ${QUIET_TIMEOUT}s ($last)"
}

# bigstock DIR: BIG units bought once each by BIG distinct buyers; the raw publish rate is the ceiling.
bigstock() {
    local dir=$1 warm item url
    mkdir -p "$dir"
    bench_state
    start_app app api,worker,dlq,reconciler
    url=http://127.0.0.1:$APP_PORT
    warm=$(open_sale "$APP_PORT" 1000000 1)
    load "$dir/warmup" "$url" "$CONNECTIONS" "$WARMUP" BENCH_ITEM="$warm" BENCH_BUYERS=100000000 BENCH_BUYER_PREFIX=w
    check "$dir/warmup" "$warm" "$dir/warmup/accepted.txt"

    say "ceiling: raw publish with confirms, $BIG messages, $CONNECTIONS in flight"
    cpu_start "$dir/raw-publish"
    tool raw-publish --name "$BENCH_NAME" --count "$BIG" --inflight "$CONNECTIONS" >"$dir/raw-publish.json"
    cpu_stop "$dir/raw-publish"
    cat "$dir/raw-publish.json" >&2

    item=$(open_sale "$APP_PORT" "$BIG" 1)
    say "bigstock: $BIG units, $BIG buyers once each, $CONNECTIONS connections"
    sampler_start "$item" "$dir/samples.csv"
    load "$dir/load" "$url" "$CONNECTIONS" "$PRELOAD_LIMIT" \
        BENCH_ITEM="$item" BENCH_SEQUENTIAL="$BIG" BENCH_BUYER_PREFIX=big
    check "$dir" "$item" "$dir/load/accepted.txt" "$warm" "$dir/warmup/accepted.txt"
    sleep 1.5
    sampler_stop
    meta "$dir" scenario=bigstock units="$BIG" connections="$CONNECTIONS" item="$item" warm_item="$warm" \
        sample_ms="${BENCH_SAMPLE_MS:-250}" "${SETTINGS[@]}"
    bench_cleanup
}

# overload DIR: the load shedding of ADR 0011, on three fresh states (capacity; limit on; limit off),
# one process with every role each, rate limits off. Figures: DIR/figures.txt, one line per phase.
overload() {
    local dir=$1 line capacity limit load_before
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    mkdir -p "$dir"
    overload_client_build
    : >"$dir/figures.txt"
    say "overload: $(nproc) cores, load average $load_before before starting; phases of ${PHASE}s"

    overload_app capacity false
    line=$(overload_client "$dir" closed "$PHASE" "$CALLERS" capacity)
    capacity=$(printf '%.0f' "$(field "$line" accepted_per_s)")
    bench_cleanup
    ((capacity > 0)) || die "capacity X = 0 accepted purchases/s; see $RUN_DIR/logs/capacity.log"
    say "overload: capacity X = $capacity accepted purchases/s ($CALLERS callers, closed loop)"

    for limit in true false; do
        overload_app "limit-$limit" "$limit"
        overload_client "$dir" open "$OVERLOAD_WARMUP" $((capacity / 2 > 0 ? capacity / 2 : 1)) "warmup-limit-$limit" >/dev/null
        overload_client "$dir" open "$PHASE" $((capacity * 7 / 10 > 0 ? capacity * 7 / 10 : 1)) "nominal-limit-$limit" >/dev/null
        overload_client "$dir" open "$PHASE" $((capacity * 3)) "overload-limit-$limit" >/dev/null
        curl -fs "$OVERLOAD_URL/actuator/metrics/flashsale.purchase.concurrency.limit" 2>/dev/null \
            | jq -r '.measurements[0].value' >"$dir/limit-at-end-$limit.txt" 2>/dev/null || true
        bench_cleanup
    done
    meta "$dir" scenario=overload phase_seconds="$PHASE" callers="$CALLERS" warmup_seconds="$OVERLOAD_WARMUP" \
        capacity_per_s="$capacity" stock=10000000 load_average_before="$load_before" "${SETTINGS[@]}"
}

# overload_app LABEL LIMIT: fresh state, one process with every role and the concurrency limit LIMIT
# (true/false), an item of 10,000,000 units (limit 1); sets OVERLOAD_URL and OVERLOAD_ITEM.
overload_app() {
    bench_state
    start_app "$1" api,worker,dlq,reconciler FLASHSALE_RATE_LIMIT_ENABLED=false FLASHSALE_CONCURRENCY_LIMIT_ENABLED="$2"
    OVERLOAD_URL=http://127.0.0.1:$APP_PORT
    OVERLOAD_ITEM=$(open_sale "$APP_PORT" 10000000 1)
}

# overload_client_build: compiles bench/overload/OverloadClient.java once (or when it changed); sets OVERLOAD_CP.
overload_client_build() {
    local src=$BENCH_ROOT/bench/overload/OverloadClient.java
    OVERLOAD_CP=$BENCH_ROOT/target/bench-overload/classes
    if [[ ! -f $OVERLOAD_CP/OverloadClient.class || $src -nt $OVERLOAD_CP/OverloadClient.class ]]; then
        mkdir -p "$OVERLOAD_CP"
        "$(dirname "$BENCH_JAVA")/javac" -d "$OVERLOAD_CP" "$src" || die "could not compile $src"
    fi
}

# overload_client DIR closed|open SECONDS CALLERS|RATE TAG: one phase against OVERLOAD_ITEM; prints its
# line of key=value figures and appends it to DIR/figures.txt.
overload_client() {
    local dir=$1 line
    shift
    line=$("$BENCH_JAVA" -cp "$OVERLOAD_CP" OverloadClient "$1" "$OVERLOAD_URL" "$OVERLOAD_ITEM" "$2" "$3" "$4") \
        || die "the overload client failed in phase $4"
    echo "$line" >>"$dir/figures.txt"
    say "$line"
    echo "$line"
}

# field LINE KEY: the value of KEY=value in a line of the overload client
field() {
    sed -E "s/.* $2=([^ ]+).*/\1/" <<<"$1"
}

# chaos DIR: everything happens in io.flashsale.bench.chaos.ChaosRun (the processes, the proxies,
# the crowd, the faults, the checks), which cleans up after itself; chaos_cleanup is the safety net
# for a harness that was itself killed: the processes it listed in pids.txt (by id, and only if
# they are still the jar or redis-server), its database, virtual host and keys.
chaos() {
    local dir=$1
    mkdir -p "$dir"
    CHAOS_DIR=$dir
    CHAOS_NAME="chaos_$(date +%H%M%S)_$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    trap chaos_cleanup EXIT
    env BENCH_NAME="$CHAOS_NAME" RUN_DIR="$dir" BENCH_JAR="$BENCH_ROOT/target/flashsale.jar" BENCH_SMOKE="$smoke" \
        "$BENCH_JAVA" -Xmx512m -cp "$BENCH_CP" io.flashsale.bench.chaos.ChaosRun
}

# shellcheck disable=SC2317  # run by the EXIT trap
chaos_cleanup() {
    local pid label
    if [[ -f $CHAOS_DIR/pids.txt ]]; then
        while read -r pid label; do
            if grep -qaE 'flashsale\.jar|redis-server' "/proc/$pid/cmdline" 2>/dev/null; then
                say "stopping $label (pid $pid), left running by the harness"
                kill -CONT "$pid" 2>/dev/null || true
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done <"$CHAOS_DIR/pids.txt"
    fi
    local ctl=(rabbitmqctl -q ${BENCH_CHAOS_RABBITMQ_NODE:+-n "$BENCH_CHAOS_RABBITMQ_NODE"})
    if "${ctl[@]}" list_vhosts name 2>/dev/null | grep -qx "$CHAOS_NAME"; then
        "${ctl[@]}" delete_vhost "$CHAOS_NAME" >/dev/null 2>&1 || true
    fi
    # a harness killed during a BROKER_RESTART fault would leave the broker stopped
    if [[ $("${ctl[@]}" eval 'rabbit:is_running().' 2>/dev/null) == false ]]; then
        say "starting the broker's application again (rabbitmqctl start_app)"
        "${ctl[@]}" start_app || true
    fi
    tool cleanup --name "$CHAOS_NAME" >/dev/null 2>&1 || true
}

case $scenario in
    lifecycle)
        bench_state
        status=0
        env RUN_DIR="$RUN_DIR" BENCH_NAME="$BENCH_NAME" BENCH_SMOKE="$smoke" "$BENCH_JAVA" -Xmx512m -cp "$BENCH_CP" \
            io.flashsale.bench.LifecycleRun || status=$?
        exit "$status"
        ;;
    chaos)
        status=0
        chaos "$RUN_DIR" || status=$?
        exit "$status"
        ;;
    spike) spike "$RUN_DIR/spike" reserve 0 ;;
    modes)
        spike "$RUN_DIR/reserve" reserve 0
        spike "$RUN_DIR/check-only" check-only 0
        ;;
    settle) settle "$RUN_DIR/settle" 1 ;;
    bigstock) bigstock "$RUN_DIR/bigstock" ;;
    openloop) openloop "$RUN_DIR/openloop" ;;
    overload) overload "$RUN_DIR/overload" ;;
    scale)
        for n in $WORKER_COUNTS; do settle "$RUN_DIR/settle-${n}w" "$n"; done
        for n in $API_COUNTS; do spike "$RUN_DIR/spike-${n}api" reserve "$n"; done
        ;;
esac

meta "$RUN_DIR" scenario="$scenario" smoke="$smoke" started="$(basename "$RUN_DIR")" \
    host="$(hostname)" cores="$(nproc)" java="$("$BENCH_JAVA" -version 2>&1 | head -n 1)" \
    commit="$BUILD_COMMIT"
status=0
python3 "$BENCH_ROOT/bench/lib/report.py" "$RUN_DIR" || status=$?
# overload prints its table as bench/overload.sh did
[[ $scenario != overload ]] || sed -n '/^## Load shedding/,$p' "$RUN_DIR/report.md"
exit "$status"
