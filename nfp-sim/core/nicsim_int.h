/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * nfp-sim core internals: the NIC as data.  A bn_sim owns islands, an
 * island owns FPCs and its CLS/CTM, an FPC owns threads and its LM.  Maps
 * live in EMEM; a loaded program is a pre-decoded, relocated image shared
 * by every FPC.  Nothing here is visible to users of nicsim.h.
 */
#ifndef BPFNIC_NICSIM_INT_H
#define BPFNIC_NICSIM_INT_H

#include <pthread.h>
#include "ucode.h"
#include "nicsim.h"
#include "nicsim_trace.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nfp-sim core assumes a little-endian host (device memory is little-endian)"
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* 16 bytes moved with one SSE load or store, at any alignment (cmd.c, pkt.c) */
typedef u64 bn_v16 __attribute__((vector_size(16), aligned(1), may_alias));

/* ---- limits and model constants ---------------------------------------- */
#define BN_WATCHDOG_INSNS	1000000	/* per packet */
#define BN_MAX_INFLIGHT		16	/* memory commands per thread before it stalls */
#define BN_MAX_THREADS		8	/* per FPC (bn_sim_params_check) */
#define BN_SIM_MAX_MAPS		1024	/* device map ids 1..1024 */
#define BN_MAP_MAX_KEY		512	/* MAX_BPF_STACK, as the kernel's hash map */
#define BN_MAP_MAX_VALUE	16384	/* device limit on value_size */
#define BN_EMEM_CHUNK_SHIFT	16	/* EMEM is backed in 64 KiB chunks */
#define BN_EMEM_CHUNK		(1u << BN_EMEM_CHUNK_SHIFT)
#define BN_XDP_FRAME_HDR	40	/* sizeof(struct xdp_frame), x86-64 6.1 */
#define BN_SKB_SHINFO		320	/* SKB_DATA_ALIGN(sizeof(skb_shared_info)), x86-64 6.1 */
#define BN_ETH_HLEN		14
#define BN_NUM_HELPERS		8	/* stubs in the firmware region */

/* Internal opcode for "pc left the code": no isa.def row uses it. */
#define BN_IOP_OOB		0xff

/*
 * Thread register file.  Every operand a pre-decoded instruction names is
 * an index into it, so the common case of an operand read is one load:
 * the 8-bit immediates live in it as constants (immediate 0 doubles as the
 * NONE source), a write to NONE lands in a sink word.
 */
#define BN_RF_A		0
#define BN_RF_B		32
#define BN_RF_XIN	64
#define BN_RF_XOUT	96
#define BN_RF_SINK	128
#define BN_RF_IMM	129
#define BN_RF_ZERO	BN_RF_IMM
#define BN_RF_SIZE	(BN_RF_IMM + 256)

/* Operand kinds after pre-decoding. */
enum bn_kind {
	BN_K_R,		/* register file word */
	BN_K_XIN,	/* xfer-in word: check that no read is pending */
	BN_K_LM,	/* LM word at LM_FP + 4n of the thread's window */
	BN_K_BOTH,	/* destination: GPR n in banks A and B */
};

/* Condition flags, packed. */
#define BN_FL_Z		8
#define BN_FL_N		4
#define BN_FL_C		2
#define BN_FL_V		1

/*
 * Handler of a pre-decoded instruction (bn_dinsn.x): the opcode (general
 * form), or the opcode in one of two special forms of its row, given to
 * instructions in no branch's defer slot whose condition flags no later
 * instruction can read (the loader's liveness pass), and no register pair:
 *   BN_X_PLAIN  every operand a register-file word: no operand-kind tests,
 *               the destination written as r[d] and r[d2]; B unshifted
 *               (BN_X_PLAINSH: the same with the B shifter in use);
 *   BN_X_MIXED  lm[n] or xfer-in operands: each operand at a per-kind base
 *               (register file or the thread's lm[0]) + 4 * index, checked
 *               once per instruction (lm words inside the window, no xfer-in
 *               read pending) or handed to the general form; B unshifted
 *               (BN_X_MIXEDSH: shifted).
 * A shifted form of a known shift kind has a handler for that kind
 * (BN_X_PLAINSH_K, BN_X_MIXEDSH_K): no switch on the shifter.
 * Both skip FLAGS() and the defer-slot countdown.  A br_cmp that could be
 * plain and whose own flags are dead too gets the handler of its condition
 * (BN_X_COND | cond): a plain compare, no flags at all.
 */
