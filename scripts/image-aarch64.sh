#!/usr/bin/env bash
# Usage: image-aarch64.sh OUT CROSS_BIN PROGRAM...
#   (a PROGRAM written guest:PATH goes to the guest's /bin instead of L1's)
#
# Build the aarch64 system image (docs/vmm.md) into OUT (build-aarch64/):
#   OUT/Image       Debian's arm64 kernel (a raw Image with KVM built in)
#   OUT/guest.cpio  the nested guest's initramfs: busybox, an /init that
#                   prints SDVF-GUEST-UP and SDVF-GUEST-CPUS=N, powers off (sdvf.hostile and
#                   sdvf.hang on its command line: see the /init below)
#   OUT/l1.cpio     the L1 initramfs: busybox, the network modules, an /init
#                   that runs the payload named by sdvf.run= on the kernel
#                   command line, our aarch64 PROGRAMs (paths below
#                   CROSS_BIN) under /sdvf/bin, and Image + guest.cpio under
#                   /images
# The packages are fetched by name at pinned versions into OUT/debs once; a
# second run needs no network.  Installing qemu-system-arm and adding the
# arm64 dpkg architecture are `make deps-aarch64` (scripts/deps-aarch64.sh).
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 OUT CROSS_BIN PROGRAM..." >&2
	exit 2
fi
out=$1
cross_bin=$2
shift 2
programs="$*"
here=$(cd "$(dirname "$0")" && pwd)

# Pinned: a new kernel version is a deliberate change here (and of KVER).
KVER=6.1.0-50-arm64
KERNEL_PKG=linux-image-$KVER:arm64=6.1.176-1
BUSYBOX_PKG=busybox-static:arm64=1:1.35.0-4+deb12u1+b1
# In insmod order; each module's depends= must name only earlier ones.
MODULES="virtio_mmio failover net_failover virtio_net tun"
GUEST_MODULES="virtio_mmio failover net_failover virtio_net"

