// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Memory commands on every target (data, latency bounds, faults), pending
 * transfer registers, signals and ctx_wait, CSRs and context words for XDP
 * and tc, the verdict mapping and the packet engine's delivery.
 */
#include "simtest.h"

static struct bn_sim *sim;

static const struct {
	const char *name;
	u8 tgt;
	u32 addr;
} targets[] = {
	{ "cls", BN_TGT_CLS, BN_ADDR_CLS + 0x100 },
	{ "ctm", BN_TGT_CTM, BN_ADDR_CTM + 0x3f000 },	/* above the packet frames */
	{ "imem", BN_TGT_IMEM, BN_ADDR_IMEM + 0x1000 },
	{ "emem", BN_TGT_EMEM, BN_ADDR_EMEM + 0x100000 },
	{ "lm", BN_TGT_LM, 0 },				/* the thread's stack */
};

/* Write 8 bytes, read them back, return the cycles the read took. */
static u64 roundtrip(u8 tgt, u32 addr, u32 *lo, u32 *hi)
{
	struct bn_sim_result r;
	struct tprog p;
	u32 i, rd = 0;

	tp_init(&p, BN_PROG_XDP);
	if (tgt == BN_TGT_LM)
		E(&p, a_csr_rd(RR(2), BN_CSR_LM_FP_ADDR));
	else
		E_ld32(&p, RR(2), addr);
	E_ld32(&p, XR(0), 0x11223344);
	E_ld32(&p, XR(1), 0x55667788);
	E(&p, a_mem(BN_OP_mem_wr, tgt, AR(2), IM(8), 0, 8, 0, 1));
	rd = E(&p, a_mem(BN_OP_mem_rd, tgt, AR(2), IM(8), 4, 8, 0, 1));
	E(&p, a_alu(BN_OP_mov, RR(4), N, XR(4)));
	E(&p, a_alu(BN_OP_mov, RR(5), N, XR(5)));
	E(&p, a_done(N));
	r = t_exec(sim, &p);
	*lo = t_tr.last.a[4];
	*hi = t_tr.last.a[5];
	if (r.fault)
		return 0;
	for (i = 0; i < t_tr.n; i++)
		if (t_tr.pc[i] == BN_LOAD_BASE + rd)
			return t_tr.cycle[i + 1] - t_tr.cycle[i];
	return 0;
}

static void test_targets(void)
{
	struct bn_sim_params prm;
	unsigned int i, k;

	bn_sim_params_default(&prm);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		const struct bn_sim_lat *lat = &prm.lat[targets[i].tgt];
		u64 min = ~0ull, max = 0, c;
		u32 lo = 0, hi = 0, bad = 0;

		for (k = 0; k < 40; k++) {
			c = roundtrip(targets[i].tgt, targets[i].addr, &lo, &hi);
			if (lo != 0x11223344 || hi != 0x55667788)
				bad++;
			min = c < min ? c : min;
			max = c > max ? c : max;
		}
		CHECK(!bad, "%s: 8 bytes round trip (%#x %#x)", targets[i].name, lo, hi);
		/* issue (1 cycle) + latency: the FPC idles until completion */
		CHECK(min >= 1u + lat->min && max <= 1u + lat->max && (lat->min == lat->max || max > min),
		      "%s: read took %llu..%llu cycles, latency %u..%u", targets[i].name,
		      (unsigned long long)min, (unsigned long long)max, lat->min, lat->max);
	}
}

/* CTM well past the frames of the threads that run packets: the lengths' tests use it */
#define CTM_SCRATCH	(BN_ADDR_CTM + (200 << 10))

/*
 * Reads of every length a command moves into the 32 xfer-in words: the
 * bytes land in order, the rest of the last word reads as zero (the copy
 * moves 16, 8 or 4 bytes at a time, the last move overlapping).
 */
