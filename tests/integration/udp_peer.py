#!/usr/bin/env python3
"""A scripted host on the ENET model's `udp` wire (one Ethernet frame, no
FCS, per datagram), for tests/integration/enet_udp.sh.

It binds the model's udp_remote, sends to its udp_local, and plays a host
at PEER_IP/PEER_MAC against raw_responder at RESP_IP/RESP_MAC, in this order
(so the system's pcap_record capture is in this order too):
  0. no socket can bind the model's port beside it (plain, SO_REUSEADDR or
     SO_REUSEPORT: EADDRINUSE);
  1. an ARP request for RESP_IP; the reply must carry RESP_MAC and answer
     exactly what was asked;
  2. a valid ICMP echo request from another port on 127.0.0.1, another
     from 127.0.0.2 at the peer's port, and an empty datagram from the
     peer: the wire must drop all three, so nothing comes back;
  3. 5 ICMP echo requests (seq 1..5); each reply must match the request
     byte for byte where the protocol determines it (addresses, id, seq,
     payload, ICMP checksum) and carry a valid IPv4 header checksum;
  4. UDP datagrams of 1, 512 and 1472 bytes to port 1235; each echo must
     come back byte-identical with ports swapped and a valid checksum.
Every frame that arrives must be the reply expected next; every receive is
bounded by a timeout.  Replies shorter than 60 bytes are expected padded to
60 (--min-frame, as the silicon MAC pads them; 0 for the model playing
QEMU's ENET, which sends them as they are).  Exit status 0 only if all of it held.  Standard
library only.
"""
import argparse
import errno
import select
import socket
import struct
import sys

ETH_ARP = 0x0806
ETH_IPV4 = 0x0800
MIN_FRAME = 60  # without FCS: what silicon pads shorter frames to
RESP_UDP_PORT = 1235
PEER_UDP_PORT = 40000
ICMP_ID = 0x5D0F
ICMP_COUNT = 5
UDP_SIZES = (1, 512, 1472)


class PeerError(Exception):
    pass


