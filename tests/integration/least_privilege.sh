#!/usr/bin/env bash
# Least privilege, checked from `sdvf dump` alone (least_privilege.awk):
# first the checker itself against crafted dumps (it must pass a good one
# and catch each violation), then every complete system description in
# examples/ and tests/ (files under a directory named *broken* are
# deliberately wrong and skipped).
set -u
cd "$(dirname "$0")/../.."
SDVF=${BUILD:-build}/sdvf
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
[ $failed -eq 0 ] && echo "ok: checker passes the good dump and catches $((${#cases[@]} / 2)) violations"

[ -x "$SDVF" ] || { echo "FAIL: $SDVF not built"; exit 1; }
checked=0
while IFS= read -r f; do
	grep -q '"sdvf,system"' "$f" || continue # a fragment, not a system
	if ! dump=$("$SDVF" dump "$f" 2>&1); then
		fail "$f does not load: $dump"
		continue
	fi
	out=$(printf '%s\n' "$dump" | $AWK -v src="$f") || fail "$out"
	checked=$((checked + 1))
# tests/fixtures/ systems name test-only components (the ENET test fixture,
# a fake ENET) that `sdvf` does not have; the programs that run them check
# them.
done < <(find examples tests -name '*.dts' -not -path '*broken*' \
	-not -path 'tests/fixtures/*' | sort)
echo "checked $checked system descriptions"
[ $checked -gt 0 ] || fail "no system descriptions found"
exit $failed
