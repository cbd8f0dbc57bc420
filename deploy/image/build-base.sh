#!/usr/bin/env bash
# Builds the base image of the application image, without a Docker daemon and without a registry:
# a `docker save` tarball (target/image/base.tar) that Jib then extends with the application
# (`./mvnw -Pimage package`, see the pom's `image` profile and docs/adr/0030).
#
#   deploy/image/build-base.sh [OUTPUT_DIR]      # default: target/image
#
# What goes in, all from this machine:
#   /opt/java      a Java runtime made by jlink from a local JDK 21+ (newest found, or
#                  FLASHSALE_IMAGE_JDK=/path/to/jdk), only the modules the application needs
#   /lib, /lib64   the C library files that runtime links against (copied from this machine)
#   /usr/bin/wget  a statically linked BusyBox, answering the image's HEALTHCHECK (no shell)
#   /etc/passwd, /etc/group, /etc/nsswitch.conf, /tmp (1777), /app
# and the image config: user 10001:10001, PATH and JAVA_HOME, port 8080, the HEALTHCHECK on
# /actuator/health/readiness. Jib inherits the environment, ports and health check from here.
#
# Reproducible: files are sorted, owned by 0:0 (or 10001 for /app), dated at the epoch, and the
# layer is gzipped without a name or time, so the same inputs give the same digests.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/image}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The modules the application needs: what `jdeps --print-module-deps --recursive` finds in the
# jar's classes and dependencies (java.desktop is java.beans, for Spring's property binding;
# jdk.management the process CPU metrics), plus
# java.logging, java.naming, java.rmi, java.transaction.xa, jdk.zipfs and the charsets and locale
# data, which libraries load by reflection. jdk.crypto.ec is left out: empty since JDK 22 (its
# algorithms moved into java.base). deploy/image/check.sh fails when jdeps finds a module missing;
# to see the list yourself:
#   jdeps --ignore-missing-deps --multi-release 25 --print-module-deps --recursive \
#         -cp 'BOOT-INF/lib/*' BOOT-INF/classes          (in the unzipped target/flashsale.jar)
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.sql.rowset,java.transaction.xa,java.xml,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs,jdk.charsets,jdk.localedata
uid=10001

say() { printf 'image: %s\n' "$*"; }
die() { printf 'image: error: %s\n' "$*" >&2; exit 1; }

# --- the JDK that runs jlink -------------------------------------------------------------------
if [[ -n ${FLASHSALE_IMAGE_JDK:-} ]]; then
    jdk=$FLASHSALE_IMAGE_JDK
