// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Straight runs of microcode translated to host code (x86-64 hosts).
 *
 * exec_fast spends most of its time per instruction on dispatch and operand
 * decoding, not on the operation.  At load time, every place where control
 * can enter a sequence of "simple" instructions (ALU including divide and
 * the chained addc/subc/rsubc, immediates, field loads, context CSR reads,
 * nop) gets a host function that runs the sequence up to the first
 * instruction that is not simple, or through what ends it: a branch
 * (compare-and-branch, chained or not, br.al, call, rtn) with its defer
 * slots when they are simple too, a memory command, or done.  Where later
 * code reads the flags an instruction writes (the loader's liveness: its
 * general form, a compare not in its no-flags form), the host code writes
 * them.  A call of a firmware helper runs the helper (bn_fw_call()) and
 * the stub's rtn in the block; a memory command calls bn_mem_rd(),
 * bn_mem_wr() or bn_mem_add(), both after bringing f->now up to date,
 * exactly as the interpreter's STEP() does; rtn finds its target's block
 * through bn_prog.nat_tab.  The scheduler calls a block itself when a
 * thread goes on at one (bn_exec_native(), nicsim_int.h), exec_fast from
 * the entry instruction's handler (l_native, exec_loop.h): the function
 * returns the code index to go on from, with a stop status in the high
 * half when the thread sleeps, stalls, faults or ends its packet
 * (bn_native_run()), and the cycles the instructions cost since the clock
 * was last brought up to date.
 *
 * What the functions touch is exactly what the interpreter's handlers of
 * those instructions touch: register-file words of the thread, words of
 * its LM window, its flags, and through the simulator's own functions the
 * clock, memory and maps.  The entry checks once the lm room the block's
 * lm and xfer-in operands need (nothing inside a block moves lm_fp; a read
 * ends its block and leaves no room) and the watchdog budget for all of its
 * instructions, and falls back to the interpreter when either is short, so
 * results are the interpreter's, word for word and cycle for cycle
 * (tests/test_sim_native.c and bpf-tests/run-corpus.sh check it).
 *
 * Host code is written by hand here: Debian 12 packages no C library for
 * run-time code generation (asmjit and xbyak are C++, GNU lightning is not
 * packaged, libgccjit and LLVM take tens of milliseconds per program).  The
 * encoder below knows the two dozen x86-64 forms the translation uses.
 * Host code is entered with a call (bn_native_run(), whose asm says what
 * it clobbers): t in rdi, the thread's lm[0] in rsi, the FPC in r11 (all
 * three kept), the lm room in r10d, the watchdog budget in r9d and 0 in
 * r8; eax, ecx, edx are scratch.  A block adds its cycles to r8 and takes
 * its instructions from r9d, then jumps into the next block when that has
 * one and the budget and lm room it needs (a loop of blocks runs until the
 * watchdog budget is short), else returns the index to go on from in eax.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "nicsim_int.h"
#include "sem.h"		/* bn_cond_tab */

#if defined(__x86_64__)
#include <sys/mman.h>

enum { RAX = 0, RCX = 1, RDX = 2, RSI = 6, RDI = 7 };

#define BN_NATIVE_MAX	255	/* instructions per block (bn_dinsn.nn) */

/* A jmp rel32 at @at to the block at index @to: its chained entry, or its body (@body: nat). */
struct fix {
	size_t at;
	u32 to;
	bool body;
};

/* Pass 1: a way out of the block at @from into code index @to, @n instructions counted. */
struct edge {
	u32 from, to, n;
	bool zroom;		/* after a read: no lm room left */
};

/*
 * What eax, ecx and edx are known to hold: up to two words (base, disp) the
 * block loaded or stored them from or to, so that an operand that is an
 * earlier instruction's result is taken from the register (no load, and no
 * wait on the store that wrote it).  Cleared where control may join (block
 * entries) and wherever the host code changes the registers otherwise.
 */
struct rcache {
	u8 n;
	struct { u8 base; u32 disp; } w[2];
};

/*
 * Words the block wrote a constant into (immed, a call's link): up to four,
 * kept as long as the rcache is, so that reading one takes the constant
 * (an x86 immediate where the operation has one) instead of a load.
 */
#define BN_KC_WORDS	4

struct kcache {
	u8 n;
	struct { u8 base; u32 disp, k; } w[BN_KC_WORDS];
};

struct emit {
	u8 *b;
	size_t n, cap;
	bool oom;
	struct rcache rc[3];	/* eax, ecx, edx */
	struct kcache kc;
	const struct bn_prog *p;
	const u8 *nn;		/* blocks of the first pass (NULL: in it, nothing chains) */
	u32 ncur;		/* instructions the block being emitted runs */
	struct fix *fix;
	u32 nfix, capfix;
	struct edge *edge;	/* pass 1: the exits into other blocks, by block */
	u32 nedge, capedge;
	bool zroom;		/* the exit being emitted follows a read */
	size_t *chain;		/* chained entry of each block (its body: bn_dinsn.nat) */
	u16 *nf;		/* by block: budget its chained entry checks (bn_dinsn.nf) */
	u8 *nr;			/* and lm room (bn_dinsn.nlmn) */
	u64 *tab;		/* bn_prog.nat_tab, filled once the code is in place */
	u32 blk;		/* where the block being emitted starts */
};

static void put(struct emit *e, const void *v, size_t n)
{
	if (e->n + n > e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 4096;
		u8 *b;

		while (cap < e->n + n)
			cap *= 2;
		b = realloc(e->b, cap);
		if (!b) {
			e->oom = true;
			return;
		}
		e->b = b;
		e->cap = cap;
	}
	if (!e->oom) {
		memcpy(e->b + e->n, v, n);
		e->n += n;
	}
}

/* Room for element @n of @*v (@*cap of @size bytes allocated); false: out of memory. */
static bool grow(struct emit *e, void **v, u32 *cap, u32 n, size_t size)
{
	u32 c = *cap ? 2 * *cap : 256;
	void *m;

	if (n < *cap)
		return true;
	m = realloc(*v, (size_t)c * size);
	if (!m) {
		e->oom = true;
		return false;
	}
	*v = m;
	*cap = c;
	return true;
}

static void b1(struct emit *e, u8 v)
{
	put(e, &v, 1);
}

static void b4(struct emit *e, u32 v)
{
	put(e, &v, 4);
}

/* Two or three opcode bytes. */
static void op2(struct emit *e, u8 x, u8 y)
{
	b1(e, x);
	b1(e, y);
}

static void op3(struct emit *e, u8 x, u8 y, u8 z)
{
	op2(e, x, y);
	b1(e, z);
}

/* ModRM for [base + disp32] (base rdi or rsi: no SIB). */
static void mem(struct emit *e, int reg, int base, u32 disp)
{
	b1(e, 0x80 | reg << 3 | base);
	b4(e, disp);
}

/* An operand: a constant or a 32-bit word at base + disp. */
struct opnd {
	bool konst;
	u32 k;
	int base;
	u32 disp;
};

/*
 * Operand @idx of kind @kind: LM words from the lm base, register-file
 * words from the thread; the immediate words of the register file never
 * change (sim.c fills them once), so they become constants.
 */
static struct opnd opnd(u8 kind, u16 idx)
{
	struct opnd o = { .base = RDI };

	if (kind == BN_K_LM) {
		o.base = RSI;
		o.disp = 4 * (u32)idx;
	} else if (idx >= BN_RF_IMM) {
		o.konst = true;
		o.k = idx - BN_RF_IMM;
	} else {
		o.disp = offsetof(struct bn_thr, r) + 4 * (u32)idx;
	}
	return o;
}

/* opnd(), with a word the block wrote a constant into taken as that constant */
static struct opnd opnd_e(const struct emit *e, u8 kind, u16 idx)
{
	struct opnd o = opnd(kind, idx);

	for (u32 i = 0; !o.konst && i < e->kc.n; i++) {
		if (e->kc.w[i].base == o.base && e->kc.w[i].disp == o.disp) {
			o.konst = true;
			o.k = e->kc.w[i].k;
		}
	}
	return o;
}

static void rc_clear(struct emit *e)
{
	memset(e->rc, 0, sizeof(e->rc));
	e->kc.n = 0;
}