static void test_read_lengths(void)
{
	const u32 addr = CTM_SCRATCH;
	u8 pat[4 * BN_NUM_XFER], got[4 * BN_NUM_XFER];
	u32 len, i, bad = 0;
	struct tprog p;

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (u8)(i * 7 + 3);
	bn_sim_dev_write(sim, 0, 0, addr, pat, sizeof(pat));
	for (len = 1; len <= sizeof(pat); len++) {
		tp_init(&p, BN_PROG_XDP);
		E_ld32(&p, RR(2), addr);
		E(&p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(0), 0, len, 0, 1));
		E(&p, a_done(N));
		if (t_exec(sim, &p).fault) {
			bad++;
			continue;
		}
		memcpy(got, t_tr.last.xin, sizeof(got));
		for (i = 0; i < (len + 3) / 4 * 4; i++)
			if (got[i] != (i < len ? pat[i] : 0))
				break;
		if (i < (len + 3) / 4 * 4 && bad++ < 3)
			printf("  read of %u bytes: byte %u is %#x\n", len, i, got[i]);
	}
	CHECK(!bad, "reads of 1..%zu bytes (%u wrong)", sizeof(pat), bad);
}

/* Writes of every length from the xfer-out words: those bytes, none after them. */
static void test_write_lengths(void)
{
	const u32 addr = CTM_SCRATCH;
	u8 want[4 * BN_NUM_XFER + 4], got[4 * BN_NUM_XFER + 4];
	u32 len, i, bad = 0;
	struct tprog p;

	for (len = 1; len <= 4 * BN_NUM_XFER; len++) {
		memset(want, 0xee, sizeof(want));
		bn_sim_dev_write(sim, 0, 0, addr, want, sizeof(want));
		tp_init(&p, BN_PROG_XDP);
		E_ld32(&p, RR(2), addr);
		for (i = 0; i < (len + 3) / 4; i++)
			E_ld32(&p, XR(i), 0x01010101u * (4 * i + 1) + 0x03020100u);
		E(&p, a_mem(BN_OP_mem_wr, BN_TGT_CTM, AR(2), IM(0), 0, len, 0, 1));
		E(&p, a_done(N));
		for (i = 0; i < len; i++)
			want[i] = (u8)(i + 1);
		if (t_exec(sim, &p).fault || bn_sim_dev_read(sim, 0, 0, addr, got, sizeof(got)) ||
		    memcmp(got, want, sizeof(got))) {
			if (bad++ < 3)
				printf("  write of %u bytes differs\n", len);
		}
	}
	CHECK(!bad, "writes of 1..%u bytes (%u wrong)", 4 * BN_NUM_XFER, bad);
}

static void test_dev_memory(void)
{
	u8 buf[8];

	CHECK(!bn_sim_dev_read(sim, 0, 0, BN_ADDR_CLS + 0x108, buf, 8) &&
	      !memcmp(buf, "\x44\x33\x22\x11\x88\x77\x66\x55", 8),
	      "memory is little-endian words: %02x %02x", buf[0], buf[4]);
	CHECK(!bn_sim_dev_read(sim, 1, 0, BN_ADDR_CLS + 0x108, buf, 8) && !buf[0],
	      "CLS is per island");
	CHECK(!bn_sim_dev_read(sim, 3, 0, BN_ADDR_EMEM + 0x100008, buf, 8) && buf[0] == 0x44,
	      "EMEM is global");
	CHECK(bn_sim_dev_read(sim, 0, 0, BN_ADDR_CLS + (64 << 10) - 4, buf, 8) == -EFAULT,
	      "host access past CLS");
	CHECK(bn_sim_dev_read(sim, 9, 0, BN_ADDR_CLS, buf, 8) == -EFAULT, "no island 9");
}

static struct bn_sim_result run_words(const u64 *w, u32 n)
{
	struct tprog p;
	u32 i;

	tp_init(&p, BN_PROG_XDP);
	for (i = 0; i < n; i++)
		E(&p, w[i]);
	return t_exec(sim, &p);
}

