#!/usr/bin/env bash
# A RabbitMQ node of the chaos runs' own, so that their BROKER_RESTART faults stop it and not the
# machine's broker that tests and other runs use:
#
#   bench/chaos-broker.sh start      # node chaos@localhost, AMQP on 127.0.0.1:5673, data under /tmp
#   BENCH_CHAOS_RABBITMQ_NODE=chaos@localhost BENCH_CHAOS_RABBITMQ_PORT=5673 bench/run.sh chaos
#   bench/chaos-broker.sh stop
#
# Settings: CHAOS_BROKER_NODE (chaos@localhost), CHAOS_BROKER_PORT (5673), CHAOS_BROKER_DIR
# (/tmp/flashsale-chaos-broker). Needs the rabbitmq-server package; the node runs as its user.
set -euo pipefail

node=${CHAOS_BROKER_NODE:-chaos@localhost}
port=${CHAOS_BROKER_PORT:-5673}
dir=${CHAOS_BROKER_DIR:-/tmp/flashsale-chaos-broker}

case ${1:-} in
    start)
        if rabbitmqctl -q -n "$node" await_startup --timeout 2 >/dev/null 2>&1; then
            echo "$node is running (AMQP on 127.0.0.1:$port)"
            exit 0
        fi
        mkdir -p "$dir"
        # The machine's rabbitmq.conf and rabbitmq-env.conf name the default node and port 5672.
        echo "listeners.tcp.local = 127.0.0.1:$port" >"$dir/rabbitmq.conf"
        printf 'NODENAME=%s\nERL_EPMD_ADDRESS=127.0.0.1\n' "$node" >"$dir/env.conf"
        id rabbitmq >/dev/null 2>&1 && chown -R rabbitmq:rabbitmq "$dir"
        RABBITMQ_CONF_ENV_FILE=$dir/env.conf RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf RABBITMQ_NODENAME=$node \
            RABBITMQ_DIST_PORT=$((port + 20000)) RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log \
            RABBITMQ_PID_FILE=$dir/pid rabbitmq-server -detached
        rabbitmqctl -q -n "$node" wait "$dir/pid" --timeout 60
        rabbitmqctl -q -n "$node" await_startup
        echo "$node started (AMQP on 127.0.0.1:$port); run with"
        echo "  BENCH_CHAOS_RABBITMQ_NODE=$node BENCH_CHAOS_RABBITMQ_PORT=$port bench/run.sh chaos"
        ;;
    stop)
        rabbitmqctl -q -n "$node" stop >/dev/null 2>&1 || true
        rm -rf "$dir"
        echo "$node stopped"
        ;;
    *)
        sed -n '2,10p' "$0" >&2
        exit 2
        ;;
esac
