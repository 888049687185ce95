// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Firmware routines: the eBPF helpers, run natively on the thread's
 * registers (eBPF Rn = GPR 2n low, 2n+1 high, bank A read, both banks
 * written) with the kernel's (6.1) semantics and return codes; a negative
 * return is sign-extended into R0.  Pointer arguments are device addresses
 * in any memory the thread may reach.
 *
 * Cost model (cycles charged to the FPC for the routine's own work, plus
 * for the map lookup engine a sleep of one EMEM access, during which the
 * FPC runs other threads):
 *   hash map lookup/delete  4 + key_size/4, then EMEM latency
 *   hash map update         4 + (key_size + value_size)/4, then EMEM latency
 *   array map lookup        3 (address arithmetic, no memory access)
 *   array map update        3 + value_size/4 (posted write)
 *   array map delete        2 (always -EINVAL)
 *   ktime, prandom          4
 *   adjust_head/tail        6, plus 1 per 8 bytes a tail grows (zeroing)
 *   perf_event_output       4 + 1 per 8 bytes of event (posted to the host)
 */
#include <string.h>
#include "nicsim_int.h"

#define FW_SIMPLE	4
#define FW_ADJUST	6

/* Rn, 64 bits; its halves were stored apart (bn_rf_u64()) */
static u64 arg(const struct bn_thr *t, u32 n)
{
	return bn_rf_u64(t->r[BN_RF_A + BN_ABI_GPR_LO(n)], &t->r[BN_RF_A + BN_ABI_GPR_HI(n)]);
}

/* Rn's low 32 bits: a pointer, a map id, a size */
static u32 arg32(const struct bn_thr *t, u32 n)
{
	return t->r[BN_RF_A + BN_ABI_GPR_LO(n)];
}

static void ret(struct bn_thr *t, u64 v)
{
	t->r[BN_RF_A + BN_ABI_GPR_LO(0)] = t->r[BN_RF_B + BN_ABI_GPR_LO(0)] = (u32)v;
	t->r[BN_RF_A + BN_ABI_GPR_HI(0)] = t->r[BN_RF_B + BN_ABI_GPR_HI(0)] = v >> 32;
}

static void ret_err(struct bn_thr *t, int err)
{
	ret(t, (u64)(s64)err);
}

/* Charge @cycles; a lookup-engine access also sleeps for one EMEM latency. */
static int charge(struct bn_fpc *f, struct bn_thr *t, u32 cycles, bool emem)
{
	const struct bn_sim_lat *lat = &f->sim->p.lat[BN_TGT_EMEM];

	f->now += cycles;
	if (!emem)
		return BN_STEP_OK;
	f->wake[t->idx] = f->now + bn_rng_range(&f->lat_rng, lat->min, lat->max);
	return BN_STEP_SLEEP;
}

static struct bn_map *fw_map(struct bn_fpc *f, struct bn_thr *t, const char *what)
{
	u32 id = arg32(t, 1);
	struct bn_map *m = bn_map_get(f->sim, id);

	if (!m)
		bn_thr_why(t, "%s: no map with device id %u", what, id);
	return m;
}

/*
 * The key of a lookup where it lies when that is LM, CLS or CTM (memory no
 * other host thread writes while this island runs), else a copy in @buf;
 * NULL after a fault.
 */
static const u8 *fw_key(struct bn_fpc *f, struct bn_thr *t, const struct bn_map *m, u8 *buf,
			const char *what)
{
	u32 addr = arg32(t, 2);
	const u8 *p = addr < BN_ADDR_IMEM ? bn_mem_fast(f, t, -1, addr, m->key_size) : NULL;

	if (p)
		return p;
	return bn_mem_copy(f, t, -1, addr, buf, m->key_size, false, what) ? NULL : buf;
}

