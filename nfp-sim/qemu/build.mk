# nfp-sim/qemu: the QEMU front-end of the NIC model, built as hw/net/bpfnic
# into QEMU 7.2 from Debian's source, out of tree in $BPFNIC_CACHE (default
# ~/.cache/bpfnic) by scripts/build-qemu.sh: ~9 min the first time, seconds
# after.  make qemu prints the binary's path.  The check is a QTest smoke
# test of the device (no guest); it builds QEMU itself when needed.
.PHONY: qemu
qemu:
	@scripts/build-qemu.sh

CHECKS += scripts/check-qemu-device.sh
