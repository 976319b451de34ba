#!/bin/bash
# rss.sh HUSK [N]: peak resident set size of the runtime's processes during a `run` of busybox
# `true` (GNU time's maximum RSS: the largest process of the runtime's tree, the container's
# `true` included), for husk, crun and runc: the median of N runs, in KiB. Prints numbers only.
set -euo pipefail
BENCH_ARGS=("$@")
. "$(dirname "$0")/bench-lib.sh"
bench_setup "${1:-}"
n=${2:-10}
command -v /usr/bin/time >/dev/null || { echo "rss: needs GNU time (/usr/bin/time)" >&2; exit 77; }

declare -A kib
for ((i = 0; i < n; i++)); do
	for name in "${RUNTIMES[@]}"; do
		/usr/bin/time -f %M -o "$TMP/rss" ${RT[$name]} run -b "$BUNDLE" "rss-$i" </dev/null >/dev/null 2>&1 ||
			echo "rss: $name failed" >&2
		kib[$name]+="$(tail -1 "$TMP/rss") "
	done
done
printf '%-8s %10s   (median of %d)\n' runtime "peak KiB" "$n"
for name in "${RUNTIMES[@]}"; do
	printf '%-8s %10s\n' "$name" "$(median <<<"${kib[$name]}")"
done
