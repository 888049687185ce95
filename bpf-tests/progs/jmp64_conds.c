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
#include "common.h"

#define ETH_P_TEST	0x88B5
#define NPAIRS		4

/*
 * Bit clear when the condition holds (the jump skips the OR).  The operands
 * are reloaded from the packet before each test so the verifier forgets
 * what the previous branch taught it and can prune (else 2^55 paths).
 */
#define LD	"r1 = *(u64 *)(r3 + 0)\n\tr2 = *(u64 *)(r3 + 8)\n\t"
#define CX(c)		LD "r4 <<= 1\n\tif r1 " c " r2 goto +1\n\tr4 |= 1\n\t"
#define CK(c, k)	LD "r4 <<= 1\n\tif r1 " c " " k " goto +1\n\tr4 |= 1\n\t"
#define CRAW(n)		LD "r4 <<= 1\n\t.8byte %[" n "]\n\tr4 |= 1\n\t"
#define ALLK(k, jset)							\
	CK("==", k) CK("!=", k) CK(">", k) CK(">=", k) CK("<", k)	\
	CK("<=", k) CK("s>", k) CK("s>=", k) CK("s<", k) CK("s<=", k) CRAW(jset)
#define JSETK(k)	BN_RAW(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1, k)

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
		       [jx] "i"(BN_RAW(BPF_JMP | BPF_JSET | BPF_X, 1, 2, 1, 0)),
		       [j0] "i"(JSETK(0)), [jm1] "i"(JSETK(-1)),
		       [jc] "i"(JSETK(0x12345678)), [jmin] "i"(JSETK(-2147483648))
		     : "r1", "r2", "r3", "r4");
	return m;
}

SEC("xdp")
int jmp64_conds(struct xdp_md *ctx)
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

char _license[] SEC("license") = "GPL";