/* The word at base + disp is no longer the constant the kcache has for it. */
static void kc_forget(struct emit *e, int base, u32 disp)
{
	for (u32 i = 0; i < e->kc.n; i++)
		if (e->kc.w[i].base == base && e->kc.w[i].disp == disp)
			e->kc.w[i--] = e->kc.w[--e->kc.n];
}

static bool rc_has(const struct rcache *c, int base, u32 disp)
{
	for (u32 i = 0; i < c->n; i++)
		if (c->w[i].base == base && c->w[i].disp == disp)
			return true;
	return false;
}

/* The word at base + disp now holds @reg (-1: none): no other register holds it. */
static void rc_stored(struct emit *e, int reg, int base, u32 disp)
{
	kc_forget(e, base, disp);
	for (int r = RAX; r <= RDX; r++) {
		struct rcache *c = &e->rc[r];

		for (u32 i = 0; i < c->n; i++)
			if (r != reg && c->w[i].base == base && c->w[i].disp == disp)
				c->w[i--] = c->w[--c->n];
	}
	if (reg >= 0 && !rc_has(&e->rc[reg], base, disp) && e->rc[reg].n < 2)
		e->rc[reg].w[e->rc[reg].n++] = (typeof(e->rc[reg].w[0])){ base, disp };
}

/* mov reg32, operand (a register that holds it already: no load) */
static void load(struct emit *e, int reg, struct opnd o)
{
	int r;

	if (o.konst) {
		b1(e, 0xb8 + reg);
		b4(e, o.k);
		e->rc[reg].n = 0;
		return;
	}
	if (rc_has(&e->rc[reg], o.base, o.disp))
		return;
	for (r = RAX; r <= RDX; r++) {
		if (r != reg && rc_has(&e->rc[r], o.base, o.disp)) {
			op2(e, 0x89, 0xc0 | r << 3 | reg);	/* mov reg, r */
			e->rc[reg] = e->rc[r];
			return;
		}
	}
	b1(e, 0x8b);
	mem(e, reg, o.base, o.disp);
	e->rc[reg].n = 1;
	e->rc[reg].w[0].base = o.base;
	e->rc[reg].w[0].disp = o.disp;
}

/* mov [base + disp], reg32 */
static void store(struct emit *e, int base, u32 disp, int reg)
{
	b1(e, 0x89);
	mem(e, reg, base, disp);
	rc_stored(e, reg, base, disp);
}

/* mov dword [base + disp], @k: no register holds the word, the kcache has it */
static void store_k(struct emit *e, int base, u32 disp, u32 k)
{
	b1(e, 0xc7);
	mem(e, 0, base, disp);
	b4(e, k);
	rc_stored(e, -1, base, disp);
	if (e->kc.n == BN_KC_WORDS)
		e->kc.w[0] = e->kc.w[--e->kc.n];	/* full: the first makes room (any would) */
	e->kc.w[e->kc.n++] = (typeof(e->kc.w[0])){ base, disp, k };
}

/* ModRM register-direct byte: op /ext or reg, rm. */
static u8 rr(int reg, int rm)
{
	return 0xc0 | reg << 3 | rm;
}

/* Shift @reg by an immediate (C1 /ext ib): ext 4 shl, 5 shr, 7 sar, 1 ror. */
static void shift_imm(struct emit *e, int ext, int reg, u8 n, bool wide)
{
	if (wide)
		b1(e, 0x48);
	op3(e, 0xc1, rr(ext, reg), n);
}

static int shc_ext(u8 shc)
{
	switch (shc) {
	case BN_SHC_LSL: return 4;
	case BN_SHC_LSR: return 5;
	case BN_SHC_ASR: return 7;
	default:	 return 1;	/* ROR */
	}
}

/*
 * ecx = the B port, through the shifter (bn_shift(), bn_shift_sh(): equal
 * for shift amounts 0..31; kinds other than LSL..ROR pass B through).
 */
static bool shifts_b(const struct bn_dinsn *d, bool raw)
{
	return !raw && d->shc >= BN_SHC_LSL && d->shc <= BN_SHC_ROR && d->shamt;
}

static void load_b(struct emit *e, const struct bn_dinsn *d, bool raw)
{
	load(e, RCX, opnd_e(e, d->bk, d->b));
	if (shifts_b(d, raw)) {
		shift_imm(e, shc_ext(d->shc), RCX, d->shamt, false);
		e->rc[RCX].n = 0;
	}
}

/* The B port's value if it is a constant: through the shifter (load_b()) unless @raw. */
static bool konst_b(const struct emit *e, const struct bn_dinsn *d, bool raw, u32 *k)
{
	struct opnd o = opnd_e(e, d->bk, d->b);

	if (!o.konst)
		return false;
	*k = shifts_b(d, raw) ? bn_shift(o.k, d->shc, d->shamt) : o.k;
	return true;
}

/* @reg OP= @k: the immediate form of op_b()'s @op */
static void op_k(struct emit *e, int reg, u8 op, u8 ext, u32 k)
{
	op2(e, op == 0x85 ? 0xf7 : 0x81, rr(op == 0x85 ? 0 : ext, reg));
	b4(e, k);
}

/*
 * eax OP= the B port: @op is x86's "OP r/m32, r32" (01 add, 29 sub, 21 and,
 * 09 or, 31 xor, 39 cmp, 85 test) with ecx, or for a constant B its
 * immediate form (81 /@ext id; test: F7 /0 id), which sets the same flags
 * and leaves ecx (and what the register cache knows of it) alone.
 */
static void op_b(struct emit *e, const struct bn_dinsn *d, bool raw, u8 op, u8 ext)
{
	u32 k;

	if (konst_b(e, d, raw, &k)) {
		op_k(e, RAX, op, ext, k);
		return;
	}
	load_b(e, d, raw);
	op2(e, op, rr(RCX, RAX));
}

/* The register that holds operand @o already, or -1 */
static int cached(const struct emit *e, struct opnd o)
{
	for (int r = RAX; !o.konst && r <= RDX; r++)
		if (rc_has(&e->rc[r], o.base, o.disp))
			return r;
	return -1;
}

static void load_a(struct emit *e, const struct bn_dinsn *d, int reg)
{
	load(e, reg, opnd_e(e, d->ak, d->a));
}

/* store(), or with @reg < 0 store_k() of @k */
static void store_rk(struct emit *e, int base, u32 disp, int reg, u32 k)
{
	if (reg < 0)
		store_k(e, base, disp, k);
	else
		store(e, base, disp, reg);
}

/*
 * WD(): the destination and its second word (bank B copy), sinks skipped,
 * from @reg, or with @reg < 0 the constant @k (one mov each, no register).
 */
static void write_dk(struct emit *e, const struct bn_dinsn *d, int reg, u32 k)
{
	if (d->dk == BN_K_LM)
		store_rk(e, RSI, 4 * (u32)d->d, reg, k);
	else if (d->d != BN_RF_SINK)
		store_rk(e, RDI, offsetof(struct bn_thr, r) + 4 * (u32)d->d, reg, k);
	if (d->d2 != BN_RF_SINK)
		store_rk(e, RDI, offsetof(struct bn_thr, r) + 4 * (u32)d->d2, reg, k);
}

static void write_d(struct emit *e, const struct bn_dinsn *d, int reg)
{
	write_dk(e, d, reg, 0);
}

/* The CSR reads bn_csr_read_fast() answers without the clock. */
static bool csr_simple(u32 csr)
{
	return csr - BN_CSR_CTX_BASE < BN_CSR_CTX_WORDS || csr == BN_CSR_LM_FP_ADDR;
}

/* An operation the translation runs, in whatever form. */
static bool simple_op(const struct bn_dinsn *d)
{
	switch (d->op) {
	case BN_OP_nop: case BN_OP_add: case BN_OP_sub: case BN_OP_rsub:
	case BN_OP_and: case BN_OP_andn: case BN_OP_or: case BN_OP_xor:
	case BN_OP_mov: case BN_OP_not: case BN_OP_lsl: case BN_OP_lsr:
	case BN_OP_asr: case BN_OP_dshf: case BN_OP_mul: case BN_OP_mulh:
	case BN_OP_immed: case BN_OP_immed_hi: case BN_OP_ld_field:
	case BN_OP_addc: case BN_OP_subc: case BN_OP_rsubc: case BN_OP_udiv: case BN_OP_umod:
		return true;
	case BN_OP_csr_rd:
		return csr_simple(d->imm);
	default:
		return false;
	}
}

