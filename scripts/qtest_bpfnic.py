#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
"""Smoke test of the bpfnic QEMU device through QTest: no guest, no kernel.

QEMU runs with -accel qtest -qtest stdio; this script speaks the qtest
protocol (outl/inl on 0xcf8/0xcfc for PCI config, readl/writel on BAR0,
read/write on guest RAM) and sees only what a guest would see.  The wire is
a dgram netdev on 127.0.0.1: frames the device sends arrive as UDP
datagrams on PEER_PORT, datagrams sent to DEV_PORT are frames it receives.

usage: qtest_bpfnic.py QEMU_BINARY [LOGFILE [XDP_ACTIONS_IMAGE]]
XDP_ACTIONS_IMAGE: bpf-tests/progs/xdp_actions.c through `bpfnic prog jit`;
without it the program cases are skipped (and say so).
Ends with "N passed, N failed"; exit status 1 if anything failed.
"""
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wire import free_udp_port  # noqa: E402

# ---- the contract (include/bpfnic/regs.h, cmsg.h) ---------------------------
VENDOR, DEVICE, REVISION = 0x1234, 0xB9FC, 0x01
REG_MAGIC, REG_ABI, REG_CTRL, REG_STATUS = 0x00, 0x04, 0x08, 0x0C
REG_MAX_QUEUES, REG_NUM_QUEUES, REG_MTU, REG_MAX_MTU = 0x10, 0x14, 0x18, 0x1C
REG_MAC_LO, REG_MAC_HI, REG_FW_VERSION = 0x20, 0x24, 0x28
REG_ERROR, REG_ERROR_INFO = 0x2C, 0x30
REG_CTRLQ_REQ, REG_CTRLQ_RSP = 0x100, 0x140


def REG_RXQ(q):
    return 0x1000 + q * 0x100


def REG_TXQ(q):
    return 0x1000 + q * 0x100 + 0x40


RING_BASE_LO, RING_BASE_HI, RING_SIZE, RING_TAIL, RING_HEAD = 0, 4, 8, 12, 16
MAGIC, ABI_VERSION = 0x43494E42, 1
CTRL_ENABLE, CTRL_RESET = 1, 2
STATUS_LINK_UP, STATUS_ENABLED = 1, 2
ERR_NONE, ERR_BAD_REG, ERR_BAD_VALUE, ERR_BAD_DMA, ERR_BAD_DESC, ERR_BAD_CMSG = range(6)
DESC_F_DD, DESC_F_EOP, DESC_F_ERR = 1, 2, 4
CMSG_REPLY = 0x80
CMSG_FW_INFO, CMSG_CAPS, CMSG_STATS, CMSG_PROG_LOAD = 1, 2, 3, 4
CMSG_MAP_ALLOC, CMSG_MAP_LOOKUP, CMSG_MAP_UPDATE = 6, 8, 9
RC_OK, RC_PARSE = 0, 7
CAP_HELPER, CAP_MAPS, CAP_QUEUES = 1, 2, 6
BPF_MAP_TYPE_ARRAY = 2

# ---- test setup ---------------------------------------------------------------
SLOT = 4
BAR0 = 0xE0000000
MAC = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
UNMAPPED = 0x10_0000_0000          # 64 GiB: nothing there with -m 128M
REQ_RING, RSP_RING, TX_RING, RX_RING = 0x10000, 0x11000, 0x12000, 0x13000
RSP_BUF, REQ_BUF, TX_BUF, RX_BUF = 0x20000, 0x30000, 0x40000, 0x50000
RING = 8

passed = failed = skipped = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