debs=${SDVF_IMAGE_DEBS:-$out/debs}
mkdir -p "$out" "$debs"
fetch() { # PKG:ARCH=VERSION -> the .deb in $debs
	local name=${1%%:*} ver=${1#*=}
	local file="$debs/${name}_${ver/:/%3a}_arm64.deb"
	if [ ! -f "$file" ]; then
		(cd "$debs" && apt-get download -q "$1" 2>&1 |
			grep -v 'unsandboxed as root' >&2 || true)
	fi
	if [ ! -f "$file" ]; then
		echo "image-aarch64: $1 was not downloaded (run make deps-aarch64)" >&2
		exit 1
	fi
	echo "$file"
}
kernel_deb=$(fetch "$KERNEL_PKG")
busybox_deb=$(fetch "$BUSYBOX_PKG")

# A private scratch tree: two runs at once must not share one.
x=$(mktemp -d "$out/extract.XXXXXX")
trap 'rm -rf "$x"' EXIT
dpkg -x "$kernel_deb" "$x/kernel"
dpkg -x "$busybox_deb" "$x/busybox"
cp "$x/kernel/boot/vmlinuz-$KVER" "$x/Image"
mv "$x/Image" "$out/Image"

# A tree with busybox and the mount points every /init here needs.
base_tree() {
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp"
	cp "$x/busybox/bin/busybox" "$1/bin/busybox"
}

# PATH below CROSS_BIN -> the built program, or stop naming it.
program() {
	if [ ! -x "$cross_bin/$1" ]; then
		echo "image-aarch64: $cross_bin/$1 missing (make image-aarch64 builds it)" >&2
		exit 1
	fi
	echo "$cross_bin/$1"
}

# Where a dynamic program's libraries come from: the cross sysroot (arm64
# packages such as liblwip, whose Debian package has no static archive)
# and the cross toolchain's libc.
LIB_DIRS="${CROSS_SYSROOT:-build-cross/sysroot}/usr/lib/aarch64-linux-gnu
${CROSS_SYSROOT:-build-cross/sysroot}/lib/aarch64-linux-gnu
/usr/aarch64-linux-gnu/lib"

# with_libs ROOT ELF: copy ELF's program interpreter and every shared
# library it needs, transitively, into ROOT (/lib and /lib/aarch64-linux-gnu,
# the loader's default paths).  A static ELF needs nothing; a library has
# no interpreter but may need other libraries.
with_libs() {
	local root=$1 elf=$2 interp lib dir found
	interp=$(aarch64-linux-gnu-readelf -l "$elf" |
		sed -n 's/.*program interpreter: \(.*\)]/\1/p')
	mkdir -p "$root/lib/aarch64-linux-gnu"
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		cp -L "/usr/aarch64-linux-gnu/lib/$(basename "$interp")" "$root$interp"
	fi
	for lib in $(aarch64-linux-gnu-readelf -d "$elf" |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$root/lib/aarch64-linux-gnu/$lib" ] && continue
		found=
		for dir in $LIB_DIRS; do
			if [ -e "$dir/$lib" ]; then
				found=$dir/$lib
				break
			fi
		done
		if [ -z "$found" ]; then
			echo "image-aarch64: $elf needs $lib, found in none of:" $LIB_DIRS >&2
			exit 1
		fi
		cp -L "$found" "$root/lib/aarch64-linux-gnu/$lib"
		with_libs "$root" "$found"
	done
}

# ---- the nested guest's initramfs ----------------------------------------
g=$x/guest
base_tree "$g"
for p in $programs; do
	case $p in guest:*)
		cp "$(program "${p#guest:}")" "$g/bin/"
		with_libs "$g" "$(program "${p#guest:}")"
		;;
	esac
done
# The guest's virtio-net driver, loaded by sdvf.net (same order as L1's).
mkdir -p "$g/lib/modules"
for m in $GUEST_MODULES; do
	cp "$(find "$x/kernel/lib/modules/$KVER" -name "$m.ko" | head -n 1)" \
		"$g/lib/modules/"
done
cat >"$g/init" <<'EOF'
#!/bin/busybox sh
# Guest /init (scripts/image-aarch64.sh). Kernel command line words:
#   sdvf.hostile  poke the VMM: MMIO outside any device, writes to the
#                 PL011's read-only registers (needs iomem=relaxed: the
#                 UART belongs to its driver), an ldp KVM cannot decode
#                 (/bin/guest_poke, killed by SIGBUS: exit 135)
#   sdvf.hang     never power off (the VMM's --timeout must kill it)
#   sdvf.net      insmod the virtio-net modules, eth0 up with address
#                 sdvf.ip=A/N (default 10.0.2.2/24), print
#                 SDVF-GUEST-NET-UP, serve UDP echo on port 7777 until a
#                 "quit" datagram (/bin/udp_echo), then power off
#   sdvf.netpoke  with sdvf.net, before serving: garbage to the virtio-mmio
#                 registers (needs iomem=relaxed): a write to MagicValue,
#                 a byte write to Status, Status clearing bits, a config
#                 write, QueueNum while the queue is ready, a notification
#                 for queue 7: each refused and counted once by the VMM
#   sdvf.attack   without sdvf.net: drive the virtio-net device itself
#                 with hostile descriptors and register garbage
#                 (/bin/guest_hostile; needs iomem=relaxed), addresses
#                 sdvf.attack_ip=GUEST (10.0.3.2) and sdvf.attack_peer=L1
#                 (10.0.3.1); prints SDVF-GUEST-ATTACK-EXIT=N
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
read up idle </proc/uptime
echo "SDVF-GUEST-UP uptime=$up"
echo "SDVF-GUEST-CPUS=$(/bin/busybox grep -c ^processor /proc/cpuinfo)"
cmdline=$(/bin/busybox cat /proc/cmdline)
case " $cmdline " in *" sdvf.hostile "*)
	/bin/busybox devmem 0x0c000000 32 0xdeadbeef
	/bin/busybox devmem 0x0c000000 32 >/dev/null
	/bin/busybox devmem 0x09000018 32 0xffffffff
	/bin/busybox devmem 0x09000fe0 32 0x1
	/bin/guest_poke
	echo "SDVF-GUEST-POKE-EXIT=$?"
	echo "SDVF-GUEST-HOSTILE-DONE"
	;;
esac
case " $cmdline " in *" sdvf.attack "*)
	aip=10.0.3.2
	apeer=10.0.3.1
	for w in $cmdline; do
		case $w in
		sdvf.attack_ip=*) aip=${w#sdvf.attack_ip=} ;;
		sdvf.attack_peer=*) apeer=${w#sdvf.attack_peer=} ;;
		esac
	done
	/bin/guest_hostile "$aip" "$apeer" 7777
	echo "SDVF-GUEST-ATTACK-EXIT=$?"
	;;
esac
case " $cmdline " in *" sdvf.net "*)
	for m in virtio_mmio failover net_failover virtio_net; do
		/bin/busybox insmod /lib/modules/$m.ko ||
			echo "SDVF-GUEST: insmod $m failed"
	done
	ip=10.0.2.2/24
	for w in $cmdline; do
		case $w in sdvf.ip=*) ip=${w#sdvf.ip=} ;; esac
	done
	/bin/busybox ip link set lo up
	/bin/busybox ip addr add "$ip" dev eth0
	/bin/busybox ip link set eth0 up
	echo "SDVF-GUEST-NET-UP ip=$ip"
	case " $cmdline " in *" sdvf.netpoke "*)
		/bin/busybox devmem 0x0a000000 32 0x12345678
		/bin/busybox devmem 0x0a000070 8 0x0
		/bin/busybox devmem 0x0a000070 32 0x1
		/bin/busybox devmem 0x0a000100 32 0xffffffff
		/bin/busybox devmem 0x0a000030 32 0x0
		/bin/busybox devmem 0x0a000038 32 0x3
		/bin/busybox devmem 0x0a000050 32 0x7
		echo "SDVF-GUEST-NETPOKE-DONE"
		;;
	esac
	/bin/udp_echo serve 7777
	echo "SDVF-GUEST-ECHO-EXIT=$?"
	;;
