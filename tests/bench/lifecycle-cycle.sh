#!/bin/bash
# lifecycle-cycle.sh HUSK [N]: create + start + delete of a busybox `true` container, the cycle
# youki's published benchmark times, for husk, crun and runc: median wall time of N interleaved
# cycles (each the three commands, delete --force as the process may still run), and each step.
# Prints numbers only; never fails on time.
set -euo pipefail
BENCH_ARGS=("$@")
. "$(dirname "$0")/bench-lib.sh"
bench_setup "${1:-}"
n=${2:-30}

declare -A samples
for ((i = 0; i < n; i++)); do
	for name in "${RUNTIMES[@]}"; do
		rt=${RT[$name]} id=cycle-$i
		now_us t0
		$rt create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 || echo "lifecycle-cycle: $name create failed" >&2
		now_us t1
		$rt start "$id" </dev/null >/dev/null 2>&1 || echo "lifecycle-cycle: $name start failed" >&2
		now_us t2
		$rt delete -f "$id" </dev/null >/dev/null 2>&1 || echo "lifecycle-cycle: $name delete failed" >&2
		now_us t3
		samples[$name-create]+="$((t1 - t0)) " samples[$name-start]+="$((t2 - t1)) "
		samples[$name-delete]+="$((t3 - t2)) " samples[$name]+="$((t3 - t0)) "
	done
done

printf '%-8s %9s %9s %9s %9s   ms, median of %d, interleaved\n' runtime cycle create start delete "$n"
for name in "${RUNTIMES[@]}"; do
	printf '%-8s' "$name"
	for k in "" -create -start -delete; do
		awk -v m="$(median <<<"${samples[$name$k]}")" 'BEGIN { printf " %9.2f", m / 1000 }'
	done
	echo
done
