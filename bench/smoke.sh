#!/usr/bin/env bash
# The CI smoke of the benchmark harness: every scenario of bench/run.sh with --smoke (small numbers,
# seconds each), bench/timers.sh, bench/role-memory.sh (as root) and bench/queue-confirms.sh for a
# few seconds, then the Gatling replay of the original's showcase and the API crowd with --smoke, so
# the harness cannot rot. Figures from a smoke mean nothing; what it checks is that each scenario runs
# end to end, writes its report and charts, and that the five invariants hold afterwards.
#
#   bench/smoke.sh            (BENCH_SMOKE_SCENARIOS="spike settle" to run some only;
#                              BENCH_SMOKE_GATLING=0 to leave the Gatling runs out)
#
# A scenario whose run fails is run once more, and the failure is printed either way: on a
# 2-core machine shared with CI's other work a timeout can fail a smoke that is otherwise sound.
# Exit status 1 if any scenario failed twice.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

scenarios=${BENCH_SMOKE_SCENARIOS:-spike settle modes bigstock scale overload openloop}
export BENCH_RESULTS=${BENCH_RESULTS:-$PWD/bench/results}
# Smoke processes start faster with the C1 compiler only; the figures are not the point here.
export BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1}
# the stall probes are off in a measuring run (ADR 0062); the smoke runs them so that they cannot rot
export BENCH_STALL_PROBES=${BENCH_STALL_PROBES:-1}
failed=() summary=()
started=$SECONDS

attempt() {
    local name=$1 t=$SECONDS
    shift
    for try in 1 2; do
        if "$@"; then
            summary+=("$name: ok in $((SECONDS - t)) s$( ((try > 1)) && echo ' (second try)')")
            return 0
        fi
        echo "smoke: $name failed (try $try)" >&2
    done
    summary+=("$name: FAILED twice")
    failed+=("$name")
}

mkdir -p "$BENCH_RESULTS"
since=$(mktemp -p "$BENCH_RESULTS" .smoke-started.XXXXXX)
trap 'rm -f "$since"' EXIT
for scenario in $scenarios; do
    attempt "$scenario" bench/run.sh "$scenario" --smoke
done
# every load's CPU reading counts its generator (wrk, Gatling): one gone before it hides its share
missing=$(find "$BENCH_RESULTS" -name report.md -newer "$since" -exec grep -l "load generator had ended" {} + 2>/dev/null)
if [[ -n $missing ]]; then
    summary+=("cpu by part: FAILED, a load generator missing from $(echo "$missing" | wc -l) report(s)")
    failed+=("cpu-by-part")
fi
attempt timers env BENCH_WARMUP_SECONDS=2 BENCH_SECONDS=2 BENCH_CONNECTIONS=16 bench/timers.sh admit
# each role in a memory cgroup of compose.yaml's limit with the image's JVM flags (ADR 0061): root only
if [[ $(id -u) == 0 ]]; then
    attempt role-memory bench/role-memory.sh --smoke
else
    summary+=("role-memory: skipped (it needs root to make memory cgroups)")
fi
attempt queue-confirms env BENCH_QUEUE_COUNTS="1 4" BENCH_ROUNDS=1 BENCH_SECONDS=2 bench/queue-confirms.sh
if [[ ${BENCH_SMOKE_GATLING:-1} == 1 ]]; then
    attempt showcase bench/showcase.sh --smoke
    attempt api-crowd bench/api-crowd.sh --smoke
fi

printf '%s\n' "" "bench smoke ($((SECONDS - started)) s):" "${summary[@]/#/  }"
((${#failed[@]} == 0)) || { echo "bench smoke failed: ${failed[*]}" >&2; exit 1; }
