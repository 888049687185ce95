#!/bin/sh
# offload-suite.sh
# The kernel's tools/testing/selftests/bpf/test_offload.py (6.1), the cases
# that apply to a real offload device, against bpfnic in the guest (for
# scripts/check-offload-suite.sh: vm.sh --devices 2 --modprobe "sch_ingress
# cls_bpf").  Case numbers and names are the reference's (shared reference,
# section 7.2); one line per case:
#   ok #N NAME            FAIL #N NAME: why            skip #N NAME: reason
# then "N passed, N failed, N skipped".
#
# The device-control shim in place of netdevsim's:
#   create/remove   PCI remove (/sys/bus/pci/devices/X/remove) and rescan
#   debugfs         /sys/kernel/debug/bpfnic/<pci name>/ (driver/debugfs.c):
#                   bpf_bound_progs/<n>/{id,state,loaded}, bpf_offloaded_id,
#                   bpf_bind_verifier_accept, bpf_bind_verifier_delay,
#                   bpf_map_accept
#   extack          bpfnic's exact strings (driver/offload.c), compared with
#                   the first "Error:" line of stderr
#   samples         /vm/bpf-suite: sample_ret0 (XDP), sample_tc_shot (tc:
#                   direct action, TC_ACT_SHOT), sample_map_ret0
# Adapted for an NFP-like device: tc filters use `da`; native XDP is refused
# (the device runs XDP in hardware only), so xdpdrv cases run with generic
# XDP where the kernel logic is the same; unbound/cBPF programs are not
# offloaded (5, 6, 7 check that); one port per device.
# Byte lists ($(u32 1)) and $XOBJ-style arguments are split on purpose.
# shellcheck disable=SC2046,SC2086
S=/vm/bpf-suite
XOBJ="obj $S/sample_ret0.o sec xdp"
TOBJ="obj $S/sample_tc_shot.o sec tc"
MOBJ="obj $S/sample_map_ret0.o sec xdp"
E_UNBOUND="Error: bpfnic: program is not bound to a device: load it for this device (ip ... xdpoffload, tc ... skip_sw, bpftool prog load ... dev)."
E_OTHERDEV="Error: bpfnic: program bound to a different device."
VLOG="[bpfnic] refused by debugfs bpf_bind_verifier_accept"

pass=0 fail=0 skipn=0 N=0 NAME="" why="" note=""
begin() { N=$1 NAME=$2 why="" note=""; }
bad() { [ -n "$why" ] || why="$*"; }
end() {
	if [ -z "$why" ]; then echo "ok #$N $NAME${note:+ ($note)}"; pass=$((pass + 1))
	else echo "FAIL #$N $NAME: $why"; fail=$((fail + 1)); fi
}
skip() { echo "skip #$1 $2: $3"; skipn=$((skipn + 1)); }

# run CMD...: rc, $out (stdout), $err (stderr)
run() {
	"$@" >/tmp/run.out 2>/tmp/run.err
	rc=$?
	out=$(cat /tmp/run.out) err=$(cat /tmp/run.err)
	return $rc
}
must() { run "$@" || bad "'$*' failed (rc $rc): $(echo "$err" | grep -m1 "^Error" || echo "$err" | grep -m1 .)"; }
mustnt() { run "$@" && bad "'$*' succeeded"; }
# extack: the first "Error:" line of stderr is exactly $1
extack() {
	got=$(echo "$err" | grep -m1 '^Error:')
	[ "$got" = "$1" ] || bad "extack \"$got\", want \"$1\""
}
waitfor() {	# shell condition, ~5 s
	i=0
	while ! eval "$1"; do
		i=$((i + 1)); [ $i -ge 100 ] && return 1
		sleep 0.05
	done
}
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# ---- devices (the netdevsim shim) ----------------------------------------------
ifn() { ls "/sys/bus/pci/devices/$1/net" 2>/dev/null | head -1; }
dfs() { echo "/sys/kernel/debug/bpfnic/$1"; }
PCI_A=$(basename "$(readlink "/sys/class/net/$IFACE/device")")
PCI_B=""
for d in /sys/bus/pci/drivers/bpfnic/*:*; do
	[ -e "$d" ] && [ "${d##*/}" != "$PCI_A" ] && { PCI_B=${d##*/}; break; }
done
A=$IFACE B=$(ifn "$PCI_B")
DA=$(dfs "$PCI_A")
[ -d "$DA" ] || { echo "offload-suite: no $DA (driver built without CONFIG_DEBUG_FS?)"; exit 2; }
dev_remove() { echo 1 >"/sys/bus/pci/devices/$1/remove"; }
dev_create() {	# PCI: rescan until its netdev is back, hw-tc-offload on
	_p=$1
	echo 1 >/sys/bus/pci/rescan
	waitfor '[ -n "$(ifn "$_p")" ]' || bad "device $1 did not come back"
	A=$(ifn "$PCI_A") B=$(ifn "$PCI_B")
	ethtool -K "$(ifn "$1")" hw-tc-offload on
}
nbound() { ls "$DA/bpf_bound_progs" 2>/dev/null | wc -l; }
dfs_get() { cat "$DA/$1"; }
dfs_set() { echo "$2" >"$DA/$1"; }
# bound programs: "n id state loaded" per line
bound_list() {
	for d in "$DA"/bpf_bound_progs/*; do
		[ -d "$d" ] && echo "${d##*/} $(cat "$d/id") $(cat "$d/state") $(cat "$d/loaded")"
	done
}

