#!/usr/bin/env bash
# bpfnic CLI checks: usage errors with their exact text, malformed inputs
# (ELF, pcap, image) rejected cleanly without crashing, --map parsing, JSON
# output, and a smoke run of jit/dump/run/diff.  Ends with
# "N passed, N failed, N skipped"; exits non-zero on any failure.
#   BPFNIC=path/to/bpfnic  (default: $BUILD/bpfnic, BUILD=build)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BPFNIC=${BPFNIC:-$ROOT/${BUILD:-build}/bpfnic}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0
PASSES="zext, imm_fold, fuse_shift, fuse_field, fuse_cmp, pkt_coalesce, defer_fill, dce"

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2"; }
skipped() { skip=$((skip + 1)); echo "SKIP: $1"; }

# run ARGS...: sets rc, out, err
run() {
	"$BPFNIC" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# expect_err NAME RC "exact stderr line" ARGS...
expect_err() {
	local name=$1 want_rc=$2 line=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit $rc, want $want_rc" "$err"
	elif ! grep -qxF -- "$line" "$T/err"; then
		bad "$name: no line '$line' on stderr" "$err"
	else
		ok
	fi
}

# expect_prefix NAME RC "stderr line prefix" ARGS...
expect_prefix() {
	local name=$1 want_rc=$2 pre=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit $rc, want $want_rc" "$err"
	elif ! grep -q -- "^$(sed 's/[][\.*^$/]/\\&/g' <<<"$pre")" "$T/err"; then
		bad "$name: no line starting '$pre' on stderr" "$err"
	else
		ok
	fi
}

# no_crash NAME ARGS...: any clean exit (0, 1, 2) with no signal
no_crash() {
	local name=$1
	shift
	run "$@"
	if [ "$rc" -gt 2 ]; then
		bad "$name: exit $rc (crash?)" "$err"
	elif [ "$rc" -ne 0 ] && ! grep -q '^bpfnic: ' "$T/err"; then
		bad "$name: failed (exit $rc) without a 'bpfnic: ' message" "$err"
	else
		ok
	fi
}

# json_check NAME PYTHON-EXPR ARGS...: exit 0, stdout is JSON, EXPR(j) true
json_check() {
	local name=$1 expr=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 0 ]; then
		bad "$name: exit $rc" "$err"
	elif ! python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" \
		"$T/out" 2>"$T/pyerr"; then
		bad "$name: JSON check '$expr' failed" "$out$(cat "$T/pyerr")"
	else
		ok
	fi
}

# ---- fixtures ---------------------------------------------------------------
mkfixtures() {
	cat >"$T/prog.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8);
	 __type(key, __u32); __type(value, __u32); } cfg SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4);
	 __type(key, __u32); __type(value, __u64); } cnt SEC(".maps");
SEC("xdp")
int xdp_cnt(struct xdp_md *ctx)
{
	__u32 k = 0, *drop = bpf_map_lookup_elem(&cfg, &k);
	__u64 *c = bpf_map_lookup_elem(&cnt, &k);

	if (c)
		*c += 1;
	return drop && *drop ? XDP_DROP : XDP_PASS;
}
SEC("tc")
int tc_ok(struct __sk_buff *skb) { return 0; }
SEC("kprobe/do_nothing")
int kp(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
C
	clang -O2 -g -target bpf -D__x86_64__ -I/usr/include/x86_64-linux-gnu \
		-c "$T/prog.c" -o "$T/prog.o" 2>"$T/clang.err" || return 1
	python3 - "$T" <<'PY'
import struct, sys, random
t = sys.argv[1]
def pcap(name, frames, linktype=1):
    with open(f"{t}/{name}", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i, 0, len(fr), len(fr)) + fr)
eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
frames = [eth + bytes(range(46)), eth + bytes(50)]
pcap("ok.pcap", frames)
pcap("raw.pcap", [bytes(40)], linktype=101)
data = open(f"{t}/ok.pcap", "rb").read()
open(f"{t}/trunc.pcap", "wb").write(data[:24 + 16 + 60 + 16 + 2])  # packet 1 cut
open(f"{t}/garbage.pcap", "wb").write(b"this is not a capture file\n")

