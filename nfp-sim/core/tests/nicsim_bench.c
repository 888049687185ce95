// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * nicsim-bench: host packets per second of the NIC model on a
 * hand-assembled XDP program that drops IPv6 by ethertype (one packet
 * read, ~15 instructions), through bn_sim_run_batch (timing model on) and
 * bn_sim_run_one.  Usage: nicsim-bench [packets] [host_threads]
 */
#include <time.h>
#include "simtest.h"

static u64 delivered;

static void b_tx(void *o, const u8 *frame, u32 len)
{
	delivered++;
}

static void b_host(void *o, u32 queue, const u8 *frame, u32 len)
{
	delivered++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* if (data + 14 > data_end) pass; return eth->h_proto == htons(0x86dd) ? DROP : PASS */
static void drop_ipv6(struct tprog *p)
{
	tp_init(p, BN_PROG_XDP);
	E(p, a_csr_rd(RR(2), BN_CSR_CTX(0)));			/* 0: R2 = data */
	E(p, a_csr_rd(RR(3), BN_CSR_CTX(4)));			/* 1: R3 = data_end */
	E(p, a_alu(BN_OP_add, RR(4), AR(2), IM(14)));		/* 2 */
	E_br(p, a_brcmp(BN_OP_br_cmp, AR(4), BR(3), BN_COND_HI, 0, 12));	/* 3 */
	E(p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(12), 0, 4, 0, 1));	/* 4 */
	E(p, a_ldf(RR(5), XR(0), 0x3, 0, 0, 1));		/* 5: h_proto, wire order */
	E(p, a_immed(RR(6), 0xdd86, 0, 0));			/* 6: htons(ETH_P_IPV6) */
	E(p, a_immed(RR(1), 0, 0, 0));				/* 7: R0 hi */
	E_br(p, a_brcmp(BN_OP_br_cmp, AR(5), BR(6), BN_COND_EQ, 1, 14));	/* 8 */
	E(p, a_immed(RR(0), 1, 0, 0));				/* 9: slot: XDP_DROP */
	E(p, a_immed(RR(0), 2, 0, 0));				/* 10: XDP_PASS */
	E(p, a_done(AR(0)));					/* 11 */
	E(p, a_immed(RR(0), 2, 0, 0));				/* 12: short: pass */
	E(p, a_done(AR(0)));					/* 13 */
	E(p, a_done(AR(0)));					/* 14: drop */
}

#define BATCH	4096

static u8 pkts[256][64];
static struct bn_sim_pkt pk[BATCH];

/* Host packets/s through bn_sim_run_batch; *drops counts XDP_DROP. */
static double bench_batch(struct bn_sim *sim, u32 n, u64 *drops, struct bn_sim_stats *st)
{
	double t0 = now_s();
	u32 k;

	for (k = 0; k < n; k += BATCH) {
		bn_sim_run_batch(sim, pk, n - k < BATCH ? n - k : BATCH, NULL, st);
		*drops += st->actions[BN_ACT_DROP];
	}
	return n / (now_s() - t0);
}

static double bench_one(struct bn_sim *sim, u32 n)
{
	struct bn_sim_result r;
	double t0 = now_s();
	u32 k;

	for (k = 0; k < n; k++) {
		memset(&r, 0, sizeof(r));
		bn_sim_run_one(sim, &pk[k & 255], &r);
	}
	return n / (now_s() - t0);
}

static struct bn_sim *bench_sim(u32 host_threads)
{
	struct bn_sim_ops ops = { b_tx, b_host, NULL, NULL, NULL };
	struct bn_sim_params prm;
	struct bn_sim *sim;
	struct tprog p;
	char err[256];

	bn_sim_params_default(&prm);
	prm.host_threads = host_threads;
	sim = bn_sim_create(&prm, &ops, err, sizeof(err));
	if (!sim) {
		printf("bn_sim_create: %s\n", err);
		exit(1);
	}
	drop_ipv6(&p);
	if (tp_load(sim, &p, NULL, 0)) {
		printf("load: %s\n", t_err);
		exit(1);
	}
	return sim;
}

int main(int argc, char **argv)
{
	u32 n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000, i;
	u32 ht = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	struct bn_sim *sim = bench_sim(ht);
	struct bn_sim_stats st;
	u64 drops = 0;
	double pps;

	for (i = 0; i < 256; i++)
		t_pkt(pkts[i], 64, i & 1 ? 0x86dd : 0x0800);
	for (i = 0; i < BATCH; i++)
		pk[i] = (struct bn_sim_pkt){ .data = pkts[i & 255], .len = 64 };
	pps = bench_batch(sim, n, &drops, &st);
	printf("nicsim-bench: run_batch: %u packets: %.2f M host packets/s (%u host threads)\n",
	       n, pps / 1e6, ht);
	printf("nicsim-bench: model: %.1f cycles/pkt per FPC, %.2f Mpps per FPC, %.2f Mpps NIC\n",
	       st.cycles_per_pkt, st.mpps_per_fpc, st.mpps_nic);
	pps = bench_one(sim, n / 4);
	printf("nicsim-bench: run_one: %.2f M host packets/s\n", pps / 1e6);
	bn_sim_destroy(sim);
	if (drops != n / 2)
		printf("nicsim-bench: %llu drops, want %u\n", (unsigned long long)drops, n / 2);
	return drops == n / 2 ? 0 : 1;
}
