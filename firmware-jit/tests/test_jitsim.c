// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Differential end-to-end test: programs are analyzed, JITted with sets of
 * passes disabled, loaded into the simulator and run on packets; a compact
 * reference interpreter (64-bit semantics of the kernel's x86 JIT: shift
 * amounts masked, ALU32 zero-extends, x/0 = 0, x%0 = x) runs the same
 * program on the same input.  Return value, packet bytes and map contents
 * must agree.
 *
 * Generated: every ALU op x {ALU32, ALU64} x {K, X} over operand values
 * with power-of-two magnitudes, both signs, 0, +-1, INT_MIN..., with the
 * operands unknown (64-bit loads), known 32-bit (32-bit loads), masked or
 * constant; every jump condition x {JMP, JMP32} x {K, X} likewise.  Hand
 * written: memory of every size and alignment (packet, stack, map values),
 * atomics, fused patterns, calls and helpers.
 *
 * Needs libnicsim.a: link with $(BUILD)/libnicsim.a -lpthread.
 */
#include <time.h>
#include "test_jit_common.h"
#include "nicsim.h"

#define NPKT		12
#define PKT_LEN		128
#define SHORT_LEN	40	/* the last packet fails the bounds checks */
#define REF_HEADROOM	256
#define MAP_VALUE_SIZE	32
#define MAP_ENTRIES	8

static const struct bn_image_map test_map = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = MAP_VALUE_SIZE,
	.max_entries = MAP_ENTRIES, .name = "jitsim",
};

/* ---- random values ---------------------------------------------------------------- */

static __u64 rng = 0x243f6a8885a308d3ull;

static __u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Operand values the way lib/test_bpf.c picks them: magnitudes, signs, edges. */
static __u64 rnd_val(void)
{
	static const __u64 edge[] = {
		0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0xffffffff80000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
		2, 31, 32, 63, 64, 0xff, 0xffff,
	};
	__u64 p = 1ull << (rnd() % 64);

	switch (rnd() % 6) {
	case 0:
		return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return p;
	case 2:
		return -p;
	case 3:
		return p + (rnd() % 3) - 1;
	case 4:
		return (__u32)rnd();
	default:
		return rnd();
	}
}

/* ---- reference interpreter ---------------------------------------------------------- */

struct ref_map {
	__u8 vals[MAP_ENTRIES][MAP_VALUE_SIZE];
};

struct ref {
	const struct bpf_insn *insns;
	__u32 len;
	__u32 type;
	__u8 frame[REF_HEADROOM + 512];
	__u8 *data, *end;
	__u32 ctx[64];			/* context words; pointers come from data/end */
	struct ref_map *map;
	int fault;
};

/* Context offsets of data, data_end and data_meta for the program type. */
static const __u32 ctx_ptr_off[2][3] = {
	{ 0, 4, 8 },		/* struct xdp_md */
	{ 76, 80, 140 },	/* struct __sk_buff */
};

static __u64 bswap(__u64 v, int bits)
{
	if (bits == 16)
		return __builtin_bswap16(v);
	if (bits == 32)
		return __builtin_bswap32(v);
	return __builtin_bswap64(v);
}

static __u64 ref_alu(__u8 code, __u64 d, __u64 s, __s32 imm)
{
	int is64 = BPF_CLASS(code) == BPF_ALU64;
	__u64 m = is64 ? 63 : 31, r;

	if (BPF_OP(code) == BPF_END) {
		if (BPF_SRC(code) == BPF_TO_BE)
			return bswap(d, imm);
		return imm == 64 ? d : imm == 32 ? (__u32)d : (__u16)d;
	}
	if (!is64) {
		d = (__u32)d;
		s = (__u32)s;
	}
	switch (BPF_OP(code)) {
	case BPF_ADD:	r = d + s; break;
	case BPF_SUB:	r = d - s; break;
	case BPF_MUL:	r = d * s; break;
	case BPF_DIV:	r = s ? d / s : 0; break;
	case BPF_MOD:	r = s ? d % s : d; break;
	case BPF_OR:	r = d | s; break;
	case BPF_AND:	r = d & s; break;
	case BPF_XOR:	r = d ^ s; break;
	case BPF_LSH:	r = d << (s & m); break;
	case BPF_RSH:	r = d >> (s & m); break;
	case BPF_ARSH:
		r = is64 ? (__u64)((__s64)d >> (s & m)) : (__u32)((__s32)d >> (s & m));
		break;
	case BPF_NEG:	r = -d; break;
	default:	r = s; break;	/* BPF_MOV */
	}
	return is64 ? r : (__u32)r;
}

static int ref_cond(__u8 code, __u64 d, __u64 s)
{
	if (BPF_CLASS(code) == BPF_JMP32) {
		__u32 a = d, b = s;

		switch (BPF_OP(code)) {
		case BPF_JEQ:	return a == b;
		case BPF_JNE:	return a != b;
		case BPF_JGT:	return a > b;
		case BPF_JGE:	return a >= b;
		case BPF_JLT:	return a < b;
		case BPF_JLE:	return a <= b;
		case BPF_JSGT:	return (__s32)a > (__s32)b;
		case BPF_JSGE:	return (__s32)a >= (__s32)b;
		case BPF_JSLT:	return (__s32)a < (__s32)b;
		case BPF_JSLE:	return (__s32)a <= (__s32)b;
		default:	return !!(a & b);
		}
	}
	switch (BPF_OP(code)) {
	case BPF_JEQ:	return d == s;
	case BPF_JNE:	return d != s;
	case BPF_JGT:	return d > s;
	case BPF_JGE:	return d >= s;
	case BPF_JLT:	return d < s;
	case BPF_JLE:	return d <= s;
	case BPF_JSGT:	return (__s64)d > (__s64)s;
	case BPF_JSGE:	return (__s64)d >= (__s64)s;
	case BPF_JSLT:	return (__s64)d < (__s64)s;
	case BPF_JSLE:	return (__s64)d <= (__s64)s;
	default:	return !!(d & s);
	}
}

/* Context loads give 64-bit host pointers for data/data_end/data_meta. */
static __u64 ref_ctx_load(struct ref *r, __u32 off)
{
	const __u32 *p = ctx_ptr_off[r->type == BN_PROG_TC];

	if (off == p[0] || off == p[2])
		return (__u64)(unsigned long)r->data;
	if (off == p[1])
		return (__u64)(unsigned long)r->end;
	return r->ctx[off / 4];
}

