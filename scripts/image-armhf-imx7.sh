#!/usr/bin/env bash
# Usage: image-armhf-imx7.sh sysroot OUT
#        image-armhf-imx7.sh image OUT CROSS_BIN PROGRAM...
#
# The armhf i.MX7 image of docs/enet.md ("Hardware validation: QEMU
# i.MX7"), for qemu-system-arm -M mcimx7d-sabre, built into OUT
# (build-imx7/):
#   sysroot  OUT/sysroot: Debian's armhf libfdt, libseccomp and lwIP,
#            unpacked (not installed) for the cross build of sdvf
#   image    OUT/zImage         Debian's armhf armmp kernel
#            OUT/imx7d-sdb-uio.dtb  that package's imx7d-sdb.dtb with ENET1
#                               handed to uio_pdrv_genirq (below)
#            OUT/imx7.cpio      busybox, uio.ko, uio_pdrv_genirq.ko (built
#                               here, out of tree), an /init that runs the
#                               payload named by sdvf.run=, our armhf
#                               PROGRAMs (paths below CROSS_BIN) in /sdvf/bin
# Every package is pinned and fetched once into OUT/debs (the file names
# carry the versions); the module is cached under a name carrying the
# kernel's ABI and version: a second run needs no network.  The armhf
# package lists live in OUT/apt, a private apt state directory: the host's
# dpkg architectures and lists are not touched.  Needs
# gcc-arm-linux-gnueabihf and device-tree-compiler (`make deps-imx7`).
set -euo pipefail

