#!/bin/bash
# husk-vm-timeout: 1200
# run-cycle.sh (a container's whole life: `run` of busybox `true`) in the pure cgroup v2 VM, where
# crun runs as it is, beside runc and the bare unshare floor. A VM case (run it with
# tests/vm/run.sh, as the `vm-run-cycle` benchmark does), never part of the test suite: it prints
# the figures and never fails on time. TCG makes every figure ~20x the host's; the ratios are what
# compare.
exec bash "$HUSK_SOURCE_DIR/tests/bench/run-cycle.sh" "$HUSK_BUILD_DIR/src/cli/husk" 10
