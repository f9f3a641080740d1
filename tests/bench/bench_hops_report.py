#!/usr/bin/env python3
"""The tables of `make bench-hops` (tests/bench/bench_hops.sh).

bench_hops_report.py [--check] RESULTS WORKDIR

RESULTS: one line per measurement, `RUN CONFIG load L` then echo_peer
load's line (sent N received N ... rtt_median_us M rtt_p99_us Q).
WORKDIR holds kv.RUN.CONFIG.before/.after (`sdvf stats --format=kv`:
SYSTEM PD COUNTER VALUE) and `idle` (idle CONFIG CPU_MS per line).

Per configuration: round-trip median and p99 (median over runs [min..max])
and the load average; then per PD, per echo, summed over runs: wake
latency median and p99 of the hop into it (any of its channels) from the rt.wake_ns.* histogram (the bucket's
middle), activations, eventfd writes, signals a spinning peer took from
its bell (no eventfd), epoll_wait calls, those that could
sleep, stale eventfd wake-ups, spins that hit / missed, time spun, and
futex_waitv calls and FUTEX_WAKEs (futex mode).
--check: exit 1 unless every PD that was activated has a latency sample
and every configuration counted epoll waits (the smoke test).
Standard library only.
"""
import collections
import statistics
import sys

PDS = ("net_nic", "net_driver", "net_rx_mux", "bench", "net_tx_mux")


def kv_file(path):
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) == 4:
            try:
                out[(f[1], f[2])] = int(f[3])
            except ValueError:
                pass
    return out


def bucket_mid_us(low):
    # Two buckets per octave: [2^k, 1.5*2^k) and [1.5*2^k, 2^(k+1)).
    if low == 0:
        return 0.5
    k = low.bit_length() - 1
    width = (1 << k) // 2
    return (low + width / 2) / 1000.0


def percentile(hist, q):
    total = sum(hist.values())
    if total == 0:
        return None
    seen = 0
    for low in sorted(hist):
        seen += hist[low]
        if seen >= q * total:
            return bucket_mid_us(low)
    return None


def main(argv):
    check = argv[1:2] == ["--check"]
    args = argv[2:] if check else argv[1:]
    results, work = args
    rows = collections.defaultdict(list)
    order = []
    for line in open(results):
        f = line.split()
        run, cfg = f[0], f[1]
        kv = dict(zip(f[2::2], f[3::2]))
        rows[cfg].append((run, {k: float(v) for k, v in kv.items()}))
        if cfg not in order:
            order.append(cfg)
    idle = {}
    try:
        for line in open(work + "/idle"):
            f = line.split()
            idle[f[1]] = int(f[2])
    except OSError:
        pass
    bad = []
    print("window-1 UDP echo, 64 bytes, bench client (copy): median of "
          "runs [min..max]; per echo below, summed over runs")
    for cfg in order:
        rtt = [m["rtt_median_us"] for _, m in rows[cfg]]
        p99 = [m["rtt_p99_us"] for _, m in rows[cfg]]
        loads = [m["load"] for _, m in rows[cfg]]
        echoes = sum(m["received"] for _, m in rows[cfg])
        print("\n%s: RTT median %.1f us [%.1f..%.1f], p99 %.1f us "
              "[%.1f..%.1f], load %.1f-%.1f, idle CPU %s ms in 5 s" % (
                  cfg, statistics.median(rtt), min(rtt), max(rtt),
                  statistics.median(p99), min(p99), max(p99), min(loads),
                  max(loads), idle.get(cfg, "?")))
        delta = collections.defaultdict(int)
        hist = collections.defaultdict(lambda: collections.defaultdict(int))
        for run, _ in rows[cfg]:
            b = kv_file("%s/kv.%s.%s.before" % (work, run, cfg))
            a = kv_file("%s/kv.%s.%s.after" % (work, run, cfg))
            for key, v in a.items():
                d = v - b.get(key, 0)
                pd, name = key
                if name.startswith("rt.wake_ns."):
                    hist[pd][int(name[len("rt.wake_ns."):])] += d
                else:
                    delta[key] += d
        cols = ("wake50", "wake99", "activ", "efd_w", "elided", "epoll", "sleeps", "stale", "hit", "miss", "spun_us",
                "fx_wait", "fx_wake")
        print("%-11s" % "pd" + "".join("%8s" % c for c in cols))
        totals = collections.defaultdict(float)
        for pd in PDS:
            per = {
                "activ": delta[(pd, "sdvf.activations")],
                "efd_w": delta[(pd, "rt.eventfd_writes")],
                "elided": delta[(pd, "rt.signals_elided")],
                "epoll": delta[(pd, "rt.epoll_waits")],
                "sleeps": delta[(pd, "rt.wait_sleeps")],
                "stale": delta[(pd, "rt.wake_stale")],
                "hit": delta[(pd, "rt.poll_hits")],
                "miss": delta[(pd, "rt.poll_misses")],
                "spun_us": delta[(pd, "rt.poll_ns")] / 1000.0,
                "fx_wait": delta[(pd, "rt.futex_waits")],
                "fx_wake": delta[(pd, "rt.futex_wakes")],
            }
            w50 = percentile(hist[pd], 0.5)
            w99 = percentile(hist[pd], 0.99)
            if per["activ"] > 0 and w50 is None:
                bad.append("%s %s: activated but no latency sample" %
                           (cfg, pd))
            line = "%-11s%8s%8s" % (pd, "-" if w50 is None else
                                    "%.1f" % w50, "-" if w99 is None else
                                    "%.1f" % w99)
            for c in cols[2:]:
                v = per[c] / echoes if echoes else 0
                totals[c] += v
                line += "%8.2f" % v
            print(line)
        print("%-11s%16s" % ("total", "") +
              "".join("%8.2f" % totals[c] for c in cols[2:]))
        if sum(delta[(pd, "rt.epoll_waits")] for pd in PDS) == 0:
            bad.append("%s: no epoll_wait counted" % cfg)
    for b in bad if check else []:
        print("bench_hops_report: " + b, file=sys.stderr)
    return 1 if check and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
