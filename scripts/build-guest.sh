#!/usr/bin/env bash
# Build the bpfnic test guest: Debian's 6.1 kernel (the linux-image matching
# the installed linux-headers-*-amd64 exactly, so build/kmod/bpfnic.ko loads)
# and a busybox initramfs (/bin/sh is dash) with iproute2, bpftool, ethtool, tcpdump, xdp-tools,
# kmod and their libraries.  bpftool is not Debian's (no libbfd, so no
# `prog dump jited`) but scripts/build-bpftool.sh's, from linux-source-6.1.
# Cached in ${BPFNIC_CACHE:-~/.cache/bpfnic}/guest and rebuilt only when an
# input changes (this script, bpf-tests/vm/bnpkt.c, a package version, the
# bpftool build's inputs).  What changes often -- bpfnic.ko, build/bpf/*.o,
# bpf-tests/vm/*.sh, the command -- is not in here: scripts/vm.sh appends it
# at boot time as a second small cpio.
#   scripts/build-guest.sh [--force] [--quiet]
# Prints (last lines):  KERNEL=<bzImage> VMLINUX=<PVH ELF> INITRD=<cpio> KVER=<version>
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
force=0 quiet=0
for a in "$@"; do
	case $a in
	--force) force=1 ;;
	--quiet) quiet=1 ;;
	*) echo "usage: $0 [--force] [--quiet]" >&2; exit 2 ;;
	esac
done
log() { [ "$quiet" = 1 ] || echo "build-guest: $*" >&2; }
die() { echo "build-guest: error: $*" >&2; exit 1; }

cache=${BPFNIC_CACHE:-$HOME/.cache/bpfnic}
G=$cache/guest
mkdir -p "$G"

# one builder at a time (parallel vm.sh runs); the others then find it built
exec 9>"$G/.lock"
flock 9

# ---- packages (install only what is missing) --------------------------------
# kernel: the headers the module is built against decide the guest kernel.
hdr=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
pkgs=(busybox-static iproute2 ethtool tcpdump xdp-tools kmod cpio gzip
      libc6-dev gcc)
