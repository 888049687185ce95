// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Timing model and batch engine.
 *
 * Packet i goes to island i % I, FPC (i / I) % F: round-robin over
 * islands, then FPCs.  An FPC's threads take its packets in order as they
 * become free.  Each FPC has its own clock; its threads run cooperatively:
 * the running thread executes until it sleeps (memory command, ctx_wait,
 * a helper's EMEM access), which costs BN_CTX_SWAP_CYCLES, then the next
 * ready thread in round-robin order runs; with none ready the FPC idles
 * until the earliest wake-up.  FPCs share no timing resource, so the model
 * only has to keep the shared memory (maps, IMEM, EMEM) in a plausible
 * order: a group of islands is simulated by stepping the FPC whose clock
 * is furthest behind (a binary heap keyed by clock, then FPC number) until
 * it is a window of cycles ahead of the next one, so accesses to shared
 * memory are ordered in time to within that window: 256 cycles.  A larger
 * window keeps an FPC's threads in the host's caches for longer turns
 * (faster), at the price of a coarser order: packets that race on maps may
 * see them in another order, and frames of different FPCs leave in another
 * order.  A program the JIT proved order-free (BN_IMAGE_F_ORDER_FREE: what
 * any packet reads of the maps no other packet changes) has nothing the
 * order could change but the order of frames between FPCs, so it runs with
 * a 65536-cycle window; the sched_window parameter sets one for all.
 *
 * host_threads == 1: one group, everything deterministic for a seed.
 * host_threads > 1: islands are spread over that many groups, each run by a
 * host thread; every FPC still draws from its own generator, so timing and
 * verdicts match the single-threaded run unless packets race on maps.
 */
#include <stdlib.h>
#include <string.h>
#include "nicsim_int.h"

#define BN_WINDOW		256	/* cycles an FPC may run ahead */
#define BN_WINDOW_ORDER_FREE	65536	/* the same for an order-free program */

/* ---- FPC heap keyed by (clock, gidx) ------------------------------------------ */

/*
 * The key is clock << 12 | gidx (gidx < 64 * 64; a clock below 2^52 cycles
 * is weeks of device time), kept in the heap entry: sifting compares
 * integers and touches no other FPC's struct.
 */
#define KEY_GIDX_BITS	12

struct hent {
	u64 key;
	struct bn_fpc *f;
};

struct heap {
	struct hent *v;
	u32 n;
};

static u64 fpc_key(const struct bn_fpc *f)
{
	return f->now << KEY_GIDX_BITS | f->gidx;
}

static void heap_up(struct heap *h, u32 i)
{
	struct hent x = h->v[i];

	while (i && x.key < h->v[(i - 1) / 2].key) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

/* Sift v[i] down: the earlier child moves up into the hole until x fits. */
static void heap_down(struct heap *h, u32 i)
{
	struct hent x = h->v[i];
	u32 n = h->n;

	for (;;) {
		u32 l = 2 * i + 1, m;

		if (l >= n)
			break;
		m = l + 1 < n && h->v[l + 1].key < h->v[l].key ? l + 1 : l;
		if (h->v[m].key >= x.key)
			break;
		h->v[i] = h->v[m];
		i = m;
	}
	h->v[i] = x;
}

/* The clock of the FPC that runs after the top one (@win: the window). */
static u64 heap_second(const struct heap *h, u32 win)
{
	u64 k;

	if (h->n < 2)
		return UINT64_MAX - win;
	k = h->n == 2 || h->v[1].key <= h->v[2].key ? h->v[1].key : h->v[2].key;
	return k >> KEY_GIDX_BITS;
}

static void heap_push(struct heap *h, struct bn_fpc *f)
{
	h->v[h->n] = (struct hent){ fpc_key(f), f };
	heap_up(h, h->n++);
}

/* ---- one FPC ------------------------------------------------------------------- */

/*
 * FPCs in dispatch order: k-th is island k % I, FPC k / I.  Only the first
 * min(n, I * F) of them get packets.
 */
static struct bn_fpc *fpc_nth(struct bn_sim *sim, u32 k)
{
	return &sim->isl[k % sim->p.islands].fpc[k / sim->p.islands];
}

static u32 fpcs_active(const struct bn_batch *b)
{
	return b->n < b->nfpcs ? b->n : b->nfpcs;
}

/* Hand free thread @k its FPC's next packet (the one after, if that one does not run). */
static void fpc_feed(struct bn_batch *b, struct bn_fpc *f, u32 k)
{
	u64 i;

	while (f->st[k] == BN_T_IDLE) {
		i = f->next_pkt;
		if (i >= b->n)
			return;
		f->next_pkt = i + b->nfpcs;
		if (i + b->nfpcs < b->n)	/* this FPC's next packet: a host prefetch */
			__builtin_prefetch(&b->pkts[i + b->nfpcs]);
		bn_pkt_start(b, f, &f->thr[k], i);
	}
}

/*
 * The next thread to run (its number; -1: none has anything left to do):
 * round-robin from the one after the last, the first awake, else the one
 * that wakes first (the first of those in that order), the clock moved
 * there.  A free thread counts as awake (wake 0) until its FPC has no
 * packets left for it (BN_WAKE_NEVER); no thread is READY between steps.
 * It reads bn_fpc.wake[] only, and without branches that depend on it
 * (they mispredict often): the smallest key max(wake, now) << 3 | the
 * thread's place in round-robin order is the one.  With four threads the
 * wakes are read in that order, so each key is a constant place added
 * (one lea), and the clock moves to the key's time unconditionally (it is
 * never below now).
 */
#define BN_WAKE_NEVER	(UINT64_MAX >> 3)	/* a clock below 2^61 cycles keeps its key */

static inline u64 pick_key(u64 w, u64 now, u32 place)
{
	return (w > now ? w : now) << 3 | place;
}

static inline u64 min64(u64 a, u64 b)
{
	return a < b ? a : b;
}

static int fpc_pick(struct bn_fpc *f)
{
	const u64 *w = f->wake;
	u64 now = f->now, bkey = UINT64_MAX;
	u32 i, k = f->cur, n = f->nthr;

	if (n == 4) {		/* the default: four keys, compared as a tree */
		bkey = min64(min64(pick_key(w[(k + 1) & 3], now, 0),
				   pick_key(w[(k + 2) & 3], now, 1)),
			     min64(pick_key(w[(k + 3) & 3], now, 2),
				   pick_key(w[k], now, 3)));
		k = (k + 1 + (u32)bkey) & 3;
	} else {
		for (i = 0; i < n; i++) {
			if (++k == n)
				k = 0;
			bkey = min64(bkey, pick_key(w[k], now, i));
		}
		k = f->cur + 1 + (u32)(bkey & 7);
		if (k >= n)
			k -= n;
	}
	if (bkey >= BN_WAKE_NEVER << 3)
		return -1;
	f->cur = k;
	f->idle += (bkey >> 3) - now;
	f->now = bkey >> 3;
	return k;
}

static u64 last_done(const struct bn_thr *t)
{
	u64 at = 0;
	u32 i;

	for (i = 0; i < t->ninfl; i++)
		if (t->infl[i].done_at > at)
			at = t->infl[i].done_at;
	return at;
}

/* Run one thread until it sleeps or ends its packet; false: FPC finished. */
static bool fpc_step(struct bn_batch *b, struct bn_fpc *f)
{
	struct bn_thr *t;
	int k, rc;
	u8 *st;

	for (;;) {
		k = fpc_pick(f);
		if (k < 0)
			return false;
		if (f->st[k] != BN_T_IDLE)
			break;
		fpc_feed(b, f, k);
		if (f->st[k] != BN_T_IDLE)
			break;
		f->wake[k] = BN_WAKE_NEVER;	/* no packet left for it */
	}
	t = &f->thr[k];
	st = &f->st[k];
	if (*st == BN_T_DRAIN) {
		bn_pkt_finish(b, f, t, BN_RUN_DONE);
		return true;
	}
	if (*st == BN_T_SLEEP) {
		bn_retire(t, f->now);
		if (unlikely(t->wait_mask)) {	/* ctx_wait consumes its signals */
			t->sigs &= ~t->wait_mask;
			t->wait_mask = 0;
		}
		*st = BN_T_READY;
	}
	rc = likely(!f->sim->trace) ? bn_exec_native(f, t) : BN_RUN_INTERP;
	if (rc == BN_RUN_INTERP)
		rc = bn_exec(f, t);
	if (rc == BN_RUN_SLEEP) {
		*st = BN_T_SLEEP;	/* until f->wake[], set by what put it to sleep */
		f->now += BN_CTX_SWAP_CYCLES;
	} else if (rc == BN_RUN_DONE && t->ninfl) {
		/* its last writes land before the packet leaves */
		*st = BN_T_DRAIN;
		f->wake[t->idx] = last_done(t);
	} else {
		bn_pkt_finish(b, f, t, rc);
	}
	return true;
}

static void fpc_batch_init(struct bn_batch *b, struct bn_fpc *f)
{
	u32 k;

	f->prog = b->prog;
	f->batch = b;
	f->now = 0;
	f->idle = 0;
	f->cur = f->nthr - 1;
	f->next_pkt = (u64)f->idx * b->sim->p.islands + f->island;	/* fpc_nth() */
	f->packets = f->insns = f->mem_cmds = f->faults = 0;
	memset(f->actions, 0, sizeof(f->actions));
	for (k = 0; k < f->nthr; k++) {
		f->st[k] = BN_T_IDLE;
		f->wake[k] = 0;
		f->thr[k].head_low = 0;	/* unknown: the first packet zeroes all of it */
	}
}

/* ---- groups of islands ------------------------------------------------------------ */

void bn_run_group(struct bn_batch *b, u32 g, u32 ng)
{
	struct bn_sim *sim = b->sim;
	struct hent heap_v[64 * 64];
	struct heap h = { heap_v, 0 };
	u32 k, nact = fpcs_active(b);
	u32 win = sim->p.sched_window ? sim->p.sched_window :
		  b->prog && (b->prog->flags & BN_IMAGE_F_ORDER_FREE) ? BN_WINDOW_ORDER_FREE :
		  BN_WINDOW;

	for (k = 0; k < nact; k++)
		if ((k % sim->p.islands) % ng == g)
			heap_push(&h, fpc_nth(sim, k));
	while (h.n) {
		struct bn_fpc *f = h.v[0].f;
		u64 limit = heap_second(&h, win) + win;
		bool alive;

		do
			alive = fpc_step(b, f);
		while (alive && f->now < limit);
		if (alive)
			h.v[0].key = fpc_key(f);
		else
			h.v[0] = h.v[--h.n];
		heap_down(&h, 0);
	}
}

/* ---- statistics -------------------------------------------------------------------- */

static void stats_fill(struct bn_batch *b, struct bn_sim_stats *st, u64 elapsed)
{
	struct bn_sim *sim = b->sim;
	u32 i, k, nf = fpcs_active(b);
	double cpp = 0;

	memset(st, 0, sizeof(*st));
	st->packets = b->n;
	st->elapsed_cycles = elapsed;
	for (i = 0; i < nf; i++) {
		struct bn_fpc *f = fpc_nth(sim, i);

		for (k = 0; k < BN_ACT__COUNT; k++)
			st->actions[k] += f->actions[k];
		st->faults += f->faults;
		st->insns += f->insns;
		st->mem_cmds += f->mem_cmds;
		st->busy_cycles += f->now - f->idle;
		cpp += (double)f->now / f->packets;
	}
	st->cycles_per_pkt = nf ? cpp / nf : 0;
	st->mpps_per_fpc = st->cycles_per_pkt > 0 ? sim->p.mhz / st->cycles_per_pkt : 0;
	st->mpps_nic = elapsed ? (double)b->n * sim->p.mhz / elapsed : 0;
}

static u64 batch_elapsed(struct bn_batch *b)
{
	u32 k, nact = fpcs_active(b);
	u64 max = 0;

	for (k = 0; k < nact; k++)
		if (fpc_nth(b->sim, k)->now > max)
			max = fpc_nth(b->sim, k)->now;
	return max;
}

static void batch_run(struct bn_sim *sim, struct bn_batch *b, struct bn_sim_stats *st)
{
	u32 ng = b->n > 1 ? sim->p.host_threads : 1, k, nact;
	u64 elapsed;

	if (ng > sim->p.islands)
		ng = sim->p.islands;
	b->nfpcs = sim->p.islands * sim->p.fpcs;
	nact = fpcs_active(b);
	for (k = 0; k < nact; k++)
		fpc_batch_init(b, fpc_nth(sim, k));
	sim->ops_locked = ng > 1;
	bn_pool_run(sim, b, ng);
	sim->ops_locked = false;
	elapsed = batch_elapsed(b);
	if (st)
		stats_fill(b, st, elapsed);
	sim->cycle_base += elapsed;
}

int bn_sim_run_batch(struct bn_sim *sim, const struct bn_sim_pkt *pkts, uint32_t n,
		     struct bn_sim_result *res, struct bn_sim_stats *stats)
{
	struct bn_batch b = { .sim = sim, .pkts = pkts, .n = n, .res = res };
	u32 i;

	if (!sim || (n && !pkts))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!pkts[i].data && pkts[i].len)
			return -EINVAL;
	pthread_mutex_lock(&sim->run_lock);
	b.prog = bn_prog_get(sim);
	batch_run(sim, &b, stats);
	bn_prog_put(sim, (struct bn_prog *)b.prog);
	pthread_mutex_unlock(&sim->run_lock);
	return 0;
}

int bn_sim_run_one(struct bn_sim *sim, const struct bn_sim_pkt *pkt, struct bn_sim_result *res)
{
	/* packet 0 of a batch lands on island 0, FPC 0, thread 0 */
	return bn_sim_run_batch(sim, pkt, 1, res, NULL);
}
