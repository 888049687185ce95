/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * tc_classifier: a direct-action tc ingress classifier.  Dispatches on
 * skb->protocol, writes a traffic class into skb->mark (0x400 | DSCP for
 * IPv4, 0x600 | traffic class for IPv6, plus 0x10000 for SSH and 0x20000
 * for frames longer than 1000 bytes by skb->len), counts bytes per class,
 * then decides from the mark it reads back: EF (DSCP 46) -> TC_ACT_OK,
 * SSH + bulk -> TC_ACT_SHOT, scavenger CS1 (DSCP 8) -> TC_ACT_STOLEN,
 * IPv6 -> TC_ACT_PIPE, other IPv4 -> TC_ACT_UNSPEC, ARP -> TC_ACT_OK,
 * anything else (including 802.3 length-field frames, for which the
 * kernel's eth_type_trans gives ETH_P_802_3 / ETH_P_802_2) -> TC_ACT_SHOT.
 *
 * Maps: class_bytes (ARRAY[4] __u64, atomic adds of skb->len).
 * Exercises: __sk_buff len, protocol, data, data_end loads and mark store
 * and reload; TC_ACT_* return codes.
 */
#include "common.h"

#define MARK_IPV4	0x400
#define MARK_IPV6	0x600
#define MARK_SSH	0x10000
#define MARK_BULK	0x20000

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} class_bytes SEC(".maps");

static __always_inline void classify_ipv4(struct __sk_buff *skb, struct iphdr *iph,
					  void *data_end)
{
	__u32 mark = MARK_IPV4 | (iph->tos >> 2);

	if (iph->protocol == IPPROTO_TCP && iph->ihl == 5) {
		struct tcphdr *th = (void *)(iph + 1);

		if ((void *)(th + 1) <= data_end && th->dest == bpf_htons(22))
			mark |= MARK_SSH;
	}
	if (skb->len > 1000)
		mark |= MARK_BULK;
	skb->mark = mark;
}

SEC("tc")
int tc_classifier(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u32 idx;
	__u64 *c;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_SHOT;
	switch (skb->protocol) {
	case bpf_htons(ETH_P_ARP):
		return TC_ACT_OK;
	case bpf_htons(ETH_P_IP): {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end)
			return TC_ACT_SHOT;
		classify_ipv4(skb, iph, data_end);
		break;
	}
	case bpf_htons(ETH_P_IPV6): {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_SHOT;
		skb->mark = MARK_IPV6 | ip6->priority << 4 | ip6->flow_lbl[0] >> 4;
		break;
	}
	default:
		return TC_ACT_SHOT;
	}

	idx = skb->mark >> 16;
	c = bpf_map_lookup_elem(&class_bytes, &idx);
	if (c)
		__sync_fetch_and_add(c, skb->len);

	if ((skb->mark & 0xf00) == MARK_IPV6)
		return TC_ACT_PIPE;
	if ((skb->mark & (MARK_SSH | MARK_BULK)) == (MARK_SSH | MARK_BULK))
		return TC_ACT_SHOT;
	if ((skb->mark & 0x3f) == 46)
		return TC_ACT_OK;
	if ((skb->mark & 0x3f) == 8)
		return TC_ACT_STOLEN;
	return TC_ACT_UNSPEC;
}

char _license[] SEC("license") = "GPL";