def hdr(code, nrel, nmaps, nlines, version=1, ptype=1):
    return struct.pack("<IHHIIIIHHHH8x", 0x43494e42, version, ptype, code, nrel, nmaps,
                       nlines, 0, 0, 0, 0)
def imap(name, typ, ks, vs, n):
    return struct.pack("<IIIIII16s", typ, ks, vs, n, 0, 0, name.encode())
maps = imap("cfg", 1, 4, 4, 8) + imap("cnt", 2, 4, 8, 4)
nop = bytes(8)
def img(name, b):
    open(f"{t}/{name}", "wb").write(b)
good = hdr(2, 1, 2, 2) + nop * 2 + struct.pack("<IHHII", 0, 4, 0, 1, 0) + maps + struct.pack("<II", 0, 1)
img("good.img", good)
img("short.img", good[:20])
img("trunc.img", hdr(100, 0, 2, 0) + nop * 2)
img("version.img", hdr(1, 0, 0, 0, version=7) + nop)
img("ptype.img", hdr(1, 0, 0, 0, ptype=9) + nop)
img("reltype.img", hdr(1, 1, 0, 0) + nop + struct.pack("<IHHII", 0, 9, 0, 0, 0))
img("relmap.img", hdr(1, 1, 2, 0) + nop + struct.pack("<IHHII", 0, 4, 0, 5, 0) + maps)
img("relinsn.img", hdr(1, 1, 0, 0) + nop + struct.pack("<IHHII", 3, 1, 0, 0, 0))
img("line.img", hdr(1, 0, 0, 2) + nop + struct.pack("<II", 0, 7))
img("maptype.img", hdr(1, 0, 1, 0) + nop + imap("m", 5, 4, 4, 1))
img("huge.img", hdr(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff) + nop)
img("garbage.img", struct.pack("<I", 0x43494e42) + bytes(random.Random(1).randrange(256) for _ in range(60)))
rnd = random.Random(7)
for i in range(60):		# random truncations and byte flips of a valid image
    b = bytearray(good)
    if i % 2:
        b = b[:rnd.randrange(len(b))]
    else:
        for _ in range(3):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
    img(f"fuzz{i}.img", bytes(b))
PY
	head -c 1000 "$T/prog.o" >"$T/trunc.o"
	printf 'not an elf' >"$T/notelf.o"
	cp "$T/garbage.pcap" "$T/garbage.bin"
}

if [ ! -x "$BPFNIC" ]; then
	echo "test-cli: $BPFNIC not built"
	echo "0 passed, 1 failed"
	exit 1
fi
have_prog=1
mkfixtures || { have_prog=0; echo "test-cli: cannot build fixtures: $(cat "$T/clang.err")"; }
P=$T/prog.o
PC=$T/ok.pcap

# ---- usage --------------------------------------------------------------------
expect_err "no args" 2 "Usage: bpfnic [--json|-j] [--pretty|-p] [--verbose|-v] OBJECT COMMAND ..."
expect_err "unknown object" 2 "bpfnic: unknown object 'frob' (try 'bpfnic help')" frob
expect_err "unknown verb" 2 "bpfnic: prog: unknown command 'frob' (try 'bpfnic help')" prog frob
expect_err "ambiguous verb" 2 "bpfnic: prog: 'd' is ambiguous" prog d "$P"
expect_err "missing file" 2 "bpfnic: prog jit: missing FILE (try 'bpfnic help')" prog jit
expect_err "missing pcap" 2 "bpfnic: prog run: --pcap FILE is required" prog run "$P"
expect_err "diff missing pcap" 2 "bpfnic: prog diff: --pcap FILE is required" prog diff "$P"
expect_err "option of another verb" 2 "bpfnic: prog jit: unknown option '--pcap' (try 'bpfnic help')" \
	prog jit "$P" --pcap "$PC"
expect_err "unknown option" 2 "bpfnic: prog show: unknown option '--frob' (try 'bpfnic help')" \
	prog show "$P" --frob
