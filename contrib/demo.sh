#!/bin/bash
# Command (1) of the README: install deps, build, and show husk on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

bash contrib/install-deps.sh
builddir=${BUILDDIR:-build}
[ -d "$builddir" ] || meson setup "$builddir"
meson compile -C "$builddir"

husk=$builddir/src/cli/husk
"$husk" --version
