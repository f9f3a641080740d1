#!/usr/bin/env bash
# Attack 11 of issue 12 inside the muxes' system, as a row of
# docs/isolation.md's attack table: a hostile guest under a VMM PD, beside
# two honest flows of native clients and an honest guest under a second
# VMM PD, in one L1 boot.
#
# The system (L1, hosted runtime, loopback wire, policy drr) is the attack
# table's (tests/isolation/test_attack_table.sh) with the VMM as evil:
#   a_src -> a_sink  bench source and sink, copy both ways
#   b_src -> b_sink  bench source (TX remap) and sink (RX remap)
#   evil             component vmm: a guest booted with the image's /init
#                    and `iomem=relaxed sdvf.attack sdvf.attack_ip=
#                    10.216.0.3 sdvf.attack_peer=10.216.0.1`, which runs
#                    tests/vm/guest_hostile (28 attacks on its virtio-net
#                    device: hostile descriptors, register garbage; each
#                    followed by a reset and an ARP exchange that must work)
#   peer             bench reflect at 10.216.0.1: answers the guests' ARP
#                    and reflects their UDP (the merge_overflow attack; the
#                    honest guest's flow)
#   good             component vmm: an honest Linux guest at 10.216.0.4
#                    (its virtio-net driver, this test's /good-init) that
#                    sends GOOD_PPS UDP datagrams a second to peer and
#                    checks every answer (tests/vm/udp_echo stream: each
#                    the next in sequence, byte for byte what was sent)
# (The honest guest shares the attacker's peer: a mux serves at most 7
# clients, 24 maps a PD.)  The honest guest's flow starts before the
# baseline window and ends after the attack: the payload stops peer
# (SIGSTOP), the guest sees no answer for GOOD_QUIET s and stops sending,
# peer is let go (SIGCONT) and answers what waited for it (at most
# GOOD_PPS x GOOD_QUIET of its 256 RX buffers; GOOD_QUIET is longer than
# the stalls seen under load, 13.6 s); the guest then prints its
# totals.
# The hostile guest is held (its VMM PD stopped with SIGSTOP from its
# start) until the baseline window is over, then boots and sleeps
# GUEST_QUIET s (its rdinit, this test's, then execs the image's /init)
# before its attacks: its boot is in neither window.  Each
# honest source sends RATE frames a second (paced, bursts of 8, a be64
# sequence and a checksum its sink checks) until the end, when both
# sources are stopped (SIGSTOP) and the system left to come to rest.
# Windows: a baseline of WINDOW s before the attack and the whole attack
# (guest_hostile's first line to its last).  Asserted, as for the table's
# rows:
#   - honest loss: each sink received every frame its source sent, no
#     sequence gap, no bad checksum, nothing refused, dropped or held for
#     an honest client (good too) by either mux; the honest
#     guest got every datagram back, in order and unaltered;
#   - honest throughput: per flow, the share of what its source sent in a
#     window that its sink received in it, attack window within 10% of the
#     baseline window; for the honest guest, the frames delivered to it
#     over those it sent (vm.rx_frames / vm.tx_frames: its round trips);
#   - trusted PDs (net_nic, net_driver, net_rx_mux, net_tx_mux) running,
#     one start each, stopped cleanly;
#   - the attack was stopped and counted: every attack reported with the
#     device's answer, every transfer after one good, the VMM's violations
#     counted exactly (docs/vmm.md, "Hostile guests"), its PD exited 0 at
#     the guest's power-off, none of its TX frames left at the TX mux;
#   - the honest guest's VMM PD counted no violation and exited 0 at its
#     guest's power-off;
#   - buffers conserved at rest (RX DMA buffers at the driver, none in the
#     mux, the TX pool whole).
# Prints the table row; ATTACK_ROW_OUT=FILE also writes it (and a note
# line) there for `make isolation` (tests/isolation/module.mk), which puts
# it into the table.
# About 1.5-7 minutes here with the honest guest (95 s at host load 1-6,
# 127 s at 3-8, 399 s at 4-9; before it, with the hostile guest alone,
# 146-510 s at 8-14; TCG slows with the host's load).  Each step of the
# payload has its own time from the step before (a slow L1 moves the later
# steps rather than failing them; once in CI the honest guest had not
# begun its flow 380 s into the system), and a step that waits for a guest
# fails early if that guest's vCPU threads use no CPU for 60 s (stuck, not
# slow); a failing step prints diag: lines (L1's load and processes, the
# VMMs' vm.* counters, the consoles' tails).  Hard timeout for the L1 boot:
# SDVF_VM_BOOT_TIMEOUT (default 870 s, inside tests/run.sh's 900 s; the
# VMMs' own timeouts follow it).  VM_ATTACK_LOG=FILE keeps the
# console log of a failed run; VM_ATTACK_REPLAY=FILE checks such a log
# instead of booting.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/vm/lib_vm.sh
. tests/vm/lib_vm.sh
me=vm_attack_guest
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
limit=${SDVF_VM_BOOT_TIMEOUT:-870}
evil_timeout=$((limit - 60)) # the VMMs' own, from their start
good_timeout=$((limit - 30))
RATE=100
WINDOW=10
GUEST_QUIET=5
GOOD_PPS=10
GOOD_QUIET=20

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload" "$work/guest" "$work/snaps"
[ -n "${VM_ATTACK_REPLAY:-}" ] || make -s image-aarch64 >/dev/null

