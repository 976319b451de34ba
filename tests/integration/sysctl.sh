#!/bin/bash
# linux.sysctl written in the container: namespaced keys (ipc, net) reach the container's
# namespaces through the default config (whose readonlyPaths make /proc/sys read-only, so husk
# must write them before it finalizes the rootfs, as runc does), and the host keeps its values.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

# One busybox + probe rootfs for every case; each case is a config.json next to it.
lc_bundle base /probe
. "$(dirname "$0")/probe-cases.sh"
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
