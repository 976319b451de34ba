# tests/integration/leak-lib.sh: what fault-injection.sh and churn.sh look at to show that husk
# left nothing behind. Source it first, instead of lib.sh and lifecycle-lib.sh: it re-executes
# the test in a private mount namespace of its own (so that other users of the host do not
# change the mount table it compares), then sources those two.
#
#   leak_setup                 lc_setup, then skip without the private namespace or without
#                              cgroups; HIER gets every cgroup and cgroup2 mount point
#   leak_cgroups NAME          the cgroup directories named *NAME* below husk's parent (/husk) in
#                              every hierarchy, one a line
#   leak_procs REGEX           processes, "pid cmdline" a line: in a cgroup whose path matches
#                              REGEX, or with $ROOT on their command line (husk, and its
#                              children before they exec)
#   leak_mounts                the mount points of this namespace, sorted

if [[ -z ${HUSK_LEAK_TEST_NS:-} ]] && command -v unshare >/dev/null; then
	HUSK_LEAK_TEST_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lifecycle-lib.sh"

leak_setup() {
	lc_setup
	[[ -n ${HUSK_LEAK_TEST_NS:-} ]] || skip "needs unshare(1) from util-linux"
	mapfile -t HIER < <(awk '$0 ~ / - cgroup2? / { print $5 }' /proc/self/mountinfo | sort -u)
	((${#HIER[@]} > 0)) || skip "no cgroup filesystem is mounted"
}

leak_cgroups() {
	local m
	for m in "${HIER[@]}"; do
		[[ -d $m/husk ]] && find "$m/husk" -mindepth 1 -maxdepth 3 -type d -name "*$1*"
	done
	return 0
}

# The pattern "[/]tmp/..." matches our --root but not the command line of the grep that looks
# for it.
leak_procs() {
	{
		grep -lE -- "$1" /proc/[0-9]*/cgroup
		grep -lz -- "[${ROOT:0:1}]${ROOT:1}" /proc/[0-9]*/cmdline
	} 2>/dev/null | cut -d/ -f3 | sort -u | while read -r p; do
		echo "$p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
	done
	return 0
}

leak_mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sort
}
