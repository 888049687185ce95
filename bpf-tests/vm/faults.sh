#!/bin/sh
# faults.sh
# The driver's every use of the device, for scripts/check-faults.sh, which
# boots the guest with the device corrupting what it hands the driver
# (x-fault-rate: control replies and events, descriptor write-backs, ring
# HEAD reads).  Nothing here has to succeed; the guest kernel has to stay
# up, and the driver has to notice.  Run with vm.sh --pcap-in (frames into
# the offloaded program while it runs) and --modprobe "sch_ingress cls_bpf".
# Prints "BN <step> rc=N" for every step, then:
#   BN counters <ethtool -S name=value ...>   what the driver counted
#   BN driver-warnings N                      its warnings/errors in dmesg
#   BN reprobe rc=N iface NAME|none           rmmod + insmod again
#   BN kernel-warnings N                      Oops/BUG/WARNING/... in dmesg
#   BN done
step() {	# NAME CMD...: run with a time limit, print its status (and why)
	_s=$1; shift
	# (not busybox's timeout: it would run busybox's ip/tc applets)
	"$@" >/tmp/step.out 2>&1 &
	_p=$!
	(sleep 30; kill $_p 2>/dev/null) &
	_w=$!
	wait $_p
	_rc=$?
	kill $_w 2>/dev/null
	echo "BN $_s rc=$_rc"
	[ $_rc = 0 ] || echo "BN why $_s $(grep -m1 -E 'Error|rror:|[Ff]ail|refused|not ' /tmp/step.out || head -c 200 /tmp/step.out | tr '\n' ' ')"
}

echo "BN iface ${IFACE:-none}"
if [ -n "$IFACE" ]; then
	step link-up ip link set "$IFACE" up
	step ethtool-S ethtool -S "$IFACE"
	step ring-resize ethtool -G "$IFACE" rx 256 tx 256
	step mtu ip link set "$IFACE" mtu 1400
	step mtu-back ip link set "$IFACE" mtu 1500
	step link-up-again ip link set "$IFACE" up
	# the program posts perf events: a reader takes them while traffic runs
	step xdpoffload ip link set dev "$IFACE" xdpoffload obj /vm/bpf/perf_events.o sec xdp
	bpftool map event_pipe name events >/dev/null 2>&1 &
	ev=$!
	vm-ready
	for m in sampled; do	# perf_events.o's offloaded map
		step "map-update-$m" bpftool map update name "$m" key 0 0 0 0 value 1 0 0 0 0 0 0 0
		step "map-lookup-$m" bpftool map lookup name "$m" key 0 0 0 0
		step "map-getnext-$m" bpftool map getnext name "$m"
		step "map-dump-$m" bpftool map dump name "$m"
	done
	step bnpkt-send bnpkt send "$IFACE" /vm/pcap/perf_events.pcap 20
	sleep 3
	kill $ev 2>/dev/null
	step xdp-off ip link set dev "$IFACE" xdpoffload off
	step tc-on ethtool -K "$IFACE" hw-tc-offload on
	step clsact tc qdisc add dev "$IFACE" clsact
	step tc-skip-sw tc filter add dev "$IFACE" ingress bpf skip_sw da obj /vm/bpf/tc_classifier.o sec tc
	step tc-del tc filter del dev "$IFACE" ingress
	step link-down ip link set "$IFACE" down
	echo "BN counters $(ethtool -S "$IFACE" 2>/dev/null | awk -F': *' 'NF == 2 && $2 != 0 { gsub(/ /, "", $1); printf "%s=%s ", $1, $2 }')"
else
	vm-ready
fi
# warnings and errors (levels 0-4) of the driver
warnings() { dmesg -r | grep -E '^<[0-4]>.*bpfnic' | grep -v 'taints kernel'; }
echo "BN driver-warnings $(warnings | wc -l)"
warnings | head -5 | sed 's/^/BN warning /' 
rmmod bpfnic; rc=$?
insmod /vm/bpfnic.ko; rc=$((rc + $?))
sleep 1
n=none
for d in /sys/class/net/*; do
	[ "$(readlink "$d/device/driver" 2>/dev/null | sed 's|.*/||')" = bpfnic ] && n=${d##*/}
done
[ "$n" != none ] && step link-up-reprobe ip link set "$n" up && step ethtool-S-reprobe ethtool -S "$n"
rmmod bpfnic; rc=$((rc + $?))
echo "BN reprobe rc=$rc iface $n"
echo "BN kernel-warnings $(dmesg | grep -cE 'Oops|BUG|WARNING|general protection|Call Trace|KASAN|UBSAN')"
dmesg | grep -E -A20 'Oops|BUG|WARNING|general protection|KASAN|UBSAN' | head -40 | sed 's/^/BN dmesg /'
echo "BN done"
