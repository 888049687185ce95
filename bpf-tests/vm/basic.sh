#!/bin/sh
# basic.sh RX_N TX_PCAP
# One boot's worth of NIC checks for scripts/check-vm.sh (works on bpfnic and
# on a stock NIC): prints "BN <key> <value>" lines the host parses --
# module, interface and driver, `ip -j link`, `ethtool -i`, `ethtool -S`
# before and after; captures RX_N replayed frames into rx.pcap (run with
# vm.sh --self-ready --pcap-in, --get rx.pcap:...), then sends TX_PCAP's
# frames (compare with vm.sh --pcap-out).
n=$1 tx=$2
[ -n "$IFACE" ] || { echo "BN iface none"; exit 1; }
echo "BN module $(grep -c '^bpfnic ' /proc/modules)"
d=$(readlink "/sys/class/net/$IFACE/device/driver")
echo "BN iface $IFACE driver ${d##*/}"
echo "BN linkjson $(ip -j link show dev "$IFACE")"
ethtool -i "$IFACE" | sed 's/^/BN ethtool-i /'
ethtool -S "$IFACE" >/tmp/s0 2>&1
echo "BN ethtool-S-rc $?"
sed 's/^/BN stats0 /' /tmp/s0
rx-capture.sh rx.pcap "$n" 60 | sed 's/^/BN rx-capture /'
bnpkt send "$IFACE" "$tx" | sed 's/^/BN tx /'
sleep 1
ethtool -S "$IFACE" 2>&1 | sed 's/^/BN stats1 /'
echo "BN sysfs rx_packets $(cat /sys/class/net/$IFACE/statistics/rx_packets) tx_packets $(cat /sys/class/net/$IFACE/statistics/tx_packets)"
exit 0
