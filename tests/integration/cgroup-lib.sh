# tests/integration/cgroup-lib.sh: shared by the cgroup tests on this host (tests/integration/
# cgroup-*.sh) and in the VM (tests/vm/cases/cgroup-*.sh). Source after lib.sh.
#
#   cg_setup              root, jq and busybox-static; $T temp dir, $ROOT state dir, one small
#                         rootfs $T/rootfs (busybox and a few applets: quick to make under TCG);
#                         containers left under $ROOT are force-deleted at exit, and the /husk
#                         parent cgroups are removed again if this test made them
#   cg_bundle NAME ARGS   bundle $T/NAME running ARGS on $T/rootfs; JQ: jq filters, one a line
#   h ARGS                husk --root $ROOT ARGS
#   cg_dir CTRL ID        the container's cgroup directory: CTRL "" is cgroup2
#                         (/sys/fs/cgroup or /sys/fs/cgroup/unified), else the v1 mount of CTRL
#   cg_key FILE KEY       the value of KEY in a flat keyed cgroup file (memory.events, cpu.stat)

cg_setup() {
	require_root
	require_cmd jq
	[[ -n ${HUSK_BUILD_DIR:-} && -n ${HUSK_SOURCE_DIR:-} ]] || fail "HUSK_BUILD_DIR/HUSK_SOURCE_DIR are not set"
	HUSK=$HUSK_BUILD_DIR/src/cli/husk
	[[ -x $HUSK ]] || fail "build husk first"
	file /bin/busybox 2>/dev/null | grep -q 'statically linked' || skip "needs busybox-static"
	new_tmpdir T
	ROOT=$T/state
	mkdir -p "$T/rootfs"/{bin,proc,sys,dev,tmp,etc}
	cp /bin/busybox "$T/rootfs/bin/busybox"
	local a
	for a in sh cat head dd sleep timeout mknod echo true wc seq; do
		ln -s busybox "$T/rootfs/bin/$a"
	done
	(cd "$T" && "$HUSK" spec) || fail "husk spec"
	mv "$T/config.json" "$T/template.json"
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		d=${d%/}
		[[ -d $d/husk || ! -e $d/cgroup.procs ]] || defer "rmdir '$d/husk' 2>/dev/null || true"
	done
	defer cg_cleanup
}

cg_cleanup() {
	local id
	for id in $("$HUSK" --root "$ROOT" list -q 2>/dev/null); do
		"$HUSK" --root "$ROOT" delete --force "$id" || true
	done
	return 0
}

h() {
	"$HUSK" --root "$ROOT" "$@"
}

cg_bundle() {
	local name=$1 f
	shift
	mkdir -p "$T/$name"
	jq --argjson args "$(printf '%s\n' "$@" | jq -R . | jq -s .)" --arg root "$T/rootfs" \
		'.process.terminal = false | .process.args = $args | .root.path = $root' \
		"$T/template.json" >"$T/$name/config.json"
	while IFS= read -r f; do
		[[ -n $f ]] || continue
		jq "$f" "$T/$name/config.json" >"$T/$name/config.tmp"
		mv "$T/$name/config.tmp" "$T/$name/config.json"
	done <<<"${JQ:-}"
}

cg_dir() {
	local ctrl=$1 id=$2
	if [[ -z $ctrl ]]; then
		if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
			echo "/sys/fs/cgroup/husk/$id"
		else
			echo "/sys/fs/cgroup/unified/husk/$id"
		fi
	else
		echo "/sys/fs/cgroup/$ctrl/husk/$id"
	fi
}

cg_key() {
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}
