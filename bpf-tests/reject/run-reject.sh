#!/usr/bin/env bash
# Rejection tests: each program in bpf-tests/reject/ must be refused by
# `bpfnic prog jit` with exit status 1 and exactly the message in
# expected.txt.  Then a program too large for the code store must be refused
# with the code-store message.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${BPFNIC:-build/bpfnic}
pass=0 fail=0
while IFS=$'\t' read -r name want; do
	case "$name" in ''|'#'*) continue ;; esac
	obj=build/bpf-reject/$name.o
	err=$("$B" prog jit "$obj" 2>&1 >/dev/null); rc=$?
	got=$(head -1 <<<"$err" | sed "s|^bpfnic: $obj: prog $name: ||")
	if [ "$rc" -eq 1 ] && [ "$got" = "$want" ]; then
		pass=$((pass + 1)); echo "ok $name"
	else
		fail=$((fail + 1)); echo "FAIL $name: exit $rc, got '$got', want '$want'"
	fi
done < bpf-tests/reject/expected.txt

# Code store: the 4096-insn bench program fits 8192 microcode instructions;
# with the NIC's code store cut to 1024 it must not.
big=build/bench/big.o
if [ -f "$big" ]; then
	err=$("$B" prog jit "$big" --code-store 1024 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 1 ] && grep -qE "insn [0-9]+: program needs more than [0-9]+ microcode instructions" <<<"$err"; then
		pass=$((pass + 1)); echo "ok code-store-full"
	else
		fail=$((fail + 1)); echo "FAIL code-store-full: exit $rc: $(head -2 <<<"$err")"
	fi
else
	fail=$((fail + 1)); echo "FAIL code-store-full: $big was not built"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
