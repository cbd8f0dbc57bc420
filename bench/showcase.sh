#!/usr/bin/env bash
# The original system's showcase (its k6 "multi_worker" script), replayed unchanged but for the base
# URL against the compatibility facade: ramping virtual users 5 s to 100, 20 s to 300, 10 s to 0;
# 50 ms think time; each iteration a new buyer user-<VU>-<ITER>, every 7th the VU's repeat buyer
# user-<VU>-fixed, every 50th force-fail; product "1001"; its checks and thresholds (p95 < 300 ms,
# failed < 10 %). Runs Gatling (bench/gatling, OriginalShowcaseSimulation) or, with --k6 and k6 on
# the PATH, bench/k6/original/showcase.js, against the app on fresh state with the fault-injection
# profile (force-fail's orders fail settlement and are dead-lettered, as in the original), after a
# JIT warm-up: the same script at half length (BENCH_WARMUP_SCALE, 0.5; 0 for none, the smoke's
# default) against another product, SKU WARMUP. Then it
# reads orders back from GET /flashsale/result/<id> (a sample, BENCH_RESULT_SAMPLE, 500 per kind)
# until their Status is success (buyers) or failed (force-fail), checks the five invariants, and
# prints p50/p95/p99 beside the original's published run (p95 33.75 ms).
#
#   bench/showcase.sh [--smoke] [--k6]
#
# --smoke: every stage 10 times shorter, latency thresholds reported only (CI). Environment:
# BENCH_STOCK (1,000,000 units of SKU 1001, limit 1: nobody is refused for stock),
# FLASHSALE_MESSAGING_RETRY_DELAYS (200ms,400ms,800ms). Results in
# bench/results/<timestamp>-showcase[-smoke]/ (report.md, outcomes/, gatling/<run>/index.html).
set -euo pipefail

smoke=false runner=gatling
for arg in "$@"; do
    case $arg in
        --smoke) smoke=true ;;
        --k6) runner=k6 ;;
        *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done

# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

STOCK=${BENCH_STOCK:-1000000} SAMPLE=${BENCH_RESULT_SAMPLE:-500}
if $smoke; then
    SCALE=0.1 ENFORCE_LATENCY=false WARMUP_SCALE=${BENCH_WARMUP_SCALE:-0}
    BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1}
else
    SCALE=1 ENFORCE_LATENCY=true WARMUP_SCALE=${BENCH_WARMUP_SCALE:-0.5}
fi
[[ $runner == k6 ]] && ! command -v k6 >/dev/null && die "k6 is not on the PATH; run without --k6 for Gatling"
bench_tools jq curl python3
bench_build
# shellcheck disable=SC2015  # "|| true" is the else: a non-smoke run has no suffix
RUN_DIR=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}/$(date +%Y%m%d-%H%M%S)-showcase$($smoke && echo -smoke || true)
mkdir -p "$RUN_DIR/outcomes"

bench_state
start_app app api,worker,dlq,reconciler SPRING_PROFILES_ACTIVE=fault-injection \
    FLASHSALE_MESSAGING_RETRY_DELAYS="${FLASHSALE_MESSAGING_RETRY_DELAYS:-200ms,400ms,800ms}"
BASE="http://127.0.0.1:$APP_PORT"

# As a user of the original would: a sale carrying SKU 1001, warmed up on the original's route.
starts=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
ends=$(date -u -d '+6 hours' +%Y-%m-%dT%H:%M:%SZ)
sale=$(admin "$APP_PORT" /api/v1/admin/sales "{\"name\":\"Showcase\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",
    \"items\":[{\"sku\":\"1001\",\"name\":\"Product 1001\",\"price\":19.90,\"stock\":$STOCK,\"perUserLimit\":1}]}") \
    || die "could not create the sale"
item=$(jq -r '.items[0].id' <<<"$sale")
warm=$(admin "$APP_PORT" "/admin/flashsales/$(jq -r .id <<<"$sale")/warmup") || die "could not warm up"
[[ $(jq -r .status <<<"$warm") == ok ]] || die "warm-up answered $warm"

# showcase PRODUCT SCALE ENFORCE_LATENCY OUT_DIR LOG: the Gatling replay of the showcase
showcase() {
    "$BENCH_ROOT/mvnw" -B -f "$BENCH_ROOT/bench/gatling/pom.xml" test-compile gatling:test \
        -Dgatling.simulationClass=io.flashsale.bench.gatling.original.OriginalShowcaseSimulation \
        -DbaseUrl="$BASE" -Dproduct="$1" -DtimeScale="$2" -DenforceLatency="$3" -DoutDir="$4" \
        -Dgatling.resultsFolder="$4/gatling" </dev/null >"$5" 2>&1
}

# The JIT warms up on the same script against another product (SKU WARMUP), whose orders are checked too.
warm_sale=$(admin "$APP_PORT" /api/v1/admin/sales "{\"name\":\"Warm-up\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",
    \"items\":[{\"sku\":\"WARMUP\",\"name\":\"Warm-up\",\"price\":1,\"stock\":$STOCK,\"perUserLimit\":1}]}") \
    || die "could not create the warm-up sale"
