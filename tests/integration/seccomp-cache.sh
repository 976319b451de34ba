#!/bin/bash
# The compiled-BPF cache under the state root: the first container with a profile compiles it and
# stores <root>/@seccomp-cache/<hash>.bpf; a second container with the same profile loads that
# entry (the file is not rewritten: same inode) and behaves the same; another profile gets its own
# entry; an entry others could write is ignored and replaced.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
. "$(dirname "$0")/seccomp-lib.sh"
sc_setup

profile='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}'
run() {
	JQ=".linux.seccomp = $2" sc_bundle "$1" sh -c 'mkdir /dev/x; echo "rc=$?"'
	sc_run "$1"
}
entries() {
	find "$ROOT/@seccomp-cache" -name '*.bpf' 2>/dev/null | sort
}

out=$(run first "$profile") || fail "run first: $out"
[[ $out == *"Permission denied"* ]] || fail "first: mkdir not denied: $out"
mapfile -t e < <(entries)
assert_eq 1 "${#e[@]}" "cache entries after the first container"
inode=$(stat -c %i "${e[0]}")
assert_eq 600 "$(stat -c %a "${e[0]}")" "mode of a cache entry"

out=$(run second "$profile") || fail "run second: $out"
[[ $out == *"Permission denied"* ]] || fail "second (cached): mkdir not denied: $out"
mapfile -t e < <(entries)
assert_eq 1 "${#e[@]}" "cache entries after a second container with the same profile"
assert_eq "$inode" "$(stat -c %i "${e[0]}")" "the cached entry was loaded, not compiled again"

out=$(run other "$(jq -c '.syscalls[0].errnoRet = 1' <<<"$profile")") || fail "run other: $out"
[[ $out == *"Operation not permitted"* ]] || fail "other profile: $out"
assert_eq 2 "$(entries | wc -l)" "cache entries for two profiles"

chmod 0666 "${e[0]}"
out=$(run third "$profile") || fail "run third: $out"
[[ $out == *"Permission denied"* ]] || fail "third: $out"
[[ $(stat -c %i "${e[0]}") != "$inode" && $(stat -c %a "${e[0]}") == 600 ]] ||
	fail "a world-writable cache entry was trusted"
# The cache directory is not a container.
assert_eq "" "$(h list -q)" "husk list with only the cache under the root"
expect_fail "invalid container id" h delete --force @seccomp-cache
[[ -d $ROOT/@seccomp-cache ]] || fail "delete removed the cache"
echo "seccomp-cache: ok"