static bool general(const struct bn_dinsn *d)
{
	return !(d->x >> 8);
}

/* br_cmp in its no-flags form, one handler per condition (bn_dinsn.x = BN_X_COND | cond) */
static bool cond_form(const struct bn_dinsn *d)
{
	return (d->x >> 8) == (BN_X_COND >> 8);
}

/* A compare that writes the flags: br_cmp but in its no-flags form, br_cmpc */
static bool cmp_writes_flags(const struct bn_dinsn *d)
{
	return (d->op == BN_OP_br_cmp && !cond_form(d)) || d->op == BN_OP_br_cmpc;
}

/*
 * A straight instruction the translation runs: any form but br_cmp's; the
 * general form (flags live, or operands the special forms do not take)
 * only where no branch's defer slot can run it (l_native runs no slot
 * countdown).
 */
static bool simple(const struct bn_dinsn *d)
{
	return !cond_form(d) && simple_op(d) && (!general(d) || !d->slot);
}

/* A block's lm need grows by an instruction's (bn_dinsn.lmn, in any form). */
static void need_lm(const struct bn_dinsn *d, u8 *lmn)
{
	if (d->lmn > *lmn)
		*lmn = d->lmn;
}

/* A defer slot it runs (slots have the general form). */
static bool slot_ok(const struct bn_dinsn *d, u8 *lmn)
{
	if (!simple_op(d))
		return false;
	need_lm(d, lmn);
	return true;
}

/*
 * A branch that can end a block, never itself in a slot: a compare (its
 * flags written unless they are dead), a chained compare, br.al or call
 * (plain forms), with the defer slots the translation runs too; rtn
 * without slots.
 */
static bool final_branch(const struct bn_prog *p, u32 k, u8 *lmn)
{
	const struct bn_dinsn *d = &p->code[k];
	u8 n = *lmn;	/* the block's lm need with the branch's and its slots' */
	u32 j;

	if (d->slot)
		return false;
	if (d->op == BN_OP_rtn)		/* no slots, the link a register or constant */
		return !d->defer && d->ak != BN_K_LM && d->ak != BN_K_XIN;
	if (cmp_writes_flags(d)) {
		if (d->cond > BN_COND_AL)
			return false;
		need_lm(d, &n);
	} else if (!cond_form(d) &&
		   ((d->x >> 8) != (BN_X_PLAIN >> 8) ||
		    !((d->op == BN_OP_br && d->cond == BN_COND_AL) || d->op == BN_OP_call))) {
		return false;
	}
	if (k + d->defer >= p->len)
		return false;
	for (j = 1; j <= d->defer; j++)
		if (!slot_ok(&p->code[k + j], &n))
			return false;
	*lmn = n;
	return true;
}

/*
 * FLAGS(): after the operation, the x86 flags give Z (ZF), N (SF), V (OF)
 * and C: CF for add, its complement for a subtraction (C means no borrow).
 * setcc moves none of them; al, cl, dl, ah are free once the result is
 * written.
 */
enum fl_kind { FL_LOGIC, FL_ADD, FL_SUB };

static void fl_set(struct emit *e, enum fl_kind k)
{
	op3(e, 0x0f, 0x94, rr(0, RAX));		/* setz al */
	op3(e, 0x0f, 0x98, rr(0, RCX));		/* sets cl */
	if (k == FL_LOGIC)
		return;
	op3(e, 0x0f, k == FL_ADD ? 0x92 : 0x93, rr(0, RDX));	/* setc/setnc dl */
	op3(e, 0x0f, 0x90, rr(0, 4));		/* seto ah */
}

/* t->fl = Z << 3 | N << 2 | C << 1 | V from what fl_set() left. */
static void fl_store(struct emit *e, enum fl_kind k)
{
	op3(e, 0xc0, rr(4, RAX), 3);		/* shl al, 3 */
	op3(e, 0xc0, rr(4, RCX), 2);		/* shl cl, 2 */
	op2(e, 0x08, rr(RCX, RAX));		/* or al, cl */
	if (k != FL_LOGIC) {
		op2(e, 0x00, rr(RDX, RDX));	/* add dl, dl */
		op2(e, 0x08, rr(RDX, RAX));	/* or al, dl */
		op2(e, 0x08, rr(4, RAX));	/* or al, ah */
	}
	b1(e, 0x88);				/* mov [rdi + fl], al */
	mem(e, RAX, RDI, offsetof(struct bn_thr, fl));
}

/*
 * The same for a chained operation (addc, subc, rsubc, br_cmpc), with the
 * flags before it in dl: Z only if it was set before (ZP).  Leaves the new
 * flags in al.
 */
static void fl_chain(struct emit *e, enum fl_kind k)
{
	op3(e, 0x0f, 0x94, rr(0, RAX));		/* setz al */
	op3(e, 0x0f, 0x98, rr(0, RCX));		/* sets cl */
	if (k != FL_LOGIC) {
		op3(e, 0x0f, k == FL_ADD ? 0x92 : 0x93, rr(0, 5));	/* setc/setnc ch */
		op3(e, 0x0f, 0x90, rr(0, 4));	/* seto ah */
	}
	op3(e, 0xc0, rr(5, RDX), 3);		/* shr dl, 3: ZP */
	op2(e, 0x20, rr(RDX, RAX));		/* and al, dl */
	op3(e, 0xc0, rr(4, RAX), 3);		/* shl al, 3 */
	op3(e, 0xc0, rr(4, RCX), 2);		/* shl cl, 2 */
	op2(e, 0x08, rr(RCX, RAX));		/* or al, cl */
	if (k != FL_LOGIC) {
		op2(e, 0x00, rr(5, 5));		/* add ch, ch */
		op2(e, 0x08, rr(5, RAX));	/* or al, ch */
		op2(e, 0x08, rr(4, RAX));	/* or al, ah */
	}
	b1(e, 0x88);				/* mov [rdi + fl], al */
	mem(e, RAX, RDI, offsetof(struct bn_thr, fl));
}

/* edx = the flags (t->fl), for a chained operation that writes them */
static void load_fl(struct emit *e)
{
	op2(e, 0x0f, 0xb6);			/* movzx edx, byte [rdi + fl] */
	mem(e, RDX, RDI, offsetof(struct bn_thr, fl));
	e->rc[RDX].n = 0;
}

/*
 * x86 CF = the C flag, bit 1 of t->fl (in edx already when @in_edx).  A
 * byte load: the flags were most likely just stored as a byte, and a
 * wider load would wait for that store to reach the cache.
 */
static void carry_in(struct emit *e, bool in_edx)
{
	if (!in_edx)
		load_fl(e);
	op2(e, 0x0f, 0xba);			/* bt edx, 1 */
	op2(e, rr(4, RDX), 1);
}

