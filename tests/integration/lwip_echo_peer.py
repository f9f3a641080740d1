#!/usr/bin/env python3
"""The peer of tests/integration/lwip_echo.sh, run inside its namespace:
real Linux sockets against lwIP echo clients (clients/echo_client.c).

For each address given, in this order:
  1. UDP echo on port 1235 of every payload size in SIZES, one at a time:
     each must come back byte-identical from (address, 1235);
  2. a 1 MiB TCP echo transfer on port 1236 (sent while reading back, so
     neither side's window stalls): byte-identical, then a clean close;
  3. COUNT UDP echoes with at most WINDOW outstanding (a moderate rate):
     every one must come back, byte-identical; a datagram not back within
     TIMEOUT seconds counts as lost, and any loss fails.
`--sizes` prints SIZES, one per line (the shell checks the counters).

scripts/demo.sh (`make demo`) runs single steps, each its own check:
  --udp-sizes IP          step 1 alone
  --tcp-sizes IP N...     step 2 with N bytes each, a connection per N
  --rtt IP PORT COUNT     COUNT UDP echoes one at a time (window 1): prints
                          "rtt IP COUNT LOST MEDIAN_MS P99_MS"; fails on loss
  --load IP PORT SECONDS WINDOW
                          64-byte datagrams for SECONDS, at most WINDOW
                          outstanding: prints "load IP SENT BACK ALTERED
                          PPS"; fails if one is altered or not back within
                          TIMEOUT
Exit status 0 only if all of it held.  Standard library only.
"""
import select
import socket
import sys
import time

UDP_PORT = 1235
TCP_PORT = 1236
SIZES = (1, 2, 17, 64, 100, 255, 256, 511, 512, 513, 1000, 1024, 1400,
         1471, 1472)
TCP_BYTES = 1 << 20
COUNT = 10000
WINDOW = 8
TIMEOUT = 2.0


def pattern(seed, n):
    return bytes((seed * 131 + i * 7 + (i >> 8)) & 255 for i in range(n))


def udp_sizes(ip):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    for n in SIZES:
        payload = pattern(n, n)
        s.sendto(payload, (ip, UDP_PORT))
        data, src = s.recvfrom(4096)
        if data != payload or src != (ip, UDP_PORT):
            sys.exit("udp %s: %d bytes sent, %d back from %s" %
                     (ip, n, len(data), src))
    s.close()
    print("lwip_echo: %s: UDP echo of %d sizes (1..1472) byte-identical" %
          (ip, len(SIZES)))


def tcp_transfer(ip, nbytes=TCP_BYTES):
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
    print("lwip_echo: %s: %d-byte TCP echo byte-identical" % (ip, nbytes))


def udp_many(ip):
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
    print("lwip_echo: %s: %d UDP echoes, window %d, none lost" %
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


COMMANDS = {
    "--udp-sizes": udp_sizes,
    "--tcp-sizes": lambda ip, *ns: [tcp_transfer(ip, int(n)) for n in ns],
    "--rtt": rtt,
    "--load": load,
}


def main():
    if sys.argv[1:] == ["--sizes"]:
        print("\n".join(str(n) for n in SIZES))
        return
    if sys.argv[1:2] and sys.argv[1] in COMMANDS:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
        return
    for ip in sys.argv[1:]:
        udp_sizes(ip)
        tcp_transfer(ip)
        udp_many(ip)


if __name__ == "__main__":
    main()
