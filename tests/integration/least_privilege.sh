#!/usr/bin/env bash
# Least privilege, checked from `sdvf dump` alone (least_privilege.awk):
# first the checker itself against crafted dumps (it must pass a good one
# and catch each violation), then every complete system description the
# project runs:
#   - every .dts file in examples/ and tests/ (files under a directory named
#     *broken* are deliberately wrong and skipped);
#   - every system a test script writes as a here-document (tests/**/*.sh),
#     except one whose delimiter starts with BROKEN (deliberately wrong) or
#     TEMPLATE (filled in by the script: tests/isolation/lib.sh checks each
#     system a test runs, with its real values).  In an unquoted one
#     (<<DTS) each $NAME or ${NAME} is read as 0 (a core, a count, a port):
#     it must load that way too.
# Each is dumped by the first of sdvf, sdvf-hostile and sdvf-counter-probe
# that loads it (the test binaries add their test components).
set -u
cd "$(dirname "$0")/../.."
SDVF=${BUILD:-build}/sdvf
HOSTILE=${BUILD:-build}/tests/isolation/sdvf-hostile
DUMPERS="$SDVF $HOSTILE ${BUILD:-build}/tests/isolation/sdvf-counter-probe"
AWK="awk -f tests/integration/least_privilege.awk"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

good='system t pds=3 regions=3 channels=1
pd a component=src role=client core=none restartable=no
pd-map a data region=d rights=rw
pd-channel a peer channel=c peer=b
pd-need a region data rights=rw required
pd-need a channel peer required
pd b component=snk role=client core=none restartable=no
pd-map b data region=d rights=r
pd-channel b peer channel=c peer=a
pd-need b region data rights=r required
pd-need b channel peer required
pd m component=mux role=mux core=0 restartable=yes
pd-map m ring region=ring rights=rw
pd-map m view region=d rights=r
pd-need m region ring rights=rw required
pd-need m region view rights=rw optional
region d size=0x1000 io=none
region-map d pd=a local=data rights=rw
region-map d pd=b local=data rights=r
region-map d pd=m local=view rights=r
region ring size=0x1000 io=0x40000000
region-map ring pd=m local=ring rights=rw
channel c ends=a,b'

# One violation each: sed edit of the good dump, and the expected message.
cases=(
	's/^pd-map b data region=d rights=r$/pd-map b data region=d rights=rw/'
	'pd b maps '\''data'\'' rw, above its need r'
	's/^pd-map m view region=d rights=r$/&\npd-map m extra region=ring rights=r/'
	'pd m maps '\''extra'\'' (region ring), which its component does not need'
	's/^pd-channel a peer channel=c peer=b$/&\npd-channel a spare channel=c peer=b/'
	'pd a has channel end '\''spare'\'', which its component does not need'
	'/^pd-map a data /d'
	'pd a lacks required region '\''data'\'''
	's/^channel c ends=a,b$/&\nregion lost size=0x1000 io=none/'
	'region lost is mapped by no PD'
	's/^pd m component=mux role=mux/pd m component=mux role=client/'
	'region d is shared by 3 client PDs: a b m'
	's/peer=b$/peer=m/; s/peer=a$/peer=m/'
	'region d is shared by client PDs a and b, which no channel joins'
	's/^region d size=0x1000 io=none$/region d size=0x1000 io=0x50000000/; s/^pd m component=mux role=mux/pd m component=mux role=client/'
	'region d is device memory shared by 3 client PDs and written by a'
	's/^channel c ends=a,b$/&\npd-need a region stats rights=r optional\npd-map a stats region=sdvf.stats rights=r\npd-need b region stats rights=r optional\npd-map b stats region=sdvf.stats rights=r\npd e component=rd role=client core=none restartable=no\npd-need e region stats rights=rw required\npd-map e stats region=sdvf.stats rights=rw\nregion sdvf.stats size=0x9000 io=none stats=yes\nregion-map sdvf.stats pd=a local=stats rights=r\nregion-map sdvf.stats pd=b local=stats rights=r\nregion-map sdvf.stats pd=e local=stats rights=rw/'
	'pd e maps the stats file sdvf.stats writable (a grant is read-only)'
)