static void test_mem_faults(void)
{
	struct bn_sim_result r;
	u64 w[8];

	w[0] = a_immed(RR(2), 0x0202, 2, 0);		/* CLS + 0x20000 */
	w[1] = a_nop();
	w[2] = a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(0), 0, 4, 0, 1);
	w[3] = a_done(N);
	r = run_words(w, 4);
	CHECK(r.fault && !strcmp(r.fault_msg, "mem_rd: address 0x2020000 is not in ctm at pc 0x42"),
	      "target mismatch: %s", r.fault_msg);

	w[2] = a_mem(BN_OP_mem_rd, BN_TGT_CLS, AR(2), IM(0), 0, 4, 0, 1);
	r = run_words(w, 4);
	CHECK(r.fault && strstr(r.fault_msg, "overrun cls"), "CLS bounds: %s", r.fault_msg);

	w[0] = a_immed(RR(2), 0x1000, 0, 0);
	w[1] = a_mem(BN_OP_mem_wr, BN_TGT_LM, AR(2), IM(0), 0, 4, 0, 1);
	w[2] = a_done(N);
	r = run_words(w, 3);
	CHECK(r.fault && strstr(r.fault_msg, "0x1000 is not device memory"), "unmapped: %s",
	      r.fault_msg);

	w[0] = a_csr_rd(RR(2), BN_CSR_LM_FP_ADDR);
	w[1] = a_mem(BN_OP_mem_rd, BN_TGT_LM, AR(2), IM(255), 0, 4, 0, 1);
	w[2] = a_immed(RR(3), 1022, 0, 0);
	w[3] = a_alu(BN_OP_add, RR(2), AR(2), BR(3));
	w[4] = a_mem(BN_OP_mem_rd, BN_TGT_LM, AR(2), IM(0), 0, 4, 0, 1);
	w[5] = a_done(N);
	r = run_words(w, 6);
	CHECK(r.fault && strstr(r.fault_msg, "lm window") && strstr(r.fault_msg, "pc 0x44"),
	      "LM command past the thread's window: %s", r.fault_msg);

	w[0] = a_immed(RR(2), 0x1002, 0, 0);
	w[1] = a_immed_hi(RR(2), 0x8000);
	w[2] = a_mem(BN_OP_mem_add, BN_TGT_EMEM, AR(2), IM(0), 0, 4, 0, 1);
	w[3] = a_done(N);
	r = run_words(w, 4);
	CHECK(r.fault && strstr(r.fault_msg, "not 4-byte aligned"), "unaligned add: %s",
	      r.fault_msg);
}

static void test_atomic_add(void)
{
	struct bn_sim_result r;
	u32 v[2] = { 0xfffffff0, 7 };
	u64 w[8];

	bn_sim_dev_write(sim, 0, 0, BN_ADDR_EMEM + 0x2000, v, 8);
	bn_sim_dev_write(sim, 0, 0, BN_ADDR_CLS + 0x2000, v, 8);
	w[0] = a_immed(RR(2), 0x2000, 0, 0);
	w[1] = a_immed_hi(RR(2), 0x8000);
	w[2] = a_immed(XR(0), 0x20, 0, 0);
	w[3] = a_immed(XR(1), 1, 0, 0);
	w[4] = a_mem(BN_OP_mem_add, BN_TGT_EMEM, AR(2), IM(0), 0, 8, 0, 1);
	w[5] = a_immed_hi(RR(2), 0x0200);
	w[6] = a_mem(BN_OP_mem_add, BN_TGT_CLS, AR(2), IM(0), 0, 4, 0, 1);
	w[7] = a_done(N);
	r = run_words(w, 8);
	bn_sim_dev_read(sim, 0, 0, BN_ADDR_EMEM + 0x2000, v, 8);
	CHECK(!r.fault && v[0] == 0x10 && v[1] == 9, "8-byte add carries: %#x %#x %s", v[0], v[1],
	      r.fault_msg);
	bn_sim_dev_read(sim, 0, 0, BN_ADDR_CLS + 0x2000, v, 8);
	CHECK(v[0] == 0x10 && v[1] == 7, "4-byte add wraps, no carry: %#x %#x", v[0], v[1]);
}

