#!/usr/bin/env bash
# Install Debian packages non-interactively, only those missing.
#   scripts/install-deps.sh            what bpfnic needs (make check/demo/
#                                      bench/fuzz and CI call this)
#   scripts/install-deps.sh PKG...     just these (the build scripts' own)
# Messages and apt's output go to stderr; nothing to stdout.
set -euo pipefail
if [ $# -gt 0 ]; then
	pkgs=("$@")
else
	pkgs=(build-essential clang llvm libbpf-dev libelf-dev zlib1g-dev libpcap-dev
	      linux-headers-amd64 bpftool python3 kmod cpio busybox-static ethtool tcpdump
	      xdp-tools iproute2 qemu-system-data seabios
	      linux-source-6.1 binutils-dev libcap-dev)   # scripts/build-bpftool.sh
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=600)
$SUDO "${apt[@]}" update -qq >&2
$SUDO "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
