#!/usr/bin/env bash
# VM checks: the bpfnic QEMU device with bpfnic.ko in a Debian 6.1 guest
# (scripts/vm.sh), plus the harness itself on a stock e1000.
#   bpfnic: device enumerates; boot + module load; link UP/LOWER_UP;
#   ethtool -i firmware version; frames replayed from a pcap arrive in the
#   guest byte-exact; frames the guest sends arrive on the host byte-exact;
#   ethtool -S counters move; unload/reload under traffic; packets/s.
#   harness: the same rx/tx/exit-status path on e1000; a module that fails to
#   load is reported (exit 125); the global timeout (exit 124).
# What cannot run is skipped with the reason (QEMU without bpfnic: run
# scripts/build-qemu.sh; no bpfnic.ko with a PCI id: make kmod).  Never a pass
# for something not tested.  Ends with "N passed, N failed, N skipped".
# BPFNIC_VM_PPS_N=frames for the packets/s run (default 50000); BPFNIC_KO=path
# tests that module instead of building build/kmod/bpfnic.ko; BPFNIC_QEMU=path.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/check-lib.sh check-vm
NRX=32 PPS_N=${BPFNIC_VM_PPS_N:-50000}
vmto=300

# ---- inputs ------------------------------------------------------------------------
$W gen "$tmp/rx.pcap" $NRX --seed 11 --min 60 --max 1514
$W gen "$tmp/tx.pcap" $NRX --seed 12 --min 60 --max 1514 --dst 02:bf:00:00:00:02 --src 52:54:00:12:34:56
$W gen "$tmp/small.pcap" 1000 --seed 13 --min 64 --max 64
if ! scripts/build-guest.sh --quiet >"$tmp/guest.out" 2>&1; then
	tail -20 "$tmp/guest.out"
	bad "guest image: scripts/build-guest.sh failed"
	finish
fi

# ---- which QEMU / module --------------------------------------------------------------
bq=${BPFNIC_QEMU:-$cache/qemu-system-x86_64}
have_bq=0 have_sq=0 have_ko=0
[ -x "$bq" ] && "$bq" -device help 2>/dev/null | grep -q '"bpfnic"' && have_bq=1
if command -v qemu-system-x86_64 >/dev/null; then sq=$(command -v qemu-system-x86_64); have_sq=1
elif [ $have_bq = 1 ]; then sq=$bq; have_sq=1; fi
ko=${BPFNIC_KO:-build/kmod/bpfnic.ko}
why_ko=""
if [ -z "${BPFNIC_KO:-}" ] && { [ ! -f "$ko" ] || [ -n "$(find driver include firmware-jit Kbuild -newer "$ko" \( -name '*.[ch]' -o -name '*.def' -o -name Kbuild \) 2>/dev/null | head -1)" ]; }; then
	scripts/kbuild.sh >"$tmp/kbuild.log" 2>&1 || why_ko="bpfnic.ko does not build (make kmod: $(grep -m1 -E 'error' "$tmp/kbuild.log"))"
fi
if [ -z "$why_ko" ]; then
	if [ ! -f "$ko" ]; then why_ko="no $ko (make kmod)"
	elif ! modinfo -F alias "$ko" 2>/dev/null | grep -qi 'pci:v00001234d0000B9FC'; then
		why_ko="$ko has no PCI id table for 1234:b9fc yet (driver stub)"
	else have_ko=1; fi
fi
why_bq="no QEMU with the bpfnic device at $bq (run scripts/build-qemu.sh)"

# ---- evaluation helpers ------------------------------------------------------------------
# bn KEY <file: the BN lines of one run> -> values of "BN KEY ..." lines
bn() { sed -n "s/^BN $1 //p" "$2"; }
btr() { sed -nE 's/.*boot-to-ready ([0-9.]+) s.*/\1/p' "$1" | tail -1; }

