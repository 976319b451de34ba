#!/bin/bash
# mkbundle.sh DIR [ARGS...]: make an OCI bundle in DIR for tests and the demo.
#   DIR/rootfs: busybox-static with its applets as symlinks (/bin), /probe when $PROBE names the
#               probe binary (tests/helpers/probe.c), empty /proc /sys /dev /tmp /etc.
#   DIR/config.json: `husk spec` (the config template) made non-interactive: terminal false,
#               process.args = ARGS (default: sh), then every jq filter in $JQ applied in order
#               (e.g. JQ='.hostname="t1"'), so each test states only what it changes.
# Env: HUSK (the husk binary, for `husk spec`), PROBE, BUSYBOX (default: the busybox-static one).
set -euo pipefail

dir=${1:?usage: mkbundle.sh DIR [ARGS...]}
shift
src=$(cd "$(dirname "$0")/../.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}
file "$busybox" 2>/dev/null | grep -q 'statically linked' || [ -n "${BUSYBOX:-}" ] || {
  echo "mkbundle: $busybox is not busybox-static (apt-get install busybox-static)" >&2; exit 1; }

mkdir -p "$dir/rootfs"/{bin,proc,sys,dev,tmp,etc,root}
cp "$busybox" "$dir/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$dir/rootfs/bin/$applet" ] || ln -s busybox "$dir/rootfs/bin/$applet"
done
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
