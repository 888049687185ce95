# bpf-tests build rules: the BPF test corpus.
#   bpf-tests/progs/NAME.c  -> $(BUILD)/bpf/NAME.o    (clang -target bpf)
#   bpf-tests/pcapgen.py    -> $(BUILD)/pcap/NAME.pcap (one per program)
#   bpf-tests/run-corpus.sh -> the check: bpfnic prog diff/run over every
#                              line of bpf-tests/corpus.manifest
BPF_CLANG_FLAGS := -O2 -g -target bpf -D__x86_64__ -I/usr/include/x86_64-linux-gnu \
		   -Wall -Werror -MMD -MP
BPF_TEST_NAMES  := $(sort $(basename $(notdir $(wildcard bpf-tests/progs/*.c))))
BPF_TEST_OBJS   := $(BPF_TEST_NAMES:%=$(BUILD)/bpf/%.o)
BPF_TEST_PCAPS  := $(BPF_TEST_NAMES:%=$(BUILD)/pcap/%.pcap)

ALL_TARGETS += $(BPF_TEST_OBJS) $(BPF_TEST_PCAPS)
CHECKS      += bpf-tests/run-corpus.sh

$(BUILD)/bpf/%.o: bpf-tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CLANG_FLAGS) -c -o $@ $<

# One run of the generator writes every pcap.
$(BPF_TEST_PCAPS) &: bpf-tests/pcapgen.py $(wildcard bpf-tests/progs/*.c)
	python3 -B bpf-tests/pcapgen.py --out $(BUILD)/pcap

.PHONY: bpf-tests
bpf-tests: $(BPF_TEST_OBJS) $(BPF_TEST_PCAPS)
