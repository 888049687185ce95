# bpf-tests/reject: programs the kernel accepts and the device must refuse.
REJECT_NAMES := $(basename $(notdir $(wildcard bpf-tests/reject/*.c)))
REJECT_OBJS  := $(REJECT_NAMES:%=$(BUILD)/bpf-reject/%.o)

$(BUILD)/bpf-reject/%.o: bpf-tests/reject/%.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CLANG_FLAGS) -c -o $@ $<

ALL_TARGETS += $(REJECT_OBJS) $(BENCH_BIG)
CHECKS      += bpf-tests/reject/run-reject.sh
