/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * firmware-jit: eBPF -> bpfnic flow-processor microcode.
 *
 * Freestanding: compiled into bpfnic.ko and into the userspace tools alike.
 * It allocates only through the caller's bn_jit_env and prints only through
 * its log callback.  Functions return 0 or a negative errno.
 */
#ifndef BPFNIC_JIT_H
#define BPFNIC_JIT_H

#include "compat.h"
#include <bpfnic/isa.h>
#include <bpfnic/image.h>

/* ---- environment: allocation and log output ------------------------------- */
struct bn_jit_env {
	void *(*alloc)(void *priv, size_t size);	/* zeroed memory or NULL */
	void (*free)(void *priv, void *ptr);
	/* One complete message per call, no trailing newline. */
	void (*print)(void *priv, const char *msg);
	void *priv;
};

/* ---- per-instruction metadata ------------------------------------------- */
/* What a register holds before the instruction executes. */
enum bn_reg_type {
	BN_REG_UNKNOWN = 0,	/* not initialised / not tracked            */
	BN_REG_SCALAR,		/* a number                                  */
	BN_REG_CTX,		/* xdp_md / __sk_buff                        */
	BN_REG_PACKET,		/* into packet data                          */
	BN_REG_PACKET_END,	/* data_end                                  */
	BN_REG_STACK,		/* into the current frame (off from R10)     */
	BN_REG_MAP_VALUE,	/* into a map value (after the NULL check)   */
	BN_REG_MAP_VALUE_OR_NULL, /* map_lookup_elem result before the check */
	BN_REG_MAP_PTR,		/* LD_IMM64 of a map                         */
};

#define BN_RI_CONST	0x01	/* scalar: value is exact                    */
#define BN_RI_HI_ZERO	0x02	/* scalar: upper 32 bits are known zero      */
#define BN_RI_OFF_CONST	0x04	/* pointer: off is exact                     */

struct bn_reg_info {
	__u8 type;		/* enum bn_reg_type */
	__u8 flags;		/* BN_RI_* */
	__u16 map_index;	/* MAP_PTR / MAP_VALUE: which map */
	__s32 off;		/* pointer: offset into its object (stack: from R10) */
	__u64 value;		/* scalar: the value if BN_RI_CONST */
	__u64 umax;		/* scalar: unsigned upper bound */
};

#define BN_META_JMP_DST		0x0001	/* some jump lands here               */
#define BN_META_DEAD		0x0002	/* never executed                     */
#define BN_META_ZEXT		0x0004	/* 32-bit result: upper half is read later, zero it */
#define BN_META_HI_UNUSED	0x0008	/* 64-bit result: upper half never read */
#define BN_META_SKIP		0x0010	/* removed by a pass: emit nothing     */
#define BN_META_SUBPROG		0x0020	/* first insn of a bpf-to-bpf callee   */

/**
 * struct bn_insn_meta - what the JIT knows about one eBPF instruction
 * @dst: state of insn->dst_reg before the instruction
 * @src: state of insn->src_reg before the instruction
 * @arg2: state of R2 before a helper call (adjust_head/tail delta, map key)
 * @flags: BN_META_*
 * @subprog: index of the subprogram the instruction belongs to
 * @map_index: LD_IMM64 of a map: index into bn_jit_in.maps
 *
 * For a memory access the base register is @src (LDX) or @dst (STX, ST,
 * atomics); its type says which memory the access reaches.  In the kernel
 * this comes from the verifier (insn_hook), in userspace from bn_analyze().
 */
struct bn_insn_meta {
	struct bn_reg_info dst;
	struct bn_reg_info src;
	struct bn_reg_info arg2;
	__u16 flags;
	__u16 subprog;
	__u16 map_index;
	__u16 reserved;
};

struct bn_jit_subprog {
	__u32 start;		/* first eBPF instruction */
	__u32 stack_depth;	/* bytes, as the verifier rounds it */
};

/* ---- optimisation passes: each can be switched off by name --------------- */
#define BN_JIT_PASSES(X)						\
	X(zext,		"32-bit subregister tracking: skip upper-half work")	\
	X(imm_fold,	"fold constants into immediate operands")		\
	X(fuse_shift,	"fuse shift + ALU into one alu_shf")			\
	X(fuse_field,	"fuse load + mask/shift into ld_field")			\
	X(fuse_cmp,	"fuse compare + branch into br_cmp")			\
	X(pkt_coalesce,	"merge adjacent packet loads into one memory command")	\
	X(defer_fill,	"fill branch defer slots")				\
	X(dce,		"remove dead code and no-op instructions")

enum bn_jit_pass {
#define BN_PASS_ENUM(name, doc) BN_PASS_##name,
	BN_JIT_PASSES(BN_PASS_ENUM)
#undef BN_PASS_ENUM
	BN_PASS__COUNT
};

/* ---- compile -------------------------------------------------------------- */
struct bn_jit_in {
	const struct bpf_insn *insns;
	__u32 len;
	__u32 prog_type;			/* enum bn_prog_type */
	struct bn_insn_meta *meta;		/* len entries; passes may set SKIP */
	const struct bn_jit_subprog *subprogs;	/* subprogs[0].start == 0 */
	__u32 nsubprogs;
	const struct bn_image_map *maps;	/* in order of first reference */
	__u32 nmaps;
};

struct bn_jit_opts {
	size_t sz;			/* sizeof(struct bn_jit_opts) */
	__u32 disabled_passes;		/* bit (1 << BN_PASS_x) */
	__u32 code_store;		/* max instructions; 0 = default */
	__u32 line_table;		/* emit the eBPF -> ucode line table */
};

struct bn_jit_stats {
	__u32 ebpf_insns;
	__u32 ucode_insns;
	__u32 error_insn;		/* eBPF insn of the first error */
};

/**
 * bn_jit_compile() - translate one program into a bpfnic image
 * @in: instructions, metadata, maps
 * @opts: options (may be NULL)
 * @env: allocator and log
 * @img: out: image allocated with env->alloc, *img_len bytes
 * @stats: out: sizes (may be NULL)
 *
 * A rejection is logged as "insn N: reason" and returns a negative errno:
 * -EOPNOTSUPP for what the device cannot run, -ENOSPC when the code store
 * is full, -EINVAL for malformed input.
 */
int bn_jit_compile(const struct bn_jit_in *in, const struct bn_jit_opts *opts,
		   const struct bn_jit_env *env, void **img, size_t *img_len,
		   struct bn_jit_stats *stats);

/**
 * bn_jit_check_image() - decode every code word of an image
 * @img: an image bn_jit_compile() wrote
 * @img_len: its size
 * @bad: out: on error, the first word that does not decode
 * @why: out: on error, why (bn_decode()'s reason)
 *
 * The JIT packs its words without bn_encode()'s checks, as a kernel JIT
 * does: whoever runs the image decodes and checks each word, as the
 * device's loader does.  Callers that do not load the image (the CLI, the
 * tests) check it with this, after timing the JIT.
 * Return: 0, or -EINVAL.
 */
int bn_jit_check_image(const void *img, size_t img_len, __u32 *bad, const char **why);

/* Name of pass @p, or NULL.  bn_jit_pass_by_name() returns -1 if unknown. */
const char *bn_jit_pass_name(enum bn_jit_pass p);
int bn_jit_pass_by_name(const char *name);

/* True if the JIT has a translation for eBPF opcode @code. */
bool bn_jit_supported_opcode(__u8 code);

#endif /* BPFNIC_JIT_H */
