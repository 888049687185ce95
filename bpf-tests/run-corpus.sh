#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
#
# Run the BPF test corpus through the bpfnic CLI.  For every line of
# bpf-tests/corpus.manifest (or only the NAMEs given as arguments):
#
#   bpfnic prog diff build/bpf/NAME.o sec SEC --pcap build/pcap/NAME.pcap \
#          [--map PRESET ...] --json
#       JIT + simulator against the host kernel, packet by packet: must
#       report 0 mismatches over the manifest's number of packets.  Exit
#       status 77 ({"skipped": "reason"}) means the host kernel cannot run
#       BPF_PROG_TEST_RUN: the case is skipped.
#   bpfnic prog run  ... same arguments ... --islands 1 --fpcs 1 --threads 1
#       the simulator alone, one packet at a time as the kernel runs them:
#       its verdict counts must equal the manifest's.
#   bpfnic prog run  ... same arguments ...
#       the whole NIC (5 islands x 12 FPCs x 4 threads): packets run in
#       parallel, so a program whose map state depends on packet order may
#       legitimately count differently; every packet must run, none may fault.
#   bpfnic prog run  ... same arguments ... --interpret
#       the whole NIC again without host code for straight runs: everything
#       it models (verdicts, cycles, instructions, memory commands, maps) must
#       equal the run above.
#
# Prints "ok NAME", "FAIL NAME: why" or "skip NAME: why" per case and ends
# with "N passed, N failed, N skipped"; exits 1 if any case failed.
#
# Environment: BPFNIC (default build/bpfnic), BUILD (default build),
# MANIFEST (default bpf-tests/corpus.manifest), CORPUS_TIMEOUT (seconds per
# CLI call, default 300).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

BPFNIC=${BPFNIC:-build/bpfnic}
BUILD=${BUILD:-build}
MANIFEST=${MANIFEST:-bpf-tests/corpus.manifest}
CORPUS_TIMEOUT=${CORPUS_TIMEOUT:-300}
VERDICTS=(ABORTED DROP PASS TX)

passed=0 failed=0 skipped=0
errf=$(mktemp)
trap 'rm -f "$errf"' EXIT

# Read the CLI's JSON from stdin and print one line for the shell:
#   skip:  the "skipped" reason
#   diff:  "ok PACKETS MISMATCHES" or "error WHY"
#   run:   "ok PACKETS ABORTED=a DROP=d PASS=p TX=t" or "error WHY"
# The output should be exactly one JSON object; failing that, the last line
# that parses as one is used.
parse_json() {
	python3 -c '
import json, sys

mode = sys.argv[1]
text = sys.stdin.read()
obj = None
try:
    obj = json.loads(text)
except ValueError:
    for line in reversed(text.splitlines()):
        try:
            obj = json.loads(line)
            break
        except ValueError:
            continue
if not isinstance(obj, dict):
    first = text.strip().splitlines()[:1]
    print("error no JSON object in output" + (": " + first[0][:120] if first else " (empty)"))
    sys.exit()

def count(o, key):
    v = o.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None

if mode == "skip":
    print(str(obj.get("skipped") or "no reason given").replace("\n", " "))
elif mode == "diff":
    n, m = count(obj, "packets"), count(obj, "mismatches")
    if n is None or m is None:
        print("error diff JSON lacks packets/mismatches: " + json.dumps(obj)[:160])
    else:
        print("ok %d %d" % (n, m))
else:
    n, v = count(obj, "packets"), obj.get("verdicts")
    if n is None or not isinstance(v, dict):
        print("error run JSON lacks packets/verdicts: " + json.dumps(obj)[:160])
        sys.exit()
    extra = sorted(set(v) - {"ABORTED", "DROP", "PASS", "TX"})
    got = {k: (count(v, k) if k in v else 0) for k in ("ABORTED", "DROP", "PASS", "TX")}
    if extra or None in got.values():
        print("error bad verdicts object: " + json.dumps(v)[:160])
    else:
        print("ok %d " % n + " ".join("%s=%d" % (k, got[k]) for k in ("ABORTED", "DROP", "PASS", "TX"))
              + " %s" % count(obj, "faults"))
' "$1"
}

ok()   { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "skip $1: $2"; skipped=$((skipped + 1)); }

# First line of the CLI's stderr, for failure messages.
stderr_hint() {
	local l
	l=$(grep -m1 -v '^[[:space:]]*$' "$errf" 2>/dev/null)
	[ -n "$l" ] && printf ' (%s)' "${l:0:160}"
}

