// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The timing model and bn_sim_run_batch: exact cycle accounting on small
 * configurations, latency hiding across threads, determinism for a seed,
 * the host thread pool (same results, atomic map updates), statistics.
 */
#include "simtest.h"

#define NPKT	600

static u8 pkts[NPKT][64];
static struct bn_sim_pkt pk[NPKT];
static struct bn_sim_result res[NPKT];

static void make_pkts(void)
{
	u32 i;

	for (i = 0; i < NPKT; i++) {
		t_pkt(pkts[i], 64, i % 3 ? 0x0800 : 0x86dd);
		pkts[i][20] = i;
		pk[i] = (struct bn_sim_pkt){ .data = pkts[i], .len = 64 };
	}
}

static struct bn_sim_params small(u32 islands, u32 fpcs, u32 threads)
{
	struct bn_sim_params prm;

	bn_sim_params_default(&prm);
	prm.islands = islands;
	prm.fpcs = fpcs;
	prm.threads = threads;
	return prm;
}

/* 5 ALU instructions and done: 6 cycles, no memory. */
static void prog_alu(struct tprog *p)
{
	u32 i;

	tp_init(p, BN_PROG_XDP);
	for (i = 0; i < 4; i++)
		E(p, a_alu(BN_OP_add, RR(4), AR(4), IM(1)));
	E(p, a_immed(RR(0), 2, 0, 0));
	E(p, a_done(AR(0)));
}

/* One swapped LM read, then done. */
static void prog_lm(struct tprog *p)
{
	tp_init(p, BN_PROG_XDP);
	E(p, a_csr_rd(RR(2), BN_CSR_LM_FP_ADDR));
	E(p, a_mem(BN_OP_mem_rd, BN_TGT_LM, AR(2), IM(0), 0, 4, 0, 1));
	E(p, a_done(N));
}

/* Drop IPv6 after three EMEM reads (memory bound), pass the rest. */
static void prog_mem(struct tprog *p)
{
	u32 i;

	tp_init(p, BN_PROG_XDP);
	E(p, a_immed(RR(6), 0x8000, 2, 0));
	for (i = 0; i < 3; i++)
		E(p, a_mem(BN_OP_mem_rd, BN_TGT_EMEM, AR(6), IM(4 * i), i, 4, 0, 1));
	E(p, a_csr_rd(RR(2), BN_CSR_CTX(0)));
	E(p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(12), 0, 4, 0, 1));
	E(p, a_ldf(RR(5), XR(0), 0x1, 0, 0, 1));	/* first byte of h_proto */
	E(p, a_immed(RR(0), 2, 0, 0));
	E_br(p, a_brcmp(BN_OP_br_cmp, AR(5), IM(0x86), BN_COND_NE, 0, p->n + 2));
	E(p, a_immed(RR(0), 1, 0, 0));
	E(p, a_done(AR(0)));
}

static int run(const struct bn_sim_params *prm, void (*mk)(struct tprog *), u32 n,
	       struct bn_sim_stats *st)
{
	struct bn_sim *sim = t_sim(prm);
	struct tprog p;
	int ret;

	mk(&p);
	ret = tp_load(sim, &p, NULL, 0);
	if (!ret)
		ret = bn_sim_run_batch(sim, pk, n, res, st);
	bn_sim_destroy(sim);
	return ret;
}

