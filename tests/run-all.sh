#!/bin/bash
# Command (2) of the README: install deps, build, and run every test suite
# (unit, integration on this host, vm under qemu with pure cgroup v2).
# HUSK_TESTS_MUST_RUN=1 turns a skipped privileged/VM test into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash contrib/build.sh
builddir=${BUILDDIR:-build}
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"

# In CI (HUSK_TESTS_MUST_RUN=1), or with HUSK_SANITIZE_CI=1 (=0 turns it off): the unit and host
# integration suites again under ASan + UBSan in build-asan, then a short libFuzzer run of every
# parser target (tests/fuzz/README.md). LeakSanitizer checks the unit suite only: its exit-time
# scan stops the process's threads through /proc/self/task and ptrace, which fails ("LeakSanitizer
# has encountered a fatal error") in a process that has entered a container's namespaces and root.
if [ "${HUSK_SANITIZE_CI:-${HUSK_TESTS_MUST_RUN:-0}}" = 1 ]; then
  asandir=${ASAN_BUILDDIR:-build-asan}
  [ -d "$asandir" ] || meson setup "$asandir" -Db_sanitize=address,undefined -Db_lundef=false
  meson compile -C "$asandir"
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  ASAN_OPTIONS=detect_leaks=1 meson test -C "$asandir" --print-errorlogs --num-processes 2 --suite unit
  ASAN_OPTIONS=detect_leaks=0 meson test -C "$asandir" --print-errorlogs --suite integration
  unset UBSAN_OPTIONS
  bash tests/fuzz/run-short.sh
fi
