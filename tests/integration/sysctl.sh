#!/bin/bash
# linux.sysctl written in the container: namespaced keys (ipc, net) reach the container's
# namespaces through the default config (whose readonlyPaths make /proc/sys read-only, so husk
# must write them before it finalizes the rootfs, as runc does), and the host keeps its values.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

# One busybox + probe rootfs for every case; each case is a config.json next to it.
lc_bundle base /probe
n=0
# case_bundle NAME JQ...: $T/NAME/config.json = the base config, root.path made absolute, JQ applied
case_bundle() {
	local name=$1 f
	shift
	mkdir -p "$T/$name"
	jq --arg root "$T/base/rootfs" '.root.path = $root' "$T/base/config.json" >"$T/$name/config.json"
	for f in "$@"; do
		jq "$f" "$T/$name/config.json" >"$T/$name/config.tmp" || fail "$name: bad jq filter $f"
		mv "$T/$name/config.tmp" "$T/$name/config.json"
	done
}
# probe_run NAME JQ...: run /probe with the config changed by JQ; its output in $T/NAME.out
probe_run() {
	local name=$1
	case_bundle "$@"
	n=$((n + 1))
	h run -b "$T/$name" "pa$n" </dev/null >"$T/$name.out" 2>"$T/$name.err" ||
		fail "$name: run failed: $(cat "$T/$name.err")"
}
# val NAME KEY: a key=value of the probe's output
val() {
	sed -n "s/^$2=//p" "$T/$1.out" | head -n 1
}
# run_fails NAME TEXT JQ...: the container must not start, and the error must contain TEXT
run_fails() {
	local name=$1 text=$2
	shift 2
	case_bundle "$name" "$@"
	n=$((n + 1))
	expect_fail "$text" h run -b "$T/$name" "pa$n"
	[[ -z $(h list -q) ]] || fail "$name: a container is left after a failed run: $(h list -q)"
}
# sysctl: namespaced keys are written in the container, the host keeps its values.
host_shmmni=$(cat /proc/sys/kernel/shmmni)
host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
probe_run sysctl-cat '.linux.sysctl = {"kernel.shmmni": "1234", "net/ipv4/ip_forward": "1"}' \
	'.process.args = ["/probe", "cat", "/proc/sys/kernel/shmmni"]'
assert_eq 1234 "$(cat "$T/sysctl-cat.out")" "kernel.shmmni in the container"
probe_run sysctl-net '.linux.sysctl = {"net.ipv4.ip_forward": "1"}' \
	'.process.args = ["/probe", "cat", "/proc/sys/net/ipv4/ip_forward"]'
assert_eq 1 "$(cat "$T/sysctl-net.out")" "net.ipv4.ip_forward in the container's netns"
assert_eq "$host_shmmni" "$(cat /proc/sys/kernel/shmmni)" "kernel.shmmni on the host"
assert_eq "$host_forward" "$(cat /proc/sys/net/ipv4/ip_forward)" "net.ipv4.ip_forward on the host"
echo "ok: sysctl"
