#!/bin/bash
# Command (2) of the README: install deps, build, and run every test suite
# (unit, integration on this host, vm under qemu with pure cgroup v2).
# HUSK_TESTS_MUST_RUN=1 turns a skipped privileged/VM test into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash contrib/install-deps.sh
builddir=${BUILDDIR:-build}
[ -d "$builddir" ] || meson setup "$builddir"
meson compile -C "$builddir"
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