cat >"$work/attack-guest.dts" <<DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	name = "attack-guest";
	pds {
		a_src { component = "bench"; config { bench_mode = "source";
			src_dst_mac = [02 00 00 00 ed 03]; src_len = <200>;
			src_pps = <$RATE>; src_burst = <8>; }; };
		a_sink { component = "bench"; config { bench_mode = "sink"; }; };
		b_src { component = "bench"; config { bench_mode = "source";
			src_dst_mac = [02 00 00 00 ed 05]; src_len = <1000>;
			src_pps = <$RATE>; src_burst = <8>; }; };
		b_sink { component = "bench"; config { bench_mode = "sink"; }; };
		evil { component = "vmm";
			config {
				kernel = "/images/Image";
				initrd = "/tmp/ag-guest.cpio";
				mem = <256>;
				cpus = <1>;
				bootargs = "console=ttyAMA0 quiet rdinit=/quiet-init iomem=relaxed sdvf.attack sdvf.attack_ip=10.216.0.3 sdvf.attack_peer=10.216.0.1";
				console = "/tmp/evil.console";
				timeout = <$evil_timeout>;
			};
		};
		peer { component = "bench"; config { bench_mode = "reflect";
			prefix_len = <24>; }; };
		good { component = "vmm";
			config {
				kernel = "/images/Image";
				initrd = "/tmp/ag-guest.cpio";
				mem = <256>;
				cpus = <1>;
				bootargs = "console=ttyAMA0 quiet rdinit=/good-init";
				console = "/tmp/good.console";
				timeout = <$good_timeout>;
			};
		};
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			policy = "drr";
			nic { wire = "loopback"; mem-depth = <1024>; rx-ring = <512>;
			      mac = [02 00 00 00 ed 01]; };
			clients {
				a_src { mac = [02 00 00 00 ed 02]; broadcast = <0>; };
				a_sink { mac = [02 00 00 00 ed 03]; broadcast = <0>; };
				b_src { mac = [02 00 00 00 ed 04]; tx-mode = "remap";
					trusted-source-mac; broadcast = <0>; };
				b_sink { mac = [02 00 00 00 ed 05]; rx-mode = "remap";
					broadcast = <0>; };
				evil { mac = [02 00 00 00 ed 06];
					rx-buffers = <256>; tx-buffers = <256>; };
				peer { mac = [02 00 00 00 ed 07];
					ip = [0a d8 00 01]; };	/* 10.216.0.1 */
				good { mac = [02 00 00 00 ed 08]; broadcast = <0>; };
			};
		};
	};
};
DTS
vm_dtb "$work/attack-guest.dts" "$work/add/payload/attack-guest.dtb"

# The guest's rdinit: quiet first, then the image's /init as it is.
cat >"$work/guest/quiet-init" <<GUEST
#!/bin/busybox sh
echo "SDVF-GUEST-QUIET $GUEST_QUIET"
/bin/busybox sleep $GUEST_QUIET
exec /init
GUEST
chmod 755 "$work/guest/quiet-init"
# The honest guest's: its flow until peer falls quiet (the end).
vm_guest_init "$work/guest/good-init" 10.216.0.4/24
cat >>"$work/guest/good-init" <<GUEST
# The end stops peer for GOOD_QUIET s while the guest still sends: its
# entry for peer must not go stale then (15-45 s after the last reply),
# or the unanswered ARP probes fail it and the kernel drops the datagrams
# it held (seen once: 124 lost, none of them ever reached the VMM).
echo 600000 >/proc/sys/net/ipv4/neigh/eth0/base_reachable_time_ms
udp_echo stream 10.216.0.1 7777 $GOOD_PPS $GOOD_QUIET
echo "SDVF-GUEST-STREAM-EXIT=\$?"
# Datagrams the guest's kernel dropped at a full socket: past sdvf.
awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[\$i] = i; h = 1 }
	else print "SDVF-GUEST-UDP RcvbufErrors " \$c["RcvbufErrors"] }' /proc/net/snmp
