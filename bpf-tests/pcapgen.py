#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
"""Write the packet fixtures of the bpfnic test corpus.

One classic pcap (LINKTYPE_ETHERNET) per program in bpf-tests/progs/, named
after it, 20-200 frames each, built to walk every path of that program:
good traffic, each policy outcome, and malformed frames (14-byte frames,
truncated headers, wrong versions, bad checksums, VLAN tags, fragments, IP
options, 60-byte minimum frames with padding and frames up to 1514 bytes).
Output is deterministic: same script, same bytes.  Standard library only.

usage: pcapgen.py --out DIR [NAME ...]
"""
import argparse
import os
import random
import struct
import sys

# ---------------------------------------------------------------- addresses
MAC_CLIENT = bytes.fromhex("020000000001")
MAC_US = bytes.fromhex("020000000002")
MAC_BCAST = b"\xff" * 6

ETH_P_IP, ETH_P_ARP, ETH_P_IPV6 = 0x0800, 0x0806, 0x86DD
ETH_P_8021Q, ETH_P_8021AD = 0x8100, 0x88A8
ETH_P_TEST, ETH_P_STAMP = 0x88B5, 0x88B6
TCP, UDP, ICMP, ICMPV6, IPIP, IPV6_IN_4 = 6, 17, 1, 58, 4, 41
HOP, ROUTING, FRAG, DSTOPTS, NONXT, ESP = 0, 43, 44, 60, 59, 50
F_FIN, F_SYN, F_RST, F_PSH, F_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    """Expand an IPv6 literal (with at most one '::') to 16 bytes."""
    if "::" in s:
        head, tail = s.split("::")
        h = [x for x in head.split(":") if x]
        t = [x for x in tail.split(":") if x]
        words = h + ["0"] * (8 - len(h) - len(t)) + t
    else:
        words = s.split(":")
    return b"".join(struct.pack("!H", int(w, 16)) for w in words)


# ---------------------------------------------------------------- checksums
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, nh, length):
    return src + dst + struct.pack("!I3xB", length, nh)


# ---------------------------------------------------------------- headers
def eth(etype, payload, dst=MAC_US, src=MAC_CLIENT):
    return dst + src + struct.pack("!H", etype) + payload


def vlan(vid, etype, payload, pcp=0):
    return struct.pack("!HH", (pcp << 13) | vid, etype) + payload


def ipv4(src, dst, proto, payload, ttl=64, tos=0, ident=1, frag=0, options=b"",
         version=4, ihl=None, tot_len=None, check=None):
    """frag: the 16-bit flags+offset field (0x2000 = MF, offset in 8-byte units)."""
    if ihl is None:
        ihl = 5 + len(options) // 4
    if tot_len is None:
        tot_len = 20 + len(options) + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, tos, tot_len, ident, frag,
                      ttl, proto, 0, ip4(src), ip4(dst)) + options
    if check is None:
        check = csum(hdr)
    return hdr[:10] + struct.pack("!H", check) + hdr[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64, tclass=0, flow=0, version=6, plen=None):
    if plen is None:
        plen = len(payload)
    vtf = version << 28 | tclass << 20 | flow
    return struct.pack("!IHBB", vtf, plen, nh, hlim) + ip6(src) + ip6(dst) + payload


def l4_csum(proto, seg, src, dst, v6):
    if v6:
        return csum(pseudo6(ip6(src), ip6(dst), proto, len(seg)) + seg)
    return csum(pseudo4(ip4(src), ip4(dst), proto, len(seg)) + seg)


def udp(src, dst, sport, dport, payload, v6=False, zero_csum=False):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = 0 if zero_csum else (l4_csum(UDP, seg, src, dst, v6) or 0xFFFF)
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(src, dst, sport, dport, flags=F_ACK, payload=b"", seq=1000, v6=False):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload
    c = l4_csum(TCP, seg, src, dst, v6)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp4(typ, code, payload=b"", ident=0x1234, seq=1):
    msg = struct.pack("!BBHHH", typ, code, 0, ident, seq) + payload
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def icmp6(src, dst, typ, code, payload=b"", ident=0x4321, seq=1):
    msg = struct.pack("!BBHHH", typ, code, 0, ident, seq) + payload
    c = l4_csum(ICMPV6, msg, src, dst, True)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def arp(sip="10.0.0.1", tip="10.0.0.2"):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1, MAC_CLIENT, ip4(sip),
                       b"\0" * 6, ip4(tip))


def ext(nh, body_len8=0, kind=None):
    """A generic IPv6 extension header: next header, length in 8-byte units."""
    body = bytes(6 + 8 * body_len8)
    if kind is not None:            # routing header: routing type, segments left
        body = bytes([kind, 1]) + body[2:]
    return bytes([nh, body_len8]) + body


def frag6(nh, offset=0, more=False, ident=0x1234):
    return struct.pack("!BBHI", nh, 0, (offset << 3) | int(more), ident)


def pad(frame, size=60):
    """Ethernet minimum-size padding (zeros), as a NIC delivers short frames."""
    return frame + bytes(max(0, size - len(frame)))


def payload(n, seed=0):
    return bytes((seed + i * 7) & 0xFF for i in range(n))


def udp4(src, dst, sport, dport, n=18, **kw):
    """Ethernet + IPv4 + UDP with an n-byte payload, padded to 60 bytes."""
    return pad(eth(ETH_P_IP, ipv4(src, dst, UDP, udp(src, dst, sport, dport, payload(n)), **kw)))


def tcp4(src, dst, sport, dport, flags=F_ACK, n=0, **kw):
    seg = tcp(src, dst, sport, dport, flags, payload(n))
    return pad(eth(ETH_P_IP, ipv4(src, dst, TCP, seg, **kw)))


def udp6(src, dst, sport, dport, n=16, **kw):
    return pad(eth(ETH_P_IPV6, ipv6(src, dst, UDP, udp(src, dst, sport, dport, payload(n), True), **kw)))


def tcp6(src, dst, sport, dport, n=0, **kw):
    return pad(eth(ETH_P_IPV6, ipv6(src, dst, TCP, tcp(src, dst, sport, dport, F_ACK, payload(n), v6=True), **kw)))


def common_junk():
    """Frames every parser must survive."""
    return [
        eth(ETH_P_IP, b""),                              # 14 bytes, nothing after
        eth(ETH_P_IPV6, b""),
        eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, b"")[:10]),  # truncated IPv4
        pad(eth(ETH_P_ARP, arp())),
        pad(eth(0x0042, b"\xaa\xaa\x03" + bytes(40))),  # 802.3 length field
    ]