# ---- bpftool / ip / tc views ---------------------------------------------------------
BASE_PROGS=$(bpftool prog show 2>/dev/null | grep -c '^[0-9]*: ')
BASE_MAPS=$(bpftool map show 2>/dev/null | grep -c '^[0-9]*: ')
nprogs() { echo $(($(bpftool prog show 2>/dev/null | grep -c '^[0-9]*: ') - BASE_PROGS)); }
nmaps() { echo $(($(bpftool map show 2>/dev/null | grep -c '^[0-9]*: ') - BASE_MAPS)); }
prog_ids() { bpftool prog show | sed -n 's/^\([0-9]*\): .*/\1/p'; }
prog_tag() { bpftool prog show id "$1" | sed -n 's/.* tag \([0-9a-f]*\).*/\1/p'; }
wait_progs() { _w=$1; waitfor '[ "$(nprogs)" = "$_w" ]' || bad "$(nprogs) programs, want $1"; }
wait_maps() { _w=$1; waitfor '[ "$(nmaps)" = "$_w" ]' || bad "$(nmaps) maps, want $1"; }
wait_flush() {	# BOUND TOTAL
	_b=$1 _t=$2
	waitfor '[ "$(nbound)" = "$_b" ] && [ "$(nprogs)" = "$_t" ]' ||
		bad "$(nbound) bound / $(nprogs) programs, want $1 / $2"
}
tc_filters() { tc -s filter show dev "$A" ingress | grep ' handle '; }
tc_flush() {	# [BOUND TOTAL]
	tc qdisc del dev "$A" ingress 2>/dev/null
	tc qdisc add dev "$A" ingress
	wait_flush "${1:-0}" "${2:-0}"
}
has_word() { echo " $1 " | grep -q " $2 "; }
# ip -j link: the "xdp" object of $A
xdp_json() { ip -j link show dev "$A" | grep -o '"xdp":{.*}]}'; }
xdp_mode() { echo "$1" | sed -n 's/^"xdp":{"mode":\([0-9]*\).*/\1/p'; }
xdp_base() { echo "$1" | sed -n 's/^"xdp":{"mode":[0-9]*,"prog":{"id":\([0-9]*\).*/\1/p'; }
xdp_attached() { echo "$1" | sed 's/.*"attached":\[//' | grep -o '"prog":{"id":[0-9]*' | sed 's/.*://'; }
pin_prog() {	# FILE IDX: pin the IDX-th listed program
	id=$(prog_ids | sed -n "$(($2 + 1))p")
	bpftool prog pin id "$id" "$1" || bad "cannot pin program $id"
}
ktc() { run tc filter add dev "$A" ingress "$@"; }


echo "offload-suite: device A $PCI_A ($A), device B ${PCI_B:-none} (${B:-none})"
[ -n "$PCI_B" ] || echo "offload-suite: no second bpfnic device (vm.sh --devices 2): multi-device cases fail"

# ---- 1..20: TC and device destruction ------------------------------------------------
begin 1 "destruction of generic XDP"
must ip link set dev "$A" xdpgeneric $XOBJ
dev_remove "$PCI_A"
wait_progs 0
dev_create "$PCI_A"
end
tc qdisc add dev "$A" ingress

begin 2 "TC non-offloaded"
must tc filter add dev "$A" ingress bpf $TOBJ da skip_hw
end

begin 3 "TC non-offloaded isn't getting bound"
must tc filter add dev "$A" ingress bpf $TOBJ da
[ "$(nbound)" = 0 ] || bad "$(nbound) programs bound"
tc_flush
end

ethtool -K "$A" hw-tc-offload off
begin 4 "TC offloads are off by default"
mustnt tc filter add dev "$A" ingress bpf $TOBJ da skip_sw
extack "Error: TC offload is disabled on net device."
wait_flush 0 0
end
ethtool -K "$A" hw-tc-offload on

# One filter, in software only: nothing bound to the device, no in_hw.
sw_only() {
	local f
	[ "$(nbound)" = 0 ] || bad "$(nbound) programs bound"
	f=$(tc_filters)
	[ "$(echo "$f" | grep -c .)" = 1 ] || bad "filters: $f"
	has_word "$f" in_hw && bad "$1 reported in_hw"
	tc_flush
}

begin 5 "TC offload by default (flipped: unbound programs stay in software)"
must tc filter add dev "$A" ingress bpf $TOBJ da
sw_only "an unbound program"
end

