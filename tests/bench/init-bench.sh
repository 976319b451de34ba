#!/bin/bash
# husk-init beside tini, catatonit and dumb-init, each as PID 1 of a new pid namespace:
# binary size, resident memory while the command runs, and the time until N orphans that
# exit at once are all reaped (init-probe reap-bench). The reap runs are interleaved over
# HUSK_BENCH_ROUNDS rounds (default 3): the table gives their median and its ratio to the first
# init's. Prints a table; asserts nothing.
# Usage: init-bench.sh INIT_PROBE [N] INIT...   (meson: the husk-init builds, then the
# Debian references when installed)
set -euo pipefail

probe=${1:?usage: init-bench.sh INIT_PROBE [N] INIT...}
shift
n=10000
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
	n=$1
	shift
fi
inits=("$@")
for ref in /usr/bin/tini /usr/bin/tini-static /usr/bin/catatonit /usr/bin/dumb-init; do
	[[ -x $ref ]] && inits+=("$ref")
done
if ((EUID != 0)) || ! unshare -fp --mount-proc true 2>/dev/null; then
	echo "SKIP: needs root and pid namespaces"
	exit 77
fi

# rss_kib INIT: VmRSS of INIT as PID 1 while its command sleeps.
rss_kib() {
	local up child rss=
	unshare -fp --mount-proc "$1" -- sleep 2 &
	up=$!
	for _ in $(seq 50); do
		child=$(awk '{ print $1 }' "/proc/$up/task/$up/children" 2>/dev/null || true)
		[[ -n $child ]] && rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$child/status" 2>/dev/null || true)
		[[ -n $rss ]] && break
		sleep 0.02
	done
	sleep 0.2
	[[ -n $child ]] && rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$child/status" 2>/dev/null || echo "$rss")
	wait "$up" || true
	echo "${rss:-?}"
}

rounds=${HUSK_BENCH_ROUNDS:-3}
declare -A reaps=()
for ((r = 0; r < rounds; r++)); do
	for init in "${inits[@]}"; do
		reaps[$init]+="$(timeout 300 unshare -fp --mount-proc "$init" -- "$probe" reap-bench "$n" 2>/dev/null || echo "?") "
	done
done
# median WORDS...: the middle one of the numbers (a '?' run counts as the slowest).
median() {
	printf '%s\n' "$@" | sed 's/^?$/999999999/' | sort -n | sed -n "$((($# + 1) / 2))p" | sed 's/^999999999$/?/'
}

printf '%-44s %10s %10s %16s %8s\n' "init" "size (B)" "RSS (KiB)" "reap $n (ms)" "ratio"
first=
for init in "${inits[@]}"; do
	# shellcheck disable=SC2086 # the runs are words
	m=$(median ${reaps[$init]})
	[[ -n $first ]] || first=$m
	ratio=?
	[[ $m != "?" && $first != "?" && $first -gt 0 ]] && ratio=$(awk -v a="$m" -v b="$first" 'BEGIN { printf "%.2f", a / b }')
	printf '%-44s %10s %10s %16s %8s\n' "$init" "$(stat -c %s "$init")" "$(rss_kib "$init")" "$m" "$ratio"
done
echo "# reap runs (ms), round by round: $(for init in "${inits[@]}"; do printf '%s: %s; ' "${init##*/}" "${reaps[$init]% }"; done)"
