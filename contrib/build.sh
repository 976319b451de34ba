#!/bin/bash
# Install the Debian packages husk needs, configure (once) and build. Shared by the README's two
# commands (contrib/demo.sh, tests/run-all.sh). BUILDDIR picks the build directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."

bash contrib/install-deps.sh
builddir=${BUILDDIR:-build}
[ -d "$builddir" ] || meson setup "$builddir"
meson compile -C "$builddir"
