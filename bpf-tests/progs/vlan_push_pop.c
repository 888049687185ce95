/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * vlan_push_pop: access-port VLAN handling.  Frames tagged with the access
 * VID (vlan_cfg.pop_vid) are untagged -- MACs moved forward, then
 * bpf_xdp_adjust_head(+4) -- and passed up.  Untagged IPv4/IPv6 frames get
 * an 802.1Q tag for vlan_cfg.push_vid (PCP from the IPv4 precedence bits)
 * -- bpf_xdp_adjust_head(-4), header rebuilt -- and are sent back out the
 * trunk (XDP_TX).  Other tagged frames are dropped, other untagged pass.
 *
 * Maps: vlan_cfg (ARRAY[1] {push_vid, pop_vid}).
 * Exercises: adjust_head grow and shrink, 6-byte copies through the stack
 * (mixed-width loads/stores), re-validation of data/data_end after a helper.
 */
#include "common.h"

struct vlan_cfg {
	__u16 push_vid;		/* 0: never push */
	__u16 pop_vid;		/* 0: never pop */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vlan_cfg);
} vlan_cfg SEC(".maps");

static __always_inline int pop_tag(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 macs[2 * ETH_ALEN];

	if (data + sizeof(macs) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(macs, data, sizeof(macs));
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct vlan_hdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(macs) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(data, macs, sizeof(macs));
	return XDP_PASS;
}

static __always_inline int push_tag(struct xdp_md *ctx, __u16 vid, __u8 pcp)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr old, *eth;
	struct vlan_hdr *vh;

	if (data + sizeof(old) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(&old, data, sizeof(old));
	if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct vlan_hdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	vh = (void *)(eth + 1);
	if ((void *)(vh + 1) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(eth->h_dest, old.h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_source, old.h_source, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_8021Q);
	vh->tci = bpf_htons(((__u16)pcp << 13) | (vid & VLAN_VID_MASK));
	vh->encap_proto = old.h_proto;
	return XDP_TX;
}

SEC("xdp")
int vlan_push_pop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct vlan_cfg *cfg;
	__u32 zero = 0;
	__u8 pcp = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	cfg = bpf_map_lookup_elem(&vlan_cfg, &zero);
	if (!cfg)
		return XDP_ABORTED;

	if (eth->h_proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vh = (void *)(eth + 1);

		if ((void *)(vh + 1) > data_end)
			return XDP_DROP;
		if (cfg->pop_vid && (bpf_ntohs(vh->tci) & VLAN_VID_MASK) == cfg->pop_vid)
			return pop_tag(ctx);
		return XDP_DROP;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP) && eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	if (!cfg->push_vid)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end)
			return XDP_DROP;
		pcp = iph->tos >> 5;
	}
	return push_tag(ctx, cfg->push_vid, pcp);
}

char _license[] SEC("license") = "GPL";
