#!/bin/bash
# extract-vmlinux.sh BZIMAGE OUTPUT: write the uncompressed kernel (ELF vmlinux) inside a
# bzImage to OUTPUT, if it can be booted directly through its PVH entry point; exit 1 if
# not (unknown compression, no ELF, no PVH note) and leave OUTPUT alone.
# Why: under TCG the bzImage's own decompressor (xz on Debian) runs ~20 times slower than
# on the host: several seconds of every boot, far more on a loaded machine. qemu boots an
# ELF kernel with a PVH note (XEN_ELFNOTE_PHYS32_ENTRY, CONFIG_PVH=y) without it.
set -euo pipefail
export LC_ALL=C

(($# == 2)) || { echo "usage: extract-vmlinux.sh BZIMAGE OUTPUT" >&2; exit 2; }
in=$1 out=$2
command -v readelf >/dev/null || exit 1

tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# Try each compressed stream the kernel's Makefile may have used, at the first offset
# where its magic appears; decompressors complain about the bzImage's trailing bytes, so
# judge by the result, not the exit status.
try() {
	local magic=$1 off
	shift
	off=$(grep -obUaP "$magic" "$in" | head -n1 | cut -d: -f1) || true
	[[ -n $off ]] || return 1
	tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null || true
	[[ $(head -c 4 "$tmp") == $'\x7fELF' ]]
}
try '\xfd7zXZ\x00' xz -dc || try '\x28\xb5\x2f\xfd' zstd -dc || try '\x1f\x8b\x08' gzip -dc ||
	exit 1

# Note type 0x12: XEN_ELFNOTE_PHYS32_ENTRY, the PVH entry point.
readelf -n "$tmp" 2>/dev/null | grep -qE '^ *Xen[[:space:]].*(\(0x00000012\)|PHYS32_ENTRY)' || exit 1
mv -f "$tmp" "$out"