/* ---- pending transfer registers, signals ------------------------------------------- */

static void test_signals(void)
{
	struct bn_sim_result r;
	u64 w[10];
	u32 i, waits = 0;

	w[0] = a_csr_rd(RR(2), BN_CSR_CTX(0));
	w[1] = a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(0), 0, 4, 1, 0);
	w[2] = a_alu(BN_OP_mov, RR(4), N, XR(0));
	w[3] = a_done(N);
	r = run_words(w, 4);
	CHECK(r.fault && !strcmp(r.fault_msg, "$x0 read before its memory read completed at pc 0x42"),
	      "pending xfer read: %s", r.fault_msg);

	w[2] = a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(4), 1, 5, 2, 0);
	w[3] = a_wait(0x6);
	w[4] = a_alu(BN_OP_mov, RR(4), N, XR(0));
	w[5] = a_alu(BN_OP_mov, RR(5), N, XR(2));
	w[6] = a_done(AR(4));
	r = run_words(w, 7);
	CHECK(!r.fault && r.retval == 0x33221102, "ctx_wait then read: %#x %s", r.retval,
	      r.fault_msg);
	CHECK(t_tr.last.a[5] == 0x00000077, "partial word zero-filled: %#x", t_tr.last.a[5]);
	CHECK(t_tr.last.sigs == 0, "ctx_wait clears its signals: %#x", t_tr.last.sigs);

	w[2] = a_immed(RR(3), 0x8000, 2, 0);		/* EMEM: slower than CTM */
	w[3] = a_mem(BN_OP_mem_rd, BN_TGT_EMEM, AR(3), IM(0), 1, 5, 2, 0);
	w[4] = a_wait(0x2);
	w[5] = a_alu(BN_OP_mov, RR(4), N, XR(0));
	w[6] = a_alu(BN_OP_mov, RR(5), N, XR(2));
	w[7] = a_done(AR(4));
	r = run_words(w, 8);
	CHECK(r.fault && strstr(r.fault_msg, "$x2 read before"), "waiting for one of two: %s",
	      r.fault_msg);

	w[1] = a_wait(0x8);
	r = run_words(w, 2);
	CHECK(r.fault && !strcmp(r.fault_msg, "ctx_wait: signal 3 is never raised at pc 0x41"),
	      "waiting for a signal nothing raises: %s", r.fault_msg);

	/* a signal that already fired: ctx_wait does not swap */
	w[1] = a_mem(BN_OP_mem_rd, BN_TGT_LM, AR(2), IM(0), 0, 4, 3, 0);
	w[0] = a_csr_rd(RR(2), BN_CSR_LM_FP_ADDR);
	w[2] = a_alu(BN_OP_udiv, RR(4), AR(2), BR(2));
	w[3] = a_wait(0x8);
	w[4] = a_done(N);
	r = run_words(w, 5);
	for (i = 0; i + 1 < t_tr.n; i++)
		if (t_tr.pc[i] == BN_LOAD_BASE + 3)
			waits = t_tr.cycle[i + 1] - t_tr.cycle[i];
	CHECK(!r.fault && waits == 1, "ctx_wait on a raised signal costs 1 cycle: %u", waits);
}

static void test_inflight(void)
{
	struct bn_sim_result r;
	struct tprog p;
	u32 i, issues = 0;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, RR(2), BN_ADDR_EMEM + 0x4000);
	E(&p, a_immed(XR(0), 7, 0, 0));
	for (i = 0; i < 20; i++)
		E(&p, a_mem(BN_OP_mem_wr, BN_TGT_EMEM, AR(2), IM(4 * i), 0, 4, 0, 0));
	E(&p, a_done(N));
	r = t_exec(sim, &p);
	for (i = 0; i < t_tr.n; i++)
		issues += t_tr.pc[i] >= BN_LOAD_BASE + 3 && t_tr.pc[i] < BN_LOAD_BASE + 23;
	CHECK(!r.fault && issues > 20, "a 17th command stalls and issues again: %u issues %s",
	      issues, r.fault_msg);
	CHECK(r.cycles >= 150 * 2, "done waits for its writes to land: %llu cycles",
	      (unsigned long long)r.cycles);
}

