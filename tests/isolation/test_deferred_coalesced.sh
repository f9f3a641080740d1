#!/usr/bin/env bash
# Deferred notifications are coalesced: five in one activation signal the
# peer once, when the activation ends.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		sender { component = "coalescer"; channels { peer = "c"; }; };
		receiver {
			component = "ticker";
			channels { peer = "c"; };
			config { period_ms = <10000>; };
		};
	};
	channels { c { ends = "sender", "receiver"; }; };
};
DTS
wait_for "^sdvf: running 'sys'"
deadline=$((SECONDS + 10))
until [ "$(stat_of receiver ACTIVATIONS)" = 1 ]; do
	[ $SECONDS -lt $deadline ] || fail "receiver never activated"
	sleep 0.05
done
sleep 0.3 # a second signal would have arrived by now
[ "$(stat_of receiver ACTIVATIONS)" = 1 ] || fail "receiver activated twice"
[ "$(stat_of sender DEFERRED)" = 5 ] || fail "stats: sender DEFERRED"
[ "$(stat_of sender NOTIFIES)" = 1 ] || fail "stats: sender NOTIFIES"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: 5 deferred notifications, 1 signal, 1 activation"
