# shellcheck shell=bash
# Shared by bench/run.sh, bench/showcase.sh, bench/api-crowd.sh and bench/timers.sh: tools, build,
# state, processes, load. Sourced, not run.
#
# The one way to make and remove a scratch environment is the pair bench_state / bench_cleanup:
# bench_state makes a new name $BENCH_NAME and its PostgreSQL database (the app creates its Redis
# keys NAME:* and its RabbitMQ queues and exchanges NAME.*); bench_cleanup stops every process this
# file started (recorded in BENCH_PIDS, stopped by id, never by name) and removes the database, the
# keys and every queue and exchange named NAME.* of every name made since the last clean-up. Every
# script traps bench_cleanup on EXIT, so an error or an interrupt leaves nothing behind either.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_ADMIN_TOKEN=bench-admin-token
BENCH_PIDS=()
BENCH_NAMES=()

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# checked as the scripts start, before any state is made (queue_version below uses it)
[[ ${BENCH_QUEUE_VERSION:-2} =~ ^(1|2|default)$ ]] ||
    die "BENCH_QUEUE_VERSION takes 1, 2 or default, not '$BENCH_QUEUE_VERSION'"

# queue_version: the classic queue storage version a run asks for (1, 2 or default, the broker's
# own): BENCH_QUEUE_VERSION, 2 unset; chaos runs always the broker's, with which their faults
# were measured (docs/adr/0063-classic-queues-in-storage-version-2.md)
queue_version() {
    if [[ ${scenario:-} == chaos ]]; then echo default; else echo "${BENCH_QUEUE_VERSION:-2}"; fi
}

now_ms() { date +%s%3N; }

# usage LAST_LINE: prints the calling script's leading comment (lines 2 to LAST_LINE), exits 2.
usage() { sed -n "2,${1}p" "$0" | sed 's/^# \{0,1\}//'; exit 2; }

# Installs what the harness needs from Debian if it is missing (as root), else says what to install.
bench_tools() {
    local missing=() tool package
    for tool in "$@"; do
        case $tool in
            wrk) package=wrk ;;
            gnuplot) package=gnuplot-nox ;;
            nginx) package=nginx-light ;;
            jq) package=jq ;;
            curl) package=curl ;;
            python3) package=python3 ;;
        esac
        command -v "$tool" >/dev/null 2>&1 || [[ $tool == nginx && -x /usr/sbin/nginx ]] || missing+=("$package")
    done
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${missing[*]} (apt-get)"
        # nginx must not start as a service on install: the harness runs its own on a free port.
        local policy=/usr/sbin/policy-rc.d created_policy=false
        if [[ ! -e $policy ]]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=true
        fi
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
            || die "could not install ${missing[*]}"
        # (an if, not "$created_policy && rm": as the function's last command a false test would
        # return 1, and under set -e end the whole run without a word)
        if $created_policy; then rm -f "$policy"; fi
    else
        die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})"
    fi
}

# Picks a JDK 21+ and builds target/flashsale.jar plus the test classes and their class path when
# they are missing, older than the sources, or BENCH_REBUILD=1. Sets BENCH_JAVA and BENCH_CP.
bench_build() {
    cd "$BENCH_ROOT" || exit 1
    # shellcheck source=bin/lib/jdk.sh
    source bin/lib/jdk.sh
    select_jdk 21 || exit 1
    BENCH_JAVA=$JAVA_HOME/bin/java
    local jar=target/flashsale.jar cp_file=target/bench.classpath
    if [[ ${BENCH_REBUILD:-0} == 1 || ! -f $jar || ! -f $cp_file || ! -d target/test-classes/io/flashsale/bench \
          || -n $(find src pom.xml -newer "$cp_file" -print -quit) ]]; then
        say "building $jar and the bench tools (./mvnw -q -B -DskipTests package)"
        ./mvnw -q -B -DskipTests package dependency:build-classpath \
            -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test </dev/null >&2 || die "build failed"
        touch "$cp_file" # the stamp of this build: Maven leaves unchanged outputs untouched
    fi
    BENCH_CP="$BENCH_ROOT/target/test-classes:$BENCH_ROOT/target/classes:$(cat "$cp_file")"
}

# The Java side (io.flashsale.bench.BenchTool, in the test sources): tool <command> [--option value]...
tool() { (tool_exec "$@"); }