begin 6 "TC cBPF bytecode tries offload by default (flipped: stays in software)"
must tc filter add dev "$A" ingress bpf bytecode "1,6 0 0 4294967295,"
sw_only "cBPF bytecode"
end

begin 7 "TC cBPF unbound bytecode doesn't offload"
mustnt tc filter add dev "$A" ingress bpf bytecode "1,6 0 0 4294967295," da skip_sw
extack "$E_UNBOUND"
wait_flush 0 0
end

begin 8 "non-0 chain offload"
mustnt tc filter add dev "$A" ingress chain 1 prio 1 handle 1 bpf $TOBJ da skip_sw
extack "Error: Driver supports only offload of chain 0."
tc_flush
end

begin 9 "TC replace"
for fl in "" skip_sw skip_hw; do
	must tc filter add dev "$A" ingress prio 1 handle 1 bpf $TOBJ da $fl
	must tc filter replace dev "$A" ingress prio 1 handle 1 bpf $TOBJ da $fl
	must tc filter delete dev "$A" ingress prio 1 handle 1 bpf
done
end

begin 10 "TC replace bad flags"
for i in 1 2 3; do
	for j in 0 1 2; do
		fl=""; [ $j = 1 ] && fl=skip_sw; [ $j = 2 ] && fl=skip_hw
		run tc filter replace dev "$A" ingress prio 1 handle 1 bpf $TOBJ da $fl
		if [ $j = 0 ]; then [ $rc = 0 ] || bad "replace without flags failed, round $i"
		else [ $rc != 0 ] || bad "replace with $fl over other flags succeeded, round $i"; fi
	done
	must tc filter delete dev "$A" ingress prio 1 handle 1 bpf
done
end

spurious() {	# SKIP_HW(flag or "") NEEDLE
	for op in add replace; do
		run tc filter $op dev "$A" ingress prio 1 handle 1 bpf $TOBJ da $1
		case "$out$err" in *"$2"*|*Warning:*) bad "'$op $1' printed: $out$err" ;; esac
	done
	run tc filter delete dev "$A" ingress prio 1 handle 1 bpf
	case "$out$err" in *"$2"*|*Warning:*) bad "delete printed: $out$err" ;; esac
}
begin 11 "spurious extack"
spurious "" bpfnic
spurious skip_hw bpfnic
ethtool -K "$A" hw-tc-offload off
spurious "" "TC offload is disabled"
spurious skip_hw "TC offload is disabled"
ethtool -K "$A" hw-tc-offload on
tc_flush
end

begin 12 "TC offloads failure"
dfs_set bpf_bind_verifier_accept 0
mustnt tc filter add dev "$A" ingress bpf $TOBJ verbose da skip_sw
echo "$out
$err" | grep -qxF "$VLOG" || bad "verifier log has no line \"$VLOG\""
dfs_set bpf_bind_verifier_accept 1
end

begin 13 "TC offloads work"
must tc filter add dev "$A" ingress bpf $TOBJ verbose da skip_sw
end

begin 14 "TC offload basics"
wait_flush 1 1
f=$(tc_filters)
[ "$(echo "$f" | grep -c .)" = 1 ] || bad "filters: $f"
has_word "$f" skip_hw && bad "tc reports skip_hw on the offloaded filter"
has_word "$f" in_hw || bad "tc does not report in_hw"
has_word "$f" skip_sw || bad "tc does not report skip_sw"
end

begin 15 "TC offload is device-bound"
pid=$(prog_ids | head -1)
fid=$(echo "$f" | sed -n 's/.* id \([0-9]*\) .*/\1/p')
ftag=$(echo "$f" | sed -n 's/.* tag \([0-9a-f]*\).*/\1/p')
set -- $(bound_list)
[ -n "$fid" ] && [ -n "$ftag" ] || bad "tc shows no id/tag: $f"
[ "$pid" = "$fid" ] || bad "bpftool id $pid, tc id $fid"
note="id $fid tag $ftag"
[ "$(prog_tag "$pid")" = "$ftag" ] || bad "bpftool tag $(prog_tag "$pid"), tc tag $ftag"
[ "${2:-}" = "$fid" ] || bad "debugfs id ${2:-none}, tc id $fid"
[ "${3:-}" = xlated ] || bad "debugfs state ${3:-none}"
[ "${4:-}" = Y ] || bad "debugfs loaded ${4:-none}"
[ "$(dfs_get bpf_offloaded_id)" = "$fid" ] || bad "bpf_offloaded_id $(dfs_get bpf_offloaded_id)"
end

begin 16 "disabling TC offloads rejected while filters installed"
mustnt ethtool -K "$A" hw-tc-offload off
ethtool -K "$A" hw-tc-offload on
end

begin 17 "qdisc removal frees things"
tc_flush
[ -z "$(tc_filters)" ] || bad "filters left: $(tc_filters)"
end

