/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * nfp-sim core: debugging extensions to nicsim.h.  An instruction trace
 * (the traced interpreter is built from the same semantic fragments as the
 * fast one) and direct access to device memory, for tests, the CLI and the
 * QEMU front-end.  Not part of the host<->device contract.
 */
#ifndef BPFNIC_NICSIM_TRACE_H
#define BPFNIC_NICSIM_TRACE_H

#include <stdint.h>

struct bn_sim;

/* One executed instruction, reported before it executes. */
struct bn_sim_trace_insn {
	uint32_t island, fpc, thread;
	uint32_t pc;			/* code-store address */
	uint64_t word;			/* the (relocated) instruction */
	uint64_t cycle;			/* FPC cycle at issue, from batch start */
	const uint32_t *gpr_a;		/* BN_NUM_GPR words: bank A */
	const uint32_t *gpr_b;		/* bank B */
	const uint32_t *xfer_in;	/* BN_NUM_XFER words */
	const uint32_t *xfer_out;
	uint8_t flags;			/* Z N C V in bits 3..0 */
	uint8_t signals;
};

typedef void (*bn_sim_trace_fn)(void *opaque, const struct bn_sim_trace_insn *ti);

/* fn == NULL switches tracing off (the fast interpreter runs again). */
void bn_sim_set_trace(struct bn_sim *sim, bn_sim_trace_fn fn, void *opaque);

/*
 * Read or write device memory at a device address as FPC @fpc of island
 * @island sees it (LM is that FPC's whole LM).  Returns 0 or -EFAULT.
 */
int bn_sim_dev_read(struct bn_sim *sim, uint32_t island, uint32_t fpc, uint32_t addr,
		    void *buf, uint32_t len);
int bn_sim_dev_write(struct bn_sim *sim, uint32_t island, uint32_t fpc, uint32_t addr,
		     const void *buf, uint32_t len);

/* Device address of map @id's storage (value of key 0 for arrays), or 0. */
uint32_t bn_sim_map_addr(struct bn_sim *sim, uint32_t id);

#endif /* BPFNIC_NICSIM_TRACE_H */
