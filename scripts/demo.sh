#!/usr/bin/env bash
# make demo: JIT the example programs and run their packet captures through the
# simulated NIC, showing what the JIT made of them, the verdicts, the maps and
# the modeled throughput.  (The VM offload demo replaces this in a later issue.)
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bpfnic
manifest=bpf-tests/corpus.manifest
REPEAT=${REPEAT:-2000}

row() {	# name -> the manifest line's fields
	awk -v n="$1" '$1 == n' "$manifest"
}

demo() {
	local name=$1 line sec maps
	line=$(row "$name")
	[ -n "$line" ] || { echo "demo: $name is not in $manifest" >&2; return 1; }
	sec=$(awk '{print $2}' <<<"$line")
	maps=$( (grep -o '[A-Za-z0-9_]*:[0-9a-fA-F]*=[0-9a-fA-F]*' <<<"$line" || true) | sed 's/^/--map /' | tr '\n' ' ')
	echo
	echo "################ $name  (section $sec)"
	echo "\$ bpfnic prog jit build/bpf/$name.o sec $sec"
	$B prog jit "build/bpf/$name.o" sec "$sec"
	echo
	# A capture of a few dozen packets leaves most of the 240 threads idle and
	# shows unhidden latency; replayed, the figures are the NIC's steady state.
	echo "\$ bpfnic prog run build/bpf/$name.o sec $sec --pcap build/pcap/$name.pcap --repeat $REPEAT $maps"
	# shellcheck disable=SC2086
	$B prog run "build/bpf/$name.o" sec "$sec" --pcap "build/pcap/$name.pcap" --repeat "$REPEAT" $maps
}

for p in drop_ethertype l4lb ddos_filter; do
	demo "$p"
done
echo
echo "################ first instructions of l4lb, eBPF and the microcode it became"
$B prog dump build/bpf/l4lb.o sec "$(awk '$1 == "l4lb" {print $2}' "$manifest")" | head -40
