// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Memory commands and signals.  A command moves its data when it issues
 * (reads land in xfer-in, writes take xfer-out as it is then, atomic adds
 * add), but completes only after the target's latency, drawn from the
 * FPC's seeded generator: until then the xfer-in words it fills are
 * pending (reading one faults) and its signal is not raised.  With SWAP
 * the thread sleeps until completion; otherwise SIG fires then and
 * ctx_wait collects it.  A thread with BN_MAX_INFLIGHT commands in flight
 * stalls until the oldest completes, like a full command queue.
 */
#include <string.h>
#include "nicsim_int.h"

static const char *const cmd_names[] = { "mem_rd", "mem_wr", "mem_add" };

/* bn_retire() when a command is due by @now. */
void bn_retire_due(struct bn_thr *t, u64 now)
{
	u64 nd = UINT64_MAX;
	u32 i = 0, pend = 0;

	while (i < t->ninfl) {
		struct bn_cmd *c = &t->infl[i];

		if (c->done_at <= now) {
			t->sigs |= 1u << c->sig;
			*c = t->infl[--t->ninfl];
			continue;
		}
		pend |= c->xin_mask;
		if (c->done_at < nd)
			nd = c->done_at;
		i++;
	}
	t->xin_pending = pend;
	t->next_done = nd;
}

/*
 * memcpy() for a command's 1..256 bytes between transfer registers and
 * memory (never overlapping): 16- or 8-byte moves, the last one
 * overlapping the one before.  GCC expands a memcpy() of unknown length
 * into rep movsq, whose start-up alone costs more than these few moves
 * (the empty asm keeps the loop a loop: GCC would turn it back into that
 * memcpy()).
 */
