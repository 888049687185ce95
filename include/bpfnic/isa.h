/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpfnic flow-processor ISA: instruction fields, operand encodings,
 * condition codes, memory targets, CSRs and the firmware ABI.
 *
 * This header is part of the host<->device contract: the JIT (firmware-jit/)
 * produces words in this format and the NIC (nfp-sim/) executes them.  The
 * instructions themselves are listed once, in isa.def.  Prose: ISA.md.
 *
 * Field masks are shifted masks; use them only through FIELD_PREP/FIELD_GET.
 */
#ifndef BPFNIC_ISA_H
#define BPFNIC_ISA_H

#include <linux/types.h>

/* ---- instruction word: 64 bits ------------------------------------------ */
#define BN_F_OPC	0xff00000000000000ULL	/* [63:56] opcode (isa.def)  */
#define BN_F_DST	0x00ffc00000000000ULL	/* [55:46] destination operand */
#define BN_F_SRCA	0x00003ff000000000ULL	/* [45:36] A-port operand      */
#define BN_F_SRCB	0x0000000ffc000000ULL	/* [35:26] B-port operand      */
/* format-specific fields live in [25:0] */
#define BN_F_SHC	0x0000000003800000ULL	/* [25:23] ALU/LDF shift kind  */
#define BN_F_SHAMT	0x00000000007c0000ULL	/* [22:18] ALU/LDF shift amount */
#define BN_F_MASK	0x000000000003c000ULL	/* [17:14] LDF byte mask       */
#define BN_F_ZF		0x0000000000002000ULL	/* [13]    LDF zero-fill       */
#define BN_F_IMM16	0x0000000003fffc00ULL	/* [25:10] IMMED value         */
#define BN_F_BSH	0x0000000000000300ULL	/* [9:8]   IMMED byte shift    */
#define BN_F_INV	0x0000000000000080ULL	/* [7]     IMMED invert        */
#define BN_F_COND	0x0000000003c00000ULL	/* [25:22] branch condition    */
#define BN_F_DEFER	0x0000000000300000ULL	/* [21:20] defer slots (0..2)  */
#define BN_F_TARGET	0x0000000000003fffULL	/* [13:0]  branch target       */
#define BN_F_TGT	0x0000000003800000ULL	/* [25:23] MEM target          */
#define BN_F_XFER	0x00000000007c0000ULL	/* [22:18] MEM first xfer reg  */
#define BN_F_LEN	0x000000000003f800ULL	/* [17:11] MEM length - 1      */
#define BN_F_SIG	0x0000000000000700ULL	/* [10:8]  MEM completion signal */
#define BN_F_SWAP	0x0000000000000080ULL	/* [7]     MEM: sleep until done */
#define BN_F_CSR	0x0000000003fc0000ULL	/* [25:18] CSR number          */
#define BN_F_SIGMASK	0x0000000003fc0000ULL	/* [25:18] WAIT signal mask    */
#define BN_F_FWID	0x0000000003fc0000ULL	/* [25:18] firmware routine id */

/* Formats: which fields an instruction uses (see ISA.md for each). */
enum bn_fmt {
	BN_FMT_NONE,	/* no operands                               */
	BN_FMT_ALU,	/* DST SRCA SRCB SHC SHAMT                   */
	BN_FMT_IMMED,	/* DST IMM16 BSH INV                         */
	BN_FMT_LDF,	/* DST SRCB SHC SHAMT MASK ZF                */
	BN_FMT_BR,	/* COND DEFER TARGET                         */
	BN_FMT_BRCMP,	/* SRCA SRCB COND DEFER TARGET               */
	BN_FMT_CALL,	/* DST DEFER TARGET                          */
	BN_FMT_RTN,	/* SRCA DEFER                                */
	BN_FMT_DONE,	/* SRCA                                      */
	BN_FMT_MEM,	/* SRCA SRCB TGT XFER LEN SIG SWAP           */
	BN_FMT_WAIT,	/* SIGMASK                                   */
	BN_FMT_CSR,	/* csr_rd: DST CSR; csr_wr: SRCB CSR         */
	BN_FMT_FW,	/* FWID                                      */
	BN_FMT__COUNT
};

/* Instruction flags (isa.def column 5). */
#define BN_IF_SETCC	0x01	/* writes the condition flags            */
#define BN_IF_CHAINZ	0x02	/* Z = Z_prev && result == 0             */
#define BN_IF_BRANCH	0x04	/* may change pc, has DEFER slots         */
#define BN_IF_MEM	0x08	/* memory command                         */
#define BN_IF_READS_DST	0x10	/* reads D before writing it (merge)      */
#define BN_IF_PAIR	0x20	/* operates on GPR pairs                  */
#define BN_IF_END	0x40	/* ends the packet                        */
#define BN_IF_FWONLY	0x80	/* valid only in the firmware code region */