# ---------------------------------------------------------------- generators
GENERATORS = {}


def gen(fn):
    GENERATORS[fn.__name__] = fn
    return fn


@gen
def drop_ethertype():
    f = []
    for i, size in enumerate((18, 100, 500, 1000, 1400)):
        f.append(udp4("10.0.0.1", "10.0.0.2", 1000 + i, 53, n=size))
        f.append(udp6("2001:db8::1", "2001:db8::2", 1000 + i, 53, n=size))
    for i in range(5):
        f.append(tcp4("10.0.0.%d" % (i + 1), "10.0.0.9", 40000 + i, 80))
        f.append(tcp6("2001:db8::%x" % (i + 1), "2001:db8::9", 40000 + i, 80))
    f.append(pad(eth(ETH_P_8021Q, vlan(10, ETH_P_IPV6, ipv6("::1", "::2", NONXT, b"")))))
    f.append(pad(eth(ETH_P_8021Q, vlan(10, ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, b"")))))
    f.append(pad(eth(ETH_P_TEST, b"x")))
    f.append(pad(eth(0x86DE, b"not ipv6")))            # one off
    f.append(pad(eth(0xDD86, b"byte-swapped ipv6")))   # byte order trap
    f.append(eth(ETH_P_IPV6, bytes(1500)))
    f += common_junk()
    return f


@gen
def l4lb():
    f = []
    vip, vip2, vip3, vip4 = "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"
    for i in range(16):                                # web VIP, 4 reals
        f.append(tcp4("10.0.%d.%d" % (i // 4, 10 + i), vip, 30000 + 97 * i, 80,
                      flags=F_SYN if i % 3 == 0 else F_ACK, n=(0, 100, 1300)[i % 3]))
    for i in range(8):                                 # DNS VIP, no source port in hash
        f.append(udp4("10.0.1.%d" % (i % 3 + 1), vip, 5000 + i, 53, n=30 + i))
    for i in range(8):                                 # VIP whose real range overruns reals
        f.append(tcp4("10.0.2.%d" % (i + 1), vip3, 1024 + i, 8080))
    f.append(tcp4("10.0.0.1", vip2, 1234, 443))       # VIP without reals
    f.append(tcp4("10.0.0.1", vip, 1234, 81))         # not a VIP port
    f.append(udp4("10.0.0.1", vip, 1234, 80))         # not a VIP protocol on :80
    f.append(tcp4("10.0.0.1", vip4, 1234, 80))        # not a VIP address
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", vip, ICMP, icmp4(8, 0)))))
    f.append(tcp4("10.0.0.1", vip, 1234, 80, frag=0x2000))   # first fragment
    f.append(tcp4("10.0.0.1", vip, 1234, 80, frag=0x0010))   # later fragment
    f.append(tcp4("10.0.0.1", vip, 1234, 80, options=b"\x01\x01\x01\x00"))  # IP options
    f.append(tcp4("10.0.0.1", vip, 1234, 80, version=6))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", vip, TCP, b"\x04")))  # L4 < 4 bytes
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", vip, TCP, tcp("10.0.0.1", vip, 4321, 80, F_SYN))))   # unpadded 54 bytes
    f.append(tcp6("2001:db8::1", "2001:db8::2", 1, 80))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.7", vip, TCP, tcp("10.0.0.7", vip, 999, 80, F_ACK, payload(1440)))))
    f += common_junk()
    return f


@gen
def ipip_decap():
    f = []
    ep1, ep2 = "10.1.0.1", "10.1.0.2"
    for i in range(6):
        inner = ipv4("10.0.0.%d" % (i + 1), "192.0.2.1", TCP,
                     tcp("10.0.0.%d" % (i + 1), "192.0.2.1", 2000 + i, 80, payload=payload(i * 200)))
        f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1 if i % 2 else ep2, IPIP, inner))))
    for i in range(4):
        inner = ipv6("2001:db8::%x" % (i + 1), "2001:db8::100", UDP,
                     udp("2001:db8::%x" % (i + 1), "2001:db8::100", 53, 53, payload(40 + i), True))
        f.append(pad(eth(ETH_P_IP, ipv4("198.51.100.1", ep1, IPV6_IN_4, inner))))
    inner4 = ipv4("10.0.0.1", "192.0.2.1", UDP, udp("10.0.0.1", "192.0.2.1", 1, 2, payload(20)))
    inner6 = ipv6("2001:db8::1", "2001:db8::2", NONXT, b"")
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", "10.9.9.9", IPIP, inner4))))       # not ours
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner4,
                                    options=b"\x94\x04\x00\x00"))))                # outer options
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner6))))             # IPIP, inner v6
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep2, IPV6_IN_4, inner4))))        # 6in4, inner v4
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner4, frag=0x2000))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner4, frag=0x0020))))
    f.append(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, b"")))                     # no inner
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner4, ihl=4))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner4, version=6))))
    f.append(eth(ETH_P_IP, ipv4("10.1.255.1", ep1, IPIP, inner4[:20], ihl=15)))      # inner past end
    f.append(udp4("10.0.0.1", ep1, 1, 2))
    f.append(tcp6("2001:db8::1", "2001:db8::2", 1, 2))
    big = ipv4("10.0.0.9", "192.0.2.1", UDP, udp("10.0.0.9", "192.0.2.1", 9, 9, payload(1400)))
    f.append(eth(ETH_P_IP, ipv4("10.1.255.1", ep2, IPIP, big)))
    f += common_junk()
    return f


