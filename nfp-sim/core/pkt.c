// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Packet engine: puts a packet into its thread's CTM frame at
 * BN_XDP_HEADROOM, fills the context words as the kernel's
 * BPF_PROG_TEST_RUN shows them to the program type, and after the run maps
 * the verdict to an action and delivers data..data_end.
 *
 * Frame layout (frame = BN_PKT_FRAME or less, see bn_frame_size):
 *   [0, 256)                 headroom (zeroed if the program can reach it)
 *   [256, 256 + len)         the packet
 *   [frame - 320, frame)     tailroom the kernel reserves for skb_shared_info
 * so a packet may be at most frame - 256 - 320 bytes, like the linear part
 * of test_run's 4 KiB page; shorter than an Ethernet header or longer than
 * that, it is dropped without running (counted as a drop, and logged).
 */
#include <stdio.h>
#include <string.h>
#include "nicsim_int.h"

/* struct xdp_md and struct __sk_buff word offsets (uapi). */
enum {
	XDP_DATA, XDP_DATA_END, XDP_DATA_META, XDP_INGRESS_IFINDEX, XDP_RX_QUEUE,
	XDP_EGRESS_IFINDEX,
};
#define SKB_LEN		(0 / 4)
#define SKB_PKT_TYPE	(4 / 4)
#define SKB_PROTOCOL	(16 / 4)
#define SKB_IFINDEX	(40 / 4)
#define SKB_DATA	(76 / 4)
#define SKB_DATA_END	(80 / 4)
#define SKB_DATA_META	(140 / 4)
#define SKB_WORDS	(192 / 4)	/* sizeof(struct __sk_buff) */

enum bn_sim_action bn_sim_verdict(uint32_t prog_type, uint32_t retval)
{
	static const u8 xdp[] = { BN_ACT_ABORTED, BN_ACT_DROP, BN_ACT_PASS, BN_ACT_TX };

	if (prog_type == BN_PROG_XDP)
		return retval < ARRAY_SIZE(xdp) ? xdp[retval] : BN_ACT_ABORTED;
	if (prog_type != BN_PROG_TC)
		return BN_ACT_ABORTED;
	switch ((s32)retval) {
	case 2:		/* TC_ACT_SHOT */
	case 4:		/* TC_ACT_STOLEN */
	case 5:		/* TC_ACT_QUEUED */
	case 8:		/* TC_ACT_TRAP */
		return BN_ACT_DROP;
	case 7:		/* TC_ACT_REDIRECT: no redirect target on this device */
		return BN_ACT_ABORTED;
	default:	/* OK, RECLASSIFY, PIPE, REPEAT, UNSPEC and the rest */
		return BN_ACT_PASS;
	}
}

/* eth_type_trans() against the all-zero address test_run's loopback has. */
static u32 skb_pkt_type(const u8 *eth)
{
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 zero[6];

	if (!memcmp(eth, zero, 6))
		return 0;			/* PACKET_HOST */
	if (eth[0] & 1)
		return memcmp(eth, bcast, 6) ? 2 : 1;	/* MULTICAST : BROADCAST */
	return 3;				/* PACKET_OTHERHOST */
}

/* skb->protocol as eth_type_trans() sets it: __be16, read as a u32. */
static u32 skb_protocol(const u8 *eth, u32 len)
{
	u16 proto = eth[12] << 8 | eth[13];

	if (proto >= 0x600)
		return __builtin_bswap16(proto);
	if (len >= BN_ETH_HLEN + 2 && eth[14] == 0xff && eth[15] == 0xff)
		return __builtin_bswap16(0x0001);	/* ETH_P_802_3: raw IPX */
	return __builtin_bswap16(0x0004);		/* ETH_P_802_2 */
}