/* Latency classes (isa.def column 4) and their cost in FPC cycles. */
enum bn_lat {
	BN_LAT_ALU,	/* 1 cycle                                             */
	BN_LAT_MUL,	/* 3 cycles                                            */
	BN_LAT_DIV32,	/* 20 cycles                                           */
	BN_LAT_DIV64,	/* 40 cycles                                           */
	BN_LAT_BR,	/* 1 cycle; taken: + BN_BR_TAKEN_PENALTY - DEFER      */
	BN_LAT_MEM,	/* 1 cycle issue; completes after the target's latency */
	BN_LAT_FW,	/* the firmware routine's own cost                    */
	BN_LAT__COUNT
};
#define BN_LAT_CYCLES_INIT { 1, 3, 20, 40, 1, 1, 0 }
#define BN_BR_TAKEN_PENALTY	2	/* pipeline refill; each defer slot hides one */
#define BN_CTX_SWAP_CYCLES	1	/* cost of switching to another thread */
#define BN_MAX_DEFER		2

/* ---- operands: 10-bit fields DST, SRCA, SRCB ----------------------------- */
#define BN_OPND_A_BASE		0x000	/* GPR bank A 0..31 (A port, DST)     */
#define BN_OPND_B_BASE		0x020	/* GPR bank B 0..31 (B port, DST)     */
#define BN_OPND_XFER_BASE	0x040	/* B port: xfer-in 0..31; DST: xfer-out */
#define BN_OPND_LM_BASE		0x080	/* LM word 0..127 at LM_FP (A port, DST) */
#define BN_OPND_IMM_BASE	0x100	/* 8-bit immediate 0..255 (B port)    */
#define BN_OPND_BOTH_BASE	0x200	/* GPR n in both banks (DST only)     */
#define BN_OPND_NONE		0x3ff	/* reads as 0; as DST discards        */

#define BN_NUM_GPR		32	/* per bank, per thread (4-thread mode) */
#define BN_NUM_XFER		32	/* in and out, per thread              */
#define BN_NUM_LM_WORDS		128	/* addressable words from LM_FP        */
#define BN_IMM8_MAX		0xff

#define BN_OPND_A(n)		(BN_OPND_A_BASE + (n))
#define BN_OPND_B(n)		(BN_OPND_B_BASE + (n))
#define BN_OPND_XFER(n)		(BN_OPND_XFER_BASE + (n))
#define BN_OPND_LM(n)		(BN_OPND_LM_BASE + (n))
#define BN_OPND_IMM(v)		(BN_OPND_IMM_BASE + (v))
#define BN_OPND_BOTH(n)		(BN_OPND_BOTH_BASE + (n))

/* Shifter kinds (SHC). */
enum bn_shc {
	BN_SHC_NONE = 0,
	BN_SHC_LSL = 1,
	BN_SHC_LSR = 2,
	BN_SHC_ASR = 3,
	BN_SHC_ROR = 4,
};

/* Branch conditions (COND). */
enum bn_cond {
	BN_COND_EQ = 0,		/* Z                          */
	BN_COND_NE = 1,		/* !Z                         */
	BN_COND_HS = 2,		/* C        unsigned >=       */
	BN_COND_LO = 3,		/* !C       unsigned <        */
	BN_COND_HI = 4,		/* C && !Z  unsigned >        */
	BN_COND_LS = 5,		/* !C || Z  unsigned <=       */
	BN_COND_GE = 6,		/* N == V   signed >=         */
	BN_COND_LT = 7,		/* N != V   signed <          */
	BN_COND_GT = 8,		/* !Z && N == V               */
	BN_COND_LE = 9,		/* Z || N != V                */
	BN_COND_MI = 10,	/* N                          */
	BN_COND_PL = 11,	/* !N                         */
	BN_COND_SET = 12,	/* !Z; br_cmp* use A & B      */
	BN_COND_CLR = 13,	/* Z;  br_cmp* use A & B      */
	BN_COND_AL = 14,	/* always                     */
};

