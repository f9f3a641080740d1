#!/usr/bin/env python3
"""The table of `make bench-wake` (tests/bench/bench_wake.sh).

bench_wake_report.py [--check] RESULTS WORKDIR

RESULTS: one line per measurement, `RUN CONFIG SIZE WINDOW load L ctxsw C`
then echo_peer load's line (sent N received N ... pps P rtt_median_us M
rtt_p99_us Q).  WORKDIR holds kv.RUN.CONFIG.SIZE.WINDOW.before/.after
(`sdvf stats --format=kv`: SYSTEM PD COUNTER VALUE) and `idle` (idle
CONFIG CPU_MS per line).

Per size, window and configuration: window 1, the round-trip median (the
median over runs [min..max]) and its ratio to `eventfd`'s; window 32,
datagrams answered a second, the same way; the load average; then per
echoed datagram, summed over runs and all PDs: activations, the wake
path's system calls (eventfd writes + epoll_wait + futex_waitv +
FUTEX_WAKE + timerfd_settime; tap I/O aside), each of those (timer:
`rt.timer_arms`, "-" for a build before that counter), context switches of the PD
processes (/proc/PID/status), µs spun, and the driver's register reads
that waited for the model to apply its posted writes (`mmio_waits`, "-"
for a build before that counter).  Last, idle CPU per system.
--check: exit 1 unless every configuration answered, the members of a
group configuration that signal per echo (driver and TX mux; nicgroup:
and the model) did so in-process at window 1, and a futex
configuration's muxes and client made no epoll_wait (the smoke test).
Standard library only.
"""
import collections
import statistics
import sys

NON_DEVICE = ("net_driver", "net_rx_mux", "bench", "net_tx_mux")


def kv_file(path):
    out = collections.defaultdict(int)
    for line in open(path):
        f = line.split()
        if len(f) == 4:
            try:
                out[f[2]] += int(f[3])
                out[(f[1], f[2])] = int(f[3])
            except ValueError:
                pass
    return out


def main(argv):
    check = argv[1:2] == ["--check"]
    results, work = argv[2:] if check else argv[1:]
    rows = collections.defaultdict(list)
    order = []
    for line in open(results):
        f = line.split()
        run, cfg, size, w = f[0], f[1], int(f[2]), int(f[3])
        m = {k: float(v) for k, v in zip(f[4::2], f[5::2])}
        rows[(cfg, size, w)].append((run, m))
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
    cols = ("activ", "sysc", "efd_w", "epoll", "fx_wait", "fx_wake",
            "timer", "ctxsw", "spun_us", "mmio_w")
    # lost: datagrams not back within echo_peer's 200 ms, summed over the
    # runs (each loss at window 32 costs that run 200 ms of its rate)
    print("UDP echo to the bench client (copy), configurations side by "
          "side; median of runs [min..max], x: ratio to eventfd, xtap: to "
          "the TAP reflector (tap: one process, no sdvf); per echo: sums "
          "over runs and PDs / datagrams echoed (sysc: wake-path system "
          "calls; ctxsw: the PD processes' context switches)")
    for size in (64, 1472):
        for w in (1, 32):
            if not any((c, size, w) in rows for c in order):
                continue
            what = "RTT median us" if w == 1 else "datagrams/s"
            print("\n%d bytes, window %d (%s)" % (size, w, what))
            print("%-24s%28s%7s%7s%10s%7s" % ("config", what, "x", "xtap",
                                                "load", "lost") +
                  "".join("%9s" % c for c in cols))
            base = None
            key = "rtt_median_us" if w == 1 else "pps"
            tap = rows.get(("tap", size, w), [])
            tap = statistics.median(m[key] for _, m in tap) if tap else 0
            for cfg in order:
                r = rows.get((cfg, size, w), [])
                if not r:
                    continue
                key = "rtt_median_us" if w == 1 else "pps"
                v = [m[key] for _, m in r]
                med = statistics.median(v)
                if cfg == order[0]:
                    base = med
                loads = [m["load"] for _, m in r]
                echoes = sum(m["received"] for _, m in r)
                if echoes == 0:
                    bad.append("%s %d %d: nothing echoed" % (cfg, size, w))
                d = collections.defaultdict(float)
                for run, m in r:
                    stem = "%s/kv.%s.%s.%d.%d" % (work, run, cfg, size, w)
                    b, a = kv_file(stem + ".before"), kv_file(stem + ".after")
                    for k in a:
                        d[k] += a[k] - b.get(k, 0)
                    d["ctxsw"] += m["ctxsw"]
                if cfg.startswith("futex"):
                    for pd in NON_DEVICE:
                        if d[(pd, "rt.epoll_waits")]:
                            bad.append("%s: %s used epoll" % (cfg, pd))
                if "group" in cfg and w == 1:
                    # the RX mux returns buffers without a signal
                    members = ["net_driver", "net_tx_mux"]
                    if "nicgroup" in cfg:
                        members.append("net_nic")
                    for pd in members:
                        if not d[(pd, "rt.local_marks")]:
                            bad.append("%s: %s made no in-process mark"
                                       % (cfg, pd))
                per = {
                    "activ": d["sdvf.activations"],
                    "efd_w": d["rt.eventfd_writes"],
                    "epoll": d["rt.epoll_waits"],
                    "fx_wait": d["rt.futex_waits"],
                    "fx_wake": d["rt.futex_wakes"],
                    "ctxsw": d["ctxsw"],
                    "spun_us": d["rt.poll_ns"] / 1000.0,
                }
                # a build before rt.timer_arms: unknown, not 0
                timed = "rt.timer_arms" in d
                per["timer"] = d["rt.timer_arms"] if timed else None
                # the driver's reads that waited for the model (a build
                # before the counter: unknown)
                per["mmio_w"] = (d["mmio_waits"] if "mmio_waits" in d
                                 else None)
                per["sysc"] = (per["efd_w"] + per["epoll"] + per["fx_wait"]
                               + per["fx_wake"] + (per["timer"] or 0))
                cell = "%.1f [%.1f..%.1f]" if w == 1 else "%.0f [%.0f..%.0f]"
                line = "%-24s%28s%7.2f%7.2f%10s%7d" % (
                    cfg, cell % (med, min(v), max(v)),
                    med / base if base else 0, med / tap if tap else 0,
                    "%.1f-%.1f" % (min(loads), max(loads)),
                    sum(m["lost"] for _, m in r))
                line += "".join(
                    "%9s" % "-" if per[c] is None else
                    "%9.2f" % (per[c] / echoes if echoes else 0)
                    for c in cols)
                print(line)
    print("\nidle CPU over 5 s after the runs, ms: " +
          ", ".join("%s %s" % (c, idle.get(c, "?")) for c in order))
    for b in bad if check else []:
        print("bench_wake_report: " + b, file=sys.stderr)
    return 1 if check and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