begin 18 "disabling TC offloads OK without filters"
must ethtool -K "$A" hw-tc-offload off
ethtool -K "$A" hw-tc-offload on
end

begin 19 "destroying device gets rid of TC filters"
must tc filter add dev "$A" ingress bpf $TOBJ da skip_sw
dev_remove "$PCI_A"
wait_progs 0
dev_create "$PCI_A"
end

begin 20 "destroying device gets rid of XDP"
must ip link set dev "$A" xdpoffload $XOBJ
dev_remove "$PCI_A"
wait_progs 0
dev_create "$PCI_A"
end

# ---- 21..32: XDP ------------------------------------------------------------------------
begin 21 "XDP prog reporting (generic XDP: the device refuses native)"
must ip link set dev "$A" xdpgeneric $XOBJ
x=$(xdp_json)
[ "$(nprogs)" = 1 ] || bad "$(nprogs) programs"
[ "$(xdp_base "$x")" = "$(prog_ids | head -1)" ] || bad "ip link reports id $(xdp_base "$x"), bpftool $(prog_ids)"
end

begin 22 "XDP prog replace without force (generic XDP)"
mustnt ip link set dev "$A" xdpgeneric $XOBJ
wait_flush 0 1
end

begin 23 "XDP prog replace with force (generic XDP)"
must ip -force link set dev "$A" xdpgeneric $XOBJ
wait_progs 1
x=$(xdp_json)
[ "$(xdp_base "$x")" = "$(prog_ids | head -1)" ] || bad "ip link reports id $(xdp_base "$x"), bpftool $(prog_ids)"
bpftool -j prog show | grep -q '"dev":' && bad "device reported for a non-offloaded program"
end

begin 24 "XDP prog replace with bad flags (generic set, native asked)"
mustnt ip -force link set dev "$A" xdpdrv $XOBJ
extack "Error: Native and generic XDP can't be active at the same time."
end

skip 25 "MTU restrictions" "native-XDP MTU policy: the device refuses native XDP (no drv-mode MTU limit to test) and its max MTU is 3506 < 9000"
run ip link set dev "$A" xdpgeneric off
wait_flush 0 0

begin 26 "non-offload XDP attaching to HW"
must bpftool prog load $S/sample_ret0.o /sys/fs/bpf/nooffload type xdp
mustnt ip link set dev "$A" xdpoffload pinned /sys/fs/bpf/nooffload
extack "$E_UNBOUND"
rm -f /sys/fs/bpf/nooffload
end

begin 27 "offload XDP attaching to drv"
must bpftool prog load $S/sample_ret0.o /sys/fs/bpf/offload type xdp dev "$A"
mustnt ip link set dev "$A" xdpdrv pinned /sys/fs/bpf/offload
extack "Error: Using device-bound program without HW_MODE flag is not supported."
rm -f /sys/fs/bpf/offload
wait_flush 0 0
end

begin 28 "XDP load failure"
dfs_set bpf_bind_verifier_accept 0
mustnt bpftool prog load $S/sample_ret0.o /sys/fs/bpf/offload type xdp dev "$A"
echo "$out
$err" | grep -qxF "$VLOG" || bad "verifier log has no line \"$VLOG\""
dfs_set bpf_bind_verifier_accept 1
rm -f /sys/fs/bpf/offload
wait_flush 0 0
end

begin 29 "XDP offload"
must ip link set dev "$A" xdpoffload $XOBJ verbose
x=$(xdp_json)
pid=$(prog_ids | head -1)
[ "$(nprogs)" = 1 ] || bad "$(nprogs) programs"
[ "$(xdp_base "$x")" = "$pid" ] || bad "ip link reports id $(xdp_base "$x"), bpftool $pid"
end

begin 30 "XDP offload is device bound"
set -- $(bound_list)
[ "$(nbound)" = 1 ] || bad "$(nbound) bound programs"
ltag=$(echo "$x" | sed -n 's/^"xdp":{"mode":[0-9]*,"prog":{[^}]*"tag":"\([0-9a-f]*\)".*/\1/p')
[ -n "$ltag" ] || bad "ip link shows no tag: $x"
[ "$(prog_tag "$pid")" = "$ltag" ] || bad "bpftool tag $(prog_tag "$pid"), ip link tag $ltag"
note="id $pid tag $ltag"
[ "${2:-}" = "$pid" ] || bad "debugfs id ${2:-none}, want $pid"
[ "${3:-}" = xlated ] || bad "debugfs state ${3:-none}"
[ "${4:-}" = Y ] || bad "debugfs loaded ${4:-none}"
end

begin 31 "removing XDP program many times"
for m in xdpoffload xdpoffload xdpdrv xdpdrv xdp xdp; do
	must ip link set dev "$A" $m off
done
wait_progs 0
end