sleep 5 # while L1 reads sdvf stats
poweroff -f
GUEST
vm_payload_files

cat >"$work/add/payload/run.sh" <<PAYLOAD
#!/bin/sh
# In L1: the system, its windows, its end at rest; every snapshot and log
# printed at the end (printing while it runs would move the windows).
RATE=$RATE
WINDOW=$WINDOW
GOOD_QUIET=$GOOD_QUIET
PAYLOAD
cat >>"$work/add/payload/run.sh" <<'PAYLOAD'
. /payload/lib.sh
me=attack-guest
guest_initrd /tmp/ag-guest.cpio
mkdir -p /tmp/stats
export SDVF_STATS_DIR=/tmp/stats
: >/tmp/evil.console
: >/tmp/good.console
: >/tmp/snaps
sdvf run /payload/attack-guest.dtb >/tmp/sdvf.log 2>&1 &
run=$!
has_rx() { v=$(counter "$1" bench.rx_frames); [ -n "$v" ] && [ "$v" -ge "$2" ]; }
finish() {
	[ "$1" = 0 ] || diag /tmp/evil.console /tmp/good.console
	kill -CONT $a_pid $b_pid $g_pid $e_pid 2>/dev/null
	if kill -0 $run 2>/dev/null; then
		kill -INT $run
		wait $run
		echo "attack-guest: sdvf exit=$?"
	fi
	cat /tmp/snaps
	for f in base0 base1 att0 att1 end; do
		[ -f /tmp/$f.kv ] && sed "s/^/kv $f /" /tmp/$f.kv
	done
	sed 's/^/log: /' /tmp/sdvf.log
	sed 's/^/guest: /' /tmp/evil.console
	sed 's/^/good: /' /tmp/good.console
	exit $1
}
a_pid=
b_pid=
g_pid=
e_pid=
# The hostile guest is held (its VMM PD stopped) until the baseline window
# is over: the honest guest's boot takes 30-100 s under load, and a
# booting guest loads L1's CPUs as no attack does.
# (Its pid reads 0 until the PD runs: `kill -STOP 0` would stop this
# payload's own process group.)
has_pid() { e_pid=$(counter evil sdvf.pid) && [ "${e_pid:-0}" -gt 0 ]; }
until_for 60 has_pid || finish 1
kill -STOP $e_pid
echo "attack-guest: evil held at L1 uptime $(now)"
ok=0
until_for 300 has_rx a_sink $((RATE / 2)) && until_for 300 has_rx b_sink $((RATE / 2)) || ok=1
[ $ok = 0 ] || finish 1
# The baseline: the honest guest's flow has begun (its boot over), the
# hostile guest held.
until_guest 600 good seen '^udp_echo: streaming' /tmp/good.console || finish 1
sleep 2
snap base0
sleep $WINDOW
snap base1
kill -CONT $e_pid
echo "attack-guest: baseline over, evil let go at L1 uptime $(now)"
# The attack window starts at its first line: the hostile guest's boot
# and quiet GUEST_QUIET s are in neither window.
if seen 'HOSTILE start' /tmp/evil.console; then
	echo "attack-guest: the attack began inside the baseline window"
	finish 1
fi
until_guest 400 evil seen '^HOSTILE start' /tmp/evil.console || finish 1
snap att0
until_guest 600 evil seen '^HOSTILE-DONE' /tmp/evil.console || finish 1
snap att1
until_for 60 ended evil || finish 1
# At rest: the sources stop (mid-run frames drain), the honest guest's
# flow ends (peer stopped until the guest has stopped sending, then
# its waiting datagrams answered), the system settles.
a_pid=$(counter a_src sdvf.pid)
b_pid=$(counter b_src sdvf.pid)
g_pid=$(counter peer sdvf.pid)
if seen '^udp_echo: quiet' /tmp/good.console; then
	echo "attack-guest: the honest guest's flow ended before the attack did"
	finish 1