/* ---- CSRs ---------------------------------------------------------------------------- */

static void test_csr_ids(void)
{
	struct bn_sim_result res[130];
	struct bn_sim_pkt pk[130];
	static u8 pkt[64];
	struct tprog p;
	u32 i, bad = 0;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_rd(RR(2), BN_CSR_ISLAND));
	E(&p, a_csr_rd(RR(3), BN_CSR_FPC));
	E(&p, a_csr_rd(RR(4), BN_CSR_THREAD));
	E(&p, a_alu_sh(BN_OP_add, RR(0), AR(4), BR(3), BN_SHC_LSL, 8));
	E(&p, a_alu_sh(BN_OP_add, RR(0), AR(0), BR(2), BN_SHC_LSL, 16));
	E(&p, a_done(AR(0)));
	tp_load(sim, &p, NULL, 0);
	t_pkt(pkt, 64, 0x0800);
	for (i = 0; i < 130; i++)
		pk[i] = (struct bn_sim_pkt){ .data = pkt, .len = 64 };
	memset(res, 0, sizeof(res));
	bn_sim_run_batch(sim, pk, 130, res, NULL);
	for (i = 0; i < 130; i++) {
		u32 want = (i % 5) << 16 | ((i / 5) % 12) << 8 | (i / 60) % 4;

		if (res[i].retval != want) {
			bad++;
			printf("  packet %u ran on %#x, want %#x\n", i, res[i].retval, want);
		}
	}
	CHECK(!bad, "round-robin over islands, FPCs, then threads");
}

static uint64_t fixed_clock(void *o)
{
	return 0x0123456789abcdefull;
}

static void test_csr_misc(void)
{
	struct bn_sim_ops ops = { NULL, NULL, fixed_clock, NULL, NULL };
	struct bn_sim_params prm;
	struct bn_sim *s2;
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_wr(BN_CSR_LM_FP, IM(64)));
	E(&p, a_csr_rd(RR(2), BN_CSR_LM_FP_ADDR));
	E(&p, a_csr_rd(RR(3), BN_CSR_LM_FP));
	E(&p, a_csr_rd(RR(4), BN_CSR_PRNG));
	E(&p, a_csr_rd(RR(5), BN_CSR_PRNG));
	E(&p, a_csr_rd(RR(6), BN_CSR_TS_HI));
	E(&p, a_csr_rd(RR(7), BN_CSR_TS_LO));
	E(&p, a_csr_rd(RR(8), BN_CSR_TS_HI));
	E(&p, a_done(N));
	r = t_exec(sim, &p);
	CHECK(!r.fault && t_tr.last.a[2] == BN_ADDR_LM + 64 && t_tr.last.a[3] == 64,
	      "lm_fp / lm_fp_addr: %#x %#x", t_tr.last.a[2], t_tr.last.a[3]);
	CHECK(t_tr.last.a[4] != t_tr.last.a[5], "prng moves: %#x %#x", t_tr.last.a[4],
	      t_tr.last.a[5]);
	CHECK(t_tr.last.a[6] == 0 && t_tr.last.a[7] > 0, "ts_lo from the cycle clock: %u",
	      t_tr.last.a[7]);

	bn_sim_params_default(&prm);
	s2 = bn_sim_create(&prm, &ops, NULL, 0);
	tp_load(s2, &p, NULL, 0);
	bn_sim_set_trace(s2, t_trace_fn, NULL);
	r = t_run(s2, 64);
	CHECK(t_tr.last.a[7] == 0x89abcdef && t_tr.last.a[8] == 0x01234567,
	      "ts_lo latches ts_hi (ops clock): %#x %#x", t_tr.last.a[7], t_tr.last.a[8]);
	CHECK(t_tr.last.a[4] != 0, "prng in a second device");
	bn_sim_destroy(s2);

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_wr(BN_CSR_FPC, IM(1)));
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "csr_wr: csr 0x1 is read-only"), "%s", r.fault_msg);
	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_rd(RR(2), 0x20));
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "csr_rd: no csr 0x20"), "%s", r.fault_msg);
}

