# tests/integration/events-lib.sh: shared by tests/integration/events.sh (this host) and
# tests/vm/cases/events.sh (pure cgroup v2). Source after lib.sh and cgroup-lib.sh, call cg_setup.
#
#   ev_start NAME ARGS    `husk events ARGS` in the background, stdout in $T/NAME.out, stderr in
#                         $T/NAME.err (killed at exit if still running)
#   ev_wait NAME          wait for NAME to end; its exit status in $ev_rc
#   ev_count NAME TYPE    how many events of TYPE (stats, oom) NAME printed so far
#   ev_has NAME TYPE N    at least N events of TYPE (for wait_until)
#   ev_ended NAME         NAME has exited (for wait_until)
#   ev_armed NAME         NAME watches: it holds the init's pidfd, opened after the OOM watch
#   ev_oom_bundle NAME    a container limited to 16 MiB of memory that waits for $T/rootfs/tmp/go,
#                         then has dd allocate 64 MiB (the OOM killer ends dd), then sleeps 1 s

declare -A _ev_pid

ev_start() {
	local name=$1
	shift
	"$HUSK" --root "$ROOT" events "$@" >"$T/$name.out" 2>"$T/$name.err" &
	_ev_pid[$name]=$!
	defer "ev_stop $name"
}

# At exit: end NAME if it still runs (a job of this shell: its pid cannot have been reused).
ev_stop() {
	local pid=${_ev_pid[$1]}
	[[ " $(jobs -p | tr '\n' ' ') " != *" $pid "* ]] || kill "$pid" 2>/dev/null || true
}

ev_wait() {
	ev_rc=0
	wait "${_ev_pid[$1]}" || ev_rc=$?
}

ev_count() {
	jq -c --arg t "$2" 'select(.type == $t)' "$T/$1.out" 2>/dev/null | wc -l
}

ev_has() {
	(($(ev_count "$1" "$2") >= $3))
}

ev_ended() {
	! kill -0 "${_ev_pid[$1]}" 2>/dev/null
}

ev_armed() {
	ls -l "/proc/${_ev_pid[$1]}/fd" 2>/dev/null | grep -q 'anon_inode:\[pidfd\]'
}

ev_oom_bundle() {
	rm -f "$T/rootfs/tmp/go"
	JQ='.linux.resources.memory = {"limit": 16777216}' cg_bundle "$1" sh -c \
		'while [ ! -e /tmp/go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1'
}