expect_err "option without value" 2 "bpfnic: prog jit: --out needs an argument" prog jit "$P" --out
expect_err "extra argument" 2 "bpfnic: prog jit: unexpected argument 'extra'" prog jit "$P" extra
expect_err "sec without name" 2 "bpfnic: prog jit: sec needs a section or program name" prog jit "$P" sec
expect_err "unknown pass" 2 "bpfnic: --no-opt: unknown pass 'bogus' (valid: $PASSES, all)" \
	prog jit "$P" --no-opt=bogus
expect_err "unknown pass in list" 2 "bpfnic: --no-opt: unknown pass 'x' (valid: $PASSES, all)" \
	prog jit "$P" --no-opt zext,x
expect_err "bad number" 2 "bpfnic: --islands: 'abc' is not a number" prog run "$P" --pcap "$PC" --islands abc
expect_err "negative number" 2 "bpfnic: --seed: '-1' is not a number" prog run "$P" --pcap "$PC" --seed -1
expect_err "number out of range" 2 "bpfnic: --fpcs: 99999999999 is out of range" \
	prog run "$P" --pcap "$PC" --fpcs=99999999999
expect_err "trailing junk" 2 "bpfnic: --mhz: '800x' is not a number" prog run "$P" --pcap "$PC" --mhz 800x
expect_err "sched window too wide" 2 "bpfnic: invalid simulator parameters: params: sched_window = 2097152 is outside 0..1048576" \
	prog run "$P" --pcap "$PC" --sched-window 2097152
expect_err "repeat not a number" 2 "bpfnic: --repeat: 'x' is not a number" prog run "$P" --pcap "$PC" --repeat x
expect_err "repeat zero" 2 "bpfnic: --repeat: must be at least 1" prog run "$P" --pcap "$PC" --repeat=0
expect_err "repeat on diff" 2 "bpfnic: prog diff: unknown option '--repeat' (try 'bpfnic help')" \
	prog diff "$P" --pcap "$PC" --repeat 2
expect_err "time zero" 2 "bpfnic: --time: must be at least 1" prog diff "$P" --pcap "$PC" --time 0
expect_err "time out of range" 2 "bpfnic: --time: 4294967296 is out of range" \
	prog diff "$P" --pcap "$PC" --time 4294967296
expect_err "time on run" 2 "bpfnic: prog run: unknown option '--time' (try 'bpfnic help')" \
	prog run "$P" --pcap "$PC" --time 10
expect_err "time needs a value" 2 "bpfnic: prog diff: --time needs an argument" prog diff "$P" --pcap "$PC" --time
run help
[ "$rc" -eq 0 ] && grep -q "bpfnic prog diff FILE.o" "$T/out" && ok || bad "help" "$out$err"
run prog help
[ "$rc" -eq 0 ] && grep -q "MAPSPEC := NAME:KEYHEX=VALHEX" "$T/out" && ok || bad "prog help" "$out$err"

# ---- --map syntax (checked while parsing) -------------------------------------
expect_err "map no colon" 2 "bpfnic: --map 'cfg00=01': expected NAME:KEYHEX=VALHEX" \
	prog run "$P" --pcap "$PC" --map cfg00=01
expect_err "map no equals" 2 "bpfnic: --map 'cfg:00': expected NAME:KEYHEX=VALHEX" \
	prog run "$P" --pcap "$PC" --map cfg:00
expect_err "map no name" 2 "bpfnic: --map ':00=01': expected NAME:KEYHEX=VALHEX" \
	prog run "$P" --pcap "$PC" --map :00=01
expect_err "map bad key hex" 2 "bpfnic: --map 'cfg:0g000000=01': key '0g000000' is not hex bytes (an even number of hex digits)" \
	prog run "$P" --pcap "$PC" --map cfg:0g000000=01
expect_err "map odd key hex" 2 "bpfnic: --map 'cfg:000=01': key '000' is not hex bytes (an even number of hex digits)" \
	prog run "$P" --pcap "$PC" --map cfg:000=01
expect_err "map empty value" 2 "bpfnic: --map 'cfg:00000000=': value '' is not hex bytes (an even number of hex digits)" \
	prog run "$P" --pcap "$PC" --map cfg:00000000=
expect_err "map second spec bad" 2 "bpfnic: --map 'oops': expected NAME:KEYHEX=VALHEX" \
	prog run "$P" --pcap "$PC" --map cfg:00000000=01000000 oops

