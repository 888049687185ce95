#!/usr/bin/env bash
# make demo: the offload demo.  Boots the Debian 6.1 guest under QEMU with
# the bpfnic NIC (scripts/vm.sh), loads bpfnic.ko, offloads the L4 load
# balancer with `ip link set dev eth0 xdpoffload`, configures it with
# bpftool, replays its traffic into the NIC's wire, and shows bpftool's view
# of the program and maps, the device's counters and what the NIC sent back.
# Then the image the guest kernel JITed is read on the host (bpfnic prog
# dump), and the same program runs on the host's model of the NIC for its
# modeled throughput.  The first run builds QEMU (~10 min, cached in
# ~/.cache/bpfnic) and the guest image.
#   DEMO_PROG=name (a corpus program, default l4lb)   REPEAT=N (model run)
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bpfnic
manifest=bpf-tests/corpus.manifest
name=${DEMO_PROG:-l4lb}
REPEAT=${REPEAT:-2000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say() { printf '\n==== %s\n' "$*"; }

line=$(awk -v n="$name" '$1 == n' "$manifest")
[ -n "$line" ] || { echo "demo: $name is not in $manifest" >&2; exit 2; }
read -r _ sec type _ _ _ _ presets <<<"$line"
[ "$type" = xdp ] || { echo "demo: $name is not an XDP program" >&2; exit 2; }

say "building: QEMU with the bpfnic device, bpfnic.ko, the guest image"
scripts/build-qemu.sh >/dev/null
scripts/kbuild.sh >"$tmp/kbuild.log" 2>&1 || { tail -20 "$tmp/kbuild.log"; exit 1; }
scripts/build-guest.sh --quiet >/dev/null

mkdir -p "$tmp/replay"
cp "build/pcap/$name.pcap" "$tmp/replay/$name.pcap"
n=$(python3 -c 'import sys; sys.path.insert(0, "scripts"); from wire import read_pcap; print(len(read_pcap(sys.argv[1])))' \
	"build/pcap/$name.pcap")
{
	echo "prog $name $sec $n"
	for p in $presets; do m=${p%%:*} kv=${p#*:}; echo "preset $m ${kv%%=*} ${kv#*=}"; done
} >"$tmp/plan"

say "the guest: Debian's 6.1 kernel, bpfnic.ko, ip/tc/bpftool (\$ lines are what runs there)"
scripts/vm.sh --replay-dir "$tmp/replay" --file "$tmp/plan:plan" \
	--get "/tmp/$name.jit:$tmp/$name.jit" -- demo.sh plan
out=$tmp/replay/$name.out.pcap
if [ -f "$out" ]; then
	say "on the host: what the NIC sent back out of its wire (XDP_TX)"
	tcpdump -nn -r "$out" 2>/dev/null | head -8 || true
fi
if [ -f "$tmp/$name.jit" ]; then
	say "on the host: the image the guest kernel JITed, read with bpfnic prog dump"
	echo "\$ bpfnic prog dump $name.jit | head -30"
	$B prog dump "$tmp/$name.jit" >"$tmp/dump.txt"	# (a pipe to head: SIGPIPE)
	head -30 "$tmp/dump.txt"
fi
say "the same program on the host's model of the whole NIC (5 islands x 12 FPCs x 4 threads)"
maps=()
for p in $presets; do maps+=(--map "$p"); done
echo "\$ bpfnic prog run build/bpf/$name.o sec $sec --pcap build/pcap/$name.pcap --repeat $REPEAT --map ..."
$B prog run "build/bpf/$name.o" sec "$sec" --pcap "build/pcap/$name.pcap" --repeat "$REPEAT" "${maps[@]}" \
	>"$tmp/run.txt"
grep -vE '^ +[0-9a-f]{8,}' "$tmp/run.txt" | awk 'NR <= 30'
