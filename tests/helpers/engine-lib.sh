# shellcheck shell=bash
# tests/helpers/engine-lib.sh: shared by tests/integration/engine-*.sh, which run husk under the
# real engines (containerd + ctr, containerd's CRI plugin, podman). Source after tests/lib.sh.
#
#   eng_setup CMD...       root + CMDs in PATH (else skip: CI installs them with
#                          contrib/install-deps.sh); $T temp dir, $HUSK, $PROBE; $NS a name unique
#                          to this run (containerd namespace, so the cgroups are /$NS/<id>)
#   eng_rootfs DIR         busybox-static + /probe in DIR (oci/busybox-bundle.sh's rootfs)
#   eng_image TAR [CMD...] an OCI image archive of that rootfs, built with umoci (cmd CMD, default
#                          sh; PATH=/bin), ready for `ctr image import`
#   eng_containerd [TOML]  start containerd with root, state, sockets and log under $T/cd (extra
#                          TOML appended to the config; the CRI plugin is disabled unless TOML has
#                          a [plugins."io.containerd.grpc.v1.cri"] table); stopped at exit after
#                          every task and container of $NS is gone. Sets $CD_SOCK.
#   c ARGS                 ${CTR[@]} ARGS: ctr --address $CD_SOCK -n $NS ARGS
#   eng_cgroups_gone PFX   fail if a v1 hierarchy or the unified one still has cgroup PFX
#
# A test leaves nothing behind: containers and tasks are deleted, the shims end with them,
# containerd is stopped by pid, mounts under $T go with $T (tests/lib.sh), and the /$NS cgroup
# parents the engines' cgroupsPath made are removed.

eng_setup() {
	require_root
	require_cmd jq "$@"
	[[ -n ${HUSK_BUILD_DIR:-} && -n ${HUSK_SOURCE_DIR:-} ]] ||
		fail "HUSK_BUILD_DIR/HUSK_SOURCE_DIR are not set (run through meson test)"
	HUSK=$HUSK_BUILD_DIR/src/cli/husk
	PROBE=$HUSK_BUILD_DIR/tests/helpers/probe
	[[ -x $HUSK && -x $PROBE ]] || fail "build husk and tests/helpers/probe first"
	[[ -f /bin/busybox ]] || skip "needs busybox-static"
	new_tmpdir T
	# Cleanups run last registered first: the engines (registered later) stop before their
	# cgroup parents go, and $T goes last.
	NS=husk-engine-$$
	defer eng_remove_cgroups "/$NS"
}

eng_rootfs() {
	local dir=$1
	PROBE=$PROBE HUSK=$HUSK bash "$HUSK_SOURCE_DIR/oci/busybox-bundle.sh" "$T/rootfs-src" >/dev/null
	mkdir -p "$dir"
	cp -a "$T/rootfs-src/rootfs/." "$dir/"
	rm -rf "$T/rootfs-src"
}

eng_image() {
	local tar=$1 layout=$T/image-layout bundle=$T/image-bundle arg
	local -a cmd=()
	shift
	for arg in "${@:-sh}"; do
		cmd+=(--config.cmd "$arg")
	done
	require_cmd umoci
	umoci init --layout "$layout"
	umoci new --image "$layout:latest"
	umoci unpack --image "$layout:latest" "$bundle" >/dev/null
	eng_rootfs "$bundle/rootfs"
	umoci repack --image "$layout:latest" "$bundle"
	umoci config --image "$layout:latest" "${cmd[@]}" --config.env PATH=/bin:/usr/bin
	umoci gc --layout "$layout"
	tar -C "$layout" -cf "$tar" .
	rm -rf "$layout" "$bundle"
}

eng_containerd() {
	local extra=${1:-} dir=$T/cd disabled
	mkdir -p "$dir"
	# Shims keep their sockets in /run/containerd/s (a fixed path in containerd 1.6): remove
	# the directories if this test made them and they are empty again.
	[[ -e /run/containerd ]] ||
		defer 'rmdir /run/containerd/s /run/containerd/fifo /run/containerd 2>/dev/null || true'
	CD_SOCK=$dir/containerd.sock
	CTR=(ctr --address "$CD_SOCK" -n "$NS")
	disabled='"io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"'
	[[ $extra == *'plugins."io.containerd.grpc.v1.cri"'* ]] ||
		disabled+=', "io.containerd.grpc.v1.cri"'
	cat >"$dir/config.toml" <<-EOF
		version = 2
		root = "$dir/root"
		state = "$dir/state"
		disabled_plugins = [$disabled]
		[grpc]
		  address = "$CD_SOCK"
		[ttrpc]
		  address = "$CD_SOCK.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
		$extra
	EOF
	containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
	CD_PID=$!
	defer eng_containerd_stop
	wait_until 60 ctr --address "$CD_SOCK" version >/dev/null 2>&1 ||
		fail "containerd did not start: $(tail -5 "$dir/containerd.log")"
}

c() {
	"${CTR[@]}" "$@"
}

# Delete every task and container of $NS (the shims exit with their last task), then stop
# containerd and any shim of ours still alive (found by our socket path in its command line).
eng_containerd_stop() {
	local id pid
	for id in $(c task ls -q 2>/dev/null); do
		c task resume "$id" >/dev/null 2>&1   # a frozen task would not die
		c task kill -s KILL "$id" >/dev/null 2>&1
		c task delete -f "$id" >/dev/null 2>&1
	done
	for id in $(c container ls -q 2>/dev/null); do
		c container delete "$id" >/dev/null 2>&1
	done
	kill "$CD_PID" 2>/dev/null
	wait "$CD_PID" 2>/dev/null
	for pid in $(pgrep -f -- "-address $CD_SOCK" || true); do
		kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

# The engines create /NS/<id> cgroups through husk; husk delete removes <id>, the parent /NS
# is the engine's (runc leaves it too): remove it, in every v1 hierarchy and the unified one.
# Processes a failed test left in them (the cgroups are this test's own) are thawed and killed.
eng_remove_cgroups() {
	local d f
	for f in $(find /sys/fs/cgroup/freezer"$1" -name freezer.state 2>/dev/null); do
		echo THAWED >"$f"
	done
	for f in $(find /sys/fs/cgroup/*"$1" -name cgroup.procs 2>/dev/null); do
		xargs -r kill -KILL <"$f" 2>/dev/null
	done
	for d in /sys/fs/cgroup/*"$1" /sys/fs/cgroup"$1"; do
		[[ -d $d ]] || continue
		wait_until 10 find "$d" -depth -type d -exec rmdir {} + 2>/dev/null ||
			echo "engine-lib: cannot remove cgroup $d" >&2
	done
	return 0
}

eng_cgroups_gone() {
	local d
	for d in /sys/fs/cgroup/*"$1" /sys/fs/cgroup"$1"; do
		[[ ! -d $d ]] || fail "cgroup $d is left behind"
	done
}
