#!/usr/bin/env python3
"""Host side of the bpfnic VM wire (Python standard library only).

QEMU's `-netdev dgram` carries each Ethernet frame as one UDP datagram.  This
tool is the other end of that wire, plus the console parsing for scripts/vm.sh.

  wire.py run --ports-file F [--console LOG --marker M] [--pcap-in F]
              [--pcap-out F] [--rate PPS] [--repeat N] [--stats F]
      Bind a UDP socket on 127.0.0.1 (the port QEMU sends to), pick a free
      port for QEMU's end, write "QEMU_PORT HOST_PORT" to the ports file, then
      capture every datagram the device sends into --pcap-out, and once the
      marker appears in the console log replay --pcap-in into the device,
      one frame per datagram, never letting more than --window bytes queue
      at QEMU's socket (read from /proc/net/udp), so no frame is lost on the
      host even when the guest is slow.  Runs until SIGTERM/SIGINT.
  wire.py gen OUT N [--seed S] [--min L] [--max L]
      Write N deterministic test frames (unicast to 52:54:00:12:34:56 from
      02:bf:00:00:00:01, EtherType 0x88b5, sequence number + pattern).
  wire.py compare EXPECTED GOT [--subseq]
      Compare the frames (bytes only, not timestamps).  Exact: same frames,
      same order.  --subseq: EXPECTED appear in order within GOT (other
      frames in GOT are reported and ignored).  Exit 0 on match.
  wire.py console LOG [--get-dir D]
      Parse a guest console log written by the bpfnic /init: print the
      command's output to stdout, write --get files, print diagnostics to
      stderr and "STATUS key=value ..." as the last stderr line.
"""
import argparse
import base64
import os
import random
import re
import signal
import socket
import struct
import sys
import threading
import time

PCAP_MAGIC_US = 0xA1B2C3D4
PCAP_MAGIC_NS = 0xA1B23C4D


