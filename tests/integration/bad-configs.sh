#!/bin/bash
# Every tests/fixtures/bad-configs/NAME.json given to `husk create`, as containerd's shim calls it
# (--log FILE --log-format json): the exit status is not 0, the JSON log holds an error line whose
# msg names the field (NAME.expect), and nothing is left under --root.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

fixtures=$HUSK_SOURCE_DIR/tests/fixtures/bad-configs
n=0
for cfg in "$fixtures"/*.json; do
	name=$(basename "$cfg" .json)
	expect=$(cat "$fixtures/$name.expect")
	bundle=$T/bundles/$name
	mkdir -p "$bundle/rootfs"
	cp "$cfg" "$bundle/config.json"
	log=$T/logs/$name.json
	mkdir -p "$T/logs"
	rc=0
	"$HUSK" --root "$ROOT" --log "$log" --log-format json create --bundle "$bundle" "bad-$name" \
		</dev/null >/dev/null 2>"$T/stderr" || rc=$?
	((rc != 0)) || fail "$name: create succeeded"
	[[ -s $log ]] || fail "$name: nothing in the --log file (stderr: $(cat "$T/stderr"))"
	jq -e . "$log" >/dev/null || fail "$name: the log is not JSON lines: $(cat "$log")"
	msg=$(jq -r 'select(.level == "error") | .msg' "$log")
	[[ $msg == *"$expect"* ]] || fail "$name: error log '$msg' does not contain '$expect'"
	if [[ -d $ROOT ]] && [[ -n $(ls -A "$ROOT") ]]; then
		fail "$name: left behind in --root: $(ls -A "$ROOT")"
	fi
	n=$((n + 1))
done
((n >= 30)) || fail "only $n bad configs found in $fixtures"
echo "ok: $n bad configs refused, each naming its field"
