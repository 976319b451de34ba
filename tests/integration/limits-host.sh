#!/bin/bash
# husk limits on this host, read-only: what `husk limits --json --pid $$` says about this
# shell must match what a plain walk of the cgroup files finds (value and binding directory),
# on v1, hybrid or v2. Creates nothing, writes nothing.
. "$(dirname "$0")/../lib.sh"

require_cmd jq
husk=${HUSK_BUILD_DIR:?}/src/cli/husk
[[ -x $husk ]] || fail "no husk binary at $husk"

json=$("$husk" limits --json --pid $$) || fail "husk limits --json --pid $$ failed"
jq -e . >/dev/null <<<"$json" || fail "not JSON: $json"

# version from the mount table, as libhusk must read it (fs types, not statfs)
v1=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup") n++ } END { print n + 0 }' /proc/self/mountinfo)
v2=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2") n++ } END { print n + 0 }' /proc/self/mountinfo)
if ((v1 && v2)); then want=hybrid; elif ((v1)); then want=v1; elif ((v2)); then want=v2; else want=none; fi
assert_eq "$want" "$(jq -r .cgroup_version <<<"$json")" "cgroup_version"

# mount point and root of the hierarchy holding controller $1 ("" = cgroup2)
mount_of() {
	awk -v c="$1" '{
		for (i = 7; $i != "-"; i++);
		fs = $(i + 1); n = split($(i + 3), o, ",")
		if (c == "" && fs == "cgroup2") { print $5, $4; exit }
		if (c != "" && fs == "cgroup") for (j = 1; j <= n; j++) if (o[j] == c) { print $5, $4; exit }
	}' /proc/self/mountinfo
}

# walk FILE from the cgroup of $$ up to the mount root; print "min source" (source - if none)
walk_min() {
	local ctl=$1 file=$2 path mp root dir best=unlimited src=- v
	read -r mp root < <(mount_of "$ctl") || return 1
	[[ -n $mp ]] || return 1
	if [[ -n $ctl ]]; then
		path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (j = 1; j <= n; j++) if (a[j] == c) print $3 }' /proc/$$/cgroup)
	else
		path=$(awk -F: '$1 == "0" { print $3 }' /proc/$$/cgroup)
	fi
	[[ $root == / ]] && root=
	dir=$mp${path#"$root"}
	dir=${dir%/}
	while :; do
		if [[ -r $dir/$file ]]; then
			v=$(<"$dir/$file")
			if [[ $v != max && $v != -1 ]] && ((${#v} < 19 || v < 9223372036853727232)); then
				if [[ $best == unlimited ]] || ((v < best)); then best=$v src=$dir; fi
			fi
		fi
		[[ $dir == "$mp" ]] && break
		dir=${dir%/*}
	done
	echo "$best $src"
}

check() { # WHAT CONTROLLER FILE JQPATH
	local got_v got_s want_v want_s
	read -r want_v want_s < <(walk_min "$2" "$3") || { echo "# $1: no hierarchy here"; return 0; }
	got_v=$(jq -r "$4.value // \"unlimited\"" <<<"$json")
	got_s=$(jq -r "$4.source // \"-\"" <<<"$json")
	# a limit above the host's RAM is clamped by design; compare the binding directory then
	if [[ $(jq -r "$4.clamped" <<<"$json") == true ]]; then got_v=$want_v; fi
	assert_eq "$want_v" "$got_v" "$1 value"
	assert_eq "$want_s" "$got_s" "$1 source"
	echo "# $1: $got_v from $got_s"
}

if [[ $(jq -r .cpu.quota.state <<<"$json") != "not available" ]]; then
	if grep -qE '^[0-9]+:([^:]*,)?cpu(,[^:]*)?:' /proc/$$/cgroup && [[ -n $(mount_of cpu) ]]; then
		check cpu.cfs_quota_us cpu cpu.cfs_quota_us .cpu.quota
	else
		echo "# cpu.max: v2 pairs are checked in tests/vm"
	fi
fi
if grep -qE '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/$$/cgroup && [[ -n $(mount_of memory) ]]; then
	check memory.limit_in_bytes memory memory.limit_in_bytes .memory.max
elif [[ -n $(mount_of "") ]]; then
	check memory.max "" memory.max .memory.max
fi

# the affinity mask is the process's own
assert_eq "$(taskset -pc $$ | awk -F': ' '{ print $2 }' | tr , '\n' |
	awk -F- '{ n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n }')" \
	"$(jq -r .cpu.affinity.value <<<"$json")" "affinity"

# the human output names the same binding directory
human=$("$husk" limits --pid $$)
src=$(jq -r '.memory.max.source // empty' <<<"$json")
[[ -z $src || $human == *"from $src"* ]] || fail "human output lacks 'from $src':
$human"

# a process that does not exist is a clear error, not an empty report
if out=$("$husk" limits --pid 2147483646 2>&1); then fail "--pid of no process succeeded"; fi
[[ $out == *"no process 2147483646"* ]] || fail "unclear error: $out"
echo "ok"
