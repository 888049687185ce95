/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ila_rewrite: an ILA (Identifier-Locator Addressing, RFC 8929-style) router
 * for IPv6.  A destination inside the SIR prefix (ila_sir[0]) has its upper
 * 64 bits replaced by the locator its identifier (lower 64 bits) maps to in
 * ila_map; in "adjust transport checksum" mode the TCP/UDP/ICMPv6 checksum
 * is fixed up for the changed pseudo-header.  Hop limit is decremented and
 * the frame goes back to the fabric (MACs swapped, XDP_TX).  Non-SIR
 * traffic passes, an unknown identifier is dropped, hop limit <= 1 passes
 * to the kernel (which sends the ICMPv6 error).
 *
 * Maps: ila_sir (ARRAY[1] __u64 prefix), ila_map (HASH __u64 identifier ->
 * {locator, mode}).
 * Exercises: 64-bit packet loads/stores (unaligned), 64-bit compares, a
 * 64-bit hash key, 16-bit one's-complement arithmetic with shifts/masks.
 */
#include "common.h"

enum { ILA_CSUM_NONE = 0, ILA_CSUM_ADJUST = 1 };

struct ila_val {
	__u64 locator;		/* memory order, as it goes on the wire */
	__u32 mode;		/* ILA_CSUM_* */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} ila_sir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, struct ila_val);
} ila_map SEC(".maps");

/* One's complement sum of the four 16-bit words of a 64-bit value. */
static __always_inline __u32 sum64(__u64 v)
{
	return (v & 0xffff) + ((v >> 16) & 0xffff) + ((v >> 32) & 0xffff) + (v >> 48);
}

static __always_inline __u32 sum64_not(__u64 v)
{
	return sum64(~v);
}

SEC("xdp")
int ila_rewrite(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	struct ila_val *ila;
	__u64 *dst_hi, *dst_lo, *sir, ident, old;
	__u16 *csum = 0;
	__u8 mac[ETH_ALEN];
	__u32 zero = 0, sum;
	void *l4;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return XDP_DROP;
	if (ip6->version != 6)
		return XDP_DROP;

	sir = bpf_map_lookup_elem(&ila_sir, &zero);
	dst_hi = (__u64 *)&ip6->daddr;
	dst_lo = dst_hi + 1;
	if (!sir || !*sir || *dst_hi != *sir)
		return XDP_PASS;
	ident = *dst_lo;
	ila = bpf_map_lookup_elem(&ila_map, &ident);
	if (!ila)
		return XDP_DROP;
	if (ip6->hop_limit <= 1)
		return XDP_PASS;

	l4 = ip6 + 1;
	if (ila->mode == ILA_CSUM_ADJUST) {
		if (ip6->nexthdr == IPPROTO_TCP && l4 + sizeof(struct tcphdr) <= data_end)
			csum = &((struct tcphdr *)l4)->check;
		else if (ip6->nexthdr == IPPROTO_UDP && l4 + sizeof(struct udphdr) <= data_end)
			csum = &((struct udphdr *)l4)->check;
		else if (ip6->nexthdr == IPPROTO_ICMPV6 && l4 + 4 <= data_end)
			csum = &((struct icmp6hdr *)l4)->icmp6_cksum;
		/* a zero UDP checksum is not allowed on IPv6, but leave it be */
		if (csum && ip6->nexthdr == IPPROTO_UDP && *csum == 0)
			csum = 0;
	}
	old = *dst_hi;
	*dst_hi = ila->locator;
	if (csum) {
		sum = (__u16)~*csum;
		sum += sum64_not(old) + sum64(ila->locator);
		sum = ~csum_fold32(sum) & 0xffff;
		if (sum == 0 && ip6->nexthdr == IPPROTO_UDP)
			sum = 0xffff;
		*csum = sum;
	}
	ip6->hop_limit--;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
