#!/bin/bash
# run-cycle.sh HUSK [N]: the cost of a container's whole life. Prints the median wall time of N
# interleaved `run` of `true` from one busybox bundle for husk, crun and runc, and of the bare
# floor `unshare -fmpuin --mount-proc true`, and the ratios (goal: husk <= 0.7x crun and <= 2x
# the floor), in wall time and in CPU time of the whole process tree. Also what husk-dmz saves
# over the fallback of re-executing husk from a sealed view (CVE-2019-5736, src/runtime/exe-seal.h):
# the same `run` with HUSK_SEAL=reexec.
# husk and crun run without a cgroup manager (limits are not what this measures); runc makes
# (and removes) its cgroups. Prints numbers only; never fails on time.
set -euo pipefail
BENCH_ARGS=("$@")
. "$(dirname "$0")/bench-lib.sh"
bench_setup "${1:-}"
n=${2:-30}

declare -A cmd=([floor]="unshare -fmpuin --mount-proc true")
for name in "${RUNTIMES[@]}"; do cmd[$name]="${RT[$name]} run -b $BUNDLE"; done
RT[husk-reexec]="env HUSK_SEAL=reexec ${RT[husk]}"
cmd[husk-reexec]="${RT[husk-reexec]} run -b $BUNDLE"
names=("${RUNTIMES[@]}" floor husk-reexec)
declare -A samples cpu

# One sample: wall time and CPU time (the whole process tree) in microseconds, timed by
# spawn-time (bench-lib.sh) around a posix_spawn of the command: the fork of this shell that
# `$cmd` would add to every sample (several ms here, the same for all) stays out of the figures.
sample() {
	local name=$1 id=$2 wall cpu_us status c=${cmd[$1]}
	[[ -n ${RT[$name]:-} ]] && c="$c $id"
	$SPAWN_TIME $c >"$TMP/sample"
	read -r wall cpu_us status <"$TMP/sample"
	((status == 0)) || echo "run-cycle: $name failed (status $status)" >&2
	samples[$name]+="$wall "
	cpu[$name]+="$cpu_us "
}

for ((i = 0; i < n; i++)); do
	for name in "${names[@]}"; do
		sample "$name" "bench-$i"
	done
done

declare -A med mcpu
printf '%-12s %10s %10s   (median of %d, interleaved)\n' runtime "wall ms" "cpu ms" "$n"
for name in "${names[@]}"; do
	med[$name]=$(median <<<"${samples[$name]}")
	mcpu[$name]=$(median <<<"${cpu[$name]}")
	awk -v n="$name" -v m="${med[$name]}" -v c="${mcpu[$name]}" 'BEGIN { printf "%-12s %10.2f %10.2f\n", n, m / 1000, c / 1000 }'
done
# Ratios of the wall medians, and of the CPU medians (steadier on a loaded machine).
ratio() {
	[[ -n ${med[$1]:-} && -n ${med[$2]:-} ]] || return 0
	awk -v w="$1 / $2" -v a="${med[$1]}" -v b="${med[$2]}" -v ca="${mcpu[$1]}" -v cb="${mcpu[$2]}" -v g="$3" \
		'BEGIN { printf "%-16s wall %5.2fx  cpu %5.2fx   %s\n", w, a / b, (cb > 0 ? ca / cb : 0), g }'
}
echo
ratio husk crun "(goal <= 0.7)"
ratio husk floor "(goal <= 2)"
ratio husk runc ""
ratio husk husk-reexec "(husk-dmz against re-executing husk sealed)"
