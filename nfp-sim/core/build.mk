# nfp-sim/core: the NIC model, libnicsim.a from every nfp-sim/core/*.c.
# Tests: nfp-sim/core/tests/test_*.c, each linked with libnicsim.a and
# libbnjit.a (encoder/decoder), run by make check.  nicsim-bench is the host
# throughput micro-benchmark (make bench).
SIM_SRCS  := $(wildcard nfp-sim/core/*.c)
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/%.o)
SIM_TESTS := $(patsubst nfp-sim/core/tests/%.c,$(BUILD)/tests/%,$(wildcard nfp-sim/core/tests/test_*.c))
SIM_LIBS  := $(BUILD)/libnicsim.a $(BUILD)/libbnjit.a

$(BUILD)/libnicsim.a: $(SIM_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(SIM_TESTS): $(BUILD)/tests/%: nfp-sim/core/tests/%.c nfp-sim/core/tests/simtest.h $(SIM_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ifirmware-jit/tests -Infp-sim/core/tests -o $@ $< $(SIM_LIBS) -lpthread

$(BUILD)/nicsim-bench: nfp-sim/core/tests/nicsim_bench.c nfp-sim/core/tests/simtest.h $(SIM_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ifirmware-jit/tests -Infp-sim/core/tests -o $@ $< $(SIM_LIBS) -lpthread

ALL_TARGETS += $(BUILD)/libnicsim.a $(SIM_TESTS) $(BUILD)/nicsim-bench
CHECKS      += $(SIM_TESTS)
