# tests/integration/lifecycle-lib.sh: shared by the lifecycle-*.sh tests (source after lib.sh).
#
#   lc_setup              root + tools check; $T temp dir, $ROOT state dir (--root) under it; every
#                         container left under $ROOT is force-deleted at exit
#   lc_bundle NAME ARGS   bundle $T/NAME (busybox + /probe) running ARGS; JQ: jq filters, one a line
#   h ARGS                husk --root $ROOT ARGS
#   lc_status ID          the status field of `husk state ID` ("" if it fails)
#   lc_field ID FIELD     any field of `husk state ID`
#   expect_fail TEXT CMD  run CMD; fail unless it exits non-zero with TEXT in its stderr
#                         (stderr is kept in $T/last.err)
# `husk create` leaves the container holding its stdio: tests never capture it with $(...).

lc_setup() {
	require_root
	require_cmd jq
	[[ -n ${HUSK_BUILD_DIR:-} && -n ${HUSK_SOURCE_DIR:-} ]] ||
		fail "HUSK_BUILD_DIR/HUSK_SOURCE_DIR are not set (run through meson test)"
	HUSK=$HUSK_BUILD_DIR/src/cli/husk
	PROBE=$HUSK_BUILD_DIR/tests/helpers/probe
	MKBUNDLE=$HUSK_SOURCE_DIR/tests/helpers/mkbundle.sh
	[[ -x $HUSK && -x $PROBE ]] || fail "build husk and tests/helpers/probe first"
	[[ -f /bin/busybox ]] || skip "needs busybox-static"
	new_tmpdir T
	ROOT=$T/state
	defer lc_cleanup
}

lc_cleanup() {
	local id
	[[ -d $ROOT ]] || return 0
	for id in $("$HUSK" --root "$ROOT" list -q 2>/dev/null); do
		"$HUSK" --root "$ROOT" delete --force "$id" || true
	done
	# Directories of interrupted creates too.
	for id in "$ROOT"/*; do
		[[ -d $id ]] && "$HUSK" --root "$ROOT" delete --force "${id##*/}" 2>/dev/null
	done
	return 0
}

lc_bundle() {
	local name=$1
	shift
	PROBE=$PROBE HUSK=$HUSK bash "$MKBUNDLE" "$T/$name" "$@" >/dev/null
}

h() {
	"$HUSK" --root "$ROOT" "$@"
}

lc_field() {
	h state "$1" 2>/dev/null | jq -r ".$2" || true
}

lc_status() {
	lc_field "$1" status
}

# lc_status_is ID STATUS: for wait_until, which re-runs it on every try.
lc_status_is() {
	[[ "$(lc_status "$1")" == "$2" ]]
}

expect_fail() {
	local text=$1 rc=0
	shift
	"$@" >/dev/null 2>"$T/last.err" </dev/null || rc=$?
	((rc != 0)) || fail "expected '$*' to fail with '$text', it succeeded"
	grep -qF -- "$text" "$T/last.err" ||
		fail "expected '$*' to fail with '$text', got (status $rc): $(cat "$T/last.err")"
}