@gen
def ddos_filter():
    f = []
    rng = random.Random(4)
    for i in range(12):                                # well-behaved sources
        f.append(udp4("10.0.0.%d" % (1 + i % 4), "10.0.9.1", 1000 + i, 53, n=rng.randrange(10, 200)))
    for i in range(8):                                 # packet-rate offender (limit 5)
        f.append(tcp4("10.0.0.5", "10.0.9.1", 40000, 80, flags=F_SYN))
    for i in range(3):                                 # byte-rate offender (limit 3000)
        f.append(udp4("10.0.0.6", "10.0.9.1", 7, 7, n=1400))
    for src in ("10.0.0.66", "10.0.0.67", "10.0.0.66"):   # blocked
        f.append(tcp4(src, "10.0.9.1", 1, 80, flags=F_SYN))
    for i in range(3):                                 # expired block: deleted, then counted
        f.append(udp4("10.0.0.70", "10.0.9.1", 2, 53))
    f.append(pad(eth(ETH_P_8021Q, vlan(7, ETH_P_IP, ipv4("10.0.0.66", "10.0.9.1", UDP,
                                                            udp("10.0.0.66", "10.0.9.1", 1, 2, b"x"))))))
    f.append(pad(eth(ETH_P_8021Q, vlan(7, ETH_P_IP, ipv4("10.0.0.8", "10.0.9.1", UDP,
                                                            udp("10.0.0.8", "10.0.9.1", 1, 2, b"x"))))))
    f.append(eth(ETH_P_8021Q, b"\x00\x07"))           # truncated tag
    f.append(pad(eth(ETH_P_8021Q, vlan(7, ETH_P_IPV6, b""))))
    f.append(udp4("10.0.0.9", "10.0.9.1", 1, 2, version=5))
    f.append(udp4("10.0.0.9", "10.0.9.1", 1, 2, ihl=3))
    f.append(udp6("2001:db8::66", "2001:db8::1", 1, 2))
    f += common_junk()
    return f


@gen
def vlan_parser():
    f = []
    ip = ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 1, 2, payload(20)))
    ip6p = ipv6("2001:db8::1", "2001:db8::2", NONXT, b"")
    f += [pad(eth(ETH_P_IP, ip)), pad(eth(ETH_P_IPV6, ip6p)), pad(eth(ETH_P_ARP, arp()))]
    f.append(pad(eth(ETH_P_TEST, b"unknown")))
    for vid, pcp in ((100, 0), (100, 7), (200, 0), (300, 3), (4095, 0), (1, 7)):
        f.append(pad(eth(ETH_P_8021Q, vlan(vid, ETH_P_IP, ip, pcp))))
        f.append(pad(eth(ETH_P_8021Q, vlan(vid, ETH_P_IPV6, ip6p, pcp))))
    f.append(pad(eth(ETH_P_8021Q, vlan(100, ETH_P_ARP, arp()))))
    f.append(pad(eth(ETH_P_8021Q, vlan(100, 0x9000, b"loopback"))))
    f.append(pad(eth(ETH_P_8021Q, vlan(0, ETH_P_IP, ip))))             # priority tag
    f.append(pad(eth(ETH_P_8021Q, vlan(0, ETH_P_IP, ip, 7))))
    f.append(pad(eth(ETH_P_8021AD, vlan(10, ETH_P_8021Q, vlan(200, ETH_P_IP, ip)))))   # QinQ
    f.append(pad(eth(ETH_P_8021AD, vlan(200, ETH_P_8021Q, vlan(100, ETH_P_IP, ip)))))
    f.append(pad(eth(ETH_P_8021AD, vlan(20, ETH_P_8021Q, vlan(300, ETH_P_IPV6, ip6p)))))
    f.append(pad(eth(ETH_P_8021Q, vlan(20, ETH_P_8021Q, vlan(30, ETH_P_ARP, arp())))))
    f.append(pad(eth(ETH_P_8021AD, vlan(1, ETH_P_8021Q, vlan(2, ETH_P_8021Q, vlan(3, ETH_P_IP, ip))))))
    f.append(eth(ETH_P_8021Q, b"\x00\x64"))                             # truncated tag
    f.append(eth(ETH_P_8021AD, vlan(10, ETH_P_8021Q, b"\x00")))         # truncated inner tag
    f.append(eth(ETH_P_8021Q, vlan(100, ETH_P_IP, b"")))                # tag, no IP byte
    f.append(pad(eth(ETH_P_8021Q, vlan(100, ETH_P_IP, b"\x65" + ip[1:]))))   # IP version 6
    f.append(pad(eth(ETH_P_IP, b"\x35" + ip[1:])))                       # IP version 3
    f.append(eth(ETH_P_8021Q, vlan(100, ETH_P_IPV6, bytes(1400))))
    f += common_junk()
    return f


SIR = "2001:db8:0:1"
LOC_A, LOC_B = "2001:db8:aa:1", "2001:db8:bb:2"


@gen
def ila_rewrite():
    f = []
    cl = "2001:db8:ffff::10"
    a, b = SIR + "::1234", SIR + "::5678"
    for i in range(4):
        f.append(tcp6(cl, a, 1000 + i, 80, n=i * 300))
        f.append(pad(eth(ETH_P_IPV6, ipv6(cl, a, UDP, udp(cl, a, 53, 2000 + i, payload(20 + i), True)))))
    f.append(pad(eth(ETH_P_IPV6, ipv6(cl, a, UDP, udp(cl, a, 53, 53, payload(8), True, zero_csum=True)))))
    f.append(pad(eth(ETH_P_IPV6, ipv6(cl, a, ICMPV6, icmp6(cl, a, 128, 0, payload(32))))))
    f.append(pad(eth(ETH_P_IPV6, ipv6(cl, a, ICMPV6, icmp6(cl, a, 129, 0, payload(7))))))
    for i in range(3):                                       # "no action" mode: no L4 fix-up
        f.append(tcp6(cl, b, 3000 + i, 443, n=50))
    f.append(pad(eth(ETH_P_IPV6, ipv6(cl, b, ICMPV6, icmp6(cl, b, 128, 0)))))
    f.append(tcp6(cl, SIR + "::9999", 1, 80))                # unknown identifier
    f.append(tcp6(cl, "2001:db8:0:2::1234", 1, 80))          # outside the SIR prefix
    f.append(tcp6(cl, "2001:db8::1234", 1, 80))
    f.append(tcp6(cl, a, 1, 80, hlim=1))
    f.append(tcp6(cl, a, 1, 80, hlim=0))
    f.append(tcp6(cl, a, 1, 80, hlim=2))
    f.append(pad(eth(ETH_P_IPV6, ipv6(cl, a, FRAG, frag6(TCP, 0, True) + payload(24)))))
    f.append(eth(ETH_P_IPV6, ipv6(cl, a, TCP, tcp(cl, a, 1, 80, v6=True)[:12])))   # TCP cut short
    f.append(eth(ETH_P_IPV6, ipv6(cl, a, UDP, b"\x00\x35\x00")))                    # UDP cut short
    f.append(pad(eth(ETH_P_IPV6, ipv6(cl, a, 99, payload(20)))))                   # other next header
    f.append(tcp6(cl, a, 1, 80, version=4))
    f.append(eth(ETH_P_IPV6, ipv6(cl, a, TCP, b"")[:30]))
    f.append(eth(ETH_P_IPV6, ipv6(cl, a, UDP, udp(cl, a, 9, 9, payload(1400), True))))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f += common_junk()
    return f


