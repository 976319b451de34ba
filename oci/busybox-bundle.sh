#!/bin/bash
# busybox-bundle.sh DIR [ARGS...]: make an OCI bundle in DIR from busybox-static (the demo of
# contrib/demo.sh, and every test bundle through tests/helpers/mkbundle.sh).
#   DIR/rootfs: busybox-static with its applets as symlinks (/bin), /probe when $PROBE names the
#               probe binary (tests/helpers/probe.c), empty /proc /sys /dev /tmp, /etc/passwd.
#   DIR/config.json: `husk spec` (the config template; oci/config.json when $HUSK is unset)
#               made non-interactive: terminal false, process.args = ARGS (default: sh), then
#               every jq filter in $JQ applied in order (one a line, e.g. JQ='.hostname="t1"').
# Env: HUSK (the husk binary, for `husk spec`), PROBE, BUSYBOX (default /bin/busybox).
set -euo pipefail

dir=${1:?usage: busybox-bundle.sh DIR [ARGS...]}
shift
src=$(cd "$(dirname "$0")/.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}
if ldd "$busybox" >/dev/null 2>&1; then   # ldd fails on a static binary
  echo "busybox-bundle: $busybox is dynamically linked: install busybox-static" >&2
  exit 1
fi

mkdir -p "$dir/rootfs"/{bin,proc,sys,dev,tmp,etc,root}
cp "$busybox" "$dir/rootfs/bin/busybox"
# One process for the ~400 applet links (a fork per link is slow on a loaded machine).
"$busybox" --list | python3 -c '
import os, sys
d = sys.argv[1]
for a in sys.stdin.read().split():
    if not os.path.lexists(os.path.join(d, a)):
        os.symlink("busybox", os.path.join(d, a))' "$dir/rootfs/bin"
echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/rootfs/etc/passwd"
echo 'root:x:0:' > "$dir/rootfs/etc/group"
if [ -n "${PROBE:-}" ]; then
  cp "$PROBE" "$dir/rootfs/probe"
fi

# The template: `husk spec` when the binary has it, else the same file from the source tree.
if [ -n "${HUSK:-}" ] && (cd "$dir" && "$HUSK" spec >/dev/null 2>&1) && [ -s "$dir/config.json" ]; then
  template="$dir/config.json"
else
  cp "$src/oci/config.json" "$dir/config.json.in"
  template="$dir/config.json.in"
fi

args_json=$(if (($#)); then printf '%s\n' "$@"; else echo sh; fi | jq -R . | jq -s .)
jq --argjson args "$args_json" '.process.terminal = false | .process.args = $args' "$template" > "$dir/config.json.tmp"
mv "$dir/config.json.tmp" "$dir/config.json"
rm -f "$dir/config.json.in"
if [ -n "${JQ:-}" ]; then
  while IFS= read -r filter; do
    [ -n "$filter" ] || continue
    jq "$filter" "$dir/config.json" > "$dir/config.json.tmp"
    mv "$dir/config.json.tmp" "$dir/config.json"
  done <<< "$JQ"
fi
