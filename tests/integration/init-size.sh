#!/bin/bash
# The musl husk-init stays within its budget (issue #6: at most 80 KB, 81920 bytes) and is a
# static binary with nothing of the host to load (it must run in a scratch image).
# Usage: init-size.sh HUSK_INIT_MUSL
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-size.sh HUSK_INIT_MUSL}
budget=$((80 * 1024))
size=$(stat -c %s "$init")
echo "# $init: $size bytes (budget $budget)"
((size <= budget)) || fail "husk-init.musl is $size bytes, over the $budget-byte budget"
if readelf -l "$init" | grep -q INTERP; then
	fail "husk-init.musl asks for a program interpreter: not static"
fi
echo "ok"
