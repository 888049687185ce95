// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * nicsim_ext.h: model queries for the QEMU front-end, read from the
 * model's own constants so the capabilities it advertises cannot drift.
 */
#include "nicsim_int.h"
#include "nicsim_ext.h"

uint32_t bn_sim_helpers(uint32_t *ids, uint32_t *addrs, uint32_t max)
{
	static const u32 fwids[] = {
		BN_FW_MAP_LOOKUP, BN_FW_MAP_UPDATE, BN_FW_MAP_DELETE, BN_FW_KTIME,
		BN_FW_PRANDOM, BN_FW_PERF_OUTPUT, BN_FW_ADJUST_HEAD, BN_FW_ADJUST_TAIL,
	};
	u32 i, n = 0;

	for (i = 0; i < ARRAY_SIZE(fwids); i++) {
		if (bn_helper_slot(fwids[i]) < 0)
			continue;
		if (n < max) {
			ids[n] = fwids[i];
			addrs[n] = bn_stub_addr(fwids[i]);
		}
		n++;
	}
	return n;
}

uint32_t bn_sim_max_frame(const struct bn_sim_params *p)
{
	u32 frame = bn_frame_size(p);

	if (frame <= BN_XDP_HEADROOM + BN_SKB_SHINFO)
		return 0;
	return frame - BN_XDP_HEADROOM - BN_SKB_SHINFO;
}

uint32_t bn_sim_stack_size(const struct bn_sim_params *p)
{
	return p->threads ? p->lm_size / p->threads : 0;
}

uint32_t bn_sim_max_maps(void)
{
	return BN_SIM_MAX_MAPS;
}

uint32_t bn_sim_max_key(void)
{
	return BN_MAP_MAX_KEY;
}

uint32_t bn_sim_max_value(void)
{
	return BN_MAP_MAX_VALUE;
}
