#!/usr/bin/env python3
"""The peer of tests/integration/lwip_net.sh and scripts/demo.sh (`make
demo`), run inside their namespace: real Linux sockets against the
clients' echo services (clients/echo_client.c over lwIP; clients/
raw_responder.c answers UDP 1235 too; the bench client reflects UDP).
Each step is a subcommand, so the shell can read counters between them:

  sizes IP...    UDP echo on port 1235 of every payload size 1..1472, one
                 at a time: each must come back byte-identical from
                 (IP, 1235).
  sample IP...   the same for the SAMPLE sizes only (the demo's check).
  sample-list    print SAMPLE, one size per line.
  tcp IP...      a 1 MiB TCP echo transfer on port 1236 (sent while reading
                 back, so neither side's window stalls): byte-identical,
                 then a clean close.
  tcp-sizes IP N...
                 the same with N bytes each, a connection per N.
  rtt IP PORT COUNT
                 COUNT UDP echoes one at a time (window 1): prints "rtt IP
                 COUNT LOST MEDIAN_MS P99_MS"; fails on loss.
  load IP PORT SECONDS WINDOW
                 64-byte datagrams for SECONDS, at most WINDOW outstanding:
                 prints "load IP SENT BACK ALTERED PPS"; fails if one is
                 altered or not back within TIMEOUT.
  many IP...     COUNT UDP echoes with at most WINDOW outstanding (a
                 moderate rate): every one must come back, byte-identical;
                 one not back within TIMEOUT seconds counts as lost, and any
                 loss fails.
  arp TAP OWN_IP IP=MAC...
                 an ARP request (broadcast) for each IP from TAP, as OWN_IP:
                 each must be answered once, by exactly its MAC.
  frame TAP DST_MAC ETHERTYPE
                 one frame to DST_MAC of that ethertype (4 hex digits) and
                 a fixed 46-byte payload, from TAP's own MAC.
  count          print COUNT and the number of sizes (for the counters).
Exit status 0 only if all of it held.  Standard library only.
"""
import select
import socket
import struct
import sys
import time

UDP_PORT = 1235
TCP_PORT = 1236
SIZES = range(1, 1473)
SAMPLE = (1, 2, 17, 64, 100, 255, 256, 511, 512, 513, 1000, 1024, 1400, 1471,
          1472)
TCP_BYTES = 1 << 20
COUNT = 10000
WINDOW = 8
TIMEOUT = 2.0


def pattern(seed, n):
    return bytes((seed * 131 + i * 7 + (i >> 8)) & 255 for i in range(n))


def sizes(ip, which=SIZES):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    for n in which:
        payload = pattern(n, n)
        s.sendto(payload, (ip, UDP_PORT))
        data, src = s.recvfrom(4096)
        if data != payload or src != (ip, UDP_PORT):
            sys.exit("udp %s: %d bytes sent, %d back from %s" %
                     (ip, n, len(data), src))
    s.close()
    print("peer: %s: UDP echo of %d sizes (%d..%d) byte-identical" %
          (ip, len(which), min(which), max(which)))


def tcp(ip, nbytes=TCP_BYTES):
    payload = pattern(5, nbytes)
    s = socket.create_connection((ip, TCP_PORT), timeout=10)
    s.setblocking(False)
    sent, back = 0, bytearray()
    deadline = time.monotonic() + 60
    while len(back) < nbytes:
        if time.monotonic() > deadline:
            sys.exit("tcp %s: %d of %d bytes back after 60 s" %
                     (ip, len(back), nbytes))
        want_w = [s] if sent < nbytes else []
        r, w, _ = select.select([s], want_w, [], 1.0)
        if w:
            sent += s.send(payload[sent:sent + 65536])
        if r:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("tcp %s: closed after %d bytes" % (ip, len(back)))
            back += chunk
    if bytes(back) != payload:
        sys.exit("tcp %s: %d bytes came back altered" % (ip, nbytes))
    s.setblocking(True)
    s.settimeout(10)
    s.shutdown(socket.SHUT_WR)
    if s.recv(1):
        sys.exit("tcp %s: bytes after the echo" % ip)
    s.close()
    print("peer: %s: %d-byte TCP echo byte-identical" % (ip, nbytes))


def many(ip):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((ip, UDP_PORT))
    s.setblocking(False)
    outstanding = {}  # sequence -> (payload, time sent)
    nxt, done, lost = 0, 0, 0
    while done + lost < COUNT:
        while nxt < COUNT and len(outstanding) < WINDOW:
            payload = nxt.to_bytes(4, "big") + pattern(nxt, 60 + nxt % 200)
            s.send(payload)
            outstanding[nxt] = (payload, time.monotonic())
            nxt += 1
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            data = s.recv(4096)
            seq = int.from_bytes(data[:4], "big")
            if seq not in outstanding or outstanding[seq][0] != data:
                sys.exit("udp %s: echo %d altered or duplicated" % (ip, seq))
            del outstanding[seq]
            done += 1
        now = time.monotonic()
        for seq in [q for q, (_, t) in outstanding.items()
                    if now - t > TIMEOUT]:
            del outstanding[seq]
            lost += 1
    if lost:
        sys.exit("udp %s: %d of %d echoes lost" % (ip, lost, COUNT))
    print("peer: %s: %d UDP echoes, window %d, none lost" %
          (ip, COUNT, WINDOW))


def percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p% at or below it."""
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def rtt(ip, port, count):
    port, count = int(port), int(count)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((ip, port))
    s.settimeout(1.0)
    times, lost = [], 0
    for seq in range(count):
        payload = seq.to_bytes(4, "big") + pattern(seq, 60)
        t0 = time.perf_counter()
        s.send(payload)
        try:
            while True:  # a late answer to an earlier echo is skipped
                data = s.recv(4096)
                if data == payload:
                    break
        except socket.timeout:
            lost += 1
            continue
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    med = percentile(times, 50) if times else float("nan")
    p99 = percentile(times, 99) if times else float("nan")
    print("rtt %s %d %d %.3f %.3f" % (ip, count, lost, med, p99))
    if lost:
        sys.exit("udp %s: %d of %d echoes lost" % (ip, lost, count))


def load(ip, port, seconds, window):
    port, seconds, window = int(port), float(seconds), int(window)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((ip, port))
    s.setblocking(False)
    outstanding = {}  # sequence -> time sent
    sent, back, altered, lost = 0, 0, 0, 0
    start = time.monotonic()
    while True:
        now = time.monotonic()
        sending = now - start < seconds
        if not sending and not outstanding:
            break
        while sending and len(outstanding) < window:
            s.send(sent.to_bytes(4, "big") + pattern(sent, 60))
            outstanding[sent] = now
            sent += 1
        select.select([s], [], [], 0.05)
        while True:
            try:
                data = s.recv(4096)
            except BlockingIOError:
                break
            seq = int.from_bytes(data[:4], "big")
            if seq in outstanding and \
                    data == seq.to_bytes(4, "big") + pattern(seq, 60):
                del outstanding[seq]
                back += 1
            else:
                altered += 1
        now = time.monotonic()
        for seq in [q for q, t in outstanding.items() if now - t > TIMEOUT]:
            del outstanding[seq]
            lost += 1
    pps = back / (time.monotonic() - start)
    print("load %s %d %d %d %d" % (ip, sent, back, altered, pps))
    if altered or lost:
        sys.exit("udp %s: %d sent, %d back, %d altered, %d lost" %
                 (ip, sent, back, altered, lost))


def mac_bytes(text):
    return bytes(int(b, 16) for b in text.split(":"))


def packet_socket(tap):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((tap, 0))
    return s, s.getsockname()[4]


def arp(tap, own_ip, pairs):
    s, own_mac = packet_socket(tap)
    own_ip = socket.inet_aton(own_ip)
    for pair in pairs:
        ip, mac = pair.split("=")
        want = mac_bytes(mac)
        # Who has IP, tell OWN_IP (the namespace's address).
        request = (b"\xff" * 6 + own_mac + b"\x08\x06" +
                   struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + own_mac +
                   own_ip + b"\0" * 6 + socket.inet_aton(ip))
        s.send(request)
        s.settimeout(0.2)
        deadline = time.monotonic() + TIMEOUT
        answers = []
        while time.monotonic() < deadline:
            try:
                f, addr = s.recvfrom(65535)
            except socket.timeout:
                if answers:
                    break
                continue
            if addr[2] == socket.PACKET_OUTGOING or f[12:14] != b"\x08\x06":
                continue
            op = struct.unpack("!H", f[20:22])[0]
            if op == 2 and f[28:32] == socket.inet_aton(ip):
                answers.append(f[22:28])
        if answers != [want]:
            sys.exit("arp %s: answered by %s, want exactly %s" %
                     (ip, [a.hex(":") for a in answers], mac))
    print("peer: ARP requests for %d addresses each answered once by its"
          " MAC" % len(pairs))


def frame(tap, dst, ethertype):
    s, own_mac = packet_socket(tap)
    payload = b"sdvf-lwip-net " + bytes(range(32))
    s.send(mac_bytes(dst) + own_mac + bytes.fromhex(ethertype) + payload)


def main():
    cmd, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if cmd == "count":
        print(COUNT, len(SIZES))
    elif cmd == "sample-list":
        print("\n".join(str(n) for n in SAMPLE))
    elif cmd in ("sizes", "many") and args:
        for ip in args:
            globals()[cmd](ip)
    elif cmd == "sample" and args:
        for ip in args:
            sizes(ip, SAMPLE)
    elif cmd == "tcp" and args:
        for ip in args:
            tcp(ip)
    elif cmd == "tcp-sizes" and len(args) >= 2:
        for n in args[1:]:
            tcp(args[0], int(n))
    elif cmd == "rtt" and len(args) == 3:
        rtt(*args)
    elif cmd == "load" and len(args) == 4:
        load(*args)
    elif cmd == "arp" and len(args) >= 3:
        arp(args[0], args[1], args[2:])
    elif cmd == "frame" and len(args) == 3:
        frame(*args)
    else:
        sys.exit("usage: lwip_net_peer.py sizes|sample|many IP... | "
                 "tcp IP... | tcp-sizes IP N... | rtt IP PORT COUNT | "
                 "load IP PORT SECONDS WINDOW | sample-list | count | "
                 "arp TAP OWN_IP IP=MAC... | frame TAP DST_MAC ETHERTYPE")


if __name__ == "__main__":
    main()