#define BN_X_PLAIN	0x100
#define BN_X_MIXED	0x200
#define BN_X_COND	0x300	/* | cond: br_cmp, plain, its flags dead too */
#define BN_X_PLAINSH	0x400
#define BN_X_MIXEDSH	0x500
/* The same with the shift kind (BN_SHC_LSL..ROR) in the handler. */
#define BN_X_PLAINSH_K(shc)	((5 + (shc)) << 8)
#define BN_X_MIXEDSH_K(shc)	((9 + (shc)) << 8)
#define BN_X_FORMS	14
/* exec_fast's handler that runs a translated block (native.c): never a bn_dinsn.x */
#define BN_X_NATIVE	(BN_X_FORMS * 256)

/**
 * struct bn_dinsn - one pre-decoded instruction (no bit fields left)
 *
 * @ak/@a: A port (dread for immed_hi/ld_field), @bk/@b: B port,
 * @dk/@d: destination; @d2: the destination's second word for the plain
 * and mixed forms (bank B copy of BOTH, else the sink); @x: handler, @lmn:
 * lm words from lm_fp its operands need; @target: code index of a
 * static branch target; @imm: immed value, ld_field byte mask, CSR number,
 * sigmask, helper slot or call return address, by format.
 */
struct bn_dinsn {
	u8 op;
	u8 ak, bk, dk;
	u16 a, b, d;
	u8 shc, shamt;
	u8 cost, tcost;		/* cycles; tcost when a branch is taken */
	u8 cond, defer;
	u8 tgt, xfer, len, sig, swap, zf;
	u16 target;
	u32 imm;
	u16 d2;
	u16 x;
	u8 lmn;			/* lm words from lm_fp it needs (loader.c lm_need()) */
	u8 nlmn;		/* lm room its block and the blocks it runs on into need */
	u16 run;		/* instructions from here to the end of its straight run */
	s32 hoff;		/* handler of @x in exec_fast (bn_exec_handler) */
	u32 nat;		/* its translated block: offset in bn_prog.nat */
	u8 nn;			/* instructions the block runs; 0: none */
	u8 slot;		/* it may run in a branch's defer slot */
	u16 nf;			/* watchdog budget its block needs at entry (native.c) */
};

/* ---- memory commands in flight (those without SWAP: cmd.c) --------------- */
struct bn_cmd {
	u64 done_at;		/* FPC cycle the command completes */
	u32 xin_mask;		/* xfer-in words it fills (reads) */
	u8 sig;			/* raised then */
};

enum bn_thr_state {
	BN_T_IDLE,		/* no packet */
	BN_T_READY,
	BN_T_SLEEP,		/* memory command, ctx_wait, helper or stall */
	BN_T_DRAIN,		/* done; waiting for its last commands to land */
};