static bool in_ctx(const struct ref *r, __u64 addr)
{
	return addr >= (__u64)(unsigned long)r->ctx &&
	       addr < (__u64)(unsigned long)(r->ctx + 64);
}

static __u64 ref_load(struct ref *r, __u64 addr, __u32 size)
{
	__u64 v = 0;

	if (in_ctx(r, addr))
		return ref_ctx_load(r, addr - (__u64)(unsigned long)r->ctx);
	memcpy(&v, (void *)(unsigned long)addr, size);
	return v;
}

static __u64 ref_helper(struct ref *r, __u64 *reg)
{
	__u32 key;

	switch (reg[0]) {
	case BPF_FUNC_map_lookup_elem:
		memcpy(&key, (void *)(unsigned long)reg[2], 4);
		return key < MAP_ENTRIES ? (__u64)(unsigned long)r->map->vals[key] : 0;
	case BPF_FUNC_map_update_elem:
		memcpy(&key, (void *)(unsigned long)reg[2], 4);
		if (key >= MAP_ENTRIES)
			return (__u64)-7;	/* -E2BIG */
		memcpy(r->map->vals[key], (void *)(unsigned long)reg[3], MAP_VALUE_SIZE);
		return 0;
	case BPF_FUNC_xdp_adjust_head:
		r->data += (__s32)reg[2];
		return 0;
	case BPF_FUNC_xdp_adjust_tail:
		if ((__s32)reg[2] > 0)
			memset(r->end, 0, (__s32)reg[2]);
		r->end += (__s32)reg[2];
		return 0;
	default:
		return 0;
	}
}

static __u64 ref_run(struct ref *r, __u32 pc, __u64 *reg);

static void ref_call(struct ref *r, __u32 pc, __u64 *reg, const struct bpf_insn *insn)
{
	__u64 saved[4], id = insn->imm;

	if (insn->src_reg == BPF_PSEUDO_CALL) {
		memcpy(saved, &reg[6], sizeof(saved));
		reg[0] = ref_run(r, pc + 1 + insn->imm, reg);
		memcpy(&reg[6], saved, sizeof(saved));
		return;
	}
	reg[0] = id;
	reg[0] = ref_helper(r, reg);
}

/* Run from @pc with a fresh stack frame; returns R0 at EXIT. */
static __u64 ref_run(struct ref *r, __u32 pc, __u64 *reg)
{
	__u8 stack[512] __attribute__((aligned(8)));
	__u64 saved10 = reg[10];

	reg[10] = (__u64)(unsigned long)(stack + sizeof(stack));
	for (;;) {
		const struct bpf_insn *insn = &r->insns[pc];
		__u8 c = insn->code, cls = BPF_CLASS(c);
		__u64 s = BPF_SRC(c) == BPF_X ? reg[insn->src_reg] : (__u64)(__s64)insn->imm;
		__u64 addr;

		if (r->fault || pc >= r->len)
			return r->fault = 1, 0;
		pc++;
		if (cls == BPF_ALU || cls == BPF_ALU64) {
			reg[insn->dst_reg] = ref_alu(c, reg[insn->dst_reg], s, insn->imm);
		} else if (c == (BPF_LD | BPF_IMM | BPF_DW)) {
			reg[insn->dst_reg] = insn->src_reg == BPF_PSEUDO_MAP_IDX ?
				(__u64)(unsigned long)r->map :
				(__u32)insn->imm | (__u64)insn[1].imm << 32;
			pc++;
		} else if (cls == BPF_LDX) {
			reg[insn->dst_reg] = ref_load(r, reg[insn->src_reg] + insn->off,
						      BPF_SIZE(c) == BPF_DW ? 8 : BPF_SIZE(c) == BPF_W ? 4 :
						      BPF_SIZE(c) == BPF_H ? 2 : 1);
		} else if (cls == BPF_STX || cls == BPF_ST) {
			__u32 size = BPF_SIZE(c) == BPF_DW ? 8 : BPF_SIZE(c) == BPF_W ? 4 :
				     BPF_SIZE(c) == BPF_H ? 2 : 1;
			__u64 v = cls == BPF_ST ? (__u64)(__s64)insn->imm : reg[insn->src_reg];

			addr = reg[insn->dst_reg] + insn->off;
			if (BPF_MODE(c) == BPF_ATOMIC)
				v += ref_load(r, addr, size);
			memcpy((void *)(unsigned long)addr, &v, size);
			if (in_ctx(r, addr) && (addr - (__u64)(unsigned long)r->ctx) / 4 == 11)
				r->ctx[11] &= 0xffff;	/* __sk_buff.tc_index is 16 bits */
		} else if (BPF_OP(c) == BPF_EXIT) {
			reg[10] = saved10;
			return reg[0];
		} else if (BPF_OP(c) == BPF_CALL) {
			ref_call(r, pc - 1, reg, insn);
		} else if (BPF_OP(c) == BPF_JA || ref_cond(c, reg[insn->dst_reg],
					BPF_CLASS(c) == BPF_JMP32 && BPF_SRC(c) == BPF_K ?
					(__u32)insn->imm : s)) {
			pc += insn->off;
		}
	}
}

/* ---- running one program on both sides ----------------------------------------------------- */

struct run_out {
	__u32 retval;
	__u32 len;
	__u8 data[512];
	__u8 map[MAP_ENTRIES][MAP_VALUE_SIZE];
};

static struct bn_sim *sim;
static __u32 map_id;
static struct ref_map map_init;

static void ref_exec(const struct bpf_insn *insns, __u32 n, __u32 type, const __u8 *pkt,
		     __u32 len, struct run_out *o)
{
	static struct ref r;
	static struct ref_map m;
	__u64 reg[11] = { 0 };

	memset(&r, 0, sizeof(r));
	memcpy(&m, &map_init, sizeof(m));
	r.insns = insns;
	r.len = n;
	r.type = type;
	r.map = &m;
	r.data = r.frame + REF_HEADROOM;
	r.end = r.data + len;
	memcpy(r.data, pkt, len);
	if (type == BN_PROG_TC) {
		r.ctx[0] = len;				/* __sk_buff.len */
		r.ctx[40 / 4] = 1;			/* ifindex */
	} else {
		r.ctx[12 / 4] = 1;			/* xdp_md.ingress_ifindex */
	}
	reg[1] = (__u64)(unsigned long)r.ctx;
	o->retval = ref_run(&r, 0, reg);
	o->len = r.end - r.data;
	memcpy(o->data, r.data, o->len);
	memcpy(o->map, m.vals, sizeof(o->map));
}

