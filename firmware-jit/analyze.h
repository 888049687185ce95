/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Userspace analyzer: computes the per-instruction metadata the JIT needs
 * (struct bn_insn_meta) from the program alone.  In the kernel the verifier
 * provides the same facts through insn_hook; this is our stand-in for it in
 * the bpfnic CLI and tests.  It rejects what the device cannot run, with
 * "insn N: reason" through env->print.
 */
#ifndef BPFNIC_ANALYZE_H
#define BPFNIC_ANALYZE_H

#include "bpfnic_jit.h"

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
 * Return: 0, or a negative errno after logging the reason.
 */
int bn_analyze(const struct bpf_insn *insns, u32 len, u32 prog_type,
	       const struct bn_image_map *maps, u32 nmaps,
	       struct bn_insn_meta *meta, struct bn_jit_subprog *subprogs,
	       u32 max_subprogs, u32 *nsubprogs, const struct bn_jit_env *env);

#endif /* BPFNIC_ANALYZE_H */
