#!/usr/bin/env bash
# Smoke build: firmware-jit (and the driver stub) compiled as kernel code into
# bpfnic.ko against the installed linux-headers.  Warnings fail the check.
set -uo pipefail
cd "$(dirname "$0")/.."
kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
if [ -z "$kdir" ]; then
	echo "skip kbuild: no /usr/src/linux-headers-*-amd64 installed"
	echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
log=$(mktemp)
pass=0 fail=0
ko=build/kmod/bpfnic.ko
rm -f "$ko"
if scripts/kbuild.sh "$kdir" W=1 >"$log" 2>&1 && [ -f "$ko" ]; then
	if grep -E "warning:|error:" "$log"; then
		echo "FAIL kbuild: warnings in kernel build of firmware-jit"; fail=$((fail + 1))
	else
		echo "ok kbuild: bpfnic.ko built against $(basename "$kdir")"; pass=$((pass + 1))
	fi
else
	grep -E "error|warning" "$log" | head -20; echo "FAIL kbuild: module build failed"
	fail=$((fail + 1))
fi
if [ -f "$ko" ] && modinfo "$ko" | grep -q '^license: *GPL'; then
	pass=$((pass + 1)); echo "ok modinfo"
else
	fail=$((fail + 1)); echo "FAIL modinfo"
fi
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
