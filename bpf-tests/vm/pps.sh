#!/bin/sh
# pps.sh N [TIMEOUT_S]
# Count frames arriving on $IFACE (driver rx_packets) until N arrived or the
# flow stalled for 10 s; prints "bnpkt-count: rx=R of N span=S s pps=P max_gap=G s".
# Run with vm.sh --self-ready --pcap-in F [--repeat K].
n=$1 to=${2:-120}
[ -n "$IFACE" ] || { echo "pps: no \$IFACE" >&2; exit 2; }
ip link set "$IFACE" promisc on
base=$(cat "/sys/class/net/$IFACE/statistics/rx_packets")
vm-ready
bnpkt count "$IFACE" "$n" "$to" "$base"
rc=$?
ip -s link show "$IFACE"
exit $rc
