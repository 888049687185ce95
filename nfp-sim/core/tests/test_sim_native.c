// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Translated straight runs (native.c) against the interpreter: random
 * programs of the instructions the translation takes (every operand kind,
 * the shifter, divides, carries, compare-and-branch on every condition,
 * chained compares, br.al, call and rtn, defer slots; flags written where
 * later instructions read them; memory commands that sleep, signal, stall
 * on a full queue or fault; helper calls, a lookup that sleeps on a hash
 * map, lookups in an array that the host code does itself), some with a
 * small lm room or a pending xfer-in read so that blocks must fall back,
 * run on a NIC with host code and on one that interprets.
 * Everything the program can leave behind is compared: the GPRs of both
 * banks and LM words (written into the packet), the verdict, a fault and
 * its reason, cycles and instruction counts; the flags at the end are read
 * too.  Then the same programs with every GPR written to both banks, which
 * the loader runs with one copy of the GPRs, against the same with one more
 * write to a single bank, which keeps two.
 */
#include <signal.h>
#include <unistd.h>
#include "simtest.h"
#include "nicsim_int.h"

#define NPROGS	3000
#define TOO_LONG_S	300	/* seconds: the test takes a few */

static u64 rng_s = 0x9e3779b97f4a7c15ull;

static u32 rnd(u32 n)
{
	rng_s ^= rng_s << 13;
	rng_s ^= rng_s >> 7;
	rng_s ^= rng_s << 17;
	return (u32)(rng_s >> 11) % n;
}

/* An operand for the A port, the B port, or a destination. */
static u16 opnd_a(void)
{
	switch (rnd(8)) {
	case 0: return LMW(rnd(16));
	case 1: return N;
	default: return AR(rnd(8));
	}
}

static u16 opnd_b(void)
{
	switch (rnd(8)) {
	case 0: return IM(rnd(256));
	case 1: return XR(rnd(4));
	case 2: return N;
	default: return BR(rnd(8));
	}
}

static u16 opnd_d(void)
{
	switch (rnd(8)) {
	case 0: return LMW(rnd(16));
	case 1: return AR(rnd(8));
	case 2: return BR(rnd(8));
	case 3: return N;
	default: return RR(rnd(8));
	}
}

static const u8 alu_ops[] = {
	BN_OP_add, BN_OP_sub, BN_OP_rsub, BN_OP_and, BN_OP_andn, BN_OP_or, BN_OP_xor,
	BN_OP_mov, BN_OP_not, BN_OP_lsl, BN_OP_lsr, BN_OP_asr, BN_OP_dshf, BN_OP_mul,
	BN_OP_mulh, BN_OP_immed, BN_OP_immed_hi, BN_OP_ld_field, BN_OP_nop, BN_OP_csr_rd,
	BN_OP_udiv, BN_OP_umod,
	/* chained: they read C (and Z), so the ones before write the flags */
	BN_OP_addc, BN_OP_subc, BN_OP_rsubc,
};

/* One random instruction the encoder takes (it refuses some operand pairs). */
static u64 rand_insn(void)
{
	for (;;) {
		struct bn_ucode u = uc(alu_ops[rnd(ARRAY_SIZE(alu_ops))]);
		const char *why;
		u64 w;

		u.dst = opnd_d();
		u.srca = opnd_a();
		u.srcb = opnd_b();
		if (rnd(3) == 0) {
			u.shc = 1 + rnd(4);
			u.shamt = rnd(32);
		}
		switch (u.op) {
		case BN_OP_immed:
			u.srca = u.srcb = N;
			u.shc = u.shamt = 0;
			u.imm16 = rnd(65536);
			u.bsh = rnd(3);
			u.inv = rnd(2);
			break;
		case BN_OP_immed_hi:
			u.srca = u.srcb = N;
			u.shc = u.shamt = 0;
			u.imm16 = rnd(65536);
			break;
		case BN_OP_ld_field:
			u.srca = N;
			u.mask = 1 + rnd(15);
			u.zf = rnd(2);
			break;
		case BN_OP_csr_rd:
			u.srca = u.srcb = N;
			u.shc = u.shamt = 0;
			u.csr = rnd(2) ? BN_CSR_LM_FP_ADDR : BN_CSR_CTX(4 * rnd(6));
			break;
		case BN_OP_dshf:
			u.shc = 0;
			u.shamt = rnd(32);
			break;
		case BN_OP_nop:
			u.dst = u.srca = u.srcb = N;
			u.shc = u.shamt = 0;
			break;
		}
		if (!bn_encode(&u, &w, &why))
			return w;
	}
}

