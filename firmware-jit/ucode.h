/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Microcode words <-> decoded fields, and the disassembler.  All three are
 * driven by include/bpfnic/isa.def; the simulator's decoder uses these too.
 */
#ifndef BPFNIC_UCODE_H
#define BPFNIC_UCODE_H

#include "compat.h"
#include <bpfnic/isa.h>

/**
 * struct bn_isa_info - one row of isa.def
 */
struct bn_isa_info {
	const char *name;
	u8 opcode;
	u8 fmt;		/* enum bn_fmt */
	u8 lat;		/* enum bn_lat */
	u8 flags;	/* BN_IF_* */
	const char *doc;
};

/* Indexed by opcode; .name == NULL for an opcode the ISA does not define. */
extern const struct bn_isa_info bn_isa[256];
/* The rows of isa.def in table order, and how many there are. */
extern const struct bn_isa_info bn_isa_rows[];
extern const unsigned int bn_isa_nrows;

/**
 * struct bn_ucode - a decoded instruction: every field, whatever the format
 *
 * Fields the format does not use are zero after bn_decode() and must be
 * zero for bn_encode().
 */
struct bn_ucode {
	u8 op;
	u16 dst, srca, srcb;		/* 10-bit operands (BN_OPND_*) */
	u8 shc, shamt;			/* ALU, LDF */
	u8 mask, zf;			/* LDF */
	u16 imm16;			/* IMMED */
	u8 bsh, inv;			/* IMMED */
	u8 cond, defer;			/* BR, BRCMP, CALL, RTN */
	u16 target;			/* BR, BRCMP, CALL */
	u8 tgt, xfer, len, sig, swap;	/* MEM: len is bytes - 1 */
	u8 csr;				/* CSR */
	u8 sigmask;			/* WAIT */
	u8 fwid;			/* FW */
};

/* Operand classification. */
enum bn_opnd_kind {
	BN_OK_A, BN_OK_B, BN_OK_XFER, BN_OK_LM, BN_OK_IMM, BN_OK_BOTH,
	BN_OK_NONE, BN_OK_INVALID,
};
enum bn_opnd_kind bn_opnd_kind(u16 opnd);
/* Index or immediate value carried by the operand. */
static inline u16 bn_opnd_val(u16 opnd)
{
	switch (bn_opnd_kind(opnd)) {
	case BN_OK_A:		return opnd - BN_OPND_A_BASE;
	case BN_OK_B:		return opnd - BN_OPND_B_BASE;
	case BN_OK_XFER:	return opnd - BN_OPND_XFER_BASE;
	case BN_OK_LM:		return opnd - BN_OPND_LM_BASE;
	case BN_OK_IMM:		return opnd - BN_OPND_IMM_BASE;
	case BN_OK_BOTH:	return opnd - BN_OPND_BOTH_BASE;
	default:		return 0;
	}
}

/*
 * bn_encode() - pack @u into a word.  Returns 0, or -EINVAL if the opcode
 * is unknown, a field does not fit, a field the format does not use is set,
 * or an operand is not allowed in its port (SRCA: A/LM/NONE; SRCB:
 * B/XFER/IMM/NONE; DST: A/B/BOTH/XFER/LM/NONE).  On error *why says which.
 */
int bn_encode(const struct bn_ucode *u, u64 *word, const char **why);
/*
 * bn_pack() - bn_encode() with one check only, that each field the format
 * uses fits its width (-ERANGE and *why if not): for an encoder that keeps
 * to the formats (the JIT), whose words' consumer checks the rest
 * (bn_decode()).  @u->op must be defined.
 */
int bn_pack(const struct bn_ucode *u, u64 *word, const char **why);
/* bn_decode() - unpack; -EINVAL for an undefined opcode or a bad operand. */
int bn_decode(u64 word, struct bn_ucode *u, const char **why);
/*
 * bn_unpack() - bn_decode() without the checks, for a word bn_encode()
 * produced (the JIT reading back its own code).
 */
void bn_unpack(u64 word, struct bn_ucode *u);
/*
 * bn_disasm() - one line of assembly for @word at address @pc into @buf
 * (no newline).  Returns the length written, like snprintf.
 */
int bn_disasm(u64 word, u32 pc, char *buf, size_t len);

#endif /* BPFNIC_UCODE_H */
