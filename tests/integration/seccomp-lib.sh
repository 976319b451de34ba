# tests/integration/seccomp-lib.sh: shared by the seccomp-*.sh tests (source after lifecycle-lib.sh).
#
#   sc_setup              lc_setup, then one base bundle ($T/base, busybox + probe); building a
#                         bundle takes seconds, so every case shares its rootfs (read-only)
#   sc_bundle NAME ARGS   bundle $T/NAME: the base config with process.args = ARGS (one line
#                         each), root.path the base rootfs, then the jq filters of $JQ (one a
#                         line) applied in order
#   sc_run NAME           run it from its directory; prints its output, returns its status
# The containers write only to /dev (a tmpfs of their own).

sc_setup() {
	lc_setup
	lc_bundle base true
}

sc_bundle() {
	local name=$1 args filter
	shift
	args=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
	mkdir -p "$T/$name"
	jq --arg root "$T/base/rootfs" --argjson args "$args" '.root.path = $root | .process.args = $args' \
		"$T/base/config.json" >"$T/$name/config.json"
	while IFS= read -r filter; do
		[[ -n $filter ]] || continue
		jq "$filter" "$T/$name/config.json" >"$T/$name/config.json.tmp"
		mv "$T/$name/config.json.tmp" "$T/$name/config.json"
	done <<<"${JQ:-}"
}

sc_run() {
	(cd "$T/$1" && h run "$1") </dev/null 2>&1
}
