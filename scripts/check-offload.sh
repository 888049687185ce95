#!/usr/bin/env bash
# Offload end to end in the guest (scripts/vm.sh): every corpus program
# (bpf-tests/corpus.manifest) is offloaded to the bpfnic NIC the way users do
# it -- `ip link set dev X xdpoffload obj ...` for XDP, `tc filter add dev X
# ingress bpf skip_sw da obj ...` for tc -- its map presets written with
# `bpftool map update`, its pcap replayed into the wire, and then:
#   - the device's verdict counters (ethtool -S) equal the manifest's counts
#     (measured with the host kernel's BPF_PROG_TEST_RUN), no faults;
#   - the frames the NIC sent back to the wire (XDP_TX) and the frames the
#     guest's stack received (PASS) are byte-exact what `bpfnic prog run`
#     computes on the host for the same object and packets;
#   - `bpftool map dump` of every map after the traffic equals the host
#     model's maps (program writes seen by bpftool);
#   - bpftool reports the program offloaded to the interface, tc reports
#     in_hw; unloading works;
#   - the image the guest kernel JITed (bpftool prog dump jited ... file)
#     equals `bpfnic prog jit --out` on the host for the same object, and
#     `bpfnic prog dump` reads it.
# One guest boot runs them all.  What cannot run is skipped with the reason.
# Ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
cache=${BPFNIC_CACHE:-$HOME/.cache/bpfnic}
pass=0 fail=0 skip=0
ok()   { echo "ok $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }
skp()  { echo "skip $*"; skip=$((skip + 1)); }
finish() {
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-offload.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
W="python3 scripts/wire.py"
B=build/bpfnic
manifest=bpf-tests/corpus.manifest
vmto=600

# ---- what is needed -----------------------------------------------------------------
bq=${BPFNIC_QEMU:-$cache/qemu-system-x86_64}
ko=${BPFNIC_KO:-build/kmod/bpfnic.ko}
if [ ! -x "$bq" ] || ! "$bq" -device help 2>/dev/null | grep -q '"bpfnic"'; then
	skp "offload: no QEMU with the bpfnic device at $bq (scripts/build-qemu.sh)"
	finish
fi
if [ -z "${BPFNIC_KO:-}" ]; then
	scripts/kbuild.sh >"$tmp/kbuild.log" 2>&1 ||
		{ bad "offload: bpfnic.ko does not build: $(grep -m1 error "$tmp/kbuild.log")"; finish; }
fi
if ! scripts/build-guest.sh --quiet >"$tmp/guest.out" 2>&1; then
	tail -5 "$tmp/guest.out"
	bad "offload: guest image: scripts/build-guest.sh failed"
	finish
fi
[ -x "$B" ] || { bad "offload: $B not built (make)"; finish; }

# ---- the plan and the host's expectations ---------------------------------------------
rdir=$tmp/replay exp=$tmp/exp got=$tmp/got
mkdir -p "$rdir" "$exp" "$got"
plan=$tmp/plan
gets=()
names=()
declare -A counts
while read -r name sec type c1 c2 c3 c4 presets; do
	case $name in ''|'#'*) continue ;; esac
	obj=build/bpf/$name.o pcap=build/pcap/$name.pcap
	mapargs=()
	for p in $presets; do mapargs+=(--map "$p"); done
	# one thread: frames leave in arrival order, as the device runs them
	if ! $B prog run "$obj" sec "$sec" --pcap "$pcap" ${mapargs[@]+"${mapargs[@]}"} \
		--islands 1 --fpcs 1 --threads 1 \
		--out-tx "$exp/$name.tx.pcap" --out-pass "$exp/$name.pass.pcap" --json \
		>"$exp/$name.json" 2>"$exp/$name.err"; then
		bad "$name: bpfnic prog run on the host failed: $(head -c 300 "$exp/$name.err")"
		continue
	fi
	$B prog jit "$obj" sec "$sec" --out "$exp/$name.img" >/dev/null 2>&1 || rm -f "$exp/$name.img"
	n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' "$exp/$name.json")
	cp "$pcap" "$rdir/$name.pcap"
	echo "prog $name $type $sec $n" >>"$plan"
	for p in $presets; do	# MAP:KEYHEX=VALHEX
		m=${p%%:*} kv=${p#*:}
		echo "preset $m ${kv%%=*} ${kv#*=}" >>"$plan"
	done
	python3 -c 'import json,sys; [print("map", m) for m in json.load(open(sys.argv[1]))["maps"]]' \
		"$exp/$name.json" >>"$plan"
	echo "go" >>"$plan"
	counts[$name]="$c1 $c2 $c3 $c4"
	names+=("$name")
	gets+=(--get "/tmp/out/$name.pass.pcap:$got/$name.pass.pcap"
	       --get "/tmp/out/$name.jit:$got/$name.jit")
done <"$manifest"
[ ${#names[@]} -gt 0 ] || { bad "offload: no programs in $manifest"; finish; }

# ---- one boot, every program ----------------------------------------------------------
scripts/vm.sh --qemu "$bq" --module "$ko" --timeout $vmto --modprobe "sch_ingress cls_bpf" \
	--replay-dir "$rdir" --file "$plan:plan" "${gets[@]}" -- 'offload-corpus.sh plan' \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] || ! grep -q '^BN kernel-warnings' "$tmp/out"; then
	bad "offload: the guest run failed (exit $rc)"
	sed 's/^/    | /' "$tmp/err" | tail -20
	sed 's/^/    > /' "$tmp/out" | tail -20
	finish
fi
bn() { sed -n "s/^BN $1 $2 //p" "$tmp/out" | head -1; }

# ---- per program ----------------------------------------------------------------------------
for name in "${names[@]}"; do
	type=$(awk -v n="$name" '$1 == n { print $3 }' "$manifest")
	load=$(bn "$name" load)
	if [ "$load" != ok ]; then
		bad "$name: offload load: $load"
		continue
	fi
	ok "$name: offloaded with $( [ "$type" = xdp ] && echo "ip link xdpoffload" || echo "tc skip_sw da")"
	b=$(bn "$name" bound)
	if [ -n "$b" ] && [ "$b" = "$(sed -n 's/^BN iface //p' "$tmp/out")" ]; then
		ok "$name: bpftool prog show: offloaded_to $b"
	else
		bad "$name: bpftool prog show does not say offloaded_to the interface ('$b')"
	fi
	if [ "$type" = tc ]; then
		[ "$(bn "$name" in_hw)" = yes ] && ok "$name: tc filter show: in_hw" ||
			bad "$name: tc filter show: not in_hw"
	fi
	want=${counts[$name]}
	gotv=$(bn "$name" verdicts)
	if [ "$(bn "$name" replay)" = ok ] && [ "$gotv" = "$want" ] && [ "$(bn "$name" faults)" = 0 ]; then
		ok "$name: device verdicts $gotv (as the kernel's)"
	else
		bad "$name: device verdicts '$gotv' faults '$(bn "$name" faults)' replay '$(bn "$name" replay)', want $want"
	fi
	# maps after the traffic: what the device's map engine holds
	if python3 scripts/offload-maps.py "$exp/$name.json" "$tmp/out" "$name" >"$tmp/maps" 2>&1; then
		ok "$name: maps after the traffic (bpftool map dump) equal the host model's ($(tail -1 "$tmp/maps"))"
	else
		bad "$name: maps after the traffic: $(tr '\n' ' ' <"$tmp/maps" | head -c 400)"
	fi
	# XDP_TX frames: what the NIC sent while this program ran
	if [ -f "$rdir/$name.out.pcap" ] && $W compare "$exp/$name.tx.pcap" "$rdir/$name.out.pcap" >"$tmp/cmp" 2>&1; then
		ok "$name: frames sent back to the wire byte-exact ($(tail -1 "$tmp/cmp"))"
	else
		bad "$name: frames sent back to the wire: $(tr '\n' ' ' <"$tmp/cmp" | head -c 400)"
	fi
	if [ -f "$got/$name.pass.pcap" ] && $W compare "$exp/$name.pass.pcap" "$got/$name.pass.pcap" >"$tmp/cmp" 2>&1; then
		ok "$name: frames passed to the guest's stack byte-exact ($(tail -1 "$tmp/cmp"))"
	else
		bad "$name: frames passed to the guest's stack: $(tr '\n' ' ' <"$tmp/cmp" 2>/dev/null | head -c 400)"
	fi
	if [ ! -s "$got/$name.jit" ]; then
		skp "$name: image equality: the guest's bpftool could not dump the jited image"
	elif cmp -s "$exp/$name.img" "$got/$name.jit"; then
		if $B prog dump "$got/$name.jit" >"$tmp/dump" 2>&1; then
			ok "$name: the guest kernel's image equals bpfnic prog jit's ($(stat -c %s "$got/$name.jit") bytes); bpfnic prog dump reads it"
		else
			bad "$name: bpfnic prog dump cannot read the guest's image: $(head -c 300 "$tmp/dump")"
		fi
	else
		bad "$name: the guest kernel's image differs from bpfnic prog jit's ($(stat -c %s "$got/$name.jit") vs $(stat -c %s "$exp/$name.img" 2>/dev/null) bytes)"
	fi
	[ "$(bn "$name" unload)" = ok ] && ok "$name: unloaded" || bad "$name: unload failed"
done
w=$(sed -n 's/^BN kernel-warnings //p' "$tmp/out")
[ "$w" = 0 ] && ok "guest kernel: no oops/BUG/WARNING during the run" ||
	bad "guest kernel: $w oops/BUG/WARNING lines"
finish
