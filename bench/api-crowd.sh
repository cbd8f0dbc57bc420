#!/usr/bin/env bash
# This project's own API under a crowd without think time (not the original's showcase, which
# bench/showcase.sh replays): ramp to 100, then 300 virtual users on POST /api/v1/orders, ramp down;
# every answer 202, 409 or 429; p95 under a threshold. Runs Gatling (Java DSL, bench/gatling,
# ApiCrowdSimulation, HTML report) or, with --k6 and k6 on the PATH, bench/k6/api-crowd.js, against
# the app on fresh state, then checks the five invariants.
#
#   bench/api-crowd.sh [--smoke] [--k6]
#
# --smoke: every stage 20 times shorter and a lax threshold (CI). Environment: BENCH_STOCK
# (10,000), BENCH_BUYERS (200,000), BENCH_P95_MS (50; smoke 5000). Results in
# bench/results/<timestamp>-api-crowd[-smoke]/ (gatling/<run>/index.html, check.json).
set -euo pipefail

smoke=false runner=gatling
for arg in "$@"; do
    case $arg in
        --smoke) smoke=true ;;
        --k6) runner=k6 ;;
        *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done

# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

if $smoke; then
    STOCK=${BENCH_STOCK:-300} BUYERS=${BENCH_BUYERS:-5000} P95=${BENCH_P95_MS:-5000} SCALE=0.05
    BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1}
else
    STOCK=${BENCH_STOCK:-10000} BUYERS=${BENCH_BUYERS:-200000} P95=${BENCH_P95_MS:-50} SCALE=1
fi
[[ $runner == k6 ]] && ! command -v k6 >/dev/null && die "k6 is not on the PATH; run without --k6 for Gatling"
bench_tools jq curl python3
bench_build
# shellcheck disable=SC2015  # "|| true" is the else: a non-smoke run has no suffix
RUN_DIR=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}/$(date +%Y%m%d-%H%M%S)-api-crowd$($smoke && echo -smoke || true)
mkdir -p "$RUN_DIR"

bench_state
start_app app api,worker,dlq,reconciler
item=$(open_sale "$APP_PORT" "$STOCK" 1)
status=0
say "$runner: ramp to 100, then 300 users, ramp down (time scale $SCALE), item $item, p95 < ${P95} ms"
if [[ $runner == gatling ]]; then
    # Maven runs Gatling in its own JVM; the JDK picked by bench_build (21+) is fine for it.
    "$BENCH_ROOT/mvnw" -B -f "$BENCH_ROOT/bench/gatling/pom.xml" test-compile gatling:test \
        -Dgatling.simulationClass=io.flashsale.bench.gatling.ApiCrowdSimulation -DbaseUrl="http://127.0.0.1:$APP_PORT" -DitemId="$item" -Dbuyers="$BUYERS" -Dp95Ms="$P95" \
        -DtimeScale="$SCALE" -DacceptedFile="$RUN_DIR/accepted.txt" \
        -Dgatling.resultsFolder="$RUN_DIR/gatling" </dev/null >"$RUN_DIR/gatling.txt" 2>&1 || status=1
    # Gatling's console summary: requests, response time distribution, assertions
    sed -n '/Global Information/,$p' "$RUN_DIR/gatling.txt" | grep -v '^\[INFO\] *$' | head -n 60 >&2
else
    k6 run -e BASE_URL="http://127.0.0.1:$APP_PORT" -e ITEM_ID="$item" -e BUYERS="$BUYERS" -e P95_MS="$P95" \
        -e TIME_SCALE="$SCALE" --summary-export "$RUN_DIR/k6-summary.json" "$BENCH_ROOT/bench/k6/api-crowd.js" \
        || status=$?
    : >"$RUN_DIR/accepted.txt" # k6 keeps no order ids: invariants 3 and 5 are then checked against none
fi
if [[ -f $RUN_DIR/accepted.txt ]]; then
    tool check --name "$BENCH_NAME" --item "$item" --accepted "$RUN_DIR/accepted.txt" \
        --timeout-s "$($smoke && echo 90 || echo 600)" --out "$RUN_DIR/check.json" || status=1
else
    say "no accepted.txt: the load did not finish"
    status=1
fi
report=$(find "$RUN_DIR/gatling" -name index.html 2>/dev/null | head -n 1)
say "api-crowd: exit $status${report:+, Gatling report $report}"
exit "$status"