/*
 * A forward branch: compare-and-branch, a chained one (br_cmpc: it reads
 * C and Z), br.al, or (flags read: the instructions before it keep theirs)
 * br on a condition; @defer slots.
 */
static u64 rand_branch(u32 target, u8 defer)
{
	for (;;) {
		const char *why;
		u64 w;
		static const u8 ops[] = { BN_OP_br_cmp, BN_OP_br_cmp, BN_OP_br_cmp, BN_OP_br_cmp,
					  BN_OP_br_cmpc, BN_OP_br };
		struct bn_ucode u = uc(ops[rnd(ARRAY_SIZE(ops))]);

		u.cond = rnd(6) ? rnd(BN_COND_AL + 1) : BN_COND_AL;
		if (u.op != BN_OP_br) {
			u.srca = opnd_a();
			u.srcb = opnd_b();
		}
		u.defer = defer;
		u.target = target;
		if (!bn_encode(&u, &w, &why))
			return w;
	}
}

/* GPRs (A then B banks) and LM words 0..15 into the packet at 0, 128, 256. */
static void dump(struct tprog *p)
{
	u32 k;

	for (k = 0; k < 32; k++)
		E(p, a_alu(BN_OP_or, XR(k), AR(k), IM(0)));
	E(p, a_csr_rd(AR(31), BN_CSR_CTX(0)));
	E(p, a_mem(BN_OP_mem_wr, BN_TGT_CTM, AR(31), IM(0), 0, 128, 0, 1));
	for (k = 0; k < 32; k++)
		E(p, a_alu(BN_OP_mov, XR(k), N, BR(k)));
	E(p, a_mem(BN_OP_mem_wr, BN_TGT_CTM, AR(31), IM(128), 0, 128, 0, 1));
	E(p, a_csr_wr(BN_CSR_LM_FP, IM(0)));
	for (k = 0; k < 16; k++)
		E(p, a_alu(BN_OP_or, XR(k), LMW(k), IM(0)));
	E_ld32(p, BR(30), 256);
	E(p, a_mem(BN_OP_mem_wr, BN_TGT_CTM, AR(31), BR(30), 0, 64, 0, 1));
}

#define DUMP_LEN	86	/* instructions dump() emits */
#define FLAGS_LEN	12	/* and flags() */

/* The flags at the end, each of Z, N, C and N == V into a register (0: holds). */
static void flags(struct tprog *p)
{
	static const u8 conds[] = { BN_COND_EQ, BN_COND_MI, BN_COND_HS, BN_COND_GE };
	u32 k;

	for (k = 0; k < 4; k++) {
		E(p, a_immed(RR(20 + k), 0, 0, 0));
		E_br(p, a_br(conds[k], 0, p->n + 2));
		E(p, a_immed(RR(20 + k), 1, 0, 0));
	}
}

/*
 * A memory command on the packet (its address in a29) or an LM word, a
 * read into xfer-in 8..15 (the random operands read 0..3: a read still in
 * flight there makes the interpreter fault, and blocks fall back), a
 * write, or an add; swapping, or raising signal 1 that a ctx_wait may
 * collect.  Now and then one at address 0: a fault.
 */
static void rand_mem(struct tprog *p)
{
	static const u8 ops[] = { BN_OP_mem_rd, BN_OP_mem_wr, BN_OP_mem_add };
	u8 op = ops[rnd(3)], swap = rnd(2);
	u32 bytes = op == BN_OP_mem_add ? 4u << rnd(2) : 4 * (1 + rnd(4));
	u8 xfer = op == BN_OP_mem_rd ? rnd(2) ? 8 + rnd(5) : rnd(4) : rnd(8);

	if (rnd(24) == 0)
		E(p, a_mem(op, BN_TGT_CTM, N, IM(0), xfer, bytes, 1, swap));
	else if (rnd(4) == 0)
		E(p, a_mem(op, BN_TGT_LM, AR(30), IM(8 * rnd(4)), xfer, bytes, 1, swap));
	else
		E(p, a_mem(op, BN_TGT_CTM, AR(29), IM(8 * rnd(8)), xfer, bytes, 1, swap));
	if (!swap && rnd(3) == 0)
		E(p, a_wait(1 << 1));
}