/* Read ctx words 0..47 into GPRs 0..23 (A) and LM, return the words. */
static void read_ctx(u16 type, const u8 *pkt, u32 len, u32 ifindex, u32 rxq, u32 *ctx)
{
	struct bn_sim_pkt pk = { .data = pkt, .len = len, .ifindex = ifindex, .rx_queue = rxq };
	struct bn_sim_result r;
	struct tprog p;
	u32 i;

	tp_init(&p, type);
	for (i = 0; i < 48; i++)
		E(&p, a_csr_rd(LMW(i), BN_CSR_CTX(4 * i)));
	E(&p, a_done(N));
	tp_load(sim, &p, NULL, 0);
	memset(&r, 0, sizeof(r));
	bn_sim_run_one(sim, &pk, &r);
	bn_sim_dev_read(sim, 0, 0, BN_ADDR_LM, ctx, 48 * 4);
}

static void test_ctx_xdp(void)
{
	static u8 pkt[100];
	u32 ctx[48];

	t_pkt(pkt, 100, 0x0800);
	read_ctx(BN_PROG_XDP, pkt, 100, 0, 0, ctx);
	CHECK(ctx[0] == BN_ADDR_CTM + BN_XDP_HEADROOM && ctx[1] - ctx[0] == 100 &&
	      ctx[2] == ctx[0], "xdp_md data/data_end/data_meta: %#x %#x %#x", ctx[0], ctx[1], ctx[2]);
	CHECK(ctx[3] == 1 && ctx[4] == 0 && ctx[5] == 0,
	      "ingress_ifindex defaults to 1: %u %u %u", ctx[3], ctx[4], ctx[5]);
	read_ctx(BN_PROG_XDP, pkt, 100, 7, 3, ctx);
	CHECK(ctx[3] == 7 && ctx[4] == 3, "ifindex and rx queue: %u %u", ctx[3], ctx[4]);
}

static void test_ctx_tc(void)
{
	static u8 pkt[100];
	u32 ctx[48];

	t_pkt(pkt, 100, 0x0800);
	read_ctx(BN_PROG_TC, pkt, 100, 0, 0, ctx);
	/* what BPF_PROG_TEST_RUN shows a SCHED_CLS program (checked on a host kernel) */
	CHECK(ctx[0] == 100 && ctx[1] == 3 && ctx[2] == 0 && ctx[3] == 0 && ctx[4] == 0x0008,
	      "len %u pkt_type %u mark %u queue %u protocol %#x", ctx[0], ctx[1], ctx[2], ctx[3],
	      ctx[4]);
	CHECK(ctx[9] == 0 && ctx[10] == 1, "ingress_ifindex %u ifindex %u", ctx[9], ctx[10]);
	CHECK(ctx[19] == BN_ADDR_CTM + BN_XDP_HEADROOM && ctx[20] - ctx[19] == 100 &&
	      ctx[35] == ctx[19] && ctx[40] == 0, "data %#x data_end %#x data_meta %#x wire_len %u",
	      ctx[19], ctx[20], ctx[35], ctx[40]);
	pkt[12] = 0x86;
	pkt[13] = 0xdd;
	memset(pkt, 0xff, 6);
	read_ctx(BN_PROG_TC, pkt, 100, 5, 0, ctx);
	CHECK(ctx[4] == 0xdd86 && ctx[1] == 1 && ctx[10] == 5, "IPv6 broadcast: %#x %u %u",
	      ctx[4], ctx[1], ctx[10]);
	memcpy(pkt, "\x01\x00\x5e\x00\x00\x01", 6);
	pkt[12] = 0x00;
	pkt[13] = 0x40;
	read_ctx(BN_PROG_TC, pkt, 100, 0, 0, ctx);
	CHECK(ctx[4] == 0x0400 && ctx[1] == 2, "802.2 multicast: %#x %u", ctx[4], ctx[1]);
	memset(pkt, 0, 6);
	pkt[14] = pkt[15] = 0xff;
	read_ctx(BN_PROG_TC, pkt, 100, 0, 0, ctx);
	CHECK(ctx[4] == 0x0100 && ctx[1] == 0, "raw 802.3 to host: %#x %u", ctx[4], ctx[1]);
}

