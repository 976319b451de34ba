#!/bin/bash
# guest.sh: PID 1 of the test VM once the initramfs (initramfs-init.sh) has set up pure
# cgroup v2 and switched to the host's / under a tmpfs overlay. run.sh copies it to the
# control share; it runs the cases one after another, each under `timeout` in a fresh temp
# dir, checks what each left behind, and powers the VM off.
#
# Protocol with run.sh, through the writable 9p share /run/husk-vm (the host's RUNDIR/ctl):
#   config       host -> guest: bash assignments (cases, timeouts, environment, shell mode)
#   booted       the VM is set up; contents: a line of facts about it for the TAP comments
#   boot-failed  setup failed; contents: why (the VM powers off right after)
#   N.start      case N (from 1) has started
#   N.log        case N's stdout and stderr, then the harness's notes about it ("vm: ...")
#   N.rc         "RC SECONDS TIMEDOUT LEAKED end", written last: case N is done (a reader
#                that sees no "end" yet has caught the file between open and write)
#   done         every case ran
# Results travel as files rather than console markers, so kernel messages on the serial
# console cannot garble them.
set -u
shopt -s globstar nullglob
ctl=/run/husk-vm
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8

# Print to the console (the serial port: run.sh keeps it as serial.log, or it is the terminal
# with --shell).
say() {
	local up _
	read -r up _ </proc/uptime
	echo "husk-vm: [$up] $*"
}

power_off() {
	sync
	/bin/busybox poweroff -f
	echo o >/proc/sysrq-trigger
	exit 1
}

boot_failed() {
	say "setup failed: $*"
	echo "$*" >"$ctl/boot-failed"
	power_off
}

# Snapshots of what a case might leave behind, as "name " words: cgroup directories and
# mount points. Builtins only: every exec costs a tenth of a second or more under TCG.
list_cgroups() {
	local d
	for d in /sys/fs/cgroup/**/; do
		echo "${d%/}"
	done
}
list_mounts() {
	local _id _parent _dev _root mnt _rest
	while read -r _id _parent _dev _root mnt _rest; do
		echo "$mnt"
	done </proc/1/mountinfo
}

