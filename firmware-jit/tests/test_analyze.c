// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Unit tests for bn_analyze(): small programs, assertions on meta fields,
 * subprogram info and exact rejection texts.  Prints one line per failure
 * and ends with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

/* ---- instruction macros, as in the kernel's include/linux/filter.h ------- */

/* plain braces (not compound literals) so the tables stay static */
#define BPF_RAW_INSN(CODE, DST, SRC, OFF, IMM)				\
	{ .code = CODE, .dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = IMM }
#define BPF_ALU64_REG(OP, DST, SRC)					\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU32_REG(OP, DST, SRC)					\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU64_IMM(OP, DST, IMM)					\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_ALU32_IMM(OP, DST, IMM)					\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_MOV64_REG(DST, SRC)	BPF_ALU64_REG(BPF_MOV, DST, SRC)
#define BPF_MOV32_REG(DST, SRC)	BPF_ALU32_REG(BPF_MOV, DST, SRC)
#define BPF_MOV64_IMM(DST, IMM)	BPF_ALU64_IMM(BPF_MOV, DST, IMM)
#define BPF_MOV32_IMM(DST, IMM)	BPF_ALU32_IMM(BPF_MOV, DST, IMM)
#define BPF_ENDIAN(TYPE, DST, LEN)					\
	BPF_RAW_INSN(BPF_ALU | BPF_END | (TYPE), DST, 0, 0, LEN)
/* a list of instructions as one macro argument or expansion */
#define INSNS(...)	__VA_ARGS__
#define BPF_LD_IMM64_RAW(DST, SRC, IMM)					\
	INSNS(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, 0,	\
			   (__u32)(IMM)),				\
	      BPF_RAW_INSN(0, 0, 0, 0, (__u64)(IMM) >> 32))
#define BPF_LD_IMM64(DST, IMM)	BPF_LD_IMM64_RAW(DST, 0, IMM)
#define BPF_LD_MAP_IDX(DST, IDX) BPF_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_IDX, IDX)
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_STX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_ST_MEM(SIZE, DST, OFF, IMM)					\
	BPF_RAW_INSN(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, DST, SRC, OFF, OP)
#define BPF_JMP_REG(OP, DST, SRC, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP_IMM(OP, DST, IMM, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP32_REG(OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP32_IMM(OP, DST, IMM, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP_A(OFF)	BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)
#define BPF_EMIT_CALL(FUNC)						\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, FUNC)
#define BPF_CALL_REL(IMM)						\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, IMM)
#define BPF_EXIT_INSN()	BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define R6 BPF_REG_6
#define R7 BPF_REG_7
#define R8 BPF_REG_8
#define R9 BPF_REG_9
#define R10 BPF_REG_10

#define U32M 0xffffffffULL
#define U64M (~0ULL)

/* ---- expectations -------------------------------------------------------- */

enum {
	E_END,
	E_DTYPE, E_STYPE, E_A2TYPE,	/* .type of dst/src/arg2 */
	E_DCONST, E_SCONST, E_A2CONST,	/* CONST set and value == val */
	E_DVAR,				/* dst scalar, not CONST */
	E_DHI0, E_DHI,			/* dst HI_ZERO set / clear */
	E_DUMAX, E_SUMAX,		/* umax == val */
	E_DOFF, E_SOFF, E_A2OFF,	/* OFF_CONST set and off == (s32)val */
	E_DVOFF, E_SVOFF, E_A2VOFF,	/* OFF_CONST clear */
	E_DMAP, E_SMAP,			/* map_index of dst/src */
	E_MAPIDX,			/* meta.map_index */
	E_SET, E_CLR,			/* flags & val: == val / == 0 */
	E_SUB,				/* meta.subprog */
	E_NSUB,				/* *nsubprogs (insn ignored) */
	E_SSTART, E_SDEPTH,		/* subprogs[insn].start / depth */
};

struct expect {
	int kind;
	unsigned int insn;
	unsigned long long val;
};

#define X(k, i, v)	{ E_##k, i, (unsigned long long)(v) }

struct tcase {
	const char *name;
	unsigned int prog_type;
	const struct bpf_insn *insns;
	unsigned int len;
	const struct bn_image_map *maps;
	unsigned int nmaps;
	unsigned int max_subprogs;	/* 0: 16 */
	int err;			/* expected return */
	const char *msg;		/* exact log, NULL: no log */
	struct expect x[24];
};

#define PROG(...)							\
	.insns = (const struct bpf_insn[]){ __VA_ARGS__ },		\
	.len = sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) /	\
	       sizeof(struct bpf_insn)

static const struct bn_image_map maps_ok[] = {
	{ .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
	  .max_entries = 16, .name = "hash" },
	{ .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 16,
	  .max_entries = 4, .name = "array" },
	{ .type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4, .value_size = 4,
	  .max_entries = 4, .name = "progs" },
	{ .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY, .key_size = 4, .value_size = 4,
	  .name = "events" },
};

#define MAPS	.maps = maps_ok, .nmaps = 4

#define XDP	.prog_type = BN_PROG_XDP
#define TC	.prog_type = BN_PROG_TC

#define META_ZEXT	BN_META_ZEXT
#define META_HI		BN_META_HI_UNUSED
#define META_DEAD	BN_META_DEAD
#define META_JD		BN_META_JMP_DST
#define META_SUB	BN_META_SUBPROG

/* key at fp-8 = 0, then r0 = lookup(map IDX, &key): 6 insns */
#define LOOKUP(IDX)							\
	INSNS(BPF_ST_MEM(BPF_W, R10, -8, 0),				\
	      BPF_MOV64_REG(R2, R10),					\
	      BPF_ALU64_IMM(BPF_ADD, R2, -8),				\
	      BPF_LD_MAP_IDX(R1, IDX),					\
	      BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem))