struct bn_thr {
	u32 r[BN_RF_SIZE];
	u8 fl;			/* BN_FL_* */
	u8 sigs;		/* raised signals */
	u8 wait_mask;		/* ctx_wait: signals to clear on wake */
	u8 pad;
	u8 ninfl;
	u8 defer_left;		/* defer slots still to run before defer_pc */
	u16 idx;		/* thread number in the FPC */
	u32 pc;			/* code index */
	u32 defer_pc;
	u32 budget;		/* watchdog */
	u32 lm_base;		/* window start in the FPC's LM */
	u32 lm_fp;
	u32 xin_pending;
	u32 ts_hi;		/* latched by TS_LO */
	u32 frame;		/* CTM offset of the packet frame */
	u32 head_low;		/* the frame's headroom is zero below (pkt.c) */
	u32 verdict;
	u32 pkt;		/* batch index of the packet */
	u32 fault_pc;		/* code-store address of a fault */
	u64 next_done;		/* earliest done_at in infl[] */
	u64 pkt_start;
	struct bn_cmd infl[BN_MAX_INFLIGHT];
	u32 ctx[BN_CSR_CTX_WORDS];
	char why[80];		/* what faulted */
};

struct bn_rng {
	u64 s;
};

struct bn_island;

struct bn_fpc {
	struct bn_sim *sim;
	struct bn_island *isl;
	const struct bn_prog *prog;	/* of the running batch */
	struct bn_batch *batch;
	u32 island, idx;
	u32 gidx;			/* island * fpcs + idx */
	u8 *lm;
	u64 now;			/* cycles since the batch started */
	u64 idle;
	struct bn_rng lat_rng;		/* latency draws */
	struct bn_rng prng;		/* PRNG CSR and get_prandom_u32 */
	struct bn_thr *thr;
	/*
	 * What the scheduler reads of each thread, here rather than in the
	 * threads' own (large) structs: picking the next one touches one
	 * cache line.  wake[]: the cycle an asleep or draining thread wakes;
	 * 0 for a free one, never (sched.c) once no packet is left for it.
	 */
	u8 st[BN_MAX_THREADS];		/* enum bn_thr_state */
	u64 wake[BN_MAX_THREADS];
	u32 nthr, cur;
	u64 next_pkt;			/* batch index of its next packet */
	u32 heap_pos;
	/* per batch counters */
	u64 packets, insns, mem_cmds, faults;
	u64 actions[BN_ACT__COUNT];
};

struct bn_island {
	u8 *cls;
	u8 *ctm;
	struct bn_fpc *fpc;
};

/* ---- maps ---------------------------------------------------------------- */
struct bn_map {
	u32 id, type, key_size, value_size, max_entries, flags;
	char name[BN_MAP_NAME_LEN];
	u32 elem_size;		/* bytes per slot */
	u32 voff;		/* value offset in a slot */
	u32 nslots;
	u64 emem_off;		/* storage in EMEM (chunk aligned) */
	u64 emem_len;
	u8 *mem;		/* host backing of the storage */
	/* hash: chains of slot+1 (0 ends a chain) */
	u32 nbuckets;
	u32 *buckets;
	u32 *next;
	u32 *hash;
	u32 free_head;
	u32 extra;		/* spare slot an update of an existing key fills */
	u32 count;
	int prog_refs;		/* loaded programs using it */
	pthread_spinlock_t lock;	/* the chains: short holds, no sleeping */
};

/* ---- programs ------------------------------------------------------------ */
struct bn_prog {
	int refs;
	u32 type;		/* enum bn_prog_type */
	u32 len;		/* image instructions */
	u32 ncode;		/* decoded entries: image, sentinel, stubs, sentinel */
	u32 stack_size, gprs, xfers, flags;
	bool zero_headroom;	/* it calls adjust_head: headroom is visible */
	bool one_bank;		/* bank B always equals bank A: one copy kept (loader.c) */
	struct bn_dinsn *code;
	u8 *nat;		/* translated blocks (native.c), NULL: none */
	size_t nat_len;
	u64 *nat_tab;		/* by code index: its block's chained entry (rtn), or 0 */
	u64 *words;		/* relocated words, for tracing */
	u32 nmaps;
	struct bn_map **maps;
};