fi
kill -STOP $a_pid $b_pid $g_pid
until_guest $((GOOD_QUIET + 70)) good seen '^udp_echo: quiet' /tmp/good.console || finish 1
kill -CONT $g_pid
until_guest 60 good seen '^SDVF-GUEST-STREAM-EXIT' /tmp/good.console || finish 1
sleep 1
snap end
until_for 60 ended good || finish 1
echo "attack-guest: L1 load $(cut -d' ' -f1-3 /proc/loadavg)"
finish 0
PAYLOAD
# VM_ATTACK_REPLAY=FILE: check a console log saved by VM_ATTACK_LOG
# instead of booting (for work on the checks).
if [ -n "${VM_ATTACK_REPLAY:-}" ]; then
	cp "$VM_ATTACK_REPLAY" "$work/cases.log"
	failures=0
else
	vm_boot_payload
fi

# ---- the host's side: the checks and the row -------------------------------
# shellcheck source=tests/isolation/lib_attack.sh
. tests/isolation/lib_attack.sh
WORK=$work/snaps
EVIL=4
NOT_HONEST=c5 # peer: the attacker's helper
log=$work/cases.log
fail_now() {
	echo "$me: FAIL: $*"
	grep -E '^(attack-guest|diag|snap|log: sdvf|log: \[(evil|good)\] sdvf-vmm|guest: (HOSTILE|SDVF)|good: (udp_echo|SDVF))' "$log" ||
		tail -n 80 "$log"
	[ -z "${VM_ATTACK_LOG:-}" ] || cp "$log" "$VM_ATTACK_LOG"
	exit 1
}
[ $failures -eq 0 ] || fail_now "the L1 payload did not finish"
for f in base0 base1 att0 att1 end; do
	sed -n "s/^kv $f //p" "$log" >"$WORK/$f.kv"
	[ -s "$WORK/$f.kv" ] || fail_now "no snapshot $f"
	awk -v f="$f" '$1 == "snap" && $2 == f { printf "%.0f\n", ($3 + $4) / 2 * 1e9 }' \
		"$log" >"$WORK/$f.t"
done
# The attack: every attack reported, every transfer after it good, the VMM
# PD alive until the guest's power-off, each violation counted.
# (The guest's expectations are docs/vmm.md's "Hostile guests" table.)
expect '^guest: HOSTILE-DONE attacks=28 transfers=30 ' "the hostile guest ran its attacks"
expect '^guest: SDVF-GUEST-ATTACK-EXIT=0$' "a well-formed transfer worked after every attack"
if grep -q '^guest: HOSTILE .*FAILED' "$log"; then
	echo "$me: FAIL: a transfer after an attack failed"
	failures=$((failures + 1))
fi
for a in loop long_chain bad_next bad_head below_ram past_ram \
	straddle_ram_end wrapping_addr huge_len avail_jump indirect_refused \
	indirect_nested indirect_next indirect_huge indirect_loop \
	rx_bad_order rx_straddle_ram_end; do
	expect "^guest: HOSTILE $a: needs_reset status=0x4f\$" \
		"$a: the device asks for a reset"
done
for a in tx_bad_lengths tx_write_flag rx_readable rx_zero_len; do
	expect "^guest: HOSTILE $a: served status=0xf\$" \
		"$a: bounced or dropped, the device stays live"
done
expect '^guest: HOSTILE renegotiate: transfer_ok_without_reset' \
	"renegotiation after DRIVER_OK refused, the device keeps working"
expect '^guest: HOSTILE merge_overflow: tx_used=1 rx_used=0 ' \
	"a merged frame takes at most num chains (test_virtio_hostile)"
expect "^log: sdvf: pd 'evil' \(pid [0-9]+\) exited with status 0\$" "the VMM PD exited 0"
if [ "$(kv end evil vm.bad_mmio)" != 1 ]; then
	echo "$me: FAIL: MMIO where no device is: vm.bad_mmio '$(kv end evil vm.bad_mmio)', want 1"
	failures=$((failures + 1))
fi
# Notifications of queues 0 and 1 go through ioeventfd and are counted
# when the VMM's main thread reads them: of the three bad ones two may
# merge or one find the device live by then, and one of the storm's 2000
# good ones may find it reset by then (bad_notify 2..6, violations 45..49;
# 6 and 49 seen here, where the VMM's main thread also serves the muxes).
expect '^log: \[evil\] sdvf-vmm: virtio-mmio: bad_width=3 bad_offset=3 bad_config=2 bad_status=3 features_refused=3 late_features=2 bad_queue_write=6 bad_notify=[2-6] needs_reset=17 ' \
	"register and status violations counted exactly"
