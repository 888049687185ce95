#!/usr/bin/env bash
# Smoke test of the bpfnic QEMU device with QTest (no guest): builds QEMU
# with the device first (scripts/build-qemu.sh, a no-op when up to date),
# then runs scripts/qtest_bpfnic.py against it.  The program cases load
# bpf-tests/progs/xdp_actions.c, JITed by build/bpfnic (skipped, and said
# so, when `make` has not built them).  Ends with "N passed, N failed".
# The device's guest-error log is kept in $BPFNIC_CACHE/qtest-bpfnic.log.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${BPFNIC_CACHE:-$HOME/.cache/bpfnic}
QEMU=$("$REPO/scripts/build-qemu.sh")
IMG=""
if [ -x "$REPO/build/bpfnic" ] && [ -f "$REPO/build/bpf/xdp_actions.o" ]; then
	IMG=$CACHE/xdp_actions.img
	"$REPO/build/bpfnic" prog jit "$REPO/build/bpf/xdp_actions.o" --out "$IMG" >/dev/null
fi
exec python3 "$REPO/scripts/qtest_bpfnic.py" "$QEMU" "$CACHE/qtest-bpfnic.log" $IMG