/*
 * Random instructions, memory commands, helper calls, forward branches
 * with 0..2 defer slots and calls (with slots) of a subroutine after done
 * that returns with rtn; then everything dumped into the packet.
 */
static void gen_first(struct tprog *p, u16 first)
{
	u32 k, n = 10 + rnd(60), start, sub, end;

	tp_init(p, BN_PROG_XDP);
	tp_add_map(p, BPF_MAP_TYPE_HASH, 4, 8, 16);
	tp_add_map(p, BPF_MAP_TYPE_ARRAY, 4, 12, 16);
	E(p, a_immed(first, 0, 0, 0));	/* GPR 31 is 0 already: no effect */
	E(p, a_csr_rd(AR(29), BN_CSR_CTX(0)));
	E(p, a_csr_rd(AR(30), BN_CSR_LM_FP_ADDR));
	for (k = 0; k < 8; k++) {
		E_ld32(p, RR(k), rnd(2) ? rnd(0xffffffff) : rnd(300));
		if (rnd(2))
			E_ld32(p, BR(k), rnd(0xffffffff));
	}
	for (k = 0; k < 16; k++)
		E_ld32(p, LMW(k), rnd(0xffffffff));
	switch (rnd(6)) {
	case 0:		/* lm_fp near the window's end: mixed forms have little room */
		E_ld32(p, RR(9), 4 * rnd(1024 / 4));
		E(p, a_csr_wr(BN_CSR_LM_FP, BR(9)));
		break;
	case 1:		/* a read in flight: no mixed form may run until it lands */
		E(p, a_csr_rd(AR(9), BN_CSR_CTX(0)));
		E(p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(9), IM(0), 0, 16, 1, 0));
		break;
	}
	start = p->n;
	end = start + n;
	sub = end + FLAGS_LEN + DUMP_LEN + 2;
	while (p->n < end) {
		u32 left = end - p->n, defer = rnd(3), j;

		if (rnd(8) == 0 && left > defer + 1) {
			/* forward, past its slots, at most to the end of the body */
			u32 to = p->n + 1 + defer + rnd(left - defer);

			E_br(p, rand_branch(to, defer));
		} else if (rnd(16) == 0 && left > defer + 1) {
			E_br(p, a_call(RR(28), defer, sub));
		} else if (rnd(10) == 0 && left > 2) {
			rand_mem(p);
			continue;
		} else if (rnd(24) == 0 && left > 7) {
			switch (rnd(6)) {
			case 0: E_map_call(p, BN_FW_MAP_LOOKUP); break;	/* sleeps */
			case 5:		/* the array: in range or not, the key at lm_fp */
				E_ld32(p, LMW(0), rnd(4) ? rnd(20) : rnd(0xffffffff));
				E_map_call_m(p, BN_FW_MAP_LOOKUP, 1);
				break;
			case 1: E_helper(p, BN_FW_KTIME); break;
			case 2:		/* the link elsewhere: the stub's rtn goes where a28 says */
				RL(p, E(p, a_call(RR(5), 0, 0)), BN_RELOC_HELPER, BN_FW_PRANDOM);
				break;
			default: E_helper(p, BN_FW_PRANDOM); break;
			}
			continue;
		} else {
			E(p, rand_insn());
			continue;
		}
		for (j = 0; j < defer; j++)
			E(p, rand_insn());
	}
	flags(p);
	dump(p);
	E_ld32(p, AR(0), 2);	/* XDP_PASS: the packet comes back */
	E(p, a_done(AR(0)));
	if (p->n != sub) {
		printf("generator: subroutine at %u, expected %u\n", p->n, sub);
		exit(1);
	}
	for (k = rnd(4); k; k--)
		E(p, rand_insn());
	E(p, a_rtn(AR(28), 0));
}

static void gen(struct tprog *p)
{
	gen_first(p, RR(31));
}

/* The maps of each NIC that gen()'s lookups get: a hash map (0) and an array (1). */
static struct {
	struct bn_sim *sim;
	u32 id[2];
} maps[4];

