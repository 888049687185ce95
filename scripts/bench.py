#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
"""bpfnic benchmarks (`make bench`, through scripts/bench.sh).

Measures every program of bpf-tests/corpus.manifest (with its map presets)
through the bpfnic CLI, prints one table and writes build/bench.json:

  ebpf_insns, ucode_insns, jit_us
      `prog jit --json`: instruction counts with all passes on, and the
      median CPU time of one bn_jit_compile() over 20 calls (the analyzer
      is not timed; jit_wall_us, the median wall time, is kept beside it
      for the big program, whose figures are the median of 7 such runs).
  cycles_per_pkt, mpps_per_fpc, mpps_nic, sim_ns_per_pkt
      `prog run --json --repeat R --host-threads 1` on the default NIC
      (5 islands x 12 FPCs x 4 threads, 800 MHz), the pcap replayed R times
      in one batch so that at least BENCH_SIM_PKTS (200000) packets are
      simulated; maps persist across replays, so these are steady-state
      figures.  The cycle figures are deterministic (host_threads 1, fixed
      seed); sim_ns_per_pkt (process CPU time per packet: the speed of
      one host core, not disturbed by other work on the machine) is the median of
      BENCH_SIM_RUNS (3) runs.
  kernel_ns_per_pkt
      `prog diff --time 1000 --json`: each packet BPF_PROG_TEST_RUN with
      .repeat = 1000, the kernel's mean ns per run, averaged over the
      packets; null when the host kernel cannot test-run (exit 77).  The
      kernel does not reset the packet between repetitions, so a program
      that moves data/data_end (adjust_head/tail) sees its own output on the
      later ones; that is how BPF_PROG_TEST_RUN times, and so it is here.
  kernel_fresh_ns_per_pkt (beside it; informational)
      the same packets fresh for every run: 100 single test runs per packet,
      less as many of a program that returns at once, plus that program's
      repeat-1000 figure (`prog diff` prints how).  It times what a program
      that rewrites its packet (l4lb encapsulates) does to the packet as it
      came, but single runs find the caches colder: programs that leave
      the packet alone come out 20-70 % above kernel_ns_per_pkt too.
  passes[].cycles_saved
      sum over the corpus of cycles_per_pkt with --no-opt=PASS minus
      cycles_per_pkt with every pass on, each run on ONE FPC with ONE thread
      (--islands 1 --fpcs 1 --threads 1) so that thread switching does not
      hide memory latency and blur the difference; at least BENCH_PASS_PKTS
      (20000) packets per run.  Static savings (microcode instructions, from
      `prog jit`, summed) are in pass_details.

Targets (reported, never fatal): microcode/eBPF ratio over the corpus
<= 1.3; cycles/packet <= 100 (drop_ethertype) and <= 400 (l4lb); simulator
>= 2 M packets/s per host core on drop_ethertype (<= 500 ns/packet); l4lb in
the simulator within 10x of the host kernel's ns/packet (the median over
BENCH_RATIO_RUNS (5) rounds, each a simulator run and a kernel timing one
after the other, of their ratio: on a shared host whose speed drifts,
figures taken minutes apart do not make a ratio); the JIT under 1 ms
for a 4096-instruction program (bpf-tests/bench/gen_big.py -> build/bench/
big.o, which must also pass the host kernel's verifier).  If
$BUILD/nicsim-bench exists, its output is included.  For l4lb, the host
speed of the simulator beside the default with the scheduling window of
programs that are not order-free, and with that and the interpreter only
(no host code), in the same interleaved rounds (informational:
l4lb_speed_options in the JSON; the rounds' pairs: l4lb_kernel_ratio).

Phases: static (serial), per-pass runs (parallel, deterministic), timed
runs (serial, so nothing else competes for the cores), l4lb's speed
options, the big program, nicsim-bench.  Exit status 0 unless the harness
itself cannot run (no bpfnic binary, no manifest): missed targets and
failing programs are reported in the table and the JSON, not by the exit
status.

Environment: BPFNIC (default $BUILD/bpfnic), BUILD (build), MANIFEST,
BENCH_JOBS (parallel jobs for the per-pass runs, default: CPUs),
BENCH_SIM_PKTS (200000), BENCH_SIM_RUNS (3), BENCH_RATIO_RUNS (5), BENCH_PASS_PKTS (20000),
BENCH_TIME_REPEAT (1000), BENCH_TIMEOUT (seconds per CLI call, 300),
BENCH_BUDGET (seconds, 480: after this, and for any program whose timed run
takes over 5 s, sim_ns_per_pkt comes from one run instead of the median),
BENCH_QUICK=1 (smoke run: 20000 / 1 / 1 / 2000 / 100).
usage: bench.py [NAME ...]   (only these corpus programs)
"""
import concurrent.futures
import json
import math
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)

