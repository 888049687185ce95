# bpf-tests/vm: in-guest tests run through scripts/vm.sh (a Debian 6.1 guest
# under QEMU TCG with the bpfnic device).  Needs QEMU (scripts/build-qemu.sh,
# built by the device check that runs before this one) and
# build/kmod/bpfnic.ko (built by scripts/check-kbuild.sh).
CHECKS += scripts/check-vm.sh
# The driver's own smoke test in the guest: probe, link, ethtool -i/-S/-g/-G,
# RX/TX, MTU changes, down/up, unload/reload while traffic flows.
CHECKS += driver/tests/vm-smoke.sh
# eBPF offload end to end: every corpus program offloaded with ip/tc in the
# guest, its packets replayed, verdicts and output frames checked.
CHECKS += scripts/check-offload.sh
# The driver against a misbehaving device: the QEMU device's fault injector
# corrupts replies, events, descriptor write-backs and HEAD reads while the
# driver's every path runs; the guest kernel must stay clean.
CHECKS += scripts/check-faults.sh
