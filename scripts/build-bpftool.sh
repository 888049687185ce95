#!/usr/bin/env bash
# Build a bpftool with libbfd for the test guest, from Debian's own kernel
# tools source (linux-source-6.1: tools/bpf/bpftool, tools/lib/bpf, ...).
# Debian's bpftool package is built without libbfd (binutils is GPLv3), and
# without it `bpftool prog dump jited` refuses to run at all -- even with
# `file F`, which only writes the raw JITed image.  The host's
# /usr/sbin/bpftool is not touched: this one is for the guest's initramfs
# (scripts/build-guest.sh), linked against the shared libbfd/libopcodes of
# libbinutils.  Built without BPF skeletons (like Debian's: no
# `prog profile`, no pids in `prog show`), which would need a vmlinux BTF.
# Cached in ${BPFNIC_CACHE:-~/.cache/bpfnic}/bpftool and rebuilt only when an
# input changes (this script, a package version); the extracted sources are
# removed after the build.
#   scripts/build-bpftool.sh [--force] [--quiet]
# Prints (last lines):  BPFTOOL=<path> BPFTOOL_KEY=<inputs hash>
set -euo pipefail
cd "$(dirname "$0")/.."
force=0 quiet=0
for a in "$@"; do
	case $a in
	--force) force=1 ;;
	--quiet) quiet=1 ;;
	*) echo "usage: $0 [--force] [--quiet]" >&2; exit 2 ;;
	esac
done
log() { [ "$quiet" = 1 ] || echo "build-bpftool: $*" >&2; }
die() { echo "build-bpftool: error: $*" >&2; exit 1; }

srcpkg=linux-source-6.1
tarball=/usr/src/$srcpkg.tar.xz
cache=${BPFNIC_CACHE:-$HOME/.cache/bpfnic}
B=$cache/bpftool
mkdir -p "$B"
exec 9>"$B/.lock"
flock 9

# ---- packages (install only what is missing) --------------------------------
pkgs=("$srcpkg" binutils-dev libcap-dev libelf-dev zlib1g-dev gcc make
      libc6-dev xz-utils python3)
scripts/install-deps.sh "${pkgs[@]}"
[ -f "$tarball" ] || die "no $tarball ($srcpkg installed?)"

# ---- inputs hash --------------------------------------------------------------
# libbinutils (libbfd/libopcodes .so) and libzstd/libsframe come with
# binutils-dev at the same version; the guest copies whatever ldd resolves.
key=$( {
	cat scripts/build-bpftool.sh
	dpkg-query -W -f='${Package} ${Version}\n' "${pkgs[@]}" libbinutils \
		libcap2 libelf1 zlib1g libc6 2>/dev/null || true
} | sha256sum | cut -c1-16)
out=$B/bpftool
if [ "$force" = 0 ] && [ -x "$out" ] && [ "$(cat "$B/stamp" 2>/dev/null)" = "$key" ]; then
	log "up to date ($srcpkg $(dpkg-query -W -f='${Version}' "$srcpkg"))"
	echo "BPFTOOL=$out"; echo "BPFTOOL_KEY=$key"
	exit 0
fi

t0=$(date +%s)
rm -rf "$B"/work.*      # a killed build's leftovers (we hold the lock)
work=$(mktemp -d "$B/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Only what tools/bpf/bpftool's Makefile reaches: bpftool, libbpf, the tools
# headers and build system, the verifier's disassembler, bpf_doc.py (libbpf's
# bpf_helper_defs.h).  xz decompresses the whole tarball either way.
log "extracting bpftool's sources from $tarball"
top=$srcpkg     # the tarball's top directory
tar -xJf "$tarball" -C "$work" \
	"$top/tools/bpf/bpftool" "$top/tools/lib/bpf" "$top/tools/include" \
	"$top/tools/build" "$top/tools/scripts" "$top/tools/arch/x86/include" \
	"$top/kernel/bpf/disasm.c" "$top/kernel/bpf/disasm.h" \
	"$top/scripts/bpf_doc.py" || die "cannot extract from $tarball"
src=$work/$top

log "building bpftool (libbfd, no skeletons)"
# VMLINUX_BTF= VMLINUX_H=: no BPF skeletons (they would need the host's
# vmlinux BTF and clang; Debian's bpftool has none either).
mkdir -p "$work/out"
if ! make -C "$src/tools/bpf/bpftool" -j"$(nproc)" OUTPUT="$work/out/" \
	VMLINUX_BTF= VMLINUX_H= prefix=/usr >"$work/build.log" 2>&1; then
	tail -40 "$work/build.log" >&2
	die "bpftool build failed"
fi
strip "$work/out/bpftool"
feat=$("$work/out/bpftool" version | sed -n 's/^features: //p')
case ", $feat," in
*", libbfd,"*) ;;
*) grep -A8 'Auto-detecting' "$work/build.log" >&2 || true
   die "the bpftool built has no libbfd (features: $feat): binutils-dev?" ;;
esac
mv "$work/out/bpftool" "$out.tmp"
mv "$out.tmp" "$out"
echo "$key" >"$B/stamp"
log "built in $(( $(date +%s) - t0 )) s: $("$out" version | head -1), features: $feat"
echo "BPFTOOL=$out"; echo "BPFTOOL_KEY=$key"