static int dev_load(const struct t_prog *p)
{
	char err[160];
	__u32 k;
	int ret;

	for (k = 0; k < MAP_ENTRIES; k++)
		bn_sim_map_update(sim, map_id, &k, map_init.vals[k], BN_SIM_ANY);
	ret = bn_sim_prog_load(sim, p->img, p->len, &map_id, 1, err, sizeof(err));
	if (ret)
		printf("  device refused the image: %s\n", err);
	return ret;
}

static void dev_exec(const __u8 *pkt, __u32 len, struct run_out *o)
{
	struct bn_sim_pkt sp = { .data = pkt, .len = len, .ifindex = 1 };
	struct bn_sim_result res = { .out = o->data, .out_cap = sizeof(o->data) };
	__u32 k;

	for (k = 0; k < MAP_ENTRIES; k++)
		bn_sim_map_update(sim, map_id, &k, map_init.vals[k], BN_SIM_ANY);
	bn_sim_run_one(sim, &sp, &res);
	if (res.fault)
		printf("  device fault: %s\n", res.fault_msg);
	o->retval = res.fault ? 0xdeadfa17 : res.retval;
	o->len = res.out_len;
	for (k = 0; k < MAP_ENTRIES; k++)
		bn_sim_map_lookup(sim, map_id, &k, o->map[k]);
}

static void show_prog(const struct bpf_insn *insns, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++)
		printf("    %3u: code %02x dst r%u src r%u off %d imm %d\n", i, insns[i].code,
		       insns[i].dst_reg, insns[i].src_reg, insns[i].off, insns[i].imm);
}

/* Pass sets to try: all on, all off, each alone off, each alone on, some random. */
static __u32 masks[32];
static __u32 nmasks;

static void make_masks(void)
{
	__u32 p;

	masks[nmasks++] = 0;
	masks[nmasks++] = ALL_PASSES;
	for (p = 0; p < BN_PASS__COUNT; p++) {
		masks[nmasks++] = 1u << p;
		masks[nmasks++] = ALL_PASSES & ~(1u << p);
	}
	while (nmasks < 24)
		masks[nmasks++] = rnd() & ALL_PASSES;
}

/*
 * JIT @insns under every pass set and compare against the reference on
 * @npkts packets (operands at the packet start); returns false on the
 * first disagreement, after printing it.
 */
static bool diff_type(const char *name, const struct bpf_insn *insns, __u32 n, __u32 type,
		      __u8 (*pkts)[PKT_LEN], __u32 npkts)
{
	static struct run_out ro, dout;
	struct t_env e = { .quiet = 1 };
	__u32 m, k;

	for (m = 0; m < nmasks; m++) {
		struct t_prog p = t_build(insns, n, type, &test_map, 1, masks[m], 0, &e);
		bool ok = !p.aerr && !p.err && !dev_load(&p);

		for (k = 0; ok && k < npkts; k++) {
			__u32 len = k == npkts - 1 ? SHORT_LEN : PKT_LEN;

			ref_exec(insns, n, type, pkts[k], len, &ro);
			dev_exec(pkts[k], len, &dout);
			ok = ro.retval == dout.retval && ro.len == dout.len &&
			     !memcmp(ro.data, dout.data, ro.len) && !memcmp(ro.map, dout.map, sizeof(ro.map));
		}
		if (!ok) {
			printf("FAIL %s, passes disabled %#x (analyzer %d, jit %d: %s)\n", name,
			       masks[m], p.aerr, p.err, e.last);
			if (!p.aerr && !p.err)
				printf("  packet %u: retval ref %#x dev %#x, len %u/%u\n", k - 1,
				       ro.retval, dout.retval, ro.len, dout.len);
			show_prog(insns, n);
			t_dump(&p);
		}
		free(p.img);
		if (!ok)
			return false;
	}
	return true;
}

static bool diff_prog(const char *name, const struct bpf_insn *insns, __u32 n,
		      __u8 (*pkts)[PKT_LEN], __u32 npkts)
{
	return diff_type(name, insns, n, BN_PROG_XDP, pkts, npkts);
}

static void fill_pkts(__u8 (*pkts)[PKT_LEN], __u32 n)
{
	__u32 k, i;

	for (k = 0; k < n; k++) {
		for (i = 0; i < PKT_LEN; i += 8) {
			__u64 v = rnd_val();

			memcpy(&pkts[k][i], &v, 8);
		}
	}
}

/* ---- generated ALU and jump programs --------------------------------------------------------- */

enum opnd_kind { K_DW, K_W, K_MASK, K_CONST, K_SAME, K__COUNT };
static const char *const kind_name[] = { "dw", "w", "mask", "const", "same" };

/* data = r6, data_end = r7, bounds checked for 64 bytes; else XDP_DROP. */
static __u32 prologue(struct bpf_insn *p)
{
	p[0] = LDX_MEM(BPF_W, 6, 1, 0);
	p[1] = LDX_MEM(BPF_W, 7, 1, 4);
	p[2] = MOV64_REG(2, 6);
	p[3] = ALU64_IMM(BPF_ADD, 2, 64);
	p[4] = JMP_REG(BPF_JGT, 2, 7, 0);	/* patched to the drop exit */
	return 5;
}

static __u32 epilogue(struct bpf_insn *p, __u32 n)
{
	p[4].off = n + 2 - 5;
	p[n++] = EXIT();
	p[n++] = MOV64_IMM(0, 1);
	p[n++] = EXIT();
	return n;
}

/* r2 (and r3) from the packet or constants, as @kind says. */
static __u32 operands(struct bpf_insn *p, __u32 n, enum opnd_kind kind, __u64 c)
{
	__u8 sz = kind == K_DW || kind == K_SAME ? BPF_DW : BPF_W;

	p[n++] = LDX_MEM(sz, 2, 6, 0);
	if (kind == K_CONST) {
		struct bpf_insn ld[2] = { LD_IMM64(3, c) };

		p[n++] = ld[0];
		p[n++] = ld[1];
	} else {
		p[n++] = LDX_MEM(sz, 3, 6, 8);
	}
	if (kind == K_MASK)
		p[n++] = ALU64_IMM(BPF_AND, 3, 31);
	return n;
}

static const __u8 alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
	BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH,
};

static const __s32 imms[] = {
	0, 1, -1, 2, 7, 31, 32, 63, 255, 256, 0x7fffffff, (__s32)0x80000000, -58,
	0x10000, 0x8000, (__s32)0xdeadbeef, 0xff00, -256, 4096,
};

