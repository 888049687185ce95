/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * mem_sizes: loads and stores of every width on every kind of memory.  An
 * EtherType 0x88B5 frame carries an 8-, 16-, 32- and 64-bit field at odd
 * (unaligned) payload offsets.  They go through a stack record (STX/LDX of
 * each width) and are folded into the state kept in mem_scratch[0]; the
 * frame is sent back carrying the previous state, copied out of the map
 * value with loads of each width and packet stores of each width, plus
 * store-immediate markers.  BPF_ST (store immediate, which clang 14 never
 * emits) writes B/B/H/W/DW markers to a stack buffer, the map value and the
 * packet; the immediates are truncated (0x1a5 -> 0xa5, 0x12345 -> 0x2345) or
 * sign-extended (-2 -> 0xfffffffffffffffe) by the store width.
 *
 * Exercises: BPF_LDX/BPF_STX/BPF_ST with B, H, W, DW on stack, packet and
 * map value; unaligned packet access; state carried across packets.
 */
#include "common.h"

#define ETH_P_TEST	0x88B5

struct scratch {
	__u8 b;
	__u8 b2;
	__u16 h;
	__u32 w;
	__u64 d;
	__u8 st[16];	/* ST markers */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} mem_scratch SEC(".maps");

#define ST(sz, off, imm)	BN_RAW(BPF_ST | BPF_MEM | (sz), 1, 0, off, imm)

/* B 0x1a5 @0, B 0x3c @1, H 0x12345 @2, W -1 @4, DW -2 @8: 16 bytes at @p */
#define ST_MARKERS(p)							\
	asm volatile("r1 = %[ptr]\n\t.8byte %[s0]\n\t.8byte %[s1]\n\t"	\
		     ".8byte %[s2]\n\t.8byte %[s3]\n\t.8byte %[s4]"	\
		     : : [ptr] "r"(p),					\
		       [s0] "i"(ST(BPF_B, 0, 0x1a5)), [s1] "i"(ST(BPF_B, 1, 0x3c)), \
		       [s2] "i"(ST(BPF_H, 2, 0x12345)), [s3] "i"(ST(BPF_W, 4, -1)), \
		       [s4] "i"(ST(BPF_DW, 8, -2))			\
		     : "r1", "memory")

/* Copy 16 bytes as B, B, H, W, DW (the layout of the markers). */
#define COPY16(dst, src)						\
	do {								\
		*(__u8 *)(dst) = *(volatile __u8 *)(src);		\
		*(__u8 *)((dst) + 1) = *(volatile __u8 *)((src) + 1);	\
		*(__u16 *)((dst) + 2) = *(volatile __u16 *)((src) + 2);	\
		*(__u32 *)((dst) + 4) = *(volatile __u32 *)((src) + 4);	\
		*(__u64 *)((dst) + 8) = *(volatile __u64 *)((src) + 8);	\
	} while (0)

SEC("xdp")
int mem_sizes(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 *p = (void *)(eth + 1);
	volatile struct { __u8 b, b2; __u16 h; __u32 w; __u64 d; } rec;
	__u64 sbuf[2];
	struct scratch *s, prev;
	__u32 zero = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_TEST))
		return XDP_PASS;
	if (p + 64 > (__u8 *)data_end)
		return XDP_DROP;
	s = bpf_map_lookup_elem(&mem_scratch, &zero);
	if (!s)
		return XDP_ABORTED;

	/* packet -> stack record, every width, unaligned packet loads */
	rec.b = p[0];
	rec.b2 = p[0] ^ 0x5a;
	rec.h = *(__u16 *)(p + 1);
	rec.w = *(__u32 *)(p + 3);
	rec.d = *(__u64 *)(p + 7);

	/* ST markers on the stack, read back at every width */
	ST_MARKERS(sbuf);

	/* previous state out of the map value, every width */
	prev.b = s->b;
	prev.b2 = s->b2;
	prev.h = s->h;
	prev.w = s->w;
	prev.d = s->d;

	/* new state: stack record + stack markers + previous state */
	s->b = rec.b ^ prev.b;
	s->b2 = rec.b2 + *(volatile __u8 *)sbuf;
	s->h = rec.h + prev.h + *((volatile __u16 *)sbuf + 1);
	s->w = rec.w ^ prev.w ^ *((volatile __u32 *)sbuf + 1);
	s->d = rec.d + prev.d + *(volatile __u64 *)(sbuf + 1);

	/* previous state and previous map markers into the packet */
	p[16] = prev.b;
	p[17] = prev.b2;
	*(__u16 *)(p + 18) = prev.h;
	*(__u32 *)(p + 20) = prev.w;
	*(__u64 *)(p + 24) = prev.d;
	COPY16(p + 32, s->st);

	/* fresh markers: map value and packet */
	ST_MARKERS(s->st);
	ST_MARKERS(p + 48);

	return (s->d & 1) ? XDP_TX : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