begin 32 "program for a wrong device"
if [ -z "$B" ]; then bad "no second device"; else
	must ip link set dev "$B" xdpoffload $XOBJ
	pin_prog /sys/fs/bpf/tmp 0
	mustnt ip link set dev "$A" xdpoffload pinned /sys/fs/bpf/tmp
	extack "$E_OTHERDEV"
	dev_remove "$PCI_B"
	mustnt ip link set dev "$A" xdpoffload pinned /sys/fs/bpf/tmp
	extack "$E_UNBOUND"
	rm -f /sys/fs/bpf/tmp
	wait_progs 0
	dev_create "$PCI_B"
fi
end

# ---- 33..47: several XDP programs at once -------------------------------------------------
skip 33 "multi-attachment XDP - default mode + offload" "the default mode is native (the driver has ndo_bpf) and the device refuses native XDP; the same kernel logic runs with generic XDP in 43-47"
skip 34 "multi-attachment XDP - replace (default mode)" "needs native XDP (see 33)"
skip 35 "multi-attachment XDP - remove without mode (default mode)" "needs native XDP (see 33)"
skip 36 "multi-attachment XDP - reattach (default mode)" "needs native XDP (see 33)"
skip 37 "multi-attachment XDP - device remove (default mode)" "needs native XDP (see 33)"
skip 38 "multi-attachment XDP - drv + offload" "needs native XDP (xdpdrv), which the device refuses; generic XDP in 43-47"
skip 39 "multi-attachment XDP - replace (drv)" "needs native XDP (see 38)"
skip 40 "multi-attachment XDP - remove without mode (drv)" "needs native XDP (see 38)"
skip 41 "multi-attachment XDP - reattach (drv)" "needs native XDP (see 38)"
skip 42 "multi-attachment XDP - device remove (drv)" "needs native XDP (see 38)"