static const u32 *maps_of(struct bn_sim *sim)
{
	struct bn_image_map m[2] = {
		{ .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 16 },
		{ .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 12, .max_entries = 16 },
	};
	char err[128];
	u32 i, k;

	for (i = 0; i < 4 && maps[i].sim; i++)
		if (maps[i].sim == sim)
			return maps[i].id;
	for (k = 0; k < 2; k++) {
		if (i == 4 || bn_sim_map_create(sim, &m[k], &maps[i].id[k], err, sizeof(err))) {
			printf("map: %s\n", i == 4 ? "more than four NICs" : err);
			exit(1);
		}
	}
	maps[i].sim = sim;
	return maps[i].id;
}

/* A one-FPC NIC, with host code or (@interpret) without. */
static struct bn_sim *new_nic(bool interpret)
{
	struct bn_sim_params prm;

	bn_sim_params_default(&prm);
	prm.islands = prm.fpcs = 1;
	prm.interpret = interpret;
	return t_sim(&prm);
}

/*
 * Two runs (run()) that both loaded and left the same verdict, action,
 * fault and its reason, cycles, instruction count and frame (@fa, @fb).
 */
static bool same_result(const struct bn_sim_result *a, const u8 *fa,
			const struct bn_sim_result *b, const u8 *fb)
{
	return a->fault <= 1 && b->fault <= 1 && a->retval == b->retval &&
	       a->action == b->action && a->fault == b->fault &&
	       !strcmp(a->fault_msg, b->fault_msg) && a->cycles == b->cycles &&
	       a->insns == b->insns && a->out_len == b->out_len && !memcmp(fa, fb, a->out_len);
}

/* Load @p and run a 512-byte packet: the result, the frame after it in @out. */
static struct bn_sim_result run(struct bn_sim *sim, const struct tprog *p, u8 *out, bool *nat)
{
	struct bn_sim_result r;
	const u32 *ids = maps_of(sim);

	memset(&r, 0, sizeof(r));
	if (tp_load(sim, p, ids, p->nmaps)) {
		printf("load failed: %s\n", t_err);
		r.fault = 2;
		return r;
	}
	*nat = sim->prog->nat != NULL;
	r = t_run(sim, 512);
	if (r.fault_msg[0] == '!')	/* bn_sim_run_one() refused */
		r.fault = 3;
	memcpy(out, t_out, r.out_len);
	return r;
}

/*
 * End @p by dumping the state into the packet and passing it, run it on
 * both NICs: true when it was translated, ran without a fault on both and
 * left the same cycles, instruction count and packet (@a, @b: the results).
 */
static bool same_run(struct bn_sim *nat, struct bn_sim *interp, struct tprog *p,
		     struct bn_sim_result *a, struct bn_sim_result *b)
{
	static u8 out_n[4096], out_i[4096];
	bool tn = false, ti;

	dump(p);
	E_ld32(p, AR(0), 2);
	E(p, a_done(AR(0)));
	*a = run(nat, p, out_n, &tn);
	*b = run(interp, p, out_i, &ti);
	return tn && !a->fault && !b->fault && a->cycles == b->cycles && a->insns == b->insns &&
	       a->out_len == b->out_len && !memcmp(out_n, out_i, a->out_len);
}

/* Compare-and-branch with live flags, every condition, in a block: flags and path. */
static void test_cmp_flags(struct bn_sim *nat, struct bn_sim *interp)
{
	static const u32 v[][2] = {
		{ 0, 0 }, { 1, 2 }, { 2, 1 }, { 0x80000000, 1 }, { 1, 0x80000000 },
		{ 5, 5 }, { 0xffffffff, 0x80000000 }, { 0x7fffffff, 0xffffffff }, { 6, 3 },
	};
	static struct tprog p;
	u32 c, k, bad = 0, n = 0;

	for (c = 0; c <= BN_COND_AL; c++) {
		for (k = 0; k < ARRAY_SIZE(v); k++) {
			struct bn_sim_result a, b;

			tp_init(&p, BN_PROG_XDP);
			E_ld32(&p, AR(0), v[k][0]);
			E_ld32(&p, BR(0), v[k][1]);
			E_br(&p, a_brcmp(BN_OP_br_cmp, AR(0), BR(0), c, 0, p.n + 2));
			E(&p, a_immed(RR(24), 1, 0, 0));	/* not taken */
			flags(&p);
			n++;
			if (!same_run(nat, interp, &p, &a, &b)) {
				if (bad++ < 3)
					printf("  br_cmp cond %u, %#x vs %#x: differ\n", c, v[k][0],
					       v[k][1]);
			}
		}
	}
	CHECK(!bad, "compare-and-branch with live flags: %u of %u differ", bad, n);
}

