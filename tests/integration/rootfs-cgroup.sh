#!/bin/bash
# mounts[] of type "cgroup": on a cgroup v2 host a cgroup2 mount, on a v1/hybrid host runc's
# emulation (a tmpfs with one directory per hierarchy). In a cgroup namespace every hierarchy is
# rooted at the namespace's root, never at the host's (a bind of the host's mount would show
# "/.." roots); "ro" makes it all read-only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

script='
echo "fs=$(stat -f -c %T /sys/fs/cgroup)"
echo "n=$(awk "\$9 ~ /^cgroup/" /proc/self/mountinfo | wc -l)"
echo "outside=$(awk "\$9 ~ /^cgroup/ && \$4 ~ /^\/\.\./" /proc/self/mountinfo | wc -l)"
mkdir /sys/fs/cgroup/x 2>/dev/null && echo cgw=rw || echo cgw=ro
'
JQ='.mounts |= map(select(.type != "cgroup"))
.mounts += [{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}]' \
	rf_bundle c1 sh /script
echo "$script" >"$T/c1/rootfs/script"
# The cgroup namespace is made in a cgroup of our own below the current one, so that its root is
# not the hierarchy's root (a v1 hierarchy on a hybrid host, else the v2 tree).
if [[ -d /sys/fs/cgroup/pids && $(stat -f -c %T /sys/fs/cgroup) != cgroup2fs ]]; then
	cg=/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
else
	cg=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
fi
cg=${cg%/}/husk-rootfs-test.$$
mkdir "$cg"
defer rmdir "$cg"
for mode in plain cgroupns; do
	RC=0
	if [[ $mode == cgroupns ]]; then
		timeout 60 sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare --cgroup "$2" "$3"' sh "$cg" "$DRIVER" "$T/c1" \
			>"$T/c1.out" 2>"$T/c1.err" </dev/null || RC=$?
	else
		rf_run c1
	fi
	rf_expect_ok c1
	out=$(rf_out c1)
	host_fs=$(stat -f -c %T /sys/fs/cgroup)
	if [[ $host_fs == cgroup2fs ]]; then
		grep -qx "fs=cgroup2fs" <<<"$out" || fail "$mode: /sys/fs/cgroup is not cgroup2: $out"
	else
		grep -qx "fs=tmpfs" <<<"$out" || fail "$mode: v1 emulation: /sys/fs/cgroup is not a tmpfs: $out"
	fi
	grep -qx "n=0" <<<"$out" && fail "$mode: no cgroup mount in the container: $out"
	[[ $mode == plain ]] || grep -qx "outside=0" <<<"$out" ||
		fail "$mode: a hierarchy is rooted outside the cgroup namespace: $out"
	grep -qx "cgw=ro" <<<"$out" || fail "$mode: /sys/fs/cgroup is writable with ro: $out"
done

rf_check_no_leak
echo ok