static inline void cmd_copy(void *dst, const void *src, u32 n)
{
	u8 *d = dst;
	const u8 *s = src;
	u64 v;
	u32 i;

	if (n >= 16) {
		for (i = 0; i + 16 < n; i += 16) {
			*(bn_v16 *)(d + i) = *(const bn_v16 *)(s + i);
			asm("" : "+r"(i));
		}
		*(bn_v16 *)(d + n - 16) = *(const bn_v16 *)(s + n - 16);
	} else if (n >= 8) {
		memcpy(&v, s, 8);
		memcpy(d, &v, 8);
		memcpy(&v, s + n - 8, 8);
		memcpy(d + n - 8, &v, 8);
	} else if (n >= 4) {
		u32 a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else {
		for (i = 0; i < n; i++)
			d[i] = s[i];
	}
}

static int cmd_read(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr,
		    u32 *mask)
{
	u32 len = in->len + 1, words = (len + 3) / 4;
	u32 *x = &t->r[BN_RF_XIN + in->xfer];
	const u8 *p = bn_mem_fast(f, t, in->tgt, addr, len);

	x[words - 1] = 0;	/* a partial last word reads as zero-extended */
	if (likely(p))
		cmd_copy(x, p, len);
	else if (bn_mem_copy(f, t, in->tgt, addr, x, len, false, cmd_names[0]))
		return -EFAULT;
	*mask = (u32)(((1ull << words) - 1) << in->xfer);
	return 0;
}

/*
 * The words of a write, 4 bytes at a time: the program has just stored them
 * into xfer-out one word each, and a wider load of two would wait for
 * those stores to reach the cache (bn_rf_u64()).
 */
static inline void cmd_copy_words(u8 *d, const u32 *x, u32 n)
{
	u32 i;

	for (i = 0; i + 16 <= n; i += 16) {	/* four words a turn */
		memcpy(d + i, &x[i / 4], 4);
		memcpy(d + i + 4, &x[i / 4 + 1], 4);
		memcpy(d + i + 8, &x[i / 4 + 2], 4);
		memcpy(d + i + 12, &x[i / 4 + 3], 4);
		asm("" : "+r"(i));	/* a loop, not a memcpy() (cmd_copy()) */
	}
	for (; i + 4 <= n; i += 4) {
		memcpy(d + i, &x[i / 4], 4);
		asm("" : "+r"(i));
	}
	if (n - i >= 2) {		/* 1..3 bytes left: no call for them */
		memcpy(d + i, &x[i / 4], 2);
		i += 2;
	}
	if (i < n)
		d[i] = ((const u8 *)x)[i];
}

static int cmd_write(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr)
{
	u32 len = in->len + 1;
	const u32 *x = &t->r[BN_RF_XOUT + in->xfer];
	u8 *p = bn_mem_fast(f, t, in->tgt, addr, len);

	if (likely(p)) {
		cmd_copy_words(p, x, len);
		return 0;
	}
	return bn_mem_copy(f, t, in->tgt, addr, (void *)x, len, true, cmd_names[1]);
}

/*
 * Atomic add, 4 or 8 bytes little-endian, naturally aligned (as eBPF
 * atomics are).  IMEM and EMEM are shared by host threads: real atomics.
 */
static int cmd_add(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr)
{
	u32 len = in->len + 1;
	const u32 *x = &t->r[BN_RF_XOUT + in->xfer];
	u8 *p;

	if (addr & (len - 1)) {
		bn_thr_why(t, "mem_add: address %#x is not %u-byte aligned", addr, len);
		return -EFAULT;
	}
	p = bn_mem_fast(f, t, in->tgt, addr, len);
	if (unlikely(!p) && !(p = bn_mem_ptr(f, t, in->tgt, addr, len, cmd_names[2])))
		return -EFAULT;
	if (len == 4)
		__atomic_fetch_add((u32 *)p, x[0], __ATOMIC_RELAXED);
	else
		__atomic_fetch_add((u64 *)p, bn_rf_u64(x[0], &x[1]), __ATOMIC_RELAXED);
	return 0;
}

/*
 * A command with SWAP is not kept in flight: its thread sleeps until it
 * completes and retires it first thing on waking, so nothing could see it
 * there (its words pending, its place in the queue); only the wake-up
 * time is needed.
 */
static inline __attribute__((always_inline)) int cmd_issue(struct bn_fpc *f, struct bn_thr *t,
							 const struct bn_dinsn *in, u32 mask)
{
	const struct bn_sim_lat *lat = &f->sim->p.lat[in->tgt];
	u64 done = f->now + in->cost + bn_rng_range(&f->lat_rng, lat->min, lat->max);
	struct bn_cmd *c;

	f->mem_cmds++;
	if (in->swap) {
		f->wake[t->idx] = done;
		return BN_STEP_SLEEP;
	}
	c = &t->infl[t->ninfl++];
	c->done_at = done;
	c->xin_mask = mask;
	c->sig = in->sig;
	t->xin_pending |= mask;
	if (done < t->next_done)
		t->next_done = done;
	return BN_STEP_OK;
}

/* A full command queue: the thread waits for the oldest command (false: it need not). */
static bool queue_full(struct bn_fpc *f, struct bn_thr *t)
{
	if (likely(t->ninfl < BN_MAX_INFLIGHT))
		return false;
	bn_retire(t, f->now);
	if (t->ninfl < BN_MAX_INFLIGHT)
		return false;
	f->wake[t->idx] = t->next_done;
	return true;
}

/*
 * One entry per command, at address @addr (A + B): the host code calls the
 * one its instruction needs, the interpreter bn_mem_cmd().
 */
int bn_mem_rd(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr)
{
	u32 mask = 0;

	if (unlikely(queue_full(f, t)))
		return BN_STEP_STALL;
	return cmd_read(f, t, in, addr, &mask) ? BN_STEP_FAULT : cmd_issue(f, t, in, mask);
}

int bn_mem_wr(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr)
{
	if (unlikely(queue_full(f, t)))
		return BN_STEP_STALL;
	return cmd_write(f, t, in, addr) ? BN_STEP_FAULT : cmd_issue(f, t, in, 0);
}

int bn_mem_add(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr)
{
	if (unlikely(queue_full(f, t)))
		return BN_STEP_STALL;
	return cmd_add(f, t, in, addr) ? BN_STEP_FAULT : cmd_issue(f, t, in, 0);
}

int bn_mem_cmd(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 a, u32 b)
{
	switch (in->op) {
	case BN_OP_mem_rd:
		return bn_mem_rd(f, t, in, a + b);
	case BN_OP_mem_wr:
		return bn_mem_wr(f, t, in, a + b);
	default:
		return bn_mem_add(f, t, in, a + b);
	}
}

/* When signal @s will fire: the earliest signalling command that raises it. */
static u64 sig_due(const struct bn_thr *t, u32 s)
{
	u64 at = UINT64_MAX;
	u32 i;

	for (i = 0; i < t->ninfl; i++)
		if (t->infl[i].sig == s && t->infl[i].done_at < at)
			at = t->infl[i].done_at;
	return at;
}

int bn_ctx_wait(struct bn_fpc *f, struct bn_thr *t, u8 mask)
{
	u8 missing;
	u64 wake = 0, at;
	u32 s;

	bn_retire(t, f->now);
	missing = mask & ~t->sigs;
	if (!missing) {
		t->sigs &= ~mask;
		return BN_STEP_OK;
	}
	for (s = 0; s < 8; s++) {
		if (!(missing & (1u << s)))
			continue;
		at = sig_due(t, s);
		if (at == UINT64_MAX) {
			/* nothing in flight raises it: the thread would sleep forever */
			bn_thr_why(t, "ctx_wait: signal %u is never raised", s);
			return BN_STEP_FAULT;
		}
		if (at > wake)
			wake = at;
	}
	t->wait_mask = mask;
	f->wake[t->idx] = wake;
	return BN_STEP_SLEEP;
}
