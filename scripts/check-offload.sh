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
# A second boot checks the rest: exact-text refusals (verifier log, extack),
# offloaded maps through bpftool (create/update/lookup/delete/getnext/dump
# and their errnos), xdp-loader -m hw, programs replaced while traffic
# flows, the time `ip link ... xdpoffload` takes and frames/s through an
# offloaded program (BPFNIC_OFFLOAD_PPS_N frames, default 20000).
# BPFNIC_OFFLOAD_PHASES="corpus features" (the default) picks the boots.
# What cannot run is skipped with the reason.
# Ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/check-lib.sh check-offload
B=build/bpfnic
manifest=bpf-tests/corpus.manifest
vmto=600

# ---- what is needed -----------------------------------------------------------------
need_guest "offload"
[ -x "$B" ] || { bad "offload: $B not built (make)"; finish; }

# boot WHAT OUT ERR VM.SH-ARGS...: one guest run; its output must end with the
# kernel-warnings line, or the check stops here.
boot() {
	local what=$1 out=$2 err=$3 rc
	shift 3
	scripts/vm.sh --qemu "$bq" --module "$ko" --timeout $vmto \
		--modprobe "sch_ingress cls_bpf" "$@" >"$out" 2>"$err"
	rc=$?
	if [ $rc -ne 0 ] || ! grep -q '^BN kernel-warnings' "$out"; then
		bad "$what: the guest run failed (exit $rc)"
		sed 's/^/    | /' "$err" | tail -20
		sed 's/^/    > /' "$out" | tail -20
		finish
	fi
}

phases=" ${BPFNIC_OFFLOAD_PHASES:-corpus features} "
if [[ $phases == *" corpus "* ]]; then
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
	python3 -c 'import json,sys; j = json.load(open(sys.argv[1])); [print("map", m) for m in j["maps"]]; [print("events", m) for m in sorted({e["map"] for e in j["events"]})]' \
		"$exp/$name.json" >>"$plan"
	echo "go" >>"$plan"
	counts[$name]="$c1 $c2 $c3 $c4"
	names+=("$name")
	gets+=(--get "/tmp/out/$name.events:$got/$name.events"
	       --get "/tmp/out/$name.pass.pcap:$got/$name.pass.pcap"
	       --get "/tmp/out/$name.jit:$got/$name.jit")
done <"$manifest"
[ ${#names[@]} -gt 0 ] || { bad "offload: no programs in $manifest"; finish; }

# ---- one boot, every program ----------------------------------------------------------
boot "offload" "$tmp/out" "$tmp/err" --replay-dir "$rdir" --file "$plan:plan" "${gets[@]}" \
	-- 'offload-corpus.sh plan'
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
	# perf events: what bpftool map event_pipe read from the host's perf rings
	nev=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events_total"])' "$exp/$name.json")
	if [ "$nev" != 0 ]; then
		[ "$(bn "$name" events-sent)" = "$nev" ] &&
			ok "$name: the device sent $nev perf events (ethtool -S dev_events)" ||
			bad "$name: the device sent $(bn "$name" events-sent) perf events, want $nev"
		if python3 scripts/offload-events.py "$exp/$name.json" "$got/$name.events" >"$tmp/ev" 2>&1; then
			ok "$name: perf events from the device read by bpftool map event_pipe equal the host model's ($(tail -1 "$tmp/ev"))"
		else
			bad "$name: perf events: $(tr '\n' ' ' <"$tmp/ev" | head -c 400)"
		fi
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
[ "$w" = 0 ] && ok "guest kernel: no oops/BUG/WARNING during the corpus run" ||
	bad "guest kernel: $w oops/BUG/WARNING lines during the corpus run"
fi
[[ $phases == *" features "* ]] || finish

# ---- second boot: refusals, maps, xdp-loader, replace under traffic, speed -------------
fdir=$tmp/features
mkdir -p "$fdir"
REPLACE_N=3000 PPS_N=${BPFNIC_OFFLOAD_PPS_N:-20000}
$W gen "$fdir/replace.pcap" $REPLACE_N --seed 21 --min 60 --max 200
$W gen "$fdir/pps.pcap" "$PPS_N" --seed 22 --min 64 --max 64
echo $REPLACE_N >"$fdir/replace.n"
echo "$PPS_N" >"$fdir/pps.n"
boot "offload features" "$tmp/fout" "$tmp/ferr" --replay-dir "$fdir" \
	--file "$fdir/replace.n:replace.n" --file "$fdir/pps.n:pps.n" -- offload-features.sh
fv() { sed -n "s/^BN $1 //p" "$tmp/fout" | head -1; }

# Exact texts.  Programs the device refuses: the verifier log line names the
# instruction (the same reason `bpfnic prog jit` gives, bpf-tests/reject/
# expected.txt); map types the kernel never offloads fail at map creation,
# before the driver sees anything (kernel/bpf/offload.c: ARRAY and HASH only);
# global data's maps carry flags (BPF_F_MMAPABLE) the driver refuses at map
# creation (dmesg says which), so the program never reaches the verifier.
while IFS=$'\t' read -r name msg; do
	case $name in ''|'#'*) continue ;; esac
	case $name in
	percpu_map) want="libbpf: map 'cnt': failed to create: Invalid argument(-22)" ;;
	tail_call)  want="libbpf: map 'jmp_table': failed to create: Invalid argument(-22)" ;;
	global_data) want="libbpf: map 'global_d.data': failed to create: Invalid argument(-22)" ;;
	*)          want="[bpfnic] $msg" ;;
	esac
	got=$(fv "reject $name")
	[ "$got" = "$want" ] && ok "reject $name: \"$got\"" ||
		bad "reject $name: got \"$got\", want \"$want\""