static void ctx_fill(const struct bn_prog *prog, struct bn_thr *t, const struct bn_sim_pkt *pk,
		     const u8 *pkt)
{
	u32 data = BN_ADDR_CTM + t->frame + BN_XDP_HEADROOM;
	u32 ifindex = pk->ifindex ? pk->ifindex : 1;

	if (prog->type == BN_PROG_XDP) {
		/* the rest of the words are never written: csr_wr faults */
		memset(t->ctx, 0, 8 * sizeof(u32));
		t->ctx[XDP_DATA] = data;
		t->ctx[XDP_DATA_END] = data + pk->len;
		t->ctx[XDP_DATA_META] = data;
		t->ctx[XDP_INGRESS_IFINDEX] = ifindex;
		t->ctx[XDP_RX_QUEUE] = pk->rx_queue;
		return;
	}
	/* test_run: loopback device, no ctx_in: ingress_ifindex 0, wire_len 0 */
	memset(t->ctx, 0, SKB_WORDS * sizeof(u32));
	t->ctx[SKB_LEN] = pk->len;
	t->ctx[SKB_PKT_TYPE] = skb_pkt_type(pkt);
	t->ctx[SKB_PROTOCOL] = skb_protocol(pkt, pk->len);
	t->ctx[SKB_IFINDEX] = ifindex;
	t->ctx[SKB_DATA] = data;
	t->ctx[SKB_DATA_END] = data + pk->len;
	t->ctx[SKB_DATA_META] = data;
}

/*
 * Zero @n bytes (a multiple of 64) at @p with 16-byte stores, inline: for
 * the register banks (128 bytes each) and the headroom, memset() costs a
 * call or a rep stos start-up that is slower than the stores themselves.
 */
_Static_assert(BN_NUM_GPR * sizeof(u32) % 64 == 0 && BN_XDP_HEADROOM % 64 == 0,
	       "zero_blocks() clears 64-byte blocks");

static inline void zero_blocks(void *p, size_t n)
{
	bn_v16 *v = p, z = { 0, 0 };
	size_t i;

	for (i = 0; i < n / 16; i += 4) {
		v[i] = z;
		v[i + 1] = z;
		v[i + 2] = z;
		v[i + 3] = z;
	}
}

/* A packet's first state: GPRs 0 but R1 (the context), bank B too unless @p keeps one copy. */
void bn_thr_reset_regs(struct bn_thr *t, const struct bn_prog *p)
{
	zero_blocks(&t->r[BN_RF_A], (p->one_bank ? 1 : 2) * BN_NUM_GPR * sizeof(u32));
	t->r[BN_RF_A + BN_ABI_GPR_LO(1)] = BN_ADDR_CTX;
	t->r[BN_RF_B + BN_ABI_GPR_LO(1)] = BN_ADDR_CTX;
	t->fl = 0;
	t->sigs = 0;
	t->wait_mask = 0;
	t->ninfl = 0;
	t->xin_pending = 0;
	t->next_done = UINT64_MAX;
	t->defer_left = 0;
	t->lm_fp = 0;
	t->ts_hi = 0;
	t->pc = 0;
	t->budget = BN_WATCHDOG_INSNS;
}

/* ---- delivery --------------------------------------------------------------------- */

static void deliver(struct bn_sim *sim, int action, const struct bn_sim_pkt *pk,
		    const u8 *frame, u32 len)
{
	const struct bn_sim_ops *ops = &sim->ops;

	if (!((action == BN_ACT_TX && ops->tx) || (action == BN_ACT_PASS && ops->to_host)))
		return;
	if (sim->ops_locked)
		pthread_mutex_lock(&sim->ops_lock);
	if (action == BN_ACT_TX)
		ops->tx(ops->opaque, frame, len);
	else
		ops->to_host(ops->opaque, pk->rx_queue, frame, len);
	if (sim->ops_locked)
		pthread_mutex_unlock(&sim->ops_lock);
}

static void result(struct bn_batch *b, u32 idx, const u8 *frame, u32 len)
{
	struct bn_sim_result *r = b->res ? &b->res[idx] : NULL;

	if (!r)
		return;
	r->out_len = len;
	if (r->out && r->out_cap)
		memcpy(r->out, frame, len < r->out_cap ? len : r->out_cap);
}

static void count(struct bn_fpc *f, int action)
{
	f->packets++;
	f->actions[action]++;
}

/* A packet that never runs: no program (pass), or it does not fit (drop). */
static void pkt_skip(struct bn_batch *b, struct bn_fpc *f, u32 idx, int action,
		     const char *msg)
{
	const struct bn_sim_pkt *pk = &b->pkts[idx];
	struct bn_sim_result *r = b->res ? &b->res[idx] : NULL;

	if (r) {
		r->retval = action == BN_ACT_PASS ? 2 : 1;	/* XDP_PASS / XDP_DROP */
		r->action = action;
		r->fault = 0;
		snprintf(r->fault_msg, sizeof(r->fault_msg), "%s", msg);
		r->cycles = 0;
		r->insns = 0;
	}
	if (msg[0])
		bn_log(f->sim, "packet %u: %s", idx, msg);
	result(b, idx, pk->data, action == BN_ACT_PASS ? pk->len : 0);
	deliver(f->sim, action, pk, pk->data, pk->len);
	count(f, action);
}

