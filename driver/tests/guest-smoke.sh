#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bpfnic driver smoke test, run inside the guest by driver/tests/vm-smoke.sh
# (scripts/vm.sh: bpfnic.ko loaded, $IFACE up, the host replaying a pcap into
# the wire).  Ends with "N passed, N failed".
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else no "$n"; fi; }
stat() { ethtool -S "$IFACE" | awk -v k="$1:" '$1 == k { print $2 }'; }
sum() { ethtool -S "$IFACE" | awk -v p="$1" '$1 ~ p { s += $2 } END { print s + 0 }'; }
mod=${BN_MODULE:-/vm/bpfnic.ko}

echo "---- ethtool -i"
ethtool -i "$IFACE"
check "ethtool -i driver" sh -c "ethtool -i $IFACE | grep -q '^driver: bpfnic'"
check "ethtool -i firmware-version" sh -c "ethtool -i $IFACE | grep -q '^firmware-version: ..*'"
check "ethtool -i bus-info" sh -c "ethtool -i $IFACE | grep -q '^bus-info: 0000:'"
check "carrier" test "$(cat /sys/class/net/$IFACE/carrier)" = 1
check "ethtool link" sh -c "ethtool $IFACE | grep -q 'Link detected: yes'"
nq=$(ls -d /sys/class/net/$IFACE/queues/rx-* | wc -l)
echo "queues: $nq rx, $(ls -d /sys/class/net/$IFACE/queues/tx-* | wc -l) tx (cpus $(nproc))"
check "queue count = min(cpus, 8)" test "$nq" -eq "$(nproc)" -o "$nq" -eq 8

echo "---- RX (host replays into the wire)"
bnpkt count "$IFACE" "${BN_RX_EXPECT:-20}" 20
rx=$(sum '^rx[0-9]+_packets:')
check "rx packets counted ($rx)" test "$rx" -gt 0
check "device rx_frames" test "$(stat dev_rx_frames)" -gt 0

echo "---- TX"
tx0=$(sum '^tx[0-9]+_packets:')
bnpkt send "$IFACE" /vm/pcap/xdp_actions.pcap 5
sleep 1
tx1=$(sum '^tx[0-9]+_packets:')
check "tx packets counted ($tx0 -> $tx1)" test "$tx1" -gt "$tx0"
check "device tx_frames" test "$(stat dev_tx_frames)" -ge "$((tx1 - tx0))"
check "no bad descriptors" test "$(sum '_bad_(desc|head):')" -eq 0
check "no control errors" test "$(stat ctrl_timeouts)" -eq 0 -a "$(stat ctrl_bad_replies)" -eq 0

echo "---- MTU"
check "mtu 2000" sh -c "ip link set $IFACE mtu 2000 && ip link show $IFACE | grep -q 'mtu 2000'"
check "mtu 67 refused" sh -c "! ip link set $IFACE mtu 67"
check "mtu 1500 back" ip link set "$IFACE" mtu 1500

echo "---- rings"
check "ethtool -G rx 256 tx 128" ethtool -G "$IFACE" rx 256 tx 128
check "ethtool -g shows 256/128" sh -c "ethtool -g $IFACE | grep -q '^RX:[[:space:]]*256$'"
check "ethtool -G rx 100 refused" sh -c "! ethtool -G $IFACE rx 100"
check "traffic after ring change" sh -c "bnpkt send $IFACE /vm/pcap/xdp_actions.pcap 1"

echo "---- ethtool -S"
ethtool -S "$IFACE" | grep -vE '^ +(rx|tx)[1-7]_'

echo "---- down/up, unload/reload while traffic flows"
ip link set "$IFACE" down
ip link set "$IFACE" up
bnpkt send "$IFACE" /vm/pcap/xdp_actions.pcap 200 &
spid=$!
sleep 1
check "rmmod while sending" rmmod bpfnic
wait $spid 2>/dev/null
check "insmod again" insmod "$mod"
IFACE=$(basename "$(ls -d /sys/bus/pci/drivers/bpfnic/*/net/* | head -n 1)")
check "interface back ($IFACE)" test -n "$IFACE"
ip link set "$IFACE" up
i=0
while [ "$(cat /sys/class/net/$IFACE/carrier)" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "carrier after reload" test "$(cat /sys/class/net/$IFACE/carrier)" = 1
check "traffic after reload" sh -c "bnpkt send $IFACE /vm/pcap/xdp_actions.pcap 2"
for n in 1 2 3; do
	bnpkt send "$IFACE" /vm/pcap/xdp_actions.pcap 100 &
	spid=$!
	rmmod bpfnic || no "rmmod loop $n"
	wait $spid 2>/dev/null
	insmod "$mod" || no "insmod loop $n"
	IFACE=$(basename "$(ls -d /sys/bus/pci/drivers/bpfnic/*/net/* | head -n 1)")
	ip link set "$IFACE" up
done
check "final unload" rmmod bpfnic
if dmesg | grep -qE 'Oops|BUG:|WARNING:|Call Trace|general protection'; then
	no "dmesg clean"
	dmesg | tail -n 60
else
	ok "dmesg clean"
fi
echo "---- dmesg (bpfnic)"
dmesg | grep -i bpfnic | tail -n 30
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
