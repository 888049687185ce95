# bpfnic top-level Makefile.  Userspace is built here; bpfnic.ko through
# Kbuild (make kmod).  Each component adds its own rules in its build.mk.
BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
KVER     ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1 | sed 's|.*/linux-headers-||')
KDIR     ?= /usr/src/linux-headers-$(KVER)
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
            -Iinclude -Ifirmware-jit -Infp-sim/core -MMD -MP
LDLIBS   +=
N        ?= 10000

.PHONY: all deps check bench demo fuzz kmod clean
all:

include firmware-jit/build.mk
include nfp-sim/core/build.mk
include nfp-sim/cli/build.mk
include bpf-tests/build.mk
include bpf-tests/fuzz/build.mk
include bpf-tests/bench/build.mk
include bpf-tests/reject/build.mk
include nfp-sim/qemu/build.mk
include bpf-tests/vm/build.mk

all: $(ALL_TARGETS)

deps:
	@scripts/install-deps.sh

# Every check prints a final "N passed, N failed[, N skipped]" line;
# scripts/run-checks.sh runs them all and adds them up.
check: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-checks.sh $(CHECKS)

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

fuzz: deps
	@$(MAKE) --no-print-directory all
	@scripts/fuzz.sh $(N)

# bpfnic.ko, built in a staging copy: build/kmod/bpfnic.ko
kmod:
	scripts/kbuild.sh $(KDIR)

clean:
	rm -rf $(BUILD)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