esac
case " $cmdline " in *" sdvf.hang "*)
	while :; do /bin/busybox sleep 3600; done
	;;
esac
/bin/busybox poweroff -f
EOF
chmod 755 "$g/init"
python3 "$here/mkcpio.py" "$g" "$out/guest.cpio"

# ---- variant: Debian's QEMU in L1 (SDVF_IMAGE_QEMU=1) ---------------------
# `make image-aarch64-qemu` (tests/bench/module.mk; bench-vm): L1 also holds
# Debian's qemu-system-aarch64 (/bin, its libraries by with_libs; no
# firmware: it boots the guest with -kernel) and the modules for vhost-net
# over a tap on a Linux bridge.  The packages, pinned, are every library the
# binary needs transitively (checked by with_libs, which stops on a missing
# one); a new QEMU version is a deliberate change of this list.
if [ "${SDVF_IMAGE_QEMU:-0}" = 1 ]; then
	MODULES="$MODULES llc stp bridge vhost_iotlb vhost tap vhost_net"
	QEMU_PKGS="qemu-system-arm=1:7.2+dfsg-7+deb12u18+b3
	libaio1=0.3.113-4 libblkid1=2.38.1-5+deb12u3 libbpf1=1:1.1.2-0+deb12u1
	libcapstone4=4.0.2-5 libdaxctl1=76.1-1 libelf1=0.188-2.1
	libfdt1=1.6.1-4+b1 libffi8=3.4.4-1 libfuse3-3=3.14.0-4
	libglib2.0-0=2.74.6-2+deb12u9 libgmp10=2:6.2.1+dfsg1-1.1
	libgnutls30=3.7.9-2+deb12u7 libhogweed6=3.8.1-2 libibverbs1=44.0-2
	libidn2-0=2.3.3-1+b1 libjpeg62-turbo=1:2.1.5-2 libkmod2=30+20221128-1
	liblzma5=5.4.1-1+deb12u2 libmount1=2.38.1-5+deb12u3 libndctl6=76.1-1
	libnettle8=3.8.1-2 libnl-3-200=3.7.0-0.2+b1
	libnl-route-3-200=3.7.0-0.2+b1 libnuma1=2.0.16-1 libp11-kit0=0.24.1-2
	libpcre2-8-0=10.42-1+deb12u2 libpixman-1-0=0.42.2-1
	libpmem1=1.12.1-2 libpng16-16=1.6.39-2+deb12u6 librdmacm1=44.0-2
	libsasl2-2=2.1.28+dfsg-10+deb12u1 libseccomp2=2.5.4-1+deb12u1
	libselinux1=3.4-1+b6 libslirp0=4.7.0-1 libssl3=3.0.22-1~deb12u2
	libtasn1-6=4.19.0-2+deb12u1 libudev1=252.39-1~deb12u2
	libunistring2=1.0-2 liburing2=2.3-3 libuuid1=2.38.1-5+deb12u3
	libvdeplug2=4.0.1-4 libzstd1=1.5.4+dfsg2-5+deb12u1
	zlib1g=1:1.2.13.dfsg-1+deb12u1"
	for p in $QEMU_PKGS; do
		dpkg -x "$(fetch "${p%%=*}:arm64=${p#*=}")" "$x/qemu"
	done
	LIB_DIRS="$x/qemu/usr/lib/aarch64-linux-gnu $x/qemu/lib/aarch64-linux-gnu
$LIB_DIRS"
fi
add_qemu() { # L1_ROOT: the binary and its libraries
	[ "${SDVF_IMAGE_QEMU:-0}" = 1 ] || return 0
	cp "$x/qemu/usr/bin/qemu-system-aarch64" "$1/bin/"
	with_libs "$1" "$1/bin/qemu-system-aarch64"
}

# ---- the L1 initramfs ----------------------------------------------------
l1=$x/l1
base_tree "$l1"
mkdir -p "$l1/lib/modules" "$l1/sdvf/bin" "$l1/images"
loaded=" "
for m in $MODULES; do
	ko=$(find "$x/kernel/lib/modules/$KVER" -name "$m.ko" | head -n 1)
	if [ -z "$ko" ]; then
		echo "image-aarch64: module $m not in $KERNEL_PKG" >&2
		exit 1
	fi
	deps=$(grep -ao 'depends=[a-z_0-9,-]*' "$ko" | head -n 1)
	for d in $(echo "${deps#depends=}" | tr , ' '); do
		case $loaded in *" $d "*) ;; *)
			echo "image-aarch64: $m needs $d, not loaded before it" >&2
			exit 1
			;;
		esac
	done
	loaded="$loaded$m "
	cp "$ko" "$l1/lib/modules/"
