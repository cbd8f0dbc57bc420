#!/usr/bin/env bash
# bench/role-memory.sh [--smoke]: does each role's process fit the memory limit it is deployed with?
#
# Starts the api, worker, dlq and reconciler roles, each a process of its own with the container
# image's JVM flags (pom.xml's <jvmFlag>s; BENCH_IMAGE_JVM_FLAGS to try others) and Native Memory
# Tracking, each inside a memory cgroup limited to compose.yaml's limit for its service, so the
# JVM sizes its heap from that limit as it does in a container. A crowd then buys through the
# api: BENCH_CONNECTIONS (300) for BENCH_SECONDS (35) on one item of BENCH_STOCK (100,000) units,
# so that the api admits and the worker settles all along; every process is sampled each second
# until the orders are settled. The committed heap is made resident at start (-XX:+AlwaysPreTouch),
# as hours of sales would make it. Prints, per role, the collector the JVM chose, its heap, the
# most memory its process held (anonymous memory, which the kernel cannot drop; page cache it can),
# the headroom, the worst case (the heap grown to its maximum beside the rest), whether the kernel
# killed it for memory, and what the JVM had committed by part (heap, classes, code, threads, GC)
# at the end. Results in bench/results/<timestamp>-role-memory[-smoke]/.
#
# Exit status 1 if a process died (at start too: the report still comes), held more than
# BENCH_MEMORY_MAX_SHARE (0.9) of its limit, would in the worst case, or left no NMT summary.
# Needs root and a memory cgroup it may create groups in (cgroup v1's memory controller, as on the
# machine this was written on, or cgroup v2 at /sys/fs/cgroup with memory in its subtree_control;
# v2 is untested here). --smoke: 16 connections for 4 s on 2,000 units (CI).
set -euo pipefail

# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

smoke=false
case ${1:-} in
    "") ;;
    --smoke) smoke=true ;;
    *) usage 21 ;;
esac
if $smoke; then
    connections=${BENCH_CONNECTIONS:-16} seconds=${BENCH_SECONDS:-4} stock=${BENCH_STOCK:-2000}
else
    connections=${BENCH_CONNECTIONS:-300} seconds=${BENCH_SECONDS:-35} stock=${BENCH_STOCK:-100000}
fi
roles=(api worker dlq reconciler)

[[ $(id -u) == 0 ]] || die "needs root, to make a memory cgroup for each role"

# cgroup_parent: the directory under which this run may make memory cgroups (ours in cgroup v1's
# memory hierarchy; the root of cgroup v2's, where processes may live beside the groups).
cgroup_parent() {
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
        grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || return 1
        echo /sys/fs/cgroup
    elif [[ -d /sys/fs/cgroup/memory ]]; then
        echo "/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)"
    else
        return 1
    fi
}
parent=$(cgroup_parent) || die "no memory cgroup to make groups in (cgroup v1's memory controller or v2's)"
[[ -w $parent ]] || die "cannot make groups in $parent"

