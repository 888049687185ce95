/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ctx_fields: every xdp_md field a device sees.  Counts packets per
 * (ingress_ifindex, rx_queue_index) in a hash map (created on first use);
 * drops frames from interfaces not listed in if_allow; frames of EtherType
 * 0x88B6 get a stamp {ifindex, queue, frame length, data_end - data as
 * reread from the context} written after the Ethernet header in network
 * order and are sent back (XDP_TX); everything else passes.
 *
 * Maps: if_allow (HASH __u32 ifindex -> __u32), rxq_stats (HASH {ifindex,
 * queue} -> __u64 packets).
 * Exercises: loads of xdp_md data, data_end, ingress_ifindex,
 * rx_queue_index (uapi offsets 0, 4, 12, 16), context fields used as map
 * keys, map_update_elem with BPF_NOEXIST.
 */
#include "common.h"

#define ETH_P_STAMP	0x88B6

struct rxq_key {
	__u32 ifindex;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} if_allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct rxq_key);
	__type(value, __u64);
} rxq_stats SEC(".maps");

SEC("xdp")
int ctx_fields(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct rxq_key key = {
		.ifindex = ctx->ingress_ifindex,
		.queue = ctx->rx_queue_index,
	};
	__u64 one = 1, *cnt;
	__be32 *stamp;

	if (!bpf_map_lookup_elem(&if_allow, &key.ifindex))
		return XDP_DROP;
	cnt = bpf_map_lookup_elem(&rxq_stats, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&rxq_stats, &key, &one, BPF_NOEXIST);

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_STAMP))
		return XDP_PASS;
	stamp = (void *)(eth + 1);
	if ((void *)(stamp + 4) > data_end)
		return XDP_DROP;
	stamp[0] = bpf_htonl(key.ifindex);
	stamp[1] = bpf_htonl(key.queue);
	stamp[2] = bpf_htonl(data_end - data);
	stamp[3] = bpf_htonl(ctx->data_end - ctx->data);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