@gen
def pkt_counter():
    f = []
    rng = random.Random(7)
    for i in range(50):
        kind = i % 6
        if kind == 0:
            f.append(udp4("10.0.0.1", "10.0.0.2", i, 53, n=rng.randrange(0, 1400)))
        elif kind == 1:
            f.append(tcp6("2001:db8::1", "2001:db8::2", i, 80, n=rng.randrange(0, 1400)))
        elif kind == 2:
            f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp4(8, 0, payload(rng.randrange(0, 40))))))
        elif kind == 3:
            f.append(eth(ETH_P_IP, b""))
        elif kind == 4:
            f.append(pad(eth(ETH_P_ARP, arp())))
        else:
            f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", 47, payload(1100 + i))))
    f.append(eth(ETH_P_IPV6, ipv6("::1", "::2", NONXT, b"")[:20]))
    return f


@gen
def perf_events():
    f = []
    rng = random.Random(31)
    for i in range(36):
        kind = i % 6
        src, dst = "10.0.%d.%d" % (i // 8, i % 8 + 1), "192.0.2.%d" % (i % 5 + 1)
        ttl = 1 if i % 7 == 3 else 64
        if kind in (0, 1):
            f.append(udp4(src, dst, 1000 + i, 53, n=rng.randrange(0, 400), ttl=ttl))
        elif kind in (2, 3):
            f.append(tcp4(src, dst, 2000 + i, 443, n=rng.randrange(0, 400), ttl=ttl))
        elif kind == 4:
            f.append(eth(ETH_P_IP, ipv4(src, dst, ICMP, icmp4(8, 0, payload(8)))))
        else:
            f.append(pad(eth(ETH_P_ARP, arp())))
    f.append(eth(ETH_P_IP, ipv4("10.9.9.9", "10.0.0.1", UDP, b"\x00\x35")))   # ports cut short
    f += common_junk()
    return f


@gen
def vlan_push_pop():
    f = []
    ip = ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 1, 2, payload(20)), tos=0xB8)
    for i in range(5):
        f.append(pad(eth(ETH_P_8021Q, vlan(200, ETH_P_IP, ip, pcp=i))))
    f.append(pad(eth(ETH_P_8021Q, vlan(200, ETH_P_ARP, arp()))))
    f.append(eth(ETH_P_8021Q, vlan(200 | 0x1000, ETH_P_IPV6, bytes(1000))))   # CFI/DEI bit set
    f.append(pad(eth(ETH_P_8021Q, vlan(100, ETH_P_IP, ip))))
    f.append(pad(eth(ETH_P_8021Q, vlan(201, ETH_P_IP, ip))))
    f.append(eth(ETH_P_8021Q, b"\x00"))
    for tos in (0x00, 0x20, 0xB8, 0xE0, 0xFF):
        f.append(udp4("10.0.0.3", "10.0.0.4", 5, 6, tos=tos))
    for i in range(3):
        f.append(tcp6("2001:db8::1", "2001:db8::2", i, 80, n=i * 500))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.3", "10.0.0.4", UDP, b"")[:12]))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.3", "10.0.0.4", UDP, udp("10.0.0.3", "10.0.0.4", 1, 1, payload(1450)))))
    f.append(pad(eth(ETH_P_8021AD, vlan(200, ETH_P_IP, ip))))
    f.append(eth(ETH_P_IPV6, b""))
    f += common_junk()
    return f


@gen
def tail_adjust():
    f = []
    for n in (0, 4, 18, 19):                             # padded to 60: trimmed
        f.append(udp4("10.0.0.1", "10.0.0.2", 1, 53, n=n))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 1, 53, payload(100)))))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 1, 53, payload(100)))) + b"TRAILERGARBAGE")
    for n in (0, 10, 100, 1000, 1400):                   # stamped: grow by 16
        f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 9, 7777, payload(n)))))
    f.append(udp4("10.0.0.1", "10.0.0.2", 9, 7777, n=2))                         # padded, then stamped
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 9, 7777, payload(1472)))))
    for n in (50, 86, 87, 600, 1472):                     # sampled: cut to 128
        f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 9, 6343, payload(n)))))
    f.append(tcp4("10.0.0.1", "10.0.0.2", 1, 80))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp("10.0.0.1", "10.0.0.2", 1, 80, payload=payload(900)))) + bytes(40))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 53, tot_len=200))                    # claims more than there is
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 53, tot_len=19))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 53, tot_len=1501))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, b"\x00\x09\x1e")))   # UDP cut short
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 9, 7777, b"o"),
                                    options=b"\x01\x01\x01\x00"))))
    f.append(udp6("2001:db8::1", "2001:db8::2", 1, 2))
    f += common_junk()
    return f


def u64s(*vals):
    return b"".join(struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF) for v in vals)


EDGE64 = [0, 1, 2, 7, 63, 64, 65, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000,
          0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFF0,
          0x123456789ABCDEF0, 0xFFFFFFFF80000000, 0x00000001FFFFFFFF]


def operand_frames(seed, nres_bytes, count, dirty_upper=False):
    """Frames of four 64-bit operands + room for results, edge cases first."""
    rng = random.Random(seed)
    f = []
    sets = [(0, 0, 0, 0), (1, 0, 0, 0), (0xFFFFFFFFFFFFFFFF, 0, 64, 0),
            (0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 63, 63),
            (0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF),
            (0x7FFFFFFFFFFFFFFF, 2, 1, 0x80000000), (12345678901234, 7, 32, 31),
            (0xFFFFFFFFFFFFFFF0, 0xFFFFFFFFFFFFFFF0, 0x100000020, 0x21),
            (0x00000000FFFFFFFF, 0x100000000, 0x1F, 0x20),
            (0xDEADBEEF00000000, 0x0000000100000000, 127, 255),
            (0x80000000, 0x80000000, 0x80000000, 0x80000000)]
    while len(sets) < count:
        sets.append(tuple(rng.choice(EDGE64) if rng.random() < 0.3 else rng.getrandbits(64)
                          for _ in range(4)))
    for a, b, c, d in sets:
        if dirty_upper:
            a |= 0xA5A5A5A5 << 32 if not a >> 32 else 0
            b ^= 0x5A5A5A5A << 32
        f.append(eth(ETH_P_TEST, u64s(a, b, c, d) + bytes(nres_bytes), dst=MAC_US))
    return f


