#!/bin/bash
# linux.devices and linux.resources.devices under cgroup v2, where they become an eBPF device
# program: a long rule list loads (a verifier log that outgrew its buffer used to fail the load
# with ENOSPC: runtime-tools' linux_devices), a listed device works, and mknod of one the rules
# do not allow is refused.
# husk-vm-timeout: 180
. "$HUSK_SOURCE_DIR/tests/lib.sh"

require_cgroup2
require_cmd jq
husk=$HUSK_BUILD_DIR/src/cli/husk
[[ -x $husk ]] || fail "build husk first"
[[ -f /bin/busybox ]] || skip "needs busybox-static"
new_tmpdir T
root=$T/state
defer "'$husk' --root '$root' delete --force dev1 2>/dev/null; true"

# Five character devices in linux.devices, each with its own allow rule, plus twenty loop
# devices (block 7:N) allowed read-only: 26 rules after the deny-all.
devices='[{"path":"/dev/cnull","type":"c","major":1,"minor":3,"fileMode":438,"uid":0,"gid":0},
{"path":"/dev/czero","type":"c","major":1,"minor":5,"fileMode":438,"uid":0,"gid":0},
{"path":"/dev/cfull","type":"c","major":1,"minor":7,"fileMode":438,"uid":0,"gid":0},
{"path":"/dev/crandom","type":"c","major":1,"minor":8,"fileMode":438,"uid":0,"gid":0},
{"path":"/dev/curandom","type":"c","major":1,"minor":9,"fileMode":438,"uid":0,"gid":0}]'
rules='[{"allow":false,"access":"rwm"}]
	+ [range(0; 5) as $i | {"allow":true,"type":"c","major":1,"minor":([3,5,7,8,9][$i]),"access":"rwm"}]
	+ [range(0; 20) as $i | {"allow":true,"type":"b","major":7,"minor":$i,"access":"r"}]'
HUSK=$husk JQ=".linux.devices = $(jq -c . <<<"$devices")
.linux.resources.devices = $(jq -nc "$rules")" \
	bash "$HUSK_SOURCE_DIR/oci/busybox-bundle.sh" "$T/b" sh -c \
	'echo x >/dev/cnull && echo null=ok; head -c 4 /dev/czero | wc -c; mknod /dev/mem0 c 1 1 || echo mknod=refused' \
	>/dev/null
out=$("$husk" --root "$root" run -b "$T/b" dev1 </dev/null 2>&1) || fail "run with 26 device rules: $out"
[[ $out == *"null=ok"* ]] || fail "the listed /dev/cnull (1:3) was not writable: $out"
[[ $out =~ (^|$'\n')4($'\n'|$) ]] || fail "the listed /dev/czero (1:5) was not readable: $out"
[[ $out == *"mknod=refused"* ]] || fail "mknod of 1:1, which no rule allows, was not refused: $out"
echo "conformance-devices (vm): ok"