/* One ALU op: r2 = r2 OP src; stored to the packet and returned. */
static bool alu_case(__u8 cls, __u8 op, bool x, enum opnd_kind kind, __s32 imm,
		     __u8 (*pkts)[PKT_LEN])
{
	struct bpf_insn p[32];
	char name[96];
	__u32 n = prologue(p);
	bool shift = op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH;

	n = operands(p, n, kind, rnd_val());
	if (op == BPF_NEG)
		p[n++] = INSN(cls | BPF_NEG, 2, 0, 0, 0);
	else if (x)
		p[n++] = INSN(cls | op | BPF_X, 2, kind == K_SAME ? 2 : 3, 0, 0);
	else if (shift)
		p[n++] = INSN(cls | op | BPF_K, 2, 0, 0, (__u32)imm % (cls == BPF_ALU64 ? 64 : 32));
	else
		p[n++] = INSN(cls | op | BPF_K, 2, 0, 0,
			      (op == BPF_DIV || op == BPF_MOD) && !imm ? 3 : imm);
	p[n++] = STX_MEM(BPF_DW, 6, 2, 16);
	p[n++] = MOV64_REG(0, 2);
	n = epilogue(p, n);
	snprintf(name, sizeof(name), "alu%s op %#x %s %s imm %d", cls == BPF_ALU64 ? "64" : "32",
		 op, x ? "X" : "K", kind_name[kind], imm);
	return diff_prog(name, p, n, pkts, NPKT);
}

static void test_alu(void)
{
	static __u8 pkts[NPKT][PKT_LEN];
	__u32 o, c, k, i;

	for (o = 0; o < sizeof(alu_ops); o++) {
		for (c = 0; c < 2; c++) {
			__u8 cls = c ? BPF_ALU64 : BPF_ALU;

			for (k = 0; k < K__COUNT; k++) {
				fill_pkts(pkts, NPKT);
				CHECK(alu_case(cls, alu_ops[o], true, k, 0, pkts),
				      "alu op %#x cls %#x X kind %u", alu_ops[o], cls, k);
			}
			for (i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
				fill_pkts(pkts, NPKT);
				CHECK(alu_case(cls, alu_ops[o], false, i % 2 ? K_W : K_DW, imms[i], pkts),
				      "alu op %#x cls %#x K %d", alu_ops[o], cls, imms[i]);
			}
		}
	}
}

static void test_endian(void)
{
	static __u8 pkts[NPKT][PKT_LEN];
	static const int bits[] = { 16, 32, 64 };
	struct bpf_insn p[32];
	__u32 b, t, k, n;
	char name[64];

	for (b = 0; b < 3; b++) {
		for (t = 0; t < 2; t++) {
			for (k = 0; k < 2; k++) {
				n = prologue(p);
				n = operands(p, n, k ? K_W : K_DW, 0);
				p[n++] = ENDIAN(t ? BPF_TO_BE : BPF_TO_LE, 2, bits[b]);
				p[n++] = STX_MEM(BPF_DW, 6, 2, 16);
				p[n++] = MOV64_REG(0, 2);
				n = epilogue(p, n);
				fill_pkts(pkts, NPKT);
				snprintf(name, sizeof(name), "end %s %d %s", t ? "be" : "le",
					 bits[b], k ? "w" : "dw");
				CHECK(diff_prog(name, p, n, pkts, NPKT), "%s", name);
			}
		}
	}
}

static const __u8 jmp_ops[] = {
	BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSGT, BPF_JSGE,
	BPF_JSLT, BPF_JSLE, BPF_JSET,
};

/* r0 = 1; if r2 OP src goto +1; r0 = 2 */
static bool jmp_case(__u8 cls, __u8 op, bool x, enum opnd_kind kind, __s32 imm,
		     __u8 (*pkts)[PKT_LEN])
{
	struct bpf_insn p[32];
	char name[96];
	__u32 n = prologue(p);

	n = operands(p, n, kind, rnd_val());
	p[n++] = MOV64_IMM(0, 1);
	if (x)
		p[n++] = INSN(cls | op | BPF_X, 2, kind == K_SAME ? 2 : 3, 1, 0);
	else
		p[n++] = INSN(cls | op | BPF_K, 2, 0, 1, imm);
	p[n++] = MOV64_IMM(0, 2);
	n = epilogue(p, n);
	snprintf(name, sizeof(name), "jmp%s op %#x %s %s imm %d", cls == BPF_JMP ? "" : "32",
		 op, x ? "X" : "K", kind_name[kind], imm);
	return diff_prog(name, p, n, pkts, NPKT);
}

/* Packets whose two operands are often equal or close, so both outcomes occur. */
static void fill_cmp_pkts(__u8 (*pkts)[PKT_LEN], __s32 imm)
{
	__u32 k;

	fill_pkts(pkts, NPKT);
	for (k = 0; k < NPKT; k++) {
		__u64 a, b;

		memcpy(&a, pkts[k], 8);
		switch (k % 4) {
		case 0: b = a; break;
		case 1: b = a + 1; break;
		case 2: b = (__s64)imm; a = (__s64)imm + (k % 3) - 1; break;
		default: memcpy(&b, pkts[k] + 8, 8); break;
		}
		memcpy(pkts[k], &a, 8);
		memcpy(pkts[k] + 8, &b, 8);
	}
}

static void test_jmp(void)
{
	static __u8 pkts[NPKT][PKT_LEN];
	__u32 o, c, k, i;

	for (o = 0; o < sizeof(jmp_ops); o++) {
		for (c = 0; c < 2; c++) {
			__u8 cls = c ? BPF_JMP : BPF_JMP32;

			for (k = 0; k < K__COUNT; k++) {
				fill_cmp_pkts(pkts, 0);
				CHECK(jmp_case(cls, jmp_ops[o], true, k, 0, pkts),
				      "jmp op %#x cls %#x X kind %u", jmp_ops[o], cls, k);
			}
			for (i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
				fill_cmp_pkts(pkts, imms[i]);
				CHECK(jmp_case(cls, jmp_ops[o], false, i % 2 ? K_W : K_DW, imms[i],
					       pkts), "jmp op %#x cls %#x K %d", jmp_ops[o], cls, imms[i]);
			}
		}
	}
}

/* ---- hand-written programs ------------------------------------------------------------------- */

