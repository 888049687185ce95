# shellcheck shell=bash
# Sourced by the check scripts that boot the guest (check-vm.sh,
# check-offload.sh, ...): counters, their final line, a scratch directory.
#   . scripts/check-lib.sh NAME     (from the repository's top directory)
# Gives: ok/bad/skp MESSAGE, finish (prints "N passed, N failed, N skipped"
# and exits 1 on any failure), $tmp (removed on exit), $cache, $W (wire.py).
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
