# bpf-tests/bench: inputs of `make bench` (scripts/bench.sh).
#   bpf-tests/bench/gen_big.py -> $(BUILD)/bench/big.o    an XDP program of
#                                 4096 +- 2% eBPF instructions (JIT speed)
#                              -> $(BUILD)/bench/big.c    its C source
#                              -> $(BUILD)/bench/big.pcap packets to run it on
# scripts/bench.py regenerates these itself when they are missing or older
# than the generator, so this rule is a convenience (make bench-big).
BENCH_BIG := $(BUILD)/bench/big.o $(BUILD)/bench/big.pcap

$(BENCH_BIG) &: bpf-tests/bench/gen_big.py
	@mkdir -p $(BUILD)/bench
	python3 -B bpf-tests/bench/gen_big.py --clang $(CLANG) --out $(BUILD)/bench/big.o \
		--c $(BUILD)/bench/big.c --pcap $(BUILD)/bench/big.pcap

.PHONY: bench-big
bench-big: $(BENCH_BIG)
