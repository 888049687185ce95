/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * alu32_ops: the 32-bit twin of alu64_ops.  Four 64-bit operands follow the
 * Ethernet header of an EtherType 0x88B5 frame; their upper halves are
 * deliberately non-zero so a device that forgets 32-bit semantics (ignore
 * the upper half on input, zero it on output) shows it.  Each result is
 * stored as a full 64-bit word.  Verdict from the XOR of the results.
 *
 * Exercises every BPF_ALU (32-bit) opcode in X and K form: ADD SUB MUL DIV
 * MOD OR AND XOR LSH RSH ARSH, NEG, MOV X/K (zero-extension), division and
 * modulo by zero (x / 0 = 0, x % 0 = (u32)x), K divisors above INT_MAX.
 */
#include "common.h"

#define ETH_P_TEST	0x88B5
#define NRES		30

/* r1 = x, r2 = y; body on w1/w2; result = r1 (upper half must be 0) */
#define OP32(i, body, x, y)						\
	do {								\
		__u64 r_;						\
		asm volatile("r1 = %[a]\n\tr2 = %[b]\n\t" body "\n\t%[r] = r1" \
			     : [r] "=r"(r_) : [a] "r"(x), [b] "r"(y)	\
			     : "r1", "r2");				\
		res[i] = r_; fold ^= r_;				\
	} while (0)

#define RAW32(i, insn, x, y)						\
	do {								\
		__u64 r_;						\
		asm volatile("r1 = %[a]\n\tr2 = %[b]\n\t.8byte %[ins]\n\t%[r] = r1" \
			     : [r] "=r"(r_) : [a] "r"(x), [b] "r"(y),	\
			       [ins] "i"(insn) : "r1", "r2");		\
		res[i] = r_; fold ^= r_;				\
	} while (0)

SEC("xdp")
int alu32_ops(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 *op = (void *)(eth + 1), *res = op + 4;
	__u64 a, b, c, d, fold = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_TEST))
		return XDP_PASS;
	if ((void *)(res + NRES) > data_end)
		return XDP_DROP;
	a = op[0]; b = op[1]; c = op[2]; d = op[3];

	OP32(0, "w1 += w2", a, b);
	OP32(1, "w1 -= w2", a, b);
	OP32(2, "w1 *= w2", a, b);
	OP32(3, "w1 /= w2", a, b);
	RAW32(4, BN_RAW(BPF_ALU | BPF_MOD | BPF_X, 1, 2, 0, 0), a, b);
	OP32(5, "w1 |= w2", a, b);
	OP32(6, "w1 &= w2", a, b);
	OP32(7, "w1 ^= w2", a, b);
	OP32(8, "w2 &= 31\n\tw1 <<= w2", a, c);
	OP32(9, "w2 &= 31\n\tw1 >>= w2", a, c);
	OP32(10, "w2 &= 31\n\tw1 s>>= w2", a, d);
	OP32(11, "w1 = -w1", a, b);
	OP32(12, "w1 = w2", a, b);			/* MOV X zero-extends */
	OP32(13, "w1 = -1", a, b);			/* 0x00000000ffffffff */
	OP32(14, "w1 += -2147483648", a, b);
	OP32(15, "w1 -= 1234567", a, b);
	OP32(16, "w1 *= -3", a, b);
	OP32(17, "w1 /= 7", a, b);
	OP32(18, "w1 /= -16", a, b);			/* divisor 0xfffffff0 */
	RAW32(19, BN_RAW(BPF_ALU | BPF_MOD | BPF_K, 1, 0, 0, 1000), a, b);
	RAW32(20, BN_RAW(BPF_ALU | BPF_MOD | BPF_K, 1, 0, 0, -7), a, b);
	OP32(21, "w1 |= -2147483648", a, b);
	OP32(22, "w1 &= 65535", a, b);
	OP32(23, "w1 ^= -1", a, b);
	OP32(24, "w1 <<= 31", a, b);
	OP32(25, "w1 >>= 31", a, b);
	OP32(26, "w1 s>>= 5", a, b);
	OP32(27, "w1 s>>= 31", a, b);
	OP32(28, "w2 &= 255\n\tw1 /= w2", d, c);	/* small divisor, may be 0 */
	RAW32(29, BN_RAW(BPF_ALU | BPF_MOD | BPF_X, 1, 2, 0, 0), d, c);

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
