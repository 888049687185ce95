/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * xdp_actions: a test responder that returns whatever the frame asks for.
 * An EtherType 0x88B5 frame's first payload byte is the request: 0..4 are
 * returned as the verdict (XDP_ABORTED, DROP, PASS, TX -- with source and
 * destination MAC swapped --, REDIRECT without a target), 0xff returns the
 * 32-bit little-endian word that follows (any value, e.g. 0xffffffff), any
 * other byte is returned as is.  Frames too short to carry a request are
 * aborted, other EtherTypes pass.
 *
 * Exercises: every XDP return code and out-of-range return values (the
 * packet engine must treat them as XDP_ABORTED), a MAC swap with 16- and
 * 32-bit packet accesses, 32-bit return values with the top bit set.
 */
#include "common.h"

#define ETH_P_TEST	0x88B5

static __always_inline void swap_macs(struct ethhdr *eth)
{
	__u16 *p = (__u16 *)eth;
	__u32 d0 = *(__u32 *)p;
	__u16 d1 = p[2];

	*(__u32 *)p = *(__u32 *)(p + 3);
	p[2] = p[5];
	*(__u32 *)(p + 3) = d0;
	p[5] = d1;
}

SEC("xdp")
int xdp_actions(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 *req = (void *)(eth + 1);

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_TEST))
		return XDP_PASS;
	if (req + 1 > (__u8 *)data_end)
		return XDP_ABORTED;
	switch (*req) {
	case XDP_TX:
		swap_macs(eth);
		return XDP_TX;
	case 0xff:
		if (req + 5 > (__u8 *)data_end)
			return XDP_ABORTED;
		return *(__u32 *)(req + 1);
	default:
		return *req;
	}
}

char _license[] SEC("license") = "GPL";
