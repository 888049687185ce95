/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ipv6_exthdr: IPv6 extension-header sanity filter.  Walks up to four
 * extension headers (hop-by-hop, routing, fragment, destination options)
 * to the upper-layer header.  Drops: hop-by-hop anywhere but first, a type
 * 0 routing header (RFC 5095), chains longer than four, truncated headers,
 * a TCP/UDP header cut short, and real fragments when exthdr_cfg[0] says
 * so.  Atomic fragments (offset 0, M=0) are parsed through.  Counts the
 * final next header per value in l4_stats; passes the rest.
 *
 * Maps: exthdr_cfg (ARRAY[1] __u32 drop_fragments), l4_stats (ARRAY[256]
 * __u64).
 * Exercises: a fully unrolled header walk with a variable offset that grows
 * by (len + 1) * 8 per header, byte loads at variable packet offsets,
 * switch-style dispatch on the next-header value.
 */
#include "common.h"

#define MAX_EXT		4

#define NEXTHDR_HOP		IPPROTO_HOPOPTS	/* 0 */
#define NEXTHDR_ROUTING		IPPROTO_ROUTING	/* 43 */
#define NEXTHDR_FRAGMENT	IPPROTO_FRAGMENT	/* 44 */
#define NEXTHDR_DEST		IPPROTO_DSTOPTS	/* 60 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} exthdr_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} l4_stats SEC(".maps");

SEC("xdp")
int ipv6_exthdr(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	__u32 zero = 0, nh, *drop_frags;
	__u64 *cnt;
	__u8 *hdr;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return XDP_DROP;
	if (ip6->version != 6)
		return XDP_DROP;
	nh = ip6->nexthdr;
	hdr = (__u8 *)(ip6 + 1);

#pragma unroll
	for (int i = 0; i < MAX_EXT; i++) {
		if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING &&
		    nh != NEXTHDR_FRAGMENT && nh != NEXTHDR_DEST)
			goto upper;
		if (nh == NEXTHDR_HOP && i != 0)
			return XDP_DROP;
		if (hdr + 8 > (__u8 *)data_end)
			return XDP_DROP;
		if (nh == NEXTHDR_ROUTING && hdr[2] == 0)
			return XDP_DROP;
		if (nh == NEXTHDR_FRAGMENT) {
			__u16 off_m = bpf_ntohs(*(__be16 *)(hdr + 2));

			if (off_m & 0xfff9) {		/* offset or M set */
				drop_frags = bpf_map_lookup_elem(&exthdr_cfg, &zero);
				if (drop_frags && *drop_frags)
					return XDP_DROP;
				return XDP_PASS;
			}
			nh = hdr[0];
			hdr += 8;
			continue;
		}
		nh = hdr[0];
		hdr += (hdr[1] + 1) * 8;
	}
	if (nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING ||
	    nh == NEXTHDR_FRAGMENT || nh == NEXTHDR_DEST)
		return XDP_DROP;		/* chain too long */
upper:
	if (nh == IPPROTO_TCP && hdr + sizeof(struct tcphdr) > (__u8 *)data_end)
		return XDP_DROP;
	if (nh == IPPROTO_UDP && hdr + sizeof(struct udphdr) > (__u8 *)data_end)
		return XDP_DROP;
	cnt = bpf_map_lookup_elem(&l4_stats, &nh);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
