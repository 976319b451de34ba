#!/bin/bash
# all.sh [BUILD_DIR]: every runtime benchmark of this host, one after another, with the counts
# README.md's Performance section quotes (root; crun and runc where installed). Prints figures.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
husk=$build/src/cli/husk
[[ -x $husk ]] || { echo "all.sh: build husk first ($husk)" >&2; exit 1; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
echo "## run of true (run-cycle.sh, N=30)"; bash "$here/run-cycle.sh" "$husk" 30
echo "## create + start + delete (lifecycle-cycle.sh, N=20)"; bash "$here/lifecycle-cycle.sh" "$husk" 20
echo "## 50 at once (parallel.sh)"; bash "$here/parallel.sh" "$husk" 50 3
echo "## peak RSS (rss.sh, N=10)"; bash "$here/rss.sh" "$husk" 10
