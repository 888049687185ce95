/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * acl_firewall: a stateless IPv4 5-tuple firewall.  Rules live in a hash
 * map and are looked up most-specific first: (saddr, daddr, dport, proto),
 * then (*, daddr, dport, proto), then (*, daddr, *, proto); a hit counts
 * (atomic add) and returns the rule's XDP action, a miss takes
 * acl_default[0].  IP options are skipped with a variable header length,
 * non-first fragments match with port 0, ICMP uses type/code as the port.
 * Malformed headers, TCP SYN+FIN and TCP "null" packets are dropped; IPv6
 * and ARP pass.
 *
 * Maps: acl_rules (HASH acl_key -> {action, hits}), acl_default (ARRAY[1]).
 * Exercises: variable-offset packet access (ihl * 4), three dependent hash
 * lookups with stack keys, 64-bit atomic add, a returned map value as the
 * verdict (range-checked).
 */
#include "common.h"

struct acl_key {
	__be32 saddr;
	__be32 daddr;
	__be16 dport;
	__u8 proto;
	__u8 pad;
};

struct acl_val {
	__u32 action;		/* XDP_* */
	__u32 pad;
	__u64 hits;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct acl_key);
	__type(value, struct acl_val);
} acl_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} acl_default SEC(".maps");

static __always_inline int verdict(__u32 action)
{
	return action <= XDP_TX ? action : XDP_ABORTED;
}

SEC("xdp")
int acl_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct acl_key key = {};
	struct acl_val *rule;
	struct iphdr *iph;
	__u32 hlen, zero = 0, *def;
	__u8 *l4;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_DROP;
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph) || bpf_ntohs(iph->tot_len) < hlen)
		return XDP_DROP;
	l4 = (__u8 *)iph + hlen;

	key.saddr = iph->saddr;
	key.daddr = iph->daddr;
	key.proto = iph->protocol;
	if (!(iph->frag_off & bpf_htons(IP_OFFMASK))) {
		switch (iph->protocol) {
		case IPPROTO_TCP: {
			struct tcphdr *th = (void *)l4;

			if ((void *)(th + 1) > data_end)
				return XDP_DROP;
			if (th->syn && th->fin)
				return XDP_DROP;
			if (!(((__u8 *)th)[13] & 0x3f))	/* no flags at all */
				return XDP_DROP;
			key.dport = th->dest;
			break;
		}
		case IPPROTO_UDP:
			if (l4 + sizeof(struct udphdr) > (__u8 *)data_end)
				return XDP_DROP;
			key.dport = ((struct udphdr *)l4)->dest;
			break;
		case IPPROTO_ICMP:
			if (l4 + 4 > (__u8 *)data_end)
				return XDP_DROP;
			key.dport = bpf_htons(l4[0] << 8 | l4[1]);
			break;
		}
	}

	rule = bpf_map_lookup_elem(&acl_rules, &key);
	if (!rule) {
		key.saddr = 0;
		rule = bpf_map_lookup_elem(&acl_rules, &key);
	}
	if (!rule) {
		key.dport = 0;
		rule = bpf_map_lookup_elem(&acl_rules, &key);
	}
	if (rule) {
		__sync_fetch_and_add(&rule->hits, 1);
		return verdict(rule->action);
	}
	def = bpf_map_lookup_elem(&acl_default, &zero);
	return def ? verdict(*def) : XDP_ABORTED;
}

char _license[] SEC("license") = "GPL";