@gen
def alu64_ops():
    f = operand_frames(64, 32 * 8, 40)
    f.append(eth(ETH_P_TEST, u64s(1, 2, 3, 4) + bytes(32 * 8 - 1)))   # one byte short
    f.append(eth(ETH_P_TEST, u64s(1, 2, 3, 4) + bytes(32 * 8 + 1200)))
    f.append(pad(eth(ETH_P_TEST, u64s(5, 6))))
    f.append(eth(ETH_P_TEST, b""))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f.append(eth(ETH_P_IP, b""))
    return f


@gen
def alu32_ops():
    f = operand_frames(32, 30 * 8, 30) + operand_frames(33, 30 * 8, 14, dirty_upper=True)
    f.append(eth(ETH_P_TEST, u64s(1, 2, 3, 4) + bytes(30 * 8 - 1)))
    f.append(pad(eth(ETH_P_TEST, b"")))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f.append(eth(ETH_P_IP, b""))
    return f


PAIR_EDGES = [0, 1, 0xFFFFFFFFFFFFFFFF, 0x12345678, 0x0000000012345678 | (1 << 32),
              0xFFFFFFFF80000000, 0x80000000, 0x7FFFFFFF, 0x7FFFFFFFFFFFFFFF,
              0x8000000000000000, 0xFFFFFFFF, 0x100000000, 0x1234567812345678,
              0x12345677, 0x12345679, 0xFFFFFFFF12345678, 2]


def pair_frames(seed, count):
    rng = random.Random(seed)
    f = []
    edges = PAIR_EDGES
    pairs = [(x, y) for x in edges for y in edges]
    rng.shuffle(pairs)
    # every value against itself and its neighbours first
    pairs = [(x, x) for x in edges] + pairs
    for i in range(count):
        ops = []
        for j in range(4):
            if (4 * i + j) < len(pairs) and i < count - 8:
                ops += pairs[4 * i + j]
            else:
                ops += [rng.getrandbits(64), rng.getrandbits(64)]
        f.append(eth(ETH_P_TEST, u64s(*ops) + bytes(32)))
    return f


@gen
def jmp64_conds():
    f = pair_frames(64, 80)
    f.append(eth(ETH_P_TEST, u64s(*range(8)) + bytes(31)))
    f.append(pad(eth(ETH_P_TEST, b"\x01")))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f.append(eth(ETH_P_IP, b""))
    return f


@gen
def jmp32_conds():
    f = pair_frames(32, 80)
    f.append(eth(ETH_P_TEST, u64s(*range(8)) + bytes(31)))
    f.append(pad(eth(ETH_P_TEST, b"\x01")))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f.append(eth(ETH_P_IP, b""))
    return f


@gen
def mem_sizes():
    rng = random.Random(8)
    f = []
    for i in range(30):
        body = bytes(rng.getrandbits(8) for _ in range(15)) if i else bytes(15)
        if i == 1:
            body = b"\xff" * 15
        f.append(eth(ETH_P_TEST, body + bytes(49) + payload(i * 37, i)))
    f.append(eth(ETH_P_TEST, bytes(63)))
    f.append(pad(eth(ETH_P_TEST, b"\x01")))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f.append(eth(ETH_P_TEST, b""))
    return f


def fnv1a(data):
    h = 0xCBF29CE484222325
    for b in data[:32]:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


FNV_BLOCKED = [pad(eth(ETH_P_TEST, b"known-bad-payload")),
               udp4("203.0.113.9", "10.0.0.2", 6666, 53, n=40)]


@gen
def fnv_dedup():
    f = []
    for i in range(20):
        f.append(udp4("10.0.0.%d" % (i % 5 + 1), "10.0.0.100", 1000 + i, 53, n=i * 13))
    f += f[3:9]                                     # duplicates
    f += FNV_BLOCKED + FNV_BLOCKED[:1]
    f.append(eth(ETH_P_TEST, b""))                  # 14 bytes hashed
    f.append(eth(ETH_P_TEST, b""))                  # its duplicate
    f.append(eth(ETH_P_TEST, b"\x00" * 17))         # 31 bytes
    f.append(eth(ETH_P_TEST, b"\x00" * 18))         # 32 bytes
    f.append(eth(ETH_P_TEST, b"\x00" * 18 + b"x"))  # differs past byte 32: a duplicate
    for i in range(6):
        f.append(tcp6("2001:db8::%x" % i, "2001:db8::1", 80, 80, n=i))
    return f


def record(version, count=3, seq=0x01020304, ts=0x1122334455667788, raw=0x8899AABBCCDDEEFF):
    return struct.pack("<HHIQQ", version, count, seq, ts, raw) + bytes(32)


@gen
def byteswap():
    f = []
    rng = random.Random(11)
    for i in range(16):
        rec = record(1 + i % 2, rng.getrandbits(16), rng.getrandbits(32), rng.getrandbits(64),
                     rng.getrandbits(64))
        f.append(eth(ETH_P_IP, ipv4("10.0.0.%d" % (i + 1), "10.0.0.200", UDP,
                                    udp("10.0.0.%d" % (i + 1), "10.0.0.200", 40000 + i, 4739, rec + payload(i * 50)))))
    for v in (0, 3, 0x0100, 0x0200, 0xFFFF):
        f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.200", UDP,
                                    udp("10.0.0.1", "10.0.0.200", 1, 4739, record(v)))))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.200", UDP, udp("10.0.0.1", "10.0.0.200", 1, 4739, record(2)[:55]))))
    f.append(udp4("10.0.0.1", "10.0.0.200", 1, 4740))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.200", UDP, udp("10.0.0.1", "10.0.0.200", 1, 4739, record(2)),
                                    options=b"\x01\x01\x01\x00"))))
    f.append(tcp4("10.0.0.1", "10.0.0.200", 1, 4739))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.200", UDP, b"\x00\x01\x12")))
    f.append(udp6("2001:db8::1", "2001:db8::2", 1, 4739, n=56))
    f += common_junk()
    return f


