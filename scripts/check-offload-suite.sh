#!/usr/bin/env bash
# The kernel's test_offload.py (tools/testing/selftests/bpf, 6.1), the 75
# cases that apply to a real offload device, carried over to bpfnic: one
# boot of the guest with two bpfnic devices (scripts/vm.sh --devices 2)
# runs bpf-tests/vm/offload-suite.sh, which drives the devices through
# ip/tc/ethtool/bpftool and the driver's debugfs shim (driver/debugfs.c:
# bound programs, bpf_offloaded_id, verifier/map fault knobs), creating and
# removing them by PCI remove/rescan.  Each case is reported here as
# ok/FAIL/skip with the guest's reason; a case the guest did not report
# fails, and so does any oops/BUG/WARNING in the guest kernel's log.
# Ends with "N passed, N failed, N skipped" (one count per case).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/check-lib.sh check-offload-suite
CASES=75

need_guest "offload suite"
objs=()
for c in bpf-tests/vm/progs/*.c; do n=${c##*/}; objs+=("build/bpf-suite/${n%.c}.o"); done
make -s --no-print-directory "${objs[@]}" >"$tmp/make.log" 2>&1 ||
	{ bad "offload suite: sample programs: $(grep -m1 -i error "$tmp/make.log")"; finish; }

t0=$(date +%s)
scripts/vm.sh --qemu "$bq" --module "$ko" --devices 2 --timeout 600 \
	--modprobe "sch_ingress cls_bpf" --console-log "$tmp/console.log" \
	-- offload-suite.sh >"$tmp/out" 2>"$tmp/err"
rc=$?
t1=$(date +%s)
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$tmp/out"; then
	bad "offload suite: the guest run did not finish (exit $rc)"
	sed 's/^/    | /' "$tmp/err" | tail -20
	sed 's/^/    > /' "$tmp/out" | tail -20
	finish
fi

# one line per case: "ok #N NAME", "FAIL #N NAME: why", "skip #N NAME: reason"
for ((n = 1; n <= CASES; n++)); do
	line=$(grep -E "^(ok|FAIL|skip) #$n " "$tmp/out")
	case $(grep -c . <<<"$line") in
	1) ;;
	*) if [ -z "$line" ]; then bad "#$n: no result from the guest"
	   else bad "#$n: $(grep -c . <<<"$line") results from the guest"; fi
	   continue ;;
	esac
	case $line in
	"ok "*)   ok "${line#ok }" ;;
	"skip "*) skp "${line#skip }" ;;
	*)        bad "${line#FAIL }" ;;
	esac
done
grep -E '^offload-suite: ' "$tmp/out"
warn=$(tr -d '\r' <"$tmp/console.log" | grep -E 'BUG|WARNING|Oops' | grep -vE '^(@@BN:|(ok|FAIL|skip) #)' | head -5)
if [ -n "$warn" ]; then
	bad "guest kernel log: $(tr '\n' ' ' <<<"$warn")"
fi
echo "offload-suite: guest run $((t1 - t0)) s (boot included); guest's own count: $(tail -1 "$tmp/out")"
finish