static void emit_simple(struct emit *e, const struct bn_dinsn *d)
{
	/* the general form writes the flags of the rows that set them */
	bool flags = general(d) && (bn_isa[d->op].flags & BN_IF_SETCC);
	bool chain = d->op == BN_OP_addc || d->op == BN_OP_subc || d->op == BN_OP_rsubc;
	enum fl_kind fk = FL_LOGIC;
	int res = RAX;

	switch (d->op) {
	case BN_OP_nop:
		return;
	case BN_OP_immed:		/* no flags, no register: the constant goes to memory */
		write_dk(e, d, -1, d->imm);
		return;
	case BN_OP_immed_hi:		/* (DOLD & 0xffff) | IMM */
		load_a(e, d, RAX);
		b1(e, 0x25);		/* and eax, imm32 */
		b4(e, 0xffff);
		b1(e, 0x0d);		/* or eax, imm32 */
		b4(e, d->imm);
		break;
	case BN_OP_ld_field:		/* (B & IMM) | (DOLD & ~IMM) */
		if (opnd_e(e, d->ak, d->a).konst) {	/* DOLD a constant (the zero word with zf) */
			u32 k = opnd_e(e, d->ak, d->a).k & ~d->imm;

			load_b(e, d, false);
			op2(e, 0x81, rr(4, RCX));	/* and ecx, imm32 */
			b4(e, d->imm);
			if (k) {
				op2(e, 0x81, rr(1, RCX));	/* or ecx, imm32 */
				b4(e, k);
			}
			res = RCX;
			break;
		}
		load_a(e, d, RAX);
		load_b(e, d, false);
		op2(e, 0x81, rr(4, RCX));	/* and ecx, imm32 */
		b4(e, d->imm);
		b1(e, 0x25);		/* and eax, imm32 */
		b4(e, ~d->imm);
		op2(e, 0x09, rr(RCX, RAX));	/* or eax, ecx */
		break;
	case BN_OP_csr_rd:
		if (d->imm == BN_CSR_LM_FP_ADDR) {
			b1(e, 0x8b);	/* mov eax, [rdi + lm_base] */
			mem(e, RAX, RDI, offsetof(struct bn_thr, lm_base));
			b1(e, 0x03);	/* add eax, [rdi + lm_fp] */
			mem(e, RAX, RDI, offsetof(struct bn_thr, lm_fp));
			b1(e, 0x05);	/* add eax, imm32 */
			b4(e, BN_ADDR_LM);
		} else {
			b1(e, 0x8b);
			mem(e, RAX, RDI, offsetof(struct bn_thr, ctx) +
				      4 * (d->imm - BN_CSR_CTX_BASE));
		}
		break;
	case BN_OP_mov:
		load_b(e, d, false);
		res = RCX;
		break;
	case BN_OP_not:
		load_b(e, d, false);
		op2(e, 0xf7, rr(2, RCX));	/* not ecx */
		res = RCX;
		break;
	case BN_OP_lsl: case BN_OP_lsr: case BN_OP_asr:	/* A shifted by BRAW & 31 */
		load_a(e, d, RAX);
		load_b(e, d, true);
		op2(e, 0xd3, rr(d->op == BN_OP_lsl ? 4 : d->op == BN_OP_lsr ? 5 : 7, RAX));
		break;
	case BN_OP_dshf:		/* (A << 32 | BRAW) >> SHAMT, 64-bit */
		load_a(e, d, RDX);
		load_b(e, d, true);
		shift_imm(e, 4, RDX, 32, true);		/* shl rdx, 32 */
		op3(e, 0x48, 0x09, rr(RCX, RDX));	/* or rdx, rcx */
		shift_imm(e, 5, RDX, d->shamt, true);	/* shr rdx, shamt */
		res = RDX;
		break;
	case BN_OP_udiv:		/* B ? A / B : 0 */
	case BN_OP_umod:		/* B ? A % B : A */
		load_a(e, d, RAX);
		load_b(e, d, false);
		op2(e, 0x85, rr(RCX, RCX));	/* test ecx, ecx */
		op2(e, 0x74, 6);		/* jz: over xor, div and jmp or mov */
		op2(e, 0x31, rr(RDX, RDX));	/* xor edx, edx */
		op2(e, 0xf7, rr(6, RCX));	/* div ecx */
		if (d->op == BN_OP_umod) {
			op2(e, 0x89, rr(RDX, RAX));	/* mov eax, edx */
			break;
		}
		op2(e, 0xeb, 2);		/* jmp over the xor */
		op2(e, 0x31, rr(RAX, RAX));	/* xor eax, eax */
		break;
	case BN_OP_addc:		/* A + B + C */
	case BN_OP_subc:		/* A - B - !C */
	case BN_OP_rsubc:		/* B - A - !C */
		load_a(e, d, RAX);
		load_b(e, d, false);
		if (flags)
			load_fl(e);
		carry_in(e, flags);
		if (d->op == BN_OP_addc) {
			op2(e, 0x11, rr(RCX, RAX));	/* adc eax, ecx */
			fk = FL_ADD;
			break;
		}
		b1(e, 0xf5);			/* cmc: x86 borrows !C */
		if (d->op == BN_OP_subc) {
			op2(e, 0x19, rr(RCX, RAX));	/* sbb eax, ecx */
		} else {
			op2(e, 0x19, rr(RAX, RCX));	/* sbb ecx, eax */
			res = RCX;
		}
		fk = FL_SUB;
		break;
	case BN_OP_mulh:		/* (u64)A * B >> 32 */
		load_a(e, d, RAX);
		load_b(e, d, false);
		b1(e, 0x48);		/* imul rax, rcx: the low 64 bits */
		op3(e, 0x0f, 0xaf, rr(RAX, RCX));
		shift_imm(e, 5, RAX, 32, true);
		break;
	default:			/* two-operand ALU: eax = A op B */
		load_a(e, d, RAX);
		switch (d->op) {
		case BN_OP_add:	 op_b(e, d, false, 0x01, 0); fk = FL_ADD; break;
		case BN_OP_sub:	 op_b(e, d, false, 0x29, 5); fk = FL_SUB; break;
		case BN_OP_rsub:
			load_b(e, d, false);
			op2(e, 0x29, rr(RAX, RCX));
			res = RCX;
			fk = FL_SUB;
			break;
		case BN_OP_and:	 op_b(e, d, false, 0x21, 4); break;
		case BN_OP_andn:
			load_b(e, d, false);
			op2(e, 0xf7, rr(2, RCX));
			op2(e, 0x21, rr(RCX, RAX));
			break;
		case BN_OP_or:	 op_b(e, d, false, 0x09, 1); break;
		case BN_OP_xor:	 op_b(e, d, false, 0x31, 6); break;
		case BN_OP_mul:
			load_b(e, d, false);
			op3(e, 0x0f, 0xaf, rr(RAX, RCX));
			break;
		}
		break;
	}
	/* the operation changed what it used, but a mov of a register */
	if (!(d->op == BN_OP_mov && res == RCX))
		rc_clear(e);
	write_d(e, d, res);		/* mov: the x86 flags stay */
	if (!flags)
		return;
	if (fk == FL_LOGIC)		/* Z, N of the result; C = V = 0 */
		op2(e, 0x85, rr(res, res));	/* test res, res */
	if (chain) {
		fl_chain(e, fk);
	} else {
		fl_set(e, fk);
		fl_store(e, fk);
	}
	rc_clear(e);			/* al, cl, dl, ah */
}

/* mov eax, index; ret */
static void emit_ret(struct emit *e, u32 idx)
{
	b1(e, 0xb8);
	b4(e, idx);
	b1(e, 0xc3);
}

/* add r8, @cycles: cycles not yet in f->now (nothing for 0) */
static void add_r8(struct emit *e, u32 cycles)
{
	if (!cycles)
		return;
	op3(e, 0x49, 0x81, rr(0, 0));
	b4(e, cycles);
}

/* sub r9d, @n: instructions off the watchdog budget */
static void sub_r9(struct emit *e, u32 n)
{
	op3(e, 0x41, 0x81, rr(5, 1));
	b4(e, n);
}

/* What a way out of a block runs first: its @cycles and its @n instructions counted. */
static void emit_count(struct emit *e, u32 cycles, u32 n)
{
	add_r8(e, cycles);
	sub_r9(e, n);
}

/*
 * Whether the way from the block at @from into the block at @to (@n
 * instructions counted, @zroom: after a read) can skip @to's chained entry:
 * forward in the code (so such ways never make a loop), with the lm room
 * of @from's entry still there, and @to's budget plus @n within a u16.
 * The block at @from checks at its own entry for it (chain_needs()).
 */
static bool skips(const struct emit *e, u32 from, u32 to, u32 n, bool zroom)
{
	return to > from && !zroom && n + e->nf[to] <= UINT16_MAX;
}

/*
 * Leave the block for @idx: its cycles added to r8, its instructions taken
 * from the budget in r9d; then straight into the block at @idx if it has
 * one (to its body when skips(), else to its chained entry, which checks
 * budget and lm room), else back to exec_fast.  Pass 1 notes the way.
 */
