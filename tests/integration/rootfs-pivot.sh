#!/bin/bash
# pivot_root leaves nothing of the host visible; --no-pivot (MS_MOVE + chroot) works and hides
# the host's procfs/sysfs; linux.rootfsPropagation is applied to the new / and a bad value is
# refused by name; process.cwd is created; without a mount namespace in the spec, a chroot.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

script='
echo "mounts=$(wc -l </proc/self/mountinfo)"
echo "host=$(awk "index(\$5, \"'"$T"'\") == 1" /proc/self/mountinfo | wc -l)"
echo "root=$(awk "\$5 == \"/\" { for (i = 7; \$i != \"-\"; i++) printf \"%s \", \$i }" /proc/self/mountinfo)"
echo "cwd=$(pwd)"
'
for mode in pivot no-pivot; do
	JQ='.process.cwd = "/work/dir"' rf_bundle "p-$mode" sh /script
	echo "$script" >"$T/p-$mode/rootfs/script"
	if [[ $mode == no-pivot ]]; then rf_run "p-$mode" --no-pivot; else rf_run "p-$mode"; fi
	rf_expect_ok "p-$mode"
	out=$(rf_out "p-$mode")
	grep -qx host=0 <<<"$out" || fail "$mode: host paths of $T visible in the container: $out"
	grep -qx "cwd=/work/dir" <<<"$out" || fail "$mode: process.cwd not created: $out"
done
# pivot: only the container's mounts are left (the old root is gone).
n=$(rf_out p-pivot | sed -n 's/^mounts=//p')
nmounts=$(jq '.mounts | length' "$T/p-pivot/config.json")
((n < nmounts + 30)) || fail "pivot: $n mounts in the container, the host's are still there"
[[ -d $T/p-pivot/rootfs/work/dir ]] || fail "process.cwd not created in the rootfs"

# rootfsPropagation on the new /.
JQ='.linux.rootfsPropagation = "shared"' rf_bundle p-shared sh /script
echo "$script" >"$T/p-shared/rootfs/script"
rf_run p-shared
rf_expect_ok p-shared
rf_out p-shared | grep -q '^root=.*shared:' || fail "rootfsPropagation shared: $(rf_out p-shared)"

JQ='.linux.rootfsPropagation = "private"' rf_bundle p-private sh /script
echo "$script" >"$T/p-private/rootfs/script"
rf_run p-private
rf_expect_ok p-private
rf_out p-private | grep -q '^root=.*\(shared\|master\):' && fail "rootfsPropagation private: $(rf_out p-private)"

# unbindable: "/" turns unbindable before the rootfs is bound onto itself, which must still work.
JQ='.linux.rootfsPropagation = "unbindable"' rf_bundle p-unbindable sh /script
echo "$script" >"$T/p-unbindable/rootfs/script"
rf_run p-unbindable
rf_expect_ok p-unbindable
rf_out p-unbindable | grep -q '^root=.*unbindable' || fail "rootfsPropagation unbindable: $(rf_out p-unbindable)"

JQ='.linux.rootfsPropagation = "sideways"' rf_bundle p-bad true
rf_run p-bad
rf_expect_err p-bad "rootfsPropagation"

# Without a mount namespace in the spec (the driver still runs it in one of its own) the rootfs
# code chroots instead of pivoting, and refuses rootfsPropagation (it would change the "/" of the
# namespace it shares). ns-inherit.sh runs the real thing.
JQ='.linux.namespaces |= map(select(.type != "mount"))' rf_bundle p-nomnt sh /script
echo "$script" >"$T/p-nomnt/rootfs/script"
rf_run p-nomnt
rf_expect_ok p-nomnt
out=$(rf_out p-nomnt)
grep -qx host=0 <<<"$out" || fail "no mount namespace: host paths of $T visible in the container: $out"
grep -qx cwd=/ <<<"$out" || fail "no mount namespace: cwd: $out"
JQ='.linux.namespaces |= map(select(.type != "mount"))
.linux.rootfsPropagation = "shared"' rf_bundle p-nomnt-prop true
rf_run p-nomnt-prop
rf_expect_err p-nomnt-prop "linux.rootfsPropagation: needs a mount namespace"

rf_check_no_leak
echo ok
