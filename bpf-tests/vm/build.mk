# bpf-tests/vm: in-guest tests run through scripts/vm.sh (a Debian 6.1 guest
# under QEMU TCG with the bpfnic device).  Needs QEMU (scripts/build-qemu.sh,
# built by the device check that runs before this one) and
# build/kmod/bpfnic.ko (built by scripts/check-kbuild.sh).
CHECKS += scripts/check-vm.sh
