#!/usr/bin/env bash
# Usage: make-sysroot.sh DIR ARCH PACKAGE...
#
# Unpack Debian's ARCH builds of PACKAGEs into DIR (a sysroot for the cross
# compiler), with DIR/static/ holding links to just their .a files.  Nothing is
# installed on the host: the packages are fetched with `apt-get download` and
# unpacked with `dpkg -x`.  Fetching needs ARCH in dpkg's foreign
# architectures and its package lists: both are added here once (as root).
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 DIR ARCH PACKAGE..." >&2
	exit 2
fi
dir=$1
arch=$2
shift 2
case $arch in
arm64) triplet=aarch64-linux-gnu ;;
armhf) triplet=arm-linux-gnueabihf ;;
amd64) triplet=x86_64-linux-gnu ;;
*)
	echo "make-sysroot: unknown architecture '$arch' (arm64, armhf, amd64)" >&2
	exit 2
	;;
esac

need_update=0
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	echo "make-sysroot: adding dpkg architecture $arch"
	dpkg --add-architecture "$arch"
	need_update=1
fi
# The package lists for ARCH may be missing (architecture just added, lists
# cleaned) even when the architecture is configured.
if ! apt-cache show --no-all-versions "$1:$arch" >/dev/null 2>&1; then
	need_update=1
fi
if [ $need_update -eq 1 ]; then
	apt-get update -q
fi

rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/static"
specs=()
for p in "$@"; do specs+=("$p:$arch"); done
# Run from the target directory: apt-get download writes to the cwd.  As root
# it warns that _apt cannot write there and downloads unsandboxed; harmless.
(cd "$dir/debs" && apt-get download -q "${specs[@]}" 2>&1 |
	grep -v 'unsandboxed as root' || true)
for p in "$@"; do
	deb=$(ls "$dir/debs/${p}_"*"_$arch.deb" 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		echo "make-sysroot: $p:$arch was not downloaded" >&2
		exit 1
	fi
	dpkg -x "$deb" "$dir"
done

libdir=$dir/usr/lib/$triplet
for a in "$libdir"/*.a; do
	[ -e "$a" ] || continue
	ln -sf "../usr/lib/$triplet/$(basename "$a")" "$dir/static/"
done
echo "make-sysroot: $dir: $# packages for $arch;" \
	"static: $(cd "$dir/static" && echo *.a)"