class QTest:
    def __init__(self, argv, log):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=log, text=True, bufsize=1)

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        while True:
            out = self.p.stdout.readline()
            if not out:
                raise RuntimeError(f"QEMU died on: {line}")
            if not out.startswith("IRQ"):
                break
        if not out.startswith("OK"):
            raise RuntimeError(f"{line}: {out.strip()}")
        return out.split()[1] if len(out.split()) > 1 else ""

    def alive(self):
        return self.p.poll() is None

    def quit(self):
        self.p.stdin.close()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()

    # PCI config space through the 0xcf8/0xcfc ports
    def cfg_read(self, off):
        self.cmd("outl 0xcf8 0x%x" % (0x80000000 | SLOT << 11 | (off & 0xFC)))
        return int(self.cmd("inl 0xcfc"), 16)

    def cfg_write(self, off, val):
        self.cmd("outl 0xcf8 0x%x" % (0x80000000 | SLOT << 11 | (off & 0xFC)))
        self.cmd("outl 0xcfc 0x%x" % val)

    def readl(self, off):
        return int(self.cmd("readl 0x%x" % (BAR0 + off)), 16)

    def writel(self, off, val):
        self.cmd("writel 0x%x 0x%x" % (BAR0 + off, val))

    def mem_write(self, addr, data):
        self.cmd("write 0x%x 0x%x 0x%s" % (addr, len(data), data.hex()))

    def mem_read(self, addr, n):
        return bytes.fromhex(self.cmd("read 0x%x 0x%x" % (addr, n))[2:])


def desc(addr, length, flags=0, meta=0):
    return struct.pack("<QHHI", addr, length, flags, meta)


def read_desc(qt, ring, idx):
    return struct.unpack("<QHHI", qt.mem_read(ring + 16 * idx, 16))


def cmsg(mtype, tag, body=b"", length=None):
    n = 8 + len(body) if length is None else length
    return struct.pack("<BBHI", mtype, 1, tag, n) + body


def ring_setup(qt, reg, base, size=RING):
    qt.writel(reg + RING_BASE_LO, base & 0xFFFFFFFF)
    qt.writel(reg + RING_BASE_HI, base >> 32)
    qt.writel(reg + RING_SIZE, size)


class Ctrl:
    """The control request/reply rings, one message at a time."""

    def __init__(self, qt):
        self.qt, self.req, self.rsp = qt, 0, 0
        ring_setup(qt, REG_CTRLQ_REQ, REQ_RING)
        ring_setup(qt, REG_CTRLQ_RSP, RSP_RING)
        for i in range(RING):
            qt.mem_write(RSP_RING + 16 * i, desc(RSP_BUF + i * 0x1000, 4096))
        qt.writel(REG_CTRLQ_RSP + RING_TAIL, RING - 1)

    def send(self, msg, desc_len=None):
        """Post @msg; returns (request descriptor, reply bytes or None)."""
        qt, i = self.qt, self.req
        qt.mem_write(REQ_BUF + i * 0x1000, msg)
        qt.mem_write(REQ_RING + 16 * i, desc(REQ_BUF + i * 0x1000,
                                             len(msg) if desc_len is None else desc_len,
                                             DESC_F_EOP))
        self.req = (i + 1) % RING
        qt.writel(REG_CTRLQ_REQ + RING_TAIL, self.req)
        d = read_desc(qt, REQ_RING, i)
        j = self.rsp
        r = read_desc(qt, RSP_RING, j)
        if not r[2] & DESC_F_DD:
            return d, None
        reply = qt.mem_read(RSP_BUF + j * 0x1000, r[1])
        # give the buffer back
        qt.mem_write(RSP_RING + 16 * j, desc(RSP_BUF + j * 0x1000, 4096))
        self.rsp = (j + 1) % RING
        qt.writel(REG_CTRLQ_RSP + RING_TAIL, (self.rsp + RING - 1) % RING)
        return d, reply


def reply_hdr(reply):
    mtype, ver, tag, length, rc = struct.unpack_from("<BBHII", reply)
    return mtype, tag, length, rc


def wait_for(fn, timeout=3.0):
    end = time.time() + timeout
    while time.time() < end:
        if fn():
            return True
        time.sleep(0.02)
    return False