static void test_exact(void)
{
	struct bn_sim_params prm = small(1, 1, 1);
	struct bn_sim_stats st;

	run(&prm, prog_alu, 100, &st);
	CHECK(st.elapsed_cycles == 600 && st.cycles_per_pkt == 6 && st.busy_cycles == 600 &&
	      st.insns == 600 && res[99].cycles == 6 && res[99].insns == 6,
	      "ALU only: %llu cycles for 100 packets", (unsigned long long)st.elapsed_cycles);
	CHECK(st.mpps_per_fpc == 800.0 / 6 && st.mpps_nic == 100 * 800.0 / 600,
	      "mpps: %.2f per FPC, %.2f NIC", st.mpps_per_fpc, st.mpps_nic);
	prm.threads = 4;
	run(&prm, prog_alu, 100, &st);
	CHECK(st.elapsed_cycles == 600, "no waits, no overlap: %llu",
	      (unsigned long long)st.elapsed_cycles);

	/* issue 1 + latency 10, swap 1 while waiting, done 1 */
	prm = small(1, 1, 1);
	prm.lat[BN_TGT_LM].min = prm.lat[BN_TGT_LM].max = 10;
	run(&prm, prog_lm, 50, &st);
	CHECK(st.elapsed_cycles == 50 * 13 && st.busy_cycles == 50 * 4 && st.mem_cmds == 50 &&
	      res[7].cycles == 13, "one 10-cycle read: %llu elapsed, %llu busy, %llu per packet",
	      (unsigned long long)st.elapsed_cycles, (unsigned long long)st.busy_cycles,
	      (unsigned long long)res[7].cycles);
	prm.threads = 2;
	run(&prm, prog_lm, 50, &st);
	CHECK(st.cycles_per_pkt < 8, "two threads overlap the wait: %.1f cycles/pkt",
	      st.cycles_per_pkt);
}

static void test_latency_hiding(void)
{
	struct bn_sim_params p1 = small(1, 2, 1), p4 = small(1, 2, 4);
	struct bn_sim_stats s1, s4;

	run(&p1, prog_mem, NPKT, &s1);
	run(&p4, prog_mem, NPKT, &s4);
	CHECK(s4.cycles_per_pkt < s1.cycles_per_pkt / 2.5,
	      "4 threads hide memory latency: %.1f vs %.1f cycles/pkt", s4.cycles_per_pkt,
	      s1.cycles_per_pkt);
	CHECK(s4.elapsed_cycles < s1.elapsed_cycles && s4.mpps_nic > s1.mpps_nic,
	      "elapsed %llu vs %llu", (unsigned long long)s4.elapsed_cycles,
	      (unsigned long long)s1.elapsed_cycles);
	CHECK(s1.actions[BN_ACT_DROP] == NPKT / 3 && s1.actions[BN_ACT_PASS] == NPKT - NPKT / 3 &&
	      s4.actions[BN_ACT_DROP] == NPKT / 3, "verdicts: %llu drops",
	      (unsigned long long)s1.actions[BN_ACT_DROP]);
	CHECK(s1.mem_cmds == 4 * NPKT && s4.busy_cycles <= 2 * s4.elapsed_cycles,
	      "mem_cmds %llu, busy %llu", (unsigned long long)s1.mem_cmds,
	      (unsigned long long)s4.busy_cycles);
}

static void test_determinism(void)
{
	struct bn_sim_params prm = small(2, 3, 4);
	struct bn_sim_stats a, b, c;
	static struct bn_sim_result ra[NPKT];
	u32 i, same = 0;

	run(&prm, prog_mem, NPKT, &a);
	memcpy(ra, res, sizeof(ra));
	run(&prm, prog_mem, NPKT, &b);
	for (i = 0; i < NPKT; i++)
		same += ra[i].cycles == res[i].cycles && ra[i].action == res[i].action;
	CHECK(!memcmp(&a, &b, sizeof(a)) && same == NPKT, "same seed, same run (%u/%u packets)",
	      same, NPKT);
	prm.seed = 99;
	run(&prm, prog_mem, NPKT, &c);
	CHECK(c.elapsed_cycles != a.elapsed_cycles &&
	      c.actions[BN_ACT_DROP] == a.actions[BN_ACT_DROP],
	      "another seed: other timing (%llu vs %llu), same verdicts",
	      (unsigned long long)c.elapsed_cycles, (unsigned long long)a.elapsed_cycles);
}

/*
 * prog_mem's packets on @pa, then on @pb: how many have the same verdict,
 * cycles and instructions in both runs.
 */
static u32 same_packets(const struct bn_sim_params *pa, const struct bn_sim_params *pb,
			struct bn_sim_stats *a, struct bn_sim_stats *b)
{
	static struct bn_sim_result ra[NPKT];
	u32 i, same = 0;

