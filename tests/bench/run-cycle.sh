#!/bin/bash
# run-cycle.sh HUSK [N]: the cost of a container's whole life. Prints the median wall time of N
# interleaved `run` of `true` from one busybox bundle for husk, crun and runc, and of the bare
# floor `unshare -fmpuin --mount-proc true`, and the ratios (goal: husk <= 0.7x crun and <= 2x
# the floor). Also the cost of husk's re-exec from a sealed memfd (CVE-2019-5736): a `run` and a
# `state` that both fail at once on a bad id, one with the re-exec and one without.
# Runs in a private mount namespace where /sys/fs/cgroup/unified is a private tmpfs: crun
# refuses the host's v1/v2 hybrid otherwise. husk and crun run with the cgroup manager disabled
# (limits are not what this measures); runc makes (and removes) its cgroups. Prints numbers
# only; never fails on time.
set -euo pipefail

husk=$(realpath "${1:?usage: run-cycle.sh HUSK [N]}")
n=${2:-30}
src=$(cd "$(dirname "$0")/../.." && pwd)

if [[ ${RUN_CYCLE_INNER:-} != 1 ]]; then
	((EUID == 0)) || { echo "run-cycle: needs root" >&2; exit 77; }
	exec unshare -m --propagation private env RUN_CYCLE_INNER=1 bash "$0" "$@"
fi
if mountpoint -q /sys/fs/cgroup/unified; then
	umount /sys/fs/cgroup/unified
	mount -t tmpfs -o size=64k tmpfs /sys/fs/cgroup/unified
fi

tmp=$(mktemp -d /tmp/husk-bench.XXXXXX)
trap 'rm -rf --one-file-system "$tmp"' EXIT
HUSK=$husk bash "$src/oci/busybox-bundle.sh" "$tmp/bundle" true >/dev/null
# The same config for every runtime: no cgroup mount (nothing to compare there); crun 1.8
# knows runtime-spec versions up to 1.0.x only.
jq '.ociVersion = "1.0.2" | del(.linux.resources) | .mounts |= map(select(.type != "cgroup"))' "$tmp/bundle/config.json" >"$tmp/c"
mv "$tmp/c" "$tmp/bundle/config.json"

declare -A cmd=(
	[husk]="$husk --cgroup-manager disabled --root $tmp/husk run -b $tmp/bundle"
	[crun]="crun --cgroup-manager=disabled --root $tmp/crun run -b $tmp/bundle"
	[runc]="runc --root $tmp/runc run -b $tmp/bundle"
	[floor]="unshare -fmpuin --mount-proc true"
	[husk-seal]="$husk --root $tmp/husk run ../bad-id"
	[husk-noseal]="$husk --root $tmp/husk state ../bad-id"
)
names=(husk crun runc floor husk-seal husk-noseal)
declare -A samples
for name in "${names[@]}"; do
	command -v "${cmd[$name]%% *}" >/dev/null || { echo "run-cycle: no ${cmd[$name]%% *}, skipped" >&2; unset "cmd[$name]"; }
done

# One sample: wall time in microseconds ($EPOCHREALTIME: no fork to read the clock).
sample() {
	local name=$1 id=$2 t0 t1 c=${cmd[$1]}
	case $name in husk | crun | runc) c="$c $id" ;; esac
	t0=$EPOCHREALTIME
	$c </dev/null >/dev/null 2>&1 || [[ $name == husk-*seal ]] || echo "run-cycle: $name failed" >&2
	t1=$EPOCHREALTIME
	samples[$name]+="$(( (${t1/./} - ${t0/./}) )) "
}

for ((i = 0; i < n; i++)); do
	for name in "${names[@]}"; do
		[[ -n ${cmd[$name]:-} ]] && sample "$name" "bench-$i"
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A med
printf '%-12s %10s   (median of %d, interleaved)\n' runtime ms "$n"
for name in "${names[@]}"; do
	[[ -n ${samples[$name]:-} ]] || continue
	med[$name]=$(median <<<"${samples[$name]}")
	awk -v n="$name" -v m="${med[$name]}" 'BEGIN { printf "%-12s %10.2f\n", n, m / 1000 }'
done
ratio() {
	[[ -n ${med[$1]:-} && -n ${med[$2]:-} ]] || return 0
	awk -v w="$1 / $2" -v a="${med[$1]}" -v b="${med[$2]}" -v g="$3" 'BEGIN { printf "%-22s %6.2fx   %s\n", w, a / b, g }'
}
echo
ratio husk crun "(goal <= 0.7)"
ratio husk floor "(goal <= 2)"
ratio husk runc ""
if [[ -n ${med[husk-seal]:-} && -n ${med[husk-noseal]:-} ]]; then
	awk -v a="${med[husk-seal]}" -v b="${med[husk-noseal]}" \
		'BEGIN { printf "%-22s %6.2f ms\n", "sealed re-exec costs", (a - b) / 1000 }'
fi
exit 0
