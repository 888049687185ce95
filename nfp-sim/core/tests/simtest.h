/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Test support for nfp-sim core: a tiny assembler over bn_encode(), an
 * image builder, and helpers that load a program and run packets, with an
 * instruction trace that records the machine state before each instruction.
 */
#ifndef BPFNIC_SIMTEST_H
#define BPFNIC_SIMTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ucode.h"
#include "nicsim.h"
#include "nicsim_trace.h"
#include "testlib.h"

#define N	BN_OPND_NONE
#define AR(n)	BN_OPND_A(n)
#define BR(n)	BN_OPND_B(n)
#define XR(n)	BN_OPND_XFER(n)
#define LMW(n)	BN_OPND_LM(n)
#define IM(v)	BN_OPND_IMM(v)
#define RR(n)	BN_OPND_BOTH(n)

/* ---- assembler --------------------------------------------------------------- */

static inline struct bn_ucode uc(u8 op)
{
	struct bn_ucode u;

	memset(&u, 0, sizeof(u));
	u.op = op;
	u.dst = u.srca = u.srcb = BN_OPND_NONE;
	return u;
}

static inline u64 enc(struct bn_ucode u)
{
	const char *why = "";
	u64 w;

	if (bn_encode(&u, &w, &why)) {
		printf("asm: %s: %s\n", bn_isa[u.op].name ? bn_isa[u.op].name : "?", why);
		fflush(stdout);
		abort();
	}
	return w;
}

static inline u64 a_nop(void)
{
	return enc(uc(BN_OP_nop));
}

static inline u64 a_alu_sh(u8 op, u16 d, u16 a, u16 b, u8 shc, u8 shamt)
{
	struct bn_ucode u = uc(op);

	u.dst = d;
	u.srca = a;
	u.srcb = b;
	u.shc = shc;
	u.shamt = shamt;
	return enc(u);
}

static inline u64 a_alu(u8 op, u16 d, u16 a, u16 b)
{
	return a_alu_sh(op, d, a, b, 0, 0);
}

static inline u64 a_immed(u16 d, u16 imm, u8 bsh, u8 inv)
{
	struct bn_ucode u = uc(BN_OP_immed);

	u.dst = d;
	u.imm16 = imm;
	u.bsh = bsh;
	u.inv = inv;
	return enc(u);
}

static inline u64 a_immed_hi(u16 d, u16 imm)
{
	struct bn_ucode u = uc(BN_OP_immed_hi);

	u.dst = d;
	u.imm16 = imm;
	return enc(u);
}

static inline u64 a_ldf(u16 d, u16 b, u8 mask, u8 shc, u8 shamt, u8 zf)
{
	struct bn_ucode u = uc(BN_OP_ld_field);

	u.dst = d;
	u.srcb = b;
	u.mask = mask;
	u.shc = shc;
	u.shamt = shamt;
	u.zf = zf;
	return enc(u);
}

static inline u64 a_br(u8 cond, u8 defer, u16 target)
{
	struct bn_ucode u = uc(BN_OP_br);

	u.cond = cond;
	u.defer = defer;
	u.target = target;
	return enc(u);
}

static inline u64 a_brcmp(u8 op, u16 a, u16 b, u8 cond, u8 defer, u16 target)
{
	struct bn_ucode u = uc(op);

	u.srca = a;
	u.srcb = b;
	u.cond = cond;
	u.defer = defer;
	u.target = target;
	return enc(u);
}

static inline u64 a_call(u16 d, u8 defer, u16 target)
{
	struct bn_ucode u = uc(BN_OP_call);

	u.dst = d;
	u.defer = defer;
	u.target = target;
	return enc(u);
}

static inline u64 a_rtn(u16 a, u8 defer)
{
	struct bn_ucode u = uc(BN_OP_rtn);

	u.srca = a;
	u.defer = defer;
	return enc(u);
}

static inline u64 a_done(u16 a)
{
	struct bn_ucode u = uc(BN_OP_done);

	u.srca = a;
	return enc(u);
}

static inline u64 a_mem(u8 op, u8 tgt, u16 a, u16 b, u8 xfer, u32 bytes, u8 sig, u8 swap)
{
	struct bn_ucode u = uc(op);

	u.srca = a;
	u.srcb = b;
	u.tgt = tgt;
	u.xfer = xfer;
	u.len = bytes - 1;
	u.sig = sig;
	u.swap = swap;
	return enc(u);
}

static inline u64 a_wait(u8 mask)
{
	struct bn_ucode u = uc(BN_OP_ctx_wait);

	u.sigmask = mask;
	return enc(u);
}

static inline u64 a_csr_rd(u16 d, u8 csr)
{
	struct bn_ucode u = uc(BN_OP_csr_rd);

	u.dst = d;
	u.csr = csr;
	return enc(u);
}

static inline u64 a_csr_wr(u8 csr, u16 b)
{
	struct bn_ucode u = uc(BN_OP_csr_wr);

	u.srcb = b;
	u.csr = csr;
	return enc(u);
}

