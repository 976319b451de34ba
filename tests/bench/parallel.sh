#!/bin/bash
# parallel.sh HUSK [COUNT] [ROUNDS]: COUNT (50) busybox `true` containers run at once (`run`, all
# started together), for husk, crun and runc in turn, ROUNDS (3) times: the wall time until all
# have exited and the median of each container's own wall time, as medians over the rounds.
# Prints numbers only; never fails on time.
set -euo pipefail
BENCH_ARGS=("$@")
. "$(dirname "$0")/bench-lib.sh"
bench_setup "${1:-}"
count=${2:-50}
rounds=${3:-3}

# One container: its wall time in microseconds on stdout.
one() {
	local t0 t1
	now_us t0
	${RT[$1]} run -b "$BUNDLE" "$2" </dev/null >/dev/null 2>&1 || echo "parallel: $1 $2 failed" >&2
	now_us t1
	echo $((t1 - t0))
}

declare -A all per
for ((r = 0; r < rounds; r++)); do
	for name in "${RUNTIMES[@]}"; do
		now_us t0
		for ((i = 0; i < count; i++)); do
			one "$name" "par-$r-$i" >"$TMP/$name.$i" &
		done
		wait
		now_us t1
		all[$name]+="$((t1 - t0)) "
		per[$name]+="$(cat "$TMP/$name".* | median) "
	done
done

printf '%-8s %12s %14s   ms, %d containers at once, median of %d rounds\n' runtime all per-container "$count" "$rounds"
for name in "${RUNTIMES[@]}"; do
	awk -v n="$name" -v a="$(median <<<"${all[$name]}")" -v p="$(median <<<"${per[$name]}")" \
		'BEGIN { printf "%-8s %12.1f %14.1f\n", n, a / 1000, p / 1000 }'
done
