#!/usr/bin/env python3
"""The summary of the benchmark suite (tests/bench/bench_suite.sh).

    bench_summary.py --out DIR [--check] [--docs MD] [--plots DIR]

Reads DIR/<target>.txt (each benchmark's standard output, as it prints it
today) and DIR/suite.txt (target, exit status, seconds), and prints one
table: each goal of issue 10 and each side-by-side ratio, with the target,
the measured median, the ratio and whether the goal is met ("info": a
comparison with no goal).  A benchmark that did not run leaves its rows
"missing"; bench-vm, run only when asked (make bench BENCH_VM=1), leaves
its rows "skipped" and a line saying how to run it.

--check   (bench-quick) fail unless every row is present with a number,
          every pipeline delivered and every echo path answered.  No speed
          threshold: a goal not met is not a failure.
--docs    rewrite MD between `<!-- bench:NAME:begin -->` and
          `<!-- bench:NAME:end -->`: NAME "summary" gets the summary, NAME
          a target (bench-echo, ...) that target's output; prose outside
          the markers is left alone.  A section of a new benchmark gets its
          table by adding the markers.
--plots   draw DIR/*.png with gnuplot (policies, capacity, echo); skipped
          with a note when gnuplot is not installed (make bench-deps).
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_echo_report import PATHS as ECHO_PATHS  # noqa: E402
from bench_echo_report import PLACES  # noqa: E402


def num(s):
    try:
        return float(s.rstrip("x%"))
    except (ValueError, AttributeError):
        return None


def read(out, target):
    path = os.path.join(out, target + ".txt")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


# ---- parsers: one per benchmark output, as the scripts print it ----------

ECHO_PLACES = tuple(PLACES)


def parse_echo(text):
    """{(place, path, bytes): (w1 median us, x tap, w32 per s, x tap)}."""
    rows, place = {}, None
    for line in (text or "").splitlines():
        f = line.split()
        if line.startswith("UDP echo over a TAP, peer ") and len(f) > 6:
            place = f[6].rstrip(":")
        elif (place and len(f) >= 10 and f[1] in ("64", "1472") and
              f[3].startswith("[")):
            v = [num(f[2]), num(f[6]), num(f[7]), num(f[9])]
            if None not in v:
                rows[(place, f[0], int(f[1]))] = tuple(v)
    return rows


def parse_wake(text):
    """{(config, bytes, window): (median, x eventfd, x tap)} of bench-wake."""
    rows, size, w = {}, None, None
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) >= 4 and f[1] == "bytes," and f[2] == "window":
            size, w = int(f[0]), int(f[3])
        elif size and len(f) >= 4 and f[2].startswith("["):
            v = [num(f[1]), num(f[3]), num(f[4])]
            if None not in v:
                rows[(f[0], size, w)] = tuple(v)
    return rows


# bench-capacity's modes (bench_capacity.sh): the copy and remap
# reflectors, every PD a process; copy_nicgroup: model, driver and muxes
# in one process.  CAP_FLOOR is no sdvf at all (tests/bench/cap_floor.c: a
# paced source and a reflector in two processes, a 256-slot ring each
# way), reported beside the goal rows.
CAP_MODES = ("copy", "remap", "copy_nicgroup")
CAP_FLOOR = "floor"
CAP_PLOTTED = CAP_MODES + (CAP_FLOOR,)


def parse_capacity(text):
    """{(mode, offered): (gen, delivered, lost%, rx%, model%, cpu%,
    drop%)}."""
    rows = {}
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) == 9 and f[0] in CAP_PLOTTED and f[1].isdigit():
            v = [num(x) for x in f[2:]]
            if None not in v:
                rows[(f[0], int(f[1]))] = tuple(v)
    return rows


def parse_policy(text):
    """{(policy, phase): [c0..c3 Mbit/s, p50, p99, max]}."""
    rows = {}
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) >= 6 and f[0] in ("rr", "drr", "prio", "tb") and \
                f[1].isdigit():
            rows[(f[0], int(f[1]))] = [num(x) for x in f[2:]]
    return rows


def parse_queue(text):
    """{(mode, batch): sdvf/dpdk} and {batch: sdvf/dpdk instructions}."""
    speed, ir = {}, {}
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) >= 7 and f[0] in ("threads", "processes") and \
                f[6].endswith("x"):
            speed[(f[0], int(f[1]))] = num(f[6])
        elif len(f) == 4 and f[0].isdigit() and f[3].endswith("x"):
            ir[int(f[0])] = (num(f[1]), num(f[2]), num(f[3]))
    return speed, ir


def parse_mux(text):
    """IR rows {(dir, mode, batch, size): (total, mux, copy)}, round-trip
    rows {(mode, batch, size): (total, model)}."""
    ir, pipe = {}, {}
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) == 15 and f[0] in ("rx", "tx") and \
                f[1] in ("copy", "remap"):
            ir[(f[0], f[1], int(f[2]), int(f[3]))] = (
                num(f[4]), num(f[5]), num(f[6]))
        elif len(f) == 15 and f[0] in ("copy", "remap") and f[1].isdigit():
            pipe[(f[0], int(f[1]), int(f[2]))] = (num(f[3]), num(f[9]))
    return ir, pipe


# ---- bench-machine (tests/bench/bench_machine.c) ---------------------------

# bench_machine.c's idle policy: the cpuidle driver, the haltpoll poll
IDLE_LINES = ("cpuidle driver", "guest_halt_poll_ns")


def parse_machine(text):
    """bench_machine.c's lines "WHAT ... US" -> {what: us or None}; its
    idle-policy lines (a word each) under IDLE_LINES, as written."""
    rows = {}
    for line in (text or "").splitlines():
        m = re.match(r"^(\S.*?)\s{2,}(\S+)$", line)
        if m and not line.startswith("machine costs"):
            idle = m.group(1) in IDLE_LINES
            rows[m.group(1)] = m.group(2) if idle else num(m.group(2))
    return rows


MACHINE_ROWS = (
    # (row, its cost, the cost its ratio is against)
    ("machine: a VM exit (cpuid)", "cpuid (a VM exit in a guest)", None),
    ("machine: timer armed 1 us ahead vs 1 ms ahead",
     "timerfd_settime, 1 us ahead", "timerfd_settime, 1 ms ahead"),
    ("machine: eventfd round trip across CPUs vs on one",
     "eventfd round trip, CPU 0 and CPU 1",
     "eventfd round trip, both on CPU 0"),
)


def machine_rows(r, mach):
    name = "machine: idle vCPUs poll before they halt (ns)"
    if all(k in mach for k in IDLE_LINES):
        r.add(name, "reported", "%s (cpuidle %s)" %
              (mach["guest_halt_poll_ns"], mach["cpuidle driver"]), None,
              "info")
    else:
        r.missing(name, "reported")
    for name, what, against in MACHINE_ROWS:
        if what not in mach:
            r.missing(name, "reported")
            continue
        us, ref = mach[what], mach.get(against) if against else None
        r.add(name, "reported", "-" if us is None else "%.2f us" % us,
              us / ref if us and ref else None, "info")


# ---- bench-vm (tests/bench/bench_vm.sh): sdvf-vmm vs QEMU vhost-net -------

def parse_vm(text):
    """{(metric, bytes): (sdvf median, qemu median, ratio > 1: sdvf better)}."""
    rows = {}
    for line in (text or "").splitlines():
        f = line.split()
        if len(f) == 7 and f[6].endswith("x") and f[1] in ("-", "64", "1472"):
            v = [num(f[2]), num(f[4]), num(f[6])]
            if None not in v:
                rows[(f[0], f[1])] = tuple(v)
    return rows


VM_SKIPPED = "skipped: BENCH_VM=1"


def vm_rows(r, vm, ran, quick):
    if quick and not ran:
        return  # no quick form: bench-quick does not boot L1
    name = "VM echo vs QEMU vhost-net (goal >= 1.0x)"
    if not ran:  # not asked for (BENCH_VM=1): an output there is older
        r.add(name, ">= 1.00x", VM_SKIPPED, None, "skipped")
        r.add("VM guest boot to userspace vs QEMU", "beside", VM_SKIPPED,
              None, "skipped")
        return
    keys = [("w1_rtt_median_us", "64"), ("w1_rtt_median_us", "1472"),
            ("w32_rate_pps", "64"), ("w32_rate_pps", "1472")]
    if all(k in vm for k in keys):
        worst = min(keys, key=lambda k: vm[k][2])
        v = vm[worst]
        r.add(name, ">= 1.00x", "worst: %s %s B %.0f vs %.0f" %
              (worst[0].split("_")[0], worst[1], v[0], v[1]), v[2],
              met(v[2] >= 1.0))
    else:
        r.missing(name, ">= 1.00x")
    v = vm.get(("boot_to_init_s", "-"))
    name = "VM guest boot to userspace vs QEMU"
    if v:
        r.add(name, "beside", "%.1f vs %.1f s" % (v[0], v[1]), v[2], "info")
    else:
        r.missing(name, "beside")


def parse_suite(out):
    times = {}
    path = os.path.join(out, "suite.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                t, rc, s = line.split()
                times[t] = (rc, int(s))
    return times


# ---- the rows -------------------------------------------------------------

class Rows:
    def __init__(self):
        self.rows = []

    def add(self, name, goal, measured, ratio, status):
        self.rows.append((name, goal, measured, ratio, status))

    def missing(self, name, goal):
        self.add(name, goal, "missing", None, "missing")


def met(ok):
    return "met" if ok else "NOT met"


def echo_rows(r, echo):
    # the goal, in the default placement (every PD a process) and in the
    # ones recommended for speed (model, driver and muxes in one process,
    # unpinned or with its client on core 0), with the load generator (the
    # peer) on the other core and on the TAP reflector's
    for place in ECHO_PLACES:
        for p in ("lwip", "lwip_nicgroup", "lwip_nicgroup_core0"):
            for size in (64, 1472):
                name = "echo %s %d B, w1 RTT vs tap, %s" % (p, size, place)
                v = echo.get((place, p, size))
                if v:
                    r.add(name, "<= 2.00x", "%.1f us" % v[0], v[1],
                          met(v[1] <= 2.0))
                else:
                    r.missing(name, "<= 2.00x")
                name = "echo %s %d B, w32 rate vs tap, %s" % (p, size, place)
                if v:
                    r.add(name, ">= 0.80x", "%.0f /s" % v[2], v[3],
                          met(v[3] >= 0.8))
                else:
                    r.missing(name, ">= 0.80x")
    for place in ECHO_PLACES:
        for p in ("tap", "tapsplit", "kernel", "bench", "bench_remap",
                  "pinned"):
            for size in (64, 1472):
                v = echo.get((place, p, size))
                name = "echo %s %d B, w1 RTT vs tap, %s" % (p, size, place)
                if v:
                    r.add(name, "beside", "%.1f us" % v[0], v[1], "info")
                else:
                    r.missing(name, "beside")
                if p != "tapsplit":
                    continue
                # the two-process floor's rate: the least a design whose
                # client is a process of its own gives up at window 32
                name = "echo %s %d B, w32 rate vs tap, %s" % (p, size, place)
                if v:
                    r.add(name, "beside", "%.0f /s" % v[2], v[3], "info")
                else:
                    r.missing(name, "beside")


# bench-wake's configurations in the summary, each against what: eventfd
# (the default wake path, ratio column x), or the one-process TAP
# reflector of the same run (xtap): the floor of a client in its own
# process (echo_peer tap-reflect-split) and the best sdvf configuration.
WAKE_VS = (
    ("eventfd", 1, ("futex", "futex_core0", "eventfd_core0", "futex_poll50",
                    "eventfd_group", "eventfd_group_core0",
                    "eventfd_nicgroup")),
    ("tap", 2, ("tapsplit", "eventfd_nicgroup")),
)


def wake_rows(r, wake):
    # Only when bench-wake ran (not in bench-quick): info, no goal.
    for against, k, configs in WAKE_VS:
        for (cfg, size, w), v in sorted(wake.items()):
            if cfg in configs:
                what = "RTT" if w == 1 else "rate"
                unit = "%.1f us" if w == 1 else "%.0f /s"
                r.add("wake %s %d B, w%d %s vs %s" % (cfg, size, w, what,
                                                      against),
                      "beside", unit % v[0], v[k], "info")


def below_saturation(cap, mode):
    """(first dropping rate or None, first saturated rate or None) of
    mode, judged on the drop counters (drop%: no buffer, no FIFO space),
    which are exact (lost% has the edges of the measured window in it), at
    every offered rate below saturation: the lowest rate at which less than
    95% of what was generated came back.  None if mode was not run."""
    mine = sorted(k[1] for k in cap if k[0] == mode)
    if not mine:
        return None
    saturated = [rate for rate in mine
                 if cap[(mode, rate)][1] < 0.95 * cap[(mode, rate)][0]]
    below = [rate for rate in mine if not saturated or rate < saturated[0]]
    dropping = [rate for rate in below if cap[(mode, rate)][6] > 0]
    return (dropping[0] if dropping else None,
            saturated[0] if saturated else None)


def saturation_text(seen):
    dropping, saturated = seen
    return "drops from %s, saturated %s" % (
        "%dk" % (dropping // 1000) if dropping else "none",
        "%dk" % (saturated // 1000) if saturated else "never")


def capacity_rows(r, cap):
    rates = sorted({k[1] for k in cap})
    for mode in CAP_MODES:
        name = "capacity %s: 1.5 Mpps, 64 B, no loss" % mode
        v = cap.get((mode, 1500000))
        if v:
            r.add(name, "1.5 Mpps, 0 lost", "%.0f /s, %.2f%% lost" %
                  (v[1], v[2]), v[1] / 1.5e6,
                  met(v[1] >= 1.5e6 * 0.999 and v[2] < 0.001))
        else:
            r.missing(name, "1.5 Mpps, 0 lost")
    for mode in CAP_MODES:
        name = "zero loss below saturation (%s)" % mode
        seen = below_saturation(cap, mode)
        if seen is None:
            r.missing(name, "0 below saturation")
        else:
            r.add(name, "0 below saturation", saturation_text(seen), None,
                  met(seen[0] is None))
    # the floor: what two processes of this machine do without sdvf
    v = cap.get((CAP_FLOOR, 1500000))
    if v:
        r.add("capacity floor (2 processes, no sdvf): 1.5 Mpps", "beside",
              "%.0f /s, %.2f%% lost" % (v[1], v[2]), v[1] / 1.5e6, "info")
    seen = below_saturation(cap, CAP_FLOOR)
    if seen:
        r.add("drops below saturation (floor)", "beside",
              saturation_text(seen), None, "info")
    v = cap.get(("copy", max(rates))) if rates else None
    if v:
        r.add("ENET model's CPU share at %d pps" % max(rates), "reported",
              "%.1f%% of the PDs' CPU" % v[4], None, "info")
    else:
        r.missing("ENET model's CPU share", "reported")


def queue_rows(r, speed, ir):
    for mode in ("threads", "processes"):
        for batch in (1, 32):
            name = "queue vs rte_ring, %s, batch %d" % (mode, batch)
            v = speed.get((mode, batch))
            if v is not None:
                r.add(name, ">= 1.00x", "%.2fx rte_ring" % v, v,
                      met(v >= 1.0))
            else:
                r.missing(name, ">= 1.00x")
    for batch in (1, 32):
        name = "queue instructions/desc vs rte_ring, batch %d" % batch
        v = ir.get(batch)
        if v:
            r.add(name, "<= 1.00x", "%.1f vs %.1f" % (v[0], v[1]), v[2],
                  met(v[2] <= 1.0))
        else:
            r.missing(name, "<= 1.00x")


def mux_rows(r, ir, pipe):
    sizes = sorted({k[3] for k in ir})
    big = sizes[-1] if sizes else 60
    for d in ("rx", "tx"):
        name = "%s mux instr/frame remap vs copy (b32, %d B)" % (d, big)
        c, m = ir.get((d, "copy", 32, big)), ir.get((d, "remap", 32, big))
        if c and m:
            r.add(name, "beside", "%.0f vs %.0f" % (m[1] + m[2],
                                                   c[1] + c[2]),
                  (m[1] + m[2]) / (c[1] + c[2]), "info")
        else:
            r.missing(name, "beside")
    v = pipe.get(("copy", 32, 60))
    name = "ENET model's instructions of a round trip (b32, 60 B)"
    if v:
        r.add(name, "reported", "%.0f of %.0f" % (v[1], v[0]), v[1] / v[0],
              "info")
    else:
        r.missing(name, "reported")


def capacity_copy_remap(r, cap):
    rates = sorted({k[1] for k in cap})
    name = "hosted delivered remap vs copy (lowest rate)"
    if rates and ("copy", rates[0]) in cap and ("remap", rates[0]) in cap:
        c, m = cap[("copy", rates[0])], cap[("remap", rates[0])]
        r.add(name, "beside", "%.0f vs %.0f /s" % (m[1], c[1]),
              m[1] / c[1] if c[1] else None, "info")
    else:
        r.missing(name, "beside")


def policy_rows(r, pol):
    def share(p, ph, a, b):
        v = pol.get((p, ph))
        return v[a] / v[b] if v and v[b] else None

    for p, a, b, want, name in (
            ("rr", 1, 0, 1.0, "rr, 3 saturating: c1 / c0 throughput"),
            ("drr", 1, 0, 2.0, "drr 1:2:4: c1 / c0 throughput"),
            ("drr", 2, 0, 4.0, "drr 1:2:4: c2 / c0 throughput"),
            ("tb", 2, 0, 2.0, "token bucket 200:300:400: c2 / c0")):
        s = share(p, 2, a, b)
        if s is None:
            r.missing(name, "%.2f" % want)
        else:
            r.add(name, "%.2f +-3%%" % want, "%.3f" % s, s / want,
                  met(abs(s / want - 1) <= 0.03))
    for p in ("rr", "drr", "prio", "tb"):
        v = pol.get((p, 2))
        name = "probe latency p99, %s, others saturating" % p
        if v and len(v) >= 6 and v[5] is not None:
            base = pol.get(("rr", 2))
            ratio = v[5] / base[5] if base and base[5] else None
            r.add(name, "beside rr", "%.1f us" % v[5], ratio, "info")
        else:
            r.missing(name, "beside rr")


def suite_rows(r, times, quick):
    total = times.get("total")
    if total and not quick:
        s = total[1]
        r.add("make bench wall time", "< 20 min", "%.1f min" % (s / 60),
              s / 1200, met(s < 1200))


def render(rows, header):
    lines = list(header)
    lines.append("%-58s %-20s %-34s %6s  %s" %
                 ("row", "goal", "measured (median)", "ratio", "status"))
    for name, goal, measured, ratio, status in rows:
        lines.append("%-58s %-20s %-34s %6s  %s" % (
            name, goal, measured,
            "%.2f" % ratio if ratio is not None else "-", status))
    return "\n".join(lines)


# ---- docs and plots -------------------------------------------------------

def rewrite_docs(md, blocks):
    with open(md) as f:
        text = f.read()
    for name, body in blocks.items():
        pat = re.compile(r"(<!-- bench:%s:begin -->\n).*?(<!-- bench:%s:end -->)"
                         % (re.escape(name), re.escape(name)), re.S)
        if pat.search(text):
            text = pat.sub(lambda m: m.group(1) + "```text\n" +
                           body.rstrip("\n") + "\n```\n" + m.group(2), text)
    with open(md, "w") as f:
        f.write(text)


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def plots(out, dest, cap, echo):
    if not shutil.which("gnuplot"):
        print("plots: gnuplot not installed (make bench-deps): skipped")
        return
    os.makedirs(dest, exist_ok=True)
    done = []
    pol = [p for p in ("rr", "drr", "prio", "tb")
           if os.path.exists(os.path.join(out, "policy_%s.dat" % p))]
    if pol:
        titles = {"rr": "round robin", "drr": "DRR 1:2:4",
                  "prio": "strict priority (c3 high)",
                  "tb": "token bucket 200/300/400/20 Mbit/s"}
        s = ["set terminal pngcairo noenhanced size 1000,760 font ',9'",
             "set output '%s/policies.png'" % dest,
             "set multiplot layout 2,2 title 'TX Mbit/s per client over "
             "time (sim, 1 Gbit/s line modelled)'",
             "set xlabel 'seconds'", "set ylabel 'Mbit/s'",
             "set yrange [0:1050]", "set key top right"]
        for p in pol:
            dat = os.path.join(out, "policy_%s.dat" % p)
            s.append("set title '%s'" % titles[p])
            s.append("plot " + ", ".join(
                "'%s' using 1:%d with steps lw 2 title 'c%d'" % (dat, c + 2, c)
                for c in range(4)))
        s.append("unset multiplot")
        gnuplot("\n".join(s) + "\n")
        done.append("policies.png")
    if cap:
        dat = os.path.join(out, "capacity.dat")
        with open(dat, "w") as f:
            # rate, then delivered per mode, then lost% per mode
            for rate in sorted({k[1] for k in cap}):
                v = [cap.get((mode, rate)) for mode in CAP_PLOTTED]
                f.write("%d %s %s\n" % (
                    rate, " ".join(str(x[1]) if x else "NaN" for x in v),
                    " ".join(str(x[2]) if x else "NaN" for x in v)))
        gnuplot("\n".join([
            "set terminal pngcairo noenhanced size 900,420 font ',9'",
            "set output '%s/capacity.png'" % dest,
            "set multiplot layout 1,2 title 'Internal capacity, 64-byte "
            "frames, hosted (medians)'",
            "set xlabel 'offered, kpps'", "set ylabel 'delivered, kpps'",
            "set key top left", "set yrange [0:*]",
            "plot " + ", ".join(
                "'%s' using ($1/1e3):($%d/1e3) with linespoints title '%s'"
                % (dat, 2 + i, mode)
                for i, mode in enumerate(CAP_PLOTTED)) +
            ", '%s' using ($1/1e3):($1/1e3) with lines dt 2 title "
            "'offered'" % dat,
            "set ylabel 'lost %'", "set yrange [0:100]",
            "plot " + ", ".join(
                "'%s' using ($1/1e3):%d with linespoints title '%s'"
                % (dat, 2 + len(CAP_PLOTTED) + i, mode)
                for i, mode in enumerate(CAP_PLOTTED)),
            "unset multiplot"]) + "\n")
        done.append("capacity.png")
    if echo:
        dat = os.path.join(out, "echo.dat")
        paths = [p for p in ECHO_PATHS if ("apart", p, 64) in echo]
        none = (0, 0, 0, 0)
        with open(dat, "w") as f:
            # per path: w1 x tap at 64 and 1472 B, peer apart then
            # together; then the same for the w32 rate
            for p in paths:
                v = [echo.get((pl, p, s), none)
                     for pl in ECHO_PLACES for s in (64, 1472)]
                f.write("%s %s %s\n" % (
                    p, " ".join(str(x[1]) for x in v),
                    " ".join(str(x[3]) for x in v)))
        gnuplot("\n".join([
            "set terminal pngcairo noenhanced size 1100,480 font ',9'",
            "set output '%s/echo.png'" % dest,
            "set xtics rotate by -30",
            "set multiplot layout 1,2 title 'UDP echo over a TAP, relative "
            "to the one-process TAP reflector (medians)'",
            "set style data histogram", "set style fill solid 0.7",
            "set style histogram clustered gap 1", "set key top left",
            "set ylabel 'w1 RTT, x tap (goal <= 2; log scale)'",
            "set logscale y", "set yrange [0.5:*]",
            "plot '%s' using 2:xtic(1) title '64 B apart', '' using 3 "
            "title '1472 B apart', '' using 4 title '64 B together', '' "
            "using 5 title '1472 B together', 2 with lines dt 2 title "
            "'goal'" % dat,
            "set ylabel 'w32 rate, x tap (goal >= 0.8)'",
            "unset logscale y", "set yrange [0:1.2]",
            "plot '%s' using 6:xtic(1) title '64 B apart', '' using 7 "
            "title '1472 B apart', '' using 8 title '64 B together', '' "
            "using 9 title '1472 B together', 0.8 with lines dt 2 title "
            "'goal'" % dat,
            "unset multiplot"]) + "\n")
        done.append("echo.png")
    print("plots: %s in %s" % (", ".join(done) or "none", dest))


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "?"
    return "%d CPUs (%s), Linux %s, load average %s" % (
        os.cpu_count() or 0, cpu, platform.release(), load)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--docs")
    ap.add_argument("--plots")
    a = ap.parse_args()

    echo = parse_echo(read(a.out, "bench-echo"))
    cap = parse_capacity(read(a.out, "bench-capacity"))
    pol = parse_policy(read(a.out, "bench-policy"))
    speed, qir = parse_queue(read(a.out, "bench-queue"))
    mux_text = read(a.out, "bench-mux") or read(a.out, "bench-mux-ir")
    mir, pipe = parse_mux(mux_text)
    times = parse_suite(a.out)
    wake = parse_wake(read(a.out, "bench-wake"))
    mach = parse_machine(read(a.out, "bench-machine"))

    r = Rows()
    machine_rows(r, mach)
    echo_rows(r, echo)
    wake_rows(r, wake)
    capacity_rows(r, cap)
    capacity_copy_remap(r, cap)
    mux_rows(r, mir, pipe)
    policy_rows(r, pol)
    queue_rows(r, speed, qir)
    vm_rows(r, parse_vm(read(a.out, "bench-vm")), "bench-vm" in times,
            a.check)
    suite_rows(r, times, a.check)

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    head = ["bench summary, %s UTC, commit %s%s" % (
                time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                commit or "?", "" if not subprocess.run(
                    ["git", "diff", "--quiet", "HEAD"]).returncode
                else " (+ uncommitted changes)"),
            "machine: %s" % machine(),
            "benchmarks (exit status, seconds): " + ", ".join(
                "%s (%s, %d)" % (t, v[0], v[1]) for t, v in times.items()
                if t != "total")]
    if "bench-vm" not in times and not a.check:
        head.append("bench-vm skipped (an L1 boot, 10-25 min): "
                    "make bench BENCH_VM=1, or make bench-vm alone")
    table = render(r.rows, head)
    print("\n" + table)

    if a.plots:
        plots(a.out, a.plots, cap, echo)
    if a.docs:
        blocks = {"summary": table}
        for name in times:
            text = read(a.out, name)
            if text is not None and name != "total":
                blocks[name] = text
        rewrite_docs(a.docs, blocks)
        print("docs: %s regenerated between its bench markers" % a.docs)

    if a.check:
        bad = [x for x in r.rows if x[4] == "missing"]
        for name, *_ in bad:
            print("bench-quick: FAILED: row missing: %s" % name)
        for (place, p, size), v in echo.items():
            if not v[2] > 0:
                bad.append(p)
                print("bench-quick: FAILED: echo %s %s %d B answered nothing"
                      % (place, p, size))
        for (mode, rate), v in cap.items():
            if not v[1] > 0:
                bad.append(mode)
                print("bench-quick: FAILED: capacity %s at %d pps delivered"
                      " nothing" % (mode, rate))
        # every path, two payloads, two placements each
        if len(echo) != 2 * 2 * len(ECHO_PATHS):
            bad.append("echo")
            print("bench-quick: FAILED: %d of %d echo rows"
                  % (len(echo), 2 * 2 * len(ECHO_PATHS)))
        if bad:
            sys.exit(1)
        print("bench-quick: every row present, every pipeline delivered")


main()
