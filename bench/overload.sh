#!/usr/bin/env bash
# Kept for the links in ADR 0008 and 0011: the overload benchmark is now a scenario of bench/run.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" overload "$@"
