#!/usr/bin/env bash
# `make deps-aarch64`: what `make image-aarch64` and the tests under
# tests/vm/ need beyond `make deps`: qemu-system-aarch64 (Debian's
# qemu-system-arm), and the arm64 dpkg architecture with its package lists so
# scripts/image-aarch64.sh can `apt-get download` the arm64 kernel and
# busybox-static.  Idempotent; as root.
set -euo pipefail

update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps-aarch64: adding dpkg architecture arm64"
	dpkg --add-architecture arm64
	update=1
fi
if ! apt-cache show --no-all-versions busybox-static:arm64 >/dev/null 2>&1; then
	update=1
fi
if ! command -v qemu-system-aarch64 >/dev/null; then
	update=1
fi
if [ $update -eq 0 ]; then
	echo "deps-aarch64: all present"
	exit 0
fi
apt-get update -q
if ! command -v qemu-system-aarch64 >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends qemu-system-arm
fi
