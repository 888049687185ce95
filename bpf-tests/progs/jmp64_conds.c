/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * jmp64_conds: evaluates every 64-bit conditional jump on operand pairs
 * taken from the wire.  An EtherType 0x88B5 frame carries four (a, b)
 * pairs of 64-bit little-endian words; for each pair a bpf-to-bpf call
 * builds a 55-bit mask (one bit per condition: 11 register forms, then the
 * 11 immediate forms against 0, -1, 0x12345678 and INT_MIN, immediates
 * sign-extended) and the four masks are written after the pairs.  The frame
 * goes back out with a verdict picked from the masks.
 *
 * Exercises: BPF_JMP JEQ JNE JGT JGE JLT JLE JSGT JSGE JSLT JSLE JSET in
 * BPF_X and BPF_K form (JSET through raw encodings), JA, bpf-to-bpf calls
 * passing a packet pointer, 64-bit return value.
 */
#define JC_NAME		jmp64_conds
#define JC_CLASS	BPF_JMP
#define JC_R		"r"
#include "jmp_conds.h"

char _license[] SEC("license") = "GPL";
