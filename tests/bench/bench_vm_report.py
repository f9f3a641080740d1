#!/usr/bin/env python3
"""The table of `make bench-vm` (tests/bench/bench_vm.sh).

    bench_vm_report.py CONSOLE_LOG HEADER_LINE...

Reads the "R ..." lines the L1 payload printed, one set per guest boot:
    R VMM RUN boot SECONDS guest_uptime SECONDS
    R VMM RUN w1|w32 BYTES <echo_peer load line> [kvm NAME=BEFORE:AFTER...]
    R VMM RUN exit STATUS
and prints, per metric and size, the median over the boots with min and
max for each VMM and the ratio, > 1 when sdvf is better (a rate: sdvf /
qemu; a time or a count: qemu / sdvf).  Exit 1 unless every boot exited 0
and answered every measurement.
"""
import statistics
import sys

VMMS = ("sdvf", "qemu")
# KVM's exit counters (L1's debugfs), shown per echo; "irq_other" is what
# the named ones leave of all exits: host interrupts while the guest ran
# (IPIs kicking a vCPU for an injected interrupt, the vGIC's maintenance
# interrupt at the EOI of a resampled level interrupt, timers) and traps.
KVM = ("exits", "mmio_exit_user", "mmio_exit_kernel", "wfi_exit_stat",
       "irq_other")
KVM_NAMED = ("mmio_exit_user", "mmio_exit_kernel", "wfi_exit_stat",
             "wfe_exit_stat", "hvc_exit_stat", "signal_exits")


def kvm_deltas(tokens):
    """NAME=BEFORE:AFTER tokens -> {name: after - before}, with irq_other."""
    d = {}
    for t in tokens:
        name, _, span = t.partition("=")
        a, _, b = span.partition(":")
        if a.isdigit() and b.isdigit():
            d[name] = int(b) - int(a)
    if "exits" in d and all(n in d for n in KVM_NAMED):
        d["irq_other"] = d["exits"] - sum(d[n] for n in KVM_NAMED)
    return d


def parse(path):
    data, misc, bad = {}, [], []

    def put(vmm, key, value):
        data.setdefault((vmm, key), []).append(value)

    with open(path, errors="replace") as f:
        for line in f:
            f_ = line.split()
            if len(f_) < 3 or f_[0] != "R":
                continue
            if f_[1] == "vm":
                misc.append(" ".join(f_[2:]))
                continue
            vmm, what = f_[1], f_[3] if len(f_) > 3 else ""
            if vmm not in VMMS:
                continue
            if what == "boot" and len(f_) >= 7:
                put(vmm, ("boot_to_init_s", "-"), float(f_[4]))
                if f_[6] != "?":
                    put(vmm, ("guest_uptime_s", "-"), float(f_[6]))
            elif what in ("w1", "w32"):
                kv = dict(zip(f_[5::2], f_[6::2]))
                size = f_[4]
                try:
                    sent, got = int(kv["sent"]), int(kv["received"])
                except (KeyError, ValueError):
                    bad.append(line.strip())
                    continue
                put(vmm, ("lost", size + " " + what), sent - got)
                if got == 0:
                    bad.append(line.strip())
                    continue
                if what == "w1":
                    put(vmm, ("w1_rtt_median_us", size),
                        float(kv["rtt_median_us"]))
                    put(vmm, ("w1_rtt_p99_us", size),
                        float(kv["rtt_p99_us"]))
                    if "kvm" in f_:
                        d = kvm_deltas(f_[f_.index("kvm") + 1:])
                        for name in KVM:
                            if name in d:
                                put(vmm, (name + "/echo", size),
                                    d[name] / got)
                else:
                    put(vmm, ("w32_rate_pps", size), float(kv["pps"]))
            elif what == "exit":
                put(vmm, ("exit", "-"), int(f_[4]))
                if f_[4] != "0":
                    bad.append(line.strip())
    return data, misc, bad


def higher_is_better(metric):
    return metric.startswith("w32_rate")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench_vm_report.py CONSOLE_LOG HEADER_LINE...")
    data, misc, bad = parse(sys.argv[1])
    boots = {v: len(data.get((v, ("exit", "-")), [])) for v in VMMS}
    print("bench-vm: sdvf-vmm vs QEMU vhost-net, the same guest in one L1"
          " boot; %d + %d guest boots, interleaved" %
          (boots["sdvf"], boots["qemu"]))
    for h in sys.argv[2:] + misc:
        if h:
            print("  " + h)
    print("  ratio: > 1 means sdvf is better (rate: sdvf/qemu; time or"
          " count: qemu/sdvf)")
    print("%-22s %-6s %-26s %-26s %s" % ("metric", "bytes",
          "sdvf median [min..max]", "qemu median [min..max]", "ratio"))
    order = [("boot_to_init_s", "-"), ("guest_uptime_s", "-")]
    for size in ("64", "1472"):
        order += [("w1_rtt_median_us", size), ("w1_rtt_p99_us", size),
                  ("w32_rate_pps", size)]
    for size in ("64", "1472"):
        order += [(k + "/echo", size) for k in KVM]
    for key in order:
        cells, med = [], {}
        for v in VMMS:
            xs = data.get((v, key))
            if not xs:
                cells.append("-")
                continue
            med[v] = statistics.median(xs)
            fmt = "%.2f" if key[0].endswith("_s") or "/echo" in key[0] \
                else "%.0f"
            cells.append((fmt + " [" + fmt + ".." + fmt + "]") %
                         (med[v], min(xs), max(xs)))
        ratio = "-"
        if len(med) == 2 and min(med.values()) > 0:
            r = med["sdvf"] / med["qemu"] if higher_is_better(key[0]) \
                else med["qemu"] / med["sdvf"]
            ratio = "%.2fx" % r
        print("%-22s %-6s %-26s %-26s %s" % (key[0], key[1], cells[0],
                                             cells[1], ratio))
    lost = {v: sum(sum(xs) for (vv, k), xs in data.items()
                   if vv == v and k[0] == "lost") for v in VMMS}
    print("lost datagrams, all runs: sdvf %d, qemu %d" %
          (lost["sdvf"], lost["qemu"]))
    for line in bad:
        print("bench-vm: FAILED: " + line)
    if bad or 0 in boots.values():
        sys.exit(1)


main()
