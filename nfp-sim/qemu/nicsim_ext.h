/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Queries on the NIC model that the QEMU front-end needs for BN_CMSG_CAPS
 * and BN_REG_MAX_MTU and that nicsim.h does not (yet) offer.  Built into the
 * model's library (it reads nicsim_int.h); the front-end sees only this.
 * Candidates to move into nicsim.h.
 */
#ifndef BPFNIC_NICSIM_EXT_H
#define BPFNIC_NICSIM_EXT_H

#include <stdint.h>
#include "nicsim.h"

/*
 * The firmware helpers: fills up to @max (eBPF helper id, firmware
 * address) pairs in order and returns how many the firmware has.
 */
uint32_t bn_sim_helpers(uint32_t *ids, uint32_t *addrs, uint32_t max);

/* Longest frame a program can run on (CTM frame less headroom and tailroom). */
uint32_t bn_sim_max_frame(const struct bn_sim_params *p);

/* LM stack bytes each thread's program may use. */
uint32_t bn_sim_stack_size(const struct bn_sim_params *p);

/* Map engine limits: map ids, key bytes, value bytes. */
uint32_t bn_sim_max_maps(void);
uint32_t bn_sim_max_key(void);
uint32_t bn_sim_max_value(void);

#endif /* BPFNIC_NICSIM_EXT_H */