static int fw_map_lookup(struct bn_fpc *f, struct bn_thr *t)
{
	struct bn_map *m = fw_map(f, t, "map_lookup_elem");
	u8 buf[BN_MAP_MAX_KEY];
	const u8 *key;
	void *v;

	if (!m || !(key = fw_key(f, t, m, buf, "map_lookup_elem: key")))
		return BN_STEP_FAULT;
	ret(t, bn_map_lookup_ptr(m, key, &v) ? 0 : bn_map_value_addr(m, v));
	if (m->type == BPF_MAP_TYPE_ARRAY)
		return charge(f, t, BN_FW_ARRAY_LOOKUP, false);
	return charge(f, t, 4 + m->key_size / 4, true);
}

static int fw_map_update(struct bn_fpc *f, struct bn_thr *t)
{
	struct bn_map *m = fw_map(f, t, "map_update_elem");
	u8 key[BN_MAP_MAX_KEY], val[BN_MAP_MAX_VALUE];

	if (!m || bn_mem_copy(f, t, -1, arg32(t, 2), key, m->key_size, false,
			      "map_update_elem: key") ||
	    bn_mem_copy(f, t, -1, arg32(t, 3), val, m->value_size, false,
			"map_update_elem: value"))
		return BN_STEP_FAULT;
	ret_err(t, bn_map_update_elem(m, key, val, arg(t, 4)));
	if (m->type == BPF_MAP_TYPE_ARRAY)
		return charge(f, t, 3 + m->value_size / 4, false);
	return charge(f, t, 4 + (m->key_size + m->value_size) / 4, true);
}

static int fw_map_delete(struct bn_fpc *f, struct bn_thr *t)
{
	struct bn_map *m = fw_map(f, t, "map_delete_elem");
	u8 key[BN_MAP_MAX_KEY];

	if (!m || bn_mem_copy(f, t, -1, arg32(t, 2), key, m->key_size, false,
			      "map_delete_elem: key"))
		return BN_STEP_FAULT;
	ret_err(t, bn_map_delete_elem(m, key));
	if (m->type == BPF_MAP_TYPE_ARRAY)
		return charge(f, t, 2, false);
	return charge(f, t, 4 + m->key_size / 4, true);
}

/*
 * bpf_xdp_adjust_head(): the new data must leave room for struct
 * xdp_frame at the frame start and keep an Ethernet header; data_meta
 * moves with data (no metadata in this device).
 */
static int fw_adjust_head(struct bn_fpc *f, struct bn_thr *t)
{
	s64 off = (s32)arg32(t, 2);
	s64 hard = BN_ADDR_CTM + t->frame;
	s64 data = (s64)t->ctx[0] + off;

	if (data < hard + BN_XDP_FRAME_HDR || data > (s64)t->ctx[1] - BN_ETH_HLEN) {
		ret_err(t, -EINVAL);
	} else {
		t->ctx[0] = data;
		t->ctx[2] += off;
		if (data - hard < t->head_low)	/* the headroom the packet may write */
			t->head_low = data - hard;
		ret(t, 0);
	}
	return charge(f, t, FW_ADJUST, false);
}

/*
 * bpf_xdp_adjust_tail(): data_end may grow up to the frame end less the
 * skb_shared_info tailroom, shrink down to data + ETH_HLEN; grown bytes
 * are zeroed.
 */
static int fw_adjust_tail(struct bn_fpc *f, struct bn_thr *t)
{
	s64 off = (s32)arg32(t, 2);
	s64 hard_end = BN_ADDR_CTM + t->frame + f->sim->frame - BN_SKB_SHINFO;
	s64 end = (s64)t->ctx[1] + off;
	u32 grow = off > 0 ? off : 0;

	if (end > hard_end || end < (s64)t->ctx[0] + BN_ETH_HLEN) {
		ret_err(t, -EINVAL);
		grow = 0;
	} else {
		memset(f->isl->ctm + (t->ctx[1] - BN_ADDR_CTM), 0, grow);
		t->ctx[1] = end;
		ret(t, 0);
	}
	return charge(f, t, FW_ADJUST + grow / 8, false);
}

/*
 * bpf_perf_event_output(ctx, map, flags, data, size): R2 is BN_MAP_ID_EVENT
 * | the image's map index of a PERF_EVENT_ARRAY (image.h), flags
 * BPF_F_CURRENT_CPU with the packet bytes to append in bits 32-51.  The
 * event goes to the host (ops.event) as a posted write: the program gets 0
 * (or the kernel's -EINVAL/-EFAULT for bad flags or more packet bytes than
 * the packet has, -E2BIG beyond BN_FW_EVENT_MAX), not the host's outcome.
 */
