// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Device parameters: NFP-4000-like defaults and their range checks.  Every
 * size must fit its window of the device address map (isa.h).
 */
#include <stdio.h>
#include <string.h>
#include "nicsim_int.h"

static const struct bn_sim_lat lat_default[5] = {
	[BN_TGT_LM]	= { 1, 3 },
	[BN_TGT_CLS]	= { 20, 50 },
	[BN_TGT_CTM]	= { 50, 100 },
	[BN_TGT_IMEM]	= { 150, 250 },
	[BN_TGT_EMEM]	= { 150, 500 },
};

void bn_sim_params_default(struct bn_sim_params *p)
{
	memset(p, 0, sizeof(*p));
	p->islands = 5;
	p->fpcs = 12;
	p->threads = 4;
	p->mhz = 800;
	p->code_store = BN_CODE_STORE_DEFAULT;
	p->lm_size = 4096;
	p->cls_size = 64 << 10;
	p->ctm_size = 256 << 10;
	p->imem_size = 4 << 20;
	p->emem_size = 2ull << 30;
	memcpy(p->lat, lat_default, sizeof(p->lat));
	p->seed = 1;
	p->host_threads = 1;
}

/* Largest power of two <= x (x > 0). */
static u32 pow2_floor(u32 x)
{
	return 1u << (31 - __builtin_clz(x));
}

uint32_t bn_sim_max_frame(const struct bn_sim_params *p)
{
	return bn_frame_room(bn_frame_size(p));
}

uint32_t bn_sim_stack_size(const struct bn_sim_params *p)
{
	return p->threads ? p->lm_size / p->threads : 0;
}

/* The CTM frame each thread's packets use: BN_PKT_FRAME, or less to fit. */
u32 bn_frame_size(const struct bn_sim_params *p)
{
	u32 per = p->ctm_size / (p->fpcs * p->threads);

	if (!per)
		return 0;
	per = pow2_floor(per);
	return per < BN_PKT_FRAME ? per : BN_PKT_FRAME;
}

struct range {
	const char *name;
	u64 val, min, max;
};

static int check_ranges(const struct bn_sim_params *p, char *err, size_t errlen)
{
	const struct range r[] = {
		{ "islands", p->islands, 1, 64 },
		{ "fpcs", p->fpcs, 1, 64 },
		{ "threads", p->threads, 1, 8 },
		{ "mhz", p->mhz, 1, 100000 },
		{ "code_store", p->code_store, BN_LOAD_BASE + 1, BN_FW_REGION },
		{ "lm_size", p->lm_size, p->threads * BN_STACK_PER_THREAD, BN_ADDR_CLS - BN_ADDR_LM },
		{ "cls_size", p->cls_size, 4, BN_ADDR_CTM - BN_ADDR_CLS },
		{ "ctm_size", p->ctm_size, 4, BN_ADDR_IMEM - BN_ADDR_CTM },
		{ "imem_size", p->imem_size, 4, BN_ADDR_EMEM - BN_ADDR_IMEM },
		{ "emem_size", p->emem_size, BN_EMEM_CHUNK, 1ull << 31 },
		{ "host_threads", p->host_threads, 1, 256 },
		{ "interpret", p->interpret, 0, 1 },
		{ "sched_window", p->sched_window, 0, 1u << 20 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r); i++)
		if (r[i].val < r[i].min || r[i].val > r[i].max)
			return bn_errf(err, errlen, -EINVAL, "params: %s = %llu is outside %llu..%llu",
				       r[i].name, (unsigned long long)r[i].val,
				       (unsigned long long)r[i].min, (unsigned long long)r[i].max);
	return 0;
}

static const char *const tgt_name[5] = { "lm", "cls", "ctm", "imem", "emem" };

int bn_sim_params_check(const struct bn_sim_params *p, char *err, size_t errlen)
{
	u32 frame_min = BN_XDP_HEADROOM + BN_SKB_SHINFO + 1024;
	int ret, i;

	ret = check_ranges(p, err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < 5; i++)
		if (!p->lat[i].min || p->lat[i].min > p->lat[i].max)
			return bn_errf(err, errlen, -EINVAL,
				       "params: %s latency %u..%u: need 1 <= min <= max",
				       tgt_name[i], p->lat[i].min, p->lat[i].max);
	if ((p->lm_size / p->threads) % 8)
		return bn_errf(err, errlen, -EINVAL,
			       "params: lm_size %u does not split into 8-byte aligned windows for %u threads",
			       p->lm_size, p->threads);
	if (bn_frame_size(p) < frame_min)
		return bn_errf(err, errlen, -EINVAL,
			       "params: ctm_size %u leaves packet frames under %u bytes for %u fpcs x %u threads",
			       p->ctm_size, frame_min, p->fpcs, p->threads);
	return 0;
}