multi_basic() {	# the xdp object of two programs
	[ "$(xdp_mode "$1")" = 4 ] || bad "mode $(xdp_mode "$1") with two programs, want 4"
	[ -z "$(xdp_base "$1")" ] || bad "base program reported in multi-program mode"
	set -- $(xdp_attached "$1")
	[ $# = 2 ] || bad "$# attached programs, want 2"
	[ "${1:-a}" != "${2:-a}" ] || bad "both attached programs have id ${1:-none}"
}
begin 43 "multi-attachment XDP - generic + offload"
must ip link set dev "$A" xdpoffload $XOBJ
x=$(xdp_json)
off1=$(dfs_get bpf_offloaded_id)
[ -n "$(xdp_base "$x")" ] || bad "base program not reported with one program"
[ "$(xdp_attached "$x" | grep -c .)" = 1 ] || bad "attached: $(xdp_attached "$x")"
[ "$off1" = "$(xdp_attached "$x")" ] || bad "bpf_offloaded_id $off1, ip link: $(xdp_attached "$x")"
must ip link set dev "$A" xdpgeneric $XOBJ
x2=$(xdp_json)
xdp_attached "$x2" | grep -qx "$(xdp_attached "$x")" || bad "offloaded program not reported after the generic one"
multi_basic "$x2"
[ "$(dfs_get bpf_offloaded_id)" = "$off1" ] || bad "bpf_offloaded_id changed: $off1 -> $(dfs_get bpf_offloaded_id)"
end

begin 44 "multi-attachment XDP - replace"
mustnt ip link set dev "$A" xdpoffload $XOBJ
extack "Error: XDP program already attached."
end

begin 45 "multi-attachment XDP - remove without mode"
mustnt ip -force link set dev "$A" xdp off
extack "Error: More than one program loaded, unset mode is ambiguous."
must ip link set dev "$A" xdpoffload off
x=$(xdp_json)
[ "$(xdp_mode "$x")" = 2 ] || bad "mode $(xdp_mode "$x") after unset, want 2"
[ -n "$(xdp_base "$x")" ] || bad "base program not reported after multi-program mode"
[ "$(xdp_attached "$x" | grep -c .)" = 1 ] || bad "attached: $(xdp_attached "$x")"
xdp_attached "$x2" | grep -qx "$(xdp_attached "$x")" || bad "the generic program changed"
[ "$(dfs_get bpf_offloaded_id)" = 0 ] || bad "bpf_offloaded_id $(dfs_get bpf_offloaded_id) with only the generic program"
end

begin 46 "multi-attachment XDP - reattach"
must ip link set dev "$A" xdpoffload $XOBJ
x2=$(xdp_json)
xdp_attached "$x2" | grep -qx "$(xdp_attached "$x")" || bad "generic program not reported after offload"
multi_basic "$x2"
end

begin 47 "multi-attachment XDP - device remove"
dev_remove "$PCI_A"
wait_progs 0
dev_create "$PCI_A"
end

# ---- 48..53: TC and XDP together, pinned programs, removal during verification ---------------
begin 48 "mixing TC and XDP"
tc qdisc add dev "$A" ingress
must ip link set dev "$A" xdpoffload $XOBJ
mustnt tc filter add dev "$A" ingress bpf $TOBJ da skip_sw
extack "Error: bpfnic: an XDP program is already offloaded: remove it first."
must ip link set dev "$A" xdpoffload off
wait_flush 0 0
must tc filter add dev "$A" ingress bpf $TOBJ da skip_sw
mustnt ip link set dev "$A" xdpoffload $XOBJ
extack "Error: bpfnic: a TC program is already offloaded: remove it first."
end

begin 49 "binding TC from pinned"
pin_prog /sys/fs/bpf/tmp 0
tc_flush 1 1
must tc filter add dev "$A" ingress bpf pinned /sys/fs/bpf/tmp da skip_sw
tc_flush 1 1
end

begin 50 "binding XDP from pinned"
must ip link set dev "$A" xdpoffload $XOBJ
pin_prog /sys/fs/bpf/tmp2 1
must ip -force link set dev "$A" xdpoffload pinned /sys/fs/bpf/tmp2
must ip link set dev "$A" xdpoffload off
must ip -force link set dev "$A" xdpoffload pinned /sys/fs/bpf/tmp2
must ip link set dev "$A" xdpoffload off
end

begin 51 "offload of wrong type"
mustnt tc filter add dev "$A" ingress bpf pinned /sys/fs/bpf/tmp2 da skip_sw
end

begin 52 "TC offload of two filters"
must tc filter add dev "$A" ingress bpf $TOBJ da skip_sw
mustnt tc filter add dev "$A" ingress bpf $TOBJ da skip_sw
extack "Error: bpfnic: the device runs one TC program at a time."
tc_flush 2 2
end

begin 53 "netdev removal waits for translation"
dfs_set bpf_bind_verifier_delay 500
t0=$(now_ms)
tc filter add dev "$A" ingress bpf $TOBJ da skip_sw >/tmp/tc53.out 2>&1 &
tcpid=$!
waitfor '[ "$(nbound)" -gt 2 ]' || bad "the verifier did not start"
dev_remove "$PCI_A"
t1=$(now_ms)
wait $tcpid && bad "tc loaded a filter on a device being removed"
[ $((t1 - t0)) -ge 500 ] || bad "removal took $((t1 - t0)) ms, want >= 500"
note="removal took $((t1 - t0)) ms"
rm -f /sys/fs/bpf/tmp /sys/fs/bpf/tmp2
wait_progs 0
dev_create "$PCI_A"
end

# ---- 54..59: maps, bound info -------------------------------------------------------------------
begin 54 "loading program with maps"
must ip link set dev "$A" xdpoffload $MOBJ
end

devinfo() {	# OTHER_NS(0|1) [NETNS]: bpftool's "dev" of the program and both maps
	ns=""; [ -n "${2:-}" ] && ns="ip netns exec $2"
	pj=$($ns bpftool -j prog show)
	[ "$(echo "$pj" | grep -o '"id":[0-9]*,"type"' | grep -c .)" = $((1 + BASE_PROGS)) ] || bad "programs: $pj"
	pdev=$(echo "$pj" | grep -o '"dev":{[^}]*}' | head -1)
	for k in ifindex ns_dev ns_inode; do
		echo "$pdev" | grep -q "\"$k\":" || bad "prog dev has no $k: $pdev"
	done
	if [ "$1" = 0 ]; then
		echo "$pdev" | grep -q "\"ifname\":\"$A\"" || bad "prog dev ifname is not $A: $pdev"
	else
		echo "$pdev" | grep -q '"ifname"' && bad "ifname reported from another netns: $pdev"
	fi
	mdevs=$($ns bpftool -j map show | grep -o '"dev":{[^}]*}')
	[ "$(echo "$mdevs" | grep -c .)" = 2 ] || bad "maps with a device: $mdevs"
	for m in $mdevs; do [ "$m" = "$pdev" ] || bad "map dev $m differs from prog dev $pdev"; done
}
begin 55 "bound info (own ns)"
devinfo 0
end

NS=bnsuite
begin 56 "bound info (other ns)"
must ip netns add $NS
must ip link set dev "$A" netns $NS
devinfo 1
end

begin 57 "bound info (remote ns)"
devinfo 0 $NS
end

begin 58 "bound info (back to own ns)"
must ip netns exec $NS ip link set dev "$A" netns 1
devinfo 0
end

begin 59 "bound info (removed dev)"
pin_prog /sys/fs/bpf/tmp_prog 0
mid=$(bpftool map show | sed -n 's/^\([0-9]*\): .*/\1/p' | tail -1)
bpftool map pin id "$mid" /sys/fs/bpf/tmp_map || bad "cannot pin map $mid"
dev_remove "$PCI_A"
# 6.1.192 keeps an orphaned pinned program in the id table (reference 1.9):
# bpftool prog show stops at it; the map's id is gone
wait_maps 0
run bpftool prog show pinned /sys/fs/bpf/tmp_prog && bad "prog show of a removed device's program succeeded"
case $err in *"No such device"*) ;; *) bad "prog show: $err, want ENODEV" ;; esac
run bpftool map show pinned /sys/fs/bpf/tmp_map && bad "map show of a removed device's map succeeded"
case $err in *"No such device"*) ;; *) bad "map show: $err, want ENODEV" ;; esac
rm -f /sys/fs/bpf/tmp_prog /sys/fs/bpf/tmp_map
wait_progs 0
ip netns del $NS
dev_create "$PCI_A"
end

