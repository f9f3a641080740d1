#!/usr/bin/env python3
"""The table of `make bench-echo` (tests/bench/bench_echo.sh).

bench_echo_report.py RESULTS WORKDIR
bench_echo_report.py --paths    the paths, in order, one line (PATHS: what
                                bench_echo.sh measures, what the summary
                                expects)

RESULTS has one line per measurement:
  RUN PLACE PATH SIZE WINDOW sent N received N lost N bad N seconds S
  pps P rtt_median_us M rtt_p99_us Q
(echo_peer load's line after five fields; PLACE: apart or together, where
the load generator ran).  WORKDIR holds, for each sdvf measurement,
kv.RUN.PLACE.PATH.SIZE.WINDOW.before and .after: `sdvf stats --format=kv`
(SYSTEM PD COUNTER VALUE) around it.

Prints, per placement of the generator, then per path and payload: window
1 round-trip median and p99, window 32 datagrams a second, each the median
of the runs with [min..max] and the ratio of that median to the TAP
reflector's in the same placement; then, per sdvf path and window,
activations (notified() calls) and notifications sent per echoed datagram,
per PD, both placements together.  Standard library only.
"""
import collections
import os
import statistics
import sys

PLACES = {"apart": "peer apart: the load generator on core 1, the TAP "
          "reflectors and the kernel's server on core 0",
          "together": "peer together: the load generator on core 0 with the "
          "TAP reflectors and the kernel's server"}
PATHS = ("kernel", "tap", "tapsplit", "lwip", "bench", "bench_remap",
         "pinned", "lwip_nicgroup", "lwip_nicgroup_core0")
SHARED = ("net_nic", "net_driver", "net_rx_mux", "net_tx_mux")
CLIENT = {"lwip": "echo", "bench": "bench", "bench_remap": "bench_remap",
          "pinned": "bench", "lwip_nicgroup": "echo",
          "lwip_nicgroup_core0": "echo"}


def read_results(path):
    rows = collections.defaultdict(list)
    for line in open(path):
        f = line.split()
        if len(f) < 6:
            continue
        run, place, p, size, w = f[0], f[1], f[2], int(f[3]), int(f[4])
        kv = dict(zip(f[5::2], f[6::2]))
        rows[(place, p, size, w)].append({k: float(v)
                                          for k, v in kv.items()})
    return rows


def stat(values):
    return statistics.median(values), min(values), max(values)


def cell(values, fmt):
    med, lo, hi = stat(values)
    return (fmt % med) + " [" + (fmt % lo) + ".." + (fmt % hi) + "]"


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


def costs(work, rows):
    """Per (path, window): {pd: (activations, notifications)} per echo."""
    sums = collections.defaultdict(lambda: collections.Counter())
    echoes = collections.Counter()
    for name in os.listdir(work):
        if not (name.startswith("kv.") and name.endswith(".before")):
            continue
        _, run, place, p, size, w, _ = name.split(".")
        before = kv_file(os.path.join(work, name))
        after_path = os.path.join(work, name[:-len("before")] + "after")
        if not os.path.exists(after_path):
            continue
        after = kv_file(after_path)
        for pd in SHARED + (CLIENT[p],):
            for c in ("sdvf.activations", "sdvf.notifications"):
                sums[(p, int(w))][(pd, c)] += (after.get((pd, c), 0) -
                                               before.get((pd, c), 0))
    for (place, p, size, w), rs in rows.items():
        if p in CLIENT:
            echoes[(p, w)] += sum(x["received"] for x in rs)
    return sums, echoes


def table(rows, runs, place, title):
    print("\nUDP echo over a TAP, %s: median of %d runs [min..max]; x tap: "
          "the median over the TAP reflector's" % (title, runs))
    print("%-19s %5s  %-26s %-26s %7s  %-30s %7s" %
          ("path", "bytes", "w1 RTT median us", "w1 RTT p99 us", "x tap",
           "w32 datagrams/s", "x tap"))
    for size in (64, 1472):
        tap1 = stat([r["rtt_median_us"]
                     for r in rows[(place, "tap", size, 1)]])[0]
        tap32 = stat([r["pps"] for r in rows[(place, "tap", size, 32)]])[0]
        for p in PATHS:
            w1, w32 = rows[(place, p, size, 1)], rows[(place, p, size, 32)]
            med1 = stat([r["rtt_median_us"] for r in w1])[0]
            pps = stat([r["pps"] for r in w32])[0]
            lost = sum(r["lost"] + r["bad"] for r in w1 + w32)
            print("%-19s %5d  %-26s %-26s %7.2f  %-30s %7.2f%s" %
                  (p, size, cell([r["rtt_median_us"] for r in w1], "%.1f"),
                   cell([r["rtt_p99_us"] for r in w1], "%.1f"),
                   med1 / tap1, cell([r["pps"] for r in w32], "%.0f"),
                   pps / tap32,
                   "  (lost or late: %d)" % lost if lost else ""))


def main():
    if sys.argv[1:] == ["--paths"]:
        print(" ".join(PATHS))
        return
    results, work = sys.argv[1], sys.argv[2]
    rows = read_results(results)
    runs = max(len(v) for v in rows.values())
    for place, title in PLACES.items():
        table(rows, runs, place, title)
    sums, echoes = costs(work, rows)
    print("\nsdvf: per echoed datagram, activations (notified() calls) and"
          " notifications sent, per PD, both payload sizes and placements")
    print("%-19s %3s  %-14s %-14s %-14s %-14s %-14s %8s" %
          ("path", "w", "nic", "driver", "rx_mux", "tx_mux", "client",
           "total"))
    for p in CLIENT:
        for w in (1, 32):
            n = echoes[(p, w)] or 1
            s = sums[(p, w)]
            cells, ta, tn = [], 0, 0
            for pd in SHARED + (CLIENT[p],):
                a = s[(pd, "sdvf.activations")] / n
                no = s[(pd, "sdvf.notifications")] / n
                ta, tn = ta + a, tn + no
                cells.append("%5.2f / %5.2f" % (a, no))
            print("%-19s %3d  %s  %5.1f / %4.1f" %
                  (p, w, " ".join("%-14s" % c for c in cells), ta, tn))


if __name__ == "__main__":
    main()