/* ---- the NIC ---------------------------------------------------------------- */
struct bn_sim {
	struct bn_sim_params p;
	struct bn_sim_ops ops;
	u32 win;		/* LM window bytes per thread */
	u32 frame;		/* CTM frame bytes per thread */
	u8 *imem;
	u8 **emem;		/* chunk table */
	u8 *emem_owned;		/* chunk allocated lazily (not a map's) */
	u32 emem_nchunks;
	u8 **emem_retired;	/* replaced by a map, maybe still in use */
	u32 emem_nretired;
	struct bn_island *isl;
	struct bn_dinsn stubs[2 * BN_NUM_HELPERS];
	u64 stub_words[2 * BN_NUM_HELPERS];
	struct bn_map *maps[BN_SIM_MAX_MAPS + 1];
	struct bn_prog *prog;
	u64 cycle_base;		/* device clock at the start of this batch */
	struct bn_pool *pool;	/* host threads, made on first use */
	bn_sim_trace_fn trace;
	void *trace_opaque;
	bool ops_locked;	/* several host threads: serialise ops */
	pthread_mutex_t lock;	/* prog pointer, map table */
	pthread_mutex_t run_lock;	/* one run at a time */
	pthread_mutex_t ops_lock;
	pthread_mutex_t atomic_lock;
};

/* ---- batch ---------------------------------------------------------------- */
struct bn_batch {
	struct bn_sim *sim;
	const struct bn_prog *prog;
	const struct bn_sim_pkt *pkts;
	u32 n;
	struct bn_sim_result *res;
	u32 nfpcs;			/* islands * fpcs */
};

/* Results of a step that may not simply continue. */
enum bn_step {
	BN_STEP_OK,
	BN_STEP_SLEEP,		/* advance pc, then sleep until f->wake[t->idx] */
	BN_STEP_STALL,		/* sleep until f->wake[t->idx], then re-issue */
	BN_STEP_FAULT,		/* t->why says what */
};

/* Why the interpreter returned. */
enum bn_run_rc {
	BN_RUN_SLEEP,
	BN_RUN_DONE,
	BN_RUN_FAULT,
};

/* params.c */
u32 bn_frame_size(const struct bn_sim_params *p);

/* Packet bytes a CTM frame of @frame bytes holds (less headroom, tailroom). */
static inline u32 bn_frame_room(u32 frame)
{
	return frame > BN_XDP_HEADROOM + BN_SKB_SHINFO ?
	       frame - BN_XDP_HEADROOM - BN_SKB_SHINFO : 0;
}