	run(pa, prog_mem, NPKT, a);
	memcpy(ra, res, sizeof(ra));
	run(pb, prog_mem, NPKT, b);
	for (i = 0; i < NPKT; i++)
		same += ra[i].action == res[i].action && ra[i].cycles == res[i].cycles &&
			ra[i].insns == res[i].insns;
	return same;
}

static void test_host_threads(void)
{
	struct bn_sim_params prm = small(4, 3, 4), two = prm;
	struct bn_sim_stats a, b;
	u32 same;

	two.host_threads = 2;
	same = same_packets(&prm, &two, &a, &b);
	CHECK(!memcmp(a.actions, b.actions, sizeof(a.actions)) && same == NPKT,
	      "host_threads 2: same verdicts (%u/%u packets)", same, NPKT);
	CHECK(a.elapsed_cycles == b.elapsed_cycles && a.insns == b.insns,
	      "and the same modeled timing: %llu vs %llu", (unsigned long long)a.elapsed_cycles,
	      (unsigned long long)b.elapsed_cycles);
}

/* The order frames reach the host in: packet numbers (byte 20). */
static u8 order[NPKT];
static u32 norder;

static void order_fn(void *o, u32 queue, const u8 *frame, u32 len)
{
	if (norder < NPKT)
		order[norder++] = frame[20];
}

/* prog_mem's packets, the order their frames leave in, with @flags on the image. */
static void run_order(const struct bn_sim_params *prm, u16 flags, struct bn_sim_stats *st,
		      u8 *out)
{
	struct bn_sim_ops ops = { .to_host = order_fn };
	struct bn_sim *sim = bn_sim_create(prm, &ops, NULL, 0);
	struct tprog p;

	prog_mem(&p);
	p.flags = flags;
	norder = 0;
	CHECK(!tp_load(sim, &p, NULL, 0), "load: %s", t_err);
	bn_sim_run_batch(sim, pk, NPKT, res, st);
	memcpy(out, order, NPKT);
	bn_sim_destroy(sim);
}

/*
 * An order-free image (BN_IMAGE_F_ORDER_FREE) runs with a wide window:
 * every packet's result and the timing are the same, only frames of
 * different FPCs reach the host in another order; an explicit
 * sched_window applies to it too.
 */
static void test_order_free(void)
{
	struct bn_sim_params prm = small(5, 4, 4);
	static struct bn_sim_result ra[NPKT];
	static u8 oa[NPKT], ob[NPKT], oc[NPKT];
	struct bn_sim_stats a, b, c;
	u32 i, same = 0;

	run_order(&prm, 0, &a, oa);
	memcpy(ra, res, sizeof(ra));
	run_order(&prm, BN_IMAGE_F_ORDER_FREE, &b, ob);
	for (i = 0; i < NPKT; i++)
		same += ra[i].action == res[i].action && ra[i].cycles == res[i].cycles;
	CHECK(same == NPKT && a.elapsed_cycles == b.elapsed_cycles && a.insns == b.insns,
	      "order-free image: same packets (%u/%u), same timing", same, NPKT);
	CHECK(norder == NPKT * 2 / 3 && memcmp(oa, ob, norder),
	      "and its frames leave in another order (the wide window): %u frames", norder);
	prm.sched_window = 256;
	run_order(&prm, BN_IMAGE_F_ORDER_FREE, &c, oc);
	CHECK(!memcmp(oa, oc, norder), "sched_window 256 for it too: the order of the default");
}

/*
 * The scheduling window orders FPCs' accesses to shared memory, nothing
 * else: packets that share no state run the same with any window.
 */
