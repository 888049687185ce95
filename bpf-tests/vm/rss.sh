#!/bin/sh
# rss.sh N [TIMEOUT_S]
# Receive N frames on $IFACE, then print each RX queue's packet counter as
# "BN rxq Q PACKETS" (from ethtool -S).  Run with vm.sh --self-ready
# --pcap-in F and --smp 2 or more, so the driver opens several queues.
n=$1 to=${2:-60}
[ -n "$IFACE" ] || { echo "rss: no \$IFACE" >&2; exit 2; }
rxq() {
	ethtool -S "$IFACE" | sed -nE 's/^ *rx([0-9]+)_packets: *([0-9]+)$/\1 \2/p'
}
echo "BN queues $(rxq | wc -l)"
vm-ready
i=0
while [ "$(rxq | awk '{s += $2} END {print s + 0}')" -lt "$n" ]; do
	i=$((i + 1))
	[ $i -gt $((to * 10)) ] && { echo "rss: timeout after ${to}s" >&2; break; }
	sleep 0.1
done
rxq | sed 's/^/BN rxq /'