# stats_moved FILE -> "rxdelta txdelta": the largest increase among ethtool -S
# counters whose names contain rx / tx (packets or frames preferred)
stats_moved() {
	python3 - "$1" <<'PY'
import re, sys
s0, s1 = {}, {}
for ln in open(sys.argv[1], errors="replace"):
    m = re.match(r"BN stats([01]) \s*([^:]+):\s*(-?\d+)\s*$", ln.rstrip("\n"))
    if m:
        (s0 if m.group(1) == "0" else s1)[m.group(2).strip()] = int(m.group(3))
def best(key):
    # packet/frame counters first; any counter of that direction otherwise
    for want in (("packets", "frames"), ("",)):
        ds = [(s1[k] - s0.get(k, 0), k) for k in s1
              if key in k.lower() and any(w in k.lower() for w in want)]
        if ds:
            return max(ds)
    return (0, "-")
r, t = best("rx"), best("tx")
print(f"{r[0]} {r[1]} {t[0]} {t[1]} {len(s1)}")
PY
}

# run_basic TAG VMARGS... : one boot of basic.sh; leaves $tmp/TAG.{out,err,rc}
run_basic() {
	local tag=$1; shift
	rm -f "$tmp/$tag.rx.pcap" "$tmp/$tag.host.pcap"
	scripts/vm.sh "$@" --timeout $vmto --self-ready --pcap-in "$tmp/rx.pcap" \
		--pcap-out "$tmp/$tag.host.pcap" --file "$tmp/tx.pcap:tx.pcap" \
		--get "rx.pcap:$tmp/$tag.rx.pcap" -- "basic.sh $NRX tx.pcap; exit 7" \
		>"$tmp/$tag.out" 2>"$tmp/$tag.err"
	echo $? >"$tmp/$tag.rc"
}

# check_rx_tx TAG LABEL
check_rx_tx() {
	local tag=$1 label=$2
	if [ -f "$tmp/$tag.rx.pcap" ] && $W compare "$tmp/rx.pcap" "$tmp/$tag.rx.pcap" >"$tmp/cmp" 2>&1; then
		ok "$label: $NRX frames replayed from a pcap arrive in the guest byte-exact ($(tail -1 "$tmp/cmp"))"
	else
		bad "$label: replayed frames in the guest: $(tr '\n' ' ' <"$tmp/cmp" 2>/dev/null; bn rx-capture "$tmp/$tag.out" | tr '\n' ' ')"
	fi
	if [ -f "$tmp/$tag.host.pcap" ] && $W compare "$tmp/tx.pcap" "$tmp/$tag.host.pcap" >"$tmp/cmp" 2>&1; then
		ok "$label: $NRX frames the guest sends arrive on the host byte-exact ($(tail -1 "$tmp/cmp"))"
	else
		bad "$label: guest-sent frames on the host: $(tr '\n' ' ' <"$tmp/cmp" 2>/dev/null; bn tx "$tmp/$tag.out")"
	fi
}

show_fail() {	# TAG: the tail of a run's output for a failure
	sed 's/^/    | /' "$tmp/$1.err" | tail -25
	grep -v '^BN stats' "$tmp/$1.out" | sed 's/^/    > /' | tail -25
}

# ---- the harness on a stock NIC ------------------------------------------------------------
if [ $have_sq = 0 ]; then
	skp "harness[e1000]: no qemu-system-x86_64 (apt-get install qemu-system-x86, or scripts/build-qemu.sh)"
else
	run_basic e1000 --qemu "$sq" --nic e1000
	rc=$(cat "$tmp/e1000.rc")
	if [ "$rc" = 7 ] && grep -q '^BN iface .* driver e1000' "$tmp/e1000.out"; then
		ok "harness[e1000]: boot, command runs with \$IFACE, its exit status (7) comes back; boot-to-ready $(btr "$tmp/e1000.err") s"
		check_rx_tx e1000 "harness[e1000]"
	else
		bad "harness[e1000]: boot/command (exit $rc)"; show_fail e1000
	fi
	printf 'not a module\n' >"$tmp/bogus.ko"
	scripts/vm.sh --qemu "$sq" --nic e1000 --module "$tmp/bogus.ko" --timeout $vmto -- true \
		>"$tmp/bogus.out" 2>"$tmp/bogus.err"; rc=$?
	if [ $rc = 125 ] && grep -q 'failed to load' "$tmp/bogus.err"; then
		ok "harness: a module that fails to load is reported (exit 125, guest dmesg shown)"
	else
		bad "harness: module load failure not reported (exit $rc)"; sed 's/^/    | /' "$tmp/bogus.err" | tail -10
	fi
	t0=$(date +%s)
	scripts/vm.sh --qemu "$sq" --nic e1000 --timeout 3 -- sleep 100 >/dev/null 2>"$tmp/to.err"; rc=$?
	t1=$(date +%s)
	if [ $rc = 124 ] && [ $((t1 - t0)) -lt 15 ]; then
		ok "harness: global timeout kills QEMU (exit 124 after $((t1 - t0)) s)"
	else
		bad "harness: timeout (exit $rc after $((t1 - t0)) s)"
	fi