static void test_sched_window(void)
{
	struct bn_sim_params prm = small(5, 4, 4), wide = prm;
	struct bn_sim_stats a, b;
	u32 same;

	wide.sched_window = 65536;
	same = same_packets(&prm, &wide, &a, &b);
	CHECK(same == NPKT && a.elapsed_cycles == b.elapsed_cycles && a.insns == b.insns &&
	      a.busy_cycles == b.busy_cycles,
	      "sched_window 65536: same packets (%u/%u), same timing (%llu vs %llu cycles)", same,
	      NPKT, (unsigned long long)a.elapsed_cycles, (unsigned long long)b.elapsed_cycles);
}

/* Every packet adds 1 to an 8-byte counter in an array map value. */
static void test_atomic_counter(void)
{
	struct bn_image_map m = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8,
				  .max_entries = 1 };
	struct bn_sim_params prm = small(5, 4, 4);
	struct bn_sim_stats st;
	struct bn_sim *sim;
	struct tprog p;
	u32 id, key = 0, i;
	u64 cnt = 0;

	prm.host_threads = 3;
	sim = t_sim(&prm);
	bn_sim_map_create(sim, &m, &id, NULL, 0);
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	i = E(&p, a_immed(RR(2), 0, 0, 0));
	RL(&p, i, BN_RELOC_MAP_ID, 0);
	E(&p, a_alu(BN_OP_mov, LMW(0), N, IM(0)));
	E(&p, a_csr_rd(RR(4), BN_CSR_LM_FP_ADDR));
	E_helper(&p, BN_FW_MAP_LOOKUP);
	E(&p, a_immed(XR(0), 1, 0, 0));
	E(&p, a_immed(XR(1), 0, 0, 0));
	E(&p, a_mem(BN_OP_mem_add, BN_TGT_EMEM, AR(0), IM(0), 0, 8, 0, 1));
	E(&p, a_immed(RR(0), 1, 0, 0));
	E(&p, a_done(AR(0)));
	CHECK(!tp_load(sim, &p, &id, 1), "counter program: %s", t_err);
	for (i = 0; i < 5; i++)
		bn_sim_run_batch(sim, pk, NPKT, NULL, &st);
	bn_sim_map_lookup(sim, id, &key, &cnt);
	CHECK(cnt == 5 * NPKT && st.actions[BN_ACT_DROP] == NPKT,
	      "3 host threads, atomic adds: %llu of %u", (unsigned long long)cnt, 5 * NPKT);
	bn_sim_destroy(sim);
}

static void test_faults_in_batch(void)
{
	struct bn_sim_params prm = small(2, 2, 2);
	struct bn_sim_stats st;
	struct bn_sim *sim = t_sim(&prm);
	struct tprog p;
	u32 i, bad = 0;

	/* packet byte 20 is the packet number: odd ones set a misaligned LM_FP */
	tp_init(&p, BN_PROG_XDP);
	E(&p, a_csr_rd(RR(2), BN_CSR_CTX(0)));
	E(&p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(20), 0, 4, 0, 1));
	E(&p, a_alu(BN_OP_mov, RR(4), N, XR(0)));
	E(&p, a_alu(BN_OP_and, RR(4), AR(4), IM(1)));
	E_br(&p, a_brcmp(BN_OP_br_cmp, AR(4), IM(0), BN_COND_EQ, 0, p.n + 3));
	E(&p, a_alu(BN_OP_mov, LMW(127), N, IM(1)));
	E(&p, a_csr_wr(BN_CSR_LM_FP, IM(0xff)));
	E(&p, a_immed(RR(0), 2, 0, 0));
	E(&p, a_done(AR(0)));
	tp_load(sim, &p, NULL, 0);
	memset(res, 0, sizeof(res));
	bn_sim_run_batch(sim, pk, 100, res, &st);
	for (i = 0; i < 100; i++)
		bad += (i & 1) ? !res[i].fault || res[i].action != BN_ACT_ABORTED :
				 res[i].fault || res[i].action != BN_ACT_PASS;
	CHECK(!bad && st.faults == 50 && st.actions[BN_ACT_ABORTED] == 50 &&
	      st.actions[BN_ACT_PASS] == 50, "50 faults among 100 packets: %llu (%u wrong)",
	      (unsigned long long)st.faults, bad);
	CHECK(strstr(res[1].fault_msg, "csr_wr: lm_fp 0xff"), "%s", res[1].fault_msg);
	CHECK(!bn_sim_run_batch(sim, pk, 0, NULL, &st) && st.packets == 0 && st.cycles_per_pkt == 0,
	      "an empty batch");
	CHECK(bn_sim_run_batch(sim, NULL, 3, NULL, NULL) == -EINVAL, "no packets: -EINVAL");
	bn_sim_destroy(sim);
}