def frame(n, seed):
    eth = b"\xff" * 6 + MAC + b"\x88\xb5"
    return eth + bytes((seed + i) & 0xFF for i in range(n - len(eth)))


def test_identity(qt):
    check("PCI vendor/device id", qt.cfg_read(0x00) == (DEVICE << 16 | VENDOR),
          hex(qt.cfg_read(0x00)))
    rev_class = qt.cfg_read(0x08)
    check("PCI revision and class (ethernet)", rev_class == (0x020000 << 8 | REVISION),
          hex(rev_class))
    check("PCI capability list has MSI-X", qt.cfg_read(0x04) >> 16 & 0x10)
    qt.cfg_write(0x10, BAR0)
    qt.cfg_write(0x04, 0x0006)          # memory space + bus master
    check("BAR0 MAGIC", qt.readl(REG_MAGIC) == MAGIC, hex(qt.readl(REG_MAGIC)))
    check("BAR0 ABI_VERSION", qt.readl(REG_ABI) == ABI_VERSION)
    check("BAR0 MAX_QUEUES", qt.readl(REG_MAX_QUEUES) == 8)
    check("BAR0 NUM_QUEUES reset value", qt.readl(REG_NUM_QUEUES) == 1)
    check("BAR0 MTU reset value", qt.readl(REG_MTU) == 1500)
    check("BAR0 MAX_MTU >= 1500", qt.readl(REG_MAX_MTU) >= 1500)
    mac = struct.pack("<IH", qt.readl(REG_MAC_LO), qt.readl(REG_MAC_HI))
    check("BAR0 MAC", mac == MAC, mac.hex())
    check("BAR0 FW_VERSION", qt.readl(REG_FW_VERSION) == 0x000100)
    check("STATUS: link up, not enabled",
          qt.readl(REG_STATUS) == STATUS_LINK_UP, hex(qt.readl(REG_STATUS)))
    check("ERROR clear after reset", qt.readl(REG_ERROR) == ERR_NONE)


def test_ctrl(qt, ctrl):
    d, reply = ctrl.send(cmsg(CMSG_FW_INFO, 0x55))
    check("FW_INFO request consumed (DD)", d[2] & DESC_F_DD)
    check("FW_INFO answered", reply is not None)
    if reply is None:
        return
    mtype, tag, length, rc = reply_hdr(reply)
    check("FW_INFO reply header", (mtype, tag, length, rc) ==
          (CMSG_FW_INFO | CMSG_REPLY, 0x55, len(reply), RC_OK), str((mtype, tag, length, rc)))
    name = reply[16:48].split(b"\0")[0]
    isl, fpcs, thr, mhz = struct.unpack_from("<4I", reply, 48)
    check("FW_INFO firmware name", name.startswith(b"bpfnic"), repr(name))
    check("FW_INFO shape (islands=2 fpcs=4 threads=4 mhz=800)",
          (isl, fpcs, thr, mhz) == (2, 4, 4, 800), str((isl, fpcs, thr, mhz)))

    d, reply = ctrl.send(cmsg(CMSG_CAPS, 0x56))
    tlvs, off = {}, 16
    while reply and off + 4 <= len(reply):
        t, n = struct.unpack_from("<HH", reply, off)
        tlvs.setdefault(t, []).append(reply[off + 4:off + 4 + n])
        off += 4 + ((n + 3) & ~3)
    helpers = {struct.unpack("<II", v)[0]: struct.unpack("<II", v)[1]
               for v in tlvs.get(CAP_HELPER, [])}
    check("CAPS: helpers with firmware addresses (map_lookup_elem)",
          1 in helpers and helpers[1] >= 0x3000, str(helpers))
    check("CAPS: maps and queues TLVs", CAP_MAPS in tlvs and
          tlvs.get(CAP_QUEUES) == [struct.pack("<I", 8)])

    alloc = struct.pack("<6I", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0)
    d, reply = ctrl.send(cmsg(CMSG_MAP_ALLOC, 0x57, alloc))
    rc = reply_hdr(reply)[3] if reply else None
    mid = struct.unpack_from("<I", reply, 16)[0] if reply and len(reply) >= 20 else 0
    check("MAP_ALLOC array map", rc == RC_OK and mid > 0, f"rc {rc} id {mid}")
    upd = struct.pack("<II", mid, 0) + struct.pack("<I", 2) + struct.pack("<Q", 0x1122334455667788)
    d, reply = ctrl.send(cmsg(CMSG_MAP_UPDATE, 0x58, upd))
    check("MAP_UPDATE", reply and reply_hdr(reply)[3] == RC_OK)
    d, reply = ctrl.send(cmsg(CMSG_MAP_LOOKUP, 0x59, struct.pack("<III", mid, 0, 2)))
    val = reply[16:24] if reply else b""
    check("MAP_LOOKUP returns the value",
          reply and reply_hdr(reply)[3] == RC_OK and val == struct.pack("<Q", 0x1122334455667788),
          val.hex())

    bogus = struct.pack("<QIIII", REQ_BUF, 64, 0, 1, 0)     # addr, len, nmaps, gen, reserved
    d, reply = ctrl.send(cmsg(CMSG_PROG_LOAD, 0x5a, bogus))
    check("PROG_LOAD of a garbage image refused, QEMU alive",
          reply and reply_hdr(reply)[3] != RC_OK and qt.alive())


