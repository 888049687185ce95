// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic-fuzz: differential fuzzer.  Generates random XDP programs that the
 * kernel verifier accepts (straight-line ALU work on packet-derived scalars,
 * forward branches, stack spills, packet loads/stores, array-map lookups with
 * loads, stores and atomic adds, xdp_adjust_tail), runs random packets through
 * each program in the host kernel (BPF_PROG_TEST_RUN) and through
 * analyzer + JIT + simulator, and compares verdict, output bytes and the map.
 * Each program is compiled with a random set of JIT passes disabled.
 *
 *   bpfnic-fuzz [-n PROGRAMS] [-p PACKETS] [-s SEED] [-v]
 *
 * Program k uses seed SEED + k, so a failure reproduces with -s SEED+k -n 1.
 * The generator is ours: no existing tool produces verifier-valid eBPF for
 * this device's feature set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "bpfnic_jit.h"
#include "analyze.h"
#include "nicsim.h"

#define MAX_INSNS	1024
#define PKT_WIN		64	/* bytes the program proves are present */
#define MAP_VAL		16
#define MAP_ENTRIES	4
#define STACK_SLOTS	8	/* r10-8 .. r10-64, initialised up front */
#define KEY_OFF		(-72)

/* The array map every generated program references (map index 0). */
static const struct bn_image_map fz_map = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = MAP_VAL,
	.max_entries = MAP_ENTRIES, .name = "fz",
};

struct rng {
	__u64 s;
};

static __u64 rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static __u32 pick(struct rng *r, __u32 n)
{
	return rnd(r) % n;
}

/* ---- instruction builders (as the kernel's filter.h) ---------------------- */

static struct bpf_insn I(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn in = { .code = code, .dst_reg = dst, .src_reg = src,
			       .off = off, .imm = imm };
	return in;
}

struct gen {
	struct rng *r;
	struct bpf_insn *p;
	__u32 n;
	int exit_fixups[MAX_INSNS];	/* insns jumping to the pass-exit */
	__u32 nfix;
};

static void put(struct gen *g, struct bpf_insn in)
{
	if (g->n < MAX_INSNS)
		g->p[g->n++] = in;
}

static const __u8 scalars[] = { 0, 1, 3, 4, 5, 7, 8, 9 };

static __u8 any_scalar(struct gen *g)
{
	return scalars[pick(g->r, sizeof(scalars))];
}

static const __u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
static const __u8 size_bytes[] = { 1, 2, 4, 8 };

/* Reload r2 = data and prove PKT_WIN bytes; else exit with XDP_PASS. */
static void gen_bounds(struct gen *g)
{
	put(g, I(BPF_LDX | BPF_MEM | BPF_W, 2, 6, 0, 0));
	put(g, I(BPF_LDX | BPF_MEM | BPF_W, 3, 6, 4, 0));
	put(g, I(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0));
	put(g, I(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, PKT_WIN));
	g->exit_fixups[g->nfix++] = g->n;
	put(g, I(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 0, 0));
	/* r3, r4 are scalars again: pointers must not reach results */
	put(g, I(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, (__s32)rnd(g->r)));
	put(g, I(BPF_ALU | BPF_MOV | BPF_K, 4, 0, 0, (__s32)rnd(g->r)));
}

static void gen_const(struct gen *g, __u8 reg)
{
	switch (pick(g->r, 3)) {
	case 0:
		put(g, I(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, (__s32)rnd(g->r)));
		break;
	case 1:
		put(g, I(BPF_ALU | BPF_MOV | BPF_K, reg, 0, 0, (__s32)pick(g->r, 256)));
		break;
	default: {
		__u64 v = rnd(g->r);

		put(g, I(BPF_LD | BPF_IMM | BPF_DW, reg, 0, 0, (__u32)v));
		put(g, I(0, 0, 0, 0, (__u32)(v >> 32)));
	}
	}
}

static void gen_pkt_load(struct gen *g, __u8 reg)
{
	__u32 s = pick(g->r, 4);
	__s16 off = pick(g->r, PKT_WIN - size_bytes[s] + 1);

	put(g, I(BPF_LDX | BPF_MEM | sizes[s], reg, 2, off, 0));
}

static void gen_pkt_store(struct gen *g)
{
	__u32 s = pick(g->r, 4);
	__s16 off = pick(g->r, PKT_WIN - size_bytes[s] + 1);

	if (pick(g->r, 2) && s != 3)
		put(g, I(BPF_ST | BPF_MEM | sizes[s], 2, 0, off, (__s32)rnd(g->r)));
	else
		put(g, I(BPF_STX | BPF_MEM | sizes[s], 2, any_scalar(g), off, 0));
}