# run_case NAME SEC TYPE FIELD...
run_case() {
	local name=$1 sec=$2 type=$3 f k v out rc res st npkt nmis got total=0
	local obj=$BUILD/bpf/$name.o pcap=$BUILD/pcap/$name.pcap
	local -A want=()
	local -a maps=()
	shift 3

	case $type in
	xdp|tc) ;;
	*) fail "$name" "manifest: type '$type' is not xdp or tc"; return ;;
	esac
	for f in "$@"; do
		case $f in
		ABORTED=*|DROP=*|PASS=*|TX=*)
			k=${f%%=*} v=${f#*=}
			[[ $v =~ ^[0-9]+$ ]] || { fail "$name" "manifest: bad count '$f'"; return; }
			want[$k]=$v; total=$((total + v)) ;;
		?*:*=*) maps+=(--map "$f") ;;
		*) fail "$name" "manifest: cannot parse '$f'"; return ;;
		esac
	done
	for k in "${VERDICTS[@]}"; do
		[ -n "${want[$k]:-}" ] || { fail "$name" "manifest: no $k= count"; return; }
	done
	local expect="ABORTED=${want[ABORTED]} DROP=${want[DROP]} PASS=${want[PASS]} TX=${want[TX]}"

	[ -f "$obj" ] || { fail "$name" "$obj missing (run make)"; return; }
	[ -f "$pcap" ] || { fail "$name" "$pcap missing (run make)"; return; }
	[ -x "$BPFNIC" ] || { fail "$name" "$BPFNIC not found or not executable"; return; }
	local -a args=("$obj" sec "$sec" --pcap "$pcap" "${maps[@]}" --json)

	out=$(timeout "$CORPUS_TIMEOUT" "$BPFNIC" prog diff "${args[@]}" </dev/null 2>"$errf")
	rc=$?
	if [ "$rc" -eq 77 ]; then
		skip "$name" "$(parse_json skip <<<"$out")"
		return
	fi
	[ "$rc" -eq 124 ] && { fail "$name" "prog diff timed out after ${CORPUS_TIMEOUT}s"; return; }
	res=$(parse_json diff <<<"$out")
	read -r st npkt nmis <<<"$res"
	if [ "$st" != ok ]; then
		fail "$name" "prog diff (exit $rc): ${res#error }$(stderr_hint)"
		return
	fi
	if [ "$nmis" -ne 0 ]; then
		fail "$name" "prog diff: $nmis of $npkt packets differ from the kernel$(stderr_hint)"
		return
	fi
	if [ "$rc" -ne 0 ]; then
		fail "$name" "prog diff exited $rc with 0 mismatches$(stderr_hint)"
		return
	fi
	if [ "$npkt" -ne "$total" ]; then
		fail "$name" "prog diff ran $npkt packets, the manifest counts $total"
		return
	fi

	run_nic "$name" --islands 1 --fpcs 1 --threads 1 || return
	if [ "$got" != "$expect" ]; then
		fail "$name" "verdicts $got, manifest says $expect"
		return
	fi
	run_nic "$name" || return
	if [ "$npkt" -ne "$total" ] || [ "$faults" != 0 ]; then
		fail "$name" "whole NIC: $npkt of $total packets run, $faults faults"
		return
	fi
	local native=$out
	run_nic "$name" --interpret || return
	res=$(same_model "$native" "$out")
	if [ "$res" != same ]; then
		fail "$name" "whole NIC: host code and --interpret differ: $res"
		return
	fi
	ok "$name"
}

# same_model JSON1 JSON2: "same" if two prog run outputs agree on all they
# model (host timings left out), else the first field that differs.
same_model() {
	python3 -c '
import json, sys
host = {"sim_ns_per_pkt", "host_pps", "host_pps_per_core"}
a, b = (json.loads(x) for x in sys.argv[1:3])
for k in sorted(set(a) | set(b)):
    if k not in host and a.get(k) != b.get(k):
        print("%s: %s vs %s" % (k, json.dumps(a.get(k))[:60], json.dumps(b.get(k))[:60]))
        sys.exit()
print("same")' "$1" "$2" 2>&1 | head -1
}

# run_nic NAME [NIC options]: prog run with the case's args; sets out (its
# JSON), npkt, got (verdict counts as the manifest writes them) and faults.
run_nic() {
	local name=$1 rc res st v
	shift
	out=$(timeout "$CORPUS_TIMEOUT" "$BPFNIC" prog run "${args[@]}" "$@" </dev/null 2>"$errf")
	rc=$?
	[ "$rc" -eq 124 ] && { fail "$name" "prog run timed out after ${CORPUS_TIMEOUT}s"; return 1; }
	if [ "$rc" -ne 0 ]; then
		fail "$name" "prog run $* exited $rc$(stderr_hint)"
		return 1
	fi
	res=$(parse_json run <<<"$out")
	read -r st npkt v[0] v[1] v[2] v[3] faults <<<"$res"
	if [ "$st" != ok ]; then
		fail "$name" "prog run: ${res#error }"
		return 1
	fi
	got="${v[*]}"
}

[ -f "$MANIFEST" ] || { echo "run-corpus: $MANIFEST not found"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

declare -A seen=()
while read -r -a fields <&3; do
	[ ${#fields[@]} -eq 0 ] && continue
	[[ ${fields[0]} == \#* ]] && continue
	name=${fields[0]}
	if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
		continue
	fi
	seen[$name]=1
	if [ ${#fields[@]} -lt 3 ]; then
		fail "$name" "manifest: want NAME SECTION TYPE COUNTS... [PRESETS...]"
		continue
	fi
	run_case "${fields[@]}"
done 3<"$MANIFEST"

for name in "$@"; do
	[ -n "${seen[$name]:-}" ] || fail "$name" "not in $MANIFEST"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