static void emit_exit_n(struct emit *e, u32 idx, u32 cycles, u32 n)
{
	emit_count(e, cycles, n);
	if (!e->nn && idx < e->p->ncode &&
	    grow(e, (void **)&e->edge, &e->capedge, e->nedge, sizeof(*e->edge)))
		e->edge[e->nedge++] = (struct edge){ e->blk, idx, n, e->zroom };
	if (!e->nn || idx >= e->p->ncode || !e->nn[idx]) {
		emit_ret(e, idx);
		return;
	}
	b1(e, 0xe9);				/* jmp rel32, fixed up at the end */
	if (!grow(e, (void **)&e->fix, &e->capfix, e->nfix, sizeof(*e->fix)))
		return;
	e->fix[e->nfix++] = (struct fix){ e->n, idx, skips(e, e->blk, idx, n, e->zroom) };
	b4(e, 0);
}

static void emit_exit(struct emit *e, u32 idx, u32 cycles)
{
	emit_exit_n(e, idx, cycles, e->ncur);
}

/*
 * A block's chained entry: what exec_fast checks before l_native runs it
 * (bn_dinsn.nf and .nlmn: the budget and lm room of the block and of the
 * blocks it runs on into without a check), done on r9d (budget) and r10d
 * (lm room); short: back to exec_fast at @i.
 */
static void emit_chain_entry(struct emit *e, u32 i, u32 need, u8 lmn)
{
	op3(e, 0x41, 0x81, rr(7, 1));		/* cmp r9d, imm32 */
	b4(e, need);
	op2(e, 0x73, 6);			/* jae over the return */
	emit_ret(e, i);
	if (!lmn)
		return;
	op3(e, 0x41, 0x81, rr(7, 2));		/* cmp r10d, imm32 */
	b4(e, lmn);
	op2(e, 0x73, 6);
	emit_ret(e, i);
}

/* ---- calls into the simulator: memory commands, helpers ---------------------------- */

/* mov eax, index; ret, or with a stop status (bits 32.., bn_native_run()): mov rax, imm64 */
static void emit_ret_st(struct emit *e, u32 idx, u32 st)
{
	u64 v = (u64)st << 32 | idx;

	if (!st) {
		emit_ret(e, idx);
		return;
	}
	op2(e, 0x48, 0xb8);
	put(e, &v, 8);
	b1(e, 0xc3);
}

/* f->now += r8 + @cycles; r8 = 0: what the simulator reads of the clock is exact */
static void emit_sync(struct emit *e, u32 cycles)
{
	add_r8(e, cycles);
	op3(e, 0x4d, 0x01, 0x80 | 0 << 3 | 3);	/* add [r11 + now], r8 */
	b4(e, offsetof(struct bn_fpc, now));
	op3(e, 0x45, 0x31, rr(0, 0));		/* xor r8d, r8d */
}

/*
 * Call @fn(f, t, ...) after emit_sync() (r8 is 0), the argument after t
 * already in edx, or with @addr a memory command's (in) in rdx and its
 * address in eax, with the host code's registers kept: rdi, rsi, r9..r11
 * pushed (the host code runs with rsp 8 below a 16-byte boundary,
 * bn_native_run(): five pushes align it for the call), r8 zeroed again
 * after; eax is the status.
 */
static void emit_ccall(struct emit *e, const void *fn, bool addr)
{
	static const u8 save[] = {
		0x57, 0x56,			/* push rdi; push rsi */
		0x41, 0x51, 0x41, 0x52,		/* push r9; push r10 */
		0x41, 0x53,			/* push r11 */
	};
	static const u8 restore[] = {
		0x41, 0x5b, 0x41, 0x5a,		/* pop r11; pop r10 */
		0x41, 0x59,			/* pop r9 */
		0x5e, 0x5f,			/* pop rsi; pop rdi */
		0x45, 0x31, 0xc0,		/* xor r8d, r8d */
	};
	u64 a = (u64)(uintptr_t)fn;

	put(e, save, sizeof(save));
	if (addr)
		op2(e, 0x89, rr(RAX, RCX));		/* mov ecx, eax */
	op3(e, 0x48, 0x89, rr(RDI, RSI));		/* mov rsi, rdi (t) */
	op3(e, 0x4c, 0x89, rr(3, RDI));			/* mov rdi, r11 (f) */
	op2(e, 0x48, 0xb8);				/* mov rax, fn */
	put(e, &a, 8);
	op2(e, 0xff, 0xd0);				/* call rax */
	put(e, restore, sizeof(restore));
	rc_clear(e);
}

/* jcc rel32 (0F @op) to be patched (patch()): the offset of its rel32 */
static size_t emit_jcc32(struct emit *e, u8 op)
{
	op2(e, 0x0f, op);
	b4(e, 0);
	return e->n - 4;
}

/* jcc rel8 (@op: 7x, EB) over what follows, to be patched (patch8()): its offset */
static size_t emit_jcc8(struct emit *e, u8 op)
{
	op2(e, op, 0);
	return e->n - 1;
}

static void patch8(struct emit *e, size_t at)
{
	if (!e->oom)
		e->b[at] = (u8)(e->n - (at + 1));
}

/* jnz rel32 on eax, to be patched: its offset */
static size_t emit_jnz(struct emit *e)
{
	op2(e, 0x85, rr(RAX, RAX));		/* test eax, eax */
	return emit_jcc32(e, 0x85);
}

static void patch(struct emit *e, size_t at)
{
	s32 rel = (s32)(e->n - (at + 4));

	if (!e->oom)
		memcpy(e->b + at, &rel, 4);
}

/*
 * The call returned BN_STEP_SLEEP, _STALL or _FAULT for the instruction at
 * @k (@n instructions of the block through it, counted as the interpreter
 * counts them; @cost its cycles): asleep, it ran (the thread goes on at
 * @resume when it wakes); stalled or faulted, it did not, and the thread
 * issues it again (its count given back) or reports the fault there.
 */
static void emit_stop(struct emit *e, u32 k, u32 resume, u32 cost, u32 n)
{
	size_t at;

	sub_r9(e, n);
	op3(e, 0x83, 0xf8, BN_STEP_SLEEP);	/* cmp eax, SLEEP */
	at = emit_jcc8(e, 0x75);		/* jne over the sleep exit */
	add_r8(e, cost);
	emit_ret_st(e, resume, BN_STEP_SLEEP);
	patch8(e, at);
	op2(e, 0x48, 0xc1);			/* shl rax, 32: the status */
	op2(e, rr(4, RAX), 32);
	op2(e, 0x48, 0x0d);			/* or rax, k */
	b4(e, k);
	b1(e, 0xc3);
}

/*
 * A memory command ending the block at @k: what bn_mem_cmd() runs for it
 * as SEM_mem_rd calls it (at A + B raw); on BN_STEP_OK on to k + 1.  A
 * read leaves words pending, so no lm room (the interpreter's LMSYNC()); a
 * write or add can only retire reads, which leaves the room the entry
 * checked valid.
 */
static void emit_mem(struct emit *e, const struct bn_dinsn *d, u32 k, u32 cycles)
{
	u64 in = (u64)(uintptr_t)d;
	size_t at;
	u32 b;

	load_a(e, d, RAX);
	if (!konst_b(e, d, true, &b) || b)	/* + 0: eax is the address already */
		op_b(e, d, true, 0x01, 0);	/* add eax, B */
	emit_sync(e, cycles);
	op2(e, 0x48, 0xba);			/* mov rdx, in */
	put(e, &in, 8);
	emit_ccall(e, d->op == BN_OP_mem_rd ? bn_mem_rd : d->op == BN_OP_mem_wr ? bn_mem_wr :
		   bn_mem_add, true);
	at = emit_jnz(e);
	if (d->op == BN_OP_mem_rd)
		op3(e, 0x45, 0x31, rr(2, 2));	/* xor r10d, r10d */
	e->zroom = d->op == BN_OP_mem_rd;
	emit_exit(e, k + 1, d->cost);
	e->zroom = false;
	patch(e, at);
	emit_stop(e, k, k + 1, d->cost, e->ncur);
}

/* done at @k: the verdict, then back to exec_fast, which ends the packet */
static void emit_done(struct emit *e, const struct bn_dinsn *d, u32 k, u32 cycles)
{
	load_a(e, d, RAX);
	b1(e, 0x89);				/* mov [rdi + verdict], eax */
	mem(e, RAX, RDI, offsetof(struct bn_thr, verdict));
	emit_count(e, cycles + d->cost, e->ncur);
	emit_ret_st(e, k, BN_NATIVE_DONE);
}