static void gen_stack(struct gen *g)
{
	__u32 s = pick(g->r, 4);
	__s16 off = -(__s16)(8 * (1 + pick(g->r, STACK_SLOTS)));

	off += pick(g->r, 8 / size_bytes[s]) * size_bytes[s];
	if (pick(g->r, 2))
		put(g, I(BPF_STX | BPF_MEM | sizes[s], 10, any_scalar(g), off, 0));
	else
		put(g, I(BPF_LDX | BPF_MEM | sizes[s], any_scalar(g), 10, off, 0));
}

static const __u8 alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
	BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
};

static void gen_alu(struct gen *g)
{
	__u8 op = alu_ops[pick(g->r, sizeof(alu_ops))];
	__u8 cls = pick(g->r, 2) ? BPF_ALU64 : BPF_ALU;
	__u8 dst = any_scalar(g);
	bool x = pick(g->r, 2);
	__s32 imm = (__s32)rnd(g->r);

	if (op == BPF_END) {
		static const int w[] = { 16, 32, 64 };

		put(g, I(BPF_ALU | BPF_END | (x ? BPF_TO_BE : BPF_TO_LE), dst, 0, 0,
			 w[pick(g->r, 3)]));
		return;
	}
	if (op == BPF_NEG) {
		put(g, I(cls | BPF_NEG, dst, 0, 0, 0));
		return;
	}
	if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
		imm = pick(g->r, cls == BPF_ALU64 ? 64 : 32);
	else if (pick(g->r, 2))
		imm = pick(g->r, 2) ? (__s32)pick(g->r, 300) : -(__s32)pick(g->r, 300);
	if ((op == BPF_DIV || op == BPF_MOD) && imm == 0)
		imm = 7;
	if (x)
		put(g, I(cls | op | BPF_X, dst, any_scalar(g), 0, 0));
	else
		put(g, I(cls | op | BPF_K, dst, 0, 0, imm));
}

static const __u8 jmp_ops[] = {
	BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
	BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE,
};

/* A forward branch over 1..3 single-instruction bodies (gen_simple). */
static __u32 gen_jmp(struct gen *g)
{
	__u8 op = jmp_ops[pick(g->r, sizeof(jmp_ops))];
	__u8 cls = pick(g->r, 2) ? BPF_JMP : BPF_JMP32;
	__s16 skip = 1 + pick(g->r, 3);
	__s32 imm = pick(g->r, 2) ? (__s32)pick(g->r, 64) : (__s32)rnd(g->r);

	if (pick(g->r, 2))
		put(g, I(cls | op | BPF_X, any_scalar(g), any_scalar(g), skip, 0));
	else
		put(g, I(cls | op | BPF_K, any_scalar(g), 0, skip, imm));
	return skip;
}

/* Exactly one instruction, so branch skips land on instruction boundaries. */
static void gen_simple(struct gen *g)
{
	switch (pick(g->r, 10)) {
	case 0:
		gen_pkt_load(g, any_scalar(g));
		break;
	case 1:
		gen_pkt_store(g);
		break;
	case 2:
	case 3:
		gen_stack(g);
		break;
	default:
		gen_alu(g);
	}
}

static void gen_reinit(struct gen *g)
{
	static const __u8 clobbered[] = { 0, 1, 3, 4, 5 };
	unsigned int i;

	for (i = 0; i < sizeof(clobbered); i++)
		gen_const(g, clobbered[i]);
}

/* r0 = lookup(map, &key); if r0: load/store/atomic add on the value. */
static void gen_map(struct gen *g)
{
	__u32 s = 2 + pick(g->r, 2);	/* W or DW */
	__s16 off = pick(g->r, MAP_VAL / size_bytes[s]) * size_bytes[s];
	__u32 at;

	put(g, I(BPF_ST | BPF_MEM | BPF_W, 10, 0, KEY_OFF, pick(g->r, MAP_ENTRIES + 1)));
	put(g, I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 0));
	put(g, I(0, 0, 0, 0, 0));
	put(g, I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0));
	put(g, I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, KEY_OFF));
	put(g, I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem));
	at = g->n;
	put(g, I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, 0));
	switch (pick(g->r, 3)) {
	case 0:
		put(g, I(BPF_STX | BPF_ATOMIC | sizes[s], 0, 7 + pick(g->r, 3), off, BPF_ADD));
		break;
	case 1:
		put(g, I(BPF_STX | BPF_MEM | sizes[s], 0, 7 + pick(g->r, 3), off, 0));
		break;
	default:
		put(g, I(BPF_LDX | BPF_MEM | sizes[s], 7 + pick(g->r, 3), 0, off, 0));
	}
	g->p[at].off = g->n - at - 1;
	gen_reinit(g);
	gen_bounds(g);
}

