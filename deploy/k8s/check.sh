#!/usr/bin/env bash
# Offline check of the Kubernetes manifests: renders the kustomize base and every overlay with
# `kubectl kustomize` (no cluster needed), then checks what came out against the Kubernetes and
# KEDA schemas, rejects unknown fields, and checks the project's own rules (check/check.mjs).
#
#   deploy/k8s/check.sh              # prints "N passed, N failed"; exits non-zero on a failure
#
# Needs kubectl (for kustomize), Node.js and npm; the checker's packages are installed from the
# lock file into deploy/k8s/check/node_modules on first use. An overlay's secrets.env, which is
# never committed, is taken from its secrets.env.example in a scratch copy.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v kubectl >/dev/null || { echo "error: kubectl not found (it renders kustomize)" >&2; exit 1; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then echo "error: node and npm are needed" >&2; exit 1; fi

if [[ ! -d $here/check/node_modules || $here/check/package-lock.json -nt $here/check/node_modules/.package-lock.json ]]; then
    echo "==> installing the checker (npm ci in deploy/k8s/check)"
    (cd "$here/check" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/flashsale-k8s.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$here/base" "$here/overlays" "$work/"
for example in "$work"/overlays/*/secrets.env.example; do
    [[ -e $example ]] && cp "$example" "${example%.example}"
done

echo "==> rendering (kubectl kustomize, $(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p'))"
args=()
kubectl kustomize "$work/base" >"$work/base.yaml"
echo "    base: $(grep -c '^kind:' "$work/base.yaml") objects"
args+=("base=$work/base.yaml")
for overlay in "$work"/overlays/*/; do
    name=$(basename "$overlay")
    kubectl kustomize "$overlay" >"$work/$name.yaml"
    echo "    $name: $(grep -c '^kind:' "$work/$name.yaml") objects"
    args+=("$name=$work/$name.yaml")
done

node "$here/check/check.mjs" "${args[@]}"
