#!/usr/bin/env bash
# Checks the container image tarball without a Docker engine, so the image recipe cannot rot.
#
#   deploy/image/check.sh [--build] [--no-smoke] [--engine] [IMAGE_TAR]   # default: target/flashsale-image.tar
#
#   --build     first builds it: ./mvnw -B -q -Pimage package -DskipTests
#   --no-smoke  only inspect the tarball, do not run it
#   --engine    also run it in a real, private Docker engine (step 3)
#
# 1. Inspects the `docker save` tarball: manifest and tags, every layer's digest against the
#    config's diff_ids, a numeric non-root user, the entrypoint, the exposed port, the HEALTHCHECK,
#    and the files that must (Java runtime, wget, /etc/passwd, the application) or must not (a
#    shell, setuid files) be there.
# 2. Smoke run (as root, with unshare and chroot; skipped with a notice otherwise): unpacks the
#    layers into a folder, runs the image's entrypoint in it as the image's user with its
#    environment, against a scratch database, virtual host and key prefix on the local services,
#    waits for readiness, runs the image's own HEALTHCHECK command inside it, then stops it with
#    SIGTERM and expects a graceful exit. Everything it made is removed.
# 3. With --engine (as root, with Debian's docker.io installed; not needed by CI): starts a private
#    dockerd of its own (socket, data and pid under a scratch folder, vfs storage, no bridge, no
#    iptables), `docker load`s the tarball, runs it with --network host and a memory limit against a
#    scratch deployment, waits for Docker's own HEALTHCHECK to report healthy, checks the user and
#    the memory limit the JVM sees, `docker stop`s it and expects exit 143 after a graceful
#    shutdown, then stops that dockerd. Needs port 8080 free (the health check's port).
# Prints "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

build=false smoke=true engine=false tarball=target/flashsale-image.tar
for arg in "$@"; do
    case $arg in
        --build) build=true ;;
        --no-smoke) smoke=false ;;
        --engine) engine=true ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $arg" >&2; exit 2 ;;
        *) tarball=$arg ;;
    esac
done

if $build; then
    echo "==> building the image: ./mvnw -B -q -Pimage package -DskipTests"
    ./mvnw -B -q -Pimage package -DskipTests </dev/null
fi
[[ -f $tarball ]] || { echo "error: $tarball not found (run with --build)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/flashsale-image-check.XXXXXX")
scratch=""
app_pid=""
dockerd_pid=""
cleanup() {
    if [[ -n $app_pid ]] && kill -0 "$app_pid" 2>/dev/null; then kill -KILL "$app_pid" 2>/dev/null || true; fi
    if [[ -n $dockerd_pid ]]; then
        DOCKER_HOST=unix://$work/engine/docker.sock docker rm -f flashsale-image-check >/dev/null 2>&1 || true
        kill -TERM "$dockerd_pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$dockerd_pid" 2>/dev/null || true
        grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n 1 umount 2>/dev/null || true
    fi
    if [[ -n $scratch ]]; then scratch_drop "$scratch" || true; fi
    if [[ -n ${engine_scratch:-} ]]; then scratch_drop "$engine_scratch" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); printf '    ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf '    FAIL  %s\n' "$*"; }

echo "==> inspecting $tarball"
if python3 - "$tarball" "$work" <<'PY'; then pass "tarball inspection"; else fail "tarball inspection"; fi
import gzip, hashlib, json, re, sys, tarfile

tarball, work = sys.argv[1], sys.argv[2]
problems = []
def check(ok, what):
    print(("    ok    " if ok else "    FAIL  ") + what)
    if not ok:
        problems.append(what)

outer = tarfile.open(tarball)
manifest = json.load(outer.extractfile("manifest.json"))
check(len(manifest) == 1, "one image in the tarball")
entry = manifest[0]
check(any(t.startswith("flashsale:") for t in entry.get("RepoTags", [])), "tagged flashsale:<version> " + str(entry.get("RepoTags")))
config = json.load(outer.extractfile(entry["Config"]))
c = config["config"]
check(config.get("os") == "linux" and config.get("architecture") == "amd64", "linux/amd64")

user = c.get("User", "")
uid = user.split(":")[0]
check(uid.isdigit() and int(uid) != 0, "numeric non-root user (%s)" % user)
ep = c.get("Entrypoint") or []
check(len(ep) > 0 and ep[0] == "java" and ep[-1] == "io.flashsale.FlashSaleApplication", "entrypoint runs java ... io.flashsale.FlashSaleApplication")
# The Dockerfile, for users who build with Docker, starts Java with the same options (ADR 0061):
# everything between "java" and the class path or jar. Its last ENTRYPOINT, in exec form, lines
# joined where they end in a backslash.
def java_options(args):
    options = []
    for a in args[1:]:
        if a in ("-cp", "-classpath", "--class-path", "-jar"):
            break
        options.append(a)
    return options