warm_item=$(jq -r '.items[0].id' <<<"$warm_sale")
admin "$APP_PORT" "/admin/flashsales/$(jq -r .id <<<"$warm_sale")/warmup" >/dev/null || die "could not warm up"
status=0
if [[ $runner == gatling && $WARMUP_SCALE != 0 ]]; then
    say "JIT warm-up: the showcase at time scale $WARMUP_SCALE against product WARMUP (item $warm_item)"
    showcase WARMUP "$WARMUP_SCALE" false "$RUN_DIR/warmup" "$RUN_DIR/warmup.txt" || say "the warm-up's own thresholds failed (not measured)"
fi
say "$runner: the original's showcase against $BASE (time scale $SCALE), product 1001 = item $item"
if [[ $runner == gatling ]]; then
    showcase 1001 "$SCALE" "$ENFORCE_LATENCY" "$RUN_DIR/outcomes" "$RUN_DIR/gatling.txt" || status=1
    sed -n '/== original script/,/^$/p' "$RUN_DIR/gatling.txt" >&2
    grep -E 'Assertion|assertion|: (true|false)' "$RUN_DIR/gatling.txt" | grep -v '^\[INFO\] *$' >&2 || true
else
    k6 run -e BASE_URL="$BASE" -e TIME_SCALE="$SCALE" --summary-export "$RUN_DIR/k6-summary.json" \
        "$BENCH_ROOT/bench/k6/original/showcase.js" || status=$?
fi

orders=$RUN_DIR/outcomes/showcase-orders.txt
if [[ -f $orders ]]; then
    cut -d' ' -f1 "$orders" >"$RUN_DIR/accepted.txt"
    say "reading Status from GET /flashsale/result/<id> for up to $SAMPLE orders of each kind"
    python3 "$BENCH_ROOT/bench/lib/original_results.py" "$BASE" "$orders" "$SAMPLE" "$($smoke && echo 120 || echo 600)" \
        "$RUN_DIR/results.json" >&2 || status=1
    warm_accepted=$RUN_DIR/warmup-accepted.txt
    cut -d' ' -f1 "$RUN_DIR/warmup/showcase-orders.txt" >"$warm_accepted" 2>/dev/null || : >"$warm_accepted"
    tool check --name "$BENCH_NAME" --item "$item" --accepted "$RUN_DIR/accepted.txt" --item "$warm_item" \
        --accepted "$warm_accepted" --timeout-s "$($smoke && echo 120 || echo 600)" --out "$RUN_DIR/check.json" || status=1
else
    say "no orders file: the load did not run through Gatling (k6 keeps no order ids), invariants checked against none"
    : >"$RUN_DIR/accepted.txt"
    tool check --name "$BENCH_NAME" --item "$item" --accepted "$RUN_DIR/accepted.txt" \
        --timeout-s 600 --out "$RUN_DIR/check.json" || status=1
fi

outcome=$RUN_DIR/outcomes/showcase.json
if [[ -f $outcome ]]; then
    {
        echo "# The original's showcase against the facade ($(date -u +%Y-%m-%dT%H:%M:%SZ), time scale $SCALE)"
        echo
        echo "| | this run | the original's published run |"
        echo "|---|---|---|"
        echo "| requests | $(jq '.requests' "$outcome") | 97,858 |"
        echo "| p50 | $(jq '."p50 ms"' "$outcome") ms | 2.81 ms |"
        echo "| p90 | $(jq '."p90 ms"' "$outcome") ms | 20.37 ms |"
        echo "| p95 | $(jq '."p95 ms"' "$outcome") ms | **33.75 ms** |"
        echo "| p99 | $(jq '."p99 ms"' "$outcome") ms | not published |"
        echo "| accepted (200) | $(jq '."check accepted (200) pass" // 0' "$outcome") | 83,138 |"
        echo "| HTTP 404 / 409 / 429 / 5xx | $(jq '[."http 404", ."http 409", ."http 429"] | map(. // 0 | tostring) | join(" / ")' -r "$outcome") / $(jq '[to_entries[] | select(.key | test("^http 5")) | .value] | add // 0' "$outcome") | not published / 0 / 0 / 15.04 % of requests failed |"
        echo
        echo "Answers by status: $(jq -c 'with_entries(select(.key | startswith("status ")))' "$outcome")."
        echo "Result route: $(jq -c . "$RUN_DIR/results.json" 2>/dev/null || echo none). Invariants: $(jq -c . "$RUN_DIR/check.json" 2>/dev/null || echo none)."
        echo
        echo "Latency is measured by the load generator on the same machine as the app, PostgreSQL, Redis"
        echo "and RabbitMQ; compare it under the same script, not throughput (the script's think time caps it)."
    } >"$RUN_DIR/report.md"
    cat "$RUN_DIR/report.md" >&2
fi
report=$(find "$RUN_DIR/outcomes/gatling" -name index.html 2>/dev/null | head -n 1)
say "showcase: exit $status${report:+, Gatling report $report}"
exit "$status"