def read_pcap(path):
    """Return a list of (ts_sec, ts_frac, bytes) from a classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file (too short)")
    magic_le = struct.unpack("<I", data[:4])[0]
    if magic_le in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
        e = "<"
    elif struct.unpack(">I", data[:4])[0] in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
        e = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file (pcapng is not supported)")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, want 1 (Ethernet)")
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            raise ValueError(f"{path}: truncated record {len(out)}")
        out.append((sec, frac, data[off:off + incl]))
        off += incl
    return out


class PcapWriter:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, 65535, 1))
        self.f.flush()
        self.n = 0

    def write(self, frame, ts=None):
        ts = time.time() if ts is None else ts
        sec = int(ts)
        self.f.write(struct.pack("<IIII", sec, int((ts - sec) * 1e6), len(frame), len(frame)))
        self.f.write(frame)
        self.f.flush()
        self.n += 1

    def close(self):
        self.f.close()


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def udp_queue(port):
    """(rx_queue bytes, drops) of the 127.0.0.1:port UDP socket (QEMU's end),
    from /proc/net/udp; None if not found."""
    key = "0100007F:%04X" % port
    try:
        with open("/proc/net/udp") as f:
            for ln in f:
                fs = ln.split()
                if len(fs) > 12 and fs[1] == key:
                    return int(fs[4].split(":")[1], 16), int(fs[-1])
    except OSError:
        pass
    return None


def wait_marker(path, marker, stop):
    """Poll a growing file until a line contains marker."""
    pos, buf = 0, b""
    m = marker.encode()
    while not stop.is_set():
        try:
            with open(path, "rb") as f:
                f.seek(pos)
                chunk = f.read()
        except FileNotFoundError:
            chunk = b""
        if chunk:
            pos += len(chunk)
            buf += chunk
            if m in buf:
                return True
            buf = buf[-len(m):]
        time.sleep(0.02)
    return False


def send_frames(a, sock, qemu_port, frames, repeat, rate, stop, stats):
    """Send frames into QEMU's socket repeat times at rate frames/s (0: as
    fast as QEMU takes them).  Counts into stats tx, tx_err, sock_drops."""
    interval = 1.0 / rate if rate > 0 else 0.0
    t_next = time.monotonic()
    q0 = udp_queue(qemu_port)
    window = a.window if q0 is not None else 0
    sent = 0
    for _ in range(repeat):
        for fr in frames:
            if stop.is_set():
                break
            # Flow control: QEMU reads its socket only while the NIC can
            # take frames; keep its receive queue short so nothing is
            # dropped by the host kernel (QEMU's SO_RCVBUF is small).
            if window and sent % 8 == 0:
                while not stop.is_set():
                    q = udp_queue(qemu_port)
                    if q is None or q[0] < window:
                        break
                    time.sleep(0.0002)
            sent += 1
            if interval:
                now = time.monotonic()
                if now < t_next:
                    time.sleep(t_next - now)
                t_next = max(t_next + interval, time.monotonic() - 1.0)
            try:
                sock.sendto(fr, ("127.0.0.1", qemu_port))
                stats["tx"] += 1
            except OSError:
                stats["tx_err"] += 1
    q1 = udp_queue(qemu_port)
    if q0 is not None and q1 is not None:
        prev = stats["sock_drops"] if isinstance(stats["sock_drops"], int) else 0
        stats["sock_drops"] = prev + q1[1] - q0[1]


def cmd_run(a):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for opt, val in ((socket.SO_RCVBUF, 8 << 20), (socket.SO_SNDBUF, 8 << 20)):
        try:
            sock.setsockopt(socket.SOL_SOCKET, opt, val)
        except OSError:
            pass
    sock.bind(("127.0.0.1", 0))
    host_port = sock.getsockname()[1]
    qemu_port = free_udp_port()
    while qemu_port == host_port:
        qemu_port = free_udp_port()
    frames = [f[2] for f in read_pcap(a.pcap_in)] if a.pcap_in else []
    tmp = a.ports_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{qemu_port} {host_port}\n")
    os.rename(tmp, a.ports_file)

    stop = threading.Event()
    stats = {"rx": 0, "tx": 0, "tx_err": 0, "sock_drops": "", "ready_at": None, "tx_start": None, "tx_end": None}
    writer = PcapWriter(a.pcap_out) if a.pcap_out else None
    seg_writer = [None]     # --replay-dir: where the current segment's frames go

    def write_stats():
        if a.stats:
            with open(a.stats + ".tmp", "w") as f:
                f.write(" ".join(f"{k}={v}" for k, v in stats.items()) + "\n")
            os.rename(a.stats + ".tmp", a.stats)

    def on_signal(*_):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def capture():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                d = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                continue  # ICMP port unreachable before QEMU binds, etc.
            stats["rx"] += 1
            w = seg_writer[0] or writer
            if w:
                w.write(d)

    th = threading.Thread(target=capture, daemon=True)
    th.start()

    ok = wait_marker(a.console, a.marker, stop) if a.console else True
    if ok:
        stats["ready_at"] = round(time.time(), 3)
        write_stats()
    if frames and ok:
        time.sleep(a.delay)
        stats["tx_start"] = round(time.time(), 3)
        send_frames(a, sock, qemu_port, frames, a.repeat, a.rate, stop, stats)
        stats["tx_end"] = round(time.time(), 3)
        write_stats()
    if a.replay_dir and ok:
        replay_segments(a, sock, qemu_port, stop, stats, seg_writer, write_stats)
    while not stop.is_set():
        write_stats()
        stop.wait(0.5)
    th.join(1)
    write_stats()
    if seg_writer[0]:
        seg_writer[0].close()
    if writer:
        writer.close()
    return 0


REPLAY_MARK = b"@@BN:REPLAY "


def replay_segments(a, sock, qemu_port, stop, stats, seg_writer, write_stats):
    """--replay-dir DIR: each console line "@@BN:REPLAY NAME [PPS]" (the
    guest's bn-replay) sends DIR/NAME.pcap into the wire (at PPS frames/s,
    default as fast as QEMU takes them) and from then on writes
    what the NIC sends into DIR/NAME.out.pcap, until the next such line.
    NAME is [A-Za-z0-9_.-]+; anything else is ignored with a warning."""
    pos, buf = 0, b""
    while not stop.is_set():
        try:
            with open(a.console, "rb") as f:
                f.seek(pos)
                chunk = f.read()
        except FileNotFoundError:
            chunk = b""
        pos += len(chunk)
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            i = line.find(REPLAY_MARK)
            if i < 0:
                continue
            words = line[i + len(REPLAY_MARK):].decode("ascii", "replace").split()
            name = words[0] if words else ""
            try:
                rate = float(words[1]) if len(words) > 1 else 0.0
            except ValueError:
                rate = 0.0
            if not name or not all(c.isalnum() or c in "_.-" for c in name) or name.startswith("."):
                print(f"wire.py: replay: bad segment name {name!r}", file=sys.stderr)
                continue
            src = os.path.join(a.replay_dir, name + ".pcap")
            try:
                frames = [f[2] for f in read_pcap(src)]
            except OSError as ex:
                print(f"wire.py: replay {name}: {ex}", file=sys.stderr)
                frames = []
            old = seg_writer[0]
            seg_writer[0] = PcapWriter(os.path.join(a.replay_dir, name + ".out.pcap"))
            if old:
                old.close()
            send_frames(a, sock, qemu_port, frames, 1, rate, stop, stats)
            write_stats()
        time.sleep(0.02)


def cmd_gen(a):
    rnd = random.Random(a.seed)
    w = PcapWriter(a.out)
    dst = bytes.fromhex(a.dst.replace(":", ""))
    src = bytes.fromhex(a.src.replace(":", ""))
    for i in range(a.n):
        ln = rnd.randint(a.min, a.max)
        hdr = dst + src + struct.pack(">HI", a.ethertype, i)
        body = bytes(rnd.getrandbits(8) for _ in range(ln - len(hdr)))
        w.write(hdr + body, ts=1700000000 + i * 0.001)
    w.close()
    return 0


def cmd_compare(a):
    exp = [f[2] for f in read_pcap(a.expected)]
    got = [f[2] for f in read_pcap(a.got)]
    if not a.subseq:
        bad = 0
        for i in range(max(len(exp), len(got))):
            e = exp[i] if i < len(exp) else None
            g = got[i] if i < len(got) else None
            if e == g:
                continue
            bad += 1
            if bad <= 3:
                if e is None or g is None:
                    print(f"frame {i}: {'missing' if g is None else 'extra'} "
                          f"({len(e if g is None else g)} bytes)")
                else:
                    j = next((k for k in range(min(len(e), len(g))) if e[k] != g[k]), min(len(e), len(g)))
                    print(f"frame {i}: differs at byte {j}: expected len {len(e)} "
                          f"{e[j:j+8].hex()}, got len {len(g)} {g[j:j+8].hex()}")
        print(f"compare: expected {len(exp)} frames, got {len(got)}, {bad} differ")
        return 0 if bad == 0 else 1
    # subsequence
    j, extra = 0, 0
    for g in got:
        if j < len(exp) and g == exp[j]:
            j += 1
        else:
            extra += 1
    print(f"compare: {j} of {len(exp)} expected frames found in order among {len(got)} "
          f"({extra} other frames)")
    if j < len(exp):
        e = exp[j]
        near = [g for g in got if len(g) == len(e)]
        print(f"first missing: expected frame {j} ({len(e)} bytes, {e[:16].hex()}...); "
              f"{len(near)} captured frames have that length")
    return 0 if j == len(exp) else 1


MARK = re.compile(r"@@BN:([A-Z-]+)(?: (.*))?$")
KLOG = re.compile(r"^\[\s*\d+\.\d+\] ")


def cmd_console(a):
    try:
        with open(a.log, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raw = b""
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    st = {"booted": None, "ready": None, "iface": None, "exit": None, "done": 0,
          "module_fail": None, "panic": 0, "kernel_warn": 0, "no_carrier": 0}
    state, out, gets, cur, warn = "boot", [], {}, None, []
    panic_lines, klog = [], []
    for ln in lines:
        if "Kernel panic" in ln or "end Kernel panic" in ln:
            st["panic"] = 1
        if st["panic"] and len(panic_lines) < 40:
            panic_lines.append(ln)
        idx = ln.find("@@BN:")
        m = MARK.match(ln[idx:]) if idx >= 0 else None
        if not m:
            if state == "cmd" and KLOG.match(ln):
                klog.append(ln)  # kernel console messages: stderr, not output
            elif state == "cmd":
                out.append(ln)
            elif state == "get":
                gets[cur].append(ln.strip())
            elif state in ("modfail", "warn"):
                warn.append(ln)
            continue
        if idx > 0 and state == "cmd":
            out.append(ln[:idx])  # output not ending in a newline
        key, arg = m.group(1), (m.group(2) or "").strip()
        if key == "BOOTED":
            st["booted"] = arg
        elif key == "READY":
            st["ready"] = arg
        elif key == "IFACE":
            st["iface"] = arg
        elif key == "NO-CARRIER":
            st["no_carrier"] = 1
        elif key == "MODULE-FAIL":
            st["module_fail"] = arg
            state = "modfail"
        elif key == "CMD-BEGIN":
            state = "cmd"
        elif key == "EXIT":
            st["exit"] = arg
            state = "post"
        elif key == "GET-BEGIN":
            cur = arg
            gets[cur] = []
            state = "get"
        elif key == "GET-END":
            state = "post"
            parts = arg.rsplit(" ", 1)
            if a.get_dir is not None and cur is not None:
                dst = os.path.join(a.get_dir, cur.strip("/").replace("/", "__"))
                if len(parts) == 2 and parts[1] == "0":
                    try:
                        data = base64.b64decode("".join(gets[cur]), validate=False)
                        with open(dst, "wb") as f:
                            f.write(data)
                    except Exception as ex:  # noqa: BLE001
                        print(f"vm: cannot decode {cur}: {ex}", file=sys.stderr)
                else:
                    print(f"vm: guest file {cur} could not be read", file=sys.stderr)
        elif key == "KERNEL-WARN":
            st["kernel_warn"] = 1
            state = "warn"
        elif key == "KERNEL-WARN-END":
            state = "post"
        elif key == "DONE":
            st["done"] = 1
            state = "post"
    if state == "cmd" and out and out[-1] == "":
        out.pop()
    if st["exit"] is not None and out and out[-1] == "":
        out.pop()
    sys.stdout.write("".join(l + "\n" for l in out))
    sys.stdout.flush()
    if klog and not st["panic"]:
        print("vm: guest kernel messages during the command:", file=sys.stderr)
        for l in klog[:60]:
            print("  | " + l, file=sys.stderr)
    if st["module_fail"] is not None:
        print("vm: bpfnic.ko failed to load (insmod exit %s); guest dmesg:" % st["module_fail"],
              file=sys.stderr)
        for l in warn:
            print("  | " + l, file=sys.stderr)
    elif st["kernel_warn"]:
        print("vm: WARNING: the guest kernel logged an oops/WARN/BUG; dmesg tail:", file=sys.stderr)
        for l in warn:
            print("  | " + l, file=sys.stderr)
    if st["panic"]:
        print("vm: guest kernel panic:", file=sys.stderr)
        for l in panic_lines:
            print("  | " + l, file=sys.stderr)
    print("STATUS " + " ".join(f"{k}={'' if v is None else v}" for k, v in st.items()),
          file=sys.stderr)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = p.add_subparsers(dest="cmd", required=True)
    r = sp.add_parser("run")
    r.add_argument("--ports-file", required=True)
    r.add_argument("--console")
    r.add_argument("--marker", default="@@BN:READY")
    r.add_argument("--pcap-in")
    r.add_argument("--pcap-out")
    r.add_argument("--rate", type=float, default=0.0, help="frames/s (0 = as fast as possible)")
    r.add_argument("--repeat", type=int, default=1)
    r.add_argument("--delay", type=float, default=0.0, help="seconds to wait after the marker")
    r.add_argument("--window", type=int, default=32768,
                   help="max bytes queued at QEMU's socket (0 = no flow control)")
    r.add_argument("--stats")
    r.add_argument("--replay-dir", help="replay DIR/NAME.pcap at each '@@BN:REPLAY NAME' console line")
    g = sp.add_parser("gen")
    g.add_argument("out")
    g.add_argument("n", type=int)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--min", type=int, default=60)
    g.add_argument("--max", type=int, default=1514)
    g.add_argument("--dst", default="52:54:00:12:34:56")
    g.add_argument("--src", default="02:bf:00:00:00:01")
    g.add_argument("--ethertype", type=lambda s: int(s, 0), default=0x88B5)
    c = sp.add_parser("compare")
    c.add_argument("expected")
    c.add_argument("got")
    c.add_argument("--subseq", action="store_true")
    k = sp.add_parser("console")
    k.add_argument("log")
    k.add_argument("--get-dir")
    a = p.parse_args()
    try:
        return {"run": cmd_run, "gen": cmd_gen, "compare": cmd_compare, "console": cmd_console}[a.cmd](a)
    except (ValueError, OSError) as ex:
        print(f"wire.py: {ex}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