/*
 * Sequences where the host code keeps a value in a register from one
 * instruction to the next (native.c's register cache): a word overwritten
 * by another register, results read back through the other bank, lm words,
 * a branch's two paths.
 */
static void test_regcache(struct bn_sim *nat, struct bn_sim *interp)
{
	static struct tprog p;
	u32 v, bad = 0, n = 0;

	for (v = 0; v < 4; v++) {
		struct bn_sim_result a, b;

		tp_init(&p, BN_PROG_XDP);
		E_ld32(&p, BR(2), 0x1234 + v);
		E(&p, a_immed(RR(1), 5, 0, 0));			/* eax: r1 */
		E(&p, a_alu(BN_OP_mov, RR(1), N, BR(2)));	/* ecx: r1 now */
		E(&p, a_alu(BN_OP_add, RR(3), AR(1), IM(1)));	/* must read 0x1235 */
		E(&p, a_alu(BN_OP_xor, AR(4), AR(3), BR(3)));	/* both banks of r3 */
		E(&p, a_alu(BN_OP_mov, LMW(2), N, BR(3)));
		E(&p, a_alu(BN_OP_add, LMW(2), LMW(2), IM(7)));	/* lm word, then again */
		E(&p, a_alu(BN_OP_or, RR(5), LMW(2), IM(0)));
		E_br(&p, a_brcmp(BN_OP_br_cmp, AR(5), IM(v), BN_COND_HI, 1, p.n + 3));
		E(&p, a_alu(BN_OP_add, RR(6), AR(5), IM(2)));	/* slot: both paths */
		E(&p, a_alu(BN_OP_sub, RR(6), AR(6), IM(9)));	/* not taken only */
		E(&p, a_alu(BN_OP_add, RR(7), AR(6), BR(5)));
		flags(&p);
		n++;
		if (!same_run(nat, interp, &p, &a, &b))
			bad++;
	}
	CHECK(!bad, "values kept in host registers: %u of %u sequences differ", bad, n);
}

/*
 * Loops of one translated block with defer slots, of every length up to
 * 120: for some, the watchdog budget runs out inside a block, which must
 * then fall back and fault where the interpreter does.
 */
/*
 * @p (@what) on host code and on the interpreter: translated, and both
 * fault at the watchdog after the same instructions and cycles; else one
 * more in @bad (the first three printed).
 */
static void same_watchdog(struct bn_sim *nat, struct bn_sim *interp, const struct tprog *p,
			  const char *what, u32 *bad)
{
	static u8 out[4096];
	struct bn_sim_result a, b;
	bool tn, ti;

	a = run(nat, p, out, &tn);
	b = run(interp, p, out, &ti);
	if (tn && a.fault && !strcmp(a.fault_msg, b.fault_msg) && a.insns == b.insns &&
	    a.cycles == b.cycles)
		return;
	if ((*bad)++ < 3)
		printf("  %s: native '%s' %llu insns, interpreted '%s' %llu\n", what, a.fault_msg,
		       (unsigned long long)a.insns, b.fault_msg, (unsigned long long)b.insns);
}

static void test_watchdog(struct bn_sim *nat, struct bn_sim *interp)
{
	static struct tprog p;
	u32 len, k, bad = 0;
	char what[32];

	for (len = 2; len <= 120; len++) {
		tp_init(&p, BN_PROG_XDP);
		for (k = 0; k + 1 < len; k++)
			E(&p, a_alu(BN_OP_add, RR(1), AR(1), IM(1)));
		E_br(&p, a_br(BN_COND_AL, 2, 0));
		E(&p, a_alu(BN_OP_add, RR(2), AR(2), IM(1)));
		E(&p, a_alu(BN_OP_add, RR(3), AR(3), IM(3)));
		E(&p, a_done(AR(1)));
		snprintf(what, sizeof(what), "loop of %u", len);
		same_watchdog(nat, interp, &p, what, &bad);
	}
	CHECK(!bad, "watchdog in loops of translated blocks: %u of 119 differ", bad);
}

/*
 * Loops whose body is a chain of blocks, each going on forward into the
 * next without its check (native.c skips()): the loop's entry checks the
 * budget for the whole chain, so where the watchdog runs out inside the
 * chain, host code must fall back early enough to fault where the
 * interpreter does.  Chains of 1..8 blocks of 1..6 adds each, every block
 * ending in a compare-and-branch whose both ways lead forward.
 */