BUILD = os.environ.get("BUILD", "build")
BPFNIC = os.environ.get("BPFNIC", os.path.join(BUILD, "bpfnic"))
MANIFEST = os.environ.get("MANIFEST", "bpf-tests/corpus.manifest")
BIG_JIT_RUNS = 7          # prog jit processes on the big program (median)
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")


def env_int(name, default, quick):
    v = os.environ.get(name)
    if v is None:
        return quick if QUICK else default
    try:
        n = int(v)
    except ValueError:
        sys.exit("bench: %s=%r is not a number" % (name, v))
    if n < 1:
        sys.exit("bench: %s must be at least 1" % name)
    return n


SIM_PKTS = env_int("BENCH_SIM_PKTS", 200000, 20000)
SIM_RUNS = env_int("BENCH_SIM_RUNS", 3, 1)
RATIO_RUNS = env_int("BENCH_RATIO_RUNS", 5, 1)
PASS_PKTS = env_int("BENCH_PASS_PKTS", 20000, 2000)
TIME_REPEAT = env_int("BENCH_TIME_REPEAT", 1000, 100)
TIMEOUT = env_int("BENCH_TIMEOUT", 300, 300)
JOBS = env_int("BENCH_JOBS", os.cpu_count() or 1, os.cpu_count() or 1)
SLOW_RUN = 5.0      # seconds: a timed run this slow is not repeated (time budget)
BUDGET = env_int("BENCH_BUDGET", 480, 480)  # seconds: past this, one timed run each

PASSES = ["zext", "imm_fold", "fuse_shift", "fuse_field", "fuse_cmp",
          "pkt_coalesce", "defer_fill", "dce"]
PASS_NIC = ["--islands", "1", "--fpcs", "1", "--threads", "1"]
NIC_DEFAULT = "5 islands x 12 FPCs x 4 threads"

BIG_GEN = "bpf-tests/bench/gen_big.py"
BIG_OBJ = os.path.join(BUILD, "bench", "big.o")
BIG_C = os.path.join(BUILD, "bench", "big.c")
BIG_PCAP = os.path.join(BUILD, "bench", "big.pcap")
BIG_TARGET = 4096
# struct big_cfg in gen_big.py: seed 0x12345678, drop_mask 3
BIG_PRESETS = ["big_config:00000000=7856341203000000"]
NICSIM_BENCH = os.path.join(BUILD, "nicsim-bench")

T0 = time.monotonic()


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# ------------------------------------------------------------------ the CLI
class Result:
    def __init__(self, rc, obj, err, secs):
        self.rc, self.obj, self.err, self.secs = rc, obj, err, secs

    def why(self):
        """One line for a failure: the CLI's first message, or the exit."""
        if self.rc == 124:
            return "timed out after %ds" % TIMEOUT
        for line in self.err.splitlines():
            line = line.strip()
            if line and not line.startswith("bpfnic: warning:"):
                return "exit %d: %s" % (self.rc, line[:200])
        if self.obj is None:
            return "exit %d, no JSON on stdout" % self.rc
        return "exit %d" % self.rc


def parse_json(text):
    """The CLI prints one JSON object; failing that, the last line that is one."""
    try:
        obj = json.loads(text)
        return obj if isinstance(obj, dict) else None
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        try:
            obj = json.loads(line)
            if isinstance(obj, dict):
                return obj
        except ValueError:
            continue
    return None


def bpfnic(*args):
    cmd = [BPFNIC, "--json"] + [str(a) for a in args]
    t = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        err = e.stderr or ""
        rc, out = 124, ""
        if isinstance(err, bytes):
            err = err.decode(errors="replace")
    return Result(rc, parse_json(out), err, time.monotonic() - t)


def num(obj, key):
    v = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return v if math.isfinite(v) else None


def rnd(v, nd=2):
    return None if v is None else round(v, nd)


# ------------------------------------------------------------------ inputs
class Prog:
    def __init__(self, name, sec, ptype, presets):
        self.name, self.sec, self.type = name, sec, ptype
        self.presets = presets
        self.obj = os.path.join(BUILD, "bpf", name + ".o")
        self.pcap = os.path.join(BUILD, "pcap", name + ".pcap")
        self.errors = []
        self.npkts = None
        self.jit = None           # prog jit JSON
        self.run = None           # prog run JSON (default NIC, first run)
        self.sim_ns = []          # sim_ns_per_pkt of each timed run
        self.diff = None          # prog diff --time JSON
        self.kernel_note = None
        self.pass_cycles = {}     # "" (all passes) or pass -> cycles_per_pkt (1x1x1)

    def args(self):
        a = [self.obj, "sec", self.sec, "--pcap", self.pcap]
        for p in self.presets:
            a += ["--map", p]
        return a

    def err(self, what, res):
        self.errors.append("%s: %s" % (what, res.why()))


