# shellcheck shell=bash
# Sourced by the check scripts that boot the guest (check-vm.sh,
# check-offload.sh, ...): counters, their final line, a scratch directory.
#   . scripts/check-lib.sh NAME     (from the repository's top directory)
# Gives: ok/bad/skp MESSAGE, finish (prints "N passed, N failed, N skipped"
# and exits 1 on any failure), $tmp (removed on exit), $cache, $W (wire.py),
# need_guest (sets $bq and $ko).
cache=${BPFNIC_CACHE:-$HOME/.cache/bpfnic}
pass=0 fail=0 skip=0
ok()   { echo "ok $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }
skp()  { echo "skip $*"; skip=$((skip + 1)); }
finish() {
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/${1:-check}.XXXXXX")
# shellcheck disable=SC2154
trap 'rm -rf "$tmp"' EXIT
W="python3 scripts/wire.py"

# need_guest WHAT: what a guest run needs -- the QEMU with the bpfnic device
# ($bq), bpfnic.ko ($ko: built here unless BPFNIC_KO names one) and the guest
# image; a missing QEMU skips the check, a failed build fails it.
need_guest() {
	bq=${BPFNIC_QEMU:-$cache/qemu-system-x86_64}
	ko=${BPFNIC_KO:-build/kmod/bpfnic.ko}
	if [ ! -x "$bq" ] || ! "$bq" -device help 2>/dev/null | grep -q '"bpfnic"'; then
		skp "$1: no QEMU with the bpfnic device at $bq (scripts/build-qemu.sh)"
		finish
	fi
	if [ -z "${BPFNIC_KO:-}" ]; then
		scripts/kbuild.sh >"$tmp/kbuild.log" 2>&1 ||
			{ bad "$1: bpfnic.ko does not build: $(grep -m1 error "$tmp/kbuild.log")"; finish; }
	fi
	if ! scripts/build-guest.sh --quiet >"$tmp/guest.out" 2>&1; then
		tail -5 "$tmp/guest.out"
		bad "$1: guest image: scripts/build-guest.sh failed"
		finish
	fi
}
