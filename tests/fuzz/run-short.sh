#!/bin/bash
# The CI fuzz run (tests/fuzz/README.md): build the libFuzzer targets with clang, ASan and UBSan in
# their own build dir, fuzz each for FUZZ_SECONDS (default 25) starting from the committed corpus,
# then replay corpus and regressions deterministically (meson test --suite fuzz).
# Usage: tests/fuzz/run-short.sh [TARGET...]   (default: all)
# Env: FUZZ_BUILDDIR (default build-fuzz), FUZZ_SECONDS, FUZZ_OUT (where new inputs and crashes go;
# default <builddir>/fuzz-out). A crash, leak or UB report fails the run and names the input.
set -euo pipefail
cd "$(dirname "$0")/../.."

builddir=${FUZZ_BUILDDIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-25}
out=${FUZZ_OUT:-$builddir/fuzz-out}
targets=("$@")
((${#targets[@]})) || targets=(spec seccomp mountinfo cgroup state)

if [ ! -d "$builddir" ]; then
  CC=clang meson setup "$builddir" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dman=disabled
fi
ninja_targets=()
for t in "${targets[@]}"; do
  ninja_targets+=("tests/fuzz/fuzz-$t" "tests/fuzz/fuzz-$t-replay")
done
ninja -C "$builddir" "${ninja_targets[@]}"

# UB reports abort (the fuzzer then keeps the input); leaks are reported at the end of each input.
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1

failed=()
for t in "${targets[@]}"; do
  work="$out/$t"
  rm -rf "$work" "$out/$t-crash"
  mkdir -p "$work" "$out/$t-crash"
  echo "fuzz-$t: ${seconds}s from tests/fuzz/corpus/$t"
  # New inputs go to $work (first dir), never into the committed corpus.
  if ! "$builddir/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/$t-crash/" \
       "$work" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" >"$out/$t.log" 2>&1; then
    failed+=("$t")
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$out/$t.log" | head -5 >&2 || true
    echo "fuzz-$t: FAILED, log $out/$t.log, input(s): $(ls "$out/$t-crash")" >&2
    echo "  add it as tests/fuzz/regressions/$t/<what-broke> once fixed" >&2
  else
    grep -E '^stat::number_of_executed_units|DONE' "$out/$t.log" | tr '\n' ' '
    echo
  fi
done

# Deterministic: every corpus and regression input once, under the same sanitizers.
meson test -C "$builddir" --no-rebuild --suite fuzz --print-errorlogs || failed+=(replay)

if ((${#failed[@]})); then
  echo "run-short: failed: ${failed[*]}" >&2
  exit 1
fi
echo "run-short: ${#targets[@]} targets, ${seconds}s each, no crash, leak or UB"
