# shellcheck shell=bash
# shellcheck disable=SC2154 # me, limit, work: the caller's
# Sourced by the tests that boot the L1 image and read back what its
# payload printed (tests/vm/*.sh) and by scripts/demo-vm.sh.  The caller
# has set `me` (its name), `limit` (the L1 boot's hard timeout) and `work`
# (a private directory); what goes into L1 is under $work/add (its
# payload: $work/add/payload/run.sh, its guest's files: $work/guest).
# The payload's own helpers are tests/vm/lib_payload.sh.

# vm_dtb DTS DTB: a system description compiled for L1, which has no dtc
# (compiled as sdvf compiles it).
vm_dtb() {
	dtc -q -I dts -O dtb -E no-name_properties -o "$2" "$1"
}

# vm_guest_init FILE ADDR/N: the first part of a guest /init, written to
# FILE (executable), for the caller to append its own: busybox's applets,
# /proc and /dev, "SDVF-GUEST-UP uptime=S", the virtio-net modules,
# "SDVF-GUEST-MODULES", IPv6 off (nothing sent that the test did not ask
# for), lo and eth0 up with ADDR/N, "SDVF-GUEST-NET-UP".
vm_guest_init() {
	cat >"$1" <<GUEST
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
read up idle </proc/uptime
echo "SDVF-GUEST-UP uptime=\$up"
for m in virtio_mmio failover net_failover virtio_net; do
	insmod /lib/modules/\$m.ko || echo "SDVF-GUEST: insmod \$m failed"
done
echo "SDVF-GUEST-MODULES"
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
	[ -e "\$f" ] && echo 1 >"\$f"
done
ip link set lo up
ip addr add $2 dev eth0
ip link set eth0 up
echo "SDVF-GUEST-NET-UP"
GUEST
	chmod 755 "$1"
}

# vm_payload_files: the guest's files ($work/guest) as
# payload/guest-extra.cpio (the payload's guest_initrd appends it to the
# image's) and the payload's helpers as payload/lib.sh.
vm_payload_files() {
	python3 scripts/mkcpio.py "$work/guest" "$work/add/payload/guest-extra.cpio"
	cp tests/vm/lib_payload.sh "$work/add/payload/lib.sh"
}

# vm_boot_payload: boot L1 with $work/add under $limit seconds, running
# /payload/run.sh; its console, CRs removed, goes to $work/cases.log,
# run-aarch64.sh's status to l1_rc, and a payload that did not exit 0
# counts as the first failure.
vm_boot_payload() {
	chmod 755 "$work/add/payload/run.sh"
	set +e
	scripts/run-aarch64.sh -t "$limit" -a "$work/add" \
		-l "$work/console.log" /payload/run.sh 2>"$work/run.err"
	l1_rc=$?
	set -e
	cat "$work/run.err"
	tr -d '\r' <"$work/console.log" >"$work/cases.log"
	failures=0
	[ $l1_rc -eq 0 ] || {
		echo "$me: FAIL: L1 payload exit $l1_rc"
		failures=1
	}
}

# expect PATTERN WHY: a failure, named by WHY, unless a line of
# $work/cases.log matches the extended regular expression PATTERN.
expect() {
	if ! grep -qE "$1" "$work/cases.log"; then
		echo "$me: FAIL: $2 (no line matching '$1')"
		failures=$((failures + 1))
	fi
}
