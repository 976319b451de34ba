#!/bin/bash
# run.sh: run test cases inside a throwaway qemu VM with pure cgroup v2 and report them as TAP.
#
#   tests/vm/run.sh [-B BUILDDIR] [--shell] [--keep] CASE...
#   tests/vm/run.sh --check
#
# One VM boot runs every CASE in order (a script path, or a name under tests/vm/cases/);
# each becomes one TAP test point, reported as soon as it finishes. See tests/vm/README.md
# for the case contract, the environment variables and the protocol with the guest
# (tests/vm/guest.sh). Exit status: 0 when every case passed or skipped, 1 when one failed
# or the VM could not run them, 2 on a usage error. When qemu, a kernel or busybox is
# missing the whole run is skipped ("1..0 # SKIP"), or fails if HUSK_TESTS_MUST_RUN=1.
set -euo pipefail
export LC_ALL=C

here=$(dirname "$(realpath "$0")")
source_dir=$(realpath "$here/../..")
build_dir=${HUSK_BUILD_DIR:-}
shell=0 keep=0 check=0
case_paths=() case_names=() case_timeouts=()

qemu_bin=${HUSK_VM_QEMU:-qemu-system-x86_64}
memory=${HUSK_VM_MEMORY:-1536}
cpus=${HUSK_VM_CPUS:-2}
default_timeout=${HUSK_VM_CASE_TIMEOUT:-120}
boot_timeout=${HUSK_VM_BOOT_TIMEOUT:-180}
grace=${HUSK_VM_GRACE:-60}

rundir='' qpid='' failed=0 next=1 t_boot='' t_last='' case_ms=0 n_done=0

usage() {
	cat <<EOF
usage: $0 [-B BUILDDIR] [--shell] [--keep] CASE...
       $0 --check
  CASE            a case script, or the name of one in tests/vm/cases (vm-cgroup2)
  -B, --build-dir the meson build dir the cases test (default: \$HUSK_BUILD_DIR, else ./build)
  --shell         serial console on this terminal; after the cases, a root shell in the VM
  --keep          keep the run directory (serial.log, ctl/N.log) and print its path
  --check         only check that a VM can run here: exit 0, or print why not and exit 77
EOF
	exit 2
}

die_usage() { echo "run.sh: $*" >&2; exit 2; }

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Print each line of a file as a TAP comment; of a long file, only the end.
comment_file() {
	local lines
	lines=$(wc -l <"$1")
	((lines <= 2000)) || echo "# [... first $((lines - 2000)) lines of output cut; --keep keeps them ...]"
	tail -n 2000 "$1" | sed 's/^/# /'
}

# The VM cannot run here: skip everything, or fail everything under HUSK_TESTS_MUST_RUN=1.
skip_all() {
	local i
	if ((check)); then
		echo "$1"
		exit 77
	fi
	if [[ ${HUSK_TESTS_MUST_RUN:-0} == 1 ]]; then
		echo "1..${#case_names[@]}"
		echo "# $1 (HUSK_TESTS_MUST_RUN=1: failing instead of skipping)"
		for i in "${!case_names[@]}"; do
			echo "not ok $((i + 1)) - ${case_names[i]}"
		done
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

parse_args() {
	local a path
	while (($#)); do
		a=$1
		shift
		case $a in
		-B | --build-dir) (($#)) || usage; build_dir=$1; shift ;;
		--shell) shell=1 ;;
		--keep) keep=1 ;;
		--check) check=1 ;;
		-h | --help) usage ;;
		-*) die_usage "unknown option $a" ;;
		*)
			path=$a
			[[ -e $path || $path == */* ]] || path=$here/cases/${a%.sh}.sh
			[[ -f $path ]] || die_usage "case $a: no such file"
			case_paths+=("$(realpath "$path")")
			case_names+=("$(basename "${path%.sh}")")
			case_timeouts+=("$(case_timeout "$path")")
			;;
		esac
	done
	((${#case_paths[@]} || shell || check)) || usage
	[[ -n $build_dir ]] || build_dir=$PWD/build
	[[ -d $build_dir ]] || die_usage "build dir $build_dir: no such directory (use -B)"
	build_dir=$(realpath "$build_dir")
}

# A case may ask for a longer (or shorter) timeout with a line "# husk-vm-timeout: SECONDS".
case_timeout() {
	local t
	t=$(sed -n 's/^# *husk-vm-timeout: *\([0-9][0-9]*\) *$/\1/p' "$1" | head -n1)
	echo "${t:-$default_timeout}"
}

# Whether kernel version $1 has, as modules or built in, what the initramfs needs. Debian's
# cloud kernels (linux-image-cloud-amd64, often the running one on cloud VMs) lack 9p.
kernel_usable() {
	local dir=/lib/modules/$1 m
	[[ -f $dir/modules.dep ]] || return 1
	for m in 9p 9pnet_virtio virtio_pci overlay; do
		grep -qE "(^|/)$m\.ko" "$dir/modules.dep" "$dir/modules.builtin" 2>/dev/null || return 1
	done
}

# The newest usable /boot/vmlinuz-VERSION (see kernel_usable), or $HUSK_VM_KERNEL.
find_kernel() {
	local f v candidates=''
	if [[ -n ${HUSK_VM_KERNEL:-} ]]; then
		[[ -r $HUSK_VM_KERNEL ]] || return 1
		kernel=$HUSK_VM_KERNEL
		kver=${HUSK_VM_KVER:-${kernel##*/vmlinuz-}}
		kernel_usable "$kver"
		return
	fi
	for f in /boot/vmlinuz-*; do
		[[ -r $f ]] && candidates+="${f#/boot/vmlinuz-}"$'\n'
	done
	while read -r v; do
		[[ -n $v ]] && kernel_usable "$v" && { kver=$v; kernel=/boot/vmlinuz-$v; return 0; }
	done < <(printf '%s' "$candidates" | sort -rV)
	return 1
}