/*
 * A call of a firmware helper: the stub it calls is fw_call and rtn
 * (loader.c); the block runs both.  @ri: the code index of the call's
 * return address.
 */
static bool helper_call(const struct bn_prog *p, const struct bn_dinsn *d, u32 *ri)
{
	u32 s = d->target;

	return d->op == BN_OP_call && s > p->len && s + 1 < p->ncode &&
	       p->code[s].op == BN_OP_fw_call && p->code[s + 1].op == BN_OP_rtn &&
	       !p->code[s + 1].defer && p->code[s + 1].ak != BN_K_LM &&
	       p->code[s + 1].ak != BN_K_XIN && bn_pc_to_index(p, d->imm, ri) && *ri < p->len;
}

/*
 * After the helper (@extra its cycles beyond the stub's), the stub's rtn
 * at @s + 1: straight to the return block @ri while the link still holds
 * @ret_pc, else the interpreter's rtn.  @n: the instructions through the
 * call's slots.
 */
static void emit_helper_rtn(struct emit *e, u32 s, u32 ret_pc, u32 ri, u32 n, u32 extra)
{
	const struct bn_dinsn *fw = &e->p->code[s], *rt = &e->p->code[s + 1];
	struct opnd o = opnd(rt->ak, rt->a);
	size_t mis = 0;

	if (o.konst && o.k != ret_pc) {
		emit_exit_n(e, s + 1, fw->cost + extra, n + 1);	/* the interpreter's rtn */
		return;
	}
	if (!o.konst) {
		b1(e, 0x81);			/* cmp dword [rdi + link], ret_pc */
		mem(e, 7, RDI, o.disp);
		b4(e, ret_pc);
		mis = emit_jcc32(e, 0x85);	/* jne: the interpreter's rtn */
	}
	emit_exit_n(e, ri, fw->cost + extra + rt->tcost, n + 2);
	if (mis) {
		patch(e, mis);
		emit_exit_n(e, s + 1, fw->cost + extra, n + 1);
	}
}

/*
 * The array map a map_lookup_elem call at @k (its slots run) most likely
 * gets: the one whose id the last write of R1's low word (GPR 2, bank A)
 * in the block from @i puts there with immed; NULL if none is known.
 */
static const struct bn_map *lookup_array(const struct bn_prog *p, u32 i, u32 k)
{
	u32 j = k + p->code[k].defer + 1;

	while (j-- > i) {
		const struct bn_dinsn *d = &p->code[j];
		/* d: bank A's index for a BOTH write too (d2 is bank B's) */
		bool a2 = d->dk != BN_K_LM && d->d == BN_RF_A + BN_ABI_GPR_LO(1);

		if (j == k || !a2)
			continue;
		if (d->op != BN_OP_immed)
			return NULL;
		for (u32 m = 0; m < p->nmaps; m++)
			if (p->maps[m] && p->maps[m]->id == d->imm &&
			    p->maps[m]->type == BPF_MAP_TYPE_ARRAY && p->maps[m]->key_size == 4)
				return p->maps[m];
		return NULL;
	}
	return NULL;
}

/*
 * map_lookup_elem on array map @m without the simulator, when R1 holds its
 * id and R2 points at 4 bytes in the thread's lm from lm_fp on, inside the
 * lm room (where a program keeps its key): what fw_map_lookup() does then
 * (R0 the value's device address or 0; its 3 cycles are the caller's).
 * Otherwise it jumps to the places @slow[0..1] (patched by the caller).
 */
static void emit_array_lookup(struct emit *e, const struct bn_map *m, size_t slow[2])
{
	u32 r0 = offsetof(struct bn_thr, r) + 4 * (BN_RF_A + BN_ABI_GPR_LO(0));
	u32 r0b = offsetof(struct bn_thr, r) + 4 * (BN_RF_B + BN_ABI_GPR_LO(0));
	u32 base = (u32)(BN_ADDR_EMEM + m->emem_off + m->voff);
	size_t none;

	rc_clear(e);
	b1(e, 0x81);				/* cmp dword [rdi + R1], id */
	mem(e, 7, RDI, offsetof(struct bn_thr, r) + 4 * (BN_RF_A + BN_ABI_GPR_LO(1)));
	b4(e, m->id);
	slow[0] = emit_jcc32(e, 0x85);		/* jne: the call */
	b1(e, 0x8b);				/* mov eax, [rdi + R2]: the key's address */
	mem(e, RAX, RDI, offsetof(struct bn_thr, r) + 4 * (BN_RF_A + BN_ABI_GPR_LO(2)));
	b1(e, 0x2b);				/* sub eax, [rdi + lm_base] */
	mem(e, RAX, RDI, offsetof(struct bn_thr, lm_base));
	b1(e, 0x2b);				/* sub eax, [rdi + lm_fp] */
	mem(e, RAX, RDI, offsetof(struct bn_thr, lm_fp));
	b1(e, 0x2d);				/* sub eax, BN_ADDR_LM: bytes from lm_fp */
	b4(e, BN_ADDR_LM);
	op3(e, 0x48, 0x8d, 0x48);		/* lea rcx, [rax + 4] */
	b1(e, 4);
	op3(e, 0x44, 0x89, rr(2, RDX));		/* mov edx, r10d: the lm room, words */
	op3(e, 0x48, 0xc1, rr(4, RDX));		/* shl rdx, 2 */
	b1(e, 2);
	op3(e, 0x48, 0x39, rr(RDX, RCX));	/* cmp rcx, rdx */
	slow[1] = emit_jcc32(e, 0x87);		/* ja: outside the room: the call */
	op3(e, 0x8b, 0x04, 0x06);		/* mov eax, [rsi + rax]: the key */
	b1(e, 0x3d);				/* cmp eax, max_entries */
	b4(e, m->max_entries);
	none = emit_jcc8(e, 0x73);		/* jae: no element */
	op2(e, 0x69, rr(RAX, RAX));		/* imul eax, eax, elem_size */
	b4(e, m->elem_size);
	b1(e, 0x05);				/* add eax, base: bn_map_value_addr() */
	b4(e, base);
	op2(e, 0xeb, 2);			/* jmp over the xor */
	patch8(e, none);
	op2(e, 0x31, rr(RAX, RAX));		/* xor eax, eax */
	b1(e, 0x89);				/* R0 = eax, both banks; high words 0 */
	mem(e, RAX, RDI, r0);
	b1(e, 0x89);
	mem(e, RAX, RDI, r0b);
	b1(e, 0xc7);
	mem(e, 0, RDI, r0 + 4);
	b4(e, 0);
	b1(e, 0xc7);
	mem(e, 0, RDI, r0b + 4);
	b4(e, 0);
	rc_clear(e);
}

/*
 * The helper's stub at @s after the call (whose @ret_pc the link register
 * holds) and its slots, @cycles theirs: bn_fw_call(), then the stub's rtn
 * (emit_helper_rtn(); a helper does not move lm_fp or start reads: the lm
 * room stays).  A lookup in an array map the block names is done here
 * when it can be (emit_array_lookup()), the call otherwise.
 */
static void emit_helper(struct emit *e, u32 k, u32 s, u32 ret_pc, u32 ri, u32 cycles)
{
	const struct bn_dinsn *fw = &e->p->code[s];
	const struct bn_map *m = fw->imm == BN_FW_MAP_LOOKUP ? lookup_array(e->p, e->blk, k) :
				 NULL;
	u32 n = e->ncur - 2;		/* through the call's slots */
	size_t at, slow[2];

	if (m) {
		emit_array_lookup(e, m, slow);
		emit_helper_rtn(e, s, ret_pc, ri, n, cycles + BN_FW_ARRAY_LOOKUP);
		patch(e, slow[0]);
		patch(e, slow[1]);
		rc_clear(e);
	}
	emit_sync(e, cycles);
	b1(e, 0xba);				/* mov edx, fwid */
	b4(e, fw->imm);
	emit_ccall(e, bn_fw_call, false);
	at = emit_jnz(e);
	emit_helper_rtn(e, s, ret_pc, ri, n, 0);
	patch(e, at);
	emit_stop(e, s, s + 1, fw->cost, n + 1);
}

