/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * tail_adjust: bpf_xdp_adjust_tail in both directions on IPv4.
 *  - shrink: Ethernet padding / trailing bytes beyond the IP total length
 *    are cut off (XDP_PASS); UDP to the sampling port 6343 is truncated to
 *    128 bytes like an sFlow sampler (XDP_PASS).
 *  - grow: UDP to the stamping port 7777 gets a 16-byte trailer {magic,
 *    original frame length, sequence number from stamp_seq[0]} appended;
 *    IP total length (+ incremental header checksum) and UDP length are
 *    updated, the UDP checksum is cleared; sent back out (XDP_TX).
 * Truncated or inconsistent IP headers are dropped.
 *
 * Maps: stamp_seq (ARRAY[1] __u64, plain load/increment/store).
 * Exercises: adjust_tail +/-, packet stores at a variable offset, BPF_END
 * 16/32/64 (htons/htonl/cpu_to_be64), incremental checksum.
 */
#include "common.h"

#define SAMPLE_PORT	6343
#define STAMP_PORT	7777
#define SAMPLE_LEN	128
#define STAMP_MAGIC	0xb9f0c0deu

struct trailer {
	__be32 magic;
	__be32 orig_len;
	__be64 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} stamp_seq SEC(".maps");

static __always_inline int stamp(struct xdp_md *ctx, __u32 ip_end, __u32 frame_len)
{
	void *data, *data_end;
	struct iphdr *iph;
	struct udphdr *udp;
	struct trailer *t;
	__u32 zero = 0;
	__u64 *seq;
	__u16 old;

	barrier_var(ip_end);	/* re-derive the bound the verifier needs */
	if (ip_end > sizeof(struct ethhdr) + 1500)
		return XDP_ABORTED;
	if (frame_len > ip_end && bpf_xdp_adjust_tail(ctx, (int)ip_end - (int)frame_len))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_tail(ctx, (int)sizeof(*t)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	iph = data + sizeof(struct ethhdr);
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	t = data + ip_end;
	if ((void *)(t + 1) > data_end)
		return XDP_ABORTED;
	seq = bpf_map_lookup_elem(&stamp_seq, &zero);
	if (!seq)
		return XDP_ABORTED;
	*seq += 1;
	t->magic = bpf_htonl(STAMP_MAGIC);
	t->orig_len = bpf_htonl(frame_len);
	t->seq = bpf_cpu_to_be64(*seq);

	old = iph->tot_len;
	iph->tot_len = bpf_htons(bpf_ntohs(old) + sizeof(*t));
	iph->check = csum_replace2(iph->check, old, iph->tot_len);
	udp->len = bpf_htons(bpf_ntohs(udp->len) + sizeof(*t));
	udp->check = 0;
	return XDP_TX;
}

SEC("xdp")
int tail_adjust(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct udphdr *udp;
	__u32 frame_len = data_end - data, tot_len, ip_end;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_DROP;
	if (iph->ihl != 5)
		return XDP_PASS;
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < sizeof(*iph) || tot_len > 1500)
		return XDP_DROP;
	ip_end = sizeof(*eth) + tot_len;
	if (ip_end > frame_len)
		return XDP_DROP;			/* truncated */

	if (iph->protocol == IPPROTO_UDP) {
		udp = (void *)(iph + 1);
		if ((void *)(udp + 1) > data_end)
			return XDP_DROP;
		if (udp->dest == bpf_htons(STAMP_PORT))
			return stamp(ctx, ip_end, frame_len);
		if (udp->dest == bpf_htons(SAMPLE_PORT) && frame_len > SAMPLE_LEN) {
			if (bpf_xdp_adjust_tail(ctx, SAMPLE_LEN - (int)frame_len))
				return XDP_ABORTED;
			return XDP_PASS;
		}
	}
	if (frame_len > ip_end && bpf_xdp_adjust_tail(ctx, (int)ip_end - (int)frame_len))
		return XDP_ABORTED;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
