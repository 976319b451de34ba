# shellcheck shell=bash
# tests/lib.sh: shared bash helpers for husk's shell tests (tests/integration/*.sh and
# tests/vm/cases/*.sh). Source it first:
#
#   . "$(dirname "$0")/../lib.sh"            # from tests/integration/
#   . "$HUSK_SOURCE_DIR/tests/lib.sh"        # from anywhere, in the VM too
#
# It turns on `set -euo pipefail` and installs an EXIT trap (and INT/TERM/HUP traps that
# exit through it): do not set your own EXIT trap, register cleanups with `defer`.
#
#   skip REASON         the test cannot run here: print REASON, exit 77 (meson: SKIP). With
#                       HUSK_TESTS_MUST_RUN=1 (CI) it fails instead: exit 1.
#   fail MESSAGE        print "FAIL: MESSAGE" to stderr, exit 1.
#   require_root        skip unless running as root.
#   require_cmd CMD...  skip unless every CMD is in PATH.
#   require_cgroup2 [CONTROLLER...]
#                       skip unless /sys/fs/cgroup is cgroup2 (not the v1/v2 hybrid) and the
#                       root's subtree_control has every CONTROLLER (e.g. cpu memory).
#   defer CMD [ARG...]  run CMD at exit, last registered first, whatever the exit path. One
#                       argument is a shell snippet (eval'd, so quote values you embed);
#                       several are a command with its arguments (quoted for you). A failing
#                       cleanup is reported but does not change the exit status.
#   new_tmpdir VAR      create a directory /tmp/husk-test.XXXXXX, store its path in VAR, and
#                       remove it at exit: first any mounts below it, then its contents,
#                       without crossing into other filesystems.
#   assert_eq EXPECTED ACTUAL WHAT
#                       fail with "WHAT: expected 'EXPECTED', got 'ACTUAL'" unless equal.
#   wait_until SECONDS CMD [ARG...]
#                       run CMD every 0.1 s until it succeeds (return 0) or SECONDS pass
#                       (return 1).
#
# Environment: HUSK_BUILD_DIR and HUSK_SOURCE_DIR (absolute; meson and tests/vm/run.sh set
# them), HUSK_TESTS_MUST_RUN (1: skips fail).

# Sourced a second time (say, by a suite's own helper file): nothing to do.
[[ -z ${_lib_sourced:-} ]] || return 0
_lib_sourced=1

set -euo pipefail

_lib_deferred=()

# EXIT trap: run the deferred cleanups in reverse order, keep the exit status.
_lib_run_deferred() {
	local rc=$? i
	set +e
	trap - INT TERM HUP
	for ((i = ${#_lib_deferred[@]} - 1; i >= 0; i--)); do
		eval "${_lib_deferred[i]}" ||
			echo "lib.sh: cleanup failed (status $?): ${_lib_deferred[i]}" >&2
	done
	_lib_deferred=()
	exit "$rc"
}
trap _lib_run_deferred EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

defer() {
	(($#)) || fail "defer: no command"
	if (($# == 1)); then
		_lib_deferred+=("$1")
	else
		_lib_deferred+=("$(printf '%q ' "$@")")
	fi
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	if [[ ${HUSK_TESTS_MUST_RUN:-0} == 1 ]]; then
		echo "FAIL: cannot run: $* (HUSK_TESTS_MUST_RUN=1 forbids skipping)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

require_root() {
	((EUID == 0)) || skip "needs root"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "needs $c in PATH"
	done
}

require_cgroup2() {
	local fstype c ctl
	fstype=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || true)
	[[ $fstype == cgroup2fs ]] ||
		skip "needs pure cgroup v2 on /sys/fs/cgroup (found ${fstype:-nothing}); run it in tests/vm"
	ctl=" $(</sys/fs/cgroup/cgroup.subtree_control) "
	for c in "$@"; do
		[[ $ctl == *" $c "* ]] || skip "needs the $c controller in /sys/fs/cgroup/cgroup.subtree_control"
	done
}

# Unmount everything below $1 (deepest first), then remove it without crossing filesystems,
# so a bind mount of / into a test rootfs can never make us delete the host's files.
_lib_remove_tree() {
	local dir=$1 m
	[[ -d $dir ]] || return 0
	while read -r m; do
		umount -l "$m" 2>/dev/null || echo "lib.sh: cannot unmount $m" >&2
	done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	rm -rf --one-file-system "$dir"
}

new_tmpdir() {
	local _lib_dir
	[[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "new_tmpdir: '$1' is not a variable name"
	_lib_dir=$(mktemp -d /tmp/husk-test.XXXXXX)
	defer _lib_remove_tree "$_lib_dir"
	printf -v "$1" '%s' "$_lib_dir"
}

assert_eq() {
	[[ $1 == "$2" ]] || fail "$3: expected '$1', got '$2'"
}

# in_other_ns PID NS: PID is in another NS namespace ("mnt", "net", ...) than this shell. For
# wait_until, which re-runs its command on every try (a "$(...)" argument would be read once).
in_other_ns() {
	local theirs
	theirs=$(readlink "/proc/$1/ns/$2" 2>/dev/null) || return 1
	[[ $theirs != "$(readlink "/proc/self/ns/$2")" ]]
}

wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}