expect '^log: \[evil\] sdvf-vmm: virtq: avail_jump=1 bad_head=2 bad_addr=6 chain_too_long=3 bad_order=1 indirect=4 bad_setup=3$' \
	"descriptor violations counted exactly"
expect '^log: \[evil\] sdvf-vmm: virtio-net: .* rx_too_small=[1-9][0-9]* .* tx_bad_chain=1 tx_bad_len=3 tx_send_failed=0 ' \
	"bad chains bounced, frames for useless RX chains dropped"
expect '^log: \[evil\] sdvf-vmm: virtio: queue_violations=20 .* violations=4[5-9]$' \
	"48 violations in all (45..49 by bad_notify alone)"
[ $failures -eq 0 ] || fail_now "the hostile guest's checks"
# The honest guest: every datagram back, in order and unaltered, through
# the whole attack (the payload stopped peer only after it); its VMM
# PD counted no violation and exited 0.
stream=$(sed -n 's/^good: udp_echo: stream: //p' "$log")
read -r gsent ganswered glost galtered gorder <<<"$(echo "$stream" |
	sed -n 's/^sent \([0-9]*\), answered \([0-9]*\), lost \([0-9]*\), altered \([0-9]*\), out of order \([0-9]*\),.*/\1 \2 \3 \4 \5/p')"
if [ -z "$gsent" ] || [ "$gsent" -eq 0 ] || [ "$ganswered" != "$gsent" ] ||
	[ "$glost" != 0 ] || [ "$galtered" != 0 ] || [ "$gorder" != 0 ]; then
	echo "$me: FAIL: the honest guest's flow: '$stream', want every datagram answered, none altered or out of order"
	failures=$((failures + 1))
fi
expect '^good: SDVF-GUEST-STREAM-EXIT=0$' "the honest guest's flow checked out"
expect "^log: sdvf: pd 'good' \(pid [0-9]+\) exited with status 0\$" "the honest guest's VMM PD exited 0"
expect '^log: \[good\] sdvf-vmm: virtio: .* violations=0$' "the honest guest's VMM counted no violation"
expect '^good: SDVF-GUEST-UDP RcvbufErrors 0$' "the honest guest's socket dropped nothing"
if [ "$(kv end good vm.rx_dropped)" != 0 ]; then
	echo "$me: FAIL: the honest guest's VMM dropped frames: vm.rx_dropped '$(kv end good vm.rx_dropped)', want 0"
	failures=$((failures + 1))
fi
if [ "$(kv end good vm.violations)" != 0 ]; then
	echo "$me: FAIL: the honest guest's vm.violations '$(kv end good vm.violations)', want 0"
	failures=$((failures + 1))
fi
[ $failures -eq 0 ] || fail_now "the honest guest's checks"
pd_state=""
for pd in net_nic net_driver net_rx_mux net_tx_mux; do
	state=$(kv end "$pd" sdvf.state) starts=$(kv end "$pd" sdvf.starts)
	[ "$state" = running ] && [ "$starts" = 1 ] ||
		pd_state="$pd_state $pd '$state' after $starts starts;"
	awk -v pd="$pd" '/^log: sdvf: summary of/ { s = 1 } s && $2 == pd' "$log" |
		grep -Eq ' 0  stopped$' || pd_state="$pd_state $pd not stopped cleanly;"
done
[ -z "$pd_state" ] || fail_now "trusted PDs:$pd_state"
grep -q '^attack-guest: sdvf exit=0$' "$log" || fail_now "sdvf did not exit 0"
# Honest loss and corruption: at rest, each sink has what its source sent.
lost=0 sent=0
for f in a b; do
	tx=$(kv end "${f}_src" bench.tx_frames) rx=$(kv end "${f}_sink" bench.rx_frames)
	[ "$tx" -gt 0 ] || fail_now "${f}_src sent nothing"
	lost=$((lost + tx - rx)) sent=$((sent + tx))
done
bad=$(honest_clean end)
if [ "$lost" != 0 ] || [ -n "$bad" ]; then
	fail_now "honest clients lost $lost of $sent frames or saw bad ones: $bad"