# compose.yaml's memory limit of each role's service, in bytes
mapfile -t limits < <(python3 - "$BENCH_ROOT/compose.yaml" "${roles[@]}" <<'PY'
import re, sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
units = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
for role in sys.argv[2:]:
    text = str(services[role]["deploy"]["resources"]["limits"]["memory"]).lower()
    number, unit = re.fullmatch(r"([0-9.]+)\s*([kmg]?)i?b?", text).groups()
    print(int(float(number) * units[unit]))
PY
)
((${#limits[@]} == ${#roles[@]})) || die "could not read the roles' memory limits from compose.yaml"

# The image's JVM flags: Jib's <jvmFlag>s in pom.xml (the Dockerfile's ENTRYPOINT has the same);
# parsed as XML, so that a flag in a comment is not taken
image_flags=$(python3 -c '
import sys, xml.etree.ElementTree as ET
print(" ".join(e.text.strip() for e in ET.parse(sys.argv[1]).iter("{http://maven.apache.org/POM/4.0.0}jvmFlag")))
' "$BENCH_ROOT/pom.xml")
flags=${BENCH_IMAGE_JVM_FLAGS:-$image_flags}
[[ -n ${flags// /} ]] || die "no JVM flags found in pom.xml's <jvmFlag>s"

groups=()
role_memory_cleanup() {
    bench_cleanup
    local group
    for group in "${groups[@]}"; do
        rmdir "$group" 2>/dev/null || say "warning: could not remove the cgroup $group"
    done
}
trap role_memory_cleanup EXIT
trap 'exit 130' INT TERM

bench_tools wrk jq curl python3
bench_build
RUN_DIR=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}/$(date +%Y%m%d-%H%M%S)-role-memory$($smoke && echo -smoke || true)
mkdir -p "$RUN_DIR"
echo "$flags" >"$RUN_DIR/jvm-flags.txt"
bench_state

pids=() ports=() specs=() roles_json="{}"
for i in "${!roles[@]}"; do
    role=${roles[i]}
    group=$parent/$BENCH_NAME-$role
    mkdir "$group"
    groups+=("$group")
    # memory and swap together, as a container's limit: a role may not swap its way to "fits"
    if [[ -f $group/memory.max ]]; then
        echo "${limits[i]}" >"$group/memory.max"
        [[ ! -f $group/memory.swap.max ]] || echo 0 >"$group/memory.swap.max"
    else
        echo "${limits[i]}" >"$group/memory.limit_in_bytes"
        [[ ! -f $group/memory.memsw.limit_in_bytes ]] || echo "${limits[i]}" >"$group/memory.memsw.limit_in_bytes"
    fi
    # the harness's JVM flags (C1 only in CI's smoke) with the image's in place of its heap's;
    # AlwaysPreTouch makes the committed heap resident from the start, as hours of a sale would
    APP_CGROUP=$group BENCH_HEAP_FLAGS="$flags -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary" \
        launch_app "$role" "$role"
    pids+=("$APP_PID") ports+=("$APP_PORT") specs+=("$role=$APP_PID:$group")
    roles_json=$(jq --arg r "$role" --arg l "${limits[i]}" --arg p "$APP_PID" --arg g "$group" \
        '.[$r] = {limit_bytes: $l, pid: $p, cgroup: $g}' <<<"$roles_json")
done
echo "$roles_json" >"$RUN_DIR/roles.json"
say "roles in their cgroups with limits of $(for l in "${limits[@]}"; do printf '%d ' $((l / 1048576)); done)MiB; JVM flags: $flags"

stop_file=$RUN_DIR/.sampler-stop
python3 "$BENCH_ROOT/bench/lib/role_memory.py" sample "$RUN_DIR/samples.csv" "$stop_file" "${specs[@]}" &
BENCH_PIDS+=($!)
sampler=$!
started=true
for i in "${!roles[@]}"; do
    # in a subshell, so that a role that died at start ends only the wait: the report says which
    # one died, and whether for memory
    (await_app "${roles[i]}" "${pids[i]}" "${ports[i]}") || started=false
done

if $started; then
    item=$(open_sale "${ports[0]}" "$stock" 1)
    load "$RUN_DIR/load" "http://127.0.0.1:${ports[0]}" "$connections" "$seconds" BENCH_ITEM="$item" BENCH_BUYERS=100000000 BENCH_BUYER_PREFIX=m
    tool check --name "$BENCH_NAME" --item "$item" --accepted "$RUN_DIR/load/accepted.txt" \
        --timeout-s "$($smoke && echo 90 || echo 600)" --out "$RUN_DIR/check.json" || say "warning: the invariants' check failed; see $RUN_DIR/check.json"
else
    say "no crowd: a role did not start"
fi

for i in "${!roles[@]}"; do
    # a role that is gone has no summary: the report says so
    "$(dirname "$BENCH_JAVA")/jcmd" "${pids[i]}" VM.native_memory summary >"$RUN_DIR/nmt-${roles[i]}.txt" 2>&1 ||
        say "warning: no Native Memory Tracking summary of ${roles[i]}"
done
touch "$stop_file"
wait "$sampler" || true
python3 "$BENCH_ROOT/bench/lib/role_memory.py" report "$RUN_DIR"