static int fw_perf_output(struct bn_fpc *f, struct bn_thr *t)
{
	u32 id = arg32(t, 2), size = arg32(t, 5), idx = id & ~BN_MAP_ID_EVENT;
	u64 flags = arg(t, 3), pkt_len = (flags & BPF_F_CTXLEN_MASK) >> 32;
	struct bn_sim *sim = f->sim;
	bool xdp = f->prog->type == BN_PROG_XDP;
	/* packet bounds: xdp_md data/data_end or __sk_buff data/data_end */
	u32 data = t->ctx[xdp ? 0 : offsetof(struct __sk_buff, data) / 4];
	u32 data_end = t->ctx[xdp ? 1 : offsetof(struct __sk_buff, data_end) / 4];
	u8 buf[BN_FW_EVENT_MAX];

	if (!(id & BN_MAP_ID_EVENT) || idx >= f->prog->nmaps || f->prog->maps[idx]) {
		bn_thr_why(t, "perf_event_output: %#x is no PERF_EVENT_ARRAY of the program", id);
		return BN_STEP_FAULT;
	}
	if ((flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)) ||
	    (flags & BPF_F_INDEX_MASK) != BPF_F_CURRENT_CPU) {
		ret_err(t, -EINVAL);
	} else if (pkt_len > data_end - data) {
		ret_err(t, -EFAULT);
	} else if ((u64)size + pkt_len > sizeof(buf)) {
		ret_err(t, -E2BIG);
	} else {
		if (bn_mem_copy(f, t, -1, arg32(t, 4), buf, size, false,
				"perf_event_output: data") ||
		    bn_mem_copy(f, t, -1, data, buf + size, pkt_len, false,
				"perf_event_output: packet"))
			return BN_STEP_FAULT;
		if (sim->ops.event)
			sim->ops.event(sim->ops.opaque, idx, buf, size, buf + size, pkt_len);
		ret(t, 0);
	}
	return charge(f, t, FW_SIMPLE + (size + (u32)pkt_len) / 8, false);
}

static int fw_xdp_only(struct bn_fpc *f, struct bn_thr *t, u32 fwid)
{
	if (f->prog->type == BN_PROG_XDP)
		return fwid == BN_FW_ADJUST_HEAD ? fw_adjust_head(f, t) : fw_adjust_tail(f, t);
	bn_thr_why(t, "fw_call: %s is XDP-only", bn_helper_name(fwid));
	return BN_STEP_FAULT;
}

/* Every routine but map lookup (bn_fw_call). */
static __attribute__((noinline)) int fw_call_other(struct bn_fpc *f, struct bn_thr *t, u32 fwid)
{
	switch (fwid) {
	case BN_FW_MAP_UPDATE:
		return fw_map_update(f, t);
	case BN_FW_MAP_DELETE:
		return fw_map_delete(f, t);
	case BN_FW_KTIME:
		ret(t, bn_clock_ns(f));
		return charge(f, t, FW_SIMPLE, false);
	case BN_FW_PERF_OUTPUT:
		return fw_perf_output(f, t);
	case BN_FW_PRANDOM:
		ret(t, bn_rng_next(&f->prng) >> 32);
		return charge(f, t, FW_SIMPLE, false);
	case BN_FW_ADJUST_HEAD:
	case BN_FW_ADJUST_TAIL:
		return fw_xdp_only(f, t, fwid);
	default:
		bn_thr_why(t, "fw_call: no firmware routine %u", fwid);
		return BN_STEP_FAULT;
	}
}

int bn_fw_call(struct bn_fpc *f, struct bn_thr *t, u32 fwid)
{
	/* the frequent one apart: a plain tail call, no frame for the others' */
	if (likely(fwid == BN_FW_MAP_LOOKUP))
		return fw_map_lookup(f, t);
	return fw_call_other(f, t, fwid);
}
