#!/usr/bin/env bash
# Build bpfnic.ko against the installed linux-headers in a staging copy of the
# sources (build/kmod), never in the source tree: an external module's
# `make clean` deletes every *.o below M=, build/ included.
#   scripts/kbuild.sh [KDIR] [extra make args...]   -> build/kmod/bpfnic.ko
set -euo pipefail
cd "$(dirname "$0")/.."
kdir=${1:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
shift || true
[ -d "$kdir" ] || { echo "kbuild: no kernel headers (install linux-headers-amd64)" >&2; exit 2; }
stage=build/kmod
mkdir -p "$stage"
# Copy only what Kbuild compiles; rsync keeps timestamps so rebuilds are incremental.
for d in driver firmware-jit include; do
	mkdir -p "$stage/$d"
	find "$d" -maxdepth 2 \( -name '*.c' -o -name '*.h' -o -name '*.def' \) -not -path '*/tests/*' |
		while read -r f; do
			mkdir -p "$stage/$(dirname "$f")"
			cmp -s "$f" "$stage/$f" || cp -p "$f" "$stage/$f"
		done
done
cmp -s Kbuild "$stage/Kbuild" || cp -p Kbuild "$stage/Kbuild"
exec make -C "$kdir" M="$PWD/$stage" "$@" modules
