#!/usr/bin/env bash
# Offline check of compose.yaml, without a Docker engine: renders it with Debian's docker-compose
# (`config` parses, merges the anchors, substitutes .env.example and validates against the Compose
# schema; installed with apt-get when missing and running as root), then checks the rendered file
# against what the README promises (check list below).
#
#   deploy/compose-check.sh          # prints "N passed, N failed"; exits non-zero on a failure
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! command -v docker-compose >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "==> installing Debian's docker-compose (for \`docker-compose config\` only)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; }
    else
        echo "error: docker-compose not found (apt-get install docker-compose)" >&2
        exit 1
    fi
fi
python=python3
"$python" -c 'import yaml' 2>/dev/null || python=/usr/bin/python3

work=$(mktemp -d "${TMPDIR:-/tmp}/flashsale-compose.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "==> docker-compose config ($(docker-compose version --short 2>/dev/null || echo '?'))"
# Without .env, no secret has a value: compose must refuse (no default password in the file).
: >"$work/empty.env"
if docker-compose -f compose.yaml --env-file "$work/empty.env" config >/dev/null 2>"$work/no-env.err"; then
    no_env=rendered
else
    no_env=$(grep -o 'set [A-Z_]* in .env' "$work/no-env.err" | head -n 1 || tail -n 1 "$work/no-env.err")
fi
docker-compose -f compose.yaml --env-file .env.example config >"$work/compose.yaml"

# The balancer's configuration, by Debian's nginx if it is here: its 1.22 predates the upstream
# `resolve` parameter (1.27.3) and cannot resolve the compose service name, so those two are
# adapted in a copy; everything else is tested as written.
nginx_result=skipped
if command -v nginx >/dev/null; then
    mkdir -p "$work/nginx"
    sed -e 's/ resolve;/;/' -e 's/server api:8080/server 127.0.0.1:8080/' -e "s|pid /tmp/nginx.pid;|pid $work/nginx/nginx.pid;|" \
        -e "s|http {|http {\n    client_body_temp_path $work/nginx/b; proxy_temp_path $work/nginx/p; fastcgi_temp_path $work/nginx/f; uwsgi_temp_path $work/nginx/u; scgi_temp_path $work/nginx/s;|" \
        deploy/nginx/nginx.conf >"$work/nginx/nginx.conf"
    if nginx -t -q -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/t.err"; then
        nginx_result=ok
    else
        nginx_result="failed: $(tr '\n' ' ' <"$work/nginx/t.err")"
    fi
fi

"$python" - "$work/compose.yaml" "$no_env" "$nginx_result" <<'PY'
import os, re, sys, yaml

rendered, no_env, nginx_result = sys.argv[1], sys.argv[2], sys.argv[3]
c = yaml.safe_load(open(rendered))
services = c["services"]
passed = failed = 0
def check(ok, what):
    global passed, failed
    print(("    ok    " if ok else "    FAIL  ") + what)
    if ok: passed += 1
    else: failed += 1

if nginx_result == "skipped":
    print("    note  deploy/nginx/nginx.conf not tested: no nginx here")
else:
    check(nginx_result == "ok", "deploy/nginx/nginx.conf passes nginx -t (Debian's nginx, resolve and the service name adapted) %s" % ("" if nginx_result == "ok" else nginx_result))
check(no_env.startswith("set "), "without .env, compose refuses to start (%s)" % no_env)
raw = open("compose.yaml").read()
literal = re.findall(r"^\s*[A-Z_]*(PASSWORD|PASS|TOKEN|SECRET)[A-Z_]*:\s*(?!\$\{)(\S+)", raw, re.M)
check(not literal, "no literal secret in compose.yaml %s" % (literal or ""))

expected = {"postgres", "redis", "rabbitmq", "api", "lb", "worker", "dlq", "reconciler",
            "prometheus", "grafana", "jaeger", "cadvisor"}
check(expected <= set(services), "services: %s" % ", ".join(sorted(services)))
for name, s in sorted(services.items()):
    check(s.get("restart") in ("unless-stopped", "always", "on-failure"), "%s: restart policy (%s)" % (name, s.get("restart")))
    hc = s.get("healthcheck") or {}
    check(bool(hc.get("test")) and not hc.get("disable"), "%s: health check" % name)
    for dep, how in (s.get("depends_on") or {}).items():
        cond = how.get("condition") if isinstance(how, dict) else None
        check(cond == "service_healthy", "%s: waits for %s to be healthy (%s)" % (name, dep, cond))
    for v in s.get("volumes") or []:
        source = v.split(":")[0] if isinstance(v, str) else v.get("source", "")
        if source.startswith("/") and source.startswith(os.getcwd()):
            rel = os.path.relpath(source)
            if os.path.exists(source):
                check(True, "%s: mounts %s" % (name, rel))
            elif rel.startswith(("deploy/prometheus", "deploy/grafana")):
                print("    note  %s: %s is not here yet (the observability work provides it)" % (name, rel))
            else:
                check(False, "%s: mounts %s, which does not exist" % (name, rel))

roles = {n: (s.get("environment") or {}).get("FLASHSALE_ROLES") for n, s in services.items()}
for role in ("api", "worker", "dlq", "reconciler"):
    check(roles.get(role) == role, "%s: FLASHSALE_ROLES=%s" % (role, roles.get(role)))
    env = services[role].get("environment") or {}
    check(all(env.get(k) for k in ("SPRING_DATASOURCE_PASSWORD", "SPRING_RABBITMQ_PASSWORD", "FLASHSALE_ADMIN_TOKEN")),
          "%s: credentials and the shared admin token from .env" % role)
    check(services[role].get("image") == "flashsale:local", "%s: the one application image (%s)" % (role, services[role].get("image")))
check(not services["api"].get("ports"), "api: not published (several replicas; the load balancer is the way in)")
check(any(str(p).endswith("8080") or (isinstance(p, dict) and p.get("target") == 8080) for p in services["lb"].get("ports", [])),
      "lb: publishes the API")
check((services["api"].get("deploy") or {}).get("replicas", 1) >= 2, "api: several replicas")
check((services["reconciler"].get("deploy") or {}).get("replicas", 1) == 2, "reconciler: two replicas, one standing by")
check("container_name" not in services["worker"], "worker: no container_name, so --scale worker=N works")
def mounts(service, target_dir):
    for v in services[service].get("volumes") or []:
        source, target = (v.split(":")[0], v.split(":")[1]) if isinstance(v, str) else (v.get("source", ""), v.get("target", ""))
        # RabbitMQ reads the *.conf files directly in conf.d
        if re.fullmatch(re.escape(target_dir) + r"[^/]+\.conf", target) and os.path.isfile(source):
            yield open(source).read()
versions = [v for text in mounts("rabbitmq", "/etc/rabbitmq/conf.d/")
            for v in re.findall(r"^classic_queue\.default_version\s*=\s*(\S+)\s*$", text, re.M)]
moved = [k for k in (services["rabbitmq"].get("environment") or {}) if k.startswith("RABBITMQ_CONFIG_FILE")]
check(versions[-1:] == ["2"] and not moved,
      "rabbitmq: classic queues in storage version 2 (a .conf file in /etc/rabbitmq/conf.d; ADR 0063) %s" % (moved or versions))
def seconds(d):
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(d or ""))
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0) if m else 0
check(seconds(services["worker"].get("stop_grace_period")) >= 50,
      "worker: stop_grace_period %s covers the batch (30 s) and Spring's phase (20 s)" % services["worker"].get("stop_grace_period"))
check(seconds(services["api"].get("stop_grace_period")) > 20, "api: stop_grace_period covers Spring's graceful shutdown (20 s)")
published = [p for s in services.values() for p in s.get("ports", [])]
loopback = [p for p in published if isinstance(p, dict) and p.get("host_ip") == "127.0.0.1" or str(p).startswith("127.0.0.1:")]
check(len(published) - len(loopback) == 1, "only the load balancer listens beyond 127.0.0.1")
print("compose: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
