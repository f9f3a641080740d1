#!/usr/bin/env bash
# A system with a VM client (component vmm, docs/system-description.md "A
# VM client") on any host, without KVM: `sdvf check` and `sdvf dump` of
# examples/vm-echo.dts work and show what the expander gave the VM (role
# vmm, the client contract in copy mode, its config), and two VMs of
# examples/vm-pair.dts are two client PDs; remap modes and an
# `ip` are refused with one line naming the node and the property; and off
# aarch64, `sdvf run` stops cleanly: the VM's PD refuses to start with its
# reason, the others run, the exit status is 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SDVF=$BUILD/sdvf
me=vm_describe
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SDVF_STATS_DIR=$work
failures=0
fail() {
	echo "$me: FAIL: $*"
	failures=$((failures + 1))
}
has() { # FILE PATTERN WHY
	grep -qE "$2" "$1" || fail "$3 (no line matching '$2' in $(basename "$1"))"
}

ex=examples/vm-echo.dts
"$SDVF" check "$ex" >"$work/check" 2>&1 || fail "check: exit $?"
has "$work/check" '^examples/vm-echo.dts: ok \(6 PDs, 24 regions, 9 channels\)$' \
	"check: ok"
"$SDVF" dump "$ex" >"$work/dump" 2>&1 || fail "dump: exit $?"
has "$work/dump" '^pd vm0 component=vmm role=vmm ' "dump: the VM is a VMM-role PD"
for m in 'rx_active region=net_vm0_rx_active rights=rw' \
	'rx_data region=net_vm0_rx_data rights=r$' \
	'tx_data region=net_vm0_tx_data rights=rw' \
	'tx_free region=net_vm0_tx_free rights=rw'; do
	has "$work/dump" "^pd-map vm0 $m" "dump: vm0 maps $m (copy mode)"
done
grep -q '^pd-map vm0 .*net_rx_dma' "$work/dump" &&
	fail "dump: vm0 maps the RX DMA region"
has "$work/dump" '^pd-channel vm0 rx channel=net_vm0_rx peer=net_rx_mux$' \
	"dump: vm0's rx channel"
has "$work/dump" '^pd-config vm0 mac=02:00:00:00:f0:03$' "dump: vm0's MAC"
has "$work/dump" '^pd-config vm0 kernel="/images/Image"$' "dump: vm0's kernel"
has "$work/dump" '^pd-config vm0 timeout=0 default$' "dump: vm0's defaults"

# Two VMs beside the native client (examples/vm-pair.dts): each its own
# PD, each its own client of the muxes.
"$SDVF" dump examples/vm-pair.dts >"$work/pair" 2>&1 || fail "pair: dump: exit $?"
for v in vm0 vm1; do
	has "$work/pair" "^pd $v component=vmm role=vmm " "pair: $v is a VMM PD"
	has "$work/pair" "^pd-map $v tx_data region=net_${v}_tx_data rights=rw" \
		"pair: $v has its own tx_data"
done

sed 's/weight = <1>;/weight = <1>; tx-mode = "remap";/' "$ex" >"$work/remap.dts"
if "$SDVF" check "$work/remap.dts" >"$work/remap" 2>&1; then
	fail "remap: check accepted a VM with tx-mode remap"
fi
has "$work/remap" "/subsystems/net/clients/vm0: property 'tx-mode': \"remap\", but PD 'vm0' runs a VM \(component vmm\): a VM client is copy mode only" \
	"remap: refused, naming node and property"
sed 's/weight = <1>;/weight = <1>; ip = [0a d7 00 03];/' "$ex" >"$work/ip.dts"
if "$SDVF" check "$work/ip.dts" >"$work/ip" 2>&1; then
	fail "ip: check accepted an ip for a VM"
fi
has "$work/ip" "/pds/vm0/config: property 'ip': unknown" \
	"ip: refused (the guest sets its own address)"

if [ "$(uname -m)" != aarch64 ]; then
	sed -e 's/wire = "tap";/wire = "loopback";/' -e '/tap-name/d' "$ex" \
		>"$work/loop.dts"
	set +e
	timeout 60 "$SDVF" run "$work/loop.dts" --duration 1 >"$work/run" 2>&1
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "run: exit $rc, expected 1"
	has "$work/run" '^\[vm0\] error: component vmm runs guests on arm64 KVM only: this sdvf is not built for aarch64' \
		"run: the VM's PD says why it cannot start"
	has "$work/run" "^sdvf: pd 'vm0' \(pid [0-9]+\) exited with status 71$" \
		"run: the VM's PD exits with the init status"
	has "$work/run" '^  echo +[0-9]+ .* stopped$' "run: the native client ran on"
fi
if [ $failures -ne 0 ]; then
	cat "$work"/run 2>/dev/null | tail -n 20
	exit 1
fi
echo "$me: ok"
