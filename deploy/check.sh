#!/usr/bin/env bash
# Checks the monitoring files under deploy/ against a real Prometheus (Debian's `prometheus`
# package), bounded in time (about 2 minutes; every wait has a deadline):
#
#   1. promtool check config, check rules, and the alert unit tests (test rules);
#   2. the Grafana files parse, and every dashboard panel uses the provisioned data source;
#   3. the built jar runs (all roles) on its own database, key prefix and queues, a Prometheus on
#      a free loopback port scrapes it and evaluates the rules, a short load is sent
#      (a sale, some buyers, refusals), and then every PromQL expression of the dashboard must
#      return data (those over compose-only targets, cAdvisor and the broker's own metrics, must
#      only be valid PromQL) and every rule must evaluate without error.
#
# Needs PostgreSQL, Redis and RabbitMQ on localhost (as the tests do) and target/flashsale.jar
# (built with ./mvnw -B -DskipTests package if missing). Installs the prometheus package when it
# is missing and this runs as root. Stops only what it started; removes what it created.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

step() { printf '==> %s\n' "$*"; }
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf '    FAILED: %s\n' "$*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

step "Prometheus tools"
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]]; then
        echo "    installing Debian's prometheus package"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; }
    else
        echo "error: promtool and prometheus are needed (apt-get install prometheus)" >&2
        exit 1
    fi
fi
prometheus --version 2>&1 | head -n 1 | sed 's/^/    /'