static inline u64 a_fw(u8 id)
{
	struct bn_ucode u = uc(BN_OP_fw_call);

	u.fwid = id;
	return enc(u);
}

/* ---- programs and images -------------------------------------------------------- */

struct tprog {
	u64 code[2048];
	u32 n;
	struct bn_image_reloc rel[256];
	u32 nrel;
	struct bn_image_map maps[8];
	u32 nmaps;
	u16 type, stack, gprs, xfers;
	u16 flags;		/* BN_IMAGE_F_* */
};

static inline void tp_init(struct tprog *p, u16 type)
{
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->gprs = 32;
	p->xfers = 32;
}

static inline u32 E(struct tprog *p, u64 w)
{
	p->code[p->n] = w;
	return p->n++;
}

static inline void RL(struct tprog *p, u32 insn, u16 type, u32 arg)
{
	struct bn_image_reloc *r = &p->rel[p->nrel++];

	memset(r, 0, sizeof(*r));
	r->insn = insn;
	r->type = type;
	r->arg = arg;
}

/* Branches in tests use image-relative targets with a BR_REL relocation. */
static inline u32 E_br(struct tprog *p, u64 w)
{
	u32 i = E(p, w);

	RL(p, i, BN_RELOC_BR_REL, 0);
	return i;
}

/* A helper call: call r28 with a HELPER relocation. */
static inline u32 E_helper(struct tprog *p, u32 id)
{
	u32 i = E(p, a_call(RR(BN_ABI_LINK), 0, 0));

	RL(p, i, BN_RELOC_HELPER, id);
	return i;
}

/* R1 = map @map, R2 = address of lm[0] (where the key is); then call @helper. */
static inline void E_map_call_m(struct tprog *p, u32 helper, u32 map)
{
	u32 i = E(p, a_immed(RR(BN_ABI_GPR_LO(1)), 0, 0, 0));

	RL(p, i, BN_RELOC_MAP_ID, map);
	E(p, a_immed(RR(BN_ABI_GPR_HI(1)), 0, 0, 0));
	E(p, a_csr_rd(RR(BN_ABI_GPR_LO(2)), BN_CSR_LM_FP_ADDR));
	E(p, a_immed(RR(BN_ABI_GPR_HI(2)), 0, 0, 0));
	E_helper(p, helper);
}

static inline void E_map_call(struct tprog *p, u32 helper)
{
	E_map_call_m(p, helper, 0);
}

/* Load a 32-bit constant: immed (+ immed_hi); xfer-out through GPR 31. */
static inline void E_ld32(struct tprog *p, u16 d, u32 v)
{
	if (bn_opnd_kind(d) == BN_OK_XFER && v >> 16) {
		E_ld32(p, RR(31), v);
		E(p, a_alu(BN_OP_mov, d, N, BR(31)));
		return;
	}
	E(p, a_immed(d, v & 0xffff, 0, 0));
	if (v >> 16)
		E(p, a_immed_hi(d, v >> 16));
}

static inline u32 tp_add_map(struct tprog *p, u32 type, u32 ks, u32 vs, u32 max)
{
	struct bn_image_map *m = &p->maps[p->nmaps];

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->key_size = ks;
	m->value_size = vs;
	m->max_entries = max;
	snprintf(m->name, sizeof(m->name), "m%u", p->nmaps);
	return p->nmaps++;
}

/* Serialise into @buf (little-endian host); returns the length. */
static inline size_t tp_image(const struct tprog *p, void *buf)
{
	struct bn_image_hdr h;
	u8 *b = buf;
	size_t off = 0;

	memset(&h, 0, sizeof(h));
	h.magic = BN_IMAGE_MAGIC;
	h.version = BN_IMAGE_VERSION;
	h.prog_type = p->type;
	h.code_len = p->n;
	h.nrelocs = p->nrel;
	h.nmaps = p->nmaps;
	h.stack_size = p->stack;
	h.gprs = p->gprs;
	h.xfers = p->xfers;
	h.flags = p->flags;
	memcpy(b, &h, sizeof(h));
	off += sizeof(h);
	memcpy(b + off, p->code, 8ull * p->n);
	off += 8ull * p->n;
	memcpy(b + off, p->rel, sizeof(p->rel[0]) * p->nrel);
	off += sizeof(p->rel[0]) * p->nrel;
	memcpy(b + off, p->maps, sizeof(p->maps[0]) * p->nmaps);
	off += sizeof(p->maps[0]) * p->nmaps;
	return off;
}

static u8 t_imgbuf[1 << 16] __attribute__((unused));
static char t_err[256] __attribute__((unused));

static inline int tp_load(struct bn_sim *sim, const struct tprog *p, const u32 *ids, u32 nids)
{
	size_t len = tp_image(p, t_imgbuf);

	t_err[0] = '\0';
	return bn_sim_prog_load(sim, t_imgbuf, len, ids, nids, t_err, sizeof(t_err));
}

/* ---- the simulated NIC ----------------------------------------------------------------- */

struct tlog {
	char last[256];
	unsigned int n;
	unsigned int tx, host;
	u8 frame[4096];
	u32 frame_len, queue;
};

