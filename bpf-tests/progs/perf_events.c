/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * perf_events: a flow sampler.  For every IPv4 TCP/UDP packet it sends an
 * event to the host with bpf_perf_event_output(): a struct flow_event from
 * the stack, followed by the packet's Ethernet header (BPF_F_CTXLEN_MASK),
 * into the perf ring of the CPU that receives it (BPF_F_CURRENT_CPU).
 * Events counts what it sent in sampled[0]; packets whose TTL would expire
 * are dropped (after their event), everything else passes.
 *
 * The helper's return value is not used: the device posts events to the
 * host asynchronously and reports 0, where the host kernel reports whether
 * a perf ring took it (-ENOENT without a reader).
 *
 * Maps: events (PERF_EVENT_ARRAY, stays in the host), sampled (ARRAY[1]).
 * Exercises: perf_event_output with stack data + packet bytes, from an
 * offloaded program (NFP-style), 16-bit stores on the stack.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sampled SEC(".maps");

struct flow_event {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u16 tot_len;
	__u8 proto, ttl;
};

SEC("xdp")
int perf_events(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow_event ev = {};
	struct iphdr *iph;
	__u16 *ports;
	__u32 zero = 0;
	__u64 *n;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end || iph->ihl != 5)
		return XDP_PASS;
	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	ports = (void *)(iph + 1);
	if ((void *)(ports + 2) > data_end)
		return XDP_DROP;
	ev.saddr = iph->saddr;
	ev.daddr = iph->daddr;
	ev.sport = bpf_ntohs(ports[0]);
	ev.dport = bpf_ntohs(ports[1]);
	ev.tot_len = bpf_ntohs(iph->tot_len);
	ev.proto = iph->protocol;
	ev.ttl = iph->ttl;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | ((__u64)sizeof(*eth) << 32),
			      &ev, sizeof(ev));
	n = bpf_map_lookup_elem(&sampled, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return ev.ttl <= 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
