#!/bin/sh
# reload.sh ROUNDS TX_PCAP
# Unload and reload bpfnic.ko ROUNDS times while the host replays frames
# (vm.sh --self-ready --pcap-in ... --rate ...) and the guest sends frames,
# then check the interface comes back up and still receives.
# Prints "BN round <i> ok|FAIL <why>", "BN after-reload rx <count line>".
rounds=${1:-3} txp=${2:-/vm/files/tx.pcap}
ko=/vm/bpfnic.ko
wait_iface() {	# -> IFACE bound to bpfnic, up with carrier, within 10 s
	i=0; IFACE=
	while [ $i -lt 100 ]; do
		for n in /sys/class/net/*; do
			d=$(readlink "$n/device/driver" 2>/dev/null)
			[ "${d##*/}" = bpfnic ] && IFACE=${n##*/}
		done
		[ -n "$IFACE" ] && break
		i=$((i + 1)); sleep 0.1
	done
	[ -n "$IFACE" ] || return 1
	ip link set "$IFACE" up promisc on || return 1
	i=0
	while [ "$(cat /sys/class/net/$IFACE/carrier 2>/dev/null)" != 1 ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 2
		sleep 0.1
	done
	return 0
}
ip link set "$IFACE" promisc on
vm-ready
( while :; do bnpkt send "$IFACE" "$txp" >/dev/null 2>&1 || sleep 0.05; [ -e /tmp/stop ] && break; IFACE=$(cat /tmp/iface 2>/dev/null || echo "$IFACE"); done ) &
bg=$!
r=1
fails=0
while [ $r -le "$rounds" ]; do
	sleep 1
	before=$(cat /sys/class/net/$IFACE/statistics/rx_packets)
	if ! rmmod bpfnic; then echo "BN round $r FAIL rmmod"; fails=$((fails + 1)); break; fi
	if grep -q '^bpfnic ' /proc/modules; then echo "BN round $r FAIL still loaded"; fails=$((fails + 1)); fi
	if ! insmod "$ko"; then echo "BN round $r FAIL insmod"; fails=$((fails + 1)); break; fi
	wait_iface; w=$?
	echo "$IFACE" >/tmp/iface
	if [ $w -ne 0 ]; then echo "BN round $r FAIL interface/carrier ($w)"; fails=$((fails + 1)); break; fi
	echo "BN round $r ok (rx before unload $before)"
	r=$((r + 1))
done
touch /tmp/stop
echo "BN after-reload $(bnpkt count "$IFACE" 50 20)"
echo "BN kernel-warnings $(dmesg | grep -cE 'Oops|BUG:|WARNING: CPU|Call Trace|general protection fault')"
kill $bg 2>/dev/null; wait $bg 2>/dev/null
exit $fails