step "promtool check config, check rules, test rules"
if promtool check config deploy/prometheus/prometheus.yml >/dev/null; then pass; else fail "prometheus.yml"; fi
for rules in deploy/prometheus/rules/*.yml; do
    if promtool check rules "$rules" >/dev/null; then pass; else fail "$rules"; fi
done
for tests in deploy/prometheus/tests/*.yml; do
    if promtool test rules "$tests"; then pass; else fail "$tests"; fi
done

step "Grafana provisioning and dashboard"
if python3 - "$ROOT" <<'EOF'; then pass; else fail "Grafana files"; fi
import json, sys, yaml, glob
root = sys.argv[1]
datasources = yaml.safe_load(open(f"{root}/deploy/grafana/provisioning/datasources/prometheus.yml"))["datasources"]
uids = {source["uid"] for source in datasources}
yaml.safe_load(open(f"{root}/deploy/grafana/provisioning/dashboards/flashsale.yml"))["providers"][0]["options"]["path"]
for path in glob.glob(f"{root}/deploy/grafana/dashboards/*.json"):
    dashboard = json.load(open(path))
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), f"{path}: panel ids repeat"
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] in uids, f"{path}: panel {panel['title']} uses an unknown data source"
        assert panel["targets"], f"{path}: panel {panel['title']} has no query"
print(f"    {len(uids)} data source(s); dashboards parse")
EOF

step "Application under a real Prometheus"
# shellcheck source=bin/lib/jdk.sh
source bin/lib/jdk.sh
select_jdk 21 jre-ok >/dev/null
if [[ ! -f target/flashsale.jar ]]; then
    echo "    building target/flashsale.jar"
    ./mvnw -q -B -DskipTests package </dev/null
fi

NAME=fs_check_$(python3 -c 'import uuid; print(uuid.uuid4().hex[:10])')
WORK=$(mktemp -d)
APP_PORT=$(free_port)
PROM_PORT=$(free_port)
TOKEN=check-admin-token
APP_PID=
PROM_PID=

cleanup() {
    set +e
    [[ -n $PROM_PID ]] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
    if [[ -n $APP_PID ]]; then
        kill "$APP_PID" 2>/dev/null
        for _ in $(seq 1 30); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done
        kill -9 "$APP_PID" 2>/dev/null
        wait "$APP_PID" 2>/dev/null
    fi
    redis-cli -h 127.0.0.1 --scan --pattern "$NAME:*" 2>/dev/null | xargs -r redis-cli -h 127.0.0.1 unlink >/dev/null 2>&1
    if command -v rabbitmqctl >/dev/null 2>&1; then
        rabbitmqctl -q list_queues name 2>/dev/null | grep "^$NAME\." | while read -r queue; do
            rabbitmqctl -q delete_queue "$queue" </dev/null >/dev/null 2>&1
        done
    fi
    dropdb -h 127.0.0.1 -U postgres --if-exists --force "$NAME" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

createdb -h 127.0.0.1 -U postgres "$NAME"
SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$NAME" \
FLASHSALE_GATE_KEY_PREFIX="$NAME" FLASHSALE_MESSAGING_PREFIX="$NAME" FLASHSALE_ADMIN_TOKEN="$TOKEN" \
FLASHSALE_RECONCILER_INTERVAL=1s FLASHSALE_METRICS_POLL_INTERVAL=1s SERVER_PORT="$APP_PORT" \
    "$JAVA_HOME/bin/java" -Xmx512m -jar target/flashsale.jar >"$WORK/app.log" 2>&1 </dev/null &
APP_PID=$!

cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/deploy/prometheus/rules/*.yml
scrape_configs:
  - job_name: flashsale
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$APP_PORT"]
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 </dev/null &
PROM_PID=$!

APP="http://127.0.0.1:$APP_PORT"
PROM="http://127.0.0.1:$PROM_PORT"
deadline=$((SECONDS + 120))
until curl -fs "$APP/actuator/health/readiness" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)) || ! kill -0 "$APP_PID" 2>/dev/null; then
        echo "error: the application did not become ready; its log:" >&2
        tail -n 50 "$WORK/app.log" >&2
        exit 1
    fi
    sleep 1
done
echo "    application ready on $APP, Prometheus on $PROM"

# A short load: one sale of 40 units, 120 buyers (most refused as sold out), 20 repeats.
now=$(date -u +%s)
sale=$(curl -fsS -X POST "$APP/api/v1/admin/sales" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Check\",\"startsAt\":\"$(date -u -d "@$((now - 5))" +%FT%TZ)\",\"endsAt\":\"$(date -u -d "@$((now + 3600))" +%FT%TZ)\",
         \"items\":[{\"sku\":\"CHECK-1\",\"name\":\"Check item\",\"price\":1.00,\"stock\":40,\"perUserLimit\":1}]}")
sale_id=$(jq -r .id <<<"$sale")
item_id=$(jq -r '.items[0].id' <<<"$sale")
curl -fsS -X POST "$APP/api/v1/admin/sales/$sale_id/warmup" -H "Authorization: Bearer $TOKEN" >/dev/null
{ seq 1 120; seq 1 20; } | xargs -P 8 -I{} curl -s -o /dev/null -m 10 -X POST "$APP/api/v1/orders" \
    -H 'Content-Type: application/json' -d "{\"itemId\":$item_id,\"userId\":\"buyer-{}\"}"
echo "    sent 140 purchases for item $item_id"

query() { curl -fsS -G "$PROM/api/v1/query" --data-urlencode "query=$1"; }

step "Every PromQL expression of the dashboard returns data"
mapfile -t expressions < <(jq -r '.panels[] | select(.type != "row") | .targets[].expr' deploy/grafana/dashboards/*.json)
# Only the compose stack scrapes cAdvisor (container_*) and the broker's own plugin
# (rabbitmq:15692): here those expressions need only be valid PromQL (the query must not error;
# no data is expected).
# The application's RabbitMQ client metrics are rabbitmq_* too (rabbitmq_connections,
# rabbitmq_published_total, ...), so the broker's are told apart by job="rabbitmq", which the
# dashboard must select them with anyway.
compose_only() {
    if [[ $1 =~ (^|[^a-zA-Z0-9_:])(container_[a-z_]+) ]]; then echo "cAdvisor's ${BASH_REMATCH[2]}"
    elif [[ $1 == *'job="rabbitmq"'* ]]; then echo "the broker's own metrics, job=\"rabbitmq\""
    fi
}
missing=()
syntax_only=0
for expression in "${expressions[@]}"; do
    why=$(compose_only "$expression")
    if [[ -z $why ]]; then
        missing+=("$expression")
    elif [[ $(query "$expression" | jq -r .status) == success ]]; then
        pass
        syntax_only=$((syntax_only + 1))
        echo "    syntax only, no data expected here ($why, compose only): $expression"
    else
        fail "invalid: $expression"
    fi
done
deadline=$((SECONDS + 60))
while ((${#missing[@]} > 0 && SECONDS < deadline)); do
    still=()
    for expression in "${missing[@]}"; do
        if [[ $(query "$expression" | jq -r '.status + " " + (.data.result | length | tostring)') =~ ^success\ [1-9] ]]; then
            pass
        else
            still+=("$expression")
        fi
    done
    missing=("${still[@]}")
    ((${#missing[@]} > 0)) && sleep 2
done
for expression in "${missing[@]}"; do
    fail "no data: $expression"
done
if ((${#missing[@]} > 0)); then
    curl -fsS "$PROM/api/v1/targets" | jq -r '.data.activeTargets[] | "    target \(.scrapeUrl): \(.health) \(.lastError)"'
fi
echo "    ${#expressions[@]} expressions, $syntax_only of them checked for syntax only"

step "Every recording and alerting rule evaluates without error"
sleep 3
rules=$(curl -fsS "$PROM/api/v1/rules")
count=$(jq '[.data.groups[].rules[]] | length' <<<"$rules")
bad=$(jq -r '.data.groups[].rules[] | select(.health != "ok") | "\(.name): \(.health) \(.lastError // "")"' <<<"$rules")
if ((count > 0)) && [[ -z $bad ]]; then
    pass
    echo "    $count rules healthy"
else
    fail "rules: ${bad:-none loaded}"
fi
firing=$(jq -r '.data.groups[].rules[] | select(.type == "alerting" and .state == "firing") | .name' <<<"$rules")
[[ -n $firing ]] && echo "    note: firing after the load: $firing"

printf 'check: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
