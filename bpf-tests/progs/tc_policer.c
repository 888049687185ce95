/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * tc_policer: per-source byte budgets at tc ingress.  Each IPv4 source has
 * a token bucket in pol_buckets (created on first sight with
 * pol_cfg.default_tokens); a frame that fits (by skb->len) takes its
 * tokens and continues (TC_ACT_OK), one that does not is shot; a source
 * that exceeded more than pol_cfg.max_exceed times is quarantined: its
 * frames are consumed (TC_ACT_STOLEN).  Expedited-forwarding traffic
 * (DSCP 46) bypasses the policer (TC_ACT_PIPE).  Refill is by time in a
 * real policer; here the clock is read and ignored so that the results
 * stay exact.
 *
 * Maps: pol_buckets (HASH __be32 -> {tokens, conform, exceed}), pol_cfg
 * (ARRAY[1] {default_tokens, max_exceed}).
 * Exercises: __sk_buff len/protocol/data/data_end, hash insert, 64-bit
 * read-modify-write and atomic adds in a map value, ktime_get_ns and
 * get_prandom_u32 (results unused), TC_ACT_OK/SHOT/STOLEN/PIPE.
 */
#include "common.h"

struct bucket {
	__u64 tokens;
	__u64 conform;
	__u64 exceed;
};

struct pol_cfg {
	__u64 default_tokens;
	__u64 max_exceed;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32);
	__type(value, struct bucket);
} pol_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pol_cfg);
} pol_cfg SEC(".maps");

SEC("tc")
int tc_policer(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct bucket *b, nb = {};
	struct pol_cfg *cfg;
	__u32 zero = 0;
	__u64 len = skb->len;
	__be32 saddr;

	bpf_ktime_get_ns();
	bpf_get_prandom_u32();
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if ((void *)(iph + 1) > data_end)
		return TC_ACT_SHOT;
	if ((iph->tos >> 2) == 46)
		return TC_ACT_PIPE;
	cfg = bpf_map_lookup_elem(&pol_cfg, &zero);
	if (!cfg)
		return TC_ACT_SHOT;
	saddr = iph->saddr;

	b = bpf_map_lookup_elem(&pol_buckets, &saddr);
	if (!b) {
		if (len > cfg->default_tokens) {
			nb.tokens = cfg->default_tokens;
			nb.exceed = 1;
			bpf_map_update_elem(&pol_buckets, &saddr, &nb, BPF_NOEXIST);
			return TC_ACT_SHOT;
		}
		nb.tokens = cfg->default_tokens - len;
		nb.conform = 1;
		bpf_map_update_elem(&pol_buckets, &saddr, &nb, BPF_NOEXIST);
		return TC_ACT_OK;
	}
	if (b->exceed > cfg->max_exceed)
		return TC_ACT_STOLEN;
	if (b->tokens >= len) {
		b->tokens -= len;
		__sync_fetch_and_add(&b->conform, 1);
		return TC_ACT_OK;
	}
	__sync_fetch_and_add(&b->exceed, 1);
	return TC_ACT_SHOT;
}

char _license[] SEC("license") = "GPL";
