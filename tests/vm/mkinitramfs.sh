#!/bin/bash
# mkinitramfs.sh KVER OUTPUT: build the test VM's initramfs (gzip'd newc cpio) for kernel
# version KVER into OUTPUT: a static busybox, tests/vm/initramfs-init.sh as /init, and the
# modules that mount the host's / over 9p under an overlay. Modules the kernel has built
# in are left out; compressed modules (.ko.xz/.zst/.gz) are decompressed here because
# busybox's insmod loads plain .ko files only.
# Environment: HUSK_VM_BUSYBOX (default /bin/busybox, must be statically linked).
set -euo pipefail

# Load order matters for insmod (it resolves no dependencies): each after what it needs.
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p overlay)

die() { echo "mkinitramfs: $*" >&2; exit 1; }

(($# == 2)) || die "usage: mkinitramfs.sh KVER OUTPUT"
kver=$1 out=$2
here=$(dirname "$(realpath "$0")")
moddir=/lib/modules/$kver
busybox=${HUSK_VM_BUSYBOX:-/bin/busybox}

[[ -d $moddir ]] || die "$moddir: no such directory"
[[ -f $moddir/modules.dep ]] || die "$moddir/modules.dep: missing (run depmod $kver)"
[[ -x $busybox ]] || die "$busybox: not found (install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox: dynamically linked; the initramfs needs busybox-static"
fi

stage=$(mktemp -d "${out%/*}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,modules}
cp "$busybox" "$stage/bin/busybox"
for applet in sh mount insmod mkdir ln ip switch_root poweroff sleep; do
	ln -s busybox "$stage/bin/$applet"
done
install -m 0755 "$here/initramfs-init.sh" "$stage/init"

: >"$stage/modules.list"
for m in "${modules[@]}"; do
	# modules.dep names files with '_' or '-' as built; match both spellings.
	pat="${m//[-_]/[-_]}"
	rel=$(grep -oE "^([^:]*/)?${pat}\.ko(\.(xz|zst|gz))?:" "$moddir/modules.dep" | head -n1 || true)
	rel=${rel%:}
	if [[ -z $rel ]]; then
		grep -qE "(^|/)${pat}\.ko$" "$moddir/modules.builtin" 2>/dev/null && continue
		die "module $m: neither in $moddir/modules.dep nor built in"
	fi
	src=$moddir/$rel
	case $src in
	*.ko.xz) xz -dc "$src" >"$stage/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$src" >"$stage/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$src" >"$stage/modules/$m.ko" ;;
	*) cp "$src" "$stage/modules/$m.ko" ;;
	esac
	echo "$m.ko" >>"$stage/modules.list"
done

(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --quiet -o -H newc -R 0:0) | gzip -1 >"$stage.cpio.gz"
mv -f "$stage.cpio.gz" "$out"
