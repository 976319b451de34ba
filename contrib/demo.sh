#!/bin/bash
# Command (1) of the README: install deps, build, and run a demo container: a bundle made from
# busybox-static (oci/busybox-bundle.sh) run by `husk run` with its own state directory, then
# everything removed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash contrib/build.sh
builddir=${BUILDDIR:-build}

husk=$(realpath "$builddir/src/cli/husk")
"$husk" --version

if ((EUID != 0)); then
  echo "demo: running a container needs root; run 'sudo bash contrib/demo.sh'" >&2
  exit 1
fi
tmp=$(mktemp -d /tmp/husk-demo.XXXXXX)
cleanup() {
  "$husk" --root "$tmp/state" delete --force demo 2>/dev/null || true
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

HUSK=$husk bash oci/busybox-bundle.sh "$tmp/bundle" sh -c \
  'echo "Hello from a husk container: hostname $(hostname), pid $$, uid $(id -u), $(ls / | wc -l) entries in /"'
echo "demo: husk --root $tmp/state run --bundle $tmp/bundle demo"
"$husk" --root "$tmp/state" run --bundle "$tmp/bundle" demo </dev/null
