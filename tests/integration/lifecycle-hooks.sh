#!/bin/bash
# OCI hooks: each kind runs at its step, in order, with the state JSON on stdin (status
# creating/created/running/stopped, the init's pid), its args and env; startContainer inside the
# container; a failing or timed-out prestart/createRuntime/createContainer/startContainer hook
# fails the step and leaves nothing behind, a failing poststart/poststop hook only warns.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

out=$T/hooks
mkdir -p "$out"
cat >"$T/hook.sh" <<'SH'
#!/bin/sh
# $1 (from the hook's args) is the kind, $OUT from its env; the state arrives on stdin.
cat >"$OUT/$1.json"
echo "$1" >>"$OUT/order"
SH
chmod +x "$T/hook.sh"
hook() { # KIND -> a hook object for config.json
	printf '{"path": "%s", "args": ["myhook", "%s"], "env": ["OUT=%s"]}' "$T/hook.sh" "$1" "$out"
}

JQ=".root.readonly = false
.hooks.prestart = [$(hook prestart)]
.hooks.createRuntime = [$(hook createRuntime)]
.hooks.createContainer = [$(hook createContainer)]
.hooks.startContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >/start.json\"]}]
.hooks.poststart = [$(hook poststart)]
.hooks.poststop = [$(hook poststop)]" lc_bundle hooked /probe sleep 300

h create -b "$T/hooked" k1 >/dev/null 2>"$T/k1.err" </dev/null || fail "create with hooks: $(cat "$T/k1.err")"
pid=$(lc_field k1 pid)
assert_eq "prestart
createRuntime
createContainer" "$(cat "$out/order")" "hooks run by create"
# createRuntime and createContainer see "creating" (as runc); prestart "created" (as crun, and
# runtime-tools' hooks_stdin)
for kind in prestart createRuntime createContainer; do
	status=creating
	[[ $kind == prestart ]] && status=created
	assert_eq "k1 $status $pid $T/hooked" \
		"$(jq -r '"\(.id) \(.status) \(.pid) \(.bundle)"' "$out/$kind.json")" "$kind hook's state"
done
h start k1 2>"$T/start.err" || fail "start with hooks: $(cat "$T/start.err")"
assert_eq "k1 created $pid" "$(jq -r '"\(.id) \(.status) \(.pid)"' "$T/hooked/rootfs/start.json")" \
	"startContainer hook's state (run inside the container)"
assert_eq "k1 running $pid" "$(jq -r '"\(.id) \(.status) \(.pid)"' "$out/poststart.json")" "poststart state"
# poststop hooks run from the config saved at create, even when the bundle's is gone.
mv "$T/hooked/config.json" "$T/hooked.config.json"
h delete --force k1
assert_eq "k1 stopped" "$(jq -r '"\(.id) \(.status)"' "$out/poststop.json")" "poststop state"
assert_eq "prestart
createRuntime
createContainer
poststart
poststop" "$(cat "$out/order")" "hook order"

# Failing hooks that fail their step: the message names the hook; nothing is left.
for kind in prestart createRuntime createContainer; do
	JQ=".hooks.$kind = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"exit 3\"]}]" lc_bundle "fail-$kind" /probe
	expect_fail "$kind hook[0] (/bin/sh): exited with status 3" h create -b "$T/fail-$kind" f1
	assert_eq "" "$(h list -q)" "nothing left after a failing $kind hook"
	[[ ! -e $ROOT/f1 ]] || fail "state dir left after a failing $kind hook"
done
JQ='.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]' lc_bundle slow /probe
start=$SECONDS
expect_fail "createRuntime hook[0] (/bin/sleep): timed out after 1 s" h create -b "$T/slow" f2
((SECONDS - start < 20)) || fail "the hook timeout did not stop the hook"
JQ='.hooks.prestart = [{"path": "/nonexistent/hook"}]' lc_bundle missing /probe
expect_fail "prestart hook[0] (/nonexistent/hook): No such file or directory" h create -b "$T/missing" f3

JQ='.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]' lc_bundle failstart /probe sleep 300
h create -b "$T/failstart" f4 >/dev/null 2>&1 </dev/null || fail "create f4"
expect_fail "startContainer hook[0] (/bin/sh): exited with status 4" h start f4
wait_until 20 lc_status_is f4 stopped || fail "f4 still $(lc_status f4) after its startContainer hook failed"
h delete f4

# poststart/poststop failures only warn, and the hooks after the failing one still run.
JQ=".hooks.poststart = [{\"path\": \"/bin/false\"}, {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo poststart >>$T/after\"]}]
.hooks.poststop = [{\"path\": \"/bin/false\"}, {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo poststop >>$T/after\"]}]" \
	lc_bundle warn /probe exit 0
h run -b "$T/warn" w1 </dev/null 2>"$T/warn.err" || fail "run with a failing poststart hook must succeed"
assert_eq "poststart
poststop" "$(cat "$T/after" 2>/dev/null)" "hooks after a failing poststart/poststop hook"
grep -q "poststart hooks: poststart hook\[0\] (/bin/false): exited with status 1" "$T/warn.err" ||
	fail "no poststart warning: $(cat "$T/warn.err")"
grep -q "poststop hooks: poststop hook\[0\] (/bin/false): exited with status 1" "$T/warn.err" ||
	fail "no poststop warning: $(cat "$T/warn.err")"
echo "lifecycle-hooks: ok"
