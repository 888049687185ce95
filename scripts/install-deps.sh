#!/usr/bin/env bash
# Install what bpfnic needs from Debian's packages, non-interactively, only
# when something is missing.  Used by make check/demo/bench/fuzz and CI.
set -euo pipefail
pkgs=(build-essential clang llvm libbpf-dev libelf-dev zlib1g-dev libpcap-dev
      linux-headers-amd64 bpftool python3 kmod cpio busybox-static ethtool tcpdump
      xdp-tools iproute2 qemu-system-data seabios
      linux-source-6.1 binutils-dev libcap-dev)   # scripts/build-bpftool.sh
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