if [ $# -lt 2 ]; then
	echo "usage: $0 sysroot OUT | image OUT CROSS_BIN PROGRAM..." >&2
	exit 2
fi
what=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

# Pinned: a new kernel is a deliberate change of all four lines (headers,
# kbuild and image must be the same build, or the module will not load).
KVER=6.1.0-50-armmp
KVERSION=6.1.176-1
BUSYBOX_VERSION=1:1.35.0-4+deb12u1+b1
SYSROOT_PKGS="libfdt-dev=1.6.1-4+b1 libfdt1=1.6.1-4+b1
libseccomp-dev=2.5.4-1+deb12u1 libseccomp2=2.5.4-1+deb12u1
liblwip-dev=2.1.3+dfsg1-2 liblwip0=2.1.3+dfsg1-2"
# The DMA window: UIO map1 of ENET1, carved out of the top of 512 MiB of
# RAM (qemu -m 512M: 0x80000000..0xa0000000) as no-map reserved memory.
# tests/vm/imx7_enet.sh's description uses the same numbers.
DMA_BASE=0x9f000000
DMA_SIZE=0x400000
ENET1=/soc/bus@30800000/ethernet@30be0000
ENET2=/soc/bus@30800000/ethernet@30bf0000

debs=${SDVF_IMAGE_DEBS:-$out/debs}
mkdir -p "$out" "$debs" "$out/apt/lists/partial" "$out/apt/cache/archives/partial"
apt_opts=(-o "Dir::State::Lists=$(realpath "$out/apt/lists")"
	-o "Dir::Cache=$(realpath "$out/apt/cache")"
	-o APT::Architecture=armhf -o APT::Architectures::=armhf)

# fetch NAME ARCH VERSION -> the .deb in $debs (armhf and all from the
# private lists, amd64 from the host's own)
fetch() {
	local name=$1 arch=$2 ver=$3 opts=()
	local file="$debs/${name}_${ver/:/%3a}_$arch.deb"
	if [ ! -f "$file" ]; then
		if [ "$arch" != amd64 ]; then
			opts=("${apt_opts[@]}")
			if [ ! -e "$out/apt/lists/.updated" ]; then
				apt-get "${opts[@]}" update -q >&2
				touch "$out/apt/lists/.updated"
			fi
		fi
		(cd "$debs" && apt-get "${opts[@]}" download -q \
			"$name:$arch=$ver" 2>&1 |
			grep -v 'unsandboxed as root' >&2 || true)
	fi
	if [ ! -f "$file" ]; then
		echo "image-imx7: $name:$arch=$ver was not downloaded" >&2
		exit 1
	fi
	echo "$file"
}

x=$(mktemp -d "$(realpath "$out")/extract.XXXXXX")
trap 'rm -rf "$x"' EXIT

if [ "$what" = sysroot ]; then
	rm -rf "$out/sysroot"
	mkdir -p "$out/sysroot/static"
	for p in $SYSROOT_PKGS; do
		deb=$(fetch "${p%%=*}" armhf "${p#*=}")
		dpkg -x "$deb" "$out/sysroot"
	done
	lib=$out/sysroot/usr/lib/arm-linux-gnueabihf
	for a in "$lib"/*.a; do
		ln -sf "../usr/lib/arm-linux-gnueabihf/$(basename "$a")" \
			"$out/sysroot/static/"
	done
	echo "image-imx7: $out/sysroot"
	exit 0
fi
[ "$what" = image ] || {
	echo "image-imx7: unknown step '$what' (sysroot, image)" >&2
	exit 2
}
cross_bin=$1
shift
programs="$*"
# Up to date: the image is newer than this script and every program.
fresh=1
for f in "$0" $(for p in $programs; do echo "$cross_bin/$p"; done); do
	[ "$out/imx7.cpio" -nt "$f" ] || fresh=0
done
if [ $fresh = 1 ] && [ -f "$out/zImage" ] && [ -f "$out/imx7d-sdb-uio.dtb" ]; then
	echo "image-imx7: $out/imx7.cpio is up to date"
	exit 0
fi

# ---- the kernel, its dtb, and uio_pdrv_genirq ----------------------------
deb=$(fetch "linux-image-$KVER" armhf "$KVERSION")
dpkg -x "$deb" "$x/kernel"
cp "$x/kernel/boot/vmlinuz-$KVER" "$out/zImage"

# Debian's armmp kernel has CONFIG_UIO=m but not uio_pdrv_genirq: build
# that one file out of tree against the headers of exactly this ABI.  The
# headers' kbuild programs (fixdep, modpost) must run here, so they come
# from the amd64 linux-kbuild of the same version.  modpost of amd64 was
# built with amd64's device-table offsets and refuses the 32-bit
# of_device_id table: the module is loaded by hand with of_id= (no alias
# needed), so MODULE_DEVICE_TABLE is dropped.
ko=$out/uio_pdrv_genirq-$KVER-$KVERSION.ko
if [ ! -f "$ko" ]; then
	k=$x/kbuild
	for deb in "linux-headers-$KVER armhf" "linux-headers-${KVER%-armmp}-common all" \
		"linux-kbuild-6.1 amd64" "linux-source-6.1 all"; do
		set -- $deb
		deb=$(fetch "$1" "$2" "$KVERSION")
		dpkg -x "$deb" "$k"
	done
	hdr=$k/usr/src/linux-headers-$KVER
	sed -i "s|/usr/src/|$k/usr/src/|" "$hdr/Makefile"
	mkdir -p "$k/mod"
	tar -xJf "$k/usr/src/linux-source-6.1.tar.xz" -C "$k" \
		linux-source-6.1/drivers/uio/uio_pdrv_genirq.c
	sed '/MODULE_DEVICE_TABLE(of, uio_of_genirq_match)/d' \
		"$k/linux-source-6.1/drivers/uio/uio_pdrv_genirq.c" \
		>"$k/mod/uio_pdrv_genirq.c"
	echo 'obj-m := uio_pdrv_genirq.o' >"$k/mod/Kbuild"
	make -s -C "$hdr" M="$k/mod" ARCH=arm \
		CROSS_COMPILE=arm-linux-gnueabihf- DEB_BUILD_ARCH=amd64 \
		DEB_HOST_ARCH=armhf DEB_HOST_GNU_TYPE=arm-linux-gnueabihf \
		modules >&2
	grep -aq "vermagic=${KVER%-armmp}" "$k/mod/uio_pdrv_genirq.ko" || {
		echo "image-imx7: uio_pdrv_genirq.ko has another vermagic" >&2
		exit 1
	}
	cp "$k/mod/uio_pdrv_genirq.ko" "$ko"
fi

# ENET1 for UIO: compatible generic-uio (uio_pdrv_genirq of_id=), reg 0
# its registers (map0), reg 1 the DMA window (map1, reserved no-map so
# Linux never uses it), its interrupt GIC SPI 118, the line QEMU raises
# for ENET1 (QEMU raises 118 and 121; silicon uses 120 for ring 0).  ENET2
# is disabled: its PHY sits on ENET1's MDIO bus, which no kernel driver
# owns now.
dtb=$x/imx7d-sdb-uio.dtb
cp "$x/kernel/usr/lib/linux-image-$KVER/imx7d-sdb.dtb" "$dtb"
fdtput -t s "$dtb" "$ENET1" compatible generic-uio
fdtput -t x "$dtb" "$ENET1" reg 30be0000 10000 "${DMA_BASE#0x}" "${DMA_SIZE#0x}"
fdtput -t x "$dtb" "$ENET1" interrupts 0 76 4
fdtput -d "$dtb" "$ENET1" interrupt-names
fdtput -t s "$dtb" "$ENET2" status disabled
fdtput -c "$dtb" /reserved-memory
fdtput -t x "$dtb" /reserved-memory '#address-cells' 1
fdtput -t x "$dtb" /reserved-memory '#size-cells' 1
fdtput -t x "$dtb" /reserved-memory ranges
fdtput -c "$dtb" "/reserved-memory/sdvf-dma@${DMA_BASE#0x}"
fdtput -t x "$dtb" "/reserved-memory/sdvf-dma@${DMA_BASE#0x}" reg \
	"${DMA_BASE#0x}" "${DMA_SIZE#0x}"
fdtput -t x "$dtb" "/reserved-memory/sdvf-dma@${DMA_BASE#0x}" no-map
mv "$dtb" "$out/imx7d-sdb-uio.dtb"

# ---- the initramfs -------------------------------------------------------
r=$x/root
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/lib/modules" \
	"$r/sdvf/bin"
deb=$(fetch busybox-static armhf "$BUSYBOX_VERSION")
dpkg -x "$deb" "$x/busybox"
cp "$x/busybox/bin/busybox" "$r/bin/busybox"
cp "$(find "$x/kernel/lib/modules/$KVER" -name uio.ko)" "$r/lib/modules/"
cp "$ko" "$r/lib/modules/uio_pdrv_genirq.ko"

# with_libs ELF: its loader and shared libraries (sdvf links Debian's
# liblwip, a shared object only), from the sysroot and the cross libc.
with_libs() {
	local elf=$1 lib dir found
	local dirs="$out/sysroot/usr/lib/arm-linux-gnueabihf /usr/arm-linux-gnueabihf/lib"
	mkdir -p "$r/lib/arm-linux-gnueabihf"
	if arm-linux-gnueabihf-readelf -l "$elf" | grep -q 'program interpreter'; then
		cp -L /usr/arm-linux-gnueabihf/lib/ld-linux-armhf.so.3 "$r/lib/"
	fi
	for lib in $(arm-linux-gnueabihf-readelf -d "$elf" |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$r/lib/arm-linux-gnueabihf/$lib" ] && continue
		found=
		for dir in $dirs; do
			[ -e "$dir/$lib" ] && found=$dir/$lib && break
		done
		if [ -z "$found" ]; then
			echo "image-imx7: $elf needs $lib, found in none of: $dirs" >&2
			exit 1
		fi
		cp -L "$found" "$r/lib/arm-linux-gnueabihf/$lib"
		with_libs "$found"
	done
}
for p in $programs; do
	if [ ! -x "$cross_bin/$p" ]; then
		echo "image-imx7: $cross_bin/$p missing (make image-imx7 builds it)" >&2
		exit 1
	fi
	cp "$cross_bin/$p" "$r/sdvf/bin/"
	with_libs "$cross_bin/$p"
done
cat >"$r/init" <<'EOF'
#!/bin/busybox sh
# /init (scripts/image-armhf-imx7.sh): mount, load uio and
# uio_pdrv_genirq for ENET1, run the payload named by sdvf.run= on the
# kernel command line, print SDVF-PAYLOAD-EXIT=N, power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
read up idle </proc/uptime
echo "SDVF-IMX7-UP uptime=$up"
insmod /lib/modules/uio.ko
insmod /lib/modules/uio_pdrv_genirq.ko of_id=generic-uio
export PATH=/sdvf/bin:/bin
run=$(sed -n 's/.*sdvf\.run=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -z "$run" ]; then
	echo "SDVF-IMX7: no sdvf.run= on the kernel command line"
	rc=127
elif [ ! -x "$run" ]; then
	echo "SDVF-IMX7: payload $run is not an executable file"
	rc=127
else
	"$run"
	rc=$?
fi
echo "SDVF-PAYLOAD-EXIT=$rc"
poweroff -f
EOF
chmod 755 "$r/init"
python3 "$here/mkcpio.py" "$r" "$out/imx7.cpio"
echo "image-imx7: $out/zImage $out/imx7d-sdb-uio.dtb $out/imx7.cpio" \
	"($(du -k "$out/imx7.cpio" | cut -f1) KiB)"