struct hand {
	const char *name;
	bool own_drop;		/* insn 4 already jumps to its own drop exit */
	struct bpf_insn insns[96];
};

#define P_PROLOGUE						\
	LDX_MEM(BPF_W, 6, 1, 0),				\
	LDX_MEM(BPF_W, 7, 1, 4),				\
	MOV64_REG(2, 6),					\
	ALU64_IMM(BPF_ADD, 2, 96),				\
	JMP_REG(BPF_JGT, 2, 7, 200)	/* to the final drop; fixed up */

/* r0 = 2 (pass) unless set; the body ends with r0 set and EXIT. */
static const struct hand hands[] = {
	{ "stack every size", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		LDX_MEM(BPF_DW, 3, 6, 8),
		STX_MEM(BPF_DW, 10, 2, -8),
		STX_MEM(BPF_W, 10, 3, -12),
		STX_MEM(BPF_H, 10, 3, -14),
		STX_MEM(BPF_B, 10, 2, -15),
		ST_MEM(BPF_B, 10, -16, 0x5a),
		ST_MEM(BPF_H, 10, -20, -2),
		ST_MEM(BPF_W, 10, -24, 0x12345678),
		ST_MEM(BPF_DW, 10, -32, -3),
		STX_MEM(BPF_B, 10, 3, -17),
		ST_MEM(BPF_B, 10, -18, 0x33),
		LDX_MEM(BPF_DW, 4, 10, -16),
		LDX_MEM(BPF_W, 5, 10, -8),
		ALU64_REG(BPF_XOR, 4, 5),
		LDX_MEM(BPF_H, 5, 10, -6),
		ALU64_REG(BPF_ADD, 4, 5),
		LDX_MEM(BPF_B, 5, 10, -3),
		ALU64_REG(BPF_XOR, 4, 5),
		LDX_MEM(BPF_B, 5, 10, -18),
		ALU64_REG(BPF_ADD, 4, 5),
		LDX_MEM(BPF_H, 5, 10, -19),
		ALU64_REG(BPF_XOR, 4, 5),
		LDX_MEM(BPF_W, 5, 10, -23),
		ALU64_REG(BPF_ADD, 4, 5),
		LDX_MEM(BPF_DW, 5, 10, -31),
		ALU64_REG(BPF_XOR, 4, 5),
		LDX_MEM(BPF_DW, 5, 10, -32),
		ALU64_REG(BPF_ADD, 4, 5),
		STX_MEM(BPF_DW, 6, 4, 16),
		MOV64_REG(0, 4),
		EXIT(),
	} },
	{ "packet loads", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_B, 2, 6, 12),
		LDX_MEM(BPF_B, 3, 6, 13),
		ALU64_IMM(BPF_LSH, 3, 8),
		ALU64_REG(BPF_OR, 3, 2),
		LDX_MEM(BPF_H, 4, 6, 14),
		ALU64_REG(BPF_ADD, 3, 4),
		LDX_MEM(BPF_W, 4, 6, 17),
		ALU64_REG(BPF_XOR, 3, 4),
		LDX_MEM(BPF_DW, 4, 6, 21),
		ALU64_REG(BPF_ADD, 3, 4),
		LDX_MEM(BPF_H, 4, 6, 31),
		ALU64_IMM(BPF_AND, 4, 0xff00),
		ALU64_REG(BPF_XOR, 3, 4),
		LDX_MEM(BPF_W, 4, 6, 40),
		ALU64_IMM(BPF_RSH, 4, 16),
		ALU64_REG(BPF_ADD, 3, 4),
		LDX_MEM(BPF_W, 4, 6, 44),
		ENDIAN(BPF_TO_BE, 4, 32),
		ALU64_REG(BPF_XOR, 3, 4),
		LDX_MEM(BPF_H, 4, 6, 50),
		ENDIAN(BPF_TO_BE, 4, 16),
		ALU64_REG(BPF_ADD, 3, 4),
		LDX_MEM(BPF_DW, 4, 6, 52),
		ENDIAN(BPF_TO_BE, 4, 64),
		ALU64_REG(BPF_XOR, 3, 4),
		LDX_MEM(BPF_W, 4, 6, 61),
		ALU32_IMM(BPF_LSH, 4, 8),
		ALU64_REG(BPF_ADD, 3, 4),
		LDX_MEM(BPF_B, 4, 6, 90),
		ALU64_REG(BPF_XOR, 3, 4),
		STX_MEM(BPF_DW, 6, 3, 0),
		MOV64_REG(0, 3),
		EXIT(),
	} },
	{ "packet stores", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		STX_MEM(BPF_B, 6, 2, 9),
		STX_MEM(BPF_H, 6, 2, 11),
		STX_MEM(BPF_W, 6, 2, 14),
		STX_MEM(BPF_DW, 6, 2, 19),
		ST_MEM(BPF_B, 6, 30, 0x77),
		ST_MEM(BPF_H, 6, 33, 0x1234),
		ST_MEM(BPF_W, 6, 37, -5),
		ST_MEM(BPF_DW, 6, 45, 0x7eadbeef),
		MOV64_REG(3, 6),
		ALU64_IMM(BPF_ADD, 3, 60),
		STX_MEM(BPF_W, 3, 2, -1),
		LDX_MEM(BPF_H, 0, 6, 12),
		EXIT(),
	} },
	{ "map lookup, value access, atomics", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_B, 2, 6, 0),
		ALU64_IMM(BPF_AND, 2, 7),
		STX_MEM(BPF_W, 10, 2, -4),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		MOV64_IMM(8, 1),
		JMP_IMM(BPF_JEQ, 0, 0, 13),
		LDX_MEM(BPF_DW, 3, 6, 8),
		ATOMIC_ADD(BPF_DW, 0, 3, 0),
		ATOMIC_ADD(BPF_W, 0, 3, 12),
		LDX_MEM(BPF_W, 4, 0, 8),
		ALU64_IMM(BPF_ADD, 4, 1),
		STX_MEM(BPF_W, 0, 4, 8),
		ST_MEM(BPF_H, 0, 18, 0x4321),
		STX_MEM(BPF_B, 0, 3, 21),
		LDX_MEM(BPF_DW, 5, 0, 16),
		STX_MEM(BPF_DW, 6, 5, 24),
		LDX_MEM(BPF_H, 8, 0, 22),
		ALU64_IMM(BPF_ADD, 8, 2),
		MOV64_REG(0, 8),
		EXIT(),
	} },
	{ "map update from the stack", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		STX_MEM(BPF_DW, 10, 2, -32),
		STX_MEM(BPF_DW, 10, 2, -24),
		LDX_MEM(BPF_DW, 2, 6, 8),
		STX_MEM(BPF_DW, 10, 2, -16),
		STX_MEM(BPF_DW, 10, 2, -8),
		ST_MEM(BPF_W, 10, -36, 5),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -36),
		MOV64_REG(3, 10),
		ALU64_IMM(BPF_ADD, 3, -32),
		MOV64_IMM(4, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_update_elem),
		EXIT(),
	} },
	{ "bpf-to-bpf calls", true, {
		LDX_MEM(BPF_W, 6, 1, 0),
		LDX_MEM(BPF_W, 7, 1, 4),
		MOV64_REG(2, 6),
		ALU64_IMM(BPF_ADD, 2, 96),
		JMP_REG(BPF_JGT, 2, 7, 14),
		LDX_MEM(BPF_DW, 1, 6, 0),
		LDX_MEM(BPF_DW, 2, 6, 8),
		MOV64_REG(9, 1),
		MOV64_IMM(8, 77),
		STX_MEM(BPF_DW, 10, 2, -8),
		MOV64_REG(3, 10),
		ALU64_IMM(BPF_ADD, 3, -8),
		CALL_SUB(8),			/* f(a, b, &stack) */
		ALU64_REG(BPF_ADD, 0, 9),
		ALU64_REG(BPF_XOR, 0, 8),
		LDX_MEM(BPF_DW, 4, 10, -8),
		ALU64_REG(BPF_ADD, 0, 4),
		STX_MEM(BPF_DW, 6, 0, 32),
		EXIT(),
		MOV64_IMM(0, 1),
		EXIT(),
		/* f: uses r6-r9, its own stack, writes through the pointer, calls g */
		MOV64_REG(6, 1),
		MOV64_REG(7, 2),
		STX_MEM(BPF_DW, 10, 1, -16),
		LDX_MEM(BPF_DW, 8, 3, 0),
		ALU64_IMM(BPF_ADD, 8, 3),
		STX_MEM(BPF_DW, 3, 8, 0),
		MOV64_REG(1, 7),
		CALL_SUB(5),
		LDX_MEM(BPF_DW, 9, 10, -16),
		ALU64_REG(BPF_ADD, 0, 9),
		ALU64_REG(BPF_SUB, 0, 6),
		ALU64_REG(BPF_MUL, 0, 7),
		EXIT(),
		/* g(x) = x * 5 + 1 with a small stack */
		STX_MEM(BPF_DW, 10, 1, -8),
		LDX_MEM(BPF_DW, 0, 10, -8),
		ALU64_IMM(BPF_MUL, 0, 5),
		ALU64_IMM(BPF_ADD, 0, 1),
		MOV64_IMM(6, -1),
		EXIT(),
	} },
	{ "wide constants across labels, local branches and calls", true, {
		LDX_MEM(BPF_W, 6, 1, 0),
		LDX_MEM(BPF_W, 7, 1, 4),
		MOV64_REG(2, 6),
		ALU64_IMM(BPF_ADD, 2, 96),
		JMP_REG(BPF_JGT, 2, 7, 23),	/* to the drop at 28 */
		LDX_MEM(BPF_DW, 2, 6, 0),
		LDX_MEM(BPF_DW, 3, 6, 8),
		LDX_MEM(BPF_W, 4, 6, 16),
		MOV64_REG(0, 2),
		MOV64_IMM(5, 0),
		ALU64_IMM(BPF_XOR, 0, 0x12345678),
		JMP_IMM(BPF_JSET, 3, 1, 2),
		ALU64_IMM(BPF_ADD, 0, 0x7edcba98),
		MOV64_IMM(5, 0x12345678),
		ALU64_IMM(BPF_SUB, 0, 0x7edcba98),	/* a label: built again */
		ALU64_REG(BPF_ADD, 0, 5),
		ALU64_IMM(BPF_AND, 4, 63),
		ALU64_IMM(BPF_XOR, 2, 0x12345678),
		ALU64_REG(BPF_LSH, 3, 4),		/* branches inside */
		ALU64_IMM(BPF_XOR, 3, 0x12345678),
		ALU64_REG(BPF_ADD, 0, 3),
		ALU64_REG(BPF_ADD, 0, 2),
		MOV64_REG(1, 0),
		CALL_SUB(6),
		ALU64_IMM(BPF_XOR, 0, 0x12345678),	/* the callee used both */
		ALU64_IMM(BPF_ADD, 0, 0x7edcba98),
		STX_MEM(BPF_DW, 6, 0, 32),
		EXIT(),
		MOV64_IMM(0, 1),
		EXIT(),
		MOV64_REG(0, 1),
		ALU64_IMM(BPF_MUL, 0, 0x0bcdef12),
		ALU64_IMM(BPF_XOR, 0, 0x3456789a),
		ALU64_IMM(BPF_ADD, 0, 0x0bcdef13),
		EXIT(),
	} },
	{ "fused shifts, moves and extensions", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		LDX_MEM(BPF_DW, 3, 6, 8),
		LDX_MEM(BPF_W, 8, 6, 16),
		MOV64_REG(4, 2),
		ALU64_IMM(BPF_LSH, 4, 14),
		MOV64_REG(5, 2),
		ALU64_IMM(BPF_RSH, 5, 18),
		ALU64_REG(BPF_OR, 5, 4),
		ALU32_IMM(BPF_LSH, 3, 3),
		ALU32_REG(BPF_ADD, 3, 2),
		MOV32_REG(9, 8),
		ALU32_IMM(BPF_RSH, 9, 5),
		ALU32_REG(BPF_SUB, 8, 9),
		ALU64_IMM(BPF_LSH, 2, 32),
		ALU64_IMM(BPF_ARSH, 2, 32),
		ALU64_REG(BPF_XOR, 5, 2),
		LDX_MEM(BPF_DW, 2, 6, 24),
		ALU64_IMM(BPF_LSH, 2, 32),
		ALU64_IMM(BPF_RSH, 2, 32),
		ALU64_REG(BPF_ADD, 5, 2),
		ALU64_REG(BPF_ADD, 5, 3),
		ALU64_REG(BPF_XOR, 5, 8),
		MOV64_REG(4, 10),
		ALU64_IMM(BPF_ADD, 4, -8),
		STX_MEM(BPF_DW, 4, 5, 0),
		LDX_MEM(BPF_DW, 0, 10, -8),
		STX_MEM(BPF_DW, 6, 0, 32),
		EXIT(),
	} },
	{ "loop and branches", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		MOV64_IMM(0, 0),
		MOV64_IMM(3, 0),
		ALU64_REG(BPF_ADD, 0, 2),
		ALU64_IMM(BPF_RSH, 2, 3),
		ALU64_IMM(BPF_ADD, 3, 1),
		JMP_IMM(BPF_JSET, 2, 0x100, 1),
		ALU64_IMM(BPF_XOR, 0, 0x55),
		JMP_IMM(BPF_JLT, 3, 16, -6),
		LDX_MEM(BPF_B, 4, 6, 9),
		JMP_IMM(BPF_JGT, 4, 100, 2),
		ALU64_IMM(BPF_ADD, 0, 7),
		JA(1),
		ALU64_IMM(BPF_SUB, 0, 9),
		STX_MEM(BPF_DW, 6, 0, 32),
		EXIT(),
	} },
	{ "two lookups, loads through r0 after each", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_B, 2, 6, 0),
		ALU64_IMM(BPF_AND, 2, 3),
		STX_MEM(BPF_W, 10, 2, -4),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, 0, 0, 17),
		LDX_MEM(BPF_W, 8, 0, 4),
		LDX_MEM(BPF_W, 9, 0, 8),
		ST_MEM(BPF_W, 10, -4, 6),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, 0, 0, 8),
		LDX_MEM(BPF_W, 3, 0, 4),
		LDX_MEM(BPF_W, 4, 0, 8),
		ALU64_REG(BPF_XOR, 8, 3),
		ALU64_REG(BPF_ADD, 9, 4),
		STX_MEM(BPF_W, 6, 8, 40),
		STX_MEM(BPF_W, 6, 9, 44),
		MOV64_REG(0, 8),
		EXIT(),
		MOV64_IMM(0, 2),
		EXIT(),
	} },
	{ "a constant on one path, a clobbered register on the other", false, {
		P_PROLOGUE,
		ST_MEM(BPF_W, 10, -4, 1),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JNE, 0, 0, 2),
		MOV64_IMM(2, 2),
		JMP_IMM(BPF_JEQ, 0, 0, 2),
		MOV64_IMM(2, 2),
		STX_MEM(BPF_W, 6, 2, 40),
		MOV64_REG(0, 2),
		EXIT(),
	} },
	{ "branches with slots to fill", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_W, 2, 6, 0),
		LDX_MEM(BPF_W, 3, 6, 4),
		MOV64_IMM(0, 0),
		JMP_IMM(BPF_JSET, 2, 1, 2),
		ALU64_IMM(BPF_ADD, 0, 1),
		JA(2),
		ALU64_IMM(BPF_ADD, 0, 2),
		ALU64_IMM(BPF_XOR, 3, 5),
		JMP_IMM(BPF_JSET, 2, 2, 3),
		MOV64_IMM(4, 7),
		ALU64_REG(BPF_ADD, 0, 4),
		JA(2),
		ALU64_IMM(BPF_SUB, 0, 3),
		JA(0),
		JMP_IMM(BPF_JSET, 2, 4, 2),
		ALU64_IMM(BPF_ADD, 0, 16),
		JA(3),
		ALU64_IMM(BPF_ADD, 0, 32),
		ALU64_REG(BPF_ADD, 0, 3),
		JA(0),
		JMP_REG(BPF_JGT, 0, 3, 1),
		ALU64_IMM(BPF_OR, 0, 0x100),
		STX_MEM(BPF_DW, 6, 0, 40),
		EXIT(),
	} },
	{ "windows across a diamond and into a loop", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_H, 2, 6, 12),
		LDX_MEM(BPF_B, 3, 6, 14),
		JMP_IMM(BPF_JSET, 3, 1, 2),
		LDX_MEM(BPF_W, 4, 6, 16),
		JA(1),
		LDX_MEM(BPF_W, 4, 6, 20),
		LDX_MEM(BPF_W, 5, 6, 24),
		ALU64_REG(BPF_ADD, 2, 4),
		ALU64_REG(BPF_XOR, 2, 5),
		MOV64_IMM(8, 0),
		LDX_MEM(BPF_B, 9, 6, 30),
		ALU64_REG(BPF_ADD, 2, 9),
		ALU64_IMM(BPF_ADD, 8, 1),
		STX_MEM(BPF_B, 6, 2, 30),
		JMP_IMM(BPF_JLT, 8, 3, -5),
		LDX_MEM(BPF_W, 4, 6, 28),
		ALU64_REG(BPF_ADD, 2, 4),
		STX_MEM(BPF_DW, 6, 2, 40),
		MOV64_REG(0, 2),
		EXIT(),
	} },
	{ "map windows through copies, spills and takeovers", false, {
		P_PROLOGUE,
		ST_MEM(BPF_W, 10, -4, 1),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, 0, 0, 28),
		LDX_MEM(BPF_W, 8, 0, 4),
		STX_MEM(BPF_DW, 10, 0, -16),
		MOV64_REG(9, 0),
		ST_MEM(BPF_W, 10, -4, 2),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, 0, 0, 19),
		LDX_MEM(BPF_W, 3, 0, 8),
		ALU64_REG(BPF_ADD, 8, 3),
		LDX_MEM(BPF_W, 3, 9, 0),
		ALU64_REG(BPF_XOR, 8, 3),
		LDX_MEM(BPF_DW, 7, 10, -16),
		LDX_MEM(BPF_W, 3, 7, 12),
		ALU64_REG(BPF_ADD, 8, 3),
		ST_MEM(BPF_W, 10, -4, 3),
		LD_MAP(1, 0),
		MOV64_REG(2, 10),
		ALU64_IMM(BPF_ADD, 2, -4),
		CALL_HELPER(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, 0, 0, 6),
		LDX_MEM(BPF_W, 3, 0, 0),
		ALU64_REG(BPF_XOR, 8, 3),
		LDX_MEM(BPF_W, 3, 7, 20),
		ALU64_REG(BPF_ADD, 8, 3),
		LDX_MEM(BPF_W, 3, 9, 24),
		ALU64_REG(BPF_XOR, 8, 3),
		STX_MEM(BPF_DW, 6, 8, 40),
		MOV64_REG(0, 8),
		EXIT(),
	} },
	{ "stores read back before they are written out", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		STX_MEM(BPF_B, 6, 2, 20),
		STX_MEM(BPF_B, 6, 2, 22),
		LDX_MEM(BPF_B, 3, 6, 22),
		STX_MEM(BPF_H, 6, 3, 30),
		LDX_MEM(BPF_H, 4, 6, 30),
		ALU64_REG(BPF_ADD, 3, 4),
		STX_MEM(BPF_W, 6, 2, 33),
		LDX_MEM(BPF_H, 4, 6, 34),
		ALU64_REG(BPF_ADD, 3, 4),
		ST_MEM(BPF_B, 6, 50, 9),
		LDX_MEM(BPF_B, 4, 6, 50),
		ALU64_REG(BPF_ADD, 3, 4),
		MOV64_REG(0, 3),
		EXIT(),
	} },
	{ "combined packet stores", false, {
		P_PROLOGUE,
		LDX_MEM(BPF_DW, 2, 6, 0),
		LDX_MEM(BPF_DW, 3, 6, 8),
		STX_MEM(BPF_B, 6, 2, 21),
		STX_MEM(BPF_B, 6, 3, 20),
		STX_MEM(BPF_H, 6, 2, 22),
		STX_MEM(BPF_W, 6, 3, 24),
		ST_MEM(BPF_B, 6, 29, 0x44),
		STX_MEM(BPF_DW, 6, 2, 31),
		STX_MEM(BPF_H, 6, 3, 23),
		ST_MEM(BPF_W, 6, 42, 0x01020304),
		STX_MEM(BPF_B, 6, 3, 43),
		LDX_MEM(BPF_H, 4, 6, 22),
		STX_MEM(BPF_H, 6, 4, 50),
		STX_MEM(BPF_W, 6, 2, 53),
		STX_MEM(BPF_W, 6, 3, 57),
		MOV64_REG(0, 4),
		EXIT(),
	} },
	{ "adjust head and tail", false, {
		P_PROLOGUE,
		MOV64_REG(9, 1),
		LDX_MEM(BPF_DW, 8, 6, 0),
		MOV64_REG(1, 9),
		MOV64_IMM(2, -16),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_head),
		JMP_IMM(BPF_JNE, 0, 0, 12),
		LDX_MEM(BPF_W, 6, 9, 0),
		LDX_MEM(BPF_W, 7, 9, 4),
		MOV64_REG(2, 6),
		ALU64_IMM(BPF_ADD, 2, 32),
		JMP_REG(BPF_JGT, 2, 7, 6),
		STX_MEM(BPF_DW, 6, 8, 0),
		ST_MEM(BPF_DW, 6, 8, 0x11),
		MOV64_REG(1, 9),
		MOV64_IMM(2, -8),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_tail),
		ALU64_IMM(BPF_ADD, 0, 3),
		EXIT(),
	} },
};

