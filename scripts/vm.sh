#!/usr/bin/env bash
# Boot the bpfnic test guest under QEMU (TCG), run one command in it with
# bpfnic.ko loaded and the interface up, replay a pcap into the wire while it
# runs, capture what the NIC sends, print the command's output, exit with its
# status.
#
#   scripts/vm.sh [options] -- COMMAND...
#
# COMMAND: one argument is shell text (vm.sh -- 'ip link; ethtool -S $IFACE');
# several are one command with those arguments (vm.sh -- ethtool -i eth0).
# In the guest: $IFACE is the interface under test; the command runs in
# /vm/files (the --file copies); PATH has /vm/tests (bpf-tests/vm/*.sh) and
# /vm/bin; /vm/bpf has build/bpf/*.o, /vm/bpf-reject build/bpf-reject/*.o,
# /vm/bpf-suite build/bpf-suite/*.o, /vm/pcap build/pcap/*.pcap; bpffs is at
# /sys/fs/bpf, debugfs at /sys/kernel/debug.
#
# Options:
#   --file HOST:GUEST    copy a host file in (GUEST relative to /vm/files)
#   --get GUEST:HOST     copy a guest file out after the command (base64 on
#                        the console; fine up to a few MB)
#   --pcap-in F          replay F into the wire (one UDP datagram per frame)
#                        once the guest is ready, while the command runs
#   --rate PPS           pace the replay (default: as fast as the host sends)
#   --repeat N           replay the pcap N times
#   --pcap-out F         capture every frame the NIC sends into F
#   --replay-dir D       segments: each `bn-replay.sh NAME N` in the guest
#                        (or console line "@@BN:REPLAY NAME [PPS]") sends
#                        D/NAME.pcap into the wire, waits until the NIC took
#                        its N frames, and what the NIC sends meanwhile is
#                        captured into D/NAME.out.pcap
#   --self-ready         the command calls `vm-ready` itself when it is ready
#                        to receive (e.g. after starting tcpdump); otherwise
#                        the guest is ready as soon as the link is up
#   --islands N --fpcs N --threads N --mhz N   bpfnic device parameters
#   --device-opt K=V     any other bpfnic device property
#   --devices N          N bpfnic devices (default 1), each with the device
#                        options; the first one is on the wire ($IFACE), the
#                        others have no netdev backend (what they send is
#                        dropped, nothing arrives): for multi-device tests
#   --nic MODEL          a stock QEMU NIC (e1000, virtio-net-pci) instead of
#                        bpfnic: harness development; bpfnic.ko not loaded
#                        unless --module is given
#   --module PATH        the module (default build/kmod/bpfnic.ko)
#   --modparams "A=B"    module parameters
#   --no-module          do not load bpfnic.ko
#   --modprobe "M..."    guest kernel modules to load first (sch_ingress, ...)
#   --timeout S          global timeout (default 600; exit 124)
#   --mem SIZE --smp N   guest memory (512M) and CPUs (1)
#   --qemu PATH          QEMU binary (default: $BPFNIC_QEMU, then
#                        ${BPFNIC_CACHE:-~/.cache/bpfnic}/qemu-system-x86_64
#                        from scripts/build-qemu.sh; with --nic, Debian's
#                        qemu-system-x86_64 when installed)
#   --append ARGS        extra kernel command line
#   --seabios            boot the bzImage through SeaBIOS instead of the
#                        PVH vmlinux through qboot (slower; for comparison)
#   --console-log F      keep the full guest console log in F
#   -v, --verbose        also show the full console log on stderr
#
# Exit: COMMAND's status; 124 timeout; 125 module load failed; 126 guest
# crashed (panic, no exit status); 2 usage or harness error.
# stderr: "vm: boot-to-ready ..." timing and wire statistics.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${BPFNIC_CACHE:-$HOME/.cache/bpfnic}