check_requirements() {
	command -v "$qemu_bin" >/dev/null || skip_all "$qemu_bin not found (install qemu-system-x86)"
	find_kernel || skip_all "no /boot/vmlinuz-VERSION with 9p, virtio and overlay modules in /lib/modules/VERSION (install linux-image-amd64)"
	[[ -x ${HUSK_VM_BUSYBOX:-/bin/busybox} ]] || skip_all "no busybox (install busybox-static)"
}

# Kill qemu by its pid: SIGTERM (qemu exits cleanly), then SIGKILL after 5 s.
kill_qemu() {
	local i
	[[ -n $qpid ]] || return 0
	if kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 "$qpid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$qpid" 2>/dev/null || true
	fi
	wait "$qpid" 2>/dev/null || true
	qpid=''
}

cleanup() {
	kill_qemu
	[[ -n $rundir ]] || return 0
	if ((keep)); then
		echo "# vm: kept $rundir" >&2
	else
		rm -rf "$rundir"
	fi
}

# Remove run directories of earlier runs that were SIGKILLed (their pid is gone); qemu died
# with them (parent-death signal).
remove_stale_rundirs() {
	local d pid
	for d in "$1"/vm-run.*; do
		[[ -f $d/pid ]] || continue
		read -r pid <"$d/pid" || continue
		kill -0 "$pid" 2>/dev/null || rm -rf "$d"
	done
}

# The run directory: initramfs, serial.log and ctl/ (the guest's writable 9p share).
make_rundir() {
	local parent=${HUSK_VM_TMPDIR:-}
	if [[ -z $parent ]]; then
		parent=$build_dir/tests/vm
		[[ -d $parent && -w $parent ]] || parent=${TMPDIR:-/tmp}
	fi
	remove_stale_rundirs "$parent"
	rundir=$(mktemp -d "$parent/vm-run.XXXXXX")
	echo $$ >"$rundir/pid"
	# qemu's -virtfs splits its argument at commas.
	[[ $rundir != *,* ]] || { echo "run.sh: $rundir: path contains ','" >&2; exit 1; }
	mkdir "$rundir/ctl"
	cp "$here/guest.sh" "$rundir/ctl/guest.sh"
	local env=("HUSK_BUILD_DIR=$build_dir" "HUSK_SOURCE_DIR=$source_dir") v
	for v in $(compgen -e); do
		[[ $v == HUSK_* && $v != HUSK_BUILD_DIR && $v != HUSK_SOURCE_DIR ]] && env+=("$v=${!v}")
	done
	{
		declare -p case_paths case_timeouts
		declare -a case_env=("${env[@]}")
		declare -p case_env
		echo "shell=$shell"
		printf 'term=%q\n' "${TERM:-vt100}"
	} >"$rundir/ctl/config"
	bash "$here/mkinitramfs.sh" "$kver" "$rundir/initramfs.cpio.gz" >&2 ||
		skip_all "cannot build the initramfs for kernel $kver (see above)"
}