def test_tx(qt, peer):
    ring_setup(qt, REG_TXQ(0), TX_RING)
    f = frame(60, 1)
    qt.mem_write(TX_BUF, f)
    qt.mem_write(TX_RING, desc(TX_BUF, len(f), DESC_F_EOP))
    qt.writel(REG_TXQ(0) + RING_TAIL, 1)
    try:
        got = peer.recv(65536)
    except socket.timeout:
        got = b""
    check("TX: frame arrives on the wire", got == f, got.hex())
    d = read_desc(qt, TX_RING, 0)
    check("TX: descriptor written back with DD", d[2] & DESC_F_DD and not d[2] & DESC_F_ERR,
          str(d))
    check("TX: HEAD advanced", qt.readl(REG_TXQ(0) + RING_HEAD) == 1)


def test_rx(qt, peer, dev_port):
    ring_setup(qt, REG_RXQ(0), RX_RING)
    for i in range(RING):
        qt.mem_write(RX_RING + 16 * i, desc(RX_BUF + i * 0x800, 2048))
    qt.writel(REG_RXQ(0) + RING_TAIL, RING - 1)
    f = frame(98, 7)
    peer.sendto(f, ("127.0.0.1", dev_port))
    ok = wait_for(lambda: qt.readl(REG_RXQ(0) + RING_HEAD) == 1)
    check("RX: HEAD advanced", ok)
    d = read_desc(qt, RX_RING, 0)
    check("RX: descriptor DD|EOP, frame length, meta 0 (no program)",
          d[1:] == (len(f), DESC_F_DD | DESC_F_EOP, 0), str(d))
    check("RX: frame in the buffer", qt.mem_read(RX_BUF, len(f)) == f)


def test_stats(qt, ctrl):
    d, reply = ctrl.send(cmsg(CMSG_STATS, 0x60))
    if not reply or len(reply) < 16 + 72:
        check("STATS answered", False)
        return
    rx, drop, tx = struct.unpack_from("<3Q", reply, 16)
    check("STATS rx_frames=1 tx_frames=1", (rx, tx) == (1, 1), str((rx, drop, tx)))


PROG_BUF = 0x60000