# ---- --map against the program's maps (image file: no JIT involved) -------------
G=$T/good.img
expect_err "map key size" 2 "bpfnic: --map 'cfg:0000=01000000': 2-byte key and 4-byte value, map cfg has 4-byte keys and 4-byte values" \
	prog run "$G" --pcap "$PC" --map cfg:0000=01000000
expect_err "map value size" 2 "bpfnic: --map 'cnt:00000000=01000000': 4-byte key and 4-byte value, map cnt has 4-byte keys and 8-byte values" \
	prog run "$G" --pcap "$PC" --map cnt:00000000=01000000
expect_err "map unknown name" 2 "bpfnic: --map 'nomap:00=00': the program uses no map named 'nomap' (its maps: cfg, cnt)" \
	prog run "$G" --pcap "$PC" --map nomap:00=00
expect_err "map array index" 2 "bpfnic: --map 'cnt:04000000=0000000000000000': index 4 is beyond array cnt (4 entries)" \
	prog run "$G" --pcap "$PC" --map cnt:04000000=0000000000000000

# ---- malformed ELF ------------------------------------------------------------------
expect_err "missing object" 2 "bpfnic: $T/none.o: No such file or directory" prog jit "$T/none.o"
expect_err "directory" 2 "bpfnic: $T: not a regular file" prog show "$T"
expect_err "not ELF" 2 "bpfnic: $T/notelf.o: not an ELF object" prog jit "$T/notelf.o"
expect_err "truncated ELF" 2 "bpfnic: $T/trunc.o: cannot open BPF object: BPF object format invalid" \
	prog show "$T/trunc.o"
if [ "$have_prog" = 1 ]; then
	for n in 64 200 700 1500 3000 $(($(stat -c %s "$P") - 8)); do
		head -c "$n" "$P" >"$T/cut.o"
		no_crash "ELF cut at $n bytes: jit" prog jit "$T/cut.o"
	done
fi

# ---- malformed images ---------------------------------------------------------------
expect_err "image neither" 2 "bpfnic: $T/garbage.bin: neither a BPF ELF object nor a bpfnic image" \
	prog dump "$T/garbage.bin"
expect_err "image shorter than header" 2 "bpfnic: $T/short.img: invalid image: image truncated: 20 bytes, header alone is 40" \
	prog dump "$T/short.img"
expect_err "image truncated" 2 "bpfnic: $T/trunc.img: invalid image: image size mismatch: header says 920 bytes (100 code words, 0 relocations, 2 maps, 0 line entries), file has 56" \
	prog dump "$T/trunc.img"
expect_err "image huge counts" 2 "bpfnic: $T/huge.img: invalid image: image size mismatch: header says 292057776100 bytes (4294967295 code words, 4294967295 relocations, 4294967295 maps, 4294967295 line entries), file has 48" \
	prog dump "$T/huge.img"
expect_err "image version" 2 "bpfnic: $T/version.img: invalid image: image version 7 not supported (this tool reads 1)" \
	prog dump "$T/version.img"
expect_err "image prog type" 2 "bpfnic: $T/ptype.img: invalid image: unknown program type 9 in image header" \
	prog dump "$T/ptype.img"
expect_err "image reloc type" 2 "bpfnic: $T/reltype.img: invalid image: relocation 0: unknown type 9" \
	prog dump "$T/reltype.img"
expect_err "image reloc map" 2 "bpfnic: $T/relmap.img: invalid image: relocation 0: map index 5, image has 2 maps" \
	prog dump "$T/relmap.img"
expect_err "image reloc insn" 2 "bpfnic: $T/relinsn.img: invalid image: relocation 0: insn 3 beyond the code (1 words)" \
	prog dump "$T/relinsn.img"
expect_err "image line table" 2 "bpfnic: $T/line.img: invalid image: line table entry 1: code offset 7 beyond 1 words" \
	prog dump "$T/line.img"
expect_err "image map type" 2 "bpfnic: $T/maptype.img: invalid image: map 0: type 5 is neither array nor hash" \
	prog dump "$T/maptype.img"