die() { echo "vm: error: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

files=() gets=() pcap_in="" pcap_out="" replay_dir="" rate=0 repeat=1 self_ready=0
dev_opts=() ndevs=1 nic=bpfnic module="" module_set=0 no_module=0 modparams="" modprobe=""
timeout=600 mem=512M smp=1 qemu=${BPFNIC_QEMU:-} append="" console_keep="" verbose=0 seabios=0
while [ $# -gt 0 ]; do
	case $1 in
	--file) files+=("$2"); shift 2 ;;
	--get) gets+=("$2"); shift 2 ;;
	--pcap-in) pcap_in=$2; shift 2 ;;
	--pcap-out) pcap_out=$2; shift 2 ;;
	--replay-dir) replay_dir=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--self-ready) self_ready=1; shift ;;
	--islands|--fpcs|--threads|--mhz) dev_opts+=("${1#--}=$2"); shift 2 ;;
	--device-opt) dev_opts+=("$2"); shift 2 ;;
	--devices) ndevs=$2; shift 2 ;;
	--nic) nic=$2; shift 2 ;;
	--module) module=$2; module_set=1; shift 2 ;;
	--modparams) modparams=$2; shift 2 ;;
	--no-module) no_module=1; shift ;;
	--modprobe) modprobe=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--qemu) qemu=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--seabios) seabios=1; shift ;;
	--console-log) console_keep=$2; shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) echo "vm: unknown option $1" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || { echo "vm: no COMMAND (after --)" >&2; usage; }
[[ $ndevs =~ ^[1-8]$ ]] || die "--devices $ndevs: 1 to 8"

# ---- QEMU -----------------------------------------------------------------------
has_bpfnic() { "$1" -device help 2>/dev/null | grep -q '"bpfnic"'; }
if [ -z "$qemu" ]; then
	# a stock NIC: Debian's QEMU if installed (stable while ours rebuilds)
	if [ "$nic" != bpfnic ] && command -v qemu-system-x86_64 >/dev/null; then
		qemu=$(command -v qemu-system-x86_64)
	elif [ -x "$cache/qemu-system-x86_64" ]; then
		qemu=$cache/qemu-system-x86_64
	else
		die "no QEMU with the bpfnic device at $cache/qemu-system-x86_64: run scripts/build-qemu.sh (or pass --qemu PATH; --nic e1000 uses a stock qemu-system-x86_64)"
	fi
fi
[ -x "$qemu" ] || die "QEMU binary $qemu is missing or not executable: run scripts/build-qemu.sh"
if [ "$nic" = bpfnic ]; then
	has_bpfnic "$qemu" || die "$qemu has no bpfnic device: run scripts/build-qemu.sh"
	driver=bpfnic
	devarg="bpfnic,netdev=n0"
	for o in ${dev_opts[@]+"${dev_opts[@]}"}; do devarg+=",$o"; done
	extra_devs=()
	for ((d = 1; d < ndevs; d++)); do
		extra_devs+=(-device "bpfnic${devarg#bpfnic,netdev=n0}")
	done
	[ "$module_set" = 1 ] || module=$repo/build/kmod/bpfnic.ko
	if [ "$no_module" = 0 ] && [ ! -f "$module" ]; then
		die "$module not built: run make kmod (or scripts/kbuild.sh), or pass --no-module"
	fi
