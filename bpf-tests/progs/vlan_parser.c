/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * vlan_parser: EtherType / VLAN front end of a switch pipeline.  Peels up
 * to two tags (802.1Q 0x8100 and 802.1ad 0x88a8, QinQ), applies a per-VID
 * policy (ARRAY indexed by the innermost VID: 0 allow, 1 drop, 2 send back
 * out = XDP_TX), then accepts IPv4 (version checked), IPv6, ARP; drops
 * unknown EtherTypes and more than two tags; aborts on a truncated tag.
 * Priority-tagged frames (VID 0) are treated as untagged.
 *
 * Maps: vlan_policy (ARRAY[4096] __u32), etype_stats (ARRAY of __u64).
 * Exercises: 16-bit loads + BPF_END (ntohs), AND/RSH by constant, array
 * lookup with a computed key, JEQ/JNE chains, every XDP action.
 */
#include "common.h"

enum { S_IPV4, S_IPV6, S_ARP, S_OTHER, S_TAGGED, S_QINQ, S_TRUNC, S_PRIO7, S_MAX };
enum { VP_ALLOW, VP_DROP, VP_TX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} vlan_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, S_MAX);
	__type(key, __u32);
	__type(value, __u64);
} etype_stats SEC(".maps");

static __always_inline void stat(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&etype_stats, &idx);

	if (c)
		__sync_fetch_and_add(c, 1);
}

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

SEC("xdp")
int vlan_parser(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__u32 vid = 0, tags = 0, *pol;
	__be16 proto;
	__u16 tci;

	if (l3 > data_end)
		return XDP_ABORTED;
	proto = eth->h_proto;

#pragma unroll
	for (int i = 0; i < 2; i++) {
		struct vlan_hdr *vh = l3;

		if (!is_vlan(proto))
			break;
		if ((void *)(vh + 1) > data_end) {
			stat(S_TRUNC);
			return XDP_ABORTED;
		}
		tci = bpf_ntohs(vh->tci);
		vid = tci & VLAN_VID_MASK;
		if ((tci >> 13) == 7)
			stat(S_PRIO7);
		proto = vh->encap_proto;
		l3 = vh + 1;
		tags++;
	}
	if (is_vlan(proto))
		return XDP_DROP;		/* three or more tags */
	if (tags)
		stat(tags == 2 ? S_QINQ : S_TAGGED);

	if (vid) {
		pol = bpf_map_lookup_elem(&vlan_policy, &vid);
		if (pol && *pol == VP_DROP)
			return XDP_DROP;
		if (pol && *pol == VP_TX)
			return XDP_TX;
	}

	switch (proto) {
	case bpf_htons(ETH_P_IP):
		if (l3 + 1 > data_end) {
			stat(S_TRUNC);
			return XDP_ABORTED;
		}
		if ((*(__u8 *)l3 >> 4) != 4)
			return XDP_DROP;
		stat(S_IPV4);
		return XDP_PASS;
	case bpf_htons(ETH_P_IPV6):
		stat(S_IPV6);
		return XDP_PASS;
	case bpf_htons(ETH_P_ARP):
		stat(S_ARP);
		return XDP_PASS;
	default:
		stat(S_OTHER);
		return XDP_DROP;
	}
}

char _license[] SEC("license") = "GPL";
