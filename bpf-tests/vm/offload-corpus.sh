#!/bin/sh
# offload-corpus.sh PLAN
# Offload each program of PLAN to $IFACE the way users do it, replay its
# packets (bn-replay.sh, vm.sh --replay-dir) and report what the device did.
# PLAN lines (written by scripts/check-offload.sh):
#   prog NAME xdp|tc SECTION NPKTS     start a program
#   preset MAP KEYHEX VALHEX           bpftool map update before traffic
#   map MAP                            bpftool map dump after traffic
#   events MAP                         bpftool map event_pipe during traffic
#   go                                 load done: run it
# XDP: ip link set dev $IFACE xdpoffload obj /vm/bpf/NAME.o sec SECTION
# tc:  tc filter add dev $IFACE ingress bpf skip_sw da obj ... sec SECTION
# Prints, per program:
#   BN NAME load ok|FAIL <ip/tc output>
#   BN NAME bound <ifname bpftool reports the program offloaded to>
#   BN NAME in_hw yes|no                          (tc)
#   BN NAME verdicts ABORTED=a DROP=d PASS=p TX=t  (device counter deltas)
#   BN NAME faults N
#   BN NAME events-sent N                          (device's perf events)
#   BN NAME map MAP TYPE <bpftool -j map dump>      (after the traffic)
#   BN NAME replay ok|FAIL
#   BN NAME unload ok|FAIL
# and leaves /tmp/out/NAME.pass.pcap (frames the host stack received),
# /tmp/out/NAME.jit (bpftool prog dump jited ... file) and
# /tmp/out/NAME.events (bpftool -j map event_pipe of its perf maps) for --get.
plan=${1:?usage: offload-corpus.sh PLAN}
mkdir -p /tmp/out
echo "BN iface $IFACE"
ethtool -K "$IFACE" hw-tc-offload on >/dev/null 2>&1
tc qdisc add dev "$IFACE" clsact 2>/dev/null
ip link set "$IFACE" promisc on
# tcpdump must see frames in arrival order.  NAPI hands frames to the stack
# in batches (net.core.gro_normal_batch), and a batch delivers packet taps
# of frames no protocol takes (unknown ethertypes) after those of IPv4/ARP
# frames behind them; batches of one keep the order.  GRO off: no frame is
# held back to merge.
echo 1 >/proc/sys/net/core/gro_normal_batch
ethtool -K "$IFACE" gro off >/dev/null 2>&1

stat() { ethtool -S "$IFACE" | awk -v k="dev_$1:" '$1 == k { print $2 }'; }
hexsp() { echo "$1" | sed 's/../& /g'; }
snap() { a=$(stat verdict_aborted) d=$(stat verdict_drop) p=$(stat verdict_pass) t=$(stat verdict_tx) f=$(stat prog_faults) e=$(stat events); }

run_prog() {	# NAME TYPE SEC NPKTS, presets in /tmp/presets
	name=$1 type=$2 sec=$3 n=$4
	if [ "$type" = xdp ]; then
		out=$(ip link set dev "$IFACE" xdpoffload obj "/vm/bpf/$name.o" sec "$sec" 2>&1)
	else
		out=$(tc filter add dev "$IFACE" ingress bpf skip_sw da obj "/vm/bpf/$name.o" sec "$sec" 2>&1)
	fi
	if [ $? -ne 0 ]; then
		echo "BN $name load FAIL $(echo "$out" | tr '\n' ' ' | tail -c 300)"
		return
	fi
	echo "BN $name load ok"
	if [ "$type" = xdp ]; then
		id=$(ip -j link show dev "$IFACE" | sed -n 's/.*"mode":3,"prog":{"id":\([0-9]*\).*/\1/p')
	else
		id=$(tc -j filter show dev "$IFACE" ingress | sed -n 's/.*"prog":{"id":\([0-9]*\).*/\1/p;s/.*"id":\([0-9]*\),"name".*/\1/p' | head -1)
		if tc filter show dev "$IFACE" ingress | grep -q in_hw; then
			echo "BN $name in_hw yes"
		else
			echo "BN $name in_hw no"
		fi
	fi
	echo "BN $name bound $(bpftool prog show id "$id" 2>&1 | sed -n 's/.*offloaded_to \([^ ]*\).*/\1/p')"
	bpftool prog dump jited id "$id" file "/tmp/out/$name.jit" >/dev/null 2>&1
	while read -r m k v; do
		bpftool map update name "$m" key hex $(hexsp "$k") value hex $(hexsp "$v") ||
			echo "BN $name preset FAIL $m $k"
	done </tmp/presets
	evp=""
	while read -r m; do	# perf events: a reader on every CPU's ring
		bpftool -j map event_pipe name "$m" >>"/tmp/out/$name.events" 2>&1 &
		evp="$evp $!"
	done </tmp/evmaps
	[ -n "$evp" ] && sleep 1	# its perf fds are in the map before traffic
	tcpdump -i "$IFACE" -Q in -U -n -s 65535 -w "/tmp/out/$name.pass.pcap" 2>/tmp/tcpdump.err &
	tp=$!
	i=0
	while ! grep -q 'listening on' /tmp/tcpdump.err 2>/dev/null && [ $i -lt 200 ]; do
		i=$((i + 1)); sleep 0.05
	done
	snap; a0=$a d0=$d p0=$p t0=$t f0=$f e0=$e
	if bn-replay.sh "$name" "$n"; then echo "BN $name replay ok"; else echo "BN $name replay FAIL"; fi
	snap
	echo "BN $name verdicts ABORTED=$((a - a0)) DROP=$((d - d0)) PASS=$((p - p0)) TX=$((t - t0))"
	echo "BN $name faults $((f - f0))"
	echo "BN $name events-sent $((e - e0))"
	while read -r m; do
		mt=$(bpftool -j map show name "$m" | sed -n 's/.*"type":"\([^"]*\)".*/\1/p')
		echo "BN $name map $m ${mt:-?} $(bpftool -j map dump name "$m" 2>&1 | tr -d '\n')"
	done </tmp/maps
	sleep 0.2
	kill -INT $tp; wait $tp
	for p in $evp; do kill -INT "$p"; wait "$p"; done
	if [ "$type" = xdp ]; then
		ip link set dev "$IFACE" xdpoffload off
	else
		tc filter del dev "$IFACE" ingress
	fi
	if [ $? -eq 0 ]; then echo "BN $name unload ok"; else echo "BN $name unload FAIL"; fi
}

cur=""
while read -r kw a1 a2 a3 a4; do
	case $kw in
	prog) cur="$a1 $a2 $a3 $a4"; : >/tmp/presets; : >/tmp/maps; : >/tmp/evmaps ;;
	events) echo "$a1" >>/tmp/evmaps ;;
	map) echo "$a1" >>/tmp/maps ;;
	preset) echo "$a1 $a2 $a3" >>/tmp/presets ;;
	go) run_prog $cur ;;
	esac
done <"$plan"
echo "BN kernel-warnings $(dmesg | grep -cE 'Oops|BUG:|WARNING: CPU|Call Trace|general protection fault')"
