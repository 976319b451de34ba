#!/bin/bash
# husk spec and husk features as a user sees them: the template parses (husk, jq), is never
# overwritten, --rootless adapts it like runc; features.json is valid and truthful about what
# this build implements. Needs no root, only jq.
. "$(dirname "$0")/../lib.sh"
require_cmd jq
[[ -n ${HUSK_BUILD_DIR:-} ]] || fail "HUSK_BUILD_DIR is not set (run through meson test)"
HUSK=$HUSK_BUILD_DIR/src/cli/husk
new_tmpdir T

# spec: writes ./config.json, or DIR/config.json with --bundle / -b.
(cd "$T" && "$HUSK" spec) || fail "husk spec"
c=$T/config.json
assert_eq '["sh"]' "$(jq -c .process.args "$c")" "process.args"
assert_eq true "$(jq .process.terminal "$c")" "terminal"
assert_eq rootfs "$(jq -r .root.path "$c")" "root.path"
assert_eq "pid network ipc uts mount cgroup" "$(jq -r '[.linux.namespaces[].type] | join(" ")' "$c")" "namespaces"
assert_eq '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]' "$(jq -c .process.capabilities.bounding "$c")" "default caps"
assert_eq '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]' "$(jq -c .process.rlimits "$c")" "rlimits"
jq -e '.linux.maskedPaths | index("/proc/kcore")' "$c" >/dev/null || fail "maskedPaths lack /proc/kcore"
jq -e '.linux.readonlyPaths | index("/proc/sys")' "$c" >/dev/null || fail "readonlyPaths lack /proc/sys"
before=$(sha256sum <"$c")
rc=0; (cd "$T" && "$HUSK" spec) 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "exit status when config.json exists"
grep -qF "config.json already exists: remove it first" "$T/err" || fail "overwrite message: $(cat "$T/err")"
assert_eq "$before" "$(sha256sum <"$c")" "config.json untouched"
mkdir "$T/b"
"$HUSK" spec -b "$T/b" || fail "husk spec -b"
cmp -s "$c" "$T/b/config.json" || fail "-b DIR writes the same template"
rc=0; "$HUSK" spec --bundle "$T/missing" 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "exit status for a missing bundle dir"
grep -qF "$T/missing/config.json" "$T/err" || fail "message names the file: $(cat "$T/err")"
[[ ! -e $T/missing ]] || fail "a missing bundle directory was created"

# --rootless: user namespace mapping the caller, no network namespace, /sys bind-mounted.
mkdir "$T/r"
"$HUSK" spec --rootless --bundle "$T/r" || fail "husk spec --rootless"
r=$T/r/config.json
assert_eq "pid ipc uts mount cgroup user" "$(jq -r '[.linux.namespaces[].type] | join(" ")' "$r")" "rootless namespaces"
assert_eq "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" "$(jq -c .linux.uidMappings "$r")" "uidMappings"
assert_eq "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" "$(jq -c .linux.gidMappings "$r")" "gidMappings"
assert_eq "none /sys" "$(jq -r '.mounts[] | select(.destination == "/sys") | "\(.type) \(.source)"' "$r")" "/sys bind"
assert_eq null "$(jq -c .linux.resources "$r")" "no resources"
jq -e '.mounts[] | select(.type == "devpts") | .options | index("gid=5") | not' "$r" >/dev/null || fail "devpts keeps gid=5"

# features: valid JSON, what this build does.
"$HUSK" features >"$T/f.json" || fail "husk features"
f=$T/f.json
assert_eq "1.0.0 1.2.0" "$(jq -r '"\(.ociVersionMin) \(.ociVersionMax)"' "$f")" "ociVersion range"
assert_eq 6 "$(jq '.hooks | length' "$f")" "hooks"
for o in rbind rro idmap tmpcopyup nosuid; do
	jq -e --arg o "$o" '.mountOptions | index($o)' "$f" >/dev/null || fail "mountOptions lacks $o"
done
assert_eq 8 "$(jq '.linux.namespaces | length' "$f")" "namespaces"
jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' "$f" >/dev/null || fail "capabilities"
# the systemd driver is there exactly when meson found libsystemd
assert_eq "true true ${HUSK_HAVE_SYSTEMD:-false}" "$(jq -r '.linux.cgroup | "\(.v1) \(.v2) \(.systemd)"' "$f")" "cgroup drivers"
assert_eq true "$(jq .linux.seccomp.enabled "$f")" "seccomp enabled"
jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' "$f" >/dev/null || fail "seccomp actions"
jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' "$f" >/dev/null || fail "seccomp archs"
jq -e '.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags | length == 0' "$f" >/dev/null ||
	fail "supportedFlags must be known flags"
assert_eq false "$(jq .linux.intelRdt.enabled "$f")" "intelRdt"
rc=0; "$HUSK" features extra 2>/dev/null || rc=$?
assert_eq 1 "$rc" "features with an argument"
echo "ok: husk spec and husk features"
