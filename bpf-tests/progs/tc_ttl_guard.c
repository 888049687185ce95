/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * tc_ttl_guard: tc ingress TTL / hop-limit enforcement for a router port.
 * IPv4: frames whose skb->len is shorter than the IP total length are
 * shot, TTL <= 1 is shot, otherwise the TTL is decremented in place with an
 * incremental header checksum update and the frame continues (TC_ACT_OK).
 * IPv6: hop limit <= 1 is shot, otherwise decremented (no checksum).
 * skb->mark records the TTL / hop limit seen; other protocols (including
 * VLAN-tagged frames, whose skb->protocol is 802.1Q) are left alone with
 * TC_ACT_UNSPEC.
 *
 * Exercises: direct packet writes from tc, __sk_buff protocol/len/mark,
 * RFC 1624 checksum update on a 16-bit word, TC_ACT_OK/SHOT/UNSPEC.
 */
#include "common.h"

SEC("tc")
int tc_ttl_guard(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_SHOT;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);
		__u16 old;

		if ((void *)(iph + 1) > data_end)
			return TC_ACT_SHOT;
		if (skb->len < sizeof(*eth) + bpf_ntohs(iph->tot_len))
			return TC_ACT_SHOT;
		skb->mark = iph->ttl;
		if (iph->ttl <= 1)
			return TC_ACT_SHOT;
		old = *(__u16 *)&iph->ttl;
		iph->ttl--;
		iph->check = csum_replace2(iph->check, old, *(__u16 *)&iph->ttl);
		return TC_ACT_OK;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_SHOT;
		skb->mark = ip6->hop_limit;
		if (ip6->hop_limit <= 1)
			return TC_ACT_SHOT;
		ip6->hop_limit--;
		return TC_ACT_OK;
	}
	return TC_ACT_UNSPEC;
}

char _license[] SEC("license") = "GPL";