def test_prog(qt, ctrl, peer, dev_port, image):
    """xdp_actions: payload byte 0 of an 0x88b5 frame is the verdict."""
    if not image or not os.path.exists(image):
        global skipped
        skipped += 5
        print("skip program cases (5): no xdp_actions image (build/bpfnic missing: run make)")
        return
    img = open(image, "rb").read()
    qt.mem_write(PROG_BUF, img)
    d, reply = ctrl.send(cmsg(CMSG_PROG_LOAD, 0x70, struct.pack("<QIIII", PROG_BUF, len(img), 0, 2, 0)))
    check("PROG_LOAD xdp_actions", reply and reply_hdr(reply)[3] == RC_OK,
          str(reply and reply_hdr(reply)))
    head = qt.readl(REG_RXQ(0) + RING_HEAD)

    f = frame(64, 3)                        # XDP_TX, MACs swapped
    peer.sendto(f, ("127.0.0.1", dev_port))
    try:
        got = peer.recv(65536)
    except socket.timeout:
        got = b""
    check("XDP_TX: frame back on the wire with MACs swapped",
          got == f[6:12] + f[0:6] + f[12:], got.hex())

    peer.sendto(frame(64, 1), ("127.0.0.1", dev_port))      # XDP_DROP
    f = frame(80, 2)                                        # XDP_PASS
    peer.sendto(f, ("127.0.0.1", dev_port))
    ok = wait_for(lambda: qt.readl(REG_RXQ(0) + RING_HEAD) == (head + 1) % RING)
    d = read_desc(qt, RX_RING, head)
    check("XDP_PASS: to the host with BN_RXMETA_PROG, XDP_DROP not",
          ok and d[1:] == (len(f), DESC_F_DD | DESC_F_EOP, 1) and
          qt.mem_read(d[0], len(f)) == f, str(d))
    d, reply = ctrl.send(cmsg(CMSG_STATS, 0x71))
    verdict = struct.unpack_from("<4Q", reply, 16 + 24) if reply else None
    check("STATS verdicts aborted/drop/pass/tx = 0/1/1/1", verdict == (0, 1, 1, 1),
          str(verdict))
    d, reply = ctrl.send(cmsg(5, 0x72))
    check("PROG_UNLOAD", reply and reply_hdr(reply)[3] == RC_OK)


def expect_error(qt, name, err, info=None):
    e, i = qt.readl(REG_ERROR), qt.readl(REG_ERROR_INFO)
    check(f"{name}: ERROR {err}" + (f" at 0x{info:x}" if info is not None else ""),
          e == err and (info is None or i == info), f"got ERROR {e} INFO 0x{i:x}")
    check(f"{name}: ERROR clears on read, QEMU alive",
          qt.readl(REG_ERROR) == ERR_NONE and qt.alive())


