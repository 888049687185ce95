#!/usr/bin/env bash
# The driver against a misbehaving device: the bpfnic QEMU device's fault
# injector (x-fault-rate/-seed/-skip, nfp-sim/qemu/bpfnic.c) corrupts what it
# hands the driver -- control replies and perf events, descriptor
# write-backs, ring HEAD reads -- while bpf-tests/vm/faults.sh uses every
# driver path (probe, link, ethtool, MTU, ring resize, xdpoffload with maps
# and perf events, bpftool map ops, tc skip_sw, RX and TX traffic, unload
# and probe again).  For each run:
#   - the guest finishes the script (no panic, no hang: vm.sh exit 0);
#   - no Oops/BUG/WARNING/KASAN in the guest kernel's log;
#   - with faults on, the driver noticed: its warnings and its
#     bad-reply/dropped/bad_desc/bad_head/timeout counters are not all zero
#     (events dropped for want of a reader are not an anomaly);
#   - with faults off (the control run), every step succeeds and those
#     counters are all zero: the workload itself is sound.
# BPFNIC_FAULT_RUNS="RATE:SEED:SKIP ..." overrides the runs.  Ends with
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/check-lib.sh check-faults
runs=${BPFNIC_FAULT_RUNS:-"0:1:0 50:1:300 150:2:300 400:3:0"}
vmto=400

need_guest faults
if ! "$bq" -device bpfnic,help 2>/dev/null | grep -q 'x-fault-rate'; then
	skp "faults: the QEMU at $bq has no bpfnic fault injector (scripts/build-qemu.sh)"
	finish
fi
[ -f build/pcap/perf_events.pcap ] || { bad "faults: no build/pcap/perf_events.pcap (make)"; finish; }

# counters that only move when the device misbehaves
anomalies='(bad_desc|bad_head|ctrl_bad_replies|ctrl_dropped_replies|ctrl_timeouts|ctrl_events_bad|dev_errors)='

for r in $runs; do
	IFS=: read -r rate seed after <<<"$r"
	what="faults rate ${rate}/1000 seed $seed after $after"
	[ "$rate" = 0 ] && what="control run (no faults)"
	start=$SECONDS
	scripts/vm.sh --qemu "$bq" --module "$ko" --timeout $vmto --self-ready \
		--modprobe "sch_ingress cls_bpf" \
		--device-opt "x-fault-rate=$rate" --device-opt "x-fault-seed=$seed" \
		--device-opt "x-fault-skip=$after" \
		--pcap-in build/pcap/perf_events.pcap --repeat 20 --rate 500 \
		-- faults.sh >"$tmp/out" 2>"$tmp/err"
	rc=$?
	bn() { sed -n "s/^BN $1 //p" "$tmp/out" | head -1; }
	t=$((SECONDS - start))
	if [ $rc -ne 0 ] || [ -z "$(grep '^BN done' "$tmp/out")" ]; then
		bad "$what: the guest did not finish the workload (vm.sh exit $rc, ${t} s)"
		sed 's/^/    | /' "$tmp/err" | tail -10
		sed 's/^/    > /' "$tmp/out" | tail -20
		continue
	fi
	kw=$(bn kernel-warnings)
	if [ "$kw" = 0 ]; then
		ok "$what: guest kernel clean (no Oops/BUG/WARNING), workload finished in ${t} s"
	else
		bad "$what: $kw Oops/BUG/WARNING lines in the guest kernel's log"
		grep '^BN dmesg' "$tmp/out" | head -20 | sed 's/^/    /'
	fi
	steps=$(grep -cE '^BN [a-z0-9-]+ rc=' "$tmp/out")
	failed=$(grep -E '^BN [a-z0-9-]+ rc=[1-9]' "$tmp/out" | sed 's/^BN //' | tr '\n' ' ')
	noticed=$(bn counters | grep -oE "[a-z0-9_]*$anomalies[0-9]+" | tr '\n' ' ')
	warn=$(bn driver-warnings)
	iface=$(bn iface)
	if [ "$rate" = 0 ]; then
		[ "$iface" != none ] && [ -z "$failed" ] && [ "$steps" -ge 10 ] &&
			ok "$what: all $steps steps succeeded" ||
			bad "$what: iface $iface, $steps steps, failed: ${failed:-none} $(sed -n 's/^BN why //p' "$tmp/out" | head -3 | tr '\n' ' ')"
		[ -z "$noticed" ] && [ "$warn" = 0 ] && ok "$what: no anomaly counted or logged by the driver" ||
			bad "$what: the driver counted anomalies without faults: ${noticed:-none}; $warn warnings: $(bn warning)"
		[ "$(bn reprobe)" = "rc=0 iface $iface" ] &&
			ok "$what: unload, probe again, unload" ||
			bad "$what: reprobe: $(bn reprobe)"
	else
		if [ "$iface" = none ]; then
			[ "${warn:-0}" -gt 0 ] &&
				ok "$what: probe refused the device cleanly ($warn driver messages)" ||
				bad "$what: no interface and no driver message"
		elif [ -n "$noticed" ] || [ "${warn:-0}" -gt 0 ]; then
			ok "$what: the driver noticed (${noticed:-no counters}; $warn warnings); steps failed: ${failed:-none}"
		else
			bad "$what: faults injected but the driver counted nothing"
		fi
		echo "    reprobe: $(bn reprobe)"
	fi
done
finish
