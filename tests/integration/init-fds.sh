#!/bin/bash
# husk-init closes the fds it inherited when close_range(2) is missing (ENOSYS, as before Linux
# 5.9: a seccomp filter of init-probe fails it): through /proc/self/fd, and without /proc (a
# scratch root) by walking up to the fd limit. --pass-fds and --status-fd are kept.
# Usage: init-fds.sh HUSK_INIT INIT_PROBE
. "$(dirname "$0")/../lib.sh"

init=$(realpath "${1:?usage: init-fds.sh HUSK_INIT INIT_PROBE}")
probe=$(realpath "${2:?usage: init-fds.sh HUSK_INIT INIT_PROBE}")
require_root
require_cmd unshare chroot jq readelf
# The scratch root holds only the two binaries: that part needs them static. A sanitizer build's
# are dynamic: it checks the /proc part only (the main build checks both).
dynamic=
for b in "$init" "$probe"; do
	readelf -l "$b" | grep -q INTERP && dynamic+=" $b"
done
new_tmpdir tmp

# run ARGS...: husk-init ARGS as PID 1 of a new pid namespace, close_range(2) failing.
run() {
	timeout 30 unshare -fp --mount-proc "$probe" no-close-range "$init" "$@"
}

echo "# with /proc: inherited fds closed, --pass-fds and --status-fd kept"
assert_eq "0 1 2" "$(exec 5</dev/null 7>/dev/null 100</dev/null; run -- "$probe" fds)" "fds without --pass-fds"
assert_eq "0 1 2 3" "$(exec 3</dev/null 5</dev/null; run --pass-fds 1 -- "$probe" fds)" "fds with --pass-fds 1"
out=$(exec 5</dev/null 7>"$tmp/status" 9</dev/null; run --status-fd 7 -- "$probe" fds)
assert_eq "0 1 2" "$out" "fds with --status-fd 7"
head -n 1 "$tmp/status" | jq -e '.plan.workers == 1' >/dev/null ||
	fail "no state written to --status-fd 7: $(cat "$tmp/status")"

if [[ -n $dynamic ]]; then
	echo "# without /proc: not checked in this build, dynamically linked:$dynamic"
	echo "ok"
	exit 0
fi
echo "# without /proc (scratch root): the fd limit walked"
root=$tmp/root
mkdir "$root"
cp "$init" "$root/husk-init"
cp "$probe" "$root/init-probe"
out=$(exec 5</dev/null 7>/dev/null 100</dev/null; timeout 30 unshare -fp chroot "$root" /init-probe no-close-range /husk-init -- /init-probe fds)
assert_eq "0 1 2" "$out" "fds without /proc"
echo "ok"
