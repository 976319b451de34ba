#!/bin/bash
# husk under containerd's CRI plugin (what the kubelet drives): the runtime handler "husk" of
# contrib/containerd/husk.toml (runc shim v2, BinaryName = husk), called through a small CRI client
# (tests/helpers/engine-cri.py, python3-grpcio). A pod sandbox on the host network, a container
# with memory/cpu limits created and started in it, ExecSync, UpdateContainerResources, stop,
# remove; a missing executable whose error reaches the CRI caller. This host lacks
# CAP_SYS_RESOURCE: restrict_oom_score_adj keeps CRI from lowering oom_score_adj.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/engine-lib.sh"
eng_setup containerd ctr umoci
/usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null ||
	skip "needs Debian's python3-grpcio and python3-protobuf for /usr/bin/python3"
CRI_CLIENT=$HUSK_SOURCE_DIR/tests/helpers/engine-cri.py
IMG=localhost/husk-busybox:latest
HROOT=$T/husk-root   # the shim runs husk --root $HROOT/k8s.io

eng_image "$T/busybox.tar" sleep 86400
mkdir -p "$T/cni/bin" "$T/cni/net.d" "$T/logs"
eng_containerd "$(cat <<-EOF
	[plugins."io.containerd.grpc.v1.cri"]
	  sandbox_image = "$IMG"
	  restrict_oom_score_adj = true
	  stream_server_address = "127.0.0.1"
	  stream_server_port = "0"
	  [plugins."io.containerd.grpc.v1.cri".containerd]
	    snapshotter = "native"
	    default_runtime_name = "husk"
	  [plugins."io.containerd.grpc.v1.cri".cni]
	    bin_dir = "$T/cni/bin"
	    conf_dir = "$T/cni/net.d"
EOF
)
$(sed -e "s|BinaryName = \"/usr/local/sbin/husk\"|BinaryName = \"$HUSK\"\n    Root = \"$HROOT\"|" \
	"$HUSK_SOURCE_DIR/contrib/containerd/husk.toml")"
CTR=(ctr --address "$CD_SOCK" -n k8s.io)   # CRI's namespace: eng_containerd_stop cleans it
c image import --snapshotter native --base-name localhost/husk-busybox "$T/busybox.tar" >/dev/null ||
	fail "ctr image import"

cri() {
	/usr/bin/python3 "$CRI_CLIENT" "$CD_SOCK" "$@"
}
h() {
	"$HUSK" --root "$HROOT/k8s.io" "$@"
}
# The memory limit of a container's cgroup (v1 hierarchy or v2), as the host sees it.
mem_limit() {
	cat "/sys/fs/cgroup/memory/$NS/$1/memory.limit_in_bytes" 2>/dev/null ||
		cat "/sys/fs/cgroup/$NS/$1/memory.max"
}

cri_up() {
	cri Version 2>/dev/null | jq -e '.runtime_name == "containerd"' >/dev/null
}
wait_until 60 cri_up ||
	fail "CRI is not serving: $(grep -m3 'failed to load plugin' "$T/cd/containerd.log")"

# The pod uses the host network (no CNI here), and so the host's UTS namespace: no hostname
# (husk, like runc, refuses a hostname without a UTS namespace of the container's own).
pod=$(jq -nc --arg ns "/$NS" --arg logs "$T/logs" '{
	metadata: {name: "pod1", uid: "uid-pod1", namespace: "default"},
	log_directory: $logs,
	linux: {cgroup_parent: $ns, security_context: {namespace_options: {network: 2}}}}')
sb=$(cri RunPodSandbox "$(jq -nc --argjson c "$pod" '{config: $c, runtime_handler: "husk"}')" | jq -r .pod_sandbox_id) ||
	fail "RunPodSandbox failed"
defer "cri StopPodSandbox '{\"pod_sandbox_id\": \"$sb\"}' >/dev/null 2>&1; cri RemovePodSandbox '{\"pod_sandbox_id\": \"$sb\"}' >/dev/null 2>&1 || true"
assert_eq running "$(h state "$sb" | jq -r .status)" "husk state of the sandbox"

# container: $1 name, $2 command (sh -c), $3 memory limit
ctr_config() {
	jq -nc --arg name "$1" --arg cmd "$2" --arg img "$IMG" --argjson mem "$3" '{
		metadata: {name: $name}, image: {image: $img}, command: ["sh", "-c", $cmd],
		log_path: ($name + ".log"),
		linux: {resources: {memory_limit_in_bytes: $mem, cpu_shares: 512}}}'
}
create() {
	cri CreateContainer "$(jq -nc --arg sb "$sb" --argjson c "$(ctr_config "$@")" --argjson p "$pod" \
		'{pod_sandbox_id: $sb, config: $c, sandbox_config: $p}')" | jq -r .container_id
}
status() {
	cri ContainerStatus "{\"container_id\": \"$1\"}" | jq -c '.status | {state, exit_code, reason, message}'
}