try:
    text = re.sub(r"\\\n", " ", open("Dockerfile").read())
    docker_ep = json.loads(re.findall(r"^ENTRYPOINT\s+(\[.*\])\s*$", text, re.M)[-1])
except (IndexError, ValueError) as e:
    docker_ep = ["(no exec-form ENTRYPOINT: %s)" % e]
check(java_options(ep) != [] and java_options(ep) == java_options(docker_ep),
      "the Dockerfile's ENTRYPOINT has the image's JVM options %s (Dockerfile: %s)" % (java_options(ep), java_options(docker_ep)))
check("8080/tcp" in (c.get("ExposedPorts") or {}), "exposes 8080/tcp")
hc = c.get("Healthcheck") or {}
test = hc.get("Test") or []
check(len(test) > 1 and test[0] == "CMD" and any("/actuator/health/readiness" in t for t in test), "HEALTHCHECK on /actuator/health/readiness (exec form)")
check(hc.get("Interval", 0) > 0 and hc.get("Timeout", 0) > 0 and hc.get("Retries", 0) > 0, "HEALTHCHECK interval, timeout, retries set")
env = dict(e.split("=", 1) for e in c.get("Env", []))
check(env.get("PATH", "").startswith("/opt/java/bin"), "PATH starts with the Java runtime")

