#!/bin/sh
# demo.sh PLAN: the `make demo` session in the guest (scripts/demo.sh writes
# PLAN: "prog NAME SEC NPKTS" then "preset MAP KEYHEX VALHEX" lines).  Shows
# each command as "$ cmd" before its output, the way a user would type it.
plan=${1:?usage: demo.sh PLAN}
read -r _ name sec n <"$plan"
hexsp() { echo "$1" | sed 's/../& /g'; }
run() { echo; echo "\$ $*"; sh -c "$*"; }
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

echo "--- the NIC and its driver"
run "ethtool -i $IFACE | head -4"
echo
echo "--- offload $name.o to the NIC: the kernel verifies it, bpfnic.ko checks it"
echo "--- again for the device, JITs it to flow-processor microcode and DMAs the"
echo "--- image to the NIC, which loads it on every flow processor"
t0=$(now_ms)
run "ip link set dev $IFACE xdpoffload obj /vm/bpf/$name.o sec $sec"
t1=$(now_ms)
echo "(ip took $((t1 - t0)) ms)"
echo "(libbpf's 'Retrying without BTF' lines are the kernel's: 6.1 refuses BTF"
echo " on every offloaded map with -ENOTSUPP (524), and libbpf then creates them without)"
run "ip -d link show dev $IFACE | grep -E 'xdp|prog/'"
run "bpftool prog show"
run "bpftool map show"
echo
echo "--- configure it: map entries written into the device's map engine"
grep '^preset' "$plan" | while read -r _ m k v; do
	run "bpftool map update name $m key hex $(hexsp "$k") value hex $(hexsp "$v")"
done
run "ethtool -S $IFACE | grep -E 'dev_(rx_frames|tx_frames|verdict)'"
echo
echo "--- the host sends $n frames into the NIC's wire"
bn-replay.sh "$name" "$n" || echo "(not all frames arrived)"
run "ethtool -S $IFACE | grep -E 'dev_(rx_frames|tx_frames|verdict)'"
echo
echo "--- the maps now: counters the program wrote in the device, read by bpftool"
for m in $(bpftool map show | sed -n 's/^[0-9]*: [a-z_]*  name \([^ ]*\) .*/\1/p'); do
	run "bpftool map dump name $m | tail -4"
done
id=$(ip -j link show dev "$IFACE" | sed -n 's/.*"mode":3,"prog":{"id":\([0-9]*\).*/\1/p')
run "bpftool prog dump jited id $id file /tmp/$name.jit && ls -l /tmp/$name.jit"
run "ip link set dev $IFACE xdpoffload off && ip link show dev $IFACE | head -1"
