# tests/integration/rootfs-common.sh: shared by the rootfs-*.sh tests (source after lib.sh).
# They run bundles through tests/helpers/rootfs-driver, which puts nothing but husk's rootfs code
# (rootfs_mount_all + rootfs_pivot_and_finalize) between the host and the process.
#
#   rf_setup            root + tools check, $T (temp dir), mount table snapshot
#   rf_bundle NAME ARGS  bundle $T/NAME running ARGS (JQ: jq filters, one per line); each ARG
#                        must be one line (mkbundle.sh reads them line by line): put scripts
#                        in the rootfs
#   rf_run NAME [OPTS]   run it; stdout in $T/NAME.out, stderr in $T/NAME.err, status in $RC
#   rf_expect_ok NAME    fail (showing stderr) unless the last run of NAME exited 0
#   rf_expect_err NAME TEXT
#                        fail unless it exited non-zero with TEXT in its stderr
#   rf_check_no_leak     fail if the host's mount table changed (outside other tests' dirs)

rf_setup() {
	require_root
	require_cmd jq findmnt unshare
	[[ -n ${HUSK_BUILD_DIR:-} ]] || fail "HUSK_BUILD_DIR is not set (run through meson test)"
	DRIVER=$HUSK_BUILD_DIR/tests/helpers/rootfs-driver
	[[ -x $DRIVER ]] || fail "$DRIVER is missing"
	MKBUNDLE=$HUSK_SOURCE_DIR/tests/helpers/mkbundle.sh
	[[ -f /bin/busybox ]] || skip "needs busybox-static"
	new_tmpdir T
	RF_MOUNTS_BEFORE=$(rf_mounts)
}

# The host's mounts, minus other tests' temp dirs (tests run in parallel).
rf_mounts() {
	findmnt -rn -o TARGET,FSTYPE,OPTIONS | awk -v t="$T" '
		index($1, "/tmp/husk-test.") == 1 && index($1, t) != 1 { next } { print }' | sort
}

rf_check_no_leak() {
	local after
	after=$(rf_mounts)
	[[ $after == "$RF_MOUNTS_BEFORE" ]] ||
		fail "the host's mount table changed: $(diff <(echo "$RF_MOUNTS_BEFORE") <(echo "$after") || true)"
}

# mkbundle.sh makes one base bundle; the others copy its rootfs (seconds saved per bundle) and
# apply their args and JQ filters to its config.
rf_bundle() {
	local name=$1 args filter
	shift
	[[ -d $T/.base ]] || HUSK= PROBE= JQ= bash "$MKBUNDLE" "$T/.base" true >/dev/null
	mkdir -p "$T/$name"
	cp -a "$T/.base/rootfs" "$T/$name/rootfs"
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq --argjson a "$args" '.process.args = $a' "$T/.base/config.json" >"$T/$name/config.json"
	while IFS= read -r filter; do
		[[ -n $filter ]] || continue
		jq "$filter" "$T/$name/config.json" >"$T/$name/config.json.tmp"
		mv "$T/$name/config.json.tmp" "$T/$name/config.json"
	done <<<"${JQ:-}"
}

rf_run() {
	local name=$1
	shift
	RC=0
	timeout 60 "$DRIVER" "$@" "$T/$name" >"$T/$name.out" 2>"$T/$name.err" </dev/null || RC=$?
}

rf_expect_ok() {
	((RC == 0)) || fail "$1: exit status $RC: $(cat "$T/$1.err")"
}

rf_expect_err() {
	((RC != 0)) || fail "$1: succeeded, expected an error with '$2'"
	grep -qF -- "$2" "$T/$1.err" || fail "$1: stderr lacks '$2': $(cat "$T/$1.err")"
}

# rf_out NAME: the output of the last run of NAME.
rf_out() {
	cat "$T/$1.out"
}