static void gen_adjust_tail(struct gen *g)
{
	put(g, I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0));
	put(g, I(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, -(__s32)pick(g->r, 16)));
	put(g, I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_tail));
	gen_reinit(g);
	gen_bounds(g);
}

static void gen_prologue(struct gen *g)
{
	unsigned int i;

	put(g, I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0));
	gen_bounds(g);
	for (i = 0; i < sizeof(scalars); i++) {
		if (pick(g->r, 2))
			gen_pkt_load(g, scalars[i]);
		else
			gen_const(g, scalars[i]);
	}
	for (i = 1; i <= STACK_SLOTS; i++)
		put(g, I(BPF_STX | BPF_MEM | BPF_DW, 10, any_scalar(g), -8 * i, 0));
}

static void gen_epilogue(struct gen *g)
{
	unsigned int i;

	put(g, I(BPF_ALU64 | BPF_MOV | BPF_X, 0, any_scalar(g), 0, 0));
	if (pick(g->r, 4)) {
		put(g, I(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, 3));
	} else {
		/*
		 * Any value but XDP_REDIRECT: the device refuses a program
		 * that may return it (the analyzer knows small value sets,
		 * e.g. r0 = x & 7).  4 becomes 5, an invalid action.
		 */
		put(g, I(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 1, XDP_REDIRECT));
		put(g, I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_REDIRECT + 1));
	}
	put(g, I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	/* the bounds-check failure path */
	for (i = 0; i < g->nfix; i++)
		g->p[g->exit_fixups[i]].off = g->n - g->exit_fixups[i] - 1;
	put(g, I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS));
	put(g, I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static __u32 gen_prog(struct rng *r, struct bpf_insn *p)
{
	struct gen g = { .r = r, .p = p };
	__u32 body = 5 + pick(r, 80), i;

	gen_prologue(&g);
	for (i = 0; i < body && g.n < MAX_INSNS - 64; i++) {
		__u32 k = pick(r, 100);

		if (k < 12) {
			__u32 s = gen_jmp(&g);

			while (s--)
				gen_simple(&g);
		} else if (k < 16) {
			gen_map(&g);
		} else if (k < 17) {
			gen_adjust_tail(&g);
		} else {
			gen_simple(&g);
		}
	}
	gen_epilogue(&g);
	return g.n;
}

/* ---- the two sides ---------------------------------------------------------- */

struct run {
	__u32 retval;
	__u32 len;
	__u8 data[4096];
};

struct stats {
	unsigned long programs, packets, mismatches, kernel_rejected, device_rejected;
	unsigned long faults;
};

static bool verbose;

static int kernel_run(const struct bpf_insn *insns, __u32 n, const __u8 (*pkts)[256],
		      const __u32 *lens, __u32 npkts, struct run *out,
		      __u8 (*map_out)[MAP_VAL])
{
	struct bpf_insn prog[MAX_INSNS];
	static char log[1 << 20];
	LIBBPF_OPTS(bpf_prog_load_opts, lo);
	int mfd, pfd, err = 0;
	__u32 i, k;

	mfd = bpf_map_create(fz_map.type, fz_map.name, fz_map.key_size, fz_map.value_size,
			     fz_map.max_entries, NULL);
	if (mfd < 0)
		return -errno;
	memcpy(prog, insns, n * sizeof(*insns));
	for (i = 0; i < n; i++)
		if (prog[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    prog[i].src_reg == BPF_PSEUDO_MAP_IDX) {
			prog[i].src_reg = BPF_PSEUDO_MAP_FD;
			prog[i].imm = mfd;
		}
	pfd = bpf_prog_load(BPF_PROG_TYPE_XDP, "fz", "GPL", prog, n, NULL);
	if (pfd < 0) {
		if (verbose) {	/* load again, only to show why */
			lo.log_buf = log;
			lo.log_size = sizeof(log);
			lo.log_level = 1;
			bpf_prog_load(BPF_PROG_TYPE_XDP, "fz", "GPL", prog, n, &lo);
			fprintf(stderr, "kernel verifier: %s\n", log);
		}
		close(mfd);
		return -EACCES;
	}
	for (k = 0; k < npkts && !err; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkts[k], .data_size_in = lens[k],
			    .data_out = out[k].data, .data_size_out = sizeof(out[k].data),
			    .repeat = 1);
		err = bpf_prog_test_run_opts(pfd, &t) ? -errno : 0;
		out[k].retval = t.retval;
		out[k].len = t.data_size_out;
	}
	for (k = 0; k < MAP_ENTRIES && !err; k++)
		err = bpf_map_lookup_elem(mfd, &k, map_out[k]) ? -errno : 0;
	close(pfd);
	close(mfd);
	return err;
}

static void jit_print(void *priv, const char *msg)
{
	if (verbose)
		fprintf(stderr, "device: %s\n", msg);
	snprintf(priv, 256, "%s", msg);
}

static void *jit_alloc(void *priv, size_t size)
{
	return calloc(1, size);
}

static void jit_free(void *priv, void *p)
{
	free(p);
}

static int device_build(const struct bpf_insn *insns, __u32 n, __u32 disabled,
			void **img, size_t *img_len, char *why)
{
	struct bn_jit_env env = { jit_alloc, jit_free, jit_print, why };
	struct bn_jit_opts opts = { .sz = sizeof(opts), .disabled_passes = disabled };
	struct bn_jit_subprog subs[8];
	struct bn_insn_meta *meta = calloc(n, sizeof(*meta));
	struct bn_jit_in in = { .insns = insns, .len = n, .prog_type = BN_PROG_XDP,
				.meta = meta, .subprogs = subs, .maps = &fz_map, .nmaps = 1 };
	int err;

	err = bn_analyze(insns, n, BN_PROG_XDP, &fz_map, 1, meta, subs, 8, &in.nsubprogs, &env);
	if (!err)
		err = bn_jit_compile(&in, &opts, &env, img, img_len, NULL);
	free(meta);
	return err;
}

static int device_run(struct bn_sim *sim, const void *img, size_t img_len,
		      const __u8 (*pkts)[256], const __u32 *lens, __u32 npkts,
		      struct run *out, __u8 (*map_out)[MAP_VAL], unsigned long *faults)
{
	char err[160];
	__u32 id, k;
	int ret;

	ret = bn_sim_map_create(sim, &fz_map, &id, err, sizeof(err));
	if (!ret)
		ret = bn_sim_prog_load(sim, img, img_len, &id, 1, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "fuzz: device refused the image: %s\n", err);
		bn_sim_map_free(sim, id);
		return ret;
	}
	for (k = 0; k < npkts; k++) {
		struct bn_sim_pkt p = { .data = pkts[k], .len = lens[k], .ifindex = 1 };
		struct bn_sim_result r = { .out = out[k].data, .out_cap = sizeof(out[k].data) };

		bn_sim_run_one(sim, &p, &r);
		if (r.fault) {
			(*faults)++;
			fprintf(stderr, "fuzz: device fault: %s\n", r.fault_msg);
		}
		out[k].retval = r.retval;
		out[k].len = r.out_len;
	}
	for (k = 0; k < MAP_ENTRIES; k++)
		bn_sim_map_lookup(sim, id, &k, map_out[k]);
	bn_sim_prog_unload(sim);
	bn_sim_map_free(sim, id);
	return 0;
}

