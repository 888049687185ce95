#!/bin/sh
# offload-features.sh
# The offload features around the datapath, for scripts/check-offload.sh
# (run with vm.sh --replay-dir D, D holding replace.pcap and pps.pcap, and
# --modprobe "sch_ingress cls_bpf").  Prints "BN <key> <value>" lines:
#   reject NAME <what the user sees>     bpf-tests/reject/*.o with xdpoffload
#   extack CASE <ip/tc's Error: line>    driver refusals through netlink
#   map CASE rc=N <bpftool's output>     offloaded map syscalls
#   xdploader ...                        xdp-loader load -m hw / status / unload
#   replace ...                          programs replaced while traffic flows
#   load-ms N                            `ip link ... xdpoffload` wall time
#   pps N frames S seconds               frames/s through an offloaded program
[ -n "$IFACE" ] || { echo "offload-features: no \$IFACE" >&2; exit 2; }
echo "BN iface $IFACE"
ethtool -K "$IFACE" hw-tc-offload on
tc qdisc add dev "$IFACE" clsact
ip link set "$IFACE" promisc on
stat() { ethtool -S "$IFACE" | awk -v k="dev_$1:" '$1 == k { print $2 }'; }
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }	# 10 ms resolution
one() { tr '\n' ' ' | sed 's/ *$//'; }	# output on one line
err() { grep -E '^Error|^libbpf: map .*failed to create|^\[bpfnic\]' | head -1; }

# ---- programs the device refuses: the verifier log names the instruction ----------
for f in /vm/bpf-reject/*.o; do
	n=${f##*/}; n=${n%.o}
	echo "BN reject $n $(ip link set dev "$IFACE" xdpoffload obj "$f" sec xdp 2>&1 | err)"
done

# ---- refusals through extack --------------------------------------------------------
bpftool prog load /vm/bpf/drop_ethertype.o /sys/fs/bpf/unbound type xdp
echo "BN extack unbound-on-hw $(ip link set dev "$IFACE" xdpoffload pinned /sys/fs/bpf/unbound 2>&1 | err)"
rm -f /sys/fs/bpf/unbound
echo "BN extack xdpdrv $(ip link set dev "$IFACE" xdpdrv obj /vm/bpf/drop_ethertype.o sec xdp 2>&1 | err)"
echo "BN extack tc-not-da $(tc filter add dev "$IFACE" ingress bpf skip_sw obj /vm/bpf/tc_classifier.o sec tc 2>&1 | err)"
ip link set dev "$IFACE" xdpoffload obj /vm/bpf/drop_ethertype.o sec xdp
echo "BN extack tc-while-xdp $(tc filter add dev "$IFACE" ingress bpf skip_sw da obj /vm/bpf/tc_classifier.o sec tc 2>&1 | err)"
ip link set dev "$IFACE" xdpoffload off
tc filter add dev "$IFACE" ingress bpf skip_sw da obj /vm/bpf/tc_classifier.o sec tc
echo "BN extack xdp-while-tc $(ip link set dev "$IFACE" xdpoffload obj /vm/bpf/drop_ethertype.o sec xdp 2>&1 | err)"
echo "BN extack second-tc $(tc filter add dev "$IFACE" ingress prio 7 bpf skip_sw da obj /vm/bpf/tc_policer.o sec tc 2>&1 | err)"
out=$(ethtool -K "$IFACE" hw-tc-offload off 2>&1); rc=$?
echo "BN extack tc-offload-off rc=$rc $(echo "$out" | one) now: $(ethtool -k "$IFACE" | grep hw-tc-offload | one)"
tc filter del dev "$IFACE" ingress

