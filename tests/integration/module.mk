# tests/integration/: hosted systems and wires against real Linux networking
# (network namespaces they create and delete themselves).

# --- wire backends: tap against a namespace's stack ---
# WIRE_OBJS comes from driver/enet/wire/module.mk (source folders are read
# before tests/).
PROGRAMS += $(BUILD)/tests/integration/wire_probe
TEST_SCRIPTS += tests/integration/wire_tap.sh
$(BUILD)/tests/integration/wire_probe: \
		$(BUILD)/tests/integration/wire_probe.o $(WIRE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^
-include $(BUILD)/tests/integration/wire_probe.d

# --- least privilege of every system description, from `sdvf dump` ---
TEST_SCRIPTS += tests/integration/least_privilege.sh

# --- the ENET driver and model end to end on a tap (root; needs sdvf) ---
TEST_SCRIPTS += tests/integration/enet_tap.sh

# --- examples/net-tap.dts (sdvf,net with drr and a token bucket) on a tap
# (root; needs sdvf) ---
TEST_SCRIPTS += tests/integration/net_tap.sh

# --- component counters of that system through `sdvf stats --format=kv` ---
TEST_SCRIPTS += tests/integration/enet_stats.sh

# --- that system against a hostile peer: a flood while the model is
# stalled (kernel drops counted), then the tap deleted (link down, no
# spinning) ---
TEST_SCRIPTS += tests/integration/enet_tap_hostile.sh

# --- a restartable net client SIGKILLed under load (sdvf,net on a tap):
# the others lose nothing, the muxes reclaim and conserve every buffer, the
# new instance answers on fresh queues (root; needs sdvf, python3) ---
TEST_SCRIPTS += tests/integration/net_client_restart.sh

# --- local switching on a tap (root; needs sdvf, python3): a reflector and
# a raw_responder whose switch-to lets their frames bypass the wire, or
# not ---
TEST_SCRIPTS += tests/integration/net_switch.sh

# --- the same system on the udp wire with pcap_record, against a scripted
# host on loopback (no root; needs sdvf, python3, tcpdump) ---
TEST_SCRIPTS += tests/integration/enet_udp.sh

# --- the same against the model as QEMU's i.MX7 ENET (personality
# qemu-imx7: FCS always in the buffer, 10/100 PHY; no root) ---
TEST_SCRIPTS += tests/integration/enet_udp_qemu.sh

# make soak: the demo system (examples/demo.dts) under UDP, ping and HTTP
# load for SOAK_SECONDS (default 600): replies checked, RSS of every PD
# flat within 5%, buffers conserved, no error counter moved, no PD died
# (tests/integration/soak.sh; SOAK_FAULTS=1 adds wire faults).  Long: not
# part of make test, which runs 60 s of it (soak_smoke.sh) and 30 s with
# faults (enet_faults.sh).  make soak-tap: the older TAP soak, flood ping
# to the enet-tap responders for SOAK_TAP_SECONDS (default 60).
SOAK_SECONDS ?= 600
SOAK_FAULTS ?= 0
SOAK_TAP_SECONDS ?= 60
.PHONY: soak soak-tap
soak: deps
	$(MAKE) all
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_FAULTS=$(SOAK_FAULTS) BUILD=$(BUILD) \
		bash tests/integration/soak.sh
soak-tap: deps
	$(MAKE) all
	SDVF_SOAK_SECONDS=$(SOAK_TAP_SECONDS) BUILD=$(BUILD) \
		bash tests/integration/enet_tap.sh

# --- 60 s of the soak (tests/integration/soak.sh) and 30 s of it with wire
# faults injected by the model (loss, corruption, link drops: counted by
# the model, seen by the driver, survived) (root; python3, curl) ---
TEST_SCRIPTS += tests/integration/soak_smoke.sh
TEST_SCRIPTS += tests/integration/enet_faults.sh

# --- the HTTP stats client (lwIP) on a tap: /, /stats.json, errors (root) ---
TEST_SCRIPTS += tests/integration/http_stats.sh

# --- three lwIP echo clients (copy, remap, remap RX + copy TX) and a
# raw_responder on a tap, against real sockets in a namespace: ping, ARP
# and broadcast to all, unknown unicast to none, UDP every size 1..1472,
# 1 MiB TCP, 10,000 UDP echoes without loss (root; needs sdvf, python3) ---
TEST_SCRIPTS += tests/integration/lwip_net.sh

# --- an lwIP server reached again from the port of a connection it holds
# in TIME-WAIT (the HTTP server closes first): answered at once, counted
# (root; needs sdvf, python3) ---
TEST_SCRIPTS += tests/integration/lwip_tcp_reopen.sh

# --- lwip_net.sh with `colocate;`: driver and both muxes in one process,
# the same checks, every buffer home (root) ---
TEST_SCRIPTS += tests/integration/lwip_net_colocate.sh
# --- the same with `colocate-nic;`: the ENET model in that process too, the
# group's process confined (root) ---
TEST_SCRIPTS += tests/integration/lwip_net_colocate_nic.sh

# --- the main job: scripts/demo.sh (`make demo`) under its own names, once
# SIGKILLed, once in full, once with a failing curl (exit 1) (root; needs
# sdvf, python3, curl, ping) ---
TEST_SCRIPTS += tests/integration/demo.sh

# --- the raw bench client in reflect mode on a tap (root; needs sdvf,
# python3): ARP, ping and UDP datagrams back byte for byte, copy and
# remap ---
TEST_SCRIPTS += tests/integration/bench_reflect.sh

# --- lwip_net.sh on the sanitizer build: lwIP clients confined under ASan and
# UBSan (root; needs build-san/sdvf, python3) ---
TEST_SCRIPTS += tests/integration/lwip_net_san.sh

# --- lwIP clients with ip = "dhcp" against dnsmasq in the namespace: lease,
# ping/UDP/TCP echo at the leased address, renewal at T1 (root; needs sdvf,
# python3, dnsmasq) ---
TEST_SCRIPTS += tests/integration/lwip_dhcp.sh

# --- a restartable lwIP echo client (copy, then remap) SIGKILLed under load:
# the others lose nothing, buffers reclaimed and conserved, the new process
# answers ping, UDP and TCP echo (root; needs sdvf, python3) ---
TEST_SCRIPTS += tests/integration/lwip_client_restart.sh

# --- the ENET driver PD SIGKILLed under UDP echo load (driver-restartable):
# controller reset, every buffer home, the clients resume (the gap seen by
# the peer is printed), no error counter but the kill's (root; python3) ---
TEST_SCRIPTS += tests/integration/driver_restart.sh
