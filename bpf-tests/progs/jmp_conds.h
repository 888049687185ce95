/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The body of jmp64_conds.c and jmp32_conds.c: every conditional jump on
 * operand pairs from the wire.  The including file defines
 *   JC_NAME   the program's name
 *   JC_CLASS  BPF_JMP or BPF_JMP32 (for the raw JSET encodings)
 *   JC_R      "r" (64-bit compares) or "w" (32-bit compares)
 */
#include "common.h"

#define ETH_P_TEST	0x88B5
#define NPAIRS		4

/*
 * Bit clear when the condition holds (the jump skips the OR).  The operands
 * are reloaded from the packet before each test so the verifier forgets
 * what the previous branch taught it and can prune (else 2^55 paths).
 */
#define LD	"r1 = *(u64 *)(r3 + 0)\n\tr2 = *(u64 *)(r3 + 8)\n\t"
#define CX(c)		LD "r4 <<= 1\n\tif " JC_R "1 " c " " JC_R "2 goto +1\n\tr4 |= 1\n\t"
#define CK(c, k)	LD "r4 <<= 1\n\tif " JC_R "1 " c " " k " goto +1\n\tr4 |= 1\n\t"
#define CRAW(n)		LD "r4 <<= 1\n\t.8byte %[" n "]\n\tr4 |= 1\n\t"
#define ALLK(k, jset)							\
	CK("==", k) CK("!=", k) CK(">", k) CK(">=", k) CK("<", k)	\
	CK("<=", k) CK("s>", k) CK("s>=", k) CK("s<", k) CK("s<=", k) CRAW(jset)
#define JSETK(k)	BN_RAW(JC_CLASS | BPF_JSET | BPF_K, 1, 0, 1, k)

/* @pair points into the packet, bounds already checked by the caller */
static __attribute__((noinline)) __u64 cond_mask(const __u64 *pair)
{
	__u64 m;

	asm volatile("r3 = %[p]\n\tr4 = 0\n\t"
		     CX("==") CX("!=") CX(">") CX(">=") CX("<") CX("<=")
		     CX("s>") CX("s>=") CX("s<") CX("s<=") CRAW("jx")
		     ALLK("0", "j0")
		     ALLK("-1", "jm1")
		     ALLK("0x12345678", "jc")
		     ALLK("-2147483648", "jmin")
		     "%[m] = r4"
		     : [m] "=r"(m)
		     : [p] "r"(pair),
		       [jx] "i"(BN_RAW(JC_CLASS | BPF_JSET | BPF_X, 1, 2, 1, 0)),
		       [j0] "i"(JSETK(0)), [jm1] "i"(JSETK(-1)),
		       [jc] "i"(JSETK(0x12345678)), [jmin] "i"(JSETK(-2147483648))
		     : "r1", "r2", "r3", "r4");
	return m;
}

SEC("xdp")
int JC_NAME(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 *op = (void *)(eth + 1), *out = op + 2 * NPAIRS, fold = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_TEST))
		return XDP_PASS;
	if ((void *)(out + NPAIRS) > data_end)
		return XDP_DROP;

#pragma unroll
	for (int i = 0; i < NPAIRS; i++) {
		out[i] = cond_mask(op + 2 * i);
		fold ^= out[i] >> i;
	}
	switch (fold % 3) {
	case 0:
		return XDP_TX;
	case 1:
		return XDP_PASS;
	default:
		return XDP_DROP;
	}
}

