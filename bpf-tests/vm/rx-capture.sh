#!/bin/sh
# rx-capture.sh OUT.pcap N [TIMEOUT_S]
# Capture N frames received on $IFACE (promiscuous, inbound only) into
# OUT.pcap with tcpdump; tells the host to start replaying (vm-ready) once
# tcpdump listens.  Run with vm.sh --self-ready --pcap-in ...
out=$1 n=$2 to=${3:-60}
[ -n "$IFACE" ] || { echo "rx-capture: no \$IFACE" >&2; exit 2; }
ip link set "$IFACE" promisc on
rm -f /tmp/rx-capture.err
tcpdump -i "$IFACE" -Q in -U -n -s 65535 -c "$n" -w "$out" 2>/tmp/rx-capture.err &
pid=$!
i=0
while ! grep -q 'listening on' /tmp/rx-capture.err 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 200 ] && { echo "rx-capture: tcpdump did not start" >&2; cat /tmp/rx-capture.err >&2; exit 1; }
	sleep 0.05
done
vm-ready
i=0
while kill -0 $pid 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt $((to * 10)) ] && { echo "rx-capture: timeout after ${to}s" >&2; kill -INT $pid; break; }
	sleep 0.1
done
wait $pid
grep -E 'packets (captured|received)' /tmp/rx-capture.err
ip link set "$IFACE" promisc off
exit 0