expect_prefix "image garbage" 2 "bpfnic: $T/garbage.img: invalid image: " prog dump "$T/garbage.img"
expect_err "image run truncated" 2 "bpfnic: $T/trunc.img: invalid image: image size mismatch: header says 920 bytes (100 code words, 0 relocations, 2 maps, 0 line entries), file has 56" \
	prog run "$T/trunc.img" --pcap "$PC"
expect_err "image for diff" 2 "bpfnic: $G: a bpfnic image; prog diff needs the ELF object" \
	prog diff "$G" --pcap "$PC"
for f in "$T"/fuzz*.img; do
	no_crash "fuzzed image $(basename "$f")" prog dump "$f"
	no_crash "fuzzed image $(basename "$f") --json" prog dump "$f" --json
done
json_check "dump image json" 'j["code_len"] == 2 and [m["name"] for m in j["maps"]] == ["cfg", "cnt"] and j["relocations"][0]["type"] == "MAP_ID" and len(j["code"]) >= 1' \
	prog dump "$G" --json

# ---- malformed pcaps ------------------------------------------------------------------
expect_err "pcap garbage" 2 "bpfnic: $T/garbage.pcap: cannot read pcap: unknown file format" \
	prog run "$G" --pcap "$T/garbage.pcap"
expect_err "pcap truncated" 2 "bpfnic: $T/trunc.pcap: packet 1: truncated dump file; tried to read 64 captured bytes, only got 2" \
	prog run "$G" --pcap "$T/trunc.pcap"
expect_err "pcap link type" 2 "bpfnic: $T/raw.pcap: link type RAW is not supported (need Ethernet, EN10MB)" \
	prog run "$G" --pcap "$T/raw.pcap"
expect_err "pcap missing" 2 "bpfnic: $T/none.pcap: cannot read pcap: $T/none.pcap: No such file or directory" \
	prog run "$G" --pcap "$T/none.pcap"
expect_err "repeat too many packets" 2 "bpfnic: --repeat: 2 packets x 4294967295 is more than the 4294967295 packets one batch can take" \
	prog run "$G" --pcap "$PC" --repeat 4294967295

# ---- programs: show / jit / dump / run / diff -----------------------------------------------
if [ "$have_prog" = 0 ]; then
	skipped "program tests (clang could not build the fixture)"