# tool_exec <command> ...: the same in place of the shell that calls it. In the background,
# `(tool_exec ...) &` makes $! the JVM's own pid, so stopping that pid stops the JVM (a function put
# in the background is a shell of its own, whose JVM a TERM would leave running).
tool_exec() {
    exec "$BENCH_JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -cp "$BENCH_CP" io.flashsale.bench.BenchTool "$@"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_state: fresh state under a new name, BENCH_NAME: database created now, keys and queues
# created by the app. Removed by bench_cleanup.
bench_state() {
    BENCH_NAME="bench_$(date +%H%M%S)_$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    BENCH_NAMES+=("$BENCH_NAME")
    tool create-db --name "$BENCH_NAME" || die "could not create database $BENCH_NAME"
    queue_version_policy "$BENCH_NAME"
    say "state: database, Redis prefix and queue prefix $BENCH_NAME"
}

# queue_version_policy NAME: the classic queues NAME.* store messages in version $(queue_version)
# of RabbitMQ's classic queue storage, by a policy of their own that bench_cleanup removes.
# Version 2 is what the deployment's broker uses (compose.yaml sets it; 4.x has only it);
# up to 3.13 a broker defaults to version 1, whose confirms held the open loop's admissions for a
# quarter to half a second at a time (docs/adr/0063-classic-queues-in-storage-version-2.md).
# Asked for, not read back: a broker's own policy on the same queues may win.
queue_version_policy() {
    local version
    version=$(queue_version)
    [[ $version != default ]] || return 0
    command -v rabbitmqctl >/dev/null 2>&1 || {
        say "warning: no rabbitmqctl here: the queues of $1 keep the broker's storage version"
        return 0
    }
    timeout 30 rabbitmqctl -q -p "${SPRING_RABBITMQ_VIRTUAL_HOST:-/}" set_policy --apply-to queues \
        "$1.queue-version" "^$1\\." "{\"queue-version\": $version}" >/dev/null ||
        say "warning: could not set the queues of $1 to version $version; they keep the broker's default"
}

# launch_app LABEL ROLES [VAR=value ...]: runs the jar on a free port against $BENCH_NAME without
# waiting; sets APP_PID and APP_PORT. Its heap is BENCH_HEAP from the start (-Xms = -Xmx: a heap
# G1 may shrink keeps it marking back to back: docs/adr/0060-a-heap-of-fixed-size.md). Its log
# is logs/LABEL.log, its collector's pauses logs/LABEL-gc.log (-Xlog:gc,gc+phases with the
# wall-clock time, for the report's pause row: ZGC logs its pauses under gc+phases only). A JVM
# started again under the same label renames the file it finds to LABEL-gc.log.0, .1, ... (-Xlog's
# rotation, five kept); the report reads them all. The caller's environment
# (FLASHSALE_SETTLEMENT_BATCH_SIZE, SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE, ...) is passed on.
# The edge's rate limits and load shedding are off unless the caller's environment turns them on:
# the load comes from one address, and the scenarios measure the gate, the queue and the database
# (bench/run.sh overload measures the edge).
launch_app() {
    local label=$1 roles=$2
    shift 2
    APP_PORT=$(free_port)
    mkdir -p "$RUN_DIR/logs"
    # an -Xms or -Xmx in BENCH_JAVA_OPTS sizes the heap itself: an -Xms of ours above its -Xmx would
    # stop the JVM at start
    local heap=(-Xms"${BENCH_HEAP:-512m}" -Xmx"${BENCH_HEAP:-512m}")
    [[ " ${BENCH_JAVA_OPTS:-} " != *" -Xm"[sx]* ]] || heap=(-Xmx"${BENCH_HEAP:-512m}")
    # BENCH_HEAP_FLAGS replaces both (bench/role-memory.sh gives the image's); APP_CGROUP, a memory
    # cgroup to start in, is role-memory.sh's too
    # shellcheck disable=SC2206  # several flags
    [[ -z ${BENCH_HEAP_FLAGS:-} ]] || heap=($BENCH_HEAP_FLAGS)
    local in_cgroup=()
    # shellcheck disable=SC2016  # $$ and $@ are the inner shell's
    [[ -z ${APP_CGROUP:-} ]] || in_cgroup=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$APP_CGROUP")
    # -Xlog cannot take a file name with a double quote, and expands %p and %t in it: such a results
    # directory gets no GC log rather than an app that does not start
    local gc_log=("-Xlog:gc,gc+phases:file=\"$RUN_DIR/logs/$label-gc.log\":utctime")
    if [[ $RUN_DIR == *[\"%]* ]]; then
        gc_log=()
        say "$label: no GC log, the results directory's name has a \" or a %"
    fi
    # shellcheck disable=SC2086  # BENCH_JAVA_OPTS holds several flags
    env SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$BENCH_NAME" \
        FLASHSALE_RATE_LIMIT_ENABLED="${FLASHSALE_RATE_LIMIT_ENABLED:-false}" \
        FLASHSALE_CONCURRENCY_LIMIT_ENABLED="${FLASHSALE_CONCURRENCY_LIMIT_ENABLED:-false}" \
        FLASHSALE_GATE_KEY_PREFIX="$BENCH_NAME" FLASHSALE_MESSAGING_PREFIX="$BENCH_NAME" \
        FLASHSALE_ADMIN_TOKEN="$BENCH_ADMIN_TOKEN" FLASHSALE_ROLES="$roles" SERVER_PORT="$APP_PORT" "$@" \
        "${in_cgroup[@]}" "$BENCH_JAVA" "${heap[@]}" "${gc_log[@]}" ${BENCH_JAVA_OPTS:-} -jar "$BENCH_ROOT/target/flashsale.jar" \
        >"$RUN_DIR/logs/$label.log" 2>&1 </dev/null &
    APP_PID=$!
    BENCH_PIDS+=("$APP_PID")
    echo "$APP_PID" >>"$BENCH_OWN_PIDS"
}

# nice_of PID: the process's nice, the 19th field of /proc/PID/stat (the 2nd, its name, ends at the
# last ')'); fails if the process is gone.
nice_of() {
    local stat fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -ra fields <<<"${stat##*) }"
    echo "${fields[16]}"
}

# await_app LABEL PID PORT: waits until the process answers ready.
await_app() {
    local label=$1 pid=$2 port=$3 deadline=$((SECONDS + ${BENCH_START_TIMEOUT:-180}))
    until curl -fs -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness"; do
        kill -0 "$pid" 2>/dev/null || die "$label exited during start; see $RUN_DIR/logs/$label.log"
        ((SECONDS < deadline)) || die "$label not ready after ${BENCH_START_TIMEOUT:-180}s; see $RUN_DIR/logs/$label.log"
        sleep 0.5
    done
    say "$label ready (port $port, pid $pid)"
}

# start_app LABEL ROLES [VAR=value ...]: launch_app, then await_app.
start_app() {
    launch_app "$@"
    await_app "$1" "$APP_PID" "$APP_PORT"
}

# Stops one process we started: SIGTERM (graceful shutdown), SIGKILL after 60 s.
stop_pid() {
    local pid=$1 waited=0
    kill -0 "$pid" 2>/dev/null || return 0
    # a process a scenario stopped (SIGSTOP) would take the TERM only once resumed
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited < 600)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# bench_cleanup: stops every process started here, then removes the state of every name bench_state
# made: the database, the Redis keys NAME:* and the RabbitMQ queues and exchanges NAME.* (those the
# app declares with the default retry delays, the harness's own, and, when rabbitmqctl can list
# them, every other one with the prefix: other retry delays, another virtual host). Says what is
# left, if anything. Safe to call twice (the scripts call it after each sub-run and on EXIT).
bench_cleanup() {
    local pid name extra left
    for pid in "${BENCH_PIDS[@]}"; do
        stop_pid "$pid"
    done
    BENCH_PIDS=()
    ((${#BENCH_NAMES[@]})) || return 0
    for name in "${BENCH_NAMES[@]}"; do
        extra=()
        while read -r kind thing; do
            extra+=("--$kind" "$thing")
        done < <(rabbit_names "$name")
        tool cleanup --name "$name" "${extra[@]}" >/dev/null 2>&1 || say "warning: could not clean up $name"
        if command -v rabbitmqctl >/dev/null 2>&1 && [[ $(queue_version) != default ]]; then
            timeout 30 rabbitmqctl -q -p "${SPRING_RABBITMQ_VIRTUAL_HOST:-/}" clear_policy "$name.queue-version" >/dev/null 2>&1 || true
        fi
        left=$(bench_leftovers "$name")
        [[ -z $left ]] || say "warning: left behind by $name: $left"
    done
    BENCH_NAMES=()
}

# rabbit_names NAME: "queue Q" and "exchange E" lines for every queue and exchange named NAME.* in the
# app's virtual host, by rabbitmqctl (nothing when it is missing or cannot reach the broker).
rabbit_names() {
    command -v rabbitmqctl >/dev/null 2>&1 || return 0
    local vhost=${SPRING_RABBITMQ_VIRTUAL_HOST:-/} kind pids=()
    for kind in queue exchange; do # side by side: each call starts an Erlang VM (about a second)
        { timeout 30 rabbitmqctl -q -p "$vhost" "list_${kind}s" name 2>/dev/null \
            | awk -v p="$1." -v k="$kind" 'index($0, p) == 1 { print k, $0 }' || true; } &
        pids+=($!)
    done
    wait "${pids[@]}"
}

# bench_leftovers NAME: what is left of NAME's state (database, Redis keys, queues, exchanges), by the
# command-line clients that are installed; empty when nothing is.
bench_leftovers() {
    local name=$1 found=()
    if command -v psql >/dev/null 2>&1 && [[ $(psql -h 127.0.0.1 -U postgres -XAtc \
        "SELECT 1 FROM pg_database WHERE datname = '$name'" 2>/dev/null) == 1 ]]; then
        found+=("database $name")
    fi
    if command -v redis-cli >/dev/null 2>&1 && [[ -n $(redis-cli -h 127.0.0.1 --scan --pattern "$name:*" 2>/dev/null | head -n 1) ]]; then
        found+=("Redis keys $name:*")
    fi
    local kind thing
    while read -r kind thing; do
        found+=("$kind $thing")
    done < <(rabbit_names "$name")
    echo "${found[*]}"
}

# admin POST against the api on $1: admin PORT PATH [JSON]
admin() {
    local body=()
    [[ -n ${3:-} ]] && body=(-H 'Content-Type: application/json' -d "$3")
    curl -fsS -X POST "http://127.0.0.1:$1$2" -H "Authorization: Bearer $BENCH_ADMIN_TOKEN" "${body[@]}"
}

# open_sale PORT STOCK LIMIT: creates a sale open now with one item, warms it up, prints the item id.
open_sale() {
    local port=$1 stock=$2 limit=$3 sale starts ends
    starts=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
    ends=$(date -u -d '+6 hours' +%Y-%m-%dT%H:%M:%SZ)
    sale=$(admin "$port" /api/v1/admin/sales "{\"name\":\"Bench sale\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",
        \"items\":[{\"sku\":\"BENCH-$stock\",\"name\":\"Bench item\",\"price\":19.90,\"stock\":$stock,\"perUserLimit\":$limit}]}") \
        || die "could not create a sale"
    admin "$port" "/api/v1/admin/sales/$(jq -r .id <<<"$sale")/warmup" >/dev/null || die "could not warm up"
    jq -r '.items[0].id' <<<"$sale"
}

# load DIR URL CONNECTIONS SECONDS [BENCH_VAR=value ...]: wrk with BENCH_WRK_THREADS threads (4)
# and the per-response log of bench/wrk/flashsale.lua in DIR; stops when every thread is done (time
# up, or its buyers used up) so that no request is cut off in flight. Writes DIR/accepted.txt.
load() {
    local dir=$1 url=$2 connections=$3 seconds=$4 threads=${BENCH_WRK_THREADS:-4}
    shift 4
    ((threads <= connections)) || threads=$connections
    mkdir -p "$dir"
    rm -f "$dir"/wrk-*.log "$dir"/done-* "$dir/cpu.json" "$dir/window.txt"
    # A load bounded in time is measured over its window: the answers that arrive after it are the
    # in-flight tail, and a connection starved for seconds must not stretch the window (it once
    # halved the trivial endpoint's figure). A load of N buyers runs until the last is answered.
    # CPU is counted over the same window, or until the last answer.
    local timed=true cpu_timer="" turns_before
    [[ " $* " == *" BENCH_SEQUENTIAL="* ]] && timed=false
    $timed && echo "$seconds" >"$dir/window.txt"
    turns_before=$(turns "$url")
    cpu_start "$dir"
    env BENCH_OUT="$dir" BENCH_THREADS="$threads" BENCH_SECONDS="$seconds" "$@" \
        nice -n "${BENCH_WRK_NICE:-0}" wrk -t "$threads" -c "$connections" -d "$((seconds + 30))s" --timeout 10s --latency \
        -s "$BENCH_ROOT/bench/wrk/flashsale.lua" "$url" >"$dir/wrk.txt" 2>&1 &
    local wrk_pid=$!
    BENCH_PIDS+=("$wrk_pid")
    echo "$wrk_pid" >>"$BENCH_OWN_PIDS"
    if $timed; then
        # the connections are counted half a second before the window ends: a wrk thread stops once its
        # time is up and its last answers are in, and wrk is gone soon after
        (sleep "$(awk -v s="$seconds" 'BEGIN { print (s > 1 ? s - 0.5 : s / 2) }')" \
            && connections_snapshot "$dir" "$wrk_pid" \
            && sleep "$(awk -v s="$seconds" 'BEGIN { print (s > 1 ? 0.5 : s / 2) }')" && cpu_stop "$dir") &
        cpu_timer=$!
        BENCH_PIDS+=("$cpu_timer")
    fi
    while kill -0 "$wrk_pid" 2>/dev/null; do
        if (($(find "$dir" -maxdepth 1 -name 'done-*' | wc -l) >= threads)); then
            # before wrk goes, so that its own time counts (a timed load's reading ends its window)
            if $timed; then wait "$cpu_timer" || true; cpu_timer=""; else cpu_stop "$dir"; fi
            kill -INT "$wrk_pid" 2>/dev/null
            break
        fi
        sleep 0.2
    done
    wait "$wrk_pid" || true
    if $timed; then
        [[ -z $cpu_timer ]] || wait "$cpu_timer" || true
    elif [[ ! -f $dir/cpu.json ]]; then
        cpu_stop "$dir" # wrk ended on its own
    fi
    # requests that waited for their turn (ADR 0046) during this load, when the app counts them
    if [[ -n $turns_before ]]; then
        awk -v a="$turns_before" -v b="$(turns "$url")" 'BEGIN { if (b != "") printf "%d\n", b - a }' >"$dir/turns.txt"
    fi
    cat "$dir"/wrk-*.log | awk '$3 == 202 && $4 != "-" { print $4 }' >"$dir/accepted.txt"
    say "load $(basename "$dir"): $(cat "$dir"/wrk-*.log | wc -l) responses, $(wc -l <"$dir/accepted.txt") accepted"
}

# turns URL: the app's count of requests that were sent to the back of the queue (flashsale.http.turns,
# ADR 0046), or nothing when the app does not count them (FLASHSALE_HTTP_FAIR_TURNS=false)
turns() {
    curl -fs --max-time 5 "$1/actuator/metrics/flashsale.http.turns" 2>/dev/null \
        | jq -r '.measurements[] | select(.statistic == "COUNT") | .value' 2>/dev/null || true
}

# connections_snapshot DIR PID: the requests sent so far on each TCP connection of process PID,
# one number a line in DIR/connections.txt, from the kernel's count of data segments sent on the
# socket (ss -i: data_segs_out). wrk writes each request in one segment and sends the next one only
# after the answer, so this is the number of requests each connection had served (or in flight) at
# (nearly) the end of the window: report.py turns it into a fairness figure (Jain's index). wrk's Lua API
# does not say which connection an answer came on; the kernel does.
connections_snapshot() {
    ss -tinpH state established 2>/dev/null | awk -v pid="pid=$2," '
        /^[^ \t]/ { mine = index($0, pid) > 0; next }
        mine {
            if (match($0, /data_segs_out:[0-9]+/)) print substr($0, RSTART + 14, RLENGTH - 14); else print 0
            mine = 0
        }' >"$1/connections.txt"
}

# gatling_build: compiles bench/gatling (a Maven project of its own) and writes its class path, once
# or when its sources changed; sets GATLING_CP.
gatling_build() {
    local project=$BENCH_ROOT/bench/gatling cp_file=$BENCH_ROOT/bench/gatling/target/gatling.classpath
    if [[ ! -f $cp_file || -n $(find "$project/src" "$project/pom.xml" -newer "$cp_file" -type f -print -quit) ]]; then
        say "building the Gatling simulations (./mvnw -f bench/gatling/pom.xml test-compile)"
        "$BENCH_ROOT/mvnw" -q -B -f "$project/pom.xml" test-compile dependency:build-classpath \
            -Dmdep.outputFile="$cp_file" </dev/null >&2 || die "Gatling build failed"
        touch "$cp_file"
    fi
    GATLING_CP="$project/target/test-classes:$(cat "$cp_file")"
}

# open_load DIR URL RATE SECONDS ITEM BUYERS WARMUP_ITEM: Gatling's open injection
# (OpenLoopSimulation): a warm-up of the generator buying WARMUP_ITEM for BENCH_OPEN_WARMUP_SECONDS
# (40), ramping up to RATE x BENCH_OPEN_WARMUP_FRACTION (1); a pause of BENCH_OPEN_PAUSE_SECONDS (3)
# while its orders settle; then RATE buyers a second for SECONDS, each one purchase of ITEM; per-request log in DIR/requests-gatling.log, DIR/accepted.txt (the warm-up's
# in DIR/warmup/), CPU by part over the window in DIR/cpu.json, the app's timers at the window's start
# in DIR/../metrics-before.prom (the caller scrapes the end), the JIT readings of the app (APP_PID)
# from the pause's start to the window's end in DIR/jit-before.txt and DIR/jit-after.txt; sets OPEN_WARMUP_SECONDS,
# OPEN_PAUSE_SECONDS and OPEN_WARMUP_FRACTION to what it used. The warm-up is long because Gatling's
# own JIT is: after 10 s it still spent about 1 ms of CPU per request, twice what it spends after
# 40 s, and took the cores the system was measured on (ADR 0056).
open_load() {
    local dir=$1 url=$2 rate=$3 seconds=$4 item=$5 buyers=$6 warmup_item=$7
    # the generator's settings, kept for the caller's meta.json
    OPEN_WARMUP_SECONDS=${BENCH_OPEN_WARMUP_SECONDS:-40} OPEN_PAUSE_SECONDS=${BENCH_OPEN_PAUSE_SECONDS:-3}
    OPEN_WARMUP_FRACTION=${BENCH_OPEN_WARMUP_FRACTION:-1}
    local warmup=$OPEN_WARMUP_SECONDS pause=$OPEN_PAUSE_SECONDS
    # whole seconds: Gatling reads them as integers (and falls back to its defaults on anything else)
    [[ $warmup =~ ^[0-9]+$ && $pause =~ ^[0-9]+$ ]] ||
        die "BENCH_OPEN_WARMUP_SECONDS and BENCH_OPEN_PAUSE_SECONDS take whole seconds, not '$warmup' and '$pause'"
    mkdir -p "$dir"
    rm -f "$dir"/requests-*.log "$dir/cpu.json" "$dir/window.txt" "$dir/started" "$dir/measuring" "$dir/cpu-taken"
    echo "$seconds" >"$dir/window.txt"
    # the JVM options gatling-maven-plugin passes to the JVM it forks; an open loop opens a connection
    # for every buyer that arrives while all open ones are busy, so it needs more than 1,024 files;
    # BENCH_GATLING_JAVA_OPTS adds flags (several: unquoted on purpose); the heap at full size from the
    # start: G1 kept a 74 MiB one and paused it for 5-31 ms every 3.5 s of the window (ADR 0070)
    # shellcheck disable=SC2086
    (ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$BENCH_JAVA" -Xms"${BENCH_GATLING_HEAP:-768m}" -Xmx"${BENCH_GATLING_HEAP:-768m}" -XX:+UseG1GC ${BENCH_GATLING_JAVA_OPTS:-} -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 \
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
        --add-opens=java.base/java.lang=ALL-UNNAMED -Dgatling.http.requestTimeout=10000 \
        -DbaseUrl="$url" -DitemId="$item" -DwarmupItemId="$warmup_item" -Drate="$rate" -Dseconds="$seconds" \
        -DwarmupSeconds="$warmup" -DpauseSeconds="$pause" \
        -DwarmupRate="$(awk -v r="$rate" -v f="$OPEN_WARMUP_FRACTION" 'BEGIN { w = r * f; print (w < 1 ? 1 : w) }')" \
        -Dbuyers="$buyers" -DbuyerPrefix=o -Dout="$dir" -cp "$GATLING_CP" io.gatling.app.Gatling \
        --simulation io.flashsale.bench.gatling.OpenLoopSimulation --results-folder "$dir/gatling" --no-reports \
        </dev/null >"$dir/gatling.txt" 2>&1) &
    local gatling_pid=$!
    BENCH_PIDS+=("$gatling_pid")
    echo "$gatling_pid" >>"$BENCH_OWN_PIDS"
    # CPU, the app's JIT (jit_count) and its timers over the measured window, not the generator's JVM
    # start, JIT and warm-up: the timers are scraped once the warm-up and the pause are over, counted from the
    # simulation's start (DIR/started; the JVM takes seconds to get there), and the CPU counted for
    # SECONDS from the first measured arrival (DIR/measuring, about a second later). Each wait ends
    # early if Gatling is gone. Gatling stays until DIR/cpu-taken, so that the reading counts its JVM.
    (await_file "$dir/started" "$gatling_pid" || exit 0
        # the JIT's first reading as the pause starts: jstat is a JVM of its own, kept out of the window
        sleep "$warmup"
        jit_count "$dir/jit-before.txt" app="$APP_PID"
        sleep "$pause"
        scrape "$url" "$dir/../metrics-before.prom"
        await_file "$dir/measuring" "$gatling_pid" || exit 0
        { cpu_start "$dir" && sleep "$seconds" && cpu_stop "$dir"; } || say "warning: no CPU reading for $dir"
        jit_count "$dir/jit-after.txt" app="$APP_PID"
        touch "$dir/cpu-taken") &
    local cpu_timer=$!
    BENCH_PIDS+=("$cpu_timer")
    wait "$gatling_pid" || say "warning: Gatling exited with $? (see $dir/gatling.txt)"
    wait "$cpu_timer" || true
    [[ -f $dir/requests-gatling.log ]] || die "Gatling wrote no request log; see $dir/gatling.txt"
    awk '$3 == 202 && $4 != "-" { print $4 }' "$dir/requests-gatling.log" >"$dir/accepted.txt"
    awk '$3 == 202 && $4 != "-" { print $4 }' "$dir/warmup/requests-gatling.log" >"$dir/warmup/accepted.txt"
    say "open load $(basename "$dir"): $(wc -l <"$dir/requests-gatling.log") buyers at $rate/s, $(wc -l <"$dir/accepted.txt") accepted"
}

# await_file FILE PID: waits until FILE exists; fails as soon as process PID is gone without it.
await_file() {
    until [[ -f $1 ]]; do
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
}

# cpu_start DIR / cpu_stop DIR: CPU time of every part of the system in between, as DIR/cpu.json
# (bench/lib/cpu.py), so a report can say where the cores went and what one answer cost in each part.
# The apps and load generators this run started are listed in BENCH_OWN_PIDS, so that those of other
# work on the same machine are named apart.
export BENCH_OWN_PIDS=${BENCH_OWN_PIDS:-$(mktemp -t bench-own-pids.XXXXXX)}
cpu_start() { mkdir -p "$1" && python3 "$BENCH_ROOT/bench/lib/cpu.py" snap "$1/.cpu-start.json"; }
cpu_stop() { python3 "$BENCH_ROOT/bench/lib/cpu.py" diff "$1/.cpu-start.json" "$1/cpu.json" && rm -f "$1/.cpu-start.json"; }

# jit_count FILE NAME=PID...: each JVM's compilations and compile-task seconds so far, one line
# "NAME COMPILATIONS SECONDS" each, read by jstat from the JVM's perf data (the app is not asked);
# two readings around a load say whether its window ran compiled code (ADR 0067). jstat is a JVM
# of its own (about 0.3 s of CPU): read it outside the measured window. A JVM it cannot read
# (-XX:-UsePerfData) gets no line; the report says so.
jit_count() {
    local file=$1 pair
    shift
    mkdir -p "$(dirname "$file")"
    : >"$file"
    for pair in "$@"; do
        # an English locale: jstat writes its seconds with the JVM's decimal separator
        "$(dirname "$BENCH_JAVA")/jstat" -J-Duser.language=en -J-Duser.country=US -compiler "${pair#*=}" 2>/dev/null \
            | awk -v name="${pair%%=*}" 'NR == 2 && NF >= 4 { print name, $1, $4 }' >>"$file" || true
    done
}

# scrape URL FILE: the app's Prometheus figures (timers by phase of a purchase) into FILE, so two
# scrapes around a load give its own distribution; a failed scrape leaves no file and no error.
scrape() { curl -sf "$1/actuator/prometheus" -o "$2" || rm -f "$2"; }

# scraper_start URL: scrapes the app every BENCH_SCRAPE_SECONDS (5, as deploy/prometheus/prometheus.yml
# does in production) until bench_cleanup, from the warm-up on; 0 turns it off. A production app is
# scraped all along, so its compiled purchase path has seen the scrape's responses too. Without
# this, the open loop's first scrape (metrics-before.prom) came a second before the measured sale
# and undid the compiled code of the response path the purchases share with it: the JIT log showed
# some 40 methods deoptimized within 0.1 s of the scrape (Response.setContentType,
# OutputBuffer.close, ...), and the sale's first two seconds were its slowest (docs/adr/0058).
# The loop's curl and sleep run in the background and are waited for, so that bench_cleanup's TERM
# stops the loop at once and the loop stops them too: a sleep left behind would hold the run's
# output open (a pipe into tee) for up to the interval after the run ended. The interval is read in
# base 10 (bash would take 08 for an octal number and fail) and kept normalised for meta.json.
scraper_start() {
    local url=$1 every=${BENCH_SCRAPE_SECONDS:-5}
    [[ $every =~ ^[0-9]+$ ]] || die "BENCH_SCRAPE_SECONDS takes whole seconds, not '$every'"
    every=$((10#$every))
    BENCH_SCRAPE_SECONDS=$every
    ((every > 0)) || return 0
    (
        child=
        trap '[[ -z $child ]] || kill "$child" 2>/dev/null; exit 0' TERM
        while :; do
            curl -sf -m 5 -o /dev/null "$url/actuator/prometheus" &
            child=$!
            wait "$child" || true
            sleep "$every" &
            child=$!
            wait "$child" || true
            child=
        done
    ) &
    BENCH_PIDS+=("$!")
}

# stall_probes_start DIR [LABEL=PID ...] / stall_probes_stop: what stalled in between, measured apart
# from the app, when BENCH_STALL_PROBES=1 (else nothing):
# bench/lib/hiccup.py at the app's priority (DIR/hiccup.json) and at a real-time priority
# (DIR/hiccup-rt.json, when chrt may set one): the machine itself; and the bench tool's confirm-probe
# (DIR/confirm-probe.json): the broker's confirms to a publisher of the harness's own; and
# bench/lib/fsync_probe.py (DIR/fsync-probe.json): the disk's small syncs, in the broker's data
# directory when the harness may write there (BENCH_FSYNC_DIR overrides), else in DIR; and
# bench/lib/cpu_wait_probe.py (DIR/cpu-wait.json): how long the threads of the app's processes
# (LABEL=PID arguments after DIR; app=APP_PID without them) and of the broker listening on
# SPRING_RABBITMQ_PORT (5672; when this machine runs it and the app talks to it) waited for a core.
# So a report can tell a slow app from a machine that did not run, a disk that did not sync, a
# broker that did not answer, or one that did not get a core to answer with.
stall_probes_start() {
    local dir=$1
    shift
    HICCUP_PIDS=() CONFIRM_PROBE_PID=
    # Only with BENCH_STALL_PROBES=1: their CPU and their 2,000 wake-ups a second, one probe at a
    # real-time priority, doubled the open loop's p99 they were there to explain (ADR 0062).
    [[ ${BENCH_STALL_PROBES:-0} == 1 ]] || return 0
    # each probe goes into BENCH_PIDS as it starts: an error further down must not leave it running
    python3 "$BENCH_ROOT/bench/lib/hiccup.py" run "$dir/hiccup.json" &
    HICCUP_PIDS+=($!) BENCH_PIDS+=($!)
    local fsync_dir=${BENCH_FSYNC_DIR:-/var/lib/rabbitmq}
    [[ -d $fsync_dir && -w $fsync_dir ]] || fsync_dir=$dir
    python3 "$BENCH_ROOT/bench/lib/fsync_probe.py" run "$fsync_dir" "$dir/fsync-probe.json" &
    HICCUP_PIDS+=($!) BENCH_PIDS+=($!)
    if chrt -f 10 true 2>/dev/null; then
        chrt -f 10 python3 "$BENCH_ROOT/bench/lib/hiccup.py" run "$dir/hiccup-rt.json" &
        HICCUP_PIDS+=($!) BENCH_PIDS+=($!)
    fi
    # The broker's pid, when the app's broker is this machine's: ss shows a socket's process only to
    # its owner or root, and finds nothing when the broker is elsewhere, in a container (docker-proxy)
    # or ss is missing; none of that may end the run (set -e with pipefail), it only leaves the row out.
    local broker_pid= port=${SPRING_RABBITMQ_PORT:-5672}
    case ${SPRING_RABBITMQ_HOST:-localhost} in
        localhost | 127.* | ::1)
            broker_pid=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'beam.smp",pid=[0-9]*' | head -1 | cut -d= -f2) || true ;;
    esac
    [[ -n $broker_pid ]] || say "cpu-wait probe: no local broker process found on port $port; the report has no row for the broker's threads"
    (($#)) || set -- app="$APP_PID"
    python3 "$BENCH_ROOT/bench/lib/cpu_wait_probe.py" run "$dir/cpu-wait.json" "$@" \
        ${broker_pid:+broker="$broker_pid"} &
    HICCUP_PIDS+=($!) BENCH_PIDS+=($!)
    CONFIRM_PROBE_STOP=$RUN_DIR/.confirm-probe-stop-$RANDOM
    (tool_exec confirm-probe --name "$BENCH_NAME" --out "$dir/confirm-probe.json" --stop-file "$CONFIRM_PROBE_STOP") &
    CONFIRM_PROBE_PID=$!
    BENCH_PIDS+=("$CONFIRM_PROBE_PID")
}
# The hiccup probes write their figures on SIGTERM; the confirm probe on its stop file, after the
# last confirms.
stall_probes_stop() {
    [[ -n $CONFIRM_PROBE_PID ]] || return 0 # BENCH_STALL_PROBES was not 1: nothing was started
    kill -TERM "${HICCUP_PIDS[@]}" 2>/dev/null || true
    touch "$CONFIRM_PROBE_STOP"
    wait "${HICCUP_PIDS[@]}" "$CONFIRM_PROBE_PID" 2>/dev/null || true
    rm -f "$CONFIRM_PROBE_STOP"
}

# sampler_start ITEMS CSV: samples queue depth, rows, tokens of ITEMS (comma list) into CSV
sampler_start() {
    local items=$1 csv=$2
    SAMPLER_STOP=$RUN_DIR/.sampler-stop-$RANDOM
    (tool_exec sample --name "$BENCH_NAME" --items "$items" --out "$csv" --stop-file "$SAMPLER_STOP" \
        --interval-ms "${BENCH_SAMPLE_MS:-250}" --max-seconds 7200) &
    SAMPLER_PID=$!
    BENCH_PIDS+=("$SAMPLER_PID")
    # The load starts only once the sampler is sampling (its JVM takes a while on a busy machine).
    local deadline=$((SECONDS + 120))
    until [[ -f $csv && $(wc -l <"$csv") -ge 2 ]]; do
        kill -0 "$SAMPLER_PID" 2>/dev/null || die "the sampler exited; see above"
        ((SECONDS < deadline)) || die "the sampler wrote nothing for 120 s"
        sleep 0.2
    done
}

sampler_stop() {
    touch "$SAMPLER_STOP"
    wait "$SAMPLER_PID" 2>/dev/null || true
    rm -f "$SAMPLER_STOP"
}
