# bpf-tests/vm: in-guest tests run through scripts/vm.sh (a Debian 6.1 guest
# under QEMU TCG with the bpfnic device).  Needs QEMU (scripts/build-qemu.sh,
# built by the device check that runs before this one) and
# build/kmod/bpfnic.ko (built by scripts/check-kbuild.sh).
#   bpf-tests/vm/progs/NAME.c -> $(BUILD)/bpf-suite/NAME.o: the small
#   programs of offload-suite.sh (vm.sh ships them as /vm/bpf-suite)
BPF_SUITE_NAMES := $(sort $(basename $(notdir $(wildcard bpf-tests/vm/progs/*.c))))
BPF_SUITE_OBJS  := $(BPF_SUITE_NAMES:%=$(BUILD)/bpf-suite/%.o)
ALL_TARGETS     += $(BPF_SUITE_OBJS)

$(BUILD)/bpf-suite/%.o: bpf-tests/vm/progs/%.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CLANG_FLAGS) -c -o $@ $<

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
# The kernel's test_offload.py cases that apply to a real offload device,
# carried over in the guest with a debugfs shim (driver/debugfs.c).
CHECKS += scripts/check-offload-suite.sh
