# Probe cases over one base bundle, for integration tests that vary config.json case by case
# (process-attrs.sh, sysctl.sh). Source after lifecycle-lib.sh and `lc_bundle base /probe`.
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
	[[ ! -d $ROOT || -z $(ls -A "$ROOT") ]] || fail "$name: left in --root: $(ls -A "$ROOT")"
}