/* x86 jcc (0F 80+cc) for br_cmp's condition after cmp/test eax, ecx. */
static u8 jcc(u8 cond)
{
	static const u8 cc[] = {
		[BN_COND_EQ] = 0x4, [BN_COND_NE] = 0x5, [BN_COND_HS] = 0x3, [BN_COND_LO] = 0x2,
		[BN_COND_HI] = 0x7, [BN_COND_LS] = 0x6, [BN_COND_GE] = 0xd, [BN_COND_LT] = 0xc,
		[BN_COND_GT] = 0xf, [BN_COND_LE] = 0xe, [BN_COND_MI] = 0x8, [BN_COND_PL] = 0x9,
		[BN_COND_SET] = 0x5, [BN_COND_CLR] = 0x4,
	};

	return 0x80 | cc[cond];
}

/*
 * A branch's defer slots, then the exit to @to (a helper call: through the
 * helper); @cycles without the slots.
 */
static void emit_slots_exit(struct emit *e, const struct bn_dinsn *d, u32 to, u32 cycles)
{
	u32 j, ri;

	for (j = 1; j <= d->defer; j++) {
		emit_simple(e, &d[j]);
		cycles += d[j].cost;
	}
	if (helper_call(e->p, d, &ri))
		emit_helper(e, (u32)(d - e->p->code), to, d->imm, ri, cycles);
	else
		emit_exit(e, to, cycles);
}

/*
 * br_cmpc's flags (bn_cmp_flags(), chained: A - B - !C, or A & B for
 * SET/CLR; Z only if it was set) from eax and ecx into t->fl; then, unless
 * @cond is AL, ecx & (1 << cond) says whether the branch is taken (the
 * interpreter's condition table, indexed by the new flags).
 */
static void emit_cmpc(struct emit *e, u8 cond)
{
	u64 tab = (u64)(uintptr_t)bn_cond_tab;

	load_fl(e);
	if (cond == BN_COND_SET || cond == BN_COND_CLR) {
		op2(e, 0x85, rr(RCX, RAX));	/* test eax, ecx */
		fl_chain(e, FL_LOGIC);
	} else {
		carry_in(e, true);
		b1(e, 0xf5);			/* cmc */
		op2(e, 0x19, rr(RCX, RAX));	/* sbb eax, ecx */
		fl_chain(e, FL_SUB);
	}
	rc_clear(e);
	if (cond == BN_COND_AL)
		return;
	op3(e, 0x0f, 0xb6, rr(RAX, RAX));	/* movzx eax, al */
	op2(e, 0x48, 0xb9);			/* mov rcx, bn_cond_tab */
	put(e, &tab, 8);
	op3(e, 0x0f, 0xb7, 0x0c);		/* movzx ecx, word [rcx + rax * 2] */
	b1(e, 0x41);
	op2(e, 0xf7, rr(0, RCX));		/* test ecx, 1 << cond */
	b4(e, 1u << cond);
}

/*
 * rtn at @i (no slots): to the code index of the address in its A operand
 * through bn_prog.nat_tab, the chained entry of the block there (or back
 * to exec_fast when none); an address outside the image (a stub, or none
 * at all) goes back to exec_fast, whose handler runs the rtn
 * (BN_NATIVE_INTERP), with the block's instructions before it counted.
 */
static void emit_rtn(struct emit *e, const struct bn_dinsn *d, u32 i, u32 cycles)
{
	u64 tab = (u64)(uintptr_t)e->tab;
	size_t at;

	load_a(e, d, RAX);
	b1(e, 0x2d);				/* sub eax, BN_LOAD_BASE */
	b4(e, BN_LOAD_BASE);
	b1(e, 0x3d);				/* cmp eax, len */
	b4(e, e->p->len);
	at = emit_jcc32(e, 0x83);		/* jae: not in the image */
	emit_count(e, cycles + d->tcost, e->ncur);
	op2(e, 0x48, 0xb9);			/* mov rcx, nat_tab */
	put(e, &tab, 8);
	op2(e, 0x48, 0x8b);			/* mov rcx, [rcx + rax * 8] */
	op2(e, 0x0c, 0xc1);
	op3(e, 0x48, 0x85, rr(RCX, RCX));	/* test rcx, rcx */
	op2(e, 0x74, 2);			/* jz: no block there */
	op2(e, 0xff, rr(4, RCX));		/* jmp rcx */
	b1(e, 0xc3);				/* ret: eax is the index */
	patch(e, at);
	emit_count(e, cycles, e->ncur - 1);
	emit_ret_st(e, i, BN_NATIVE_INTERP);
}

/* The block's last instruction (a compare-and-branch, chained or not, br.al, call, rtn) at @i. */
static void emit_branch(struct emit *e, const struct bn_dinsn *d, u32 i, u32 cycles)
{
	bool flags = cmp_writes_flags(d);
	u8 cond = cond_form(d) ? d->x & 0xff : flags ? d->cond : BN_COND_AL;
	enum fl_kind fk = cond == BN_COND_SET || cond == BN_COND_CLR ? FL_ADD : FL_SUB;
	struct rcache saved[3];
	struct kcache ksaved;
	size_t at;
	u32 kb;
	int ra;

	if (d->op == BN_OP_rtn) {
		emit_rtn(e, d, i, cycles);
		return;
	}
	if (d->op == BN_OP_call)	/* WD(IMM): the return address */
		write_dk(e, d, -1, d->imm);
	if (cond == BN_COND_AL && !flags) {
		emit_slots_exit(e, d, d->target, cycles + d->tcost);
		return;
	}
	ra = cached(e, opnd_e(e, d->ak, d->a));
	if (d->op != BN_OP_br_cmpc && ra >= 0 && konst_b(e, d, true, &kb)) {
		/* compare where A is: the same flags, no mov */
		op_k(e, ra, cond == BN_COND_SET || cond == BN_COND_CLR ? 0x85 : 0x39, 7, kb);
		goto compared;
	}
	load_a(e, d, RAX);
	if (d->op == BN_OP_br_cmpc) {
		load_b(e, d, true);
		emit_cmpc(e, cond);
		flags = false;		/* written */
		if (cond == BN_COND_AL) {
			emit_slots_exit(e, d, d->target, cycles + d->tcost);
			return;
		}
		memcpy(saved, e->rc, sizeof(saved));
		ksaved = e->kc;
		at = emit_jcc32(e, 0x85);	/* jnz: the condition holds */
		goto paths;
	}
	if (cond == BN_COND_SET || cond == BN_COND_CLR)
		op_b(e, d, true, 0x85, 0);	/* test eax, B */
	else
		op_b(e, d, true, 0x39, 7);	/* cmp eax, B */
compared:
	/* bn_cmp_flags(): A & B's for SET/CLR (test: CF = OF = 0), else A - B's */
	if (flags) {
		fl_set(e, fk);
		rc_clear(e);
	}
	memcpy(saved, e->rc, sizeof(saved));	/* both paths start from here */
	ksaved = e->kc;
	if (cond == BN_COND_AL) {
		if (flags)
			fl_store(e, fk);
		emit_slots_exit(e, d, d->target, cycles + d->tcost);
		return;
	}
	at = emit_jcc32(e, jcc(cond));
paths:
	if (flags)
		fl_store(e, fk);
	emit_slots_exit(e, d, i + 1 + d->defer, cycles + d->cost);
	patch(e, at);
	memcpy(e->rc, saved, sizeof(saved));
	e->kc = ksaved;
	if (flags)
		fl_store(e, fk);
	emit_slots_exit(e, d, d->target, cycles + d->tcost);
}

/*
 * The chained entry, then the body starts: bn_dinsn.nat (exec_fast enters
 * there).  No endbr64 where calls and jumps land indirectly: Linux does not
 * turn CET's IBT on for user space (nor would it for a binary without the
 * IBT property, which this one lacks), and most ways into a block would
 * run it for nothing.
 */
static void emit_head(struct emit *e, u32 i)
{
	if (!e->nn)
		return;
	e->chain[i] = e->n;
	emit_chain_entry(e, i, e->nf[i], e->nr[i]);
	e->p->code[i].nat = e->n;
}

