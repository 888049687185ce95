#!/bin/sh
# bn-replay.sh NAME N [TIMEOUT_S]
# Ask the host (vm.sh --replay-dir D) to send D/NAME.pcap into the wire, then
# wait until the device has taken N more frames from the wire (ethtool -S
# dev_rx_frames) and let what it sends settle; the host captures those
# frames into D/NAME.out.pcap.  Exit 1 on timeout.
name=$1 n=$2 to=${3:-30}
[ -n "$IFACE" ] && [ -n "$name" ] && [ -n "$n" ] ||
	{ echo "usage: bn-replay.sh NAME N [TIMEOUT_S] (with \$IFACE)" >&2; exit 2; }
rxf() { ethtool -S "$IFACE" | awk '$1 == "dev_rx_frames:" { print $2 }'; }
base=$(rxf)
echo "@@BN:REPLAY $name" >/dev/console
i=0
while [ $(($(rxf) - base)) -lt "$n" ]; do
	i=$((i + 1))
	if [ $i -gt $((to * 10)) ]; then
		echo "bn-replay: $name: the device took $(($(rxf) - base)) of $n frames in ${to}s" >&2
		exit 1
	fi
	sleep 0.1
done
sleep 0.3	# the host reads what the device sent back
exit 0