# ---- 60..68: offloaded maps through bpftool ---------------------------------------------------------
u32() { echo "$1 0 0 0"; }
u64() { echo "$1 0 0 0 0 0 0 0"; }
begin 60 "map update (no flags)"
must ip link set dev "$A" xdpoffload $MOBJ
HTAB=$(bpftool map show | sed -n 's/^\([0-9]*\): hash .*/\1/p' | head -1)
ARR=$(bpftool map show | sed -n 's/^\([0-9]*\): array .*/\1/p' | head -1)
[ -n "$HTAB" ] && [ -n "$ARR" ] || bad "maps: $(bpftool map show)"
for m in $HTAB $ARR; do
	for i in 0 1; do
		must bpftool map update id "$m" key $(u32 $i) value $(u64 $((i * 3)))
	done
done
for m in $HTAB $ARR; do
	mustnt bpftool map update id "$m" key $(u32 3) value $(u64 9)
done
end

begin 61 "map update (exists)"
for m in $HTAB $ARR; do
	for i in 0 1; do
		must bpftool map update id "$m" key $(u32 $i) value $(u64 $((i * 3))) exist
	done
done
# a missing key: ENOENT for the hash; the ARRAY's key 3 is out of range,
# E2BIG as for a host array (netdevsim answers ENOENT)
mustnt bpftool map update id "$HTAB" key $(u32 3) value $(u64 9) exist
case $err in *"No such file or directory"*) ;; *) bad "hash: $err, want ENOENT" ;; esac
mustnt bpftool map update id "$ARR" key $(u32 3) value $(u64 9) exist
case $err in *"Argument list too long"*) ;; *) bad "array: $err, want E2BIG" ;; esac
end

begin 62 "map update (noexist)"
for m in $HTAB $ARR; do
	for i in 0 1; do
		mustnt bpftool map update id "$m" key $(u32 $i) value $(u64 $((i * 3))) noexist
		case $err in *"File exists"*) ;; *) bad "map $m key $i: $err, want EEXIST" ;; esac
	done
done
end

begin 63 "map dump"
# entries in the device's order (the hash's is not by key, as netdevsim's is)
want="key: 00 00 00 00  value: 00 00 00 00 00 00 00 00
key: 01 00 00 00  value: 03 00 00 00 00 00 00 00"
for m in $HTAB $ARR; do
	got=$(bpftool map dump id "$m" | grep '^key:' | sort)
	[ "$got" = "$want" ] || bad "map $m: $got"
done
end

nextkey() { echo "$1" | sed -n 's/.*"next_key":\["0x\([0-9a-f]*\)".*/\1/p'; }
begin 64 "map getnext"
must bpftool -j map getnext id "$ARR"
[ "$(nextkey "$out")" = 00 ] || bad "array: first key $(nextkey "$out"), want 00"
must bpftool -j map getnext id "$ARR" key $(u32 0)
[ "$(nextkey "$out")" = 01 ] || bad "array: after 0: $(nextkey "$out"), want 01"
mustnt bpftool map getnext id "$ARR" key $(u32 1)
case $err in *"No such file or directory"*) ;; *) bad "array past the end: $err" ;; esac
# the hash in the device's order: first, next, then ENOENT, both keys seen
must bpftool -j map getnext id "$HTAB"
k1=$(nextkey "$out")
must bpftool -j map getnext id "$HTAB" key $(u32 $((0x${k1:-0})))
k2=$(nextkey "$out")
[ "$(printf '%s\n' "$k1" "$k2" | sort | tr '\n' ' ')" = "00 01 " ] || bad "hash keys $k1 $k2"
mustnt bpftool map getnext id "$HTAB" key $(u32 $((0x${k2:-0})))
case $err in *"No such file or directory"*) ;; *) bad "hash past the end: $err" ;; esac
end

begin 65 "map delete (htab)"
for i in 0 1; do must bpftool map delete id "$HTAB" key $(u32 $i); done
end

begin 66 "map delete (array)"
# upstream's case deletes from the hash again (ENOENT); an array delete is EINVAL
for i in 0 1; do
	mustnt bpftool map delete id "$HTAB" key $(u32 $i)
	case $err in *"No such file or directory"*) ;; *) bad "hash: $err, want ENOENT" ;; esac
	mustnt bpftool map delete id "$ARR" key $(u32 $i)
	case $err in *"Invalid argument"*) ;; *) bad "array: $err, want EINVAL" ;; esac
done
end

