# nfp-sim/cli: the bpfnic command-line tool.
# Links the JIT (libbnjit.a) and the NIC model (libnicsim.a), both built by
# their own build.mk, with libbpf (ELF loading, kernel reference), libpcap.
CLI_SRCS := $(wildcard nfp-sim/cli/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CLI_LIBS := $(BUILD)/libnicsim.a $(BUILD)/libbnjit.a
CLI_LDLIBS := -lbpf -lelf -lz -lpcap -lpthread -lm

$(BUILD)/bpfnic: $(CLI_OBJS) $(CLI_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) -Wl,--start-group $(CLI_LIBS) -Wl,--end-group \
		$(LDLIBS) $(CLI_LDLIBS)

ALL_TARGETS += $(BUILD)/bpfnic
CHECKS += nfp-sim/cli/test-cli.sh