/* Memory targets (TGT) and the device address map (32-bit addresses). */
enum bn_tgt {
	BN_TGT_LM = 0,		/* local memory of the executing FPC   */
	BN_TGT_CLS = 1,		/* cluster local scratch of the island */
	BN_TGT_CTM = 2,		/* cluster target memory: packets      */
	BN_TGT_IMEM = 3,	/* internal memory                     */
	BN_TGT_EMEM = 4,	/* external memory: maps               */
};
#define BN_ADDR_LM	0x01000000u	/* + FPC-local offset (4 KB)      */
#define BN_ADDR_CLS	0x02000000u	/* + island-local offset (64 KB)  */
#define BN_ADDR_CTM	0x04000000u	/* + island-local offset (256 KB) */
#define BN_ADDR_IMEM	0x10000000u	/* + offset (4 MB)                */
#define BN_ADDR_EMEM	0x80000000u	/* + offset (up to 2 GB)          */
#define BN_ADDR_CTX	0x00000100u	/* what eBPF R1 (ctx) holds         */
#define BN_MEM_MAX_LEN	128		/* bytes in one command             */

/* ---- CSRs ---------------------------------------------------------------- */
#define BN_CSR_THREAD		0x00	/* ro: thread number in the FPC       */
#define BN_CSR_FPC		0x01	/* ro: FPC number in the island       */
#define BN_CSR_ISLAND		0x02	/* ro: island number                  */
#define BN_CSR_LM_FP		0x03	/* rw: byte offset of lm[0] in the thread's stack window */
#define BN_CSR_LM_FP_ADDR	0x04	/* ro: device address of lm[0]        */
#define BN_CSR_TS_LO		0x05	/* ro: device clock ns, low; latches TS_HI */
#define BN_CSR_TS_HI		0x06	/* ro: device clock ns, high (latched)   */
#define BN_CSR_PRNG		0x07	/* ro: next pseudo-random word          */
#define BN_CSR_CTX_BASE		0x40	/* 0x40..0x7f: 32-bit context words:   */
#define BN_CSR_CTX_WORDS	64	/*   CSR 0x40 + off/4 = ctx word at off */
#define BN_CSR_CTX(off)		(BN_CSR_CTX_BASE + (off) / 4)

/* ---- firmware ABI ------------------------------------------------------------
 * Program images are loaded at a code-store base (relocated, image.h).  The
 * firmware's own routines live in a region above BN_FW_REGION; a helper is
 * reached with `call` (link register BN_ABI_LINK) and returns with `rtn`.
 * eBPF register n maps to GPR 2n (low word) and 2n+1 (high word), written to
 * both banks; helpers take R1..R5 and return R0 in those GPRs.
 */
#define BN_CODE_STORE_DEFAULT	8192	/* instructions per FPC           */
#define BN_FW_REGION		0x3000	/* firmware routines from here      */
#define BN_ABI_GPR_LO(r)	(2 * (r))
#define BN_ABI_GPR_HI(r)	(2 * (r) + 1)
#define BN_ABI_LINK		28	/* GPR (both banks) holding the return pc */
#define BN_STACK_PER_THREAD	512	/* minimum LM stack window per thread; the
					 * window is lm_size / threads (1 KiB at 4) */
#define BN_LOAD_BASE		0x40	/* code-store address images load at */
#define BN_XDP_HEADROOM		256	/* bytes before the packet in its CTM frame */
#define BN_PKT_FRAME		4096	/* CTM frame per thread (shrinks to fit) */

/* Firmware routine ids (FWID): eBPF helper ids, as the kernel numbers them. */
#define BN_FW_MAP_LOOKUP	1	/* BPF_FUNC_map_lookup_elem   */
#define BN_FW_MAP_UPDATE	2	/* BPF_FUNC_map_update_elem   */
#define BN_FW_MAP_DELETE	3	/* BPF_FUNC_map_delete_elem   */
#define BN_FW_KTIME		5	/* BPF_FUNC_ktime_get_ns      */
#define BN_FW_PRANDOM		7	/* BPF_FUNC_get_prandom_u32   */
#define BN_FW_PERF_OUTPUT	25	/* BPF_FUNC_perf_event_output */
#define BN_FW_ADJUST_HEAD	44	/* BPF_FUNC_xdp_adjust_head   */
#define BN_FW_ADJUST_TAIL	65	/* BPF_FUNC_xdp_adjust_tail   */
/* perf_event_output: data + appended packet bytes of one event (fits one
 * control message); larger events return -E2BIG to the program. */
#define BN_FW_EVENT_MAX		2048

/* Opcodes, generated from the table. */
enum bn_op {
#define BN_INSN(name, opc, fmt, lat, flags, doc) BN_OP_##name = (opc),
#include "isa.def"
#undef BN_INSN
};

#endif /* BPFNIC_ISA_H */
