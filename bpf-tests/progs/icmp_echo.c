/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * icmp_echo: answers pings to our own addresses in XDP.  An ICMP echo
 * request (IPv4 type 8) or ICMPv6 echo request (type 128) to an address in
 * my_addrs4 / my_addrs6 is turned into the reply in place: type changed
 * with an incremental checksum update, addresses and MACs swapped, TTL /
 * hop limit reset to 64 (IPv4 header checksum recomputed), then XDP_TX.
 * Other ICMP, other destinations, fragments and IPv4 with options pass;
 * truncated ICMP headers are dropped.
 *
 * Maps: my_addrs4 (HASH __be32 -> __u32), my_addrs6 (HASH 16-byte address
 * -> __u32), echo_stats (ARRAY[2] __u64 replies per family).
 * Exercises: RFC 1624 checksum update, 16-byte hash keys straight from the
 * packet (map key pointer into packet memory), address swaps with 32- and
 * 64-bit loads/stores, XDP_TX.
 */
#include "common.h"

struct in6 {
	__u8 a[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __be32);
	__type(value, __u32);
} my_addrs4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct in6);
	__type(value, __u32);
} my_addrs6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} echo_stats SEC(".maps");

static __always_inline int reply(struct ethhdr *eth, __u32 family)
{
	__u8 mac[ETH_ALEN];
	__u64 *c = bpf_map_lookup_elem(&echo_stats, &family);

	if (c)
		__sync_fetch_and_add(c, 1);
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	return XDP_TX;
}

static __always_inline int echo4(struct ethhdr *eth, struct iphdr *iph, void *data_end)
{
	struct icmphdr *icmp = (void *)(iph + 1);
	__be32 tmp;

	if (iph->ihl != 5 || iph->frag_off & bpf_htons(IP_MF | IP_OFFMASK))
		return XDP_PASS;
	if (!bpf_map_lookup_elem(&my_addrs4, &iph->daddr))
		return XDP_PASS;
	if ((void *)(icmp + 1) > data_end)
		return XDP_DROP;
	if (icmp->type != ICMP_ECHO || icmp->code != 0)
		return XDP_PASS;
	icmp->type = ICMP_ECHOREPLY;
	icmp->checksum = csum_replace2(icmp->checksum, bpf_htons(ICMP_ECHO << 8),
				       bpf_htons(ICMP_ECHOREPLY << 8));
	tmp = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = tmp;
	iph->ttl = 64;
	iph->check = 0;
	iph->check = ipv4_csum20(iph);
	return reply(eth, 0);
}

static __always_inline int echo6(struct ethhdr *eth, struct ipv6hdr *ip6, void *data_end)
{
	struct icmp6hdr *icmp = (void *)(ip6 + 1);
	__u64 *s = (__u64 *)&ip6->saddr, *d = (__u64 *)&ip6->daddr, t0, t1;

	if (ip6->nexthdr != IPPROTO_ICMPV6)
		return XDP_PASS;
	if (!bpf_map_lookup_elem(&my_addrs6, &ip6->daddr))
		return XDP_PASS;
	if ((void *)(icmp + 1) > data_end)
		return XDP_DROP;
	if (icmp->icmp6_type != ICMPV6_ECHO_REQUEST || icmp->icmp6_code != 0)
		return XDP_PASS;
	icmp->icmp6_type = ICMPV6_ECHO_REPLY;
	icmp->icmp6_cksum = csum_replace2(icmp->icmp6_cksum,
					  bpf_htons(ICMPV6_ECHO_REQUEST << 8),
					  bpf_htons(ICMPV6_ECHO_REPLY << 8));
	t0 = s[0]; t1 = s[1];
	s[0] = d[0]; s[1] = d[1];
	d[0] = t0; d[1] = t1;
	ip6->hop_limit = 64;
	return reply(eth, 1);
}

SEC("xdp")
int icmp_echo(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end)
			return XDP_DROP;
		if (iph->protocol != IPPROTO_ICMP)
			return XDP_PASS;
		return echo4(eth, iph, data_end);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return XDP_DROP;
		return echo6(eth, ip6, data_end);
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