diff_ids = config["rootfs"]["diff_ids"]
check(len(diff_ids) == len(entry["Layers"]), "as many layers as diff_ids (%d)" % len(diff_ids))
files = {}
for i, name in enumerate(entry["Layers"]):
    raw = outer.extractfile(name).read()
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    check(i < len(diff_ids) and "sha256:" + hashlib.sha256(data).hexdigest() == diff_ids[i], "layer %d digest matches its diff_id" % (i + 1))
    with open("%s/layer-%d.tar" % (work, i), "wb") as f:
        f.write(data)
    for m in tarfile.open("%s/layer-%d.tar" % (work, i)):
        path = "/" + m.name.lstrip("./")
        files[path] = m
    print("          layer %d: %d KiB, %s" % (i + 1, len(raw) // 1024, (config.get("history") or [{}] * 99)[i].get("comment", "base")))
with open(work + "/layers", "w") as f:
    f.write("".join("%s/layer-%d.tar\n" % (work, i) for i in range(len(entry["Layers"]))))
with open(work + "/config.json", "w") as f:
    json.dump(config, f)

for required in ["/opt/java/bin/java", "/opt/java/lib/server/libjvm.so", "/lib64/ld-linux-x86-64.so.2",
                 "/usr/bin/wget", "/etc/passwd", "/app/jib-classpath-file",
                 "/app/classes/io/flashsale/FlashSaleApplication.class", "/app/resources/application.yaml"]:
    check(required in files, "has " + required)
check(files.get("/tmp") is not None and files["/tmp"].mode & 0o1777 == 0o1777, "/tmp is world-writable with the sticky bit")
for forbidden in ["/bin/sh", "/bin/bash", "/usr/bin/sh", "/bin/busybox", "/usr/bin/apt-get"]:
    check(forbidden not in files, "no " + forbidden)
setuid = [p for p, m in files.items() if m.isfile() and m.mode & 0o6000]
check(not setuid, "no setuid or setgid files %s" % (setuid or ""))
passwd = outer  # read /etc/passwd from the layer that holds it
for i in range(len(entry["Layers"])):
    t = tarfile.open("%s/layer-%d.tar" % (work, i))
    try:
        member = next(m for m in t if "/" + m.name.lstrip("./") == "/etc/passwd")
    except StopIteration:
        continue
    lines = t.extractfile(member).read().decode().splitlines()
    check(any(l.split(":")[2] == uid for l in lines), "/etc/passwd names uid %s" % uid)
sys.exit(1 if problems else 0)
PY

# Every module the application uses must be in the image's runtime (jlink's list in
# deploy/image/build-base.sh): jdeps on the jar's classes and dependencies against the runtime's
# own list of modules (/opt/java/release).
jar=target/flashsale.jar
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
jdeps="" release=0
for home in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [[ -x $home/bin/jdeps ]] || continue
    v=$(java_feature_version "$home/bin/java")
    if [[ -n $v ]] && (( v >= 21 && v > release )); then jdeps=$home/bin/jdeps release=$v; fi
done
if [[ -f $jar && -n $jdeps && -f $work/layers ]]; then
    mkdir -p "$work/jar"
    (cd "$work/jar" && unzip -q "$root/$jar" 'BOOT-INF/lib/*' 'BOOT-INF/classes/*')
    runtime=$(while read -r layer; do tar --warning=no-unknown-keyword -xOf "$layer" opt/java/release 2>/dev/null || true; done <"$work/layers" \
        | sed -n 's/^MODULES="\(.*\)"/\1/p' | tr ' ' '\n' | sort -u)
    needed=$(cd "$work/jar" && "$jdeps" --ignore-missing-deps --multi-release "$release" --print-module-deps --recursive \
        -cp 'BOOT-INF/lib/*' BOOT-INF/classes 2>/dev/null | tail -n 1 | tr ',' '\n' | sort -u)
    missing=$(comm -13 <(printf '%s\n' "$runtime") <(printf '%s\n' "$needed") | tr '\n' ' ')
    if [[ -n $needed && -z ${missing// /} ]]; then
        pass "the runtime has every module jdeps finds in the application ($(wc -l <<<"$needed") modules)"
    else
        fail "modules the application uses but the image's runtime lacks: ${missing:-jdeps found nothing} (add them in deploy/image/build-base.sh)"
    fi
else
    echo "    note  module check skipped (needs $jar and a JDK 21+ with jdeps)"
fi

can_smoke() {
    [[ $(id -u) == 0 ]] && command -v unshare >/dev/null && command -v chroot >/dev/null \
        && command -v psql >/dev/null && command -v rabbitmqctl >/dev/null && command -v redis-cli >/dev/null
}

if $smoke && [[ -f $work/config.json ]] && can_smoke; then
    echo "==> smoke run of the image's file system (chroot, as the image's user)"
    # shellcheck source=bin/lib/scratch.sh
    source bin/lib/scratch.sh
    rootfs=$work/rootfs
    mkdir -p "$rootfs"
    while read -r layer; do tar --warning=no-unknown-keyword -xpf "$layer" -C "$rootfs" --numeric-owner; done <"$work/layers"
    mkdir -p "$rootfs/proc" "$rootfs/dev"
    # What a container engine provides: /dev, /proc, /etc/hosts, /etc/resolv.conf.
    cp /etc/hosts "$rootfs/etc/hosts"
    cp /etc/resolv.conf "$rootfs/etc/resolv.conf" 2>/dev/null || true

    scratch=flashsale_image_$$
    scratch_create "$scratch"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    user=$(jq -r .config.User "$work/config.json")
    mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' "$work/config.json")
    mapfile -t image_env < <(jq -r '.config.Env[]' "$work/config.json")
    log=$work/app.log
    unshare --mount --propagation private bash -c '
        rootfs=$1; shift
        mount --bind /dev "$rootfs/dev" && mount -t proc proc "$rootfs/proc" || exit 97
        exec "$@"' smoke "$rootfs" \
        env -i "${image_env[@]}" \
            SERVER_PORT="$port" \
            SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$scratch" \
            SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_RABBITMQ_HOST=127.0.0.1 \
            SPRING_RABBITMQ_VIRTUAL_HOST="$scratch" \
            FLASHSALE_GATE_KEY_PREFIX="$scratch" FLASHSALE_ADMIN_TOKEN=image-smoke \
            JAVA_TOOL_OPTIONS="-Xmx256m" \
        /usr/sbin/chroot --userspec="$user" "$rootfs" "${entrypoint[@]}" >"$log" 2>&1 &
    app_pid=$!
    ready=false
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null; then ready=true; break; fi
        kill -0 "$app_pid" 2>/dev/null || break
        sleep 1
    done
    if $ready; then pass "the entrypoint starts as $user and becomes ready (all roles, port $port)"; else fail "the entrypoint did not become ready"; tail -n 40 "$log" | sed 's/^/          /'; fi
    # The image's own HEALTHCHECK command, run inside the image's file system as its user (the
    # port is the smoke run's: 8080 may be taken on this machine).
    mapfile -t health < <(jq -r '.config.Healthcheck.Test[1:][]' "$work/config.json" | sed "s/:8080\//:$port\//")
    if $ready && unshare --mount --propagation private bash -c 'mount --bind /dev "$1/dev"; shift; exec "$@"' hc "$rootfs" \
            /usr/sbin/chroot --userspec="$user" "$rootfs" "${health[@]}"; then
        pass "the HEALTHCHECK command succeeds inside the image"
    else
        fail "the HEALTHCHECK command failed inside the image"
    fi
    if unshare --mount --propagation private bash -c 'mount --bind /dev "$1/dev"; shift; exec "$@"' hc "$rootfs" \
            /usr/sbin/chroot --userspec="$user" "$rootfs" /usr/bin/wget -q --spider "http://127.0.0.1:1/" 2>/dev/null; then
        fail "the HEALTHCHECK command fails when nothing answers"
    else
        pass "the HEALTHCHECK command fails when nothing answers"
    fi
    if kill -0 "$app_pid" 2>/dev/null; then
        kill -TERM "$app_pid"
        stopped=false
        for _ in $(seq 1 45); do kill -0 "$app_pid" 2>/dev/null || { stopped=true; break; }; sleep 1; done
        status=0
        if $stopped; then wait "$app_pid" || status=$?; fi
        if $stopped && [[ $status == 0 || $status == 143 ]]; then
            pass "SIGTERM stops it gracefully (exit $status)"
        else
            fail "SIGTERM did not stop it within 45 s (stopped: $stopped, exit $status)"
        fi
    else
        fail "it was not running any more when SIGTERM was due"
    fi
    app_pid=""
else
    $smoke && echo "==> smoke run skipped: needs root, unshare, chroot, psql, rabbitmqctl and redis-cli on this machine"
fi

if $engine; then
    echo "==> a private Docker engine: load, run, HEALTHCHECK, stop"
    if [[ $(id -u) != 0 ]] || ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
        fail "--engine needs root, dockerd and docker (apt-get install docker.io)"
    elif ! (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
        # shellcheck source=bin/lib/scratch.sh
        source bin/lib/scratch.sh
        mkdir -p "$work/engine"
        dockerd --data-root "$work/engine/data" --exec-root "$work/engine/exec" \
            -H "unix://$work/engine/docker.sock" --pidfile "$work/engine/docker.pid" \
            --bridge=none --iptables=false --ip6tables=false --ip-masq=false --storage-driver=vfs \
            >"$work/engine/dockerd.log" 2>&1 &
        dockerd_pid=$!
        export DOCKER_HOST=unix://$work/engine/docker.sock
        for _ in $(seq 1 30); do docker version >/dev/null 2>&1 && break; sleep 1; done
        if docker load -i "$tarball" >/dev/null; then pass "docker load"; else fail "docker load"; fi
        image=$(python3 -c 'import json,sys,tarfile; print(json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))[0]["RepoTags"][0])' "$tarball")
        engine_scratch=flashsale_engine_$$
        scratch_create "$engine_scratch"
        docker run -d --name flashsale-image-check --network host -m 768m \
            -e SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$engine_scratch" \
            -e SPRING_RABBITMQ_VIRTUAL_HOST="$engine_scratch" -e FLASHSALE_GATE_KEY_PREFIX="$engine_scratch" \
            -e FLASHSALE_ADMIN_TOKEN=image-engine-check "$image" >/dev/null
        engine_health=starting
        for _ in $(seq 1 60); do
            engine_health=$(docker inspect -f '{{.State.Health.Status}}' flashsale-image-check 2>/dev/null || echo gone)
            [[ $engine_health == starting ]] || break
            sleep 3
        done
        if [[ $engine_health == healthy ]]; then pass "Docker's HEALTHCHECK reports healthy"; else fail "Docker's HEALTHCHECK: $engine_health"; docker logs flashsale-image-check 2>&1 | tail -n 30 | sed 's/^/          /'; fi
        top=$(docker top flashsale-image-check -o pid,user 2>&1 || true)
        user=$(printf "%s\n" "$top" | awk 'NR == 2 { print $2 }')
        [[ -n $user ]] || printf "          %s\n" "$top"
        if [[ $user == 10001 ]]; then pass "the process runs as 10001"; else fail "the process runs as '$user'"; fi
        settings=$(docker exec flashsale-image-check java -XshowSettings:system -version 2>&1 || true)
        if grep -q "Memory Limit: 768.00M" <<<"$settings"; then
            pass "the JVM sees the container's memory limit"
        else
            fail "the JVM does not see the container's memory limit"; printf "%s\n" "$settings" | head -n 5 | sed "s/^/          /"
        fi
        # compose.yaml's own health check for the application services, run in this image.
        mapfile -t compose_health < <(python3 -c 'import yaml; t = yaml.safe_load(open("compose.yaml"))["x-app"]["healthcheck"]["test"]; print("\n".join(t[1:]))' 2>/dev/null || true)
        if [[ ${#compose_health[@]} -gt 0 ]] && docker exec flashsale-image-check "${compose_health[@]}"; then
            pass "compose.yaml's health check command works in this image (${compose_health[*]})"
        else
            fail "compose.yaml's health check command fails in this image (${compose_health[*]})"
        fi
        docker stop -t 45 flashsale-image-check >/dev/null
        code=$(docker inspect -f "{{.State.ExitCode}}" flashsale-image-check || true)
        if [[ $code == 143 ]] && docker logs flashsale-image-check 2>&1 | grep -q 'Graceful shutdown complete'; then
            pass "docker stop: graceful shutdown, exit 143"
        else
            fail "docker stop: exit $code"
        fi
        docker rm flashsale-image-check >/dev/null
        scratch_drop "$engine_scratch"
        engine_scratch=""
        unset DOCKER_HOST
    else
        fail "--engine: port 8080 is taken on this machine (the health check calls it)"
    fi
fi

echo "image: $passed passed, $failed failed"
(( failed == 0 ))