static void dump_prog(const struct bpf_insn *p, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "  %3u: code %#04x dst r%u src r%u off %d imm %d\n", i,
			p[i].code, p[i].dst_reg, p[i].src_reg, p[i].off, p[i].imm);
}

static bool compare(const struct run *k, const struct run *d, __u32 npkts,
		    __u8 (*km)[MAP_VAL], __u8 (*dm)[MAP_VAL], __u64 seed)
{
	__u32 i;

	for (i = 0; i < npkts; i++) {
		if (k[i].retval != d[i].retval) {
			fprintf(stderr, "fuzz: seed %llu packet %u: retval kernel %u device %u\n",
				(unsigned long long)seed, i, k[i].retval, d[i].retval);
			return false;
		}
		if (k[i].len != d[i].len || memcmp(k[i].data, d[i].data, k[i].len)) {
			fprintf(stderr, "fuzz: seed %llu packet %u: output bytes differ (len %u vs %u)\n",
				(unsigned long long)seed, i, k[i].len, d[i].len);
			return false;
		}
	}
	if (memcmp(km, dm, MAP_ENTRIES * MAP_VAL)) {
		fprintf(stderr, "fuzz: seed %llu: map contents differ\n", (unsigned long long)seed);
		return false;
	}
	return true;
}

static void make_packets(struct rng *r, __u8 (*pkts)[256], __u32 *lens, __u32 n)
{
	__u32 k, i;

	for (k = 0; k < n; k++) {
		lens[k] = PKT_WIN - 8 + pick(r, 256 - PKT_WIN + 8);
		for (i = 0; i < 256; i++)
			pkts[k][i] = pick(r, 4) ? rnd(r) : pick(r, 3);
	}
}

