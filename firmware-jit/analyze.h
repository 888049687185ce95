/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Userspace analyzer: computes the per-instruction metadata the JIT needs
 * (struct bn_insn_meta) from the program alone.  In the kernel the verifier
 * provides the same facts through insn_hook; this is our stand-in for it in
 * the bpfnic CLI and tests.  It rejects what the device cannot run, with
 * "insn N: reason" through env->print.
 *
 * What the facts mean (sound over-approximations, joined over every path
 * reaching the instruction):
 *  - meta.dst/.src/.arg2: state before the instruction.  BN_REG_UNKNOWN:
 *    not written on any path (e.g. R1-R5 after a call), or of different
 *    kinds on different paths.
 *  - scalars: BN_RI_CONST + value; umax, an upper bound that joins widen
 *    to 2^k - 1 (thresholds such as 0xffff or 31 survive); BN_RI_HI_ZERO
 *    iff umax <= U32_MAX.  Pointers have umax U64_MAX and no HI_ZERO.
 *  - BN_REG_PACKET: off from the packet's data pointer; no OFF_CONST
 *    after data + variable and for data_meta.  Packet pointers are gone
 *    (become scalars) after bpf_xdp_adjust_head/tail.
 *  - BN_REG_STACK with BN_RI_OFF_CONST: exact offset from the current
 *    frame's R10.  A memory access, or a map helper's key/value (.arg2),
 *    through a stack pointer without it points into a caller's frame
 *    (bpf-to-bpf argument): the address is only in the register.  Accesses
 *    with a variable offset into the own frame are rejected.
 *  - map_index: BN_ANALYZE_MAP_ANY when paths disagree on the map.
 *  - BN_META_ZEXT / BN_META_HI_UNUSED: upper-half liveness with the rules
 *    of the 6.1 verifier (is_reg64(), zext_dst), so that the kernel's and
 *    our metadata agree: R0 is read at the main program's exit, a callee's
 *    R0 only if a caller reads it; context loads of packet pointers are
 *    never ZEXT (the pointer is produced whole).
 *  - subprogs[].stack_depth includes bytes of the frame that callees
 *    touch through pointers to it.
 */
#ifndef BPFNIC_ANALYZE_H
#define BPFNIC_ANALYZE_H

#include "bpfnic_jit.h"

/* bn_reg_info.map_index when the pointer may name different maps */
#define BN_ANALYZE_MAP_ANY	0xffff

/**
 * bn_analyze() - fill meta[] and subprogs[] for a program
 * @insns, @len: the program after libbpf relocation: map references are
 *	LD_IMM64 with src_reg BPF_PSEUDO_MAP_IDX and imm = index into @maps
 *	(first-reference order), bpf-to-bpf calls are BPF_PSEUDO_CALL
 * @prog_type: enum bn_prog_type
 * @maps, @nmaps: the maps those indices name
 * @meta: out, @len entries (zeroed by the caller)
 * @subprogs: out, at most @max_subprogs entries; *nsubprogs set
 * @env: allocator and log
 *
 * Return: 0, or a negative errno after logging the reason: -EOPNOTSUPP
 * for what the device cannot run, -EINVAL for malformed input, -E2BIG for
 * more than @max_subprogs subprograms, -ENOMEM.
 */
int bn_analyze(const struct bpf_insn *insns, u32 len, u32 prog_type,
	       const struct bn_image_map *maps, u32 nmaps,
	       struct bn_insn_meta *meta, struct bn_jit_subprog *subprogs,
	       u32 max_subprogs, u32 *nsubprogs, const struct bn_jit_env *env);

#endif /* BPFNIC_ANALYZE_H */