static void test_watchdog_chain(struct bn_sim *nat, struct bn_sim *interp)
{
	static struct tprog p;
	u32 m, len, j, k, bad = 0, n = 0;
	char what[32];

	for (m = 1; m <= 8; m++) {
		for (len = 1; len <= 6; len++) {
			tp_init(&p, BN_PROG_XDP);
			for (j = 0; j < m; j++) {
				for (k = 0; k < len; k++)
					E(&p, a_alu(BN_OP_add, RR(1), AR(1), IM(1)));
				E(&p, a_alu(BN_OP_and, RR(4), AR(1), IM(1)));
				E_br(&p, a_brcmp(BN_OP_br_cmp, AR(4), IM(0), BN_COND_EQ, 0,
						 p.n + 2));
				E(&p, a_alu(BN_OP_add, RR(2), AR(2), IM(1)));	/* odd r1 */
			}
			E_br(&p, a_br(BN_COND_AL, 0, 0));
			E(&p, a_done(AR(1)));
			snprintf(what, sizeof(what), "chain of %u x %u", m, len);
			same_watchdog(nat, interp, &p, what, &bad);
			n++;
		}
	}
	CHECK(!bad, "watchdog in loops of chained blocks: %u of %u differ", bad, n);
}

/*
 * More memory commands in flight than a thread may have: the one past
 * BN_MAX_INFLIGHT stalls, in host code as in the interpreter, and issues
 * again when the oldest lands; reads, writes and adds, alone in their
 * blocks or after simple instructions.
 */
static void test_stall(struct bn_sim *nat, struct bn_sim *interp)
{
	static const u8 ops[] = { BN_OP_mem_wr, BN_OP_mem_add, BN_OP_mem_rd };
	static struct tprog p;
	u32 k, v, bad = 0, n = 0;

	for (v = 0; v < 6; v++) {
		struct bn_sim_result a, b;

		tp_init(&p, BN_PROG_XDP);
		E(&p, a_csr_rd(AR(29), BN_CSR_CTX(0)));
		for (k = 0; k < BN_MAX_INFLIGHT + 4; k++) {
			if (v & 1)
				E(&p, a_alu(BN_OP_add, RR(1), AR(1), IM(k)));
			E(&p, a_mem(ops[v / 2], BN_TGT_CTM, AR(29), IM(8 * (k % 8)),
				    ops[v / 2] == BN_OP_mem_rd ? 8 + k % 4 : k % 8, 4, 1, 0));
		}
		E(&p, a_wait(1 << 1));
		n++;
		if (!same_run(nat, interp, &p, &a, &b)) {
			if (bad++ < 3)
				printf("  %s x%u: native %llu cycles %llu insns '%s', interpreted %llu "
				       "%llu '%s'\n", bn_isa[ops[v / 2]].name, BN_MAX_INFLIGHT + 4,
				       (unsigned long long)a.cycles, (unsigned long long)a.insns,
				       a.fault_msg, (unsigned long long)b.cycles,
				       (unsigned long long)b.insns, b.fault_msg);
		}
	}
	CHECK(!bad, "a full command queue stalls the thread: %u of %u programs differ", bad, n);
}

/* Every GPR destination of @p from index @from on that is one bank becomes both banks. */
static void both_banks(struct tprog *p, u32 from)
{
	struct bn_ucode u;
	const char *why;
	u32 i;

	for (i = from; i < p->n; i++) {
		if (bn_decode(p->code[i], &u, &why)) {
			printf("both_banks: word %u: %s\n", i, why);
			exit(1);
		}
		if (bn_opnd_kind(u.dst) != BN_OK_A && bn_opnd_kind(u.dst) != BN_OK_B)
			continue;
		u.dst = RR(bn_opnd_val(u.dst));
		if (bn_encode(&u, &p->code[i], &why)) {
			printf("both_banks: word %u: %s\n", i, why);
			exit(1);
		}
	}
}

/*
 * One copy of the GPRs (loader.c unify_banks()): gen()'s programs with every
 * GPR written to both banks run with bank B read from bank A; the same
 * program whose first instruction writes 0 into a GPR that is 0 already,
 * in bank A alone, keeps two banks.  Both leave the same state, on the host
 * code and on the interpreter: four new NICs, so that their memory
 * latencies draw the same numbers.
 */