# The kernel qemu boots: the ELF vmlinux inside $kernel, which boots through its PVH entry
# without the bzImage's decompressor (seconds under TCG; see extract-vmlinux.sh), cached in
# the build dir per kernel file; or $kernel itself when that is not possible or
# HUSK_VM_PVH=0.
pick_boot_kernel() {
	local cache=$build_dir/tests/vm stamp f
	boot_kernel=$kernel
	[[ ${HUSK_VM_PVH:-1} == 1 ]] || return 0
	[[ -d $cache && -w $cache ]] || cache=$rundir
	stamp=$(stat -c %Y-%s "$kernel")
	if [[ ! -f $cache/vmlinux-$kver-$stamp ]]; then
		# Drop extractions of an older kernel file; a parallel run's own extraction (same
		# stamp, maybe still a temp file) stays.
		for f in "$cache/vmlinux-$kver-"*; do
			[[ -e $f && $f != "$cache/vmlinux-$kver-$stamp"* ]] && rm -f "$f"
		done
		bash "$here/extract-vmlinux.sh" "$kernel" "$cache/vmlinux-$kver-$stamp" || return 0
	fi
	boot_kernel=$cache/vmlinux-$kver-$stamp
}

qemu_command() {
	qemu=("$qemu_bin" -accel tcg,thread=multi -M q35 -cpu max -smp "$cpus" -m "$memory"
		-nodefaults -no-user-config -display none -no-reboot
		-kernel "$boot_kernel" -initrd "$rundir/initramfs.cpio.gz"
		-append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all mitigations=off no_timer_check ${HUSK_VM_APPEND:-}"
		-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$rundir/ctl,mount_tag=ctl,security_model=none,multidevs=remap")
	# qemu must not outlive us, even if we are SIGKILLed.
	if command -v setpriv >/dev/null; then
		qemu=(setpriv --pdeathsig KILL -- "${qemu[@]}")
	fi
}

# Whether case N is done: ctl/N.rc exists and is complete.
case_done() {
	local line=''
	[[ -f $rundir/ctl/$1.rc ]] && read -r line <"$rundir/ctl/$1.rc"
	[[ $line == *" end" ]]
}

# Print case N's TAP point from ctl/N.rc and ctl/N.log.
report_case() {
	local n=$1 name=${case_names[$1 - 1]} rc secs timedout leaked reason log=$rundir/ctl/$1.log
	read -r rc secs timedout leaked _ <"$rundir/ctl/$n.rc"
	t_last=$EPOCHREALTIME
	case_ms=$((case_ms + 10#${secs/./}))
	n_done=$((n_done + 1))
	[[ -f $log ]] && comment_file "$log"
	echo "# $name: exit status $rc after ${secs}s"
	if ((timedout || leaked)) || ((rc != 0 && rc != 77)); then
		failed=1
		echo "not ok $n - $name"
	elif ((rc == 77)) && [[ ${HUSK_TESTS_MUST_RUN:-0} == 1 ]]; then
		failed=1
		echo "# $name: skipped, but HUSK_TESTS_MUST_RUN=1"
		echo "not ok $n - $name"
	elif ((rc == 77)); then
		reason=$( (grep -v '^vm: ' "$log" || true) | tail -n1 | tr -d '#')
		echo "ok $n - $name # SKIP ${reason#SKIP: }"
	else
		echo "ok $n - $name"
	fi
}

# The VM stopped (or was stopped) before reporting every case: fail the rest, with why.
report_lost() {
	local why=$1 n
	failed=1
	[[ -f $rundir/ctl/boot-failed ]] && echo "# vm: setup failed: $(<"$rundir/ctl/boot-failed")"
	echo "# vm: $why; serial console (last 40 lines):"
	[[ -f $rundir/serial.log ]] && tail -n 40 "$rundir/serial.log" | tr -d '\r' | sed 's/^/#   /'
	for ((n = next; n <= ${#case_names[@]}; n++)); do
		if [[ -f $rundir/ctl/$n.start ]]; then
			[[ -f $rundir/ctl/$n.log ]] && comment_file "$rundir/ctl/$n.log"
			echo "# ${case_names[n - 1]}: the VM stopped during this case"
		else
			echo "# ${case_names[n - 1]}: not run"
		fi
		echo "not ok $n - ${case_names[n - 1]}"
	done
	next=$n
}

# Timing summary: boot, time in the cases, and the harness's overhead per case (host time
# from boot to the last result, minus the cases' own time, over the cases).
summary() {
	local t0=$1 line
	line="# vm: total $(elapsed "$t0" "$EPOCHREALTIME")s"
	[[ -n $t_boot ]] && line+="; boot $(elapsed "$t0" "$t_boot")s"
	if ((n_done > 0)); then
		line+="; cases $(awk -v c="$case_ms" 'BEGIN { printf "%.1f", c / 1000 }')s"
		line+="; overhead per case $(awk -v a="$t_boot" -v b="$t_last" -v c="$case_ms" -v n="$n_done" \
			'BEGIN { printf "%.2f", (b - a - c / 1000) / n }')s"
	fi
	echo "$line"
}

# Watch the control share while qemu runs: report each case as it completes, and kill qemu
# when a deadline passes: boot_timeout for the boot, a case's timeout + grace from its start
# (the guest's own `timeout` should have fired long before), grace for the power-off, and
# the sum of all of them overall.
watch_vm() {
	local t0=$EPOCHREALTIME last=$EPOCHSECONDS seen_start=0 deadline overall t rc
	overall=$((EPOCHSECONDS + ${HUSK_VM_TIMEOUT:-$boot_timeout}))
	if [[ -z ${HUSK_VM_TIMEOUT:-} ]]; then
		for t in "${case_timeouts[@]}"; do overall=$((overall + t + grace)); done
	fi
	while kill -0 "$qpid" 2>/dev/null; do
		if [[ -z $t_boot && -f $rundir/ctl/booted ]]; then
			t_boot=$EPOCHREALTIME
			last=$EPOCHSECONDS
			echo "# vm: booted in $(elapsed "$t0" "$t_boot")s: $(<"$rundir/ctl/booted")"
			continue
		fi
		if ((next <= ${#case_names[@]})) && case_done "$next"; then
			report_case "$next"
			next=$((next + 1))
			last=$EPOCHSECONDS
			continue
		fi
		if ((seen_start != next)) && [[ -f $rundir/ctl/$next.start ]]; then
			seen_start=$next
			last=$EPOCHSECONDS
		fi
		if [[ -z $t_boot ]]; then
			deadline=$((last + boot_timeout))
		elif ((next <= ${#case_names[@]})); then
			deadline=$((last + case_timeouts[next - 1] + grace))
		else
			deadline=$((last + grace))
		fi
		((deadline < overall)) || deadline=$overall
		if ((EPOCHSECONDS >= deadline)); then
			kill_qemu
			if [[ -z $t_boot ]]; then
				report_lost "the VM did not boot within ${boot_timeout}s (killed)"
			elif ((next <= ${#case_names[@]})); then
				report_lost "no result within the case's timeout (${case_timeouts[next - 1]}s) + ${grace}s (VM killed)"
			else
				echo "# vm: did not power off within ${grace}s after the last case (killed)"
			fi
			summary "$t0"
			return
		fi
		sleep 0.2
	done
	wait "$qpid" && rc=0 || rc=$?
	qpid=''
	# The last results may have landed between the final check and qemu's exit.
	while ((next <= ${#case_names[@]})) && case_done "$next"; do
		report_case "$next"
		next=$((next + 1))
	done
	if [[ -z $t_boot ]]; then
		report_lost "the VM stopped before it was set up (qemu exit status $rc)"
	elif ((next <= ${#case_names[@]})); then
		report_lost "the VM stopped early (qemu exit status $rc)"
	fi
	summary "$t0"
}

main() {
	parse_args "$@"
	check_requirements
	((!check)) || exit 0
	trap cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
	make_rundir
	pick_boot_kernel
	qemu_command
	echo "1..${#case_names[@]}"
	echo "# vm: $boot_kernel, ${cpus} vCPUs, ${memory} MiB, qemu TCG; run dir $rundir"
	if ((shell)); then
		"${qemu[@]}" -serial mon:stdio || true
		for ((next = 1; next <= ${#case_names[@]}; )); do
			case_done "$next" || break
			report_case "$next"
			next=$((next + 1))
		done
		((next > ${#case_names[@]})) || report_lost "the VM stopped early"
	else
		"${qemu[@]}" -serial "file:$rundir/serial.log" </dev/null >"$rundir/qemu.out" 2>&1 &
		qpid=$!
		watch_vm
		[[ -s $rundir/qemu.out ]] && sed 's/^/# qemu: /' "$rundir/qemu.out"
	fi
	exit "$failed"
}

main "$@"