def mac_bytes(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise ValueError("MAC %r" % text)
    return bytes(int(p, 16) for p in parts)


def csum(data, start=0):
    """The Internet checksum (RFC 1071) of data, seeded with start."""
    if len(data) % 2:
        data += b"\0"
    total = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4_header(src, dst, proto, payload_len, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident,
                      0x4000, 64, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]


def udp_segment(src_ip, dst_ip, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = struct.pack("!4s4sBBH", src_ip, dst_ip, 0, 17, length)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + payload
    c = csum(pseudo + seg)
    return seg[:6] + struct.pack("!H", c if c else 0xFFFF) + seg[8:]


def icmp_echo(kind, ident, seq, payload):
    msg = struct.pack("!BBHHH", kind, 0, 0, ident, seq) + payload
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


class Peer:
    def __init__(self, args):
        self.model = ("127.0.0.1", args.model_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.port = args.peer_port
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.settimeout(args.timeout)
        self.timeout = args.timeout
        self.mac = mac_bytes(args.peer_mac)
        self.ip = socket.inet_aton(args.peer_ip)
        self.resp_mac = mac_bytes(args.resp_mac)
        self.resp_ip = socket.inet_aton(args.resp_ip)
        self.ident = 1
        self.min_frame = args.min_frame

    def send(self, frame, sock=None):
        (sock or self.sock).sendto(frame, self.model)

    def receive(self, what):
        try:
            frame, src = self.sock.recvfrom(65535)
        except socket.timeout:
            raise PeerError("%s: nothing within %.1f s" % (what, self.timeout))
        if src != self.model:
            raise PeerError("%s: datagram from %s, not the model %s"
                            % (what, src, self.model))
        return frame

    def expect_frame(self, what, frame, expected, ignore=()):
        """frame must equal expected except at the byte offsets in ignore,
        padded with zeros to min_frame as the sending MAC pads it."""
        want = expected + bytes(max(0, self.min_frame - len(expected)))
        if len(frame) != len(want):
            raise PeerError("%s: %d bytes, expected %d: %s"
                            % (what, len(frame), len(want), frame.hex()))
        for i, (got, exp) in enumerate(zip(frame, want)):
            if got != exp and i not in ignore:
                raise PeerError("%s: byte %d is 0x%02x, expected 0x%02x: %s"
                                % (what, i, got, exp, frame.hex()))

    def eth(self, dst, etype):
        return dst + self.mac + struct.pack("!H", etype)

    def ipv4_to_responder(self, proto, payload):
        self.ident += 1
        return (self.eth(self.resp_mac, ETH_IPV4) +
                ipv4_header(self.ip, self.resp_ip, proto, len(payload),
                            self.ident) + payload)

    def check_ip_reply(self, what, frame):
        """The reply's IPv4 header: its checksum is valid (TTL, ID and the
        flags are the responder's choice, not compared)."""
        if csum(frame[14:34]) != 0:
            raise PeerError("%s: bad IPv4 header checksum: %s"
                            % (what, frame[14:34].hex()))

    # Offsets in an IPv4 reply frame left to the responder: ID, flags and
    # fragment offset, TTL, header checksum (checked valid separately).
    IP_FREE = set(range(18, 22)) | {22} | {24, 25}

    def arp(self):
        request = (self.eth(b"\xff" * 6, ETH_ARP) +
                   struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, 1,
                               self.mac, self.ip, bytes(6), self.resp_ip))
        self.send(request)
        reply = (self.eth(self.mac, ETH_ARP)[:6] + self.resp_mac +
                 struct.pack("!H", ETH_ARP) +
                 struct.pack("!HHBBH6s4s6s4s", 1, ETH_IPV4, 6, 4, 2,
                             self.resp_mac, self.resp_ip, self.mac, self.ip))
        self.expect_frame("arp reply", self.receive("arp reply"), reply)
        print("udp_peer: ARP: %s is-at %s" % (
            socket.inet_ntoa(self.resp_ip), self.resp_mac.hex(":")))

    def hijack(self):
        """No other socket may bind the model's port, whatever it sets: an
        unprivileged process must not receive the frames sent to it."""
        for opt in (None, socket.SO_REUSEADDR, socket.SO_REUSEPORT):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                if opt is not None:
                    s.setsockopt(socket.SOL_SOCKET, opt, 1)
                try:
                    s.bind(self.model)
                except OSError as e:
                    if e.errno != errno.EADDRINUSE:
                        raise PeerError("binding the model's port: %s" % e)
                    continue
                raise PeerError("bound the model's port %s beside it "
                                "(option %s)" % (self.model, opt))
            finally:
                s.close()
        print("udp_peer: the model's port cannot be bound beside it")

    def foreign(self, quiet_s):
        """What the wire must drop, each counted by its reason: a valid echo
        request from another port (rx_foreign_port), the same from another
        address at the peer's port (127.0.0.2, rx_foreign_addr), and an
        empty datagram from the peer (rx_empty).  Nothing may come back."""
        others = []
        try:
            for seq, addr in ((98, ("127.0.0.1", 0)),
                              (99, ("127.0.0.2", self.port))):
                other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                others.append(other)
                other.bind(addr)
                payload = icmp_echo(8, ICMP_ID, seq, b"foreign")
                self.send(self.ipv4_to_responder(1, payload), sock=other)
            self.send(b"")
            ready, _, _ = select.select([self.sock] + others, [], [],
                                        quiet_s)
            for sock in ready:
                frame, src = sock.recvfrom(65535)
                raise PeerError("a dropped datagram was answered: %s from %s"
                                % (frame.hex(), src))
        finally:
            for other in others:
                other.close()
        print("udp_peer: other port, other address, empty datagram: "
              "no reply in %.1f s" % quiet_s)

    def pings(self):
        for seq in range(1, ICMP_COUNT + 1):
            data = bytes((seq + i) & 0xFF for i in range(56))
            request = self.ipv4_to_responder(1, icmp_echo(8, ICMP_ID, seq,
                                                          data))
            self.send(request)
            what = "echo reply %d" % seq
            reply = self.receive(what)
            expected = (self.eth(self.mac, ETH_IPV4)[:6] + self.resp_mac +
                        struct.pack("!H", ETH_IPV4) +
                        ipv4_header(self.resp_ip, self.ip, 1, 64, 0) +
                        icmp_echo(0, ICMP_ID, seq, data))
            self.expect_frame(what, reply, expected, self.IP_FREE)
            self.check_ip_reply(what, reply)
        print("udp_peer: ICMP: %d echo replies, id 0x%04x seq 1..%d"
              % (ICMP_COUNT, ICMP_ID, ICMP_COUNT))

    def udp_echoes(self):
        for n, size in enumerate(UDP_SIZES):
            data = bytes((i * 7 + n) & 0xFF for i in range(size))
            seg = udp_segment(self.ip, self.resp_ip, PEER_UDP_PORT,
                              RESP_UDP_PORT, data)
            self.send(self.ipv4_to_responder(17, seg))
            what = "udp echo of %d bytes" % size
            reply = self.receive(what)
            back = udp_segment(self.resp_ip, self.ip, RESP_UDP_PORT,
                               PEER_UDP_PORT, data)
            expected = (self.eth(self.mac, ETH_IPV4)[:6] + self.resp_mac +
                        struct.pack("!H", ETH_IPV4) +
                        ipv4_header(self.resp_ip, self.ip, 17, len(back), 0) +
                        back)
            self.expect_frame(what, reply, expected, self.IP_FREE)
            self.check_ip_reply(what, reply)
        print("udp_peer: UDP: %s-byte datagrams echoed byte-identical"
              % "/".join(str(s) for s in UDP_SIZES))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-port", type=int, required=True)
    ap.add_argument("--peer-port", type=int, required=True)
    ap.add_argument("--peer-mac", default="02:00:00:00:e7:fe")
    ap.add_argument("--peer-ip", default="10.213.7.1")
    ap.add_argument("--resp-mac", default="02:00:00:00:e7:02")
    ap.add_argument("--resp-ip", default="10.213.7.2")
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--min-frame", type=int, default=MIN_FRAME,
                    help="replies shorter are expected padded to this")
    ap.add_argument("--quiet", type=float, default=0.5,
                    help="seconds the dropped datagrams must go unanswered")
    args = ap.parse_args()
    peer = Peer(args)
    try:
        peer.hijack()
        peer.arp()
        peer.foreign(args.quiet)
        peer.pings()
        peer.udp_echoes()
    except PeerError as e:
        print("udp_peer: FAILED: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