done
for p in $programs; do
	case $p in guest:*) ;; *)
		cp "$(program "$p")" "$l1/sdvf/bin/"
		with_libs "$l1" "$(program "$p")"
		;;
	esac
done
add_qemu "$l1"
cp "$out/Image" "$out/guest.cpio" "$l1/images/"
cat >"$l1/init" <<EOF
#!/bin/busybox sh
# L1 /init (scripts/image-aarch64.sh): mount, load modules, run the payload
# named by sdvf.run= on the kernel command line, print its exit status as
# SDVF-PAYLOAD-EXIT=N (scripts/run-aarch64.sh reads it), power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
read up idle </proc/uptime
echo "SDVF-L1-UP uptime=\$up"
for m in $MODULES; do
	insmod /lib/modules/\$m.ko || echo "SDVF-L1: insmod \$m failed"
done
export PATH=/sdvf/bin:/bin
run=\$(sed -n 's/.*sdvf\.run=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -z "\$run" ]; then
	echo "SDVF-L1: no sdvf.run= on the kernel command line"
	rc=127
elif [ ! -x "\$run" ]; then
	echo "SDVF-L1: payload \$run is not an executable file"
	rc=127
else
	"\$run"
	rc=\$?
fi
echo "SDVF-PAYLOAD-EXIT=\$rc"
poweroff -f
EOF
chmod 755 "$l1/init"
python3 "$here/mkcpio.py" "$l1" "$out/l1.cpio"
echo "image-aarch64: $out/Image $out/l1.cpio ($(du -m "$out/l1.cpio" | cut -f1) MiB)"