done <bpf-tests/reject/expected.txt

exact() {	# KEY WANT LABEL
	local got
	got=$(fv "$1")
	[ "$got" = "$2" ] && ok "$3: \"$got\"" || bad "$3: got \"$got\", want \"$2\""
}
exact "extack unbound-on-hw" "Error: bpfnic: program is not bound to a device: load it for this device (ip ... xdpoffload, tc ... skip_sw, bpftool prog load ... dev)." \
	"xdpoffload of a program loaded without a device"
exact "extack xdpdrv" "Error: bpfnic: the device runs XDP in hardware only: use xdpoffload (XDP_FLAGS_HW_MODE)." \
	"xdpdrv (native XDP) refused"
exact "extack tc-not-da" "Error: bpfnic: only direct action with no legacy actions supported." \
	"tc skip_sw without da refused"
exact "extack tc-while-xdp" "Error: bpfnic: an XDP program is already offloaded: remove it first." \
	"tc skip_sw while an XDP program is offloaded"
exact "extack xdp-while-tc" "Error: bpfnic: a TC program is already offloaded: remove it first." \
	"xdpoffload while a TC program is offloaded"
exact "extack second-tc" "Error: bpfnic: the device runs one TC program at a time." \
	"a second tc skip_sw filter"
case $(fv "extack tc-offload-off") in
"rc=0 "*|*"now: hw-tc-offload: off"*) bad "ethtool -K hw-tc-offload off with a TC program offloaded: $(fv "extack tc-offload-off")" ;;
"rc=1 "*"now: hw-tc-offload: on"*) ok "ethtool -K hw-tc-offload off refused while a TC program is offloaded" ;;
*) bad "ethtool -K hw-tc-offload off: $(fv "extack tc-offload-off")" ;;
esac

# offloaded maps: the kernel's errnos, as bpftool prints them
exact "map create-hash" "rc=0" "bpftool map create ... dev: hash map in the device"
exact "map create-array" "rc=0" "bpftool map create ... dev: array map in the device"
exact "map create-percpu" "rc=255 Error: map create failed: Invalid argument" "percpu_hash cannot be offloaded"
case $(fv "map show-hash") in
*"offloaded_to $(sed -n 's/^BN iface //p' "$tmp/fout")"*) ok "bpftool map show: offloaded_to the interface" ;;
*) bad "bpftool map show: $(fv "map show-hash")" ;;
esac
exact "map update" "rc=0" "map update"
exact "map update-noexist" "rc=239 Error: update failed: File exists" "map update noexist on an existing key: EEXIST"
exact "map update-exist-missing" "rc=254 Error: update failed: No such file or directory" "map update exist on a missing key: ENOENT"
exact "map update-exist" "rc=0" "map update exist on an existing key"
exact "map update-full" "rc=249 Error: update failed: Argument list too long" "map update beyond max_entries: E2BIG"
exact "map lookup" "rc=0 key: 01 00 00 00  value: 09 09 09 09 09 09 09 09" "map lookup sees the update"
exact "map lookup-missing" "rc=254 key: 09 00 00 00  Not found" "map lookup of a missing key"
exact "map dump" "rc=0 key: 02 00 00 00  value: 08 07 06 05 04 03 02 01 key: 01 00 00 00  value: 09 09 09 09 09 09 09 09 Found 2 elements" \
	"map dump (getnext + lookup through the device)"