id=$(create c1 'trap "exit 3" TERM; echo started; while :; do sleep 0.1; done' 67108864) ||
	fail "CreateContainer c1"
cri StartContainer "{\"container_id\": \"$id\"}" >/dev/null || fail "StartContainer c1"
assert_eq 1 "$(status "$id" | jq .state)" "CRI state of c1 after start (1 = RUNNING)"
assert_eq running "$(h state "$id" | jq -r .status)" "husk state of c1"
assert_eq 67108864 "$(mem_limit "$id")" "memory limit of c1's cgroup"
wait_until 20 grep -q started "$T/logs/c1.log" || fail "c1's log: $(cat "$T/logs/c1.log")"

out=$(cri ExecSync "$(jq -nc --arg id "$id" '{container_id: $id, cmd: ["sh", "-c", "echo exec says hi; echo to-stderr >&2; exit 5"], timeout: 30}')") ||
	fail "ExecSync"
assert_eq 5 "$(jq .exit_code <<<"$out")" "ExecSync exit code"
assert_eq 'exec says hi' "$(jq -r .stdout <<<"$out")" "ExecSync stdout"
assert_eq 'to-stderr' "$(jq -r .stderr <<<"$out")" "ExecSync stderr"

# UpdateContainerResources makes the shim run `husk update --resources - ID`.
update='{"memory_limit_in_bytes": 134217728, "cpu_shares": 256}'
if "$HUSK" update --help >/dev/null 2>&1; then
	cri UpdateContainerResources "$(jq -nc --arg id "$id" --argjson r "$update" '{container_id: $id, linux: $r}')" \
		>/dev/null 2>"$T/update.err" || fail "UpdateContainerResources: $(cat "$T/update.err")"
	assert_eq 134217728 "$(mem_limit "$id")" "memory limit of c1's cgroup after UpdateContainerResources"
else
	echo "engine-cri: NOTE: husk has no 'update' verb yet: UpdateContainerResources must fail" >&2
	cri UpdateContainerResources "$(jq -nc --arg id "$id" --argjson r "$update" '{container_id: $id, linux: $r}')" \
		>/dev/null 2>&1 && fail "UpdateContainerResources succeeded without husk update"
	assert_eq 67108864 "$(mem_limit "$id")" "memory limit of c1's cgroup after a failed update"
fi

cri StopContainer "{\"container_id\": \"$id\", \"timeout\": 20}" >/dev/null || fail "StopContainer"
st=$(status "$id")
assert_eq 2 "$(jq .state <<<"$st")" "CRI state after StopContainer (2 = EXITED)"
assert_eq 3 "$(jq .exit_code <<<"$st")" "exit code after StopContainer (SIGTERM trap)"
cri RemoveContainer "{\"container_id\": \"$id\"}" >/dev/null || fail "RemoveContainer"
assert_eq "$sb" "$(h list -q)" "husk's containers after RemoveContainer (the sandbox only)"
eng_cgroups_gone "/$NS/$id"

# A missing executable: the task is created at StartContainer; husk's message reaches CRI.
cri CreateContainer "$(jq -nc --arg sb "$sb" --argjson p "$pod" --arg img "$IMG" \
	'{pod_sandbox_id: $sb, sandbox_config: $p,
	  config: {metadata: {name: "bad2"}, image: {image: $img}, command: ["/nonexistent"], log_path: "bad2.log"}}')" \
	>"$T/bad2.json" || fail "CreateContainer bad2"
bad=$(jq -r .container_id "$T/bad2.json")
cri StartContainer "{\"container_id\": \"$bad\"}" >/dev/null 2>"$T/bad.err" &&
	fail "StartContainer of a missing executable succeeded"
grep -q 'exec: "/nonexistent".*No such file or directory' "$T/bad.err" ||
	fail "CRI does not show husk's error: $(cat "$T/bad.err")"
cri RemoveContainer "{\"container_id\": \"$bad\"}" >/dev/null || fail "RemoveContainer bad2"

cri StopPodSandbox "{\"pod_sandbox_id\": \"$sb\"}" >/dev/null || fail "StopPodSandbox"
cri RemovePodSandbox "{\"pod_sandbox_id\": \"$sb\"}" >/dev/null || fail "RemovePodSandbox"
[[ -z $(h list -q) ]] || fail "RemovePodSandbox left state in husk's root: $(h list -q)"
eng_cgroups_gone "/$NS/$sb"
echo "engine-cri: ok"