static void test_params(void)
{
	struct bn_sim_params prm;
	char err[200];

	bn_sim_params_default(&prm);
	CHECK(!bn_sim_params_check(&prm, err, sizeof(err)), "defaults are valid");
	prm.threads = 9;
	CHECK(bn_sim_params_check(&prm, err, sizeof(err)) == -EINVAL &&
	      !strcmp(err, "params: threads = 9 is outside 1..8"), "%s", err);
	bn_sim_params_default(&prm);
	prm.lat[BN_TGT_CTM].min = 200;
	CHECK(bn_sim_params_check(&prm, err, sizeof(err)) == -EINVAL &&
	      !strcmp(err, "params: ctm latency 200..100: need 1 <= min <= max"), "%s", err);
	bn_sim_params_default(&prm);
	prm.ctm_size = 64 << 10;
	CHECK(bn_sim_params_check(&prm, err, sizeof(err)) == -EINVAL && strstr(err, "packet frames"),
	      "%s", err);
	CHECK(!bn_sim_create(&prm, NULL, err, sizeof(err)), "create refuses bad params");
	bn_sim_params_default(&prm);
	CHECK(prm.sched_window == 0, "default scheduling window: %u (by program)", prm.sched_window);
	prm.sched_window = 2u << 20;
	CHECK(bn_sim_params_check(&prm, err, sizeof(err)) == -EINVAL &&
	      !strcmp(err, "params: sched_window = 2097152 is outside 0..1048576"), "%s", err);
}

/*
 * adjust_head(-64), read the word at the new data (headroom: the kernel's
 * test run shows zeros), write junk there, pass; drop if the word was not
 * zero.  Packets after the first on the same thread find the junk of the
 * one before unless the packet engine zeroes what adjust_head uncovered.
 */
static void prog_headroom(struct tprog *p)
{
	tp_init(p, BN_PROG_XDP);
	E_ld32(p, RR(BN_ABI_GPR_LO(2)), (u32)-64);
	E_helper(p, BN_FW_ADJUST_HEAD);
	E(p, a_csr_rd(RR(6), BN_CSR_CTX(0)));
	E(p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(6), IM(0), 0, 4, 0, 1));
	E(p, a_alu(BN_OP_mov, RR(5), N, XR(0)));
	E_ld32(p, XR(0), 0xa5a5a5a5);
	E(p, a_mem(BN_OP_mem_wr, BN_TGT_CTM, AR(6), IM(0), 0, 4, 0, 1));
	E(p, a_immed(RR(0), 2, 0, 0));
	E_br(p, a_brcmp(BN_OP_br_cmp, AR(5), IM(0), BN_COND_EQ, 0, p->n + 2));
	E(p, a_immed(RR(0), 1, 0, 0));
	E(p, a_done(AR(0)));
}

static void test_headroom(void)
{
	struct bn_sim_params prm = small(1, 1, 1);
	struct bn_sim_stats st;
	int ret;

	ret = run(&prm, prog_headroom, 20, &st);
	CHECK(!ret && st.faults == 0 && st.actions[BN_ACT_PASS] == 20,
	      "one thread, 20 packets: each finds the headroom it uncovers zeroed (%llu passed)",
	      (unsigned long long)st.actions[BN_ACT_PASS]);
}

int main(void)
{
	make_pkts();
	test_exact();
	test_latency_hiding();
	test_determinism();
	test_host_threads();
	test_sched_window();
	test_order_free();
	test_atomic_counter();
	test_faults_in_batch();
	test_headroom();
	test_params();
	return t_done();
}
