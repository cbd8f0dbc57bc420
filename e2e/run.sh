#!/usr/bin/env bash
# The browser tests of the buyer's pages (docs/adr/0050): Debian's Chromium, headless, driven by
# playwright-core from npm, against two api instances of target/flashsale.jar on a scratch
# deployment of their own (PostgreSQL database, RabbitMQ virtual host, Redis key prefix), so that a
# run goes beside the Maven tests and other runs and leaves nothing behind.
#
#   e2e/run.sh [test files...]        (default: every e2e/tests/*.test.js)
#
# Instance A runs every role, instance B only the api: a page on B sees what A's buyers and worker
# did only through Redis pub/sub, as with any two api instances. Installs what is missing, as root
# on a Debian machine: Chromium (apt-get install chromium) and the test packages (npm ci in e2e/);
# builds the jar if it is missing. Bounded: each instance has 150 s to become ready, the tests 180 s.
#
# Environment: E2E_SCREENSHOTS (where the screenshots go; default target/e2e/screenshots;
# E2E_SCREENSHOTS=docs/screenshots refreshes the README's), E2E_KEEP_LOGS=1 (keep the instances'
# logs even when everything passed), JAVA_HOME (see bin/lib/jdk.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
# shellcheck source=bin/lib/scratch.sh
source bin/lib/scratch.sh

say() { printf 'e2e: %s\n' "$*"; }
die() { printf 'e2e: error: %s\n' "$*" >&2; exit 1; }

apt_install() {
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || return 1
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# --- what it needs --------------------------------------------------------------------------------
chromium=${E2E_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
    say "installing Debian's chromium"
    apt_install chromium fonts-liberation fonts-dejavu-core || die "$chromium not found: apt-get install chromium"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Debian's nodejs and npm"
    apt_install nodejs npm || die "node and npm are needed (apt-get install nodejs npm)"
fi
if [[ ! -d e2e/node_modules/playwright-core || e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]]; then
    say "installing the test packages (npm ci in e2e)"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error </dev/null)
fi
for tool in psql redis-cli rabbitmqctl curl; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

jar=target/flashsale.jar
if [[ ! -f $jar ]]; then
    select_jdk 21 || exit 1
    say "building $jar"
    ./mvnw -q -B package -DskipTests </dev/null
else
    select_jdk 21 jre-ok || exit 1
fi

# --- the deployment -------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768-)
        port_free "$port" && { echo "$port"; return; }
    done
    die "no free port found"
}

name=e2e_$$_$RANDOM
run=$(mktemp -d "${TMPDIR:-/tmp}/flashsale-e2e.XXXXXX")
token=e2e-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
declare -a pids=() labels=()
created=false
passed=false

stop_all() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    local deadline=$((SECONDS + 30))
    for i in "${!pids[@]}"; do
        while kill -0 "${pids[$i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
        kill -KILL "${pids[$i]}" 2>/dev/null || true
        wait "${pids[$i]}" 2>/dev/null || true
    done
    if $created; then
        scratch_drop "$name"
    fi
    if $passed && [[ ${E2E_KEEP_LOGS:-0} != 1 ]]; then
        rm -rf "$run"
    else
        for label in "${labels[@]}"; do
            say "last lines of $label ($run/$label.log):"
            grep -E ' (WARN|ERROR) ' "$run/$label.log" | tail -n 15 >&2 || true
        done
        say "logs kept in $run"
    fi
    exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

say "scratch deployment $name"
scratch_create "$name"
created=true

export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$name"
export SPRING_RABBITMQ_VIRTUAL_HOST=$name
export FLASHSALE_GATE_KEY_PREFIX=$name
export FLASHSALE_ADMIN_TOKEN=$token
export SPRING_DATA_REDIS_HOST=${SPRING_DATA_REDIS_HOST:-127.0.0.1}
export SPRING_RABBITMQ_HOST=${SPRING_RABBITMQ_HOST:-127.0.0.1}
unset FLASHSALE_DEMO FLASHSALE_ROLES

start() { # label roles port
    # JAVA_OPTS is split on spaces on purpose: it holds several JVM flags.
    # shellcheck disable=SC2086
    FLASHSALE_ROLES=$2 SERVER_PORT=$3 "$JAVA_HOME/bin/java" ${E2E_JAVA_OPTS:--Xmx384m -XX:TieredStopAtLevel=1} \
        -jar "$jar" >"$run/$1.log" 2>&1 &
    pids+=($!)
    labels+=("$1")
}
wait_ready() { # index port
    local deadline=$((SECONDS + 150))
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$2/actuator/health/readiness" 2>/dev/null; do
        kill -0 "${pids[$1]}" 2>/dev/null || { tail -n 30 "$run/${labels[$1]}.log" >&2; die "${labels[$1]} exited"; }
        ((SECONDS < deadline)) || { tail -n 30 "$run/${labels[$1]}.log" >&2; die "${labels[$1]} not ready after 150 s"; }
        sleep 1
    done
}
port_a=$(free_port)
start api-a api,worker,dlq,reconciler "$port_a"
say "instance A (every role) starting on $port_a; it runs the migrations first"
wait_ready 0 "$port_a"
port_b=$(free_port)
start api-b api "$port_b"
say "instance B (api) starting on $port_b"
wait_ready 1 "$port_b"
say "both ready"

# --- the tests ------------------------------------------------------------------------------------
export E2E_URL_A=http://127.0.0.1:$port_a E2E_URL_B=http://127.0.0.1:$port_b E2E_ADMIN_TOKEN=$token
export E2E_CHROMIUM=$chromium
export E2E_SCREENSHOTS=${E2E_SCREENSHOTS:-$root/target/e2e/screenshots}
[[ $E2E_SCREENSHOTS == /* ]] || E2E_SCREENSHOTS=$root/$E2E_SCREENSHOTS
cd e2e
files=("$@")
((${#files[@]} > 0)) || files=(tests/*.test.js)
timeout --kill-after=10 180 node --test --test-concurrency=1 --test-reporter=spec "${files[@]}" </dev/null
passed=true