def test_bad_inputs(qt, ctrl, peer, dev_port):
    qt.writel(REG_TXQ(1) + RING_SIZE, 12)
    expect_error(qt, "ring size 12 (not a power of two)", ERR_BAD_VALUE, REG_TXQ(1) + RING_SIZE)
    check("ring size 12: ring stays off", qt.readl(REG_TXQ(1) + RING_SIZE) == 0)

    qt.writel(REG_MAGIC, 0)
    expect_error(qt, "write to MAGIC", ERR_BAD_REG, REG_MAGIC)
    check("MAGIC unchanged", qt.readl(REG_MAGIC) == MAGIC)
    qt.readl(0x800)
    expect_error(qt, "read of an unknown register", ERR_BAD_REG, 0x800)

    qt.mem_write(TX_RING + 16, desc(UNMAPPED, 60, DESC_F_EOP))
    qt.writel(REG_TXQ(0) + RING_TAIL, 2)
    d = read_desc(qt, TX_RING, 1)
    check("TX from an unmapped address: DD|ERR", d[2] & (DESC_F_DD | DESC_F_ERR) ==
          DESC_F_DD | DESC_F_ERR, str(d))
    expect_error(qt, "TX from an unmapped address", ERR_BAD_DMA, REG_TXQ(0))

    head = qt.readl(REG_RXQ(0) + RING_HEAD)
    qt.mem_write(RX_RING + 16 * head, desc(UNMAPPED, 2048))
    peer.sendto(frame(64, 9), ("127.0.0.1", dev_port))
    ok = wait_for(lambda: qt.readl(REG_RXQ(0) + RING_HEAD) == head + 1)
    d = read_desc(qt, RX_RING, head)
    check("RX into an unmapped address: DD|ERR", ok and d[2] & DESC_F_ERR, str(d))
    expect_error(qt, "RX into an unmapped address", ERR_BAD_DMA, REG_RXQ(0))

    ring_setup(qt, REG_TXQ(0), UNMAPPED)
    qt.writel(REG_TXQ(0) + RING_TAIL, 1)
    expect_error(qt, "TX ring in unmapped memory", ERR_BAD_DMA, REG_TXQ(0))

    d, reply = ctrl.send(cmsg(CMSG_FW_INFO, 0x61, b"\0" * 8, length=16), desc_len=8)
    check("truncated cmsg answered with BN_RC_PARSE",
          reply is not None and reply_hdr(reply)[1:] == (0x61, 16, RC_PARSE),
          str(reply and reply_hdr(reply)))
    expect_error(qt, "truncated cmsg", ERR_BAD_CMSG, REG_CTRLQ_REQ)
    d, reply = ctrl.send(cmsg(CMSG_FW_INFO, 0x62)[:4])
    check("cmsg shorter than its header refused (DD|ERR, no reply)",
          d[2] & DESC_F_ERR and reply is None, str(d))
    expect_error(qt, "cmsg shorter than its header", ERR_BAD_CMSG, REG_CTRLQ_REQ)

    qt.writel(REG_NUM_QUEUES, 2)
    expect_error(qt, "NUM_QUEUES while enabled", ERR_BAD_VALUE, REG_NUM_QUEUES)
    qt.writel(REG_MTU, 10)
    expect_error(qt, "MTU 10", ERR_BAD_VALUE, REG_MTU)


def test_random_pokes(qt, peer, dev_port):
    """Seeded random register writes and descriptors: QEMU must survive."""
    rnd = random.Random(1)
    regs = [r + o for r in [REG_CTRLQ_REQ, REG_CTRLQ_RSP] + [f(q) for q in range(8)
                                                           for f in (REG_RXQ, REG_TXQ)]
            for o in (RING_BASE_LO, RING_BASE_HI, RING_SIZE, RING_TAIL, RING_HEAD)]
    regs += list(range(0, 0x40, 4)) + [0x3c, 0x800, 0xfffc]
    addrs = [0, 0x10000, 0x20000, BAR0, BAR0 + 0x100c, UNMAPPED, 0xfffffff0, 0x7fff000]
    for i in range(2000):
        reg = rnd.choice(regs)
        if reg == REG_CTRL:
            val = rnd.choice([0, 1, 1, 1, 3, 0xffffffff])
        elif reg & 0x3f == RING_SIZE and reg >= 0x100:
            val = rnd.choice([0, 8, 16, 4096, 12, 0xffffffff])
        elif reg & 0x3f == RING_BASE_LO and reg >= 0x100:
            val = rnd.choice(addrs) & 0xFFFFFFFF
        else:
            val = rnd.choice([0, 1, 2, 5, 7, 0x10000, 0xffffffff, rnd.getrandbits(32)])
        if i % 50 == 0:
            base = rnd.choice([0x10000, 0x11000, 0x12000, 0x13000])
            qt.mem_write(base, b"".join(
                desc(rnd.choice(addrs), rnd.choice([0, 8, 60, 4096, 65535]),
                     rnd.getrandbits(16), rnd.getrandbits(32)) for _ in range(8)))
            qt.mem_write(REQ_BUF, cmsg(rnd.randrange(0, 16), i, bytes(
                rnd.getrandbits(8) for _ in range(40)), length=rnd.choice([8, 48, 4096, 9])))
            peer.sendto(frame(rnd.choice([14, 60, 1514, 3000]), rnd.randrange(5)),
                        ("127.0.0.1", dev_port))
        qt.writel(reg, val)
        if i % 7 == 0:
            qt.readl(rnd.choice(regs))
    check("2000 random register writes and descriptors: QEMU alive",
          qt.alive() and qt.readl(REG_MAGIC) == MAGIC)


