#!/bin/bash
# process.* applied in the container, as the probe sees it: user ids, groups, umask, cwd,
# capability sets (bounding, ambient), noNewPrivileges, rlimits, oomScoreAdj, personality,
# ioPriority, scheduler, execCPUAffinity, sysctl refusal; and the errors that name the field when the kernel refuses
# (a hard rlimit or oom_score_adj that needs CAP_SYS_RESOURCE, a missing cwd, SELinux labels).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

# One busybox + probe rootfs for every case; each case is a config.json next to it. The user
# namespace cases need the path to be searchable by their unmapped-owner view of it.
chmod 0755 "$T"
lc_bundle base /probe
. "$(dirname "$0")/probe-cases.sh"
has_cap() { # has_cap BIT: does this shell have the capability in its effective set
	local eff
	eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
	(((16#$eff >> $1) & 1))
}

# User, groups, umask, cwd.
probe_run user '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 6], "umask": 63}' \
	'.process.cwd = "/tmp"'
assert_eq "1000 1000 1001 1001" "$(val user uid) $(val user euid) $(val user gid) $(val user egid)" "ids"
assert_eq "5,6" "$(val user groups)" "additionalGids"
assert_eq 0077 "$(val user umask)" "umask"
assert_eq /tmp "$(val user cwd)" "cwd"
probe_run umask-default '.process.user.umask = null'
assert_eq 0022 "$(val umask-default umask)" "default umask"
run_fails cwd-file 'process.cwd: chdir to "/bin/busybox": Not a directory' '.process.cwd = "/bin/busybox"'

# The same inside a user namespace; an id outside the mappings is refused by name.
userns='.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = .linux.uidMappings'
probe_run userns "$userns" '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5]}'
assert_eq "1000 1000 5" "$(val userns uid) $(val userns gid) $(val userns groups)" "ids in a user namespace"
[[ $(val userns ns_user) != "$(readlink /proc/self/ns/user)" ]] || fail "no user namespace"
run_fails userns-unmapped 'process.user.gid: setresgid(70000): Invalid argument (the gid is not mapped' \
	"$userns" '.process.user = {"uid": 70000, "gid": 70000}'

# Capabilities: bounding limits what root gets at exec; ambient survives the exec of a non-root
# process only when also permitted and inheritable. CAP_KILL is bit 5, CAP_CHOWN bit 0.
probe_run caps-root '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
	"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
assert_eq 0000000000000021 "$(val caps-root cap_bnd)" "bounding set"
assert_eq 0000000000000020 "$(val caps-root cap_prm)" "root's permitted set with noNewPrivileges: not above permitted"
probe_run caps-root-nnp-off '.process.noNewPrivileges = false' '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
	"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
assert_eq 0000000000000021 "$(val caps-root-nnp-off cap_prm)" "root's permitted set after exec = bounding"
assert_eq 0000000000000000 "$(val caps-root cap_amb)" "no ambient"
probe_run caps-ambient '.process.user = {"uid": 1000, "gid": 1000}' \
	'.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
	 "permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL", "CAP_CHOWN"]}'
assert_eq 0000000000000020 "$(val caps-ambient cap_amb)" "ambient (CAP_CHOWN is not permitted: skipped)"
assert_eq 0000000000000020 "$(val caps-ambient cap_eff)" "effective of a non-root process = ambient"
probe_run caps-nonroot '.process.user = {"uid": 1000, "gid": 1000}'
assert_eq 0000000000000000 "$(val caps-nonroot cap_eff)" "runc's default caps without inheritable: none after exec"
probe_run caps-none 'del(.process.capabilities)'
assert_eq 0000000000000000 "$(val caps-none cap_bnd)" "no capabilities object: empty bounding set"
probe_run caps-unknown '.process.capabilities.bounding += ["CAP_FROM_THE_FUTURE"]'
assert_eq 0000000020000420 "$(val caps-unknown cap_bnd)" "an unknown capability is ignored"

# noNewPrivileges.
probe_run nnp-on '.process.noNewPrivileges = true'
assert_eq 1 "$(val nnp-on no_new_privs)" "noNewPrivileges true"
probe_run nnp-off '.process.noNewPrivileges = false'
assert_eq 0 "$(val nnp-off no_new_privs)" "noNewPrivileges false"

# rlimits: lowering always works; raising a hard limit needs CAP_SYS_RESOURCE (bit 24).
probe_run rlimits '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
	{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_NPROC", "soft": 50, "hard": 60}]'
assert_eq 100:200 "$(val rlimits rlimit_nofile)" "RLIMIT_NOFILE"
assert_eq 0:0 "$(val rlimits rlimit_core)" "RLIMIT_CORE"
assert_eq 50:60 "$(val rlimits rlimit_nproc)" "RLIMIT_NPROC"
hard=$(ulimit -Hn)
if [[ $hard != unlimited ]] && ! has_cap 24; then
	run_fails rlimit-raise "process.rlimits[0] (RLIMIT_NOFILE): raising the hard limit from $hard to $((hard + 1)) needs CAP_SYS_RESOURCE" \
		".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": $((hard + 1))}]"
