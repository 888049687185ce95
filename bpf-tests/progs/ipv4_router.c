/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ipv4_router: an XDP IPv4 forwarding fast path.  Validates the header
 * (version, header length, total length against the frame, full header
 * checksum including options), looks the destination up as a /32 and then
 * as a /24 in routes, decrements the TTL with an incremental checksum
 * update, rewrites both MACs from the next hop and sends the frame out
 * (XDP_TX).  No route, TTL <= 1 (the kernel sends ICMP time exceeded) and
 * non-IPv4 pass to the kernel; invalid headers are dropped.
 *
 * Maps: routes (HASH __be32 prefix -> next hop {dmac, smac, packets}).
 * Exercises: a checksum over a variable-length header (unrolled, up to 30
 * halfwords), a masked second lookup, 64-bit atomic add in a hash value,
 * 6-byte MAC copies from a map value into the packet.
 */
#include "common.h"

struct nexthop {
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
	__u32 pad;
	__u64 packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __be32);
	__type(value, struct nexthop);
} routes SEC(".maps");

static __always_inline int csum_ok(struct iphdr *iph, __u32 hlen, void *data_end)
{
	__u16 *w = (__u16 *)iph;
	__u32 sum = 0;

	/* the caller checked iph + tot_len <= data_end: the bounds test is
	 * for the verifier only */
#pragma unroll
	for (int i = 0; i < 30; i++)
		if (i * 2 < hlen && (void *)(w + i + 1) <= data_end)
			sum += w[i];
	return csum_fold32(sum) == 0xffff;
}

SEC("xdp")
int ipv4_router(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct nexthop *nh;
	struct iphdr *iph;
	__u32 hlen, tot;
	__be32 dst;
	__u16 old;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_DROP;
	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	/* Linux 6.1's verifier keeps no bounds through a byte swap, and packet
	 * pointer + unbounded scalar is refused there: bound tot where it sees
	 * it (the empty asm keeps clang from proving the test redundant). */
	asm volatile("" : "+r"(tot));
	if (tot > 0xffff)
		return XDP_DROP;
	if (iph->version != 4 || hlen < sizeof(*iph) || tot < hlen)
		return XDP_DROP;
	if ((void *)iph + tot > data_end)
		return XDP_DROP;
	if (!csum_ok(iph, hlen, data_end))
		return XDP_DROP;

	dst = iph->daddr;
	nh = bpf_map_lookup_elem(&routes, &dst);
	if (!nh) {
		dst &= bpf_htonl(0xffffff00);
		nh = bpf_map_lookup_elem(&routes, &dst);
		if (!nh)
			return XDP_PASS;
	}
	if (iph->ttl <= 1)
		return XDP_PASS;

	old = *(__u16 *)&iph->ttl;		/* ttl and protocol share a word */
	iph->ttl--;
	iph->check = csum_replace2(iph->check, old, *(__u16 *)&iph->ttl);
	__builtin_memcpy(eth->h_dest, nh->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, nh->smac, ETH_ALEN);
	__sync_fetch_and_add(&nh->packets, 1);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