static void test_one_bank(void)
{
	static u8 out[4][4096];
	static struct tprog p, q;
	struct bn_sim *sims[4];
	u32 i, k, bad = 0, one = 0, two = 0;

	memset(maps, 0, sizeof(maps));	/* the NICs before are gone */
	for (k = 0; k < 4; k++)
		sims[k] = new_nic(k & 1);

	for (i = 0; i < 500; i++) {
		struct bn_sim_result r[4];
		u64 seed = rng_s;
		bool tn;

		gen_first(&p, RR(31));
		rng_s = seed;
		gen_first(&q, AR(31));
		both_banks(&p, 1);
		both_banks(&q, 1);
		for (k = 0; k < 4; k++) {
			r[k] = run(sims[k], k < 2 ? &p : &q, out[k], &tn);
			one += k < 2 && sims[k]->prog->one_bank;
			two += k >= 2 && !sims[k]->prog->one_bank;
		}
		for (k = 1; k < 4; k++) {
			if (!same_result(&r[k], out[k], &r[0], out[0])) {
				if (bad++ < 5)
					printf("  program %u: run %u (%s, %s banks) differs: fault %u "
					       "'%s' %llu cycles, not %u '%s' %llu\n", i, k,
					       k & 1 ? "interpreted" : "host code", k < 2 ? "one" : "two",
					       r[k].fault, r[k].fault_msg,
					       (unsigned long long)r[k].cycles, r[0].fault,
					       r[0].fault_msg, (unsigned long long)r[0].cycles);
				break;
			}
		}
	}
	CHECK(!bad, "500 programs: one register copy and two agree, host code and interpreter "
	      "(%u differ)", bad);
	CHECK(one == 1000 && two == 1000, "one copy for the BOTH-only program (%u of 1000), two "
	      "when a single bank is written (%u of 1000)", one, two);
	for (k = 0; k < 4; k++)
		bn_sim_destroy(sims[k]);
}

/*
 * Host code that never stops (a budget check it skipped wrongly lets a
 * loop run on past the watchdog) fails the test instead of hanging it:
 * the run takes a few seconds.  The thread is stuck in host code, not in
 * stdio, when this runs.
 */
static void too_long(int sig)
{
	printf("FAIL: still running after %u s: host code that does not stop\n", TOO_LONG_S);
	t_fail++;
	t_done();
	fflush(stdout);
	_exit(1);
}

int main(void)
{
	static u8 out_n[4096], out_i[4096];
	static struct tprog p;
	struct bn_sim *nat, *interp;
	u32 i, bad = 0, translated = 0, faults = 0;

	signal(SIGALRM, too_long);
	alarm(TOO_LONG_S);
	nat = new_nic(false);
	interp = new_nic(true);

	for (i = 0; i < NPROGS; i++) {
		struct bn_sim_result a, b;
		bool tn = false, ti = true;

		gen(&p);
		a = run(nat, &p, out_n, &tn);
		b = run(interp, &p, out_i, &ti);
		translated += tn;
		faults += a.fault;
		if (ti || !same_result(&a, out_n, &b, out_i)) {
			if (bad++ < 5)
				printf("  program %u (%u insns): native %u/%u fault %u '%s' %llu cycles "
				       "%llu insns; interpreted %u/%u fault %u '%s' %llu cycles %llu "
				       "insns; frames %s\n", i, p.n, a.retval, a.action, a.fault,
				       a.fault_msg, (unsigned long long)a.cycles,
				       (unsigned long long)a.insns, b.retval, b.action, b.fault,
				       b.fault_msg, (unsigned long long)b.cycles,
				       (unsigned long long)b.insns,
				       a.out_len == b.out_len && !memcmp(out_n, out_i, a.out_len) ?
				       "equal" : "differ");
		}
	}
	CHECK(!bad, "%u random programs: host code and interpreter agree (%u differ)", NPROGS,
	      bad);
	CHECK(translated > NPROGS * 9 / 10, "host code built for %u of %u programs", translated,
	      NPROGS);
	CHECK(faults > 0 && faults < NPROGS / 2,
	      "some programs fault (lm window, pending read) and fall back: %u", faults);
	test_cmp_flags(nat, interp);
	test_regcache(nat, interp);
	test_watchdog(nat, interp);
	test_watchdog_chain(nat, interp);
	test_stall(nat, interp);
	bn_sim_destroy(nat);
	bn_sim_destroy(interp);
	test_one_bank();
	return t_done();
}
