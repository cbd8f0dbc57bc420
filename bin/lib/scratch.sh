# shellcheck shell=bash
# Sourced by bin/cluster and deploy/image/check.sh: a scratch deployment of its own on the local
# services, so a run can go beside the tests and other runs and leave nothing behind.
#
#   scratch_create NAME [QUEUE_TYPE]   PostgreSQL database NAME, RabbitMQ virtual host NAME (guest
#                                      may use it; QUEUE_TYPE classic or quorum is its default
#                                      queue type). Redis keys go under the key prefix NAME.
#   scratch_drop NAME                  drops the database (FORCE), the virtual host (with every
#                                      queue and exchange in it) and the Redis keys NAME:*
#
# NAME must be a plain identifier: lower-case letters, digits and underscores.
# Connection settings: PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432 postgres), REDIS_HOST/REDIS_PORT
# (127.0.0.1:6379); RabbitMQ through rabbitmqctl on this machine's node.

_scratch_pg() { psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"; }
_scratch_redis() { redis-cli -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}" "$@"; }

scratch_check_name() {
    [[ $1 =~ ^[a-z][a-z0-9_]{0,62}$ ]] || { echo "error: scratch name '$1' must match [a-z][a-z0-9_]*" >&2; return 1; }
}

scratch_create() {
    local name=$1 queue_type=${2:-classic}
    scratch_check_name "$name" || return 1
    if [[ $(_scratch_pg "SELECT 1 FROM pg_database WHERE datname = '$name'") != 1 ]]; then
        _scratch_pg "CREATE DATABASE $name" >/dev/null || return 1
    fi
    rabbitmqctl -q add_vhost "$name" --default-queue-type "$queue_type" >/dev/null 2>&1 || true
    rabbitmqctl -q list_vhosts name 2>/dev/null | grep -qx "$name" \
        || { echo "error: could not create the RabbitMQ virtual host $name (is rabbitmqctl allowed to talk to the node?)" >&2; return 1; }
    rabbitmqctl -q set_permissions -p "$name" "${SCRATCH_RABBITMQ_USER:-guest}" '.*' '.*' '.*' >/dev/null
}

scratch_drop() {
    local name=$1 keys
    scratch_check_name "$name" || return 1
    _scratch_pg "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || echo "warning: could not drop database $name" >&2
    rabbitmqctl -q delete_vhost "$name" >/dev/null 2>&1 || true
    keys=$(_scratch_redis --scan --pattern "$name:*" 2>/dev/null) || true
    if [[ -n $keys ]]; then
        printf '%s\n' "$keys" | xargs -r -n 500 redis-cli -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}" unlink >/dev/null
    fi
}
