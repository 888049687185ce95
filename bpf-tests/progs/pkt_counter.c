/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * pkt_counter: the canonical atomic packet counter, with a twist that makes
 * the counts observable in the verdicts: once the total packet count passes
 * the quota in pkt_quota[0] (0 = no quota) every further packet is dropped.
 * Counts packets and bytes (64-bit atomic adds), runts and jumbo bytes
 * (32-bit atomic adds) and packets per IP protocol / IPv6 next header.
 *
 * Maps: pkt_totals (ARRAY[1] struct totals), proto_ctrs (ARRAY[256] __u32),
 * pkt_quota (ARRAY[1] __u64).
 * Exercises: XADD 64 (K and register addend), XADD 32, map value loads
 * after atomic updates, get_prandom_u32 (a sampling stub: result unused).
 */
#include "common.h"

struct totals {
	__u64 packets;
	__u64 bytes;
	__u32 runts;		/* frames shorter than 60 bytes */
	__u32 jumbo_bytes;	/* bytes of frames longer than 1024 */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct totals);
} pkt_totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} proto_ctrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pkt_quota SEC(".maps");

SEC("xdp")
int pkt_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct totals *t;
	__u32 zero = 0, proto = 256, *pc;
	__u64 len = data_end - data, *quota;

	bpf_get_prandom_u32();		/* sampling decision: unused here */
	t = bpf_map_lookup_elem(&pkt_totals, &zero);
	if (!t)
		return XDP_ABORTED;
	__sync_fetch_and_add(&t->packets, 1);
	__sync_fetch_and_add(&t->bytes, len);
	if (len < 60)
		__sync_fetch_and_add(&t->runts, 1);
	if (len > 1024)
		__sync_fetch_and_add(&t->jumbo_bytes, (__u32)len);

	if ((void *)(eth + 1) <= data_end) {
		if (eth->h_proto == bpf_htons(ETH_P_IP)) {
			struct iphdr *iph = (void *)(eth + 1);

			if ((void *)(iph + 1) <= data_end)
				proto = iph->protocol;
		} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
			struct ipv6hdr *ip6 = (void *)(eth + 1);

			if ((void *)(ip6 + 1) <= data_end)
				proto = ip6->nexthdr;
		}
	}
	if (proto < 256) {
		pc = bpf_map_lookup_elem(&proto_ctrs, &proto);
		if (pc)
			__sync_fetch_and_add(pc, 1);
	}

	quota = bpf_map_lookup_elem(&pkt_quota, &zero);
	if (quota && *quota && t->packets > *quota)
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
