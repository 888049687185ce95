/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * alu64_ops: a 64-bit ALU "responder".  A frame of EtherType 0x88B5 carries
 * four 64-bit operands a, b, c, d (little-endian) right after the Ethernet
 * header; the program writes one result per ALU64 operation after them and
 * sends the frame back (verdict chosen from the XOR of all results).
 * Operands come from the wire so nothing can be constant-folded; b and c
 * may be zero to check the eBPF division rules (x / 0 = 0, x % 0 = x).
 *
 * Exercises every BPF_ALU64 opcode: ADD SUB MUL DIV MOD OR AND XOR LSH RSH
 * ARSH in both BPF_X and BPF_K form (K immediates sign-extended to 64 bits:
 * -1, INT_MIN, negative divisors), NEG, MOV X/K, and 64-bit packet stores.
 */
#include "common.h"

#define ETH_P_TEST	0x88B5
#define NRES		32

/* r = x <op> y, y a register */
#define OPX(i, op, x, y)						\
	do {								\
		__u64 r_;						\
		asm volatile("%[r] = %[a]\n\t%[r] " op " %[b]"		\
			     : [r] "=&r"(r_) : [a] "r"(x), [b] "r"(y));	\
		res[i] = r_; fold ^= r_;				\
	} while (0)

/* r = x <op> imm, imm written in the template */
#define OPK(i, op_imm, x)						\
	do {								\
		__u64 r_;						\
		asm volatile("%[r] = %[a]\n\t%[r] " op_imm		\
			     : [r] "=&r"(r_) : [a] "r"(x));		\
		res[i] = r_; fold ^= r_;				\
	} while (0)

/* r = x <raw insn on r1>: for what the clang 14 assembler cannot spell */
#define OPRAW(i, insn, x)						\
	do {								\
		__u64 r_;						\
		asm volatile("r1 = %[a]\n\t.8byte %[ins]\n\t%[r] = r1"	\
			     : [r] "=r"(r_) : [a] "r"(x), [ins] "i"(insn)	\
			     : "r1");					\
		res[i] = r_; fold ^= r_;				\
	} while (0)

/* r = x <raw insn on r1, r2> */
#define OPRAW2(i, insn, x, y)						\
	do {								\
		__u64 r_;						\
		asm volatile("r1 = %[a]\n\tr2 = %[b]\n\t.8byte %[ins]\n\t%[r] = r1" \
			     : [r] "=r"(r_) : [a] "r"(x), [b] "r"(y),	\
			       [ins] "i"(insn) : "r1", "r2");		\
		res[i] = r_; fold ^= r_;				\
	} while (0)

SEC("xdp")
int alu64_ops(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 *op = (void *)(eth + 1), *res = op + 4;
	__u64 a, b, c, d, sa, sb, fold = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_TEST))
		return XDP_PASS;
	if ((void *)(res + NRES) > data_end)
		return XDP_DROP;
	a = op[0]; b = op[1]; c = op[2]; d = op[3];
	sa = c & 63;		/* shift amounts are masked as real code does */
	sb = d & 63;

	OPX(0, "+=", a, b);
	OPX(1, "-=", a, b);
	OPX(2, "*=", a, b);
	OPX(3, "/=", a, b);
	OPRAW2(4, BN_RAW(BPF_ALU64 | BPF_MOD | BPF_X, 1, 2, 0, 0), a, b);
	OPX(5, "|=", a, b);
	OPX(6, "&=", a, b);
	OPX(7, "^=", a, b);
	OPX(8, "<<=", a, sa);
	OPX(9, ">>=", a, sa);
	OPX(10, "s>>=", a, sb);
	OPK(11, "= -%[r]", a);			/* NEG */
	OPK(12, "= -5\n\t%[r] += %[a]", a);	/* MOV K (negative), ADD X */
	OPK(13, "+= -2147483648", a);
	OPK(14, "-= 1234567", a);
	OPK(15, "*= -3", a);
	OPK(16, "*= 2147483647", a);
	OPK(17, "/= 7", a);
	OPK(18, "/= -16", a);			/* divisor 0xfffffffffffffff0 */
	OPRAW(19, BN_RAW(BPF_ALU64 | BPF_MOD | BPF_K, 1, 0, 0, 1000), a);
	OPRAW(20, BN_RAW(BPF_ALU64 | BPF_MOD | BPF_K, 1, 0, 0, -7), a);
	OPK(21, "|= -2147483648", a);		/* 0xffffffff80000000 */
	OPK(22, "&= -256", a);
	OPK(23, "&= 2147483647", a);
	OPK(24, "^= -1", a);
	OPK(25, "<<= 13", a);
	OPK(26, ">>= 63", a);
	OPK(27, "s>>= 7", a);
	OPK(28, "s>>= 63", a);
	OPX(29, "/=", d, sa);			/* small divisor, may be 0 */
	OPX(30, "*=", c, c);
	OPK(31, "= %[a]\n\t%[r] <<= 32\n\t%[r] s>>= 32", b);	/* sign-extend low half */

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
