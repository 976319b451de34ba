#!/bin/bash
# Install what husk needs to build and test on Debian 12, from Debian's packages only.
# Idempotent; skips apt-get when everything is already there.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc clang scdoc
  # fuzzing and sanitizers with clang: libFuzzer, ASan, UBSan runtimes (tests/fuzz)
  libclang-rt-14-dev
  libseccomp-dev libcap-dev libmnl-dev libjansson-dev libsystemd-dev libcriterion-dev
  musl-tools
  # demo rootfs and test tools
  busybox-static jq iproute2 cpio kmod util-linux procps psmisc
  # cgroup v2 test VM (tests/vm)
  qemu-system-x86 linux-image-amd64
  # references to compare against
  crun runc tini catatonit dumb-init
  # the real engines (tests/integration/engine-*.sh): containerd + ctr, podman, umoci for the
  # test image, grpcio for the CRI client
  containerd podman umoci python3-grpcio python3-protobuf
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
