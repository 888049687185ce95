/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Shared by the JIT tests: eBPF instruction macros in the shape of the
 * kernel's filter.h, a calloc/free environment that captures the log, and
 * a helper that runs the userspace analyzer and the JIT.
 */
#ifndef BPFNIC_TEST_JIT_COMMON_H
#define BPFNIC_TEST_JIT_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpfnic_jit.h"
#include "analyze.h"
#include "ucode.h"
#include "testlib.h"

/* ---- instruction macros --------------------------------------------------------- */
#define INSN(c, d, s, o, i)	((struct bpf_insn){ .code = (c), .dst_reg = (d), \
				 .src_reg = (s), .off = (o), .imm = (i) })
#define ALU64_REG(op, d, s)	INSN(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define ALU32_REG(op, d, s)	INSN(BPF_ALU | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, k)	INSN(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 0, k)
#define ALU32_IMM(op, d, k)	INSN(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, k)
#define MOV64_REG(d, s)		ALU64_REG(BPF_MOV, d, s)
#define MOV32_REG(d, s)		ALU32_REG(BPF_MOV, d, s)
#define MOV64_IMM(d, k)		ALU64_IMM(BPF_MOV, d, k)
#define MOV32_IMM(d, k)		ALU32_IMM(BPF_MOV, d, k)
#define ENDIAN(type, d, bits)	INSN(BPF_ALU | BPF_END | (type), d, 0, 0, bits)
#define LD_IMM64_RAW(d, s, v)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, s, 0, (__u32)(v)), \
				INSN(0, 0, 0, 0, (__u64)(v) >> 32)
#define LD_IMM64(d, v)		LD_IMM64_RAW(d, 0, v)
#define LD_MAP(d, idx)		LD_IMM64_RAW(d, BPF_PSEUDO_MAP_IDX, idx)
#define LDX_MEM(sz, d, s, o)	INSN(BPF_LDX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define STX_MEM(sz, d, s, o)	INSN(BPF_STX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define ST_MEM(sz, d, o, k)	INSN(BPF_ST | BPF_SIZE(sz) | BPF_MEM, d, 0, o, k)
#define ATOMIC_ADD(sz, d, s, o)	INSN(BPF_STX | BPF_SIZE(sz) | BPF_ATOMIC, d, s, o, BPF_ADD)
#define JMP_REG(op, d, s, o)	INSN(BPF_JMP | BPF_OP(op) | BPF_X, d, s, o, 0)
#define JMP32_REG(op, d, s, o)	INSN(BPF_JMP32 | BPF_OP(op) | BPF_X, d, s, o, 0)
#define JMP_IMM(op, d, k, o)	INSN(BPF_JMP | BPF_OP(op) | BPF_K, d, 0, o, k)
#define JMP32_IMM(op, d, k, o)	INSN(BPF_JMP32 | BPF_OP(op) | BPF_K, d, 0, o, k)
#define JA(o)			INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL_HELPER(id)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define CALL_SUB(rel)		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define ALL_PASSES	((1u << BN_PASS__COUNT) - 1)

/* ---- environment -------------------------------------------------------------------- */
struct t_env {
	char last[256];		/* last message the library printed */
	unsigned int nmsgs;
	int quiet;
};

static void *t_alloc(void *priv, size_t size)
{
	return calloc(1, size ? size : 1);
}

static void t_free(void *priv, void *p)
{
	free(p);
}

static void t_print(void *priv, const char *msg)
{
	struct t_env *e = priv;

	snprintf(e->last, sizeof(e->last), "%s", msg);
	e->nmsgs++;
	if (!e->quiet)
		printf("  log: %s\n", msg);
}

static inline struct bn_jit_env t_jit_env(struct t_env *e)
{
	struct bn_jit_env env = { t_alloc, t_free, t_print, e };

	return env;
}

/* A compiled program: the image and what went into it. */
struct t_prog {
	void *img;
	size_t len;
	struct bn_jit_stats st;
	int err;
	int aerr;		/* analyzer error */
};

/* Analyze @insns with bn_analyze() and JIT them with @disabled passes off. */
static inline struct t_prog t_build(const struct bpf_insn *insns, __u32 n, __u32 type,
				    const struct bn_image_map *maps, __u32 nmaps,
				    __u32 disabled, int lines, struct t_env *e)
{
	struct bn_jit_env env = t_jit_env(e);
	struct bn_insn_meta *meta = calloc(n, sizeof(*meta));
	struct bn_jit_subprog subs[16];
	struct bn_jit_opts opts = { .sz = sizeof(opts), .disabled_passes = disabled,
				    .line_table = lines };
	struct bn_jit_in in = { .insns = insns, .len = n, .prog_type = type, .meta = meta,
				.subprogs = subs, .maps = maps, .nmaps = nmaps };
	struct t_prog p = { 0 };

	p.aerr = bn_analyze(insns, n, type, maps, nmaps, meta, subs, 16, &in.nsubprogs, &env);
	if (!p.aerr)
		p.err = bn_jit_compile(&in, &opts, &env, &p.img, &p.len, &p.st);
	if (!p.aerr && !p.err) {	/* every word decodes, as the device's loader asks */
		const char *why;
		__u32 bad;

		if (bn_jit_check_image(p.img, p.len, &bad, &why)) {
			fprintf(stderr, "  image word %u does not decode: %s\n", bad, why);
			p.err = -EFAULT;
		}
	}
	free(meta);
	return p;
}

static inline const struct bn_image_hdr *t_hdr(const struct t_prog *p)
{
	return p->img;
}

static inline const __u64 *t_code(const struct t_prog *p)
{
	return (const __u64 *)((const struct bn_image_hdr *)p->img + 1);
}

/* Print the microcode of @p (for failures). */
static inline void t_dump(const struct t_prog *p)
{
	char buf[128];
	__u32 i;

	if (!p->img)
		return;
	for (i = 0; i < t_hdr(p)->code_len; i++) {
		bn_disasm(t_code(p)[i], i, buf, sizeof(buf));
		printf("    %04x: %s\n", i, buf);
	}
}

#endif /* BPFNIC_TEST_JIT_COMMON_H */