static void test_ctx_write(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_wr(BN_CSR_CTX(0), IM(0)));
	r = t_exec(sim, &p);
	CHECK(r.fault && strstr(r.fault_msg, "XDP programs may not write ctx word at offset 0"),
	      "%s", r.fault_msg);

	tp_init(&p, BN_PROG_TC);
	E_ld32(&p, BR(1), 0x12345);
	E(&p, a_csr_wr(BN_CSR_CTX(8), BR(1)));		/* mark */
	E(&p, a_csr_wr(BN_CSR_CTX(44), BR(1)));		/* tc_index: 16 bits */
	E(&p, a_csr_wr(BN_CSR_CTX(72), BR(1)));		/* tc_classid: 16 bits */
	E(&p, a_csr_wr(BN_CSR_CTX(64), BR(1)));		/* cb[4] */
	E(&p, a_csr_wr(BN_CSR_CTX(32), IM(6)));		/* priority */
	E(&p, a_csr_wr(BN_CSR_CTX(12), IM(5)));		/* queue_mapping */
	E_ld32(&p, BR(1), 0xffff);
	E(&p, a_csr_wr(BN_CSR_CTX(12), BR(1)));		/* NO_QUEUE_MAPPING: ignored */
	E(&p, a_csr_rd(RR(2), BN_CSR_CTX(8)));
	E(&p, a_csr_rd(RR(3), BN_CSR_CTX(44)));
	E(&p, a_csr_rd(RR(4), BN_CSR_CTX(72)));
	E(&p, a_csr_rd(RR(5), BN_CSR_CTX(64)));
	E(&p, a_csr_rd(RR(6), BN_CSR_CTX(32)));
	E(&p, a_csr_rd(RR(7), BN_CSR_CTX(12)));
	E(&p, a_csr_wr(BN_CSR_CTX(0), IM(1)));		/* len: read-only */
	r = t_exec(sim, &p);
	CHECK(t_tr.last.a[2] == 0x12345 && t_tr.last.a[3] == 0x2345 && t_tr.last.a[4] == 0x2345 &&
	      t_tr.last.a[5] == 0x12345 && t_tr.last.a[6] == 6 && t_tr.last.a[7] == 5,
	      "tc ctx writes: %#x %#x %#x %#x %u %u", t_tr.last.a[2], t_tr.last.a[3],
	      t_tr.last.a[4], t_tr.last.a[5], t_tr.last.a[6], t_tr.last.a[7]);
	CHECK(r.fault && strstr(r.fault_msg, "tc programs may not write ctx word at offset 0"),
	      "%s", r.fault_msg);
}

/* ---- verdicts and the packet engine -------------------------------------------------- */