fi

# ---- bpfnic ------------------------------------------------------------------------------------
bnames=("boot + bpfnic.ko loads" "link UP/LOWER_UP" "ethtool -i firmware version"
        "replayed frames arrive in the guest byte-exact" "guest-sent frames arrive on the host byte-exact"
        "ethtool -S counters move" "unload/reload under traffic" "RX steering" "packets/s through the device")
if [ $have_bq = 0 ]; then
	skp "bpfnic: device enumerates: $why_bq"
	for n in "${bnames[@]}"; do skp "bpfnic: $n: $why_bq"; done
	finish
fi

scripts/vm.sh --qemu "$bq" --no-module --timeout $vmto -- \
	'for d in /sys/bus/pci/devices/*; do echo "PCI $(cat $d/vendor):$(cat $d/device)"; done' \
	>"$tmp/enum.out" 2>"$tmp/enum.err"; rc=$?
if [ $rc = 0 ] && grep -q '^PCI 0x1234:0xb9fc' "$tmp/enum.out"; then
	ok "bpfnic: device enumerates in the guest (PCI 1234:b9fc); boot-to-ready $(btr "$tmp/enum.err") s"
else
	bad "bpfnic: device does not enumerate (exit $rc)"; show_fail enum
fi

if [ $have_ko = 0 ]; then
	for n in "${bnames[@]}"; do skp "bpfnic: $n: $why_ko"; done
	finish
fi

run_basic bpfnic --qemu "$bq" --module "$ko"
rc=$(cat "$tmp/bpfnic.rc")
out=$tmp/bpfnic.out
if [ "$rc" = 125 ]; then
	bad "bpfnic: bpfnic.ko failed to load in the guest"; show_fail bpfnic