/* One program: 1 = agreed, 0 = mismatch, -1 = not comparable (rejected). */
static int fuzz_one(struct bn_sim *sim, __u64 seed, __u32 npkts, struct stats *st)
{
	static struct run kout[64], dout[64];
	static __u8 pkts[64][256];
	__u8 km[MAP_ENTRIES][MAP_VAL], dm[MAP_ENTRIES][MAP_VAL];
	struct bpf_insn prog[MAX_INSNS];
	struct rng r = { seed * 0x9e3779b97f4a7c15ull | 1 };
	__u32 lens[64], n;
	char why[256] = "";
	void *img = NULL;
	size_t img_len;
	int err;

	n = gen_prog(&r, prog);
	make_packets(&r, pkts, lens, npkts);
	err = kernel_run(prog, n, pkts, lens, npkts, kout, km);
	if (err == -EACCES) {
		st->kernel_rejected++;
		return -1;
	}
	if (err)
		return -2;
	if (device_build(prog, n, (__u32)rnd(&r) & ((1u << BN_PASS__COUNT) - 1) &
			 -(__u32)(pick(&r, 2)), &img, &img_len, why)) {
		st->device_rejected++;	/* every generated program must run: a failure */
		fprintf(stderr, "fuzz: seed %llu: device rejected: %s\n",
			(unsigned long long)seed, why);
		return 0;
	}
	err = device_run(sim, img, img_len, pkts, lens, npkts, dout, dm, &st->faults);
	free(img);
	st->packets += npkts;
	if (!err && compare(kout, dout, npkts, km, dm, seed))
		return 1;
	if (verbose)
		dump_prog(prog, n);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nprogs = 1000, pass = 0, fail = 0, skip = 0, k;
	__u32 npkts = 16;
	__u64 seed = 1;
	struct stats st = {};
	struct bn_sim_params prm;
	struct bn_sim_ops ops = {};
	struct bn_sim *sim;
	char err[160];
	int c;

	while ((c = getopt(argc, argv, "n:p:s:v")) != -1) {
		switch (c) {
		case 'n': nprogs = strtoul(optarg, NULL, 0); break;
		case 'p': npkts = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: bpfnic-fuzz [-n PROGRAMS] [-p PACKETS<=64] [-s SEED] [-v]\n");
			return 2;
		}
	}
	if (npkts == 0 || npkts > 64) {
		fprintf(stderr, "bpfnic-fuzz: -p takes 1..64\n");
		return 2;
	}
	bn_sim_params_default(&prm);
	prm.islands = 1;
	prm.fpcs = 1;
	sim = bn_sim_create(&prm, &ops, err, sizeof(err));
	if (!sim) {
		fprintf(stderr, "bpfnic-fuzz: %s\n", err);
		return 1;
	}
	for (k = 0; k < nprogs; k++) {
		int r = fuzz_one(sim, seed + k, npkts, &st);

		if (r == -2) {
			printf("skip: BPF_PROG_TEST_RUN unavailable (%s)\n", strerror(errno));
			printf("0 passed, 0 failed, %lu skipped\n", nprogs);
			return 0;
		}
		pass += r == 1;
		fail += r == 0;
		skip += r < 0;
	}
	bn_sim_destroy(sim);
	printf("fuzz: %lu programs, %lu packets compared, %lu mismatching programs, "
	       "%lu kernel-rejected, %lu device-rejected, %lu device faults\n",
	       nprogs, st.packets, fail - st.device_rejected, st.kernel_rejected,
	       st.device_rejected, st.faults);
	printf("%lu passed, %lu failed, %lu skipped\n", pass, fail, skip);
	return fail ? 1 : 0;
}