begin 67 "map remove"
must ip link set dev "$A" xdpoffload off
wait_maps 0
dev_remove "$PCI_A"
dev_create "$PCI_A"
must ip link set dev "$A" xdpoffload $MOBJ
dev_remove "$PCI_A"
wait_maps 0
dev_create "$PCI_A"
end

begin 68 "map creation fail path"
dfs_set bpf_map_accept N
mustnt ip link set dev "$A" xdpoffload $MOBJ
dev_remove "$PCI_A"
dev_create "$PCI_A"
[ "$(dfs_get bpf_map_accept)" = Y ] || bad "bpf_map_accept not back to Y on a new device"
wait_progs 0
end

# ---- 69..75: several devices ------------------------------------------------------------------
# bpfnic has one port per PCI function and one bpf_offload_dev per port:
# "ASIC A" is device A, "ASIC B" device B, each with one port.
skip 69 "multi-dev ASIC program reuse" "one port per device: no second port on the same bpf_offload_dev to reuse a program on (A and B each run their own below)"
if [ -n "$B" ]; then
	# libbpf retries the maps without BTF (offloaded maps take none): quiet
	bpftool prog load $S/sample_map_ret0.o /sys/fs/bpf/nsimA type xdp dev "$A" 2>/dev/null
	bpftool prog load $S/sample_map_ret0.o /sys/fs/bpf/nsimB type xdp dev "$B" 2>/dev/null
	ip link set dev "$A" xdpoffload pinned /sys/fs/bpf/nsimA
	ip link set dev "$B" xdpoffload pinned /sys/fs/bpf/nsimB
fi

begin 70 "cross-dev replace"
mustnt ip -force link set dev "$A" xdpoffload pinned /sys/fs/bpf/nsimB
mustnt ip -force link set dev "$B" xdpoffload pinned /sys/fs/bpf/nsimA
end

begin 71 "cross-dev install"
must ip link set dev "$A" xdpoffload off
must ip link set dev "$B" xdpoffload off
mustnt ip -force link set dev "$A" xdpoffload pinned /sys/fs/bpf/nsimB
extack "$E_OTHERDEV"
mustnt ip -force link set dev "$B" xdpoffload pinned /sys/fs/bpf/nsimA
extack "$E_OTHERDEV"
end

begin 72 "cross-dev map reuse"
map0() { bpftool -j prog show pinned "$1" | sed -n 's/.*"map_ids":\[\([0-9]*\).*/\1/p'; }
mapA=$(map0 /sys/fs/bpf/nsimA) mapB=$(map0 /sys/fs/bpf/nsimB)
# same device (netdevsim: another port of the same ASIC)
must bpftool prog load $S/sample_map_ret0.o /sys/fs/bpf/nsimB_ type xdp dev "$B" map idx 0 id "$mapB"
rm -f /sys/fs/bpf/nsimB_
mustnt bpftool prog load $S/sample_map_ret0.o /sys/fs/bpf/nsimA_ type xdp dev "$A" map idx 0 id "$mapB"
echo "$err" | grep -q "offload device mismatch between prog and map" || bad "A with B's map: no mismatch message"
mustnt bpftool prog load $S/sample_map_ret0.o /sys/fs/bpf/nsimB_ type xdp dev "$B" map idx 0 id "$mapA"
echo "$err" | grep -q "offload device mismatch between prog and map" || bad "B with A's map: no mismatch message"
rm -f /sys/fs/bpf/nsimA_ /sys/fs/bpf/nsimB_
end

begin 73 "cross-dev destruction"
wait_progs 2
dev_remove "$PCI_A"
# progA is orphaned and pinned: 6.1.192 keeps it in the id table (ENODEV
# for its info) instead of hiding it; progB is untouched
run bpftool prog show pinned /sys/fs/bpf/nsimA
case $err in *"No such device"*) ;; *) bad "orphaned progA: rc $rc $err" ;; esac
ifb=$(bpftool -j prog show pinned /sys/fs/bpf/nsimB | sed -n 's/.*"ifname":"\([^"]*\)".*/\1/p')
[ "$ifb" = "$B" ] || bad "progB reports ifname '$ifb', want $B"
rm -f /sys/fs/bpf/nsimA
wait_progs 1
end

skip 74 "cross-dev destruction - move" "one port per device: no other port of the same bpf_offload_dev for programs to move to"

begin 75 "cross-dev destruction - orphaned"
dev_remove "$PCI_B"
run bpftool -j prog show pinned /sys/fs/bpf/nsimB && bad "got information about an orphaned program"
[ "$(echo "$out" | sed -n 's/.*"error":"\([^"]*\)".*/\1/p')" = "can't get prog info: No such device" ] ||
	bad "error: $out"
rm -f /sys/fs/bpf/nsimB
wait_progs 0
dev_create "$PCI_A"
dev_create "$PCI_B"
end

echo "offload-suite: kernel warnings $(dmesg | grep -cE 'Oops|BUG:|WARNING: CPU|Call Trace|general protection fault')"
echo "$pass passed, $fail failed, $skipn skipped"