@gen
def bpf_calls():
    f = []
    for i in range(20):
        f.append(tcp4("10.0.0.%d" % (i + 1), "10.0.5.%d" % (i % 3 + 1), 1024 + 17 * i, 80 + i % 4))
    for i in range(6):
        f.append(udp4("10.0.0.%d" % (i + 1), "10.0.5.1", 5353, (53, 123, 53, 500, 4500, 53)[i]))
    f.append(tcp4("10.0.0.1", "10.0.5.1", 5555, 443))            # policy: TX
    f.append(tcp4("10.0.0.2", "10.0.5.1", 5555, 443, n=1000))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.5.1", ICMP, icmp4(8, 0)))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.2", "10.0.5.1", ICMP, icmp4(8, 0)))))
    f.append(tcp4("10.0.0.1", "10.0.5.1", 1, 80, check=0xBEEF))  # bad header checksum
    f.append(udp4("10.0.0.1", "10.0.5.1", 1, 53, check=0))
    for i in range(4):
        ip = ipv4("10.0.0.%d" % (i + 7), "10.0.5.2", UDP, udp("10.0.0.%d" % (i + 7), "10.0.5.2", 9, 100 + i, payload(10)))
        f.append(pad(eth(ETH_P_8021Q, vlan(5, ETH_P_IP, ip))))
    f.append(pad(eth(ETH_P_8021Q, vlan(5, ETH_P_IPV6, b""))))
    f.append(eth(ETH_P_8021Q, b"\x00\x05"))                       # truncated tag: parse error
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.5.1", TCP, b"\x00\x50")))   # L4 cut short
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.5.1", 47, payload(20)))))
    f.append(tcp6("2001:db8::1", "2001:db8::2", 1, 80))
    f += common_junk()
    return f


@gen
def xdp_actions():
    f = []
    for code in (0, 1, 2, 3, 4, 5, 0x7F, 0x80, 0xFE):
        f.append(pad(eth(ETH_P_TEST, bytes([code]) + b"request")))
        f.append(pad(eth(ETH_P_TEST, bytes([code]), src=bytes.fromhex("0a0b0c0d0e0f"))))
    for word in (0, 1, 2, 3, 4, 0xFFFFFFFF, 0x80000000, 0x100000002 & 0xFFFFFFFF, 0x00000102, 0x7FFFFFFF):
        f.append(pad(eth(ETH_P_TEST, b"\xff" + struct.pack("<I", word))))
    f.append(eth(ETH_P_TEST, b"\xff\x02\x00\x00"))               # word cut short
    f.append(eth(ETH_P_TEST, b"\x03"))
    f.append(eth(ETH_P_TEST, b""))
    f.append(eth(ETH_P_TEST, b"\x03" + bytes(1499)))
    f += common_junk()
    return f


@gen
def ctx_fields():
    f = []
    for i in range(10):
        f.append(pad(eth(ETH_P_STAMP, payload(16 + i * 100, i))))
    f.append(eth(ETH_P_STAMP, bytes(16)))
    f.append(eth(ETH_P_STAMP, bytes(15)))
    f.append(eth(ETH_P_STAMP, b""))
    f.append(eth(ETH_P_STAMP, bytes(1500)))
    for i in range(6):
        f.append(udp4("10.0.0.1", "10.0.0.2", i, 53, n=i * 200))
    f += common_junk()
    return f


@gen
def acl_firewall():
    f = []
    c1, c9, srv, srv2, pot = "10.0.0.1", "10.0.0.9", "10.0.1.1", "10.0.1.2", "10.0.1.3"
    f.append(tcp4(c1, srv, 40000, 22, flags=F_SYN))            # exact rule: PASS
    f.append(tcp4("10.0.0.2", srv, 40000, 22, flags=F_SYN))    # no rule for others on 22: default
    f.append(tcp4(c9, srv, 40000, 22, flags=F_SYN))            # rule with a bad action: ABORTED
    for i in range(4):
        f.append(tcp4("10.0.0.%d" % (i + 1), srv, 50000 + i, 80, flags=F_ACK | F_PSH, n=i * 200))
    for port in (53, 123, 9999):
        f.append(udp4(c1, srv, 1000, port))
    f.append(tcp4(c1, srv, 1000, 443))                         # default DROP
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv2, ICMP, icmp4(8, 0)))))     # echo: PASS
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv2, ICMP, icmp4(13, 0)))))    # timestamp: rule DROP
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv, ICMP, icmp4(8, 0)))))      # default
    for i in range(3):
        f.append(tcp4("10.0.0.%d" % (i + 1), pot, 1000 + i, 23 + i, flags=F_SYN))   # honeypot: TX
    f.append(tcp4(c1, srv, 40000, 22, options=b"\x01\x01\x01\x00"))        # options, PASS
    f.append(tcp4(c1, srv, 40000, 22, options=b"\x07\x07\x04" + bytes(5)))  # 8 bytes of options
    f.append(udp4(c1, srv, 1, 53, frag=0x2000))                # first fragment: port known
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv, UDP, payload(24), frag=0x0003))))   # later: port 0
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv, TCP, payload(24), frag=0x0003))))
    f.append(pad(eth(ETH_P_IP, ipv4(c1, pot, TCP, payload(24), frag=0x2003))))
    f.append(tcp4(c1, srv, 40000, 80, flags=F_SYN | F_FIN))
    f.append(tcp4(c1, srv, 40000, 80, flags=0))
    f.append(tcp4(c1, srv, 40000, 80, flags=0xC0))            # ECN bits only: still "no flags"
    f.append(eth(ETH_P_IP, ipv4(c1, srv, TCP, tcp(c1, srv, 1, 80)[:19])))
    f.append(eth(ETH_P_IP, ipv4(c1, srv, UDP, b"\x00\x01\x00\x35\x00\x08\x00")))
    f.append(eth(ETH_P_IP, ipv4(c1, srv2, ICMP, b"\x08\x00\x00")))
    f.append(udp4(c1, srv, 1, 53, ihl=4))
    f.append(udp4(c1, srv, 1, 53, tot_len=19))
    f.append(udp4(c1, srv, 1, 53, version=6))
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv, UDP, udp(c1, srv, 1, 53, b""), options=bytes(40)))))  # ihl 15
    f.append(eth(ETH_P_IP, ipv4(c1, srv, UDP, b"", options=bytes(40))))                         # L4 past end
    f.append(pad(eth(ETH_P_IP, ipv4(c1, srv, 132, payload(20)))))                              # SCTP: proto only
    f.append(tcp6("2001:db8::1", "2001:db8::2", 1, 22))
    f.append(eth(ETH_P_IP, ipv4(c1, srv, TCP, tcp(c1, srv, 1, 80, F_ACK, payload(1400)))))
    f += common_junk()
    return f


