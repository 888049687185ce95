/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * jmp32_conds: the BPF_JMP32 twin of jmp64_conds.  An EtherType 0x88B5
 * frame carries four (a, b) pairs of 64-bit words whose upper halves differ
 * from their lower halves, so a device must compare the low 32 bits only.
 * For each pair a bpf-to-bpf call builds a 55-bit mask (11 register forms,
 * then the 11 immediate forms against 0, -1, 0x12345678 and INT_MIN as
 * 32-bit immediates); the masks are written after the pairs and the frame
 * goes back out with a verdict picked from them.
 *
 * Exercises: BPF_JMP32 JEQ JNE JGT JGE JLT JLE JSGT JSGE JSLT JSLE JSET in
 * BPF_X and BPF_K form (JSET through raw encodings), bpf-to-bpf calls.
 */
#define JC_NAME		jmp32_conds
#define JC_CLASS	BPF_JMP32
#define JC_R		"w"
#include "jmp_conds.h"

char _license[] SEC("license") = "GPL";