/* Point the prologue's bounds check at a `r0 = 1; exit` appended after the body. */
static __u32 hand_len(const struct hand *h, struct bpf_insn *out)
{
	__u32 n = 0;

	while (n < 96 && (h->insns[n].code || (n && h->insns[n - 1].code ==
					       (BPF_LD | BPF_IMM | BPF_DW))))
		n++;
	memcpy(out, h->insns, n * sizeof(*out));
	if (h->own_drop)
		return n;
	out[4].off = n - 5;
	out[n++] = MOV64_IMM(0, 1);
	out[n++] = EXIT();
	return n;
}

/* tc programs: __sk_buff fields, stores to mark and cb[], reads back. */
static const struct hand tc_hands[] = {
	{ "tc: skb fields", false, {
		LDX_MEM(BPF_W, 6, 1, 76),
		LDX_MEM(BPF_W, 7, 1, 80),
		MOV64_REG(2, 6),
		ALU64_IMM(BPF_ADD, 2, 96),
		JMP_REG(BPF_JGT, 2, 7, 200),
		LDX_MEM(BPF_W, 2, 1, 0),
		LDX_MEM(BPF_W, 3, 6, 4),
		STX_MEM(BPF_W, 1, 3, 8),
		ST_MEM(BPF_W, 1, 48, 77),
		LDX_MEM(BPF_W, 4, 1, 8),
		LDX_MEM(BPF_W, 5, 1, 48),
		ALU64_REG(BPF_ADD, 4, 5),
		ALU64_REG(BPF_ADD, 4, 2),
		LDX_MEM(BPF_H, 5, 1, 40),
		ALU64_REG(BPF_XOR, 4, 5),
		STX_MEM(BPF_W, 6, 4, 16),
		MOV64_IMM(0, 0),
		JMP_IMM(BPF_JSET, 4, 1, 1),
		MOV64_IMM(0, 2),
		EXIT(),
	} },
};