[ -n "$hdr" ] || pkgs+=(linux-headers-amd64)
scripts/install-deps.sh "${pkgs[@]}"
hdr=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
[ -d "$hdr" ] || die "no /usr/src/linux-headers-*-amd64"
kver=${hdr##*/linux-headers-}                  # e.g. 6.1.0-56-amd64
hpkg=linux-headers-$kver
pkgver=$(dpkg-query -W -f='${Version}' "$hpkg" 2>/dev/null) ||
	die "$hpkg is not an installed package (KDIR=$hdr)"

# ---- the kernel .deb: exactly the headers' version --------------------------
deb=$(ls "$G"/linux-image-"$kver"_"$pkgver"_amd64.deb "$G"/linux-image-"$kver"-unsigned_"$pkgver"_amd64.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	log "downloading linux-image-$kver=$pkgver"
	(cd "$G" && { apt-get download -q "linux-image-$kver=$pkgver" ||
		apt-get download -q "linux-image-$kver-unsigned=$pkgver" ||
		{ apt-get update -qq && apt-get download -q "linux-image-$kver=$pkgver"; }; } ) >&2 2>&1 ||
		die "cannot download linux-image-$kver version $pkgver (the archive may have moved on: upgrade linux-headers-amd64 so headers and image match)"
	deb=$(ls "$G"/linux-image-"$kver"*_"$pkgver"_amd64.deb | head -1)
fi

# ---- bpftool with libbfd (Debian's has none: no `prog dump jited`) -----------
qopt=(); [ "$quiet" = 1 ] && qopt=(--quiet)
bt_out=$(scripts/build-bpftool.sh "${qopt[@]}") ||
	die "scripts/build-bpftool.sh failed"
bpftool=$(sed -n 's/^BPFTOOL=//p' <<<"$bt_out")
bpftool_key=$(sed -n 's/^BPFTOOL_KEY=//p' <<<"$bt_out")
[ -x "$bpftool" ] && [ -n "$bpftool_key" ] || die "scripts/build-bpftool.sh gave no bpftool"

# ---- inputs hash --------------------------------------------------------------
# guest path -> host path when they differ
tools=(/bin/busybox /usr/sbin/ip /usr/sbin/tc /usr/sbin/bpftool /usr/sbin/ethtool
       /usr/bin/tcpdump /usr/sbin/xdp-loader /usr/sbin/xdpdump /usr/bin/kmod)
declare -A tool_src=([/usr/sbin/bpftool]=$bpftool)
stamp_in=$( {
	cat "$0" bpf-tests/vm/bnpkt.c
	echo "$kver $pkgver $(basename "$deb")"
	echo "bpftool $bpftool_key"
	dpkg-query -W -f='${Package} ${Version}\n' busybox-static iproute2 ethtool \
		tcpdump xdp-tools libxdp1 kmod libc6 2>/dev/null
} | sha256sum | cut -c1-16)
kernel=$G/vmlinuz-$kver
vmlinux=$G/vmlinux-$kver
initrd=$G/base-$kver.cpio
if [ "$force" = 0 ] && [ -f "$kernel" ] && [ -f "$vmlinux" ] && [ -f "$initrd" ] &&
   [ "$(cat "$G/base-$kver.stamp" 2>/dev/null)" = "$stamp_in" ]; then
	log "up to date ($kver, $pkgver)"
	echo "KERNEL=$kernel"; echo "VMLINUX=$vmlinux"; echo "INITRD=$initrd"; echo "KVER=$kver"
	exit 0
fi

t0=$(date +%s)
work=$(mktemp -d "$G/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

# kernel + the modules a test may need (tc, stock NICs for harness runs)
log "extracting the kernel and modules from $(basename "$deb")"
mkdir -p "$work/deb"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/deb" \
	--wildcards "./boot/vmlinuz-$kver" "./lib/modules/$kver/modules.*" \
	"./lib/modules/$kver/kernel/net/sched/*" \
	"./lib/modules/$kver/kernel/net/core/*" \
	"./lib/modules/$kver/kernel/drivers/net/ethernet/intel/e1000/*" \
	"./lib/modules/$kver/kernel/drivers/net/virtio_net.ko" \
	"./lib/modules/$kver/kernel/drivers/net/net_failover.ko" \
	"./lib/modules/$kver/kernel/drivers/net/dummy.ko" \
	"./lib/modules/$kver/kernel/drivers/net/veth.ko" \
	"./lib/modules/$kver/kernel/drivers/virtio/*"
cp "$work/deb/boot/vmlinuz-$kver" "$kernel.tmp"
# The bzImage is xz-compressed; decompressing it under TCG costs seconds.
# The inner vmlinux has a PVH entry note (CONFIG_PVH=y): QEMU boots it
# directly with -kernel, and with qboot instead of SeaBIOS (~4 s to init).
python3 - "$kernel.tmp" "$vmlinux.tmp" <<'PY'
import lzma, sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"\xfd7zXZ\x00")
if i < 0:
    sys.exit("no xz payload in the bzImage")
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:])
if out[:4] != b"\x7fELF":
    sys.exit("the payload is not an ELF vmlinux")
open(sys.argv[2], "wb").write(out)
PY

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,etc,proc,sys,dev,tmp,run,vm,mnt,root,var/run}
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
mkdir -p "$root/usr/lib/modules"
mv "$work/deb/lib/modules/$kver" "$root/usr/lib/modules/$kver"
# modules.dep for what we kept (depmod on the host writes into $root)
rm -f "$root/usr/lib/modules/$kver"/modules.{dep,dep.bin,alias,alias.bin,symbols,symbols.bin,softdep,devname}
depmod -b "$root/usr" "$kver" 2>/dev/null || depmod -b "$root" "$kver"

# busybox applets
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list-full); do
	[ -e "$root/$app" ] || ln -s /bin/busybox "$root/$app"
done

# Debian tools + the libraries ldd lists (+ the dynamic loader)
copy_lib() {
	local l=$1 dst
	dst=$root$(readlink -f "$(dirname "$l")")/$(basename "$l")
	dst=${dst/#$root\/lib\//$root/usr/lib/}
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	cp -L "$l" "$dst"
}
for t in "${tools[@]}"; do
	hs=${tool_src[$t]:-$t}
	[ -x "$hs" ] || die "missing $hs"
	rm -f "$root$t"
	mkdir -p "$root$(dirname "$t")"
	cp -L "$hs" "$root$t"
	[ "$t" = /bin/busybox ] && continue
	for l in $(ldd "$hs" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
		copy_lib "$l"
	done
done
copy_lib /lib64/ld-linux-x86-64.so.2
# /bin/sh is dash: busybox's ash (FEATURE_SH_STANDALONE) would run its own
# applets (ip, tc, insmod, ...) in preference to the real tools in PATH.
rm -f "$root/bin/sh"
cp -L /bin/dash "$root/bin/sh"
for l in $(ldd /bin/dash | awk '/=>/ {print $3}'); do copy_lib "$l"; done
# no busybox applet shadows a real tool, whatever PATH a script sets
for t in "${tools[@]}"; do
	n=$(basename "$t")
	for d in bin sbin usr/bin usr/sbin; do
		[ "$d/$n" != "${t#/}" ] && [ -L "$root/$d/$n" ] && rm -f "$root/$d/$n"
	done
done
# kmod multi-call names (take precedence over busybox's)
for n in insmod rmmod lsmod modprobe modinfo depmod; do
	rm -f "$root/sbin/$n" "$root/bin/$n" "$root/usr/sbin/$n" "$root/usr/bin/$n"
	ln -s /usr/bin/kmod "$root/sbin/$n"
done
# libxdp's BPF objects (xdp-loader's dispatcher, xdpdump)
if [ -d /usr/lib/x86_64-linux-gnu/bpf ]; then
	cp -a /usr/lib/x86_64-linux-gnu/bpf "$root/usr/lib/x86_64-linux-gnu/"
fi
# tcpdump wants a user name for -Z; run as root
printf 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:0:0::/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
echo 'bpfnic-guest' >"$root/etc/hostname"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"

# the static packet helper
gcc -static -O2 -Wall -Wextra -o "$root/usr/bin/bnpkt" bpf-tests/vm/bnpkt.c
strip "$root/usr/bin/bnpkt"

# ---- /init ----------------------------------------------------------------------
# Protocol with scripts/vm.sh: lines starting with "@@BN:" on the console.
#   @@BN:BOOTED <uptime>          userspace reached
#   @@BN:MODULE-FAIL <rc>         insmod failed (dmesg follows, then EXIT 125)
#   @@BN:IFACE <name>|none        the interface under test
#   @@BN:NO-CARRIER <name>        link did not come up (command still runs)
#   @@BN:READY <uptime>           module loaded, link up: host may send now
#   @@BN:CMD-BEGIN / @@BN:EXIT <rc>   the command's output is in between
#   @@BN:GET-BEGIN <path> / base64 lines / @@BN:GET-END <path> <rc>
#   @@BN:KERNEL-WARN              dmesg has an oops/WARN/BUG (dmesg follows)
#   @@BN:DONE                     rebooting (= QEMU exits)
cat >"$root/init" <<'INIT'
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /sys/fs/bpf /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
exec </dev/null >/dev/console 2>&1
echo 1 >/proc/sys/kernel/printk
ip link set lo up
hostname bpfnic-guest
BN_DRIVER=bpfnic BN_MODULE=/vm/bpfnic.ko BN_MODPARAMS= BN_SELF_READY=0 BN_GETS= BN_IPV6=0 BN_CARRIER_WAIT=10
[ -f /vm/config ] && . /vm/config
up() { cut -d' ' -f1 /proc/uptime; }
echo "@@BN:BOOTED $(up)"
finish() {
	rc=$1
	echo "@@BN:EXIT $rc"
	for g in $BN_GETS; do
		echo "@@BN:GET-BEGIN $g"
		base64 "$g"; grc=$?
		echo "@@BN:GET-END $g $grc"
	done
	if dmesg | grep -qE 'Oops|BUG:|WARNING: CPU|Call Trace|general protection fault|KASAN|UBSAN|refcount_t:|kernel BUG'; then
		echo "@@BN:KERNEL-WARN"
		dmesg | tail -n 80
		echo "@@BN:KERNEL-WARN-END"
	fi
	echo "@@BN:DONE"
	sync
	# reset, not ACPI power-off (qboot has no ACPI): QEMU runs with -no-reboot
	reboot -f
}
if [ "$BN_IPV6" = 0 ]; then
	# no router solicitations / MLD reports in captures of what the guest sends
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
fi
[ -n "$BN_MODULES" ] && for m in $BN_MODULES; do modprobe "$m" || echo "init: modprobe $m failed"; done
if [ -n "$BN_MODULE" ] && [ -f "$BN_MODULE" ]; then
	insmod "$BN_MODULE" $BN_MODPARAMS; rc=$?
	if [ $rc -ne 0 ]; then
		echo "@@BN:MODULE-FAIL $rc"
		dmesg | tail -n 60
		finish 125
	fi
fi
IFACE=
if [ -n "$BN_DRIVER" ]; then
	i=0
	while [ $i -lt 100 ]; do
		for n in /sys/class/net/*; do
			d=$(readlink "$n/device/driver" 2>/dev/null)
			[ "${d##*/}" = "$BN_DRIVER" ] && { IFACE=${n##*/}; break; }
		done
		[ -n "$IFACE" ] && break
		i=$((i + 1)); sleep 0.1
	done
fi
echo "@@BN:IFACE ${IFACE:-none}"
export IFACE BN_IFACE=$IFACE
echo "$IFACE" >/run/iface
if [ -n "$IFACE" ]; then
	ip link set "$IFACE" up
	i=0
	while [ "$(cat /sys/class/net/$IFACE/carrier 2>/dev/null)" != 1 ] && [ $i -lt $((BN_CARRIER_WAIT * 10)) ]; do
		i=$((i + 1)); sleep 0.1
	done
	[ "$(cat /sys/class/net/$IFACE/carrier 2>/dev/null)" = 1 ] || echo "@@BN:NO-CARRIER $IFACE"
fi
export PATH=/vm/tests:/vm/bin:$PATH
cd /vm/files 2>/dev/null || cd /tmp
[ "$BN_SELF_READY" = 1 ] || vm-ready
echo "@@BN:CMD-BEGIN"
sh /vm/cmd </dev/null
finish $?
INIT
chmod 755 "$root/init"
# vm-ready: a command started with --self-ready calls it once it listens
cat >"$root/usr/bin/vm-ready" <<'EOF'
#!/bin/sh
# Tell the host it may start replaying --pcap-in (once).
[ -e /tmp/.bn-ready ] && exit 0
: >/tmp/.bn-ready
echo "@@BN:READY $(cut -d' ' -f1 /proc/uptime)" >/dev/console
EOF
chmod 755 "$root/usr/bin/vm-ready"

log "packing the initramfs"
# uncompressed: gunzip of 10 MB under TCG costs ~1.5 s of every boot
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) \
	>"$initrd.tmp"
mv "$kernel.tmp" "$kernel"
mv "$vmlinux.tmp" "$vmlinux"
mv "$initrd.tmp" "$initrd"
echo "$stamp_in" >"$G/base-$kver.stamp"
log "built in $(( $(date +%s) - t0 )) s: $(du -h "$initrd" | cut -f1) initramfs, kernel $kver ($pkgver)"
echo "KERNEL=$kernel"; echo "VMLINUX=$vmlinux"; echo "INITRD=$initrd"; echo "KVER=$kver"