fi
why=$(conserved end)
# The VMM's buffers are net_client's: the muxes account for them.  Its TX
# frames all came back; what it held of RX (copies in its own region) is
# reported.
v=$(kv end net_tx_mux c$EVIL.in_flight)
[ "$v" = 0 ] || why="$why evil's TX frames still at the TX mux: $v"
[ -z "$why" ] || fail_now "buffers: $why"
# Throughput: the share kept in the attack window against the baseline.
ka=$(shares a) kb=$(shares b)
ratio_a=$(ratio_of "$ka") ratio_b=$(ratio_of "$kb")
a0=$(rate a_sink base0 base1) a1=$(rate a_sink att0 att1)
b0=$(rate b_sink base0 base1) b1=$(rate b_sink att0 att1)
secs=$(awk -v a="$(cat "$WORK/att0.t")" -v b="$(cat "$WORK/att1.t")" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')
echo "$me: kept a $ka ($ratio_a), b $kb ($ratio_b); sinks a $a0 -> $a1 f/s, b $b0 -> $b1 f/s; attack window ${secs} s"
# The honest guest's: the frames delivered to it over those it sent (each
# datagram and its answer, and ARP), per window.
guest_kept() { # FROM TO
	local rx tx
	rx=$(($(kv "$2" good vm.rx_frames) - $(kv "$1" good vm.rx_frames)))
	tx=$(($(kv "$2" good vm.tx_frames) - $(kv "$1" good vm.tx_frames)))
	awk -v r="$rx" -v t="$tx" 'BEGIN { printf "%.3f", t ? r / t : 0 }'
}
guest_rate() { # FROM TO: frames a second delivered to the honest guest
	local n t0 t1
	n=$(($(kv "$2" good vm.rx_frames) - $(kv "$1" good vm.rx_frames)))
	t0=$(cat "$WORK/$1.t") t1=$(cat "$WORK/$2.t")
	awk -v n="$n" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f", n * 1e9 / ns }'
}
kg="$(guest_kept base0 base1)/$(guest_kept att0 att1)"
ratio_g=$(ratio_of "$kg")
g0=$(guest_rate base0 base1) g1=$(guest_rate att0 att1)
echo "$me: the honest guest kept $kg ($ratio_g); frames to it $g0 -> $g1 f/s; its flow: $stream"
within_10pct "$ratio_a" "$ratio_b" "$ratio_g" ||
	fail_now "honest throughput outside 10% of the baseline: a $ratio_a, b $ratio_b, guest $ratio_g"
# The row.
viol=$(kv end evil vm.violations) mmio=$(kv end evil vm.bad_mmio)
reset=$(sed -n 's/^log: \[evil\] sdvf-vmm: virtio-mmio: .* needs_reset=\([0-9]*\) .*/\1/p' "$log")
virtq=$(sed -n 's/^log: \[evil\] sdvf-vmm: virtq: //p' "$log" | tr ' ' '\n' |
	grep -v '=0$' | sed 's/=/ /' | sed 's/^/evil:virtq./' | paste -sd, - | sed 's/,/, /g')
row="| hostile_guest | the VMM's virtio checks (virt/): registers, status machine, every descriptor and guest address; a broken queue needs a reset; the muxes see a well-formed client | evil:vm.violations $viol, evil:vm.bad_mmio $mmio, evil:virtio-mmio.needs_reset $reset, $virtq; guest: 28 attacks, 30 good transfers | $lost of $sent; honest guest $glost of $gsent datagrams | a $(pct "$ratio_a")%, b $(pct "$ratio_b")%, guest $(pct "$ratio_g")% | a $a0 -> $a1, b $b0 -> $b1, guest $g0 -> $g1 | |"
note="hostile_guest: \`tests/vm/vm_attack_guest.sh\`, in an L1 boot (QEMU TCG, the guest under nested KVM), $RATE frames/s per honest source, the honest guest's UDP flow $GOOD_PPS datagrams/s (its rates: frames delivered to it), baseline window $WINDOW s, attack window the whole attack (${secs} s); $(sed -n 's/^attack-guest: L1 load /L1 load average /p' "$log"), host $(cut -d' ' -f1-3 /proc/loadavg)."
echo "$row"
echo "$note"
if [ -n "${ATTACK_ROW_OUT:-}" ]; then
	printf '%s\n%s\n' "$row" "$note" >"$ATTACK_ROW_OUT"
fi
echo "vm_attack_guest: host load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "vm_attack_guest: ok"
