#!/bin/bash
# A config without namespaces (runtime-tools linux_ns_itype): the container inherits every
# namespace of the runtime, including the mount namespace, where husk mounts config.mounts,
# /dev, maskedPaths, readonlyPaths and the read-only root below the rootfs, chroots (no pivot),
# and delete detaches all of that again, so the mount table ends as it began. Only those: a
# container that swaps a directory above one of its mount points for a symlink to a host
# directory does not make delete unmount the host's mount there. A create that fails after
# mounting leaves no mount and no state directory, and delete --force cleans up after a create
# that was killed.
#
# It re-executes in a throwaway private mount namespace, which plays the host's: husk never
# mounts in the real one.
if [[ -z ${HUSK_NS_INHERIT_NS:-} ]] && ((EUID == 0)) && command -v unshare >/dev/null; then
	HUSK_NS_INHERIT_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup
[[ -n ${HUSK_NS_INHERIT_NS:-} ]] || skip "needs unshare(1) from util-linux"
require_cmd findmnt mountpoint

NS_TYPES="cgroup ipc mnt net pid time user uts"
for n in $NS_TYPES; do
	[[ -e /proc/self/ns/$n ]] || skip "this kernel has no $n namespace"
done
mounts() {
	findmnt -rn -o TARGET,FSTYPE,OPTIONS | sort
}
hd() {
	h --cgroup-manager disabled "$@"
}
NO_NS='del(.linux.namespaces, .hostname)'

# --- every namespace inherited; the mounts come and go
before=$(mounts)
root_before=$(findmnt -n -o TARGET,SOURCE,FSTYPE /)
JQ="$NO_NS" lc_bundle plain sh -c 'touch /ro-test 2>/dev/null && echo root-writable; echo in-container'
id=nsi-$$-plain
hd create -b "$T/plain" "$id" >"$T/plain.out" 2>"$T/plain.err" </dev/null ||
	fail "create without namespaces: $(cat "$T/plain.err")"
pid=$(lc_field "$id" pid)
for n in $NS_TYPES; do
	assert_eq "$(readlink "/proc/$$/ns/$n")" "$(readlink "/proc/$pid/ns/$n")" "$n namespace of the container"
done
assert_eq "$T/plain/rootfs" "$(readlink "/proc/$pid/root")" "root of the container (chroot)"
assert_eq "$root_before" "$(findmnt -n -o TARGET,SOURCE,FSTYPE /)" "the namespace's / (no pivot)"
mountpoint -q "$T/plain/rootfs/proc" || fail "config.mounts: nothing mounted on $T/plain/rootfs/proc"
[[ -s $ROOT/$id/mounts ]] || fail "no mount record in $ROOT/$id"
hd start "$id" || fail "start"
wait_until 20 lc_status_is "$id" stopped || fail "the container did not stop"
grep -qx in-container "$T/plain.out" || fail "container output: $(cat "$T/plain.out" "$T/plain.err")"
grep -q root-writable "$T/plain.out" && fail "root.readonly: the container could write its /"
hd delete "$id" || fail "delete"
assert_eq "$before" "$(mounts)" "mount table after delete"
touch "$T/plain/rootfs/after-delete" || fail "the rootfs is not writable after delete"
[[ ! -e $ROOT/$id ]] || fail "state directory left"

# --- husk create killed (HUSK_FAULT, src/runtime/fault.h) once the child made its mounts: before
# it saved them (delete --force finds them from the snapshot it took first) and after
for stage in create.after-ready create.after-state; do
	before=$(mounts)
	id=nsi-$$-${stage#create.}
	rc=0
	HUSK_FAULT=$stage hd create -b "$T/plain" "$id" >/dev/null 2>&1 </dev/null || rc=$?
	assert_eq 137 "$rc" "$stage: exit status of the killed create"
	mountpoint -q "$T/plain/rootfs/proc" || fail "$stage: nothing mounted on $T/plain/rootfs/proc"
	hd delete --force "$id" || fail "$stage: delete --force"
	assert_eq "$before" "$(mounts)" "$stage: mount table after delete --force"
	[[ ! -e $ROOT/$id ]] || fail "$stage: state directory left"
done

# --- a mount moved by the container: found again; the host's mount behind the symlink stays.
# The trap: a tmpfs of ours at $T/host/data, which the container's /a/data will point at once it
# has renamed /a and put a symlink to $T/host in its place.
mkdir -p "$T/host/data"
mount -t tmpfs nsi-trap "$T/host/data"
echo bait >"$T/host/data/bait"
before=$(mounts)
JQ="$NO_NS"'
.root.readonly = false
.mounts += [{"destination": "/a/data", "type": "tmpfs", "source": "tmpfs"}]' \
	lc_bundle trap sh -c "mv /a /a.old && ln -s $T/host /a && echo swapped"
id=nsi-$$-trap
hd run -b "$T/trap" "$id" >"$T/trap.out" 2>"$T/trap.err" </dev/null ||
	fail "run: $(cat "$T/trap.err")"
grep -qx swapped "$T/trap.out" || fail "the container did not swap /a: $(cat "$T/trap.out" "$T/trap.err")"
mountpoint -q "$T/host/data" || fail "delete unmounted the host's $T/host/data through the container's symlink"
[[ -f $T/host/data/bait ]] || fail "the host's tmpfs at $T/host/data lost its file"
assert_eq "$before" "$(mounts)" "mount table after delete (the container's moved tmpfs too)"

# --- creates that fail after mounting leave nothing
for c in badmount noexec; do
	before=$(mounts)
	if [[ $c == badmount ]]; then
		JQ="$NO_NS"'
.mounts += [{"destination": "/late", "type": "bind", "source": "/nonexistent-nsi", "options": ["bind"]}]' \
			lc_bundle "$c" true
		text="mounts[$(jq '.mounts | length - 1' "$T/$c/config.json")] (/late)"
	else
		JQ="$NO_NS" lc_bundle "$c" /no-such-program
		text='exec: "/no-such-program"'
	fi
	expect_fail "$text" hd create -b "$T/$c" "nsi-$$-$c"
	assert_eq "$before" "$(mounts)" "$c: mount table after the failed create"
	[[ ! -e $ROOT/nsi-$$-$c ]] || fail "$c: state directory left"
done

# --- rootfsPropagation would change the host's "/": refused, by name
JQ="$NO_NS"'
.linux.rootfsPropagation = "shared"' lc_bundle prop true
expect_fail "linux.rootfsPropagation: needs a mount namespace" hd create -b "$T/prop" "nsi-$$-prop"
assert_eq "$before" "$(mounts)" "mount table after the refused create"
echo ok
