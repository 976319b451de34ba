# tests/bench/bench-lib.sh: shared by the runtime benchmarks (source it; they print figures and
# never fail on time).
#   bench_setup HUSK      root check; re-exec the caller in a private mount namespace where
#                         /sys/fs/cgroup/unified is a private tmpfs (crun refuses the host's v1/v2
#                         hybrid otherwise); $TMP temp dir (removed at exit); $BUNDLE: a busybox
#                         bundle running `true`, the same config for every runtime
#   RT[name]              the command line of each runtime found (husk, crun, runc), --root under
#                         $TMP; husk and crun without a cgroup manager, runc with its cgroupfs one
#   RUNTIMES              their names, in that order
#   median                median of the numbers on stdin (one or more per line)
#   now_us VAR            wall clock in microseconds into VAR, without a fork
#   SPAWN_TIME            tests/helpers/spawn-time (built next to husk, else compiled into $TMP):
#                         `$SPAWN_TIME CMD...` prints "WALL_US CPU_US STATUS" of one run of CMD

bench_setup() {
	HUSK=$(realpath "${1:?usage: $0 HUSK [N]}")
	SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	if [[ ${BENCH_INNER:-} != 1 ]]; then
		((EUID == 0)) || { echo "${0##*/}: needs root" >&2; exit 77; }
		exec unshare -m --propagation private env BENCH_INNER=1 bash "$0" "${BENCH_ARGS[@]}"
	fi
	if mountpoint -q /sys/fs/cgroup/unified; then
		umount /sys/fs/cgroup/unified
		mount -t tmpfs -o size=64k tmpfs /sys/fs/cgroup/unified
	fi
	TMP=$(mktemp -d /tmp/husk-bench.XXXXXX)
	trap bench_cleanup EXIT
	BUNDLE=$TMP/bundle
	HUSK=$HUSK bash "$SRC/oci/busybox-bundle.sh" "$BUNDLE" true >/dev/null
	# No cgroup mount (nothing to compare there); crun 1.8 knows runtime-spec up to 1.0.x.
	jq '.ociVersion = "1.0.2" | del(.linux.resources) | .mounts |= map(select(.type != "cgroup"))' \
		"$BUNDLE/config.json" >"$TMP/c" && mv "$TMP/c" "$BUNDLE/config.json"
	declare -gA RT=(
		[husk]="$HUSK --cgroup-manager disabled --root $TMP/husk"
		[crun]="crun --cgroup-manager=disabled --root $TMP/crun"
		[runc]="runc --root $TMP/runc"
	)
	SPAWN_TIME=$(dirname "$HUSK")/../../tests/helpers/spawn-time
	if [[ ! -x $SPAWN_TIME ]]; then
		SPAWN_TIME=$TMP/spawn-time
		cc -O2 -o "$SPAWN_TIME" "$SRC/tests/helpers/spawn-time.c"
	fi
	RUNTIMES=()
	local name
	for name in husk crun runc; do
		if command -v "${RT[$name]%% *}" >/dev/null; then
			RUNTIMES+=("$name")
		else
			echo "${0##*/}: no $name, skipped" >&2
		fi
	done
}

# Containers a benchmark left (an interrupted run): deleted by each runtime, then the temp dir.
bench_cleanup() {
	local name id
	for name in "${RUNTIMES[@]}"; do
		for id in $(${RT[$name]} list -q 2>/dev/null); do
			${RT[$name]} delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	rm -rf --one-file-system "$TMP"
}

median() {
	tr ' ' '\n' | grep . | sort -n |
		awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

now_us() {
	local t=$EPOCHREALTIME
	printf -v "$1" '%s' "${t/./}"
}