else
    # Newest JDK 21+ on this machine: JAVA_HOME may be the older JDK that runs Maven.
    # shellcheck source=bin/lib/jdk.sh
    source "$root/bin/lib/jdk.sh"
    jdk=""
    best=0
    for home in /usr/lib/jvm/* ${JAVA_HOME:+"$JAVA_HOME"}; do
        [[ -x $home/bin/jlink ]] || continue
        v=$(java_feature_version "$home/bin/java")
        if [[ -n $v ]] && (( v >= 21 && v > best )); then best=$v; jdk=$(readlink -f "$home"); fi
    done
    [[ -n $jdk ]] || die "no JDK 21+ with jlink found (set FLASHSALE_IMAGE_JDK)"
fi
[[ -x $jdk/bin/jlink ]] || die "$jdk/bin/jlink not found"

# --- the static BusyBox that answers the health check ------------------------------------------
busybox=${FLASHSALE_IMAGE_BUSYBOX:-/bin/busybox}
is_static() { [[ -x $1 ]] && ! readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }
if ! is_static "$busybox"; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's busybox-static (a static wget for the HEALTHCHECK)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null \
            || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; }
    fi
    is_static "$busybox" || die "$busybox is not a statically linked BusyBox: apt-get install busybox-static (or set FLASHSALE_IMAGE_BUSYBOX)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/flashsale-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"

# --- /opt/java: jlink ---------------------------------------------------------------------------
say "jlink from $jdk ($("$jdk/bin/java" -version 2>&1 | head -n 1))"
"$jdk/bin/jlink" --add-modules "$modules" --output "$rootfs/opt/java" \
    --strip-debug --no-man-pages --no-header-files --compress=zip-6
# CDS archive for the jlinked runtime: faster start, same as the JDK's own.
"$rootfs/opt/java/bin/java" -Xshare:dump >/dev/null 2>&1 || true

# --- the C library it links against --------------------------------------------------------------
# The application runs headless: the X11, splash screen and sound bridges are removed, so what is
# left needs only the C library (glibc; its files are copied from this machine, any glibc 2.17+
# runs the Temurin runtime). Anything else a runtime file needs stops the build.
rm -f "$rootfs/opt/java/lib/"{libawt_xawt,libjawt,libsplashscreen,libjsound}.so
mapfile -t elves < <(find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) | sort)
mapfile -t libs < <(for f in "${elves[@]}"; do ldd "$f" 2>/dev/null || true; done \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' \
    | grep -v "^$rootfs" | sort -u)
for lib in "${libs[@]}"; do
    case ${lib##*/} in
        libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | ld-linux-x86-64.so.2) ;;
        *) die "the runtime needs $lib, which is not part of the C library: add it on purpose or drop what needs it" ;;
    esac
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
done
# The program interpreter the ELF headers name, wherever ldd printed it from.
interp=$(readelf -l "$rootfs/opt/java/bin/java" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
if [[ ! -e $rootfs$interp ]]; then
    mkdir -p "$rootfs$(dirname "$interp")"
    cp -L "$interp" "$rootfs$interp"
fi
say "C library from this machine: $(printf '%s ' "${libs[@]}")"

# --- the rest of the file system ---------------------------------------------------------------
install -D -m 0755 "$busybox" "$rootfs/usr/bin/wget"
mkdir -p "$rootfs/etc" "$rootfs/app" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cat >"$rootfs/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
flashsale:x:$uid:$uid:flashsale:/app:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<GROUP
root:x:0:
flashsale:x:$uid:
nogroup:x:65534:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

# --- the layer and the image config ------------------------------------------------------------
layer=$work/layer.tar
tar --create --file "$layer" --directory "$rootfs" --sort=name --mtime='@0' \
    --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --transform 's,^\./,,' .
# /app belongs to the application user (Jib's own layers only add read-only files under it).
tar --delete --file "$layer" app 2>/dev/null || true
tar --append --file "$layer" --directory "$rootfs" --mtime='@0' --owner=$uid --group=$uid \
    --numeric-owner --format=posix --no-recursion app
diff_id=sha256:$(sha256sum "$layer" | cut -d' ' -f1)
gzip -n -6 "$layer"
layer_digest=$(sha256sum "$layer.gz" | cut -d' ' -f1)
mv "$layer.gz" "$work/$layer_digest.tar.gz"

# Docker's health check durations are in nanoseconds. No wget -T: BusyBox 1.35 crashes with it
# on a refused connection; the health check's own timeout bounds the probe.
cat >"$work/config.json" <<JSON
{
  "architecture": "amd64",
  "os": "linux",
  "created": "1970-01-01T00:00:00Z",
  "config": {
    "User": "$uid:$uid",
    "Env": [
      "PATH=/opt/java/bin:/usr/bin:/bin",
      "JAVA_HOME=/opt/java",
      "LANG=C.UTF-8"
    ],
    "WorkingDir": "/app",
    "ExposedPorts": { "8080/tcp": {} },
    "Healthcheck": {
      "Test": ["CMD", "/usr/bin/wget", "-q", "--spider", "http://127.0.0.1:8080/actuator/health/readiness"],
      "Interval": 10000000000,
      "Timeout": 3000000000,
      "StartPeriod": 60000000000,
      "Retries": 3
    },
    "Labels": {
      "org.opencontainers.image.title": "flashsale-base",
      "org.opencontainers.image.description": "jlinked Java runtime, C library, static wget for the health check; no shell, no package manager"
    }
  },
  "rootfs": { "type": "layers", "diff_ids": ["$diff_id"] },
  "history": [ { "created": "1970-01-01T00:00:00Z", "created_by": "deploy/image/build-base.sh" } ]
}
JSON
config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/$config_digest.json"
cat >"$work/manifest.json" <<JSON
[{"Config":"$config_digest.json","RepoTags":["flashsale-base:local"],"Layers":["$layer_digest.tar.gz"]}]
JSON
tar --create --file "$out/base.tar" --directory "$work" --sort=name --mtime='@0' \
    --owner=0 --group=0 --numeric-owner manifest.json "$config_digest.json" "$layer_digest.tar.gz"
say "wrote $out/base.tar ($(du -h "$out/base.tar" | cut -f1), layer $diff_id)"