# Print the lines of $2 that are not lines of $1, last first (children before parents).
new_lines() {
	local -A before=()
	local line added=()
	while read -r line; do before[$line]=1; done <<<"$1"
	while read -r line; do
		[[ -n $line && -z ${before[$line]:-} ]] && added=("$line" "${added[@]}")
	done <<<"$2"
	((${#added[@]})) && printf '%s\n' "${added[@]}"
	return 0
}

# Print "PID name" for every user-space process but PID 1 and the subshell running this
# (kernel threads are kthreadd's children).
list_processes() {
	local d stat pid ppid rest name
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		((pid == 1 || pid == 2 || pid == BASHPID)) && continue
		read -r stat <"$d/stat" 2>/dev/null || continue
		name=${stat#*(}
		name=${name%)*}
		rest=${stat##*) } # "STATE PPID ..."
		rest=${rest#* }
		ppid=${rest%% *}
		((ppid == 2)) && continue
		echo "$pid $name"
	done
}

# After a case: report, then remove, processes, mounts and cgroups it left behind, so the
# next case starts clean. Prints notes to stdout; returns 1 if anything was left.
clean_up_after() {
	local cgroups_before=$1 mounts_before=$2 leaked=0 i procs line
	for ((i = 0; i < 30; i++)); do
		procs=$(list_processes)
		[[ -z $procs ]] && break
		sleep 0.1
	done
	if [[ -n $procs ]]; then
		leaked=1
		while read -r line; do
			echo "vm: left behind process $line (killed)"
			kill -KILL "${line%% *}" 2>/dev/null
		done <<<"$procs"
		for ((i = 0; i < 50; i++)); do
			[[ -z $(list_processes) ]] && break
			sleep 0.1
		done
	fi
	while read -r line; do
		[[ -z $line ]] && continue
		leaked=1
		echo "vm: left behind mount $line (unmounted)"
		umount -l "$line" 2>/dev/null
	done <<<"$(new_lines "$mounts_before" "$(list_mounts)")"
	while read -r line; do
		[[ -z $line ]] && continue
		leaked=1
		echo "vm: left behind cgroup $line (removed)"
		rmdir "$line" 2>/dev/null
	done <<<"$(new_lines "$cgroups_before" "$(list_cgroups)")"
	return "$leaked"
}

# Run case N (path, timeout in seconds) with the harness's environment in a fresh cwd and
# record the outcome as described at the top.
run_case() {
	local n=$1 path=$2 timeout=$3 dir=$casedirs/$1 cgroups mounts t0 t1 ms rc secs timedout=0 leaked=0
	local log=$ctl/$n.log
	: >"$ctl/$n.start"
	say "case $n: $path (timeout ${timeout}s)"
	cgroups=$(list_cgroups)
	mounts=$(list_mounts)
	t0=${EPOCHREALTIME/./}
	# Only case_env in the environment; no env(1): under TCG every exec costs.
	(
		for v in $(compgen -e); do unset "$v"; done
		export "${case_env[@]}"
		cd "$dir" && exec timeout -k 10 "$timeout" "$path"
	) </dev/null >"$log" 2>&1
	rc=$?
	t1=${EPOCHREALTIME/./}
	ms=$(((t1 - t0) / 1000))
	printf -v secs '%d.%03d' $((ms / 1000)) $((ms % 1000))
	if ((rc == 124 || rc == 137)) && ((ms >= (timeout - 1) * 1000)); then
		timedout=1
		echo "vm: timed out after ${timeout}s (killed)" >>"$log"
	fi
	clean_up_after "$cgroups" "$mounts" >>"$log" || leaked=1
	local left=("$dir"/* "$dir"/.[!.]* "$dir"/..?*)
	((${#left[@]} == 0)) || rm -rf --one-file-system "${left[@]}"
	((shell)) && cat "$log"
	echo "$rc $secs $timedout $leaked end" >"$ctl/$n.rc"
	say "case $n: exit $rc after ${secs}s"
}

# --shell: a root shell on the serial console (our terminal on the host); leaving it powers
# the VM off.
interactive_shell() {
	say "cases done; this is the VM (pure cgroup v2). Exit the shell to power off."
	setsid -c -w env TERM="${term:-vt100}" PS1='husk-vm# ' bash --norc -i \
		</dev/console >/dev/console 2>&1
}

# One line about the VM for the TAP comments; builtins only.
facts() {
	local up _ release cpus=0 line mem=''
	read -r up _ </proc/uptime
	read -r release </proc/sys/kernel/osrelease
	while read -r line; do [[ $line == processor* ]] && cpus=$((cpus + 1)); done </proc/cpuinfo
	while read -r line; do
		[[ $line == MemTotal:* ]] && { mem=${line//[!0-9]/}; break; }
	done </proc/meminfo
	echo "kernel $release (up ${up}s), $cpus CPUs, $((mem / 1024)) MiB," \
		"controllers: $(</sys/fs/cgroup/cgroup.subtree_control)"
}

main() {
	local i casedirs
	[[ -r $ctl/config ]] || boot_failed "$ctl/config missing"
	# shellcheck source=/dev/null
	. "$ctl/config"
	case_env+=("PATH=$PATH" HOME=/root LANG=C.UTF-8 HUSK_VM=1)
	[[ -f /sys/fs/cgroup/cgroup.subtree_control ]] || boot_failed "no cgroup2 on /sys/fs/cgroup"
	echo "$(facts)" >"$ctl/booted"
	# Every case's cwd at once (one exec rather than one per case), each removed after it.
	local dirs=()
	until
		casedirs=/tmp/husk-vm.$RANDOM$RANDOM
		dirs=("$casedirs")
		for i in "${!case_paths[@]}"; do dirs+=("$casedirs/$((i + 1))"); done
		mkdir -m 0755 "${dirs[@]}" 2>/dev/null
	do :; done
	for i in "${!case_paths[@]}"; do
		run_case "$((i + 1))" "${case_paths[i]}" "${case_timeouts[i]}"
	done
	: >"$ctl/done"
	((shell)) && interactive_shell
	power_off
}

# Sourcing (to time or test the functions) must not start the run.
[[ ${BASH_SOURCE[0]} != "$0" ]] || main