@gen
def icmp_echo():
    f = []
    me4, me6 = "10.0.1.1", "2001:db8::1"
    for i in range(6):
        f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.%d" % (i + 1), me4, ICMP, icmp4(8, 0, payload(i * 100), seq=i),
                                        ttl=3 + i * 40))))
    for i in range(4):
        f.append(pad(eth(ETH_P_IPV6, ipv6("2001:db8::%x" % (i + 100), me6, ICMPV6,
                                          icmp6("2001:db8::%x" % (i + 100), me6, 128, 0, payload(i * 300), seq=i)))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.1.2", ICMP, icmp4(8, 0)))))      # not us
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, icmp4(0, 0)))))            # a reply
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, icmp4(8, 1)))))            # bad code
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, icmp4(3, 3)))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, icmp4(8, 0), options=b"\x01\x01\x01\x00"))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, icmp4(8, 0), frag=0x2000))))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, payload(8), frag=0x0001))))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", me4, ICMP, b"\x08\x00\x00\x00")))         # 4 of 8 bytes
    f.append(tcp4("10.0.0.1", me4, 1, 7))
    f.append(pad(eth(ETH_P_IPV6, ipv6("2001:db8::5", "2001:db8::2", ICMPV6, icmp6("2001:db8::5", "2001:db8::2", 128, 0)))))
    f.append(pad(eth(ETH_P_IPV6, ipv6("2001:db8::5", me6, ICMPV6, icmp6("2001:db8::5", me6, 129, 0)))))
    f.append(pad(eth(ETH_P_IPV6, ipv6("2001:db8::5", me6, ICMPV6, icmp6("2001:db8::5", me6, 135, 0)))))
    f.append(eth(ETH_P_IPV6, ipv6("2001:db8::5", me6, ICMPV6, b"\x80\x00\x00\x00")))
    f.append(tcp6("2001:db8::5", me6, 1, 7))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.9", me4, ICMP, icmp4(8, 0, payload(1400)))))
    f += common_junk()
    return f


@gen
def ipv6_exthdr():
    f = []
    s, d = "2001:db8::1", "2001:db8::2"

    def v6(nh, body):
        return pad(eth(ETH_P_IPV6, ipv6(s, d, nh, body)))

    t = tcp(s, d, 1, 80, v6=True)
    u = udp(s, d, 1, 53, payload(10), v6=True)
    f += [v6(TCP, t), v6(UDP, u), v6(ICMPV6, icmp6(s, d, 128, 0)), v6(NONXT, b""), v6(ESP, payload(40))]
    f.append(v6(HOP, ext(TCP) + t))
    f.append(v6(HOP, ext(UDP, 1) + u))
    f.append(v6(DSTOPTS, ext(HOP) + ext(TCP) + t))                 # hop-by-hop not first
    f.append(v6(ROUTING, ext(TCP, 2, kind=0) + t))                 # RH0
    f.append(v6(ROUTING, ext(TCP, 2, kind=2) + t))
    f.append(v6(ROUTING, ext(UDP, 4, kind=4) + u))                 # SRH
    f.append(v6(FRAG, frag6(UDP, 0, True) + u))                    # first fragment
    f.append(v6(FRAG, frag6(UDP, 100, False) + payload(30)))       # last fragment
    f.append(v6(FRAG, frag6(UDP, 0, False) + u))                   # atomic fragment
    f.append(v6(HOP, ext(DSTOPTS) + ext(ROUTING) + ext(TCP, 0, kind=2) + t))
    f.append(v6(HOP, ext(DSTOPTS) + ext(ROUTING) + ext(DSTOPTS, 0, kind=2) + ext(TCP) + t))   # four
    f.append(v6(DSTOPTS, ext(DSTOPTS) * 3 + ext(TCP) + t))       # four, then TCP
    f.append(v6(DSTOPTS, ext(DSTOPTS) * 4 + ext(TCP) + t))       # five: too many
    f.append(v6(DSTOPTS, ext(DSTOPTS) + ext(FRAG) + frag6(TCP, 0, False) + t))
    f.append(v6(DSTOPTS, ext(NONXT)))
    f.append(eth(ETH_P_IPV6, ipv6(s, d, DSTOPTS, b"\x06\x00\x00")))            # truncated ext
    f.append(eth(ETH_P_IPV6, ipv6(s, d, DSTOPTS, bytes([TCP, 255]) + bytes(6) + t)))   # len past end
    f.append(eth(ETH_P_IPV6, ipv6(s, d, TCP, t[:19])))
    f.append(eth(ETH_P_IPV6, ipv6(s, d, UDP, u[:7])))
    f.append(eth(ETH_P_IPV6, ipv6(s, d, HOP, ext(UDP) + u[:7])))
    f.append(eth(ETH_P_IPV6, ipv6(s, d, ICMPV6, b"\x80")))           # short ICMPv6: counted
    f.append(pad(eth(ETH_P_IPV6, ipv6(s, d, TCP, t, version=4))))
    f.append(eth(ETH_P_IPV6, ipv6(s, d, TCP, b"")[:39]))
    f.append(eth(ETH_P_IPV6, ipv6(s, d, HOP, ext(TCP, 100) + t)))    # 808-byte option header
    f.append(eth(ETH_P_IPV6, ipv6(s, d, UDP, udp(s, d, 1, 53, payload(1400), True))))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2))
    f += common_junk()
    return f