# Edits of the good dump that must still pass: device memory (the RX DMA
# region of remap clients) that three clients, not all peers, map r; the
# stats file, which three clients that need it map r.
goods=(
	's/^channel c ends=a,b$/&\npd-need a region stats rights=r optional\npd-map a stats region=sdvf.stats rights=r\npd-need b region stats rights=r optional\npd-map b stats region=sdvf.stats rights=r\npd e component=rd role=client core=none restartable=no\npd-need e region stats rights=r required\npd-map e stats region=sdvf.stats rights=r\nregion sdvf.stats size=0x9000 io=none stats=yes\nregion-map sdvf.stats pd=a local=stats rights=r\nregion-map sdvf.stats pd=b local=stats rights=r\nregion-map sdvf.stats pd=e local=stats rights=r/'
	's/^region d size=0x1000 io=none$/region d size=0x1000 io=0x50000000/; s/^pd m component=mux role=mux/pd m component=mux role=client/; s/^pd-map a data region=d rights=rw$/pd-map a data region=d rights=r/; s/^region-map d pd=a local=data rights=rw$/region-map d pd=a local=data rights=r/'
)

# The clients of the muxes: a is a copy client both ways, b remap both
# ways (it maps the RX DMA region r; its tx_data is device memory).
good_net='system n pds=4 regions=4 channels=4
pd rx component=rx_mux role=mux core=none restartable=no
pd-map rx rx_dma region=dma rights=rw
pd-map rx c0_rx_data region=a_rxd rights=rw
pd-channel rx c0 channel=a_rx peer=a
pd-channel rx c1 channel=b_rx peer=b
pd-need rx region rx_dma rights=rw required
pd-need rx region c0_rx_data rights=rw optional
pd-need rx channel c0 optional
pd-need rx channel c1 optional
pd-config rx c0_mode="copy"
pd-config rx c1_mode="remap"
pd tx component=tx_mux role=mux core=none restartable=no
pd-map tx c0_tx_data region=a_txd rights=r
pd-map tx c1_tx_data region=b_txd rights=r
pd-channel tx c0 channel=a_tx peer=a
pd-channel tx c1 channel=b_tx peer=b
pd-need tx region c0_tx_data rights=r optional
pd-need tx region c1_tx_data rights=r optional
pd-need tx channel c0 optional
pd-need tx channel c1 optional
pd-config tx c0_mode="copy"
pd-config tx c1_mode="remap"
pd a component=cl role=client core=none restartable=no
pd-map a rx_data region=a_rxd rights=r
pd-map a tx_data region=a_txd rights=rw
pd-channel a rx channel=a_rx peer=rx
pd-channel a tx channel=a_tx peer=tx
pd-need a region rx_data rights=rw required
pd-need a region tx_data rights=rw required
pd-need a channel rx required
pd-need a channel tx required
pd b component=cl role=client core=none restartable=no
pd-map b rx_data region=dma rights=r
pd-map b tx_data region=b_txd rights=rw
pd-channel b rx channel=b_rx peer=rx
pd-channel b tx channel=b_tx peer=tx
pd-need b region rx_data rights=rw required
pd-need b region tx_data rights=rw required
pd-need b region spy rights=r optional
pd-need b channel rx required
pd-need b channel tx required
region dma size=0x1000 io=0x10000000
region-map dma pd=rx local=rx_dma rights=rw
region-map dma pd=b local=rx_data rights=r
region a_rxd size=0x1000 io=none
region-map a_rxd pd=rx local=c0_rx_data rights=rw
region-map a_rxd pd=a local=rx_data rights=r
region a_txd size=0x1000 io=none
region-map a_txd pd=tx local=c0_tx_data rights=r
region-map a_txd pd=a local=tx_data rights=rw
region b_txd size=0x1000 io=0x10100000
region-map b_txd pd=tx local=c1_tx_data rights=r
region-map b_txd pd=b local=tx_data rights=rw
channel a_rx ends=rx,a
channel a_tx ends=tx,a
channel b_rx ends=rx,b
channel b_tx ends=tx,b'

net_cases=(
	's/^pd-config rx c1_mode="remap"$/pd-config rx c1_mode="copy"/'
	'pd b is a copy client of rx but maps its RX DMA region dma'
	's/^pd-map b rx_data region=dma rights=r$/pd-map b rx_data region=dma rights=rw/'
	'pd b maps the RX DMA region dma rw (a remap client only reads it)'
	's/^region a_txd size=0x1000 io=none$/region a_txd size=0x1000 io=0x10200000/'
	'pd a is a copy client of tx but its tx_data a_txd is device memory'
	's/^pd-map b tx_data region=b_txd rights=rw$/&\npd-map b spy region=a_rxd rights=r/; s/^region-map a_rxd pd=a local=rx_data rights=r$/&\nregion-map a_rxd pd=b local=spy rights=r/'
	$'region a_rxd is shared by client PDs a and b, which no channel joins\nbad: pd b maps a_rxd, which rx keeps for client a'
)

