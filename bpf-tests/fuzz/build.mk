# bpfnic-fuzz: the differential fuzzer (kernel BPF_PROG_TEST_RUN vs JIT+sim).
$(BUILD)/bpfnic-fuzz: $(BUILD)/bpf-tests/fuzz/fuzz.o $(BUILD)/libnicsim.a $(BUILD)/libbnjit.a
	$(CC) $(CFLAGS) -o $@ $^ -lbpf -lelf -lz -lpthread

ALL_TARGETS += $(BUILD)/bpfnic-fuzz
CHECKS      += scripts/check-fuzz.sh