@gen
def ipv4_router():
    f = []
    rng = random.Random(12)
    for i in range(8):
        f.append(udp4("10.0.0.%d" % (i + 1), "10.2.0.5", 1000 + i, 53, n=rng.randrange(0, 1400), ttl=64 - i))
    for i in range(6):
        f.append(tcp4("10.0.0.%d" % (i + 1), "10.3.0.%d" % (i * 40), 1000 + i, 80, n=i * 100, ttl=2 + i))
    f.append(udp4("10.0.0.1", "10.2.0.6", 1, 53))                     # no route
    f.append(udp4("10.0.0.1", "10.4.0.1", 1, 53))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, ttl=1))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, ttl=0))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, ttl=255))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, check=0x1234))      # bad checksum
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, check=0))
    for opts in (b"\x01\x01\x01\x00", b"\x07\x0b\x04" + bytes(9), bytes(40)):   # ihl 6, 8, 15
        f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.3.0.9", UDP, udp("10.0.0.1", "10.3.0.9", 1, 2, b"opt"),
                                        options=opts))))
        f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.3.0.9", UDP, udp("10.0.0.1", "10.3.0.9", 1, 2, b"opt"),
                                        options=opts, check=0xFFFF))))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.2.0.5", UDP, udp("10.0.0.1", "10.2.0.5", 1, 2, payload(50)))[:60]))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, tot_len=19))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, tot_len=28, ihl=8))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, ihl=4))
    f.append(udp4("10.0.0.1", "10.2.0.5", 1, 53, version=6))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.2.0.5", UDP, udp("10.0.0.1", "10.2.0.5", 1, 2, payload(1472)))))
    f.append(udp6("2001:db8::1", "2001:db8::2", 1, 2))
    f += common_junk()
    return f


# tc pcaps carry no IPv4/IPv6 frame whose L3 header is cut short: the
# kernel's BPF_PROG_TEST_RUN for skbs refuses them (-EINVAL), so there is
# no reference result to compare with.


@gen
def tc_classifier():
    f = []
    for tos in (0xB8, 0x20, 0x00, 0x28, 0xFC, 0x04):
        f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, tos=tos))
    f.append(tcp4("10.0.0.1", "10.0.0.2", 4000, 22))
    f.append(tcp4("10.0.0.1", "10.0.0.2", 4000, 22, n=1200))          # SSH + bulk: shot
    f.append(tcp4("10.0.0.1", "10.0.0.2", 4000, 22, n=1200, tos=0xB8))
    f.append(tcp4("10.0.0.1", "10.0.0.2", 4000, 80, n=1200))
    f.append(tcp4("10.0.0.1", "10.0.0.2", 4000, 22, options=b"\x01\x01\x01\x00"))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, b"\x0f\xa0\x00")))   # TCP cut short
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, tos=0x20, n=1000))
    for tc in (0, 0xB8, 0x20):
        f.append(udp6("2001:db8::1", "2001:db8::2", 1, 2, tclass=tc))
    f.append(pad(eth(ETH_P_ARP, arp())))
    f.append(pad(eth(ETH_P_8021Q, vlan(5, ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, b"")))))
    f.append(pad(eth(ETH_P_TEST, b"x")))
    f.append(pad(eth(0x0030, b"\xff\xff" + bytes(40))))               # 802.3 raw (IPX)
    f.append(pad(eth(0x0030, b"\xaa\xaa\x03" + bytes(40))))           # 802.2 LLC
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp("10.0.0.1", "10.0.0.2", 1, 2, payload(1458)), tos=0x20)))
    f.append(pad(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, b"", ihl=15))))  # header says 60 bytes
    return f


@gen
def tc_ttl_guard():
    f = []
    for ttl in (64, 2, 1, 0, 255, 128):
        f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, ttl=ttl))
        f.append(udp6("2001:db8::1", "2001:db8::2", 1, 2, hlim=ttl))
    f.append(tcp4("10.0.0.1", "10.0.0.2", 1, 80, n=1400, ttl=17))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, tot_len=200))        # claims more than skb->len
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, tot_len=46))         # exactly the padded frame
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, tot_len=47))
    f.append(udp4("10.0.0.1", "10.0.0.2", 1, 2, ttl=9, check=0xFFFF))
    f.append(pad(eth(ETH_P_8021Q, vlan(5, ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, b"", ttl=1)))))
    f.append(pad(eth(ETH_P_ARP, arp())))
    f.append(pad(eth(ETH_P_TEST, b"x")))
    f.append(eth(ETH_P_IPV6, ipv6("::1", "::2", NONXT, b"", hlim=1)))
    return f


@gen
def tc_policer():
    f = []
    for i in range(8):                                  # 1000-byte frames, 1200-byte budget
        f.append(udp4("10.0.0.1", "10.0.9.1", 1, 2, n=1000 - 42))
    for i in range(5):
        f.append(udp4("10.0.0.2", "10.0.9.1", 1, 2, n=400))
    f.append(udp4("10.0.0.3", "10.0.9.1", 1, 2, n=1400))             # over its budget (1200) at once
    f.append(udp4("10.0.0.3", "10.0.9.1", 1, 2, n=10))
    for i in range(6):                                  # premium source, preset bucket
        f.append(udp4("10.0.0.50", "10.0.9.1", 1, 2, n=1400))
    for i in range(3):                                  # EF bypasses the policer
        f.append(udp4("10.0.0.1", "10.0.9.1", 1, 2, n=1400, tos=0xB8))
    f.append(udp6("2001:db8::1", "2001:db8::2", 1, 2, n=1400))
    f.append(pad(eth(ETH_P_ARP, arp())))
    f.append(eth(ETH_P_IP, ipv4("10.0.0.1", "10.0.9.1", UDP, b"")))   # bare 34-byte header
    for i in range(4):
        f.append(udp4("10.0.0.%d" % (10 + i), "10.0.9.1", 1, 2, n=i * 350))
    return f


# ---------------------------------------------------------------- pcap
def write_pcap(path, frames):
    with open(path + ".tmp", "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            fp.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(fr), len(fr)))
            fp.write(fr)
    os.replace(path + ".tmp", path)


def check(name, frames):
    if not 20 <= len(frames) <= 200:
        sys.exit("pcapgen: %s: %d frames, want 20-200" % (name, len(frames)))
    for i, fr in enumerate(frames):
        if not 14 <= len(fr) <= 1518:
            sys.exit("pcapgen: %s: frame %d is %d bytes" % (name, i, len(fr)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory for NAME.pcap")
    ap.add_argument("names", nargs="*", help="programs (default: all)")
    args = ap.parse_args()
    progs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs")
    have = sorted(n[:-2] for n in os.listdir(progs) if n.endswith(".c"))
    missing = [n for n in have if n not in GENERATORS]
    if missing:
        sys.exit("pcapgen: no generator for %s" % " ".join(missing))
    names = args.names or sorted(GENERATORS)
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        if name not in GENERATORS:
            sys.exit("pcapgen: unknown program %s" % name)
        frames = GENERATORS[name]()
        check(name, frames)
        write_pcap(os.path.join(args.out, name + ".pcap"), frames)


if __name__ == "__main__":
    main()
