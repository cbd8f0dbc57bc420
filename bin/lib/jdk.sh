# shellcheck shell=bash
# Sourced by bin/demo and .ci/run: finds a Java 21+ and puts it first.
#
#   select_jdk [MIN] [jre-ok]
#
# Looks, in this order, at $JAVA_HOME, the `java` on PATH, then every /usr/lib/jvm/* (newest
# wins), and takes the first whose feature version is at least MIN (default 21). Without jre-ok
# the candidate must also have javac, because the Maven wrapper insists on a full JDK.
# On success exports JAVA_HOME and PATH="$JAVA_HOME/bin:$PATH" and returns 0; otherwise says
# what it looked at and returns 1.

# Prints the feature version (8, 17, 21, 25, ...) of the java executable $1, or nothing.
java_feature_version() {
    local version
    version=$("$1" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^[[:space:]]*java\.specification\.version = //p' | head -n 1)
    case $version in
        1.*) version=${version#1.} ;;   # Java 8 and older report "1.8"
    esac
    version=${version%%.*}
    [[ $version =~ ^[0-9]+$ ]] && printf '%s\n' "$version"
}

# Succeeds if $1 is a Java home of at least version $2 (with javac unless $3 is "jre-ok").
_jdk_fits() {
    local home=$1 min=$2 mode=$3 version
    [[ -x $home/bin/java ]] || return 1
    [[ $mode == jre-ok || -x $home/bin/javac ]] || return 1
    version=$(java_feature_version "$home/bin/java")
    [[ -n $version ]] && (( version >= min ))
}

_jdk_use() {
    JAVA_HOME=$1
    PATH="$JAVA_HOME/bin:$PATH"
    export JAVA_HOME PATH
}

select_jdk() {
    local min=${1:-21} mode=${2:-jdk} home java best="" best_version=0 version

    if [[ -n ${JAVA_HOME:-} ]] && _jdk_fits "$JAVA_HOME" "$min" "$mode"; then
        _jdk_use "$JAVA_HOME"
        return 0
    fi

    if java=$(command -v java 2>/dev/null); then
        java=$(readlink -f "$java")
        home=${java%/bin/java}
        if [[ $home != "$java" ]] && _jdk_fits "$home" "$min" "$mode"; then
            _jdk_use "$home"
            return 0
        fi
    fi

    for home in /usr/lib/jvm/*; do
        [[ -d $home ]] || continue
        _jdk_fits "$home" "$min" "$mode" || continue
        version=$(java_feature_version "$home/bin/java")
        if (( version > best_version )); then
            best=$home
            best_version=$version
        fi
    done
    if [[ -n $best ]]; then
        _jdk_use "$(readlink -f "$best")"
        return 0
    fi

    local what="a JDK $min or newer (with javac)"
    [[ $mode == jre-ok ]] && what="Java $min or newer"
    {
        echo "error: found no $what."
        echo "  looked at: JAVA_HOME=${JAVA_HOME:-<unset>}, java on PATH ($(command -v java || echo none)), /usr/lib/jvm/*"
        echo "  install a JDK $min+ (for example Eclipse Temurin 21 or 25) and point JAVA_HOME at it."
    } >&2
    return 1
}