exact "map delete" "rc=0" "map delete"
exact "map delete-again" "rc=254 Error: delete failed: No such file or directory" "map delete of a deleted key: ENOENT"
exact "map dump-after-delete" "rc=0 key: 02 00 00 00  value: 08 07 06 05 04 03 02 01 Found 1 element" "map dump after delete"
exact "map array-update" "rc=0" "array map update"
exact "map array-out-of-range" "rc=249 Error: update failed: Argument list too long" "array map update out of range: E2BIG"
exact "map array-delete" "rc=234 Error: delete failed: Invalid argument" "array map delete: EINVAL"
exact "map array-dump" "rc=0 key: 00 00 00 00  value: 00 00 00 00 00 00 00 00 key: 01 00 00 00  value: 05 00 00 00 00 00 00 00 Found 2 elements" \
	"array map dump"

# xdp-tools
case $(fv "xdploader load") in
*"rc=0") ok "xdp-loader load -m hw" ;;
*) bad "xdp-loader load -m hw: $(fv "xdploader load")" ;;
esac
case $(fv "xdploader status") in
*drop_ethertype*" hw "*) ok "xdp-loader status: drop_ethertype in hw mode" ;;
*) bad "xdp-loader status: $(fv "xdploader status")" ;;
esac
case $(fv "xdploader iplink") in
'"xdp":{"mode":3,"prog":{'*'"name":"drop_ethertype"'*) ok "ip -j link: XDP mode 3 (hw) after xdp-loader" ;;
*) bad "ip -j link after xdp-loader: $(fv "xdploader iplink")" ;;
esac
case $(fv "xdploader unload") in
*"rc=0 after: 0") ok "xdp-loader unload --all" ;;
*) bad "xdp-loader unload: $(fv "xdploader unload")" ;;
esac

# replace while traffic flows: every frame got a verdict from one whole program
r=$(fv replace)
read -r loads lfail frames v faults < <(sed -E 's/loads=([0-9]+) failed=([0-9]+) frames=([0-9]+) of [0-9]+ verdicts=([0-9]+) faults=([0-9]+)/\1 \2 \3 \4 \5/' <<<"$r")
if [ "${frames:-0}" = "$REPLACE_N" ] && [ "${v:-x}" = "$REPLACE_N" ] && [ "${faults:-1}" = 0 ] &&
   [ "${lfail:-1}" = 0 ] && [ "${loads:-0}" -ge 4 ]; then
	ok "replace under traffic: $loads program swaps while $REPLACE_N frames flowed, each frame one verdict, no faults"
else
	bad "replace under traffic: $r"
fi

ms=$(fv load-ms)
[ -n "$ms" ] && ok "ip link set xdpoffload: $ms ms from the command to the program running in the device" ||
	bad "no load time"
read -r pn _ pms _ <<<"$(fv pps)"
if [ "${pn:-0}" = "$PPS_N" ] && [ "${pms:-0}" -gt 0 ]; then
	ok "offloaded program under load: $PPS_N frames in $pms ms = $((PPS_N * 1000 / pms)) frames/s through the VM path"
else
	bad "offloaded program under load: $(fv pps)"
fi
w=$(fv kernel-warnings)
[ "$w" = 0 ] && ok "guest kernel: no oops/BUG/WARNING during the feature run" ||
	bad "guest kernel: $w oops/BUG/WARNING lines during the feature run"
finish