elif [ "$rc" = 7 ] && [ "$(bn module "$out")" = 1 ] && grep -q '^BN iface .* driver bpfnic' "$out"; then
	ok "bpfnic: boot + bpfnic.ko loads, $(bn iface "$out" | cut -d' ' -f1) bound to bpfnic; boot-to-ready $(btr "$tmp/bpfnic.err") s"
	flags=$(bn linkjson "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print(",".join(d["flags"]), d.get("operstate"))' 2>/dev/null)
	if grep -q '\bUP\b' <<<"${flags//,/ }" && grep -q 'LOWER_UP' <<<"$flags"; then
		ok "bpfnic: link UP/LOWER_UP (ip -j link: $flags)"
	else
		bad "bpfnic: link not UP/LOWER_UP (ip -j link: ${flags:-none})"
	fi
	fw=$(bn ethtool-i "$out" | sed -n 's/^firmware-version: *//p')
	drv=$(bn ethtool-i "$out" | sed -n 's/^driver: *//p')
	if [ -n "$fw" ] && [ "$fw" != "N/A" ] && [ "$drv" = bpfnic ]; then
		ok "bpfnic: ethtool -i: driver $drv, firmware-version $fw"
	else
		bad "bpfnic: ethtool -i: driver '${drv}', firmware-version '${fw}'"
	fi
	check_rx_tx bpfnic "bpfnic"
	read -r rxd rxk txd txk nst <<<"$(stats_moved "$out")"
	if [ "$(bn ethtool-S-rc "$out")" = 0 ] && [ "${rxd:-0}" -ge $NRX ] && [ "${txd:-0}" -ge $NRX ]; then
		ok "bpfnic: ethtool -S counters move ($nst counters; $rxk +$rxd, $txk +$txd)"
	else
		bad "bpfnic: ethtool -S counters (rc $(bn ethtool-S-rc "$out"); $rxk +$rxd, $txk +$txd, want >= $NRX each)"
	fi
else
	bad "bpfnic: boot/command (exit $rc)"; show_fail bpfnic
	for n in "${bnames[@]:1:5}"; do skp "bpfnic: $n: the basic run failed"; done
fi

# unload/reload under traffic (host replays at 2000 frames/s, guest sends in a loop)
scripts/vm.sh --qemu "$bq" --module "$ko" --timeout $vmto --self-ready --pcap-in "$tmp/small.pcap" --repeat 100 --rate 2000 \
	--file "$tmp/tx.pcap:tx.pcap" -- reload.sh 3 tx.pcap >"$tmp/reload.out" 2>"$tmp/reload.err"; rc=$?
rounds=$(grep -c '^BN round [0-9]* ok' "$tmp/reload.out")
after=$(bn after-reload "$tmp/reload.out")
arx=$(sed -nE 's/.*rx=([0-9]+) of.*/\1/p' <<<"$after")
if [ $rc = 0 ] && [ "$rounds" = 3 ] && [ "${arx:-0}" -ge 50 ] &&
   [ "$(bn kernel-warnings "$tmp/reload.out")" = 0 ] &&
   ! grep -q 'kernel logged an oops' "$tmp/reload.err"; then
	ok "bpfnic: unload/reload x3 under traffic, receives after ($after)"
else
	bad "bpfnic: unload/reload under traffic (exit $rc, $rounds/3 rounds, after: ${after:-none})"; show_fail reload
fi

# RX steering: two vCPUs give two queue pairs; the L4 LB capture's IPv4
# flows must reach both RX queues (regs.h: Frames), and all of them arrive.
if [ -f build/pcap/l4lb.pcap ]; then
	nl4=$(python3 -c 'import sys; sys.path.insert(0, "scripts"); import wire; print(len(wire.read_pcap("build/pcap/l4lb.pcap")))')
	scripts/vm.sh --qemu "$bq" --module "$ko" --smp 2 --timeout $vmto --self-ready \
		--pcap-in build/pcap/l4lb.pcap -- rss.sh "$nl4" >"$tmp/rss.out" 2>"$tmp/rss.err"; rc=$?
	nq=$(sed -n 's/^BN queues //p' "$tmp/rss.out")
	per=$(sed -n 's/^BN rxq //p' "$tmp/rss.out" | tr '\n' ' ')
	busy=$(sed -n 's/^BN rxq [0-9]* //p' "$tmp/rss.out" | awk '$1 > 0' | wc -l)
	tot=$(sed -n 's/^BN rxq [0-9]* //p' "$tmp/rss.out" | awk '{s += $1} END {print s + 0}')
	if [ $rc = 0 ] && [ "${nq:-0}" -ge 2 ] && [ "$busy" = "$nq" ] && [ "$tot" = "$nl4" ]; then
		ok "bpfnic: RX steering spreads $tot flows over $nq queues (queue packets: $per)"
	else
		bad "bpfnic: RX steering (exit $rc, ${nq:-?} queues, $busy busy, $tot of $nl4 frames: $per)"
		show_fail rss
	fi
else
	skp "bpfnic: RX steering: build/pcap/l4lb.pcap not built"
fi

# packets/s: the host replays PPS_N 64-byte frames as fast as the NIC takes them
rep=$(( (PPS_N + 999) / 1000 ))
scripts/vm.sh --qemu "$bq" --module "$ko" --timeout $vmto --self-ready --pcap-in "$tmp/small.pcap" --repeat $rep \
	-- pps.sh $((rep * 1000)) 240 >"$tmp/pps.out" 2>"$tmp/pps.err"; rc=$?
line=$(grep '^bnpkt-count' "$tmp/pps.out")
if [ $rc = 0 ] && [ -n "$line" ]; then
	ok "bpfnic: packets/s through the device path under TCG: $(sed -E 's/.*pps=([0-9]+).*/\1/' <<<"$line") ($line)"
else
	bad "bpfnic: packets/s run (exit $rc: ${line:-no count})"; show_fail pps
fi
finish