else
	json_check "show json" '[p["name"] for p in j["programs"]] == ["xdp_cnt", "tc_ok", "kp"] and j["programs"][2]["offload"] is None and {m["name"]: (m["key_size"], m["value_size"], m["max_entries"]) for m in j["maps"]} == {"cfg": (4, 4, 8), "cnt": (4, 8, 4)}' \
		prog show "$P" --json
	expect_err "sec not found" 2 "bpfnic: $P: no program or section named 'nope' (programs: xdp_cnt (xdp), tc_ok (tc), kp (kprobe/do_nothing))" \
		prog jit "$P" sec nope
	expect_err "not offloadable" 1 "bpfnic: $P: prog kp: section 'kprobe/do_nothing' is not an offloadable type (only xdp and tc)" \
		prog jit "$P" sec kp
	json_check "jit json" 'j["prog"] == "xdp_cnt" and j["ebpf_insns"] > 0 and j["ucode_insns"] > 0 and len(j["passes"]) == 8' \
		prog jit "$P" --json --out "$T/p.img"
	json_check "jit sec by name, no-opt" 'j["prog"] == "tc_ok" and j["type"] == "tc" and not j["passes"][0]["enabled"]' \
		prog jit "$P" sec tc --no-opt=zext --json
	json_check "dump jitted image" 'j["type"] == "xdp" and [m["name"] for m in j["maps"]] == ["cfg", "cnt"]' \
		prog dump "$T/p.img" --json
	json_check "dump ELF with line table" 'j["prog"] == "xdp_cnt" and any("insn" in g for g in j["code"])' \
		prog dump "$P" --json
	json_check "run json" 'j["packets"] == 2 and set(j["verdicts"]) == {"ABORTED", "DROP", "PASS", "TX"} and all(k in j for k in ("faults", "cycles_per_pkt", "mpps_per_fpc", "mpps_nic", "host_pps")) and j["maps"]["cfg"] == [{"key": "00000000", "value": "01000000"}]' \
		prog run "$P" --pcap "$PC" --map cfg:00000000=01000000 --json
	json_check "jit json jit_us" 'isinstance(j["jit_us"], (int, float)) and j["jit_us"] > 0 and j["jit_wall_us"] > 0 and j["jit_runs"] == 20' \
		prog jit "$P" --json
	run prog jit "$P"
	[ "$rc" -eq 0 ] && grep -q '^  JIT time  *[0-9.]* us CPU, [0-9.]* us wall (medians of 20 bn_jit_compile() calls)$' "$T/out" && ok ||
		bad "jit text JIT time" "$out$err"
	# the pcap 3 times in one batch: maps persist, so cnt counts all 6 (one
	# thread: the program's non-atomic increment cannot race with itself)
	json_check "run --repeat json" 'j["packets"] == 6 and j["repeat"] == 3 and sum(j["verdicts"].values()) == 6 and j["verdicts"]["DROP"] == 6 and j["sim_ns_per_pkt"] > 0 and abs(j["sim_ns_per_pkt"] * j["host_pps_per_core"] / 1e9 - 1) < 1e-3 and j["maps"]["cnt"] == [{"key": "00000000", "value": "0600000000000000"}]' \
		prog run "$P" --pcap "$PC" --map cfg:00000000=01000000 --repeat 3 --islands 1 --fpcs 1 --threads 1 --json
	# host-speed options: the same modeled run, the window in the params
	json_check "run --interpret --sched-window json" 'j["packets"] == 6 and j["verdicts"]["DROP"] == 6 and j["params"]["sched_window"] == 4096 and j["maps"]["cnt"] == [{"key": "00000000", "value": "0600000000000000"}]' \
		prog run "$P" --pcap "$PC" --map cfg:00000000=01000000 --repeat 3 --islands 1 --fpcs 1 --threads 1 --json --interpret --sched-window 4096
	run prog run "$P" --pcap "$PC" --repeat 2
	[ "$rc" -eq 0 ] && grep -q '^repeat: *the pcap replayed 2 times in one batch$' "$T/out" &&
		grep -q '^host: .* ns/packet' "$T/out" && ok || bad "run --repeat text" "$out$err"
	run prog run "$P" --pcap "$PC" --out-pass "$T/pass.pcap" --out-tx "$T/tx.pcap"
	[ "$rc" -eq 0 ] && [ -s "$T/pass.pcap" ] && ok || bad "run --out-pass" "$out$err"
	run prog diff "$P" --pcap "$PC" --map cfg:00000000=01000000 --json
	if [ "$rc" -eq 77 ]; then
		skipped "prog diff: $out"
	elif [ "$rc" -eq 0 ] && python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j["packets"] == 2 and j["mismatches"] == 0))' "$T/out"; then
		ok
	else
		bad "prog diff (exit $rc)" "$out$err"
	fi
	run prog diff "$P" --pcap "$PC" --map cfg:00000000=01000000 --time 10 --json
	if [ "$rc" -eq 77 ]; then
		skipped "prog diff --time: $out"
	elif [ "$rc" -eq 0 ] && python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j["mismatches"] == 0 and isinstance(j["kernel_ns_per_pkt"], (int, float)) and j["kernel_ns_per_pkt"] >= 0 and j["time_repeat"] == 10 and j["timed_packets"] == 2 and isinstance(j["kernel_fresh_ns_per_pkt"], (int, float)) and j["fresh_runs"] == 100))' "$T/out"; then
		ok
	else
		bad "prog diff --time json (exit $rc)" "$out$err"
	fi
	run prog diff "$P" --pcap "$PC" --time 10
	if [ "$rc" -eq 77 ]; then
		skipped "prog diff --time text: $out"
	elif [ "$rc" -eq 0 ] && grep -q '^kernel: [0-9.]* ns/packet (BPF_PROG_TEST_RUN, repeat 10, mean over 2 packets)$' "$T/out" &&
	     grep -q '^kernel, packet fresh for every run: -*[0-9.]* ns/packet (100 single runs per packet, a program that returns at once taken off and its repeat-10 time put back)$' "$T/out"; then
		ok
	else
		bad "prog diff --time text (exit $rc)" "$out$err"
	fi
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