static void test_hand(void)
{
	static __u8 pkts[NPKT][PKT_LEN];
	struct bpf_insn p[100];
	__u32 h, n;

	for (h = 0; h < sizeof(hands) / sizeof(hands[0]); h++) {
		n = hand_len(&hands[h], p);
		fill_pkts(pkts, NPKT);
		CHECK(diff_prog(hands[h].name, p, n, pkts, NPKT), "%s", hands[h].name);
	}
	for (h = 0; h < sizeof(tc_hands) / sizeof(tc_hands[0]); h++) {
		n = hand_len(&tc_hands[h], p);
		fill_pkts(pkts, NPKT);
		CHECK(diff_type(tc_hands[h].name, p, n, BN_PROG_TC, pkts, NPKT), "%s",
		      tc_hands[h].name);
	}
}

static int setup(void)
{
	struct bn_sim_params prm;
	struct bn_sim_ops ops = { 0 };
	char err[160];
	__u32 k, i;

	bn_sim_params_default(&prm);
	prm.islands = 1;
	prm.fpcs = 1;
	sim = bn_sim_create(&prm, &ops, err, sizeof(err));
	if (!sim || bn_sim_map_create(sim, &test_map, &map_id, err, sizeof(err))) {
		printf("FAIL simulator setup: %s\n", err);
		return -1;
	}
	for (k = 0; k < MAP_ENTRIES; k++)
		for (i = 0; i < MAP_VALUE_SIZE; i++)
			map_init.vals[k][i] = rnd();
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;

	if (argc > 1)
		rng = strtoull(argv[1], NULL, 0) | 1;
	make_masks();
	if (setup())
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	test_hand();
	test_alu();
	test_endian();
	test_jmp();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("jitsim: %u pass sets, %.1f s\n", nmasks,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	bn_sim_destroy(sim);
	return t_done();
}