else
	case $nic in
	e1000|e1000-82544gc|e1000-82545em) driver=e1000; modprobe="e1000 $modprobe" ;;
	virtio-net-pci|virtio-net) driver=virtio_net; nic=virtio-net-pci; modprobe="virtio_pci virtio_net $modprobe" ;;
	*) driver=""; ;;
	esac
	devarg="$nic,netdev=n0,mac=52:54:00:12:34:56,romfile="
	[ ${#dev_opts[@]} -eq 0 ] || echo "vm: note: --islands/--fpcs/... ignored with --nic $nic" >&2
	[ "$ndevs" = 1 ] || die "--devices is for bpfnic devices, not --nic $nic"
	extra_devs=()
	if [ "$module_set" = 1 ] && [ "$no_module" = 0 ] && [ ! -f "$module" ]; then
		die "$module does not exist"
	fi
fi
if [ "$no_module" = 1 ]; then module=""; [ "$nic" = bpfnic ] && driver=""; fi
if [ -n "$pcap_in" ]; then
	[ -f "$pcap_in" ] || die "--pcap-in $pcap_in: no such file"
fi
for t in python3 cpio gzip; do command -v $t >/dev/null || die "$t is missing (apt-get install $t)"; done

# ---- guest image ------------------------------------------------------------------
eval "$("$here/build-guest.sh" --quiet | grep -E '^(KERNEL|VMLINUX|INITRD|KVER)=')" ||
	die "scripts/build-guest.sh failed"
[ -f "${KERNEL:-}" ] && [ -f "${INITRD:-}" ] || die "scripts/build-guest.sh produced no kernel/initrd"
if [ -n "$module" ] && command -v modinfo >/dev/null; then
	mv_ver=$(modinfo -F vermagic "$module" 2>/dev/null | awk '{print $1}')
	[ -z "$mv_ver" ] || [ "$mv_ver" = "$KVER" ] ||
		die "$module is built for $mv_ver but the guest kernel is $KVER (rebuild with make kmod)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpfnic-vm.XXXXXX")
qpid="" wpid=""
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && { sleep 0.2; kill -9 "$qpid" 2>/dev/null; }
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$wpid" ] && wait "$wpid" 2>/dev/null
	if [ -n "$console_keep" ] && [ -f "$tmp/console.log" ]; then cp "$tmp/console.log" "$console_keep"; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "vm: interrupted" >&2; exit 130' INT TERM HUP

# ---- the per-run overlay: module, tests, objects, files, command -------------------
ov=$tmp/overlay
mkdir -p "$ov/vm/files" "$ov/vm/tests" "$ov/vm/bin" "$ov/vm/bpf" "$ov/vm/pcap"
[ -n "$module" ] && cp "$module" "$ov/vm/bpfnic.ko"
for f in "$repo"/bpf-tests/vm/*.sh; do [ -f "$f" ] && cp "$f" "$ov/vm/tests/"; done
chmod +x "$ov"/vm/tests/* 2>/dev/null
for f in "$repo"/build/bpf/*.o; do [ -f "$f" ] && cp "$f" "$ov/vm/bpf/"; done
mkdir -p "$ov/vm/bpf-reject"
for f in "$repo"/build/bpf-reject/*.o; do [ -f "$f" ] && cp "$f" "$ov/vm/bpf-reject/"; done
mkdir -p "$ov/vm/bpf-suite"
for f in "$repo"/build/bpf-suite/*.o; do [ -f "$f" ] && cp "$f" "$ov/vm/bpf-suite/"; done
for f in "$repo"/build/pcap/*.pcap; do [ -f "$f" ] && cp "$f" "$ov/vm/pcap/"; done
for spec in ${files[@]+"${files[@]}"}; do
	h=${spec%%:*} g=${spec#*:}
	[ "$spec" != "$h" ] || g=$(basename "$h")
	[ -f "$h" ] || die "--file $h: no such file"
	case $g in
	/tmp/*|/proc/*|/sys/*|/dev/*|/run/*) die "--file $spec: $g is hidden by a mount in the guest; use a path under /vm/files (relative)" ;;
	/*) dst=$ov$g ;;
	*) dst=$ov/vm/files/$g ;;
	esac
	mkdir -p "$(dirname "$dst")"
	cp "$h" "$dst"
done
get_guest=""
for spec in ${gets[@]+"${gets[@]}"}; do
	g=${spec%%:*}
	case $g in /*) ;; *) g=/vm/files/$g ;; esac
	get_guest+="$g "
done
# the command
if [ $# -eq 1 ]; then
	printf '%s\n' "$1" >"$ov/vm/cmd"
else
	q=""
	for a in "$@"; do q+="'${a//\'/\'\\\'\'}' "; done
	printf '%s\n' "$q" >"$ov/vm/cmd"
fi
{
	echo "BN_DRIVER='$driver'"
	echo "BN_MODULE='${module:+/vm/bpfnic.ko}'"
	echo "BN_MODPARAMS='$modparams'"
	echo "BN_MODULES='$modprobe'"
	echo "BN_SELF_READY=$self_ready"
	echo "BN_GETS='$get_guest'"
} >"$ov/vm/config"
(cd "$ov" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$tmp/overlay.cpio"
cat "$INITRD" "$tmp/overlay.cpio" >"$tmp/initrd.cpio"

# ---- the wire + QEMU ------------------------------------------------------------------
# wire.py binds the host end and picks a free port for QEMU's end; if another
# process takes that port before QEMU binds it, start over (3 tries).
start_vm() {
	: >"$tmp/console.log"
	rm -f "$tmp/ports" "$tmp/wire.stats"
	local wargs=(run --ports-file "$tmp/ports" --console "$tmp/console.log" --stats "$tmp/wire.stats"
	       --rate "$rate" --repeat "$repeat")
	[ -n "$pcap_in" ] && wargs+=(--pcap-in "$pcap_in")
	[ -n "$pcap_out" ] && wargs+=(--pcap-out "$pcap_out")
	[ -n "$replay_dir" ] && wargs+=(--replay-dir "$replay_dir")
	python3 "$here/wire.py" "${wargs[@]}" 2>"$tmp/wire.err" &
	wpid=$!
	for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; kill -0 $wpid 2>/dev/null || break; sleep 0.05; done
	[ -s "$tmp/ports" ] || { cat "$tmp/wire.err" >&2; die "wire.py did not start"; }
	read -r qport hport <"$tmp/ports"
	# Fast path: qboot + the PVH vmlinux (~4 s to init); --seabios: the
	# bzImage through SeaBIOS (~15 s: xz decompression and EDD under TCG).
	qargs=(-accel tcg -nodefaults -nographic -no-reboot -m "$mem" -smp "$smp"
	       -L /usr/share/qemu -L /usr/share/seabios)
	if [ "$seabios" = 0 ] && [ -f /usr/share/qemu/qboot.rom ] && [ -f "${VMLINUX:-}" ]; then
		qargs+=(-bios /usr/share/qemu/qboot.rom -kernel "$VMLINUX")
	else
		qargs+=(-kernel "$KERNEL")
	fi
	qargs+=(-initrd "$tmp/initrd.cpio"
	       -append "console=ttyS0 panic=-1 quiet loglevel=1 cryptomgr.notests $append"
	       -serial "file:$tmp/console.log" -monitor none
	       -netdev "dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=$qport,remote.type=inet,remote.host=127.0.0.1,remote.port=$hport"
	       -device "$devarg" ${extra_devs[@]+"${extra_devs[@]}"})
	[ "$verbose" = 1 ] && echo "vm: $qemu ${qargs[*]}" >&2
	t0=$(date +%s.%N)
	"$qemu" "${qargs[@]}" </dev/null >"$tmp/qemu.out" 2>&1 &
	qpid=$!
}
stop_wire() { [ -n "$wpid" ] && { kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; }; wpid=""; }
for try in 1 2 3; do
	start_vm
	sleep 0.5
	if ! kill -0 "$qpid" 2>/dev/null && grep -qi 'address already in use' "$tmp/qemu.out"; then
		wait "$qpid" 2>/dev/null; qpid=""; stop_wire
		echo "vm: UDP port $qport was taken, retrying" >&2
		continue
	fi
	break
done
status=""
done_at=""
while kill -0 "$qpid" 2>/dev/null; do
	now=$(date +%s.%N)
	if awk -v a="$now" -v b="$t0" -v t="$timeout" 'BEGIN{exit !(a-b>t)}'; then
		status=timeout; break
	fi
	if [ -z "$done_at" ] && grep -q '@@BN:DONE' "$tmp/console.log" 2>/dev/null; then
		done_at=$now
	fi
	# powered off but QEMU still up: give it 10 s
	if [ -n "$done_at" ] && awk -v a="$now" -v b="$done_at" 'BEGIN{exit !(a-b>10)}'; then
		break
	fi
	sleep 0.2
done
t1=$(date +%s.%N)
if kill -0 "$qpid" 2>/dev/null; then kill "$qpid" 2>/dev/null; sleep 0.3; kill -9 "$qpid" 2>/dev/null; fi
wait "$qpid" 2>/dev/null; qrc=$?
qpid=""
stop_wire

# ---- results --------------------------------------------------------------------------------
[ "$verbose" = 1 ] && { echo "vm: ---- guest console ----" >&2; tr -d '\r' <"$tmp/console.log" >&2; echo "vm: ----" >&2; }
mkdir -p "$tmp/gets"
python3 "$here/wire.py" console "$tmp/console.log" --get-dir "$tmp/gets" 2>"$tmp/console.err"
grep -v '^STATUS ' "$tmp/console.err" >&2
st=$(grep '^STATUS ' "$tmp/console.err" | tail -1)
field() { sed -nE "s/.* $1=([^ ]*).*/\1/p" <<<" ${st#STATUS }"; }
for spec in ${gets[@]+"${gets[@]}"}; do
	g=${spec%%:*} h=${spec#*:}
	case $g in /*) ;; *) g=/vm/files/$g ;; esac
	src=$tmp/gets/$(sed 's|^/*||; s|/|__|g' <<<"$g")
	if [ -f "$src" ]; then cp "$src" "$h"; else echo "vm: --get $g: not copied out" >&2; fi
done
ready=$(field ready) booted=$(field booted) exitst=$(field exit)
ws=$(cat "$tmp/wire.stats" 2>/dev/null)
wfield() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<<"$ws"; }
ready_at=$(wfield ready_at)
if [ -n "$ready_at" ] && [ "$ready_at" != None ]; then
	echo "vm: boot-to-ready $(awk -v a="$ready_at" -v b="$t0" 'BEGIN{printf "%.1f", a-b}') s (guest uptime ${ready} s at ready, kernel at ${booted} s reached init); total $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.1f", a-b}') s" >&2
fi
if [ -n "$pcap_in" ] && { [ -z "$ready_at" ] || [ "$ready_at" = None ]; }; then
	if [ "$self_ready" = 1 ]; then
		echo "vm: warning: --self-ready but the command never ran vm-ready: nothing was replayed" >&2
	else
		echo "vm: warning: the guest never became ready: nothing was replayed" >&2
	fi
fi
if [ -n "$pcap_in" ] || [ -n "$pcap_out" ]; then
	echo "vm: wire: replayed $(wfield tx) frames (send errors $(wfield tx_err), dropped at QEMUs socket $(wfield sock_drops)), captured $(wfield rx) frames from the NIC${pcap_out:+ into $pcap_out}" >&2
fi
[ "$(field no_carrier)" = 1 ] && echo "vm: warning: the link did not come up (no carrier) on $(field iface)" >&2
if [ "$(field iface)" = none ] && [ -n "$driver" ]; then
	echo "vm: warning: no network interface bound to driver $driver appeared in the guest" >&2
fi
if [ "$status" = timeout ]; then
	echo "vm: error: timed out after $timeout s (guest console: last lines below)" >&2
	tr -d '\r' <"$tmp/console.log" | tail -n 20 | sed 's/^/  | /' >&2
	exit 124
fi
if [ -n "$(field module_fail)" ]; then
	exit 125
fi
if [ -z "$exitst" ]; then
	if [ "$(field panic)" = 1 ]; then
		echo "vm: error: guest kernel panic" >&2
	else
		echo "vm: error: the guest stopped without reporting the command's status (QEMU exit $qrc)" >&2
		[ -s "$tmp/qemu.out" ] && sed 's/^/  qemu| /' "$tmp/qemu.out" >&2
		tr -d '\r' <"$tmp/console.log" | tail -n 30 | sed 's/^/  | /' >&2
	fi
	exit 126
fi
[ -s "$tmp/qemu.out" ] && [ "$verbose" = 1 ] && sed 's/^/  qemu| /' "$tmp/qemu.out" >&2
exit "$exitst"