static void test_verdicts(void)
{
	static const struct { u32 type, ret; u8 act; } cases[] = {
		{ BN_PROG_XDP, 0, BN_ACT_ABORTED }, { BN_PROG_XDP, 1, BN_ACT_DROP },
		{ BN_PROG_XDP, 2, BN_ACT_PASS }, { BN_PROG_XDP, 3, BN_ACT_TX },
		{ BN_PROG_XDP, 4, BN_ACT_ABORTED }, { BN_PROG_XDP, 0xffffffff, BN_ACT_ABORTED },
		{ BN_PROG_TC, 0xffffffff, BN_ACT_PASS }, { BN_PROG_TC, 0, BN_ACT_PASS },
		{ BN_PROG_TC, 1, BN_ACT_PASS }, { BN_PROG_TC, 2, BN_ACT_DROP },
		{ BN_PROG_TC, 3, BN_ACT_PASS }, { BN_PROG_TC, 4, BN_ACT_DROP },
		{ BN_PROG_TC, 5, BN_ACT_DROP }, { BN_PROG_TC, 6, BN_ACT_PASS },
		{ BN_PROG_TC, 7, BN_ACT_ABORTED }, { BN_PROG_TC, 8, BN_ACT_DROP },
		{ BN_PROG_TC, 9, BN_ACT_PASS }, { 9, 2, BN_ACT_ABORTED },
	};
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (bn_sim_verdict(cases[i].type, cases[i].ret) != cases[i].act) {
			bad++;
			printf("  type %u ret %d\n", cases[i].type, (int)cases[i].ret);
		}
	CHECK(!bad, "verdict table");
}

static void test_delivery(void)
{
	struct bn_sim_pkt pk;
	struct bn_sim_result r;
	struct tprog p;
	static u8 pkt[4096];

	/* XDP_TX after rewriting the first word of the packet */
	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_rd(RR(2), BN_CSR_CTX(0)));
	E_ld32(&p, XR(0), 0xdeadbeef);
	E(&p, a_mem(BN_OP_mem_wr, BN_TGT_CTM, AR(2), IM(0), 0, 4, 0, 1));
	E(&p, a_immed(RR(0), 3, 0, 0));
	E(&p, a_done(AR(0)));
	tp_load(sim, &p, NULL, 0);
	memset(&t_log, 0, sizeof(t_log));
	r = t_run(sim, 80);
	CHECK(r.action == BN_ACT_TX && t_log.tx == 1 && t_log.frame_len == 80 &&
	      !memcmp(t_log.frame, "\xef\xbe\xad\xde", 4) && r.out_len == 80 &&
	      !memcmp(t_out, "\xef\xbe\xad\xde", 4), "XDP_TX delivers the rewritten frame");

	/* oversize and runt frames never run */
	t_pkt(pkt, 4000, 0x0800);
	pk = (struct bn_sim_pkt){ .data = pkt, .len = 4096 - 256 - 320 + 1 };
	memset(&r, 0, sizeof(r));
	bn_sim_run_one(sim, &pk, &r);
	CHECK(r.action == BN_ACT_DROP && !r.fault && r.insns == 0 && strstr(t_log.last, "do not fit"),
	      "oversize: %s", t_log.last);
	pk.len = 4096 - 256 - 320;
	bn_sim_run_one(sim, &pk, &r);
	CHECK(r.action == BN_ACT_TX && r.insns == 7, "the largest frame runs: %llu insns",
	      (unsigned long long)r.insns);
	pk.len = 13;
	bn_sim_run_one(sim, &pk, &r);
	CHECK(r.action == BN_ACT_DROP && r.insns == 0, "runt dropped");

	/* no program: everything to the host, on its queue */
	bn_sim_prog_unload(sim);
	pk = (struct bn_sim_pkt){ .data = pkt, .len = 60, .rx_queue = 3 };
	memset(&t_log, 0, sizeof(t_log));
	bn_sim_run_one(sim, &pk, &r);
	CHECK(r.action == BN_ACT_PASS && t_log.host == 1 && t_log.queue == 3 &&
	      t_log.frame_len == 60, "no program: pass to host queue %u", t_log.queue);
}

int main(void)
{
	sim = t_sim(NULL);
	test_targets();
	test_read_lengths();
	test_write_lengths();
	test_dev_memory();
	test_mem_faults();
	test_atomic_add();
	test_signals();
	test_inflight();
	test_csr_ids();
	test_csr_misc();
	test_ctx_xdp();
	test_ctx_tc();
	test_ctx_write();
	test_verdicts();
	test_delivery();
	bn_sim_destroy(sim);
	return t_done();
}