/* sim.c */
void bn_log(struct bn_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bn_thr_why(struct bn_thr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bn_errf(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
u32 bn_stub_addr(u32 fwid);
int bn_helper_slot(u32 fwid);
const char *bn_helper_name(u32 fwid);
void bn_prog_put(struct bn_sim *sim, struct bn_prog *p);
struct bn_prog *bn_prog_get(struct bn_sim *sim);

/*
 * The u64 of register-file words @lo and *@hi (the word after it): two
 * loads, not one.  They were most likely written just before, by two
 * 4-byte stores of the host code or the interpreter, and one 8-byte load
 * of both cannot take its data from those stores: it waits until they
 * reach the cache.  (GCC merges two adjacent loads into one; the empty asm
 * keeps them apart.)
 */
static inline u64 bn_rf_u64(u32 lo, const u32 *hi)
{
	asm("" : "+r"(lo));
	return lo | (u64)*hi << 32;
}

/* rng */
static inline u64 bn_rng_next(struct bn_rng *r)
{
	u64 x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline u32 bn_rng_range(struct bn_rng *r, u32 min, u32 max)
{
	u32 span = max - min + 1;

	return min + (u32)(((bn_rng_next(r) >> 32) * span) >> 32);
}

void bn_rng_seed(struct bn_rng *r, u64 seed, u64 stream);

/* mem.c */
/*
 * The host bytes of [addr, addr + len) for an access by @t (NULL: the
 * host) that must target @tgt (-1: any), when they are there, contiguous
 * and already backed; NULL sends the caller down the checked path
 * (bn_mem_copy, bn_mem_ptr), which backs EMEM on first touch or explains
 * the failure.
 */
static inline __attribute__((always_inline)) u8 *bn_mem_fast(struct bn_fpc *f,
							      const struct bn_thr *t, int tgt,
							      u32 addr, u32 len)
{
	const struct bn_sim *sim = f->sim;
	u64 off, lo, hi;
	u8 *c;

	if (addr >= BN_ADDR_EMEM) {
		off = addr - BN_ADDR_EMEM;
		if ((tgt >= 0 && tgt != BN_TGT_EMEM) || off + len > sim->p.emem_size ||
		    (off & (BN_EMEM_CHUNK - 1)) + len > BN_EMEM_CHUNK)
			return NULL;
		c = __atomic_load_n(&sim->emem[off >> BN_EMEM_CHUNK_SHIFT], __ATOMIC_ACQUIRE);
		return c ? c + (off & (BN_EMEM_CHUNK - 1)) : NULL;
	}
	if (addr >= BN_ADDR_IMEM) {
		off = addr - BN_ADDR_IMEM;
		if ((tgt >= 0 && tgt != BN_TGT_IMEM) || off + len > sim->p.imem_size)
			return NULL;
		return sim->imem + off;
	}
	if (addr >= BN_ADDR_CTM) {
		off = addr - BN_ADDR_CTM;
		if ((tgt >= 0 && tgt != BN_TGT_CTM) || off + len > sim->p.ctm_size)
			return NULL;
		return f->isl->ctm + off;
	}
	if (addr >= BN_ADDR_CLS) {
		off = addr - BN_ADDR_CLS;
		if ((tgt >= 0 && tgt != BN_TGT_CLS) || off + len > sim->p.cls_size)
			return NULL;
		return f->isl->cls + off;
	}
	if (addr < BN_ADDR_LM || (tgt >= 0 && tgt != BN_TGT_LM))
		return NULL;
	off = addr - BN_ADDR_LM;
	lo = t ? t->lm_base : 0;
	hi = t ? lo + sim->win : sim->p.lm_size;
	return off >= lo && off + len <= hi ? f->lm + off : NULL;
}

int bn_mem_init(struct bn_sim *sim, char *err, size_t errlen);
void bn_mem_fini(struct bn_sim *sim);
int bn_mem_copy(struct bn_fpc *f, struct bn_thr *t, int tgt, u32 addr, void *buf,
		u32 len, bool write, const char *what);
u8 *bn_mem_ptr(struct bn_fpc *f, struct bn_thr *t, int tgt, u32 addr, u32 len,
	       const char *what);
int bn_emem_alloc(struct bn_sim *sim, u64 len, u64 *off);
void bn_emem_map(struct bn_sim *sim, u64 off, u64 len, u8 *host);
void bn_emem_unmap(struct bn_sim *sim, u64 off, u64 len);

/* maps.c */
void bn_maps_fini(struct bn_sim *sim);

/* The map with device id @id, or NULL. */
static inline struct bn_map *bn_map_get(struct bn_sim *sim, u32 id)
{
	return id && id <= BN_SIM_MAX_MAPS ? sim->maps[id] : NULL;
}

bool bn_key_eq(const u8 *a, const u8 *b, u32 n);
int bn_map_lookup_ptr(struct bn_map *m, const void *key, void **value);
int bn_map_update_elem(struct bn_map *m, const void *key, const void *value, u64 flags);
int bn_map_delete_elem(struct bn_map *m, const void *key);

/* The device address of a value @m holds. */
static inline u32 bn_map_value_addr(const struct bn_map *m, const void *value)
{
	return BN_ADDR_EMEM + (u32)(m->emem_off + ((const u8 *)value - m->mem));
}

/* loader.c */
/* The code index of code-store address @pc: the image, then the helper stubs. */
static inline bool bn_pc_to_index(const struct bn_prog *p, u32 pc, u32 *idx)
{
	if (pc >= BN_LOAD_BASE && pc - BN_LOAD_BASE < p->len) {
		*idx = pc - BN_LOAD_BASE;
		return true;
	}
	if (pc >= BN_FW_REGION && pc - BN_FW_REGION < 2 * BN_NUM_HELPERS) {
		*idx = p->len + 1 + pc - BN_FW_REGION;
		return true;
	}
	return false;
}
u32 bn_index_to_pc(const struct bn_prog *p, u32 idx);
int bn_stubs_build(struct bn_sim *sim, char *err, size_t errlen);

/* exec.c, csr.c, helpers.c */
int bn_exec(struct bn_fpc *f, struct bn_thr *t);	/* the interpreter (traced if a trace is set) */
s32 bn_exec_handler(u16 x);
void bn_retire_due(struct bn_thr *t, u64 now);

/* Complete every command due by @now: clear pending words, raise signals. */
static inline void bn_retire(struct bn_thr *t, u64 now)
{
	if (t->next_done <= now)
		bn_retire_due(t, now);
}
int bn_mem_cmd(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 a, u32 b);
int bn_mem_rd(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr);
int bn_mem_wr(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr);
int bn_mem_add(struct bn_fpc *f, struct bn_thr *t, const struct bn_dinsn *in, u32 addr);
int bn_ctx_wait(struct bn_fpc *f, struct bn_thr *t, u8 mask);
int bn_csr_read(struct bn_fpc *f, struct bn_thr *t, u32 csr, u32 *v);

/* The CSR reads that need no clock and cannot fault, for the interpreter. */
static inline bool bn_csr_read_fast(const struct bn_thr *t, u32 csr, u32 *v)
{
	if (csr - BN_CSR_CTX_BASE < BN_CSR_CTX_WORDS) {
		*v = t->ctx[csr - BN_CSR_CTX_BASE];
		return true;
	}
	if (csr == BN_CSR_LM_FP_ADDR) {
		*v = BN_ADDR_LM + t->lm_base + t->lm_fp;
		return true;
	}
	return false;
}
int bn_csr_write(struct bn_fpc *f, struct bn_thr *t, u32 csr, u32 v);
int bn_fw_call(struct bn_fpc *f, struct bn_thr *t, u32 fwid);
#define BN_FW_ARRAY_LOOKUP	3	/* cycles of an array map lookup (no memory access) */
u64 bn_clock_ns(struct bn_fpc *f);

/* native.c: translate @p's straight runs (unless sim->p.interpret), free them */
int bn_native_build(struct bn_prog *p);
void bn_native_free(struct bn_prog *p);

/*
 * Run translated blocks from @fn (native.c says how they run) for thread
 * @t of @f: the index to go on from in the low 32 bits, a stop status in
 * the high ones (0: go on there; BN_STEP_SLEEP: the thread sleeps, the
 * instruction before ran; BN_STEP_STALL, BN_STEP_FAULT: the memory command
 * or helper there did not run; BN_NATIVE_DONE: `done` there ran); the
 * cycles since f->now was last brought up to date in *@cycles (the host
 * code adds its cycles to f->now before it calls the simulator);
 * *@budget less their instructions, *@lmroom what is left of the lm room.
 * The asm names every register the host code and the functions it calls
 * may change (it keeps rdi, rsi, r9..r11 across those calls), so the
 * interpreter keeps its state in the others; the call skips the red zone
 * and enters the host code with the stack as a function call would
 * (16-byte aligned before the call), so the host code knows its alignment
 * when it calls the simulator.  BN_NATIVE_INTERP: the interpreter runs
 * the instruction there itself (an rtn the host code does not follow).
 */
#define BN_NATIVE_DONE		4
#define BN_NATIVE_INTERP	5

static inline __attribute__((always_inline)) u64 bn_native_run(const u8 *fn, struct bn_fpc *f,
							       struct bn_thr *t, u8 *lm,
							       u32 *lmroom, u64 *cycles,
							       u32 *budget)
{
#if defined(__x86_64__)
	register u64 c asm("r8") = 0;
	register u64 b asm("r9") = *budget;
	register u64 room asm("r10") = *lmroom;
	register struct bn_fpc *fr asm("r11") = f;
	u64 rv;

	asm volatile("lea -128(%%rsp), %%rsp\n\tpush %%rbp\n\tmov %%rsp, %%rbp\n\t"
		     "and $-16, %%rsp\n\tcall *%[fn]\n\tmov %%rbp, %%rsp\n\tpop %%rbp\n\t"
		     "lea 128(%%rsp), %%rsp"
		     : "=a"(rv), "+r"(c), "+r"(b), "+r"(room)
		     : [fn] "r"(fn), "D"(t), "S"(lm), "r"(fr)
		     : "rcx", "rdx", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
		       "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		       "xmm13", "xmm14", "xmm15");
	*cycles = c;
	*budget = (u32)b;
	*lmroom = (u32)room;
	return rv;
#else
	__builtin_unreachable();	/* no blocks are built */
#endif
}

#define BN_RUN_INTERP	(BN_RUN_FAULT + 2)	/* (+ 1 is exec.c's BN_RUN_CAREFUL) */

/*
 * A thread that goes on at the entry of a translated block, outside any
 * defer slot, runs the host code straight from the scheduler, through the
 * block's chained entry, which checks the budget and lm room (what
 * exec_fast's l_native would do, without exec_fast's entry and exit, and
 * without a trace: the caller checks).  BN_RUN_INTERP: it stopped, or did
 * not start, where the interpreter goes on (bn_exec()).
 */
static inline int bn_exec_native(struct bn_fpc *f, struct bn_thr *t)
{
	const struct bn_prog *p = f->prog;
	u32 room, budget = t->budget;
	u64 c, rv, fn;

	/* the chained entry (bn_prog.nat_tab): the host code checks budget and room */
	if (unlikely(!p->nat_tab) || !(fn = p->nat_tab[t->pc]) || t->defer_left)
		return BN_RUN_INTERP;
	room = t->xin_pending ? 0 : (f->sim->win - t->lm_fp) / 4;
	rv = bn_native_run((const u8 *)(uintptr_t)fn, f, t, f->lm + t->lm_base + t->lm_fp, &room,
			   &c, &budget);
	f->now += c;
	t->pc = (u32)rv;
	t->budget = budget;
	if (likely(rv >> 32 == BN_STEP_SLEEP))
		return BN_RUN_SLEEP;
	if (rv >> 32 == BN_NATIVE_DONE)
		return BN_RUN_DONE;
	if (!(rv >> 32) || rv >> 32 == BN_NATIVE_INTERP)
		return BN_RUN_INTERP;
	if (rv >> 32 == BN_STEP_STALL) {
		t->budget++;	/* it will issue again */
		return BN_RUN_SLEEP;
	}
	t->fault_pc = bn_index_to_pc(p, t->pc);
	return BN_RUN_FAULT;
}

/* pkt.c */
int bn_pkt_start(struct bn_batch *b, struct bn_fpc *f, struct bn_thr *t, u32 idx);
void bn_pkt_finish(struct bn_batch *b, struct bn_fpc *f, struct bn_thr *t, int rc);

/* sched.c, pool.c */
void bn_thr_reset_regs(struct bn_thr *t, const struct bn_prog *p);
void bn_run_group(struct bn_batch *b, u32 g, u32 ng);
struct bn_pool;
void bn_pool_run(struct bn_sim *sim, struct bn_batch *b, u32 ng);
void bn_pool_destroy(struct bn_pool *pool);

#endif /* BPFNIC_NICSIM_INT_H */