def test_reset(qt):
    qt.writel(REG_MTU, 9000 if qt.readl(REG_MAX_MTU) >= 9000 else 1400)
    qt.writel(REG_CTRL, CTRL_RESET)
    regs = [qt.readl(r) for r in (REG_CTRL, REG_MTU, REG_NUM_QUEUES, REG_STATUS)]
    check("CTRL_RESET: CTRL/MTU/NUM_QUEUES/STATUS at reset values",
          regs == [0, 1500, 1, STATUS_LINK_UP], str(regs))
    rings = [qt.readl(r + o) for r in (REG_CTRLQ_REQ, REG_RXQ(0), REG_TXQ(0))
             for o in (RING_BASE_LO, RING_SIZE, RING_TAIL, RING_HEAD)]
    check("CTRL_RESET: rings off", not any(rings), str(rings))


def main():
    qemu = sys.argv[1]
    logpath = sys.argv[2] if len(sys.argv) > 2 else os.devnull
    image = sys.argv[3] if len(sys.argv) > 3 else None
    dev_port, peer_port = free_udp_port(), free_udp_port()
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", peer_port))
    peer.settimeout(3)
    netdev = ("dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=%d,"
              "remote.type=inet,remote.host=127.0.0.1,remote.port=%d" % (dev_port, peer_port))
    argv = [qemu, "-machine", "q35", "-accel", "qtest", "-qtest", "stdio",
            "-qtest-log", "/dev/null",
            "-display", "none", "-nodefaults", "-m", "128M",
            "-L", "/usr/share/qemu", "-L", "/usr/share/seabios",
            "-d", "guest_errors", "-D", logpath,
            "-netdev", netdev,
            "-device", "bpfnic,netdev=n0,addr=%d.0,mac=%s,islands=2,fpcs=4" %
            (SLOT, ":".join("%02x" % b for b in MAC))]
    with open(logpath + ".stderr" if logpath != os.devnull else os.devnull, "w") as log:
        qt = QTest(argv, log)
        try:
            test_identity(qt)
            qt.writel(REG_CTRL, CTRL_ENABLE)
            check("STATUS: enabled", qt.readl(REG_STATUS) == STATUS_LINK_UP | STATUS_ENABLED)
            ctrl = Ctrl(qt)
            test_ctrl(qt, ctrl)
            test_tx(qt, peer)
            test_rx(qt, peer, dev_port)
            test_stats(qt, ctrl)
            test_prog(qt, ctrl, peer, dev_port, image)
            test_bad_inputs(qt, ctrl, peer, dev_port)
            test_reset(qt)
            test_random_pokes(qt, peer, dev_port)
            test_reset(qt)
            check("QEMU still running at the end", qt.alive() and qt.readl(REG_MAGIC) == MAGIC)
        except (RuntimeError, BrokenPipeError) as e:
            check("qtest session", False, str(e))
        finally:
            qt.quit()

    # a bad model shape fails realize with a clear error
    bad = subprocess.run([qemu, "-machine", "q35", "-accel", "qtest", "-display", "none",
                          "-nodefaults", "-L", "/usr/share/qemu", "-L", "/usr/share/seabios",
                          "-device", "bpfnic,threads=9"],
                         capture_output=True, text=True, timeout=30)
    check("threads=9 fails realize naming the parameter",
          bad.returncode != 0 and "threads" in bad.stderr, bad.stderr.strip())

    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