static struct tlog t_log __attribute__((unused));

static void t_log_fn(void *o, const char *msg)
{
	snprintf(t_log.last, sizeof(t_log.last), "%s", msg);
	t_log.n++;
}

static void t_tx_fn(void *o, const u8 *frame, u32 len)
{
	t_log.tx++;
	t_log.frame_len = len;
	memcpy(t_log.frame, frame, len < sizeof(t_log.frame) ? len : sizeof(t_log.frame));
}

static void t_host_fn(void *o, u32 queue, const u8 *frame, u32 len)
{
	t_log.host++;
	t_log.queue = queue;
	t_log.frame_len = len;
	memcpy(t_log.frame, frame, len < sizeof(t_log.frame) ? len : sizeof(t_log.frame));
}

static inline struct bn_sim *t_sim(const struct bn_sim_params *pp)
{
	struct bn_sim_ops ops = { t_tx_fn, t_host_fn, NULL, t_log_fn, NULL };
	struct bn_sim_params p;
	struct bn_sim *sim;
	char err[256];

	if (pp)
		p = *pp;
	else
		bn_sim_params_default(&p);
	sim = bn_sim_create(&p, &ops, err, sizeof(err));
	if (!sim) {
		printf("bn_sim_create: %s\n", err);
		exit(1);
	}
	return sim;
}

/* ---- trace: the state before each instruction ------------------------------------------- */

#define T_HIST	4096

struct tsnap {
	u32 pc;
	u64 cycle;
	u32 a[BN_NUM_GPR], b[BN_NUM_GPR], xin[BN_NUM_XFER], xout[BN_NUM_XFER];
	u8 flags, sigs;
};

static struct {
	struct tsnap last;
	u32 n;
	u32 pc[T_HIST];
	u64 cycle[T_HIST];
	u8 ops_seen[256];	/* opcodes executed since the start of the test */
} t_tr __attribute__((unused));

static void t_trace_fn(void *o, const struct bn_sim_trace_insn *ti)
{
	struct tsnap *s = &t_tr.last;

	s->pc = ti->pc;
	s->cycle = ti->cycle;
	memcpy(s->a, ti->gpr_a, sizeof(s->a));
	memcpy(s->b, ti->gpr_b, sizeof(s->b));
	memcpy(s->xin, ti->xfer_in, sizeof(s->xin));
	memcpy(s->xout, ti->xfer_out, sizeof(s->xout));
	s->flags = ti->flags;
	s->sigs = ti->signals;
	t_tr.ops_seen[ti->word >> 56] = 1;
	if (t_tr.n < T_HIST) {
		t_tr.pc[t_tr.n] = ti->pc;
		t_tr.cycle[t_tr.n] = ti->cycle;
	}
	t_tr.n++;
}

static inline void t_trace_on(struct bn_sim *sim)
{
	u8 seen[256];

	memcpy(seen, t_tr.ops_seen, sizeof(seen));
	memset(&t_tr, 0, sizeof(t_tr));
	memcpy(t_tr.ops_seen, seen, sizeof(seen));
	bn_sim_set_trace(sim, t_trace_fn, NULL);
}

/* A 64-byte IPv4/UDP-ish frame with the given ethertype. */
static inline void t_pkt(u8 *pkt, u32 len, u16 ethertype)
{
	u32 i;

	for (i = 0; i < len; i++)
		pkt[i] = (u8)(i * 7 + 1);
	memcpy(pkt, "\x02\x11\x22\x33\x44\x55\x02\x66\x77\x88\x99\xaa", 12);
	pkt[12] = ethertype >> 8;
	pkt[13] = ethertype & 0xff;
}

static u8 t_out[4096] __attribute__((unused));

/* Run one packet of @len bytes (ethertype IPv4) through run_one. */
static inline struct bn_sim_result t_run(struct bn_sim *sim, u32 len)
{
	static u8 pkt[4096];
	struct bn_sim_pkt pk = { .data = pkt, .len = len, .ifindex = 0, .rx_queue = 0 };
	struct bn_sim_result r;

	memset(&r, 0, sizeof(r));
	r.out = t_out;
	r.out_cap = sizeof(t_out);
	t_pkt(pkt, len, 0x0800);
	if (bn_sim_run_one(sim, &pk, &r))
		r.fault_msg[0] = '!';
	return r;
}

/* Load @p; if the NIC refuses it, false with @r saying so (fault 2). */
static inline bool t_load(struct bn_sim *sim, const struct tprog *p, struct bn_sim_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!tp_load(sim, p, NULL, 0))
		return true;
	printf("load failed: %s\n", t_err);
	r->fault = 2;
	return false;
}

/* Load @p, run one 64-byte packet with tracing; the trace holds the end state. */
static inline struct bn_sim_result t_exec(struct bn_sim *sim, const struct tprog *p)
{
	struct bn_sim_result r;

	if (!t_load(sim, p, &r))
		return r;
	t_trace_on(sim);
	r = t_run(sim, 64);
	bn_sim_set_trace(sim, NULL, NULL);
	return r;
}

#endif /* BPFNIC_SIMTEST_H */