def read_manifest(only):
    progs = []
    with open(MANIFEST) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if only and w[0] not in only:
                continue
            if len(w) < 3:
                log("manifest: bad line: %s" % line.strip())
                continue
            presets = [x for x in w[3:] if ":" in x and "=" in x
                       and x.split("=")[0] not in ("ABORTED", "DROP", "PASS", "TX")]
            progs.append(Prog(w[0], w[1], w[2], presets))
    return progs


def pcap_count(path):
    """Packets in a classic pcap, None for anything else."""
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        return None
    if len(b) < 24:
        return None
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        return None
    n, off = 0, 24
    while off + 16 <= len(b):
        caplen, = struct.unpack_from(end + "I", b, off + 8)
        off += 16 + caplen
        n += 1
    return n


def packets(p):
    """Packets in p's pcap (a probe run if it is not a classic pcap)."""
    n = pcap_count(p.pcap)
    if n is None:
        r = bpfnic("prog", "run", *p.args())
        n = num(r.obj, "packets") if r.rc == 0 else None
    return int(n) if n else None


def repeat_for(npkts, want):
    return max(1, -(-want // npkts)) if npkts else 1


# ------------------------------------------------------------------ phases
def phase_static(progs):
    for i, p in enumerate(progs):
        log("[%d/%d] %s: jit" % (i + 1, len(progs), p.name))
        if not os.path.exists(p.obj) or not os.path.exists(p.pcap):
            p.errors.append("%s or %s missing (run make)" % (p.obj, p.pcap))
            continue
        p.npkts = packets(p)
        if not p.npkts:
            p.errors.append("%s: cannot count its packets" % p.pcap)
        r = bpfnic("prog", "jit", p.obj, "sec", p.sec)
        if r.rc == 0 and r.obj:
            p.jit = r.obj
        else:
            p.err("prog jit", r)


def phase_passes(progs):
    """cycles_per_pkt on 1 island x 1 FPC x 1 thread, all passes and each off."""
    jobs = []
    for p in progs:
        if p.jit and p.npkts:
            rep = repeat_for(p.npkts, PASS_PKTS)
            for ps in [""] + PASSES:
                jobs.append((p, ps, rep))
    log("per-pass runs: %d runs on %d job(s)" % (len(jobs), JOBS))

    def one(job):
        p, ps, rep = job
        extra = ["--no-opt=" + ps] if ps else []
        return job, bpfnic("prog", "run", *p.args(), *PASS_NIC, "--host-threads", "1",
                           "--repeat", rep, *extra)

    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
        for (p, ps, rep), r in ex.map(one, jobs):
            c = num(r.obj, "cycles_per_pkt") if r.rc == 0 else None
            if c is None:
                p.err("prog run 1x1x1 %s" % ("--no-opt=" + ps if ps else "(all passes)"), r)
            else:
                p.pass_cycles[ps] = c


def phase_timed(progs):
    for i, p in enumerate(progs):
        if not p.jit or not p.npkts:
            continue
        rep = repeat_for(p.npkts, SIM_PKTS)
        runs = SIM_RUNS if time.monotonic() - T0 < BUDGET else 1
        log("[%d/%d] %s: run x%d (%d packets) x%d, diff --time %d" % (
            i + 1, len(progs), p.name, rep, rep * p.npkts, runs, TIME_REPEAT))
        for k in range(runs):
            r = bpfnic("prog", "run", *p.args(), "--host-threads", "1", "--repeat", rep)
            ns = num(r.obj, "sim_ns_per_pkt") if r.rc == 0 else None
            if ns is None:
                p.err("prog run --repeat %d" % rep, r)
                break
            if p.run is None:
                p.run = r.obj
            p.sim_ns.append(ns)
            if r.secs > SLOW_RUN and k + 1 < runs:
                log("%s: a run took %.0f s: one run only" % (p.name, r.secs))
                break
        r = bpfnic("prog", "diff", *p.args(), "--time", TIME_REPEAT)
        if r.rc == 77:
            p.kernel_note = "kernel skipped: %s" % ((r.obj or {}).get("skipped") or "no reason")
        elif r.rc in (0, 1) and r.obj and "mismatches" in r.obj:
            p.diff = r.obj
            if r.rc == 1 or r.obj.get("mismatches"):
                p.kernel_note = "%s of %s packets differ from the kernel" % (
                    r.obj.get("mismatches"), r.obj.get("packets"))
        else:
            p.err("prog diff --time", r)


# Host-speed options measured on l4lb, interleaved with the default and
# with the kernel's time for the same packets, so that one run's ratios
# mean something on a noisy host: RATIO_RUNS rounds of each, the median of
# each, and the median of the rounds' sim/kernel ratios (the target).
SPEED_OPTIONS = [
    ("default (order-free: window 65536)", []),
    ("--sched-window 256", ["--sched-window", "256"]),
    ("--sched-window 256 --interpret", ["--sched-window", "256", "--interpret"]),
]


def phase_speed_options(progs):
    """l4lb's options and its paired sim/kernel rounds: (options, ratio) or (None, None)."""
    lb = next((p for p in progs if p.name == "l4lb" and p.jit and p.npkts), None)
    if lb is None:
        return None, None
    rep = repeat_for(lb.npkts, SIM_PKTS)
    ns = {name: [] for name, _ in SPEED_OPTIONS}
    rounds = []
    log("l4lb: host-speed options and the kernel, x%d interleaved" % RATIO_RUNS)
    for _ in range(RATIO_RUNS):
        sim = None
        for name, extra in SPEED_OPTIONS:
            r = bpfnic("prog", "run", *lb.args(), "--host-threads", "1", "--repeat", rep,
                       *extra)
            v = num(r.obj, "sim_ns_per_pkt") if r.rc == 0 else None
            if v is not None:
                ns[name].append(v)
            if not extra:
                sim = v
        r = bpfnic("prog", "diff", *lb.args(), "--time", TIME_REPEAT)
        d = r.obj if r.rc in (0, 1) else None
        k, kf = num(d, "kernel_ns_per_pkt"), num(d, "kernel_fresh_ns_per_pkt")
        if sim and k:
            rounds.append({"sim_ns_per_pkt": round(sim, 1), "kernel_ns_per_pkt": round(k, 2),
                           "ratio": round(sim / k, 2),
                           "kernel_fresh_ns_per_pkt": rnd(kf, 2),
                           "ratio_fresh": round(sim / kf, 2) if kf else None})
    options = [{"option": name, "sim_ns_per_pkt": rnd(statistics.median(v), 1) if v else None,
                "runs": [round(x, 1) for x in v]} for name, v in ns.items()]
    ratio = None
    if rounds:
        fresh = [r["ratio_fresh"] for r in rounds if r["ratio_fresh"]]
        ratio = {"median": round(statistics.median(r["ratio"] for r in rounds), 2),
                 "median_fresh": round(statistics.median(fresh), 2) if fresh else None,
                 "rounds": rounds}
    return options, ratio


def verifier_check(obj):
    """bpftool prog load into the host kernel: (ok or None, note)."""
    bpftool = shutil.which("bpftool") or ("/usr/sbin/bpftool"
                                          if os.path.exists("/usr/sbin/bpftool") else None)
    if not bpftool:
        return None, "bpftool not installed"
    if os.geteuid() != 0:
        return None, "not root"
    fsdir = "/sys/fs/bpf"
    try:
        with open("/proc/mounts") as f:
            if not any(l.split()[1:3] == [fsdir, "bpf"] for l in f):
                return None, "no bpffs at %s" % fsdir
    except OSError:
        return None, "cannot read /proc/mounts"
    pin = os.path.join(fsdir, "bpfnic-bench-big-%d" % os.getpid())
    try:
        p = subprocess.run([bpftool, "prog", "load", obj, pin], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, "bpftool timed out"
    finally:
        try:
            os.unlink(pin)
        except OSError:
            pass
    if p.returncode == 0:
        return True, "bpftool prog load: accepted"
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    hint = next((l for l in lines if "invalid" in l or "!read_ok" in l or "too large" in l),
                lines[-1] if lines else "")
    return False, "bpftool prog load failed: %s" % hint.strip()[:200]


def phase_big():
    big = {"file": BIG_OBJ, "target_insns": BIG_TARGET, "errors": []}
    stale = any(not os.path.exists(f) or os.path.getmtime(f) < os.path.getmtime(BIG_GEN)
                for f in (BIG_OBJ, BIG_PCAP))
    if stale:
        log("generating %s" % BIG_OBJ)
        g = subprocess.run([sys.executable, "-B", BIG_GEN, "--out", BIG_OBJ, "--c", BIG_C,
                            "--pcap", BIG_PCAP, "--clang", os.environ.get("CLANG", "clang")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if g.returncode and not os.path.exists(BIG_OBJ):
            big["errors"].append("gen_big.py failed: %s" % g.stdout.strip()[-300:])
            return big
    log("big program: jit, verifier, run, diff")
    # BIG_JIT_RUNS processes of 20 compiles each: the median of their
    # medians, because the machine's speed drifts over seconds (a shared
    # host) more than within one process's few milliseconds
    runs = []
    for _ in range(BIG_JIT_RUNS):
        r = bpfnic("prog", "jit", BIG_OBJ)
        if r.rc != 0 or not r.obj:
            big["errors"].append("prog jit: %s" % r.why())
            break
        runs.append(r.obj)
    if runs:
        big["ebpf_insns"] = runs[0].get("ebpf_insns")
        big["ucode_insns"] = runs[0].get("ucode_insns")
        big["jit_us"] = rnd(statistics.median(num(o, "jit_us") for o in runs), 2)
        big["jit_wall_us"] = rnd(statistics.median(num(o, "jit_wall_us") for o in runs), 2)
        big["jit_us_runs"] = [rnd(num(o, "jit_us"), 1) for o in runs]
    ok, note = verifier_check(BIG_OBJ)
    big["verifier"] = ok
    big["verifier_note"] = note
    args = [BIG_OBJ, "--pcap", BIG_PCAP]
    for p in BIG_PRESETS:
        args += ["--map", p]
    if "ebpf_insns" in big:
        n = pcap_count(BIG_PCAP) or 64
        rep = repeat_for(n, max(SIM_PKTS // 10, 1000))
        r = bpfnic("prog", "run", *args, "--host-threads", "1", "--repeat", rep)
        if r.rc == 0 and r.obj:
            big["cycles_per_pkt"] = rnd(num(r.obj, "cycles_per_pkt"))
            big["sim_ns_per_pkt"] = rnd(num(r.obj, "sim_ns_per_pkt"))
            big["sim_packets"] = r.obj.get("packets")
        else:
            big["errors"].append("prog run: %s" % r.why())
        r = bpfnic("prog", "diff", *args, "--time", TIME_REPEAT)
        if r.rc == 77:
            big["kernel"] = "skipped: %s" % ((r.obj or {}).get("skipped") or "")
        elif r.rc in (0, 1) and r.obj and "mismatches" in r.obj:
            big["kernel_ns_per_pkt"] = rnd(num(r.obj, "kernel_ns_per_pkt"))
            big["mismatches"] = r.obj.get("mismatches")
            big["kernel"] = "%s of %s packets differ" % (r.obj.get("mismatches"),
                                                         r.obj.get("packets"))
        else:
            big["errors"].append("prog diff: %s" % r.why())
    return big


def phase_nicsim_bench():
    if not os.access(NICSIM_BENCH, os.X_OK):
        return None
    log("running %s" % NICSIM_BENCH)
    t = time.monotonic()
    try:
        p = subprocess.run([NICSIM_BENCH], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = 124, "", "timed out after %ds" % TIMEOUT
    res = {"binary": NICSIM_BENCH, "exit": rc, "seconds": round(time.monotonic() - t, 2)}
    parsed = parse_json(out)
    if parsed is not None:
        res["result"] = parsed
    res["output"] = out
    if rc:
        res["stderr"] = err[-2000:]
    return res


# ------------------------------------------------------------------ results
def program_rows(progs):
    rows, details = [], []
    for p in progs:
        j, r, d = p.jit or {}, p.run or {}, p.diff or {}
        sim_ns = statistics.median(p.sim_ns) if p.sim_ns else None
        rows.append({
            "name": p.name,
            "ebpf_insns": j.get("ebpf_insns"),
            "ucode_insns": j.get("ucode_insns"),
            "cycles_per_pkt": rnd(num(r, "cycles_per_pkt")),
            "mpps_per_fpc": rnd(num(r, "mpps_per_fpc"), 3),
            "mpps_nic": rnd(num(r, "mpps_nic"), 2),
            "sim_ns_per_pkt": rnd(sim_ns, 1),
            "kernel_ns_per_pkt": rnd(num(d, "kernel_ns_per_pkt"), 1),
            "kernel_fresh_ns_per_pkt": rnd(num(d, "kernel_fresh_ns_per_pkt"), 1),
            "jit_us": rnd(num(j, "jit_us"), 2),
        })
        base = p.pass_cycles.get("")
        details.append({
            "name": p.name,
            "type": p.type,
            "pcap_packets": p.npkts,
            "sim_packets": r.get("packets"),
            "verdicts": r.get("verdicts"),
            "faults": r.get("faults"),
            "insns_per_pkt": rnd(num(r, "insns_per_pkt")),
            "sim_ns_per_pkt_runs": [round(x, 1) for x in p.sim_ns],
            "kernel_timed_packets": d.get("timed_packets"),
            "mismatches": d.get("mismatches"),
            "kernel": p.kernel_note or ("agrees" if p.diff else None),
            "cycles_per_pkt_1x1x1": rnd(base),
            "pass_cycles_saved": {ps: rnd(p.pass_cycles[ps] - base)
                                  for ps in PASSES if ps in p.pass_cycles and base is not None},
            "pass_ucode_saved": {x["name"]: x["saving"] for x in j.get("passes", [])
                                 if isinstance(x, dict) and "saving" in x},
            "errors": p.errors,
        })
    return rows, details


def pass_rows(progs):
    rows, details = [], []
    for ps in PASSES:
        cyc, n_cyc, ins, n_ins, missing = 0.0, 0, 0, 0, []
        for p in progs:
            base, off = p.pass_cycles.get(""), p.pass_cycles.get(ps)
            if base is not None and off is not None:
                cyc += off - base
                n_cyc += 1
            elif p.jit:
                missing.append(p.name)
            for x in (p.jit or {}).get("passes", []):
                if isinstance(x, dict) and x.get("name") == ps and "saving" in x:
                    ins += x["saving"]
                    n_ins += 1
        rows.append({"name": ps, "cycles_saved": round(cyc, 1) if n_cyc else None})
        details.append({"name": ps, "cycles_saved": round(cyc, 1) if n_cyc else None,
                        "ucode_insns_saved": ins if n_ins else None,
                        "programs": n_cyc, "not_measured": missing})
    return rows, details


def target(name, value, limit, cmp, unit, note=None):
    if value is None:
        status, ok = "n/a", None
    else:
        ok = value <= limit if cmp == "<=" else value >= limit
        status = "ok" if ok else "MISSED"
    t = {"name": name, "value": value, "target": "%s %s" % (cmp, limit), "unit": unit,
         "ok": ok, "status": status}
    if note:
        t["note"] = note
    return t


def targets(rows, big, summary, lb_ratio=None):
    by = {r["name"]: r for r in rows}
    de, lb = by.get("drop_ethertype", {}), by.get("l4lb", {})
    out = [
        target("microcode/eBPF instructions, corpus (sum ucode / sum eBPF)",
               summary["ratio"], 1.3, "<=", "ratio",
               None if summary["complete"] else "not every program was JITted"),
        target("drop_ethertype cycles/packet (default NIC)", de.get("cycles_per_pkt"),
               100, "<=", "cycles"),
        target("l4lb cycles/packet (default NIC)", lb.get("cycles_per_pkt"), 400, "<=",
               "cycles"),
        target("simulator on drop_ethertype, ns/packet per host core (>= 2 Mpps)",
               de.get("sim_ns_per_pkt"), 500, "<=", "ns"),
    ]
    ratio, note = None, "needs both timings"
    if lb_ratio:
        ratio = lb_ratio["median"]
        note = "median of %d interleaved rounds: %s" % (
            len(lb_ratio["rounds"]), " ".join("%.2f" % r["ratio"] for r in lb_ratio["rounds"]))
    elif lb.get("sim_ns_per_pkt") and lb.get("kernel_ns_per_pkt"):
        ratio = round(lb["sim_ns_per_pkt"] / lb["kernel_ns_per_pkt"], 2)
        note = "the table's figures (no interleaved rounds)"
    out.append(target("l4lb sim ns/packet / kernel ns/packet", ratio, 10, "<=", "x", note))
    n = big.get("ebpf_insns")
    out.append(target("JIT time, %s-instruction program (%s)" % (n or "?", BIG_OBJ),
                      big.get("jit_us"), 1000, "<=", "us"))
    dev = round(abs(n - BIG_TARGET) / BIG_TARGET * 100, 1) if n else None
    out.append(target("big.o size: %% off %d eBPF instructions" % BIG_TARGET, dev, 10, "<=",
                      "%"))
    v = big.get("verifier")
    out.append({"name": "big.o passes the host kernel's verifier", "value": v,
                "target": "accepted", "unit": "", "ok": v,
                "status": "n/a" if v is None else "ok" if v else "MISSED",
                "note": None if v else big.get("verifier_note")})
    return out


# ------------------------------------------------------------------ output
def fmt(v, spec, width):
    if v is None:
        return "-".rjust(width)
    return format(v, spec).rjust(width)


def print_report(rows, details, prows, pdetails, tg, big, summary, nb, out_path, speed=None,
                 lb_ratio=None):
    print("bpfnic bench: %d programs of %s; default NIC %s @ 800 MHz" % (
        len(rows), MANIFEST, NIC_DEFAULT))
    print("  eBPF/ucode/JIT us: prog jit (JIT us = median CPU time of 20 bn_jit_compile calls);"
          " cyc/pkt, Mpps: prog run,")
    print("  >= %d packets (pcap replayed); sim ns: host ns/packet, 1 host thread, median"
          " of %d; kernel ns:" % (SIM_PKTS, SIM_RUNS))
    print("  BPF_PROG_TEST_RUN repeat %d, mean over the packets" % TIME_REPEAT)
    hdr = "%-16s %6s %6s %5s %8s %8s %9s %8s %8s %8s  %s" % (
        "program", "eBPF", "ucode", "ratio", "cyc/pkt", "Mpps/FPC", "Mpps NIC", "sim ns",
        "kern ns", "JIT us", "notes")
    print(hdr)
    print("-" * len(hdr))
    for r, d in zip(rows, details):
        ratio = r["ucode_insns"] / r["ebpf_insns"] if r["ebpf_insns"] and r["ucode_insns"] \
            else None
        notes = []
        if d["kernel"] and d["kernel"] != "agrees":
            notes.append(d["kernel"])
        if d["faults"]:
            notes.append("%s faults" % d["faults"])
        if d["errors"]:
            notes.append("%d error(s): %s" % (len(d["errors"]), d["errors"][0]))
        print("%-16s %6s %6s %5s %8s %8s %9s %8s %8s %8s  %s" % (
            r["name"][:16], fmt(r["ebpf_insns"], "d", 6), fmt(r["ucode_insns"], "d", 6),
            fmt(ratio, ".2f", 5), fmt(r["cycles_per_pkt"], ".1f", 8),
            fmt(r["mpps_per_fpc"], ".2f", 8), fmt(r["mpps_nic"], ".1f", 9),
            fmt(r["sim_ns_per_pkt"], ".0f", 8), fmt(r["kernel_ns_per_pkt"], ".1f", 8),
            fmt(r["jit_us"], ".1f", 8), "; ".join(notes)[:120]))
    print("-" * len(hdr))
    print("%-16s %6s %6s %5s" % ("corpus", fmt(summary["ebpf_insns"], "d", 6),
                                 fmt(summary["ucode_insns"], "d", 6),
                                 fmt(summary["ratio"], ".2f", 5)))
    print()
    print("pass savings, summed over the corpus: cycles/packet measured on ONE FPC with ONE"
          " thread")
    print("(--islands 1 --fpcs 1 --threads 1, >= %d packets per run) so thread switching"
          " does not" % PASS_PKTS)
    print("hide latency; cycles = (--no-opt=PASS) - (all passes); static = microcode"
          " instructions saved")
    print("%-14s %13s %13s %9s" % ("pass", "cycles saved", "static insns", "programs"))
    for d in pdetails:
        print("%-14s %13s %13s %9s" % (d["name"], fmt(d["cycles_saved"], ".1f", 13),
                                       fmt(d["ucode_insns_saved"], "d", 13),
                                       "%d/%d" % (d["programs"], len(rows))))
    print()
    print("big program (%s): %s eBPF -> %s microcode instructions, JIT %s us; verifier: %s" % (
        BIG_OBJ, big.get("ebpf_insns", "-"), big.get("ucode_insns", "-"),
        big.get("jit_us", "-"), big.get("verifier_note", "-")))
    if "cycles_per_pkt" in big or "kernel" in big:
        print("  %s cycles/packet, sim %s ns/packet, kernel %s ns/packet (%s)" % (
            big.get("cycles_per_pkt", "-"), big.get("sim_ns_per_pkt", "-"),
            big.get("kernel_ns_per_pkt", "-"), big.get("kernel", "-")))
    for e in big.get("errors", []):
        print("  error: %s" % e)
    print()
    print("targets (reported, not enforced):")
    for t in tg:
        v = t["value"]
        if v is None:
            vs = "-"
        elif isinstance(v, bool):
            vs = "yes" if v else "no"
        else:
            vs = "%.2f" % v if isinstance(v, float) else str(v)
        print("  %-66s %10s %s %-10s %s%s" % (
            t["name"], vs, t["unit"].ljust(6), t["target"], t["status"],
            "  (%s)" % t["note"] if t.get("note") else ""))
    if speed:
        base = speed[0]["sim_ns_per_pkt"]
        print()
        print("l4lb host speed, interleaved runs (median ns/packet; the target pairs the "
              "default's runs with the kernel's):")
        for o in speed:
            v = o["sim_ns_per_pkt"]
            print("  %-36s %6s ns/packet  %s" % (
                o["option"], fmt(v, ".0f", 0),
                "%.2fx the default" % (v / base) if v and base else ""))
    if lb_ratio:
        print()
        print("l4lb against the kernel, round by round (sim ns / kernel ns = ratio; the "
              "kernel with the packet fresh for every run, informational):")
        for r in lb_ratio["rounds"]:
            print("  %6.0f / %6.1f = %5.2fx    %6.0f / %6s = %5sx" % (
                r["sim_ns_per_pkt"], r["kernel_ns_per_pkt"], r["ratio"], r["sim_ns_per_pkt"],
                fmt(r["kernel_fresh_ns_per_pkt"], ".1f", 0),
                fmt(r["ratio_fresh"], ".2f", 0)))
        print("  median %.2fx; against the fresh-packet kernel %sx" % (
            lb_ratio["median"], fmt(lb_ratio["median_fresh"], ".2f", 0)))
    if nb is not None:
        print()
        print("nicsim-bench (%s, exit %d, %.1f s):" % (nb["binary"], nb["exit"], nb["seconds"]))
        for line in nb["output"].rstrip().splitlines():
            print("  " + line)
    print()
    missed = sum(1 for t in tg if t["status"] == "MISSED")
    print("bench: %d targets ok, %d MISSED, %d n/a; %d program(s) with errors; %.0f s; "
          "wrote %s" % (sum(1 for t in tg if t["status"] == "ok"), missed,
                        sum(1 for t in tg if t["status"] == "n/a"), summary["programs_with_errors"],
                        summary["elapsed_s"], out_path))


def host_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"kernel": platform.release(), "cpu": cpu, "cpus": os.cpu_count()}


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    if not os.access(BPFNIC, os.X_OK):
        print("bench: %s not built (run make)" % BPFNIC, file=sys.stderr)
        return 1
    if not os.path.exists(MANIFEST):
        print("bench: %s not found" % MANIFEST, file=sys.stderr)
        return 1
    only = set(argv)
    progs = read_manifest(only)
    if only - {p.name for p in progs}:
        print("bench: not in %s: %s" % (MANIFEST, " ".join(sorted(only - {p.name for p in progs}))),
              file=sys.stderr)
        return 1

    phase_static(progs)
    phase_passes(progs)
    phase_timed(progs)
    speed, lb_ratio = phase_speed_options(progs)
    big = phase_big()
    nb = phase_nicsim_bench()

    rows, details = program_rows(progs)
    prows, pdetails = pass_rows(progs)
    e = sum(r["ebpf_insns"] for r in rows if r["ebpf_insns"] and r["ucode_insns"])
    u = sum(r["ucode_insns"] for r in rows if r["ebpf_insns"] and r["ucode_insns"])
    summary = {
        "programs": len(rows),
        "programs_with_errors": sum(1 for d in details if d["errors"]),
        "ebpf_insns": e, "ucode_insns": u,
        "ratio": round(u / e, 3) if e else None,
        "complete": all(r["ebpf_insns"] and r["ucode_insns"] for r in rows),
        "elapsed_s": round(time.monotonic() - T0, 1),
    }
    tg = targets(rows, big, summary, lb_ratio)
    out = {
        "programs": rows,
        "passes": prows,
        "targets": tg,
        "summary": summary,
        "program_details": details,
        "pass_details": pdetails,
        "big_program": big,
        "config": {
            "nic": NIC_DEFAULT, "pass_nic": "1 island x 1 FPC x 1 thread",
            "sim_packets_min": SIM_PKTS, "sim_runs": SIM_RUNS, "ratio_runs": RATIO_RUNS,
            "pass_packets_min": PASS_PKTS, "kernel_time_repeat": TIME_REPEAT,
            "host_threads": 1, "quick": QUICK, "host": host_info(),
        },
    }
    if nb is not None:
        out["nicsim_bench"] = nb
    if speed is not None:
        out["l4lb_speed_options"] = speed
    if lb_ratio is not None:
        out["l4lb_kernel_ratio"] = lb_ratio
    out_path = os.path.join(BUILD, "bench.json")
    os.makedirs(BUILD, exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, out_path)
    print_report(rows, details, prows, pdetails, tg, big, summary, nb, out_path, speed,
                 lb_ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