out=$(printf '%s\n' "$good" | $AWK -v src=good)
[ $? -eq 0 ] && [ -z "$out" ] || fail "checker rejects the good dump: $out"
for ((i = 0; i < ${#cases[@]}; i += 2)); do
	out=$(printf '%s\n' "$good" | sed "${cases[i]}" | $AWK -v src=bad)
	rc=$?
	if [ $rc -ne 1 ] || [ "$out" != "bad: ${cases[i + 1]}" ]; then
		fail "checker on '${cases[i]}': exit $rc, got '$out', want 'bad: ${cases[i + 1]}'"
	fi
done
out=$(printf '%s\n' "$good_net" | $AWK -v src=good_net)
[ $? -eq 0 ] && [ -z "$out" ] || fail "checker rejects the good mux dump: $out"
for ((i = 0; i < ${#net_cases[@]}; i += 2)); do
	out=$(printf '%s\n' "$good_net" | sed "${net_cases[i]}" | $AWK -v src=bad)
	rc=$?
	if [ $rc -ne 1 ] || [ "$out" != "bad: ${net_cases[i + 1]}" ]; then
		fail "checker on '${net_cases[i]}': exit $rc, got '$out', want 'bad: ${net_cases[i + 1]}'"
	fi
done
for edit in "${goods[@]}"; do
	out=$(printf '%s\n' "$good" | sed "$edit" | $AWK -v src=good)
	[ $? -eq 0 ] && [ -z "$out" ] || fail "checker on '$edit': got '$out', want a pass"
done
[ $failed -eq 0 ] && echo "ok: checker passes the good dumps and ${#goods[@]} variants and catches $(((${#cases[@]} + ${#net_cases[@]}) / 2)) violations"

for d in $DUMPERS; do
	[ -x "$d" ] || { echo "FAIL: $d not built"; exit 1; }
done
tmp=$(mktemp -d /tmp/sdvf-least-privilege.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# heredocs SCRIPT: write each here-document of SCRIPT that holds a system
# to $tmp, named after the script and line; print "FILE NAME" per document.
heredocs() {
	awk -v dir="$tmp" -v script="$1" '
	function expand(text) {
		gsub(/\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*/, "0", text)
		return text
	}
	!inside && match($0, /(^|[^<])<<-?[ \t]*["\047]?[A-Za-z_][A-Za-z0-9_]*/) {
		tok = substr($0, RSTART, RLENGTH)
		sub(/^[^<]*<<-?[ \t]*/, "", tok)
		quoted = tok ~ /^["\047]/
		gsub(/["\047]/, "", tok)
		delim = tok; inside = 1; start = FNR; body = ""
		next
	}
	inside && ($0 == delim || $0 ~ "^\t+" delim "$") {
		inside = 0
		if (body !~ /"sdvf,system"/ || delim ~ /^(BROKEN|TEMPLATE)/)
			next
		name = script ":" start
		file = script "." start ".dts"
		gsub(/\//, "_", file)
		file = dir "/" file
		printf "%s", (quoted ? body : expand(body)) > file
		close(file)
		print file, name
		next
	}
	inside { body = body $0 "\n" }' "$1"
}

checked=0
scripts=0
while read -r f name; do
	grep -q '"sdvf,system"' "$f" || continue # a fragment, not a system
	dump=
	for d in $DUMPERS; do
		dump=$("$d" dump "$f" 2>&1) && break
		dump=
	done
	if [ -z "$dump" ]; then
		fail "$name does not load: $("$HOSTILE" dump "$f" 2>&1)"
		case $name in
		*.sh:*) echo "  (a system the script fills with values that do not" \
			"read as 0: name its here-document TEMPLATE... and check" \
			"its real dump in the script with least_privilege.awk)" ;;
		esac
		continue
	fi
	out=$(printf '%s\n' "$dump" | $AWK -v src="$name") || fail "$out"
	checked=$((checked + 1))
	[ "$f" = "$name" ] || scripts=$((scripts + 1))
# tests/fixtures/ systems name test-only components (the ENET test fixture,
# a fake ENET) that `sdvf` does not have; the programs that run them check
# them.
done < <(
	find examples tests -name '*.dts' -not -path '*broken*' \
		-not -path 'tests/fixtures/*' | sort | awk '{ print $0, $0 }'
	find tests -name '*.sh' | sort | while read -r s; do heredocs "$s"; done
)
echo "checked $checked system descriptions ($scripts written by test scripts)"
[ $checked -gt 0 ] || fail "no system descriptions found"
[ $scripts -gt 0 ] || fail "no system descriptions found in test scripts"
exit $failed
