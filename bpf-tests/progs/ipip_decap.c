/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ipip_decap: the receiving side of l4lb.  IPIP (IPv4-in-IPv4) and
 * 6in4 packets addressed to one of our tunnel endpoints (decap_addrs) lose
 * their outer IPv4 header: the Ethernet header is moved forward and the
 * frame shrunk with bpf_xdp_adjust_head(+20 / +ihl*4), then XDP_PASS.
 * Everything not for us passes untouched; malformed tunnels are dropped.
 *
 * Maps: decap_addrs (HASH __be32 -> __u32 flags), decap_cnt (ARRAY of
 * __u32 counters, 32-bit atomic adds).
 * Exercises: adjust_head shrink by a variable amount (outer options),
 * 32-bit atomic add, byte/halfword/word packet loads and stores.
 */
#include "common.h"

enum { CNT_IPIP, CNT_6IN4, CNT_NOT_OURS, CNT_BAD, CNT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __be32);
	__type(value, __u32);
} decap_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} decap_cnt SEC(".maps");

static __always_inline void bump(__u32 idx)
{
	__u32 *c = bpf_map_lookup_elem(&decap_cnt, &idx);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("xdp")
int ipip_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, old;
	struct iphdr *outer;
	__u32 hlen, kind;
	__be32 daddr;
	__u8 inner_ver;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	outer = (void *)(eth + 1);
	if ((void *)(outer + 1) > data_end)
		return XDP_PASS;
	if (outer->protocol != IPPROTO_IPIP && outer->protocol != IPPROTO_IPV6)
		return XDP_PASS;
	daddr = outer->daddr;
	if (!bpf_map_lookup_elem(&decap_addrs, &daddr)) {
		bump(CNT_NOT_OURS);
		return XDP_PASS;
	}
	hlen = outer->ihl * 4;
	if (outer->version != 4 || hlen < sizeof(*outer))
		goto bad;
	if (outer->frag_off & bpf_htons(IP_MF | IP_OFFMASK))
		goto bad;
	/* the inner header must be there: its first byte at least */
	if ((void *)outer + hlen + 1 > data_end)
		goto bad;
	inner_ver = *((__u8 *)outer + hlen) >> 4;
	if (outer->protocol == IPPROTO_IPIP) {
		if (inner_ver != 4)
			goto bad;
		kind = CNT_IPIP;
	} else {
		if (inner_ver != 6)
			goto bad;
		kind = CNT_6IN4;
	}
	__builtin_memcpy(&old, eth, sizeof(old));
	if (bpf_xdp_adjust_head(ctx, hlen))
		goto bad;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		goto bad;
	__builtin_memcpy(eth, &old, 12);
	eth->h_proto = kind == CNT_IPIP ? bpf_htons(ETH_P_IP) : bpf_htons(ETH_P_IPV6);
	bump(kind);
	return XDP_PASS;
bad:
	bump(CNT_BAD);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
