#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the guest with the bpfnic device (scripts/vm.sh) and run the driver
# smoke test in it: probe, link, ethtool -i/-S/-g/-G, RX from the wire, TX,
# MTU, down/up, unload/reload while traffic flows.
#   driver/tests/vm-smoke.sh [--module PATH] [--smp N] [vm.sh options...]
set -uo pipefail
cd "$(dirname "$0")/../.."
module=build/kmod/bpfnic.ko smp=2
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--module) module=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
exec scripts/vm.sh --module "$module" --smp "$smp" --timeout 900 \
	--pcap-in build/pcap/xdp_actions.pcap --repeat 20 --rate 200 \
	--file driver/tests/guest-smoke.sh:guest-smoke.sh ${args[@]+"${args[@]}"} \
	-- 'sh ./guest-smoke.sh'
