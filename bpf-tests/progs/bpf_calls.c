/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpf_calls: an IPv4 classifier split into bpf-to-bpf functions the way
 * larger XDP programs are.  parse_l2() skips one VLAN tag and returns the
 * EtherType, writing the L3 offset through a pointer into the caller's
 * stack; ip_csum_ok() verifies the header checksum (packet pointer
 * argument); classify() looks the flow up in call_policy and falls back to
 * mix5(), a five-argument hash with its own stack buffer, three calls deep.
 * Bad checksums are dropped; the class picks TX, PASS or DROP.
 *
 * Maps: call_policy (HASH __u32 class -> __u32 XDP action).
 * Exercises: BPF_CALL with BPF_PSEUDO_CALL, nested calls (depth 3), five
 * register arguments, callee stack frames, pointers to the caller's stack
 * and into the packet passed as arguments, map lookups inside a callee.
 */
#include "common.h"

#define __noinline __attribute__((noinline))

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} call_policy SEC(".maps");

static __noinline int parse_l2(void *data, void *data_end, __u32 *l3_off)
{
	struct ethhdr *eth = data;
	struct vlan_hdr *vh;

	if ((void *)(eth + 1) > data_end)
		return -1;
	*l3_off = sizeof(*eth);
	if (eth->h_proto != bpf_htons(ETH_P_8021Q))
		return bpf_ntohs(eth->h_proto);
	vh = (void *)(eth + 1);
	if ((void *)(vh + 1) > data_end)
		return -1;
	*l3_off += sizeof(*vh);
	return bpf_ntohs(vh->encap_proto);
}

static __noinline int ip_csum_ok(struct iphdr *iph, void *data_end)
{
	if ((void *)(iph + 1) > data_end)
		return 0;
	return ipv4_csum20(iph) == 0;
}

static __noinline __u64 mix5(__u64 a, __u64 b, __u64 c, __u64 d, __u64 e)
{
	volatile __u64 tmp[4];

	tmp[0] = a * 0x9e3779b97f4a7c15ULL;
	tmp[1] = (b << 17) | (b >> 47);
	tmp[2] = c ^ (d << 32);
	tmp[3] = e + 0x632be59bd9b4e019ULL;
	return (tmp[0] ^ tmp[1]) + (tmp[2] ^ tmp[3]);
}

static __noinline int classify(struct iphdr *iph, void *data_end)
{
	__u32 class, *action;
	__u64 h;
	__u16 ports[2] = {};

	if (iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) {
		__u16 *l4 = (void *)(iph + 1);

		if ((void *)(l4 + 2) > data_end)
			return XDP_DROP;
		ports[0] = l4[0];
		ports[1] = l4[1];
	}
	class = iph->protocol << 16 | bpf_ntohs(ports[1]);
	action = bpf_map_lookup_elem(&call_policy, &class);
	if (action)
		return *action;
	h = mix5(iph->saddr, iph->daddr, ports[0], ports[1], iph->protocol);
	return (h >> 32) & 1 ? XDP_TX : XDP_PASS;
}

SEC("xdp")
int bpf_calls(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph;
	__u32 l3_off = 0;
	int proto;

	proto = parse_l2(data, data_end, &l3_off);
	if (proto < 0)
		return XDP_ABORTED;
	if (proto != ETH_P_IP)
		return XDP_PASS;
	if (l3_off > 18)
		return XDP_ABORTED;
	iph = data + l3_off;
	if (!ip_csum_ok(iph, data_end))
		return XDP_DROP;
	return classify(iph, data_end);
}

char _license[] SEC("license") = "GPL";
