/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ddos_filter: source-address DDoS mitigation for IPv4 (optionally behind
 * one 802.1Q tag).  A blocklist hash map names sources to drop; every other
 * source gets a per-source {packets, bytes} entry (created on first sight
 * with BPF_NOEXIST, then updated with atomic adds) and is dropped once it
 * exceeds the packet or byte budget in ddos_limits.  A blocklist entry whose
 * action is 0 ("expired") is deleted by the next packet from that source.
 *
 * Maps: blocklist (HASH __be32 -> __u32 action), src_stats (HASH __be32 ->
 * {packets, bytes}), ddos_limits (ARRAY: {max_packets, max_bytes}),
 * drop_reasons (ARRAY of __u64 counters).
 * Exercises: map_lookup/update/delete, 64-bit atomic adds, 64-bit compares,
 * ktime_get_ns (called, result discarded: the verdict must stay exact).
 */
#include "common.h"

enum { BL_EXPIRED = 0, BL_DROP = 1 };
enum { R_BLOCKED, R_RATE, R_MALFORMED, R_MAX };

struct src_ctr {
	__u64 packets;
	__u64 bytes;
};

struct limits {
	__u64 max_packets;	/* 0: unlimited */
	__u64 max_bytes;	/* 0: unlimited */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32);
	__type(value, __u32);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __be32);
	__type(value, struct src_ctr);
} src_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct limits);
} ddos_limits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, R_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drop_reasons SEC(".maps");

static __always_inline int drop(__u32 reason)
{
	__u64 *c = bpf_map_lookup_elem(&drop_reasons, &reason);

	if (c)
		__sync_fetch_and_add(c, 1);
	return XDP_DROP;
}

SEC("xdp")
int ddos_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct src_ctr *st, init;
	struct limits *lim;
	__u64 len = data_end - data;
	__u32 *action, zero = 0;
	__be16 proto;
	__be32 saddr;

	bpf_ktime_get_ns();		/* a real filter would age entries */
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	iph = (void *)(eth + 1);
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vh = (void *)(eth + 1);

		if ((void *)(vh + 1) > data_end)
			return drop(R_MALFORMED);
		proto = vh->encap_proto;
		iph = (void *)(vh + 1);
	}
	if (proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if ((void *)(iph + 1) > data_end)
		return drop(R_MALFORMED);
	if (iph->version != 4 || iph->ihl < 5)
		return drop(R_MALFORMED);
	saddr = iph->saddr;

	action = bpf_map_lookup_elem(&blocklist, &saddr);
	if (action) {
		if (*action != BL_EXPIRED)
			return drop(R_BLOCKED);
		bpf_map_delete_elem(&blocklist, &saddr);
	}

	st = bpf_map_lookup_elem(&src_stats, &saddr);
	if (!st) {
		init.packets = 1;
		init.bytes = len;
		bpf_map_update_elem(&src_stats, &saddr, &init, BPF_NOEXIST);
		return XDP_PASS;
	}
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, len);

	lim = bpf_map_lookup_elem(&ddos_limits, &zero);
	if (!lim)
		return XDP_PASS;
	if (lim->max_packets && st->packets > lim->max_packets)
		return drop(R_RATE);
	if (lim->max_bytes && st->bytes > lim->max_bytes)
		return drop(R_RATE);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