static bool pkt_fits(struct bn_batch *b, struct bn_fpc *f, u32 idx)
{
	u32 len = b->pkts[idx].len, max = bn_frame_room(f->sim->frame);
	char msg[96];

	if (len >= BN_ETH_HLEN && len <= max)
		return true;
	if (len < BN_ETH_HLEN)
		snprintf(msg, sizeof(msg), "%u bytes is shorter than an Ethernet header: dropped",
			 len);
	else
		snprintf(msg, sizeof(msg), "%u bytes do not fit the %u-byte frame (at most %u): dropped",
			 len, f->sim->frame, max);
	pkt_skip(b, f, idx, BN_ACT_DROP, msg);
	return false;
}

/* Start packet @idx on @t; false if it finished without running. */
int bn_pkt_start(struct bn_batch *b, struct bn_fpc *f, struct bn_thr *t, u32 idx)
{
	const struct bn_sim_pkt *pk = &b->pkts[idx];
	u8 *frame = f->isl->ctm + t->frame;

	if (!b->prog) {
		pkt_skip(b, f, idx, BN_ACT_PASS, "");
		return false;
	}
	if (!pkt_fits(b, f, idx))
		return false;
	if (b->prog->zero_headroom) {	/* what adjust_head let earlier packets write */
		u32 lo = t->head_low & ~63u;

		zero_blocks(frame + lo, BN_XDP_HEADROOM - lo);
		t->head_low = BN_XDP_HEADROOM;
	}
	memcpy(frame + BN_XDP_HEADROOM, pk->data, pk->len);
	ctx_fill(b->prog, t, pk, pk->data);
	bn_thr_reset_regs(t, b->prog);
	t->pkt = idx;
	t->pkt_start = f->now;
	f->st[t->idx] = BN_T_READY;
	return true;
}

/* The output frame: data..data_end, if they still lie in the thread's frame. */
static const u8 *out_frame(struct bn_fpc *f, struct bn_thr *t, u32 *len)
{
	bool tc = f->prog->type == BN_PROG_TC;
	u32 data = t->ctx[tc ? SKB_DATA : XDP_DATA], end = t->ctx[tc ? SKB_DATA_END : XDP_DATA_END];
	u32 lo = BN_ADDR_CTM + t->frame, hi = lo + f->sim->frame;

	if (data < lo || end > hi || data > end) {
		*len = 0;
		return f->isl->ctm;
	}
	*len = end - data;
	return f->isl->ctm + (data - BN_ADDR_CTM);
}

static void fill_result(struct bn_batch *b, struct bn_fpc *f, struct bn_thr *t, int action,
			bool fault, u64 insns)
{
	struct bn_sim_result *r = &b->res[t->pkt];

	r->retval = fault ? 0 : t->verdict;
	r->action = action;
	r->fault = fault;
	if (fault)
		snprintf(r->fault_msg, sizeof(r->fault_msg), "%s at pc %#x", t->why, t->fault_pc);
	else
		r->fault_msg[0] = '\0';
	r->cycles = f->now - t->pkt_start;
	r->insns = insns;
}

void bn_pkt_finish(struct bn_batch *b, struct bn_fpc *f, struct bn_thr *t, int rc)
{
	bool fault = rc == BN_RUN_FAULT;
	int action = fault ? BN_ACT_ABORTED : bn_sim_verdict(f->prog->type, t->verdict);
	u64 insns = BN_WATCHDOG_INSNS - t->budget;
	const u8 *frame;
	u32 len;

	if (fault) {
		f->faults++;
		bn_log(f->sim, "island %u fpc %u thread %u: packet %u: fault: %s at pc %#x",
		       f->island, f->idx, t->idx, t->pkt, t->why, t->fault_pc);
	}
	frame = out_frame(f, t, &len);
	if (b->res)
		fill_result(b, f, t, action, fault, insns);
	result(b, t->pkt, frame, len);
	deliver(f->sim, action, &b->pkts[t->pkt], frame, len);
	count(f, action);
	f->insns += insns;
	t->ninfl = 0;
	f->st[t->idx] = BN_T_IDLE;
	f->wake[t->idx] = 0;	/* free: the scheduler gives it the next packet */
}