static const struct tcase cases[] = {
/* ---- basics, context, constants ------------------------------------------ */
{
	"exit constant", XDP,
	PROG(BPF_MOV64_IMM(R0, XDP_PASS),
	     BPF_EXIT_INSN()),
	.x = { X(DCONST, 1, 2), X(DHI0, 1, 1), X(DTYPE, 0, BN_REG_UNKNOWN),
	       X(NSUB, 0, 1), X(SSTART, 0, 0), X(SDEPTH, 0, 0),
	       X(CLR, 0, META_DEAD | META_JD) },
},
{
	"r1 is ctx, r10 is the frame", XDP,
	PROG(BPF_MOV64_REG(R6, R1),
	     BPF_MOV64_REG(R2, R10),
	     BPF_MOV64_IMM(R0, 1),
	     BPF_EXIT_INSN()),
	.x = { X(STYPE, 0, BN_REG_CTX), X(SOFF, 0, 0),
	       X(STYPE, 1, BN_REG_STACK), X(SOFF, 1, 0) },
},
{
	"xdp data, data_end, data_meta", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 0),
	     BPF_LDX_MEM(BPF_W, R3, R1, 4),
	     BPF_LDX_MEM(BPF_W, R4, R1, 8),
	     BPF_LDX_MEM(BPF_W, R5, R1, 12),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_MOV64_REG(R0, R4),
	     BPF_MOV64_REG(R0, R5),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(STYPE, 0, BN_REG_CTX),
	       X(STYPE, 4, BN_REG_PACKET), X(SOFF, 4, 0),
	       X(STYPE, 5, BN_REG_PACKET_END),
	       X(STYPE, 6, BN_REG_PACKET), X(SVOFF, 6, 0),
	       X(STYPE, 7, BN_REG_SCALAR), X(SUMAX, 7, U32M) },
},
{
	"tc data and data_end", TC,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 76),
	     BPF_LDX_MEM(BPF_W, R3, R1, 80),
	     BPF_LDX_MEM(BPF_W, R4, R1, 0),
	     BPF_JMP_REG(BPF_JGT, R2, R3, 0),
	     BPF_MOV64_IMM(R0, 0),
	     BPF_EXIT_INSN()),
	.x = { X(DTYPE, 3, BN_REG_PACKET), X(STYPE, 3, BN_REG_PACKET_END),
	       X(CLR, 3, META_HI), X(CLR, 2, META_ZEXT) },
},
{
	"constant folding", XDP,
	PROG(BPF_MOV64_IMM(R1, 5),
	     BPF_ALU64_IMM(BPF_ADD, R1, 3),
	     BPF_ALU64_IMM(BPF_MUL, R1, 2),
	     BPF_ALU64_IMM(BPF_LSH, R1, 40),
	     BPF_ALU64_IMM(BPF_RSH, R1, 36),
	     BPF_MOV64_IMM(R2, -1),
	     BPF_MOV32_IMM(R3, -1),
	     BPF_MOV64_REG(R0, R1),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_EXIT_INSN()),
	.x = { X(DCONST, 2, 8), X(DCONST, 3, 16), X(DCONST, 4, 16ULL << 40),
	       X(SCONST, 7, 256), X(SCONST, 8, U64M), X(SCONST, 9, U32M),
	       X(DHI, 4, 0) },
},
{
	"ld_imm64 constant and map pointer", XDP, MAPS,
	PROG(BPF_LD_IMM64(R2, 0x123456789abcdefULL),
	     BPF_LD_MAP_IDX(R3, 1),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SCONST, 4, 0x123456789abcdefULL), X(DHI, 4, 0),
	       X(STYPE, 5, BN_REG_MAP_PTR), X(SMAP, 5, 1),
	       X(MAPIDX, 2, 1), X(CLR, 1, META_DEAD) },
},
/* ---- 32-bit subregister facts -------------------------------------------- */
{
	"alu32 and narrow loads clear the upper half", XDP,
	PROG(BPF_LDX_MEM(BPF_DW, R2, R1, 16),
	     BPF_LDX_MEM(BPF_B, R3, R1, 16),
	     BPF_LDX_MEM(BPF_H, R4, R1, 16),
	     BPF_MOV64_REG(R5, R2),
	     BPF_ALU32_IMM(BPF_ADD, R5, 1),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_MOV64_REG(R0, R4),
	     BPF_MOV64_REG(R0, R5),
	     BPF_MOV32_REG(R6, R2),
	     BPF_MOV64_REG(R0, R6),
	     BPF_EXIT_INSN()),
	.x = { X(SUMAX, 5, U64M), X(SUMAX, 6, 0xff), X(SUMAX, 7, 0xffff),
	       X(STYPE, 8, BN_REG_SCALAR), X(SUMAX, 8, U32M),
	       X(SUMAX, 10, U32M), X(SET, 4, META_ZEXT) },
},
{
	"and mask, rsh 32, lsh", XDP,
	PROG(BPF_LDX_MEM(BPF_DW, R2, R1, 16),
	     BPF_MOV64_REG(R3, R2),
	     BPF_ALU64_IMM(BPF_AND, R3, 0xfff),
	     BPF_MOV64_REG(R4, R2),
	     BPF_ALU64_IMM(BPF_RSH, R4, 32),
	     BPF_MOV64_REG(R5, R3),
	     BPF_ALU64_IMM(BPF_LSH, R5, 24),
	     BPF_ALU64_IMM(BPF_LSH, R5, 8),
	     BPF_MOV64_REG(R0, R5),
	     BPF_MOV64_REG(R0, R4),
	     BPF_EXIT_INSN()),
	.x = { X(SUMAX, 5, 0xfff), X(DUMAX, 7, 0xfffULL << 24),
	       X(DHI, 7, 0), X(SUMAX, 8, 0xfffULL << 32),
	       X(SUMAX, 9, U32M), X(DHI, 4, 0), X(DUMAX, 4, U64M) },
},
{
	"endian conversions", XDP,
	PROG(BPF_MOV64_IMM(R2, 0x1234),
	     BPF_ENDIAN(BPF_TO_BE, R2, 16),
	     BPF_LDX_MEM(BPF_DW, R3, R1, 16),
	     BPF_ENDIAN(BPF_TO_LE, R3, 32),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_EXIT_INSN()),
	.x = { X(SCONST, 4, 0x3412), X(SUMAX, 5, U32M),
	       X(SET, 1, META_ZEXT) },
},
/* ---- joins, branches, loops ---------------------------------------------- */
{
	"join of constants", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_MOV64_IMM(R0, 1),
	     BPF_JMP_IMM(BPF_JEQ, R2, 0, 1),
	     BPF_MOV64_IMM(R0, 6),
	     BPF_EXIT_INSN()),
	.x = { X(DVAR, 4, 0), X(DUMAX, 4, 6), X(DHI0, 4, 1),
	       X(SET, 4, META_JD), X(CLR, 3, META_JD) },
},
{
	"branch refines bounds", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_JMP_IMM(BPF_JGT, R2, 7, 2),
	     BPF_MOV64_REG(R3, R2),
	     BPF_JMP_A(1),
	     BPF_MOV64_REG(R4, R2),
	     BPF_JMP_IMM(BPF_JEQ, R2, 3, 1),
	     BPF_MOV64_REG(R5, R2),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SUMAX, 2, 7), X(SUMAX, 4, U32M),
	       X(SUMAX, 6, U32M), X(SVOFF, 6, 0) },
},
{
	"dead branch from a constant", XDP,
	PROG(BPF_MOV64_IMM(R2, 0),
	     BPF_JMP_IMM(BPF_JNE, R2, 0, 2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     BPF_MOV64_IMM(R0, 1),
	     BPF_EXIT_INSN()),
	.x = { X(SET, 4, META_DEAD | META_JD), X(SET, 5, META_DEAD),
	       X(CLR, 2, META_DEAD), X(DCONST, 3, 2) },
},
{
	"jmp32 on a constant", XDP,
	PROG(BPF_LD_IMM64(R2, 0x100000005ULL),
	     BPF_JMP32_IMM(BPF_JEQ, R2, 5, 2),
	     BPF_MOV64_IMM(R0, 1),
	     BPF_EXIT_INSN(),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SET, 3, META_DEAD), X(SET, 4, META_DEAD),
	       X(CLR, 5, META_DEAD), X(DCONST, 6, 2) },
},
{
	"bounded loop", XDP,
	PROG(BPF_MOV64_IMM(R2, 0),
	     BPF_ALU64_IMM(BPF_ADD, R2, 1),
	     BPF_JMP_IMM(BPF_JLT, R2, 10, -2),
	     BPF_MOV64_REG(R0, R2),
	     BPF_EXIT_INSN()),
	.x = { X(DVAR, 1, 0), X(DUMAX, 1, 15), X(DUMAX, 2, 16),
	       X(SUMAX, 3, 16), X(SET, 1, META_JD) },
},
{
	"unbounded loop terminates", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R3, R1, 16),
	     BPF_MOV64_IMM(R2, 0),
	     BPF_LDX_MEM(BPF_W, R4, R1, 0),
	     BPF_ALU64_IMM(BPF_ADD, R2, 1),
	     BPF_ALU64_IMM(BPF_ADD, R4, 1),
	     BPF_JMP_REG(BPF_JNE, R2, R3, -3),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R4),
	     BPF_EXIT_INSN()),
	.x = { X(DUMAX, 3, U64M), X(DTYPE, 4, BN_REG_PACKET),
	       X(DVOFF, 4, 0), X(STYPE, 7, BN_REG_PACKET) },
},
{
	"packet pointer arithmetic", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 0),
	     BPF_LDX_MEM(BPF_W, R3, R1, 4),
	     BPF_MOV64_REG(R4, R2),
	     BPF_ALU64_IMM(BPF_ADD, R4, 14),
	     BPF_JMP_REG(BPF_JGT, R4, R3, 5),
	     BPF_LDX_MEM(BPF_B, R5, R2, 12),
	     BPF_ALU64_IMM(BPF_AND, R5, 0xf),
	     BPF_ALU64_REG(BPF_ADD, R5, R2),
	     BPF_LDX_MEM(BPF_B, R0, R4, 0),
	     BPF_LDX_MEM(BPF_B, R0, R5, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(DOFF, 4, 14), X(STYPE, 4, BN_REG_PACKET_END),
	       X(SOFF, 8, 14), X(STYPE, 9, BN_REG_PACKET), X(SVOFF, 9, 0),
	       X(STYPE, 7, BN_REG_PACKET), X(DUMAX, 7, 15) },
},
/* ---- stack: spills and fills --------------------------------------------- */
{
	"spill and fill of pointers", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 0),
	     BPF_STX_MEM(BPF_DW, R10, R1, -8),
	     BPF_STX_MEM(BPF_DW, R10, R2, -16),
	     BPF_MOV64_IMM(R1, 0),
	     BPF_MOV64_IMM(R2, 0),
	     BPF_LDX_MEM(BPF_DW, R6, R10, -8),
	     BPF_LDX_MEM(BPF_DW, R7, R10, -16),
	     BPF_LDX_MEM(BPF_W, R0, R6, 0),
	     BPF_LDX_MEM(BPF_B, R0, R7, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(DOFF, 1, -0), X(DTYPE, 1, BN_REG_STACK),
	       X(STYPE, 7, BN_REG_CTX), X(STYPE, 8, BN_REG_PACKET),
	       X(SOFF, 8, 0), X(CLR, 5, META_HI), X(SDEPTH, 0, 16) },
},
{
	"spill and fill of scalars", XDP,
	PROG(BPF_MOV64_IMM(R2, 0x1234),
	     BPF_STX_MEM(BPF_DW, R10, R2, -8),
	     BPF_ST_MEM(BPF_DW, R10, -16, 7),
	     BPF_LDX_MEM(BPF_DW, R3, R10, -8),
	     BPF_LDX_MEM(BPF_B, R4, R10, -8),
	     BPF_LDX_MEM(BPF_DW, R5, R10, -16),
	     BPF_ST_MEM(BPF_B, R10, -16, 1),
	     BPF_LDX_MEM(BPF_DW, R6, R10, -16),
	     BPF_LDX_MEM(BPF_DW, R7, R10, -24),
	     BPF_MOV64_REG(R0, R3),
	     BPF_MOV64_REG(R0, R4),
	     BPF_MOV64_REG(R0, R5),
	     BPF_MOV64_REG(R0, R6),
	     BPF_MOV64_REG(R0, R7),
	     BPF_EXIT_INSN()),
	.x = { X(SCONST, 9, 0x1234), X(SCONST, 10, 0x34),
	       X(SCONST, 11, 7), X(SUMAX, 12, U64M),
	       X(STYPE, 12, BN_REG_SCALAR),
	       X(SUMAX, 13, U64M), X(SDEPTH, 0, 24) },
},
{
	"stack pointer offsets", XDP,
	PROG(BPF_MOV64_REG(R2, R10),
	     BPF_ALU64_IMM(BPF_ADD, R2, -32),
	     BPF_ST_MEM(BPF_DW, R2, 8, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(DTYPE, 2, BN_REG_STACK), X(DOFF, 2, -32),
	       X(SDEPTH, 0, 24) },
},
{
	"slot written on one path only", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_JMP_IMM(BPF_JNE, R2, 0, 1),
	     BPF_JMP_A(2),
	     BPF_MOV64_IMM(R3, 9),
	     BPF_STX_MEM(BPF_DW, R10, R3, -8),
	     BPF_STX_MEM(BPF_DW, R10, R1, -16),
	     BPF_LDX_MEM(BPF_DW, R4, R10, -8),
	     BPF_LDX_MEM(BPF_DW, R5, R10, -16),
	     BPF_MOV64_REG(R0, R4),
	     BPF_LDX_MEM(BPF_W, R0, R5, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(STYPE, 8, BN_REG_SCALAR), X(SUMAX, 8, U64M),
	       X(STYPE, 9, BN_REG_CTX), X(SDEPTH, 0, 16) },
},
{
	"signed compares and jne narrow", XDP,
	PROG(BPF_LDX_MEM(BPF_B, R2, R1, 16),
	     BPF_JMP_IMM(BPF_JSGT, R2, 9, 5),
	     BPF_MOV64_REG(R3, R2),
	     BPF_JMP_IMM(BPF_JNE, R3, 9, 1),
	     BPF_JMP_A(2),
	     BPF_MOV64_REG(R4, R3),
	     BPF_JMP32_IMM(BPF_JLT, R4, 3, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SUMAX, 2, 9), X(SUMAX, 5, 8), X(DUMAX, 6, 8) },
},
/* ---- map values and NULL checks ------------------------------------------ */
{
	"lookup and null check", XDP, MAPS,
	PROG(LOOKUP(1),
	     BPF_MOV64_REG(R6, R0),
	     BPF_JMP_IMM(BPF_JEQ, R0, 0, 3),
	     BPF_LDX_MEM(BPF_DW, R1, R0, 8),
	     BPF_LDX_MEM(BPF_DW, R1, R6, 0),
	     BPF_MOV64_REG(R0, R6),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(STYPE, 6, BN_REG_MAP_VALUE_OR_NULL), X(SMAP, 6, 1),
	       X(STYPE, 7, BN_REG_MAP_VALUE_OR_NULL),
	       X(STYPE, 8, BN_REG_MAP_VALUE), X(SMAP, 8, 1),
	       X(STYPE, 9, BN_REG_MAP_VALUE), X(SOFF, 9, 0),
	       X(A2TYPE, 5, BN_REG_STACK), X(A2OFF, 5, -8), X(SDEPTH, 0, 8),
	       X(DTYPE, 11, BN_REG_MAP_VALUE_OR_NULL), X(SET, 11, META_JD) },
},
{
	"null check with jne, spilled copy", XDP, MAPS,
	PROG(LOOKUP(0),
	     BPF_STX_MEM(BPF_DW, R10, R0, -16),
	     BPF_JMP_IMM(BPF_JNE, R0, 0, 2),
	     BPF_MOV64_REG(R1, R0),
	     BPF_JMP_A(2),
	     BPF_LDX_MEM(BPF_DW, R2, R10, -16),
	     BPF_LDX_MEM(BPF_W, R1, R2, 4),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SCONST, 8, 0), X(STYPE, 11, BN_REG_MAP_VALUE),
	       X(SMAP, 11, 0), X(SOFF, 11, 0) },
},
{
	"a lookup in a loop: an older copy is not checked", XDP, MAPS,
	PROG(BPF_MOV64_IMM(R8, 0),
	     LOOKUP(0),
	     BPF_JMP_IMM(BPF_JNE, R8, 0, 1),
	     BPF_MOV64_REG(R7, R0),
	     BPF_ALU64_IMM(BPF_ADD, R8, 1),
	     BPF_JMP_IMM(BPF_JLT, R8, 2, -10),
	     BPF_JMP_IMM(BPF_JEQ, R0, 0, 2),
	     BPF_LDX_MEM(BPF_W, R1, R7, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 12: unsupported pointer type in r7",
},
{
	"lookup result used without null check", XDP, MAPS,
	PROG(LOOKUP(0),
	     BPF_LDX_MEM(BPF_DW, R1, R0, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 6: unsupported pointer type in r0",
},
{
	"atomic add on a map value", XDP, MAPS,
	PROG(LOOKUP(1),
	     BPF_JMP_IMM(BPF_JEQ, R0, 0, 2),
	     BPF_MOV64_IMM(R1, 1),
	     BPF_ATOMIC_OP(BPF_DW, BPF_ADD, R0, R1, 8),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(DTYPE, 8, BN_REG_MAP_VALUE), X(SCONST, 8, 1),
	       X(CLR, 7, META_HI) },
},
{
	"helpers clobber r1-r5, keep r6-r9", XDP,
	PROG(BPF_MOV64_REG(R6, R1),
	     BPF_MOV64_IMM(R2, 3),
	     BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	     BPF_MOV64_REG(R7, R6),
	     BPF_MOV64_REG(R8, R2),
	     BPF_MOV64_REG(R9, R0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(A2TYPE, 2, BN_REG_SCALAR), X(STYPE, 3, BN_REG_CTX),
	       X(STYPE, 4, BN_REG_UNKNOWN), X(STYPE, 5, BN_REG_SCALAR),
	       X(SUMAX, 5, U64M) },
},
{
	"adjust_head invalidates packet pointers", XDP,
	PROG(BPF_MOV64_REG(R6, R1),
	     BPF_LDX_MEM(BPF_W, R7, R1, 0),
	     BPF_MOV64_IMM(R2, 4),
	     BPF_EMIT_CALL(BPF_FUNC_xdp_adjust_head),
	     BPF_MOV64_REG(R0, R7),
	     BPF_LDX_MEM(BPF_W, R7, R6, 0),
	     BPF_MOV64_REG(R0, R7),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(A2CONST, 3, 4), X(STYPE, 4, BN_REG_SCALAR),
	       X(STYPE, 6, BN_REG_PACKET), X(SOFF, 6, 0) },
},
{
	"map value or NULL from a join", XDP, MAPS,
	PROG(BPF_MOV64_IMM(R6, 0),
	     BPF_LDX_MEM(BPF_W, R7, R1, 16),
	     BPF_JMP_IMM(BPF_JEQ, R7, 0, 8),
	     LOOKUP(1),
	     BPF_JMP_IMM(BPF_JEQ, R0, 0, 1),
	     BPF_MOV64_REG(R6, R0),
	     BPF_JMP_IMM(BPF_JEQ, R6, 0, 1),
	     BPF_LDX_MEM(BPF_W, R0, R6, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(DTYPE, 11, BN_REG_MAP_VALUE_OR_NULL), X(DMAP, 11, 1),
	       X(STYPE, 12, BN_REG_MAP_VALUE), X(SOFF, 12, 0) },
},
/* ---- bpf-to-bpf calls ---------------------------------------------------- */
{
	"subprogram: arguments in, R0 back", XDP,
	PROG(BPF_MOV64_IMM(R2, 7),
	     BPF_CALL_REL(3),
	     BPF_MOV64_REG(R1, R0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     /* 5: f(ctx, 7) */
	     BPF_MOV64_REG(R3, R1),
	     BPF_MOV64_REG(R4, R2),
	     BPF_MOV64_REG(R5, R10),
	     BPF_MOV64_IMM(R0, 9),
	     BPF_EXIT_INSN()),
	.x = { X(NSUB, 0, 2), X(SSTART, 1, 5), X(SET, 5, META_SUB),
	       X(CLR, 5, META_JD), X(SUB, 4, 0), X(SUB, 5, 1), X(SUB, 9, 1),
	       X(STYPE, 5, BN_REG_CTX), X(SCONST, 6, 7),
	       X(STYPE, 7, BN_REG_STACK), X(SOFF, 7, 0), X(SCONST, 2, 9) },
},
{
	"subprogram reads and writes its caller's stack", XDP,
	PROG(BPF_ST_MEM(BPF_DW, R10, -8, 5),
	     BPF_ST_MEM(BPF_DW, R10, -16, 6),
	     BPF_MOV64_REG(R1, R10),
	     BPF_ALU64_IMM(BPF_ADD, R1, -8),
	     BPF_CALL_REL(6),
	     BPF_LDX_MEM(BPF_DW, R2, R10, -8),
	     BPF_LDX_MEM(BPF_DW, R3, R10, -16),
	     BPF_MOV64_REG(R0, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     /* 11: f(p): p[0] += 1; reads p[-3] */
	     BPF_LDX_MEM(BPF_DW, R2, R1, 0),
	     BPF_ALU64_IMM(BPF_ADD, R2, 1),
	     BPF_STX_MEM(BPF_DW, R1, R2, 0),
	     BPF_LDX_MEM(BPF_DW, R3, R1, -24),
	     BPF_ST_MEM(BPF_DW, R10, -8, 0),
	     BPF_MOV64_IMM(R0, 0),
	     BPF_EXIT_INSN()),
	.x = { X(STYPE, 11, BN_REG_STACK), X(SVOFF, 11, 0),
	       X(DTYPE, 13, BN_REG_STACK), X(DVOFF, 13, 0),
	       X(STYPE, 7, BN_REG_SCALAR), X(SUMAX, 7, U64M),
	       X(SCONST, 8, 6), X(NSUB, 0, 2), X(SSTART, 1, 11),
	       X(SDEPTH, 0, 32), X(SDEPTH, 1, 8) },
},
{
	"main falls through into a subprogram", XDP,
	PROG(BPF_MOV64_IMM(R1, 1),
	     BPF_CALL_REL(5),
	     BPF_MOV64_IMM(R1, 3),
	     BPF_CALL_REL(3),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     BPF_MOV64_IMM(R1, 0),
	     /* 7: g(x) */
	     BPF_MOV64_REG(R0, R1),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 6: invalid instruction",
},
{
	"subprogram callers join arguments", XDP,
	PROG(BPF_MOV64_IMM(R1, 1),
	     BPF_CALL_REL(3),
	     BPF_MOV64_IMM(R1, 2),
	     BPF_CALL_REL(1),
	     BPF_EXIT_INSN(),
	     /* 5: g(x) */
	     BPF_MOV64_REG(R0, R1),
	     BPF_EXIT_INSN()),
	.x = { X(SUMAX, 5, 2), X(DVAR, 4, 0), X(DUMAX, 4, 2),
	       X(CLR, 0, META_HI), X(SET, 5, META_SUB) },
},
{
	"recursion", XDP,
	PROG(BPF_CALL_REL(1),
	     BPF_EXIT_INSN(),
	     BPF_CALL_REL(-1),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 2: recursive calls are not supported",
},
{
	"combined stack of calls", XDP,
	PROG(BPF_ST_MEM(BPF_DW, R10, -264, 0),
	     BPF_CALL_REL(2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     BPF_ST_MEM(BPF_DW, R10, -256, 0),
	     BPF_MOV64_IMM(R0, 0),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 1: stack depth 544 exceeds 512 bytes",
},
{
	"too many subprograms", XDP, .max_subprogs = 1,
	PROG(BPF_CALL_REL(1),
	     BPF_EXIT_INSN(),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -E2BIG, .msg = "insn 2: too many subprograms",
},
{
	"callee reads pointers from its caller's frame", XDP,
	PROG(BPF_STX_MEM(BPF_DW, R10, R1, -8),
	     BPF_MOV64_REG(R1, R10),
	     BPF_ALU64_IMM(BPF_ADD, R1, -8),
	     BPF_CALL_REL(2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     /* 6: f(struct { ctx *p; } *s) */
	     BPF_LDX_MEM(BPF_DW, R2, R1, 0),
	     BPF_LDX_MEM(BPF_W, R3, R2, 0),
	     BPF_LDX_MEM(BPF_B, R0, R3, 0),
	     BPF_EXIT_INSN()),
	.x = { X(STYPE, 7, BN_REG_CTX), X(SOFF, 7, 0),
	       X(STYPE, 8, BN_REG_PACKET), X(SDEPTH, 0, 8), X(SDEPTH, 1, 0) },
},
{
	"two callers pass different stack slots", XDP,
	PROG(BPF_MOV64_REG(R1, R10),
	     BPF_ALU64_IMM(BPF_ADD, R1, -8),
	     BPF_CALL_REL(5),
	     BPF_MOV64_REG(R1, R10),
	     BPF_ALU64_IMM(BPF_ADD, R1, -40),
	     BPF_CALL_REL(2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     /* 8: f(u64 *p) */
	     BPF_ST_MEM(BPF_DW, R1, 0, 1),
	     BPF_MOV64_IMM(R0, 0),
	     BPF_EXIT_INSN()),
	.x = { X(DTYPE, 8, BN_REG_STACK), X(DVOFF, 8, 0), X(SDEPTH, 0, 40),
	       X(SDEPTH, 1, 0), X(SOFF, 5, -40) },
},
{
	"call stack too deep", XDP,
	PROG(BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_MOV64_IMM(R0, 2), BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 0: call stack of 9 frames is too deep",
},
{
	"stack access above the frame", XDP,
	PROG(BPF_ST_MEM(BPF_DW, R10, -4, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 0: invalid stack access at offset -4",
},
/* ---- upper-half liveness ------------------------------------------------- */
{
	"zext only when the upper half is read", XDP,
	PROG(BPF_MOV32_IMM(R2, 5),
	     BPF_MOV32_IMM(R3, 6),
	     BPF_ALU32_REG(BPF_ADD, R3, R2),
	     BPF_MOV64_REG(R4, R3),
	     BPF_MOV32_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(CLR, 0, META_ZEXT), X(CLR, 1, META_ZEXT),
	       X(SET, 2, META_ZEXT), X(SET, 3, META_HI),
	       X(SET, 4, META_ZEXT) },
},
{
	"zext through stores, compares and helper args", XDP, MAPS,
	PROG(BPF_LDX_MEM(BPF_W, R6, R1, 16),
	     BPF_LDX_MEM(BPF_W, R7, R1, 16),
	     BPF_LDX_MEM(BPF_W, R8, R1, 16),
	     BPF_LDX_MEM(BPF_W, R9, R1, 16),
	     BPF_STX_MEM(BPF_DW, R10, R6, -8),
	     BPF_STX_MEM(BPF_W, R10, R7, -16),
	     BPF_JMP32_IMM(BPF_JEQ, R8, 1, 0),
	     BPF_JMP_IMM(BPF_JEQ, R9, 1, 0),
	     BPF_MOV32_IMM(R2, 0),
	     BPF_LD_MAP_IDX(R1, 0),
	     BPF_MOV32_IMM(R3, 0),
	     BPF_EMIT_CALL(BPF_FUNC_map_delete_elem),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SET, 0, META_ZEXT), X(CLR, 1, META_ZEXT),
	       X(CLR, 2, META_ZEXT), X(SET, 3, META_ZEXT),
	       X(SET, 8, META_ZEXT), X(CLR, 11, META_ZEXT),
	       X(SET, 7, META_JD), X(SET, 8, META_JD) },
},
{
	"hi unused for 64-bit results read as 32-bit", XDP,
	PROG(BPF_MOV64_IMM(R2, 5),
	     BPF_LDX_MEM(BPF_DW, R3, R1, 16),
	     BPF_ALU32_REG(BPF_ADD, R3, R2),
	     BPF_LD_IMM64(R4, 1),
	     BPF_JMP32_REG(BPF_JGT, R3, R4, 0),
	     BPF_LDX_MEM(BPF_W, R5, R1, 0),
	     BPF_LDX_MEM(BPF_DW, R6, R5, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(SET, 0, META_HI), X(SET, 1, META_HI), X(CLR, 2, META_ZEXT),
	       X(SET, 3, META_HI), X(CLR, 6, META_ZEXT), X(SET, 7, META_HI),
	       X(CLR, 8, META_HI) },
},
{
	"zext through subprogram arguments", XDP,
	PROG(BPF_MOV32_IMM(R1, 1),
	     BPF_MOV32_IMM(R2, 2),
	     BPF_CALL_REL(2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     /* 5: f(a, b): uses a as 64-bit, b as 32-bit */
	     BPF_MOV64_REG(R3, R1),
	     BPF_ALU32_REG(BPF_ADD, R3, R2),
	     BPF_MOV64_REG(R0, R3),
	     BPF_EXIT_INSN()),
	.x = { X(SET, 0, META_ZEXT), X(CLR, 1, META_ZEXT),
	       X(SET, 6, META_ZEXT), X(SET, 5, META_HI) },
},
{
	"callee R0 read whole by one caller only", XDP,
	PROG(BPF_CALL_REL(5),
	     BPF_ALU32_IMM(BPF_ADD, R0, 1),
	     BPF_CALL_REL(5),
	     BPF_MOV64_REG(R1, R0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN(),
	     /* 6: f() */
	     BPF_MOV32_IMM(R0, 1),
	     BPF_EXIT_INSN(),
	     /* 8: g() */
	     BPF_MOV32_IMM(R0, 1),
	     BPF_EXIT_INSN()),
	.x = { X(CLR, 6, META_ZEXT), X(SET, 8, META_ZEXT), X(NSUB, 0, 3),
	       X(SSTART, 2, 8), X(SUMAX, 3, 1), X(CLR, 1, META_ZEXT) },
},
{
	"ctx loads of packet pointers are never zext", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 0),
	     BPF_LDX_MEM(BPF_W, R3, R1, 16),
	     BPF_LDX_MEM(BPF_B, R0, R2, 0),
	     BPF_STX_MEM(BPF_DW, R10, R3, -8),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.x = { X(CLR, 0, META_ZEXT | META_HI), X(SET, 1, META_ZEXT) },
},
/* ---- rejections ---------------------------------------------------------- */
{
	"byte swap of 24 bits", XDP,
	PROG(BPF_MOV64_IMM(R2, 0x1234),
	     BPF_ENDIAN(BPF_TO_BE, R2, 24),
	     BPF_MOV64_REG(R0, R2),
	     BPF_EXIT_INSN()),
	.err = -EINVAL,
	.msg = "insn 1: byte swap width 24 is not 16, 32 or 64",
},
{
	"byte order conversion to 128 bits", XDP,
	PROG(BPF_MOV64_IMM(R2, 0x1234),
	     BPF_ENDIAN(BPF_TO_LE, R2, 128),
	     BPF_MOV64_REG(R0, R2),
	     BPF_EXIT_INSN()),
	.err = -EINVAL,
	.msg = "insn 1: byte swap width 128 is not 16, 32 or 64",
},
{
	"unsupported helper", XDP,
	PROG(BPF_EMIT_CALL(BPF_FUNC_trace_printk),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 0: helper 6 is not supported by the device",
},
{
	"perf_event_output into the receiving CPU's ring, packet bytes appended", XDP, MAPS,
	PROG(BPF_MOV64_IMM(R0, 0),
	     BPF_STX_MEM(BPF_DW, R10, R0, -8),
	     BPF_LD_MAP_IDX(R2, 3),
	     BPF_LD_IMM64(R3, BPF_F_CURRENT_CPU | (14ull << 32)),
	     BPF_MOV64_REG(R4, R10),
	     BPF_ALU64_IMM(BPF_ADD, R4, -8),
	     BPF_MOV64_IMM(R5, 8),
	     BPF_EMIT_CALL(BPF_FUNC_perf_event_output),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
},
{
	"perf_event_output to a chosen CPU's ring", XDP, MAPS,
	PROG(BPF_LD_MAP_IDX(R2, 3),
	     BPF_MOV64_IMM(R3, 0),
	     BPF_MOV64_REG(R4, R10),
	     BPF_ALU64_IMM(BPF_ADD, R4, -8),
	     BPF_MOV64_IMM(R5, 8),
	     BPF_EMIT_CALL(BPF_FUNC_perf_event_output),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 6: perf_event_output: flags must be the constant BPF_F_CURRENT_CPU (and packet bytes << 32)",
},
{
	"perf_event_output with a flags register", XDP, MAPS,
	PROG(BPF_LDX_MEM(BPF_W, R3, R1, 0),
	     BPF_LD_MAP_IDX(R2, 3),
	     BPF_MOV64_REG(R4, R10),
	     BPF_ALU64_IMM(BPF_ADD, R4, -8),
	     BPF_MOV64_IMM(R5, 8),
	     BPF_EMIT_CALL(BPF_FUNC_perf_event_output),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 6: perf_event_output: flags must be the constant BPF_F_CURRENT_CPU (and packet bytes << 32)",
},
{
	"perf_event_output into a hash map", XDP, MAPS,
	PROG(BPF_LD_MAP_IDX(R2, 0),
	     BPF_LD_IMM64(R3, BPF_F_CURRENT_CPU),
	     BPF_MOV64_REG(R4, R10),
	     BPF_ALU64_IMM(BPF_ADD, R4, -8),
	     BPF_MOV64_IMM(R5, 8),
	     BPF_EMIT_CALL(BPF_FUNC_perf_event_output),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 7: perf_event_output: R2 must be one PERF_EVENT_ARRAY map",
},
{
	"redirect helper", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_MOV64_IMM(R1, 1),
	     BPF_MOV64_IMM(R2, 0),
	     BPF_EMIT_CALL(BPF_FUNC_redirect),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 3: helper 23 is not supported by the device",
},
{
	"adjust_head is XDP only", TC,
	PROG(BPF_MOV64_IMM(R2, 4),
	     BPF_EMIT_CALL(BPF_FUNC_xdp_adjust_head),
	     BPF_MOV64_IMM(R0, 0),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 1: helper 44 is not supported by the device",
},
{
	"tail call", XDP, MAPS,
	PROG(BPF_LD_MAP_IDX(R2, 0),
	     BPF_MOV64_IMM(R3, 0),
	     BPF_EMIT_CALL(BPF_FUNC_tail_call),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 3: tail calls are not supported by the device",
},
{
	"XDP_REDIRECT constant", XDP,
	PROG(BPF_MOV64_IMM(R0, XDP_REDIRECT),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 1: XDP_REDIRECT is not supported by the device",
},
{
	"XDP_REDIRECT on one path", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_MOV64_IMM(R0, XDP_PASS),
	     BPF_JMP_IMM(BPF_JEQ, R2, 0, 2),
	     BPF_MOV64_IMM(R0, XDP_REDIRECT),
	     BPF_MOV64_IMM(R0, XDP_TX),
	     BPF_JMP_IMM(BPF_JNE, R2, 7, 1),
	     BPF_MOV64_IMM(R0, XDP_REDIRECT),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 7: XDP_REDIRECT is not supported by the device",
},
{
	"XDP actions other than REDIRECT", XDP, MAPS,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_MOV64_IMM(R0, XDP_PASS),
	     BPF_JMP_IMM(BPF_JEQ, R2, 0, 1),
	     BPF_MOV64_IMM(R0, XDP_REDIRECT),
	     BPF_JMP_IMM(BPF_JEQ, R0, XDP_REDIRECT, 1),
	     BPF_EXIT_INSN(),
	     BPF_MOV64_IMM(R0, XDP_TX),
	     BPF_EXIT_INSN()),
	.x = { X(CLR, 5, META_DEAD), X(DCONST, 5, XDP_PASS),
	       X(DCONST, 7, XDP_TX), X(DVAR, 4, 0) },
},
{
	"TC may return 4", TC,
	PROG(BPF_MOV64_IMM(R0, 4),
	     BPF_EXIT_INSN()),
	.x = { X(DCONST, 1, 4) },
},
{
	"map type", XDP, MAPS,
	PROG(BPF_LD_MAP_IDX(R1, 0),
	     BPF_LD_MAP_IDX(R1, 2),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 2: map type 3 is not supported by the device",
},
{
	"global data (direct map value access)", XDP, MAPS,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_LD_IMM64_RAW(R1, BPF_PSEUDO_MAP_IDX_VALUE, 0),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 1: direct map value access (global data: .data, .rodata, .bss) is not supported by the device",
},
{
	"kernel variable address", XDP,
	PROG(BPF_LD_IMM64_RAW(R1, BPF_PSEUDO_BTF_ID, 7),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 0: kernel variable (ksym) addresses are not supported by the device",
},
{
	"callback function pointer", XDP,
	PROG(BPF_LD_IMM64_RAW(R1, BPF_PSEUDO_FUNC, 3),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 0: function pointers (callbacks) are not supported by the device",
},
{
	"map index out of range", XDP, MAPS,
	PROG(BPF_LD_MAP_IDX(R1, 4),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 0: invalid instruction",
},
{
	"different pointer types", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_LDX_MEM(BPF_W, R3, R1, 0),
	     BPF_JMP_IMM(BPF_JEQ, R2, 0, 1),
	     BPF_MOV64_REG(R3, R10),
	     BPF_LDX_MEM(BPF_B, R0, R3, -1),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 4: register r3 used with different pointer types",
},
{
	"variable stack offset", XDP,
	PROG(BPF_LDX_MEM(BPF_B, R2, R1, 16),
	     BPF_ALU64_IMM(BPF_AND, R2, 7),
	     BPF_MOV64_REG(R3, R10),
	     BPF_ALU64_IMM(BPF_ADD, R3, -16),
	     BPF_ALU64_REG(BPF_ADD, R3, R2),
	     BPF_ST_MEM(BPF_B, R3, 0, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 5: variable stack offset is not supported",
},
{
	"stack offset differs between paths", XDP,
	PROG(BPF_LDX_MEM(BPF_W, R2, R1, 16),
	     BPF_MOV64_REG(R3, R10),
	     BPF_ALU64_IMM(BPF_ADD, R3, -8),
	     BPF_JMP_IMM(BPF_JEQ, R2, 0, 1),
	     BPF_ALU64_IMM(BPF_ADD, R3, -8),
	     BPF_ST_MEM(BPF_DW, R3, 0, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 5: variable stack offset is not supported",
},
{
	"stack depth", XDP,
	PROG(BPF_ST_MEM(BPF_DW, R10, -512, 0),
	     BPF_ST_MEM(BPF_W, R10, -516, 0),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 1: stack depth 520 exceeds 512 bytes",
},
{
	"LD_ABS", XDP,
	PROG(BPF_MOV64_REG(R6, R1),
	     BPF_RAW_INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 12),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 1: unsupported opcode 0x20",
},
{
	"atomic fetch add", XDP,
	PROG(BPF_MOV64_IMM(R2, 1),
	     BPF_ST_MEM(BPF_DW, R10, -8, 0),
	     BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, R10, R2, -8),
	     BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 2: unsupported opcode 0xdb",
},
{
	"kfunc call", XDP,
	PROG(BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 5),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 0: unsupported opcode 0x85",
},
{
	"cpu v4 sdiv", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_RAW_INSN(BPF_ALU64 | BPF_DIV | BPF_K, R0, 0, 1, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP, .msg = "insn 1: unsupported opcode 0x37",
},
{
	"bad register", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_MOV64_REG(R0, 11),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 1: invalid instruction",
},
{
	"write to r10", XDP,
	PROG(BPF_MOV64_IMM(R10, 2),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 0: invalid instruction",
},
{
	"jump out of range", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_JMP_IMM(BPF_JEQ, R0, 0, 5),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 1: invalid instruction",
},
{
	"jump into ld_imm64", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_JMP_IMM(BPF_JEQ, R0, 0, 1),
	     BPF_LD_IMM64(R1, 1),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 1: invalid instruction",
},
{
	"ld_imm64 missing second half", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, R1, 0, 0, 1)),
	.err = -EINVAL, .msg = "insn 1: invalid instruction",
},
{
	"falls off the end", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_MOV64_IMM(R1, 2)),
	.err = -EINVAL, .msg = "insn 1: invalid instruction",
},
{
	"division by zero immediate", XDP,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_ALU64_IMM(BPF_DIV, R0, 0),
	     BPF_EXIT_INSN()),
	.err = -EINVAL, .msg = "insn 1: invalid instruction",
},
{
	"program type", 7,
	PROG(BPF_MOV64_IMM(R0, 2),
	     BPF_EXIT_INSN()),
	.err = -EOPNOTSUPP,
	.msg = "insn 0: program type 7 is not supported by the device",
},
};

/* ---- runner -------------------------------------------------------------- */

struct log {
	char text[512];
	int count;
};

static void *t_alloc(void *priv, size_t size)
{
	return calloc(1, size ? size : 1);
}

static void t_free(void *priv, void *ptr)
{
	free(ptr);
}

static void t_print(void *priv, const char *msg)
{
	struct log *log = priv;

	if (!log->count++)
		snprintf(log->text, sizeof(log->text), "%s", msg);
}

struct result {
	const struct tcase *tc;
	struct bn_insn_meta *meta;
	struct bn_jit_subprog sub[16];
	unsigned int nsub;
};

static const struct bn_reg_info *pick(const struct bn_insn_meta *m, int k)
{
	switch (k) {
	case E_STYPE: case E_SCONST: case E_SUMAX: case E_SOFF: case E_SVOFF:
	case E_SMAP:
		return &m->src;
	case E_A2TYPE: case E_A2OFF: case E_A2VOFF: case E_A2CONST:
		return &m->arg2;
	default:
		return &m->dst;
	}
}

/* Returns NULL if @x holds, else what was found. */
static const char *check_expect(const struct result *r, const struct expect *x,
			 char *buf, size_t n)
{
	const struct bn_insn_meta *m = &r->meta[x->insn];
	const struct bn_reg_info *ri = pick(m, x->kind);
	unsigned long long got = 0;
	bool ok;

	switch (x->kind) {
	case E_DTYPE: case E_STYPE: case E_A2TYPE:
		ok = ri->type == x->val; got = ri->type; break;
	case E_DCONST: case E_SCONST: case E_A2CONST:
		ok = (ri->flags & BN_RI_CONST) && ri->value == x->val;
		got = ri->flags & BN_RI_CONST ? ri->value : ~0ULL; break;
	case E_DVAR:
		ok = ri->type == BN_REG_SCALAR && !(ri->flags & BN_RI_CONST);
		got = ri->flags; break;
	case E_DHI0: case E_DHI:
		got = !!(ri->flags & BN_RI_HI_ZERO);
		ok = got == (x->kind == E_DHI0); break;
	case E_DUMAX: case E_SUMAX:
		ok = ri->umax == x->val; got = ri->umax; break;
	case E_DOFF: case E_SOFF: case E_A2OFF:
		ok = (ri->flags & BN_RI_OFF_CONST) && ri->off == (__s32)x->val;
		got = ri->flags & BN_RI_OFF_CONST ?
		      (unsigned long long)ri->off : ~0ULL;
		break;
	case E_DVOFF: case E_SVOFF: case E_A2VOFF:
		ok = !(ri->flags & BN_RI_OFF_CONST); got = ri->flags; break;
	case E_DMAP: case E_SMAP:
		ok = ri->map_index == x->val; got = ri->map_index; break;
	case E_MAPIDX:
		ok = m->map_index == x->val; got = m->map_index; break;
	case E_SET:
		ok = (m->flags & x->val) == x->val; got = m->flags; break;
	case E_CLR:
		ok = !(m->flags & x->val); got = m->flags; break;
	case E_SUB:
		ok = m->subprog == x->val; got = m->subprog; break;
	case E_NSUB:
		ok = r->nsub == x->val; got = r->nsub; break;
	case E_SSTART:
		ok = r->sub[x->insn].start == x->val;
		got = r->sub[x->insn].start; break;
	case E_SDEPTH:
		ok = r->sub[x->insn].stack_depth == x->val;
		got = r->sub[x->insn].stack_depth; break;
	default:
		ok = false;
	}
	if (ok)
		return NULL;
	snprintf(buf, n, "expectation %d at insn %u: want %#llx, got %#llx",
		 x->kind, x->insn, x->val, got);
	return buf;
}

static int run_case(const struct tcase *tc)
{
	struct log log = { .count = 0 };
	struct bn_jit_env env = { t_alloc, t_free, t_print, &log };
	struct result r = { .tc = tc };
	const struct expect *x;
	int err, fails = 0;
	char buf[160];

	r.meta = calloc(tc->len, sizeof(*r.meta));
	err = bn_analyze(tc->insns, tc->len, tc->prog_type, tc->maps,
			 tc->nmaps, r.meta, r.sub,
			 tc->max_subprogs ? tc->max_subprogs : 16, &r.nsub,
			 &env);
	if (err != tc->err) {
		printf("FAIL %s: returned %d, want %d (log: %s)\n", tc->name,
		       err, tc->err, log.count ? log.text : "none");
		fails++;
	}
	if (tc->msg ? log.count != 1 || strcmp(log.text, tc->msg) :
		      log.count != 0) {
		printf("FAIL %s: log \"%s\" (%d), want \"%s\"\n", tc->name,
		       log.text, log.count, tc->msg ? tc->msg : "");
		fails++;
	}
	for (x = tc->x; !err && x->kind != E_END; x++) {
		if (x->insn >= tc->len && x->kind < E_NSUB) {
			printf("FAIL %s: bad test, insn %u\n", tc->name,
			       x->insn);
			fails++;
		} else if (check_expect(&r, x, buf, sizeof(buf))) {
			printf("FAIL %s: %s\n", tc->name, buf);
			fails++;
		}
	}
	free(r.meta);
	return fails;
}

int main(void)
{
	unsigned int i, passed = 0, failed = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (run_case(&cases[i]))
			failed++;
		else
			passed++;
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