/* A memory command or done, not in a slot: it can end a block. */
static bool terminator(const struct bn_dinsn *d, u8 *lmn)
{
	if (d->slot || (d->op != BN_OP_mem_rd && d->op != BN_OP_mem_wr &&
			d->op != BN_OP_mem_add && d->op != BN_OP_done))
		return false;
	need_lm(d, lmn);
	return true;
}

/*
 * The block entered at @i: its simple instructions, then the branch (and
 * for a helper call, the helper) or the memory command or done that ends
 * it, if one does.  Returns the instructions it covers (0: none worth a
 * call: fewer than two, or one that goes back to exec_fast after it).
 */
static u32 emit_block(struct emit *e, const struct bn_prog *p, u32 i, u8 *lmn)
{
	const struct bn_dinsn *code = p->code;
	u32 k = i, cycles = 0, ri;
	bool br = false, term = false;

	rc_clear(e);		/* control joins at a block's entry */
	e->blk = i;
	*lmn = 0;
	while (k < p->len && k - i < BN_NATIVE_MAX - 3 && k - i < code[i].run &&
	       simple(&code[k])) {
		need_lm(&code[k], lmn);
		k++;
	}
	if (k < p->ncode && k - i < code[i].run) {
		br = k - i + 3 + code[k].defer <= BN_NATIVE_MAX && final_branch(p, k, lmn);
		term = !br && terminator(&code[k], lmn);
	}
	e->ncur = k - i + (br ? 1 + code[k].defer + (helper_call(p, &code[k], &ri) ? 2 : 0) :
			   term ? 1 : 0);
	if (e->ncur < 2 && !br && !term)
		return 0;
	emit_head(e, i);
	for (u32 j = i; j < k; j++) {
		emit_simple(e, &code[j]);
		cycles += code[j].cost;
	}
	if (br)
		emit_branch(e, &code[k], k, cycles);
	else if (term && code[k].op == BN_OP_done)
		emit_done(e, &code[k], k, cycles);
	else if (term)
		emit_mem(e, &code[k], k, cycles);
	else
		emit_exit(e, k, cycles);
	return e->ncur;
}

/* Where control can enter a straight sequence: after anything not simple, at branch targets. */
static u8 *entries(const struct bn_prog *p)
{
	u8 *ent = calloc(p->ncode, 1);
	u32 i, t;

	if (!ent)
		return NULL;
	for (i = 0; i < p->len; i++) {
		const struct bn_dinsn *d = &p->code[i];

		if (!i || !simple(&p->code[i - 1]))
			ent[i] = 1;
		if (!(bn_isa[d->op].flags & BN_IF_BRANCH))
			continue;
		if (bn_isa[d->op].fmt != BN_FMT_RTN && d->target < p->len)
			ent[d->target] = 1;
		if (d->op == BN_OP_call && bn_pc_to_index(p, d->imm, &t) && t < p->len)
			ent[t] = 1;
	}
	/* a helper's rtn: a thread that slept in the helper goes on there */
	for (i = p->len + 1; i < p->ncode; i++)
		if (p->code[i].op == BN_OP_rtn)
			ent[i] = 1;
	return ent;
}

/*
 * Emit every block: pass 1 finds the blocks (bn_dinsn.nn), pass 2 emits
 * them again with exits that chain into the blocks they lead to.
 */
static int emit_all(struct emit *e, struct bn_prog *p, const u8 *ent)
{
	u32 i, n;
	u8 lmn;

	for (i = 0; i < p->ncode; i++) {
		size_t at = e->n;

		if (!ent[i])
			continue;
		n = emit_block(e, p, i, &lmn);
		if (e->oom)
			return -ENOMEM;
		if (!n) {
			e->n = at;
			continue;
		}
		p->code[i].nn = n;
		p->code[i].nlmn = lmn;
	}
	return 0;
}

/*
 * Between the passes: what each block's chained entry checks, the budget
 * and lm room of the block and of every block it goes on into without a
 * check (skips()), from the last block back (those ways go forward).
 * At a body entered that way, r9d and r10d are still at least what that
 * block checks: the block before took its own instructions (@n) from a
 * budget that had them plus the next block's, and no read came between.
 */
static void chain_needs(struct emit *e, const u8 *nn)
{
	const struct bn_prog *p = e->p;
	u32 i, j = e->nedge;

	for (i = p->ncode; i-- > 0;) {
		u32 f, r;

		if (!nn[i])
			continue;
		f = p->code[i].run > nn[i] ? p->code[i].run : nn[i];
		r = p->code[i].nlmn;	/* the block's own, from pass 1 */
		for (; j && e->edge[j - 1].from >= i; j--) {
			const struct edge *g = &e->edge[j - 1];

			if (g->from != i || !nn[g->to] || !skips(e, i, g->to, g->n, g->zroom))
				continue;
			if (g->n + e->nf[g->to] > f)
				f = g->n + e->nf[g->to];
			if (e->nr[g->to] > r)
				r = e->nr[g->to];
		}
		e->nf[i] = f;
		e->nr[i] = r;
	}
}

int bn_native_build(struct bn_prog *p)
{
	struct emit e = { .p = p };
	u8 *ent = entries(p), *nn = calloc(p->ncode, 1), *m;
	u32 i;
	s32 h = bn_exec_handler(BN_X_NATIVE);

	e.chain = calloc(p->ncode, sizeof(*e.chain));
	e.nf = calloc(p->ncode, sizeof(*e.nf));
	e.nr = calloc(p->ncode, sizeof(*e.nr));
	e.tab = calloc(p->ncode, sizeof(*e.tab));
	if (!ent || !nn || !e.chain || !e.nf || !e.nr || !e.tab || emit_all(&e, p, ent))
		goto nomem;
	for (i = 0; i < p->ncode; i++)
		nn[i] = p->code[i].nn;
	chain_needs(&e, nn);
	e.n = 0;
	e.nn = nn;
	if (emit_all(&e, p, ent))
		goto nomem;
	for (i = 0; i < e.nfix; i++) {
		const struct fix *x = &e.fix[i];
		s32 rel = (s32)((x->body ? p->code[x->to].nat : e.chain[x->to]) - (x->at + 4));

		memcpy(e.b + x->at, &rel, 4);
	}
	for (i = 0; i < p->ncode; i++) {
		p->code[i].nf = e.nf[i];
		p->code[i].nlmn = e.nr[i];
	}
	free(ent);
	free(e.fix);
	free(e.edge);
	free(e.nf);
	free(e.nr);
	if (!e.n) {
		free(nn);
		free(e.chain);
		free(e.tab);
		free(e.b);
		return 0;
	}
	m = mmap(NULL, e.n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; m != MAP_FAILED && i < p->ncode; i++)
		e.tab[i] = nn[i] ? (u64)(uintptr_t)(m + e.chain[i]) : 0;
	free(nn);
	free(e.chain);
	if (m == MAP_FAILED)
		goto interpret;
	memcpy(m, e.b, e.n);
	if (mprotect(m, e.n, PROT_READ | PROT_EXEC)) {	/* W^X refused */
		munmap(m, e.n);
		goto interpret;
	}
	free(e.b);
	p->nat = m;
	p->nat_len = e.n;
	p->nat_tab = e.tab;
	for (i = 0; i < p->ncode; i++)
		if (p->code[i].nn)
			p->code[i].hoff = h;
	return 0;
nomem:
	errno = ENOMEM;
	free(ent);
	free(nn);
	free(e.chain);
	free(e.fix);
	free(e.edge);
	free(e.nf);
	free(e.nr);
interpret:
	free(e.b);
	free(e.tab);
	for (i = 0; i < p->ncode; i++)
		p->code[i].nn = 0;
	return -errno;
}

void bn_native_free(struct bn_prog *p)
{
	if (p->nat)
		munmap(p->nat, p->nat_len);
	free(p->nat_tab);
	p->nat = NULL;
	p->nat_tab = NULL;
}

#else	/* not x86-64: everything is interpreted */

int bn_native_build(struct bn_prog *p)
{
	return 0;
}

void bn_native_free(struct bn_prog *p)
{
}

#endif