# ---- offloaded maps through bpftool ----------------------------------------------------
m() {	# CASE bpftool-args...: one map command, its exit status and output
	c=$1; shift
	out=$(bpftool "$@" 2>&1); rc=$?
	echo "BN map $c rc=$rc $(echo "$out" | one)" | sed 's/ *$//'
}
m create-hash map create /sys/fs/bpf/h type hash key 4 value 8 entries 2 name h dev "$IFACE"
m create-array map create /sys/fs/bpf/a type array key 4 value 8 entries 2 name a dev "$IFACE"
m create-percpu map create /sys/fs/bpf/p type percpu_hash key 4 value 8 entries 2 name p dev "$IFACE"
m show-hash map show pinned /sys/fs/bpf/h
m update map update pinned /sys/fs/bpf/h key 1 0 0 0 value 1 2 3 4 5 6 7 8
m update-noexist map update pinned /sys/fs/bpf/h key 1 0 0 0 value 1 2 3 4 5 6 7 8 noexist
m update-exist-missing map update pinned /sys/fs/bpf/h key 2 0 0 0 value 8 7 6 5 4 3 2 1 exist
m update-exist map update pinned /sys/fs/bpf/h key 1 0 0 0 value 9 9 9 9 9 9 9 9 exist
m update-2 map update pinned /sys/fs/bpf/h key 2 0 0 0 value 8 7 6 5 4 3 2 1
m update-full map update pinned /sys/fs/bpf/h key 3 0 0 0 value 1 1 1 1 1 1 1 1
m lookup map lookup pinned /sys/fs/bpf/h key 1 0 0 0
m lookup-missing map lookup pinned /sys/fs/bpf/h key 9 0 0 0
m getnext-first map getnext pinned /sys/fs/bpf/h
m dump map dump pinned /sys/fs/bpf/h
m delete map delete pinned /sys/fs/bpf/h key 1 0 0 0
m delete-again map delete pinned /sys/fs/bpf/h key 1 0 0 0
m dump-after-delete map dump pinned /sys/fs/bpf/h
m array-update map update pinned /sys/fs/bpf/a key 1 0 0 0 value 5 0 0 0 0 0 0 0
m array-out-of-range map update pinned /sys/fs/bpf/a key 5 0 0 0 value 1 0 0 0 0 0 0 0
m array-delete map delete pinned /sys/fs/bpf/a key 1 0 0 0
m array-dump map dump pinned /sys/fs/bpf/a
rm -f /sys/fs/bpf/h /sys/fs/bpf/a

# ---- xdp-tools -------------------------------------------------------------------------
echo "BN xdploader load $(xdp-loader load -m hw "$IFACE" /vm/bpf/drop_ethertype.o 2>&1 | one) rc=$?"
echo "BN xdploader status $(xdp-loader status "$IFACE" 2>&1 | grep -E "^$IFACE " | one)"
echo "BN xdploader iplink $(ip -j link show "$IFACE" | grep -o '"xdp":{"mode":[0-9]*,"prog":{[^}]*}')"
echo "BN xdploader unload $(xdp-loader unload "$IFACE" --all 2>&1 | one) rc=$? after: $(ip -d link show "$IFACE" | grep -c xdp)"

# ---- time to load, and replacing while traffic flows -----------------------------------
t0=$(now_ms)
ip link set dev "$IFACE" xdpoffload obj /vm/bpf/drop_ethertype.o sec xdp
t1=$(now_ms)
echo "BN load-ms $((t1 - t0))"
ip link set dev "$IFACE" xdpoffload off

a0=$(stat verdict_aborted) d0=$(stat verdict_drop) p0=$(stat verdict_pass) x0=$(stat verdict_tx)
f0=$(stat prog_faults) r0=$(stat rx_frames)
n=$(cat /vm/files/replace.n)
ip link set dev "$IFACE" xdpoffload obj /vm/bpf/drop_ethertype.o sec xdp
echo "@@BN:REPLAY replace 1500" >/dev/console	# 2 s of traffic
i=0 loads=0 lfail=0
# swap two programs back and forth while the host sends
while [ $(($(stat rx_frames) - r0)) -lt "$n" ] && [ $i -lt 600 ]; do
	if [ $((i % 2)) = 0 ]; then p=xdp_actions; else p=drop_ethertype; fi
	if ip -force link set dev "$IFACE" xdpoffload obj /vm/bpf/$p.o sec xdp 2>/dev/null; then
		loads=$((loads + 1))
	else
		lfail=$((lfail + 1))
	fi
	i=$((i + 1))
done
sleep 0.5
ip link set dev "$IFACE" xdpoffload off
v=$(( $(stat verdict_aborted) - a0 + $(stat verdict_drop) - d0 + $(stat verdict_pass) - p0 + $(stat verdict_tx) - x0 ))
echo "BN replace loads=$loads failed=$lfail frames=$(($(stat rx_frames) - r0)) of $n verdicts=$v faults=$(($(stat prog_faults) - f0))"

# ---- frames/s through an offloaded program -----------------------------------------------
n=$(cat /vm/files/pps.n)
ip link set dev "$IFACE" xdpoffload obj /vm/bpf/drop_ethertype.o sec xdp
r0=$(stat rx_frames)
t0=$(now_ms)
echo "@@BN:REPLAY pps" >/dev/console
while [ $(($(stat rx_frames) - r0)) -lt "$n" ]; do
	[ $(($(now_ms) - t0)) -gt 120000 ] && break
	sleep 0.05
done
t1=$(now_ms)
echo "BN pps $(($(stat rx_frames) - r0)) frames $((t1 - t0)) ms"
ip link set dev "$IFACE" xdpoffload off
echo "BN kernel-warnings $(dmesg | grep -cE 'Oops|BUG:|WARNING: CPU|Call Trace|general protection fault')"