else
	probe_run rlimit-raise ".process.rlimits = [{\"type\": \"RLIMIT_MEMLOCK\", \"soft\": 1, \"hard\": 18446744073709551615}]"
	assert_eq 1:unlimited "$(val rlimit-raise rlimit_memlock)" "raised RLIMIT_MEMLOCK hard limit"
fi

# oomScoreAdj: raising is allowed; lowering below the current value needs CAP_SYS_RESOURCE.
probe_run oom-up '.process.oomScoreAdj = 500'
assert_eq 500 "$(val oom-up oom_score_adj)" "oomScoreAdj 500"
cur=$(cat /proc/self/oom_score_adj)
if ! has_cap 24; then
	run_fails oom-down "process.oomScoreAdj: lowering it from $cur to $((cur - 100)) needs CAP_SYS_RESOURCE" \
		".process.oomScoreAdj = $((cur - 100))"
else
	probe_run oom-down ".process.oomScoreAdj = $((cur - 100))"
	assert_eq $((cur - 100)) "$(val oom-down oom_score_adj)" "lowered oomScoreAdj"
fi

# personality, ioPriority, scheduler.
probe_run personality '.linux.personality = {"domain": "LINUX32"}'
assert_eq 0x8 "$(val personality personality)" "PER_LINUX32"
probe_run ioprio '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
assert_eq 2/6 "$(val ioprio ioprio)" "ioPriority best-effort 6"
probe_run sched '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
assert_eq "SCHED_BATCH 7" "$(val sched sched_policy) $(val sched nice)" "scheduler"

# execCPUAffinity: the process ends with the final list.
probe_run affinity '.process.execCPUAffinity = {"initial": "0", "final": "0"}'
assert_eq 0 "$(val affinity cpus)" "execCPUAffinity.final"

# sysctl: a key the container's namespaces do not cover is refused (writing: sysctl.sh).
run_fails sysctl-host 'linux.sysctl.vm.swappiness: not in a namespace the container owns' \
	'.linux.sysctl = {"vm.swappiness": "10"}'

# LSM labels: a SELinux label is an error on a host without SELinux; an AppArmor profile is
# ignored where AppArmor is disabled (runc), and must exist where it is enabled.
if [[ ! -e /sys/fs/selinux/enforce ]]; then
	run_fails selinux 'process.selinuxLabel: "system_u:system_r:container_t:s0" is set, but SELinux is not enabled' \
		'.process.selinuxLabel = "system_u:system_r:container_t:s0"'
fi
if [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y ]]; then
	run_fails apparmor 'process.apparmorProfile: cannot switch to profile "husk-test-no-such-profile"' \
		'.process.apparmorProfile = "husk-test-no-such-profile"'
else
	probe_run apparmor '.process.apparmorProfile = "husk-test-no-such-profile"'
	assert_eq 0 "$(val apparmor uid)" "apparmor profile ignored without AppArmor"
fi
echo "ok: process attributes"
