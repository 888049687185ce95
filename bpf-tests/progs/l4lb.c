/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * l4lb: a Katran-style layer-4 load balancer.  IPv4 TCP/UDP packets whose
 * (daddr, dport, proto) is a VIP are hashed on the flow to one of the VIP's
 * real servers and sent back out IPIP-encapsulated (outer header built in
 * front of the frame with bpf_xdp_adjust_head(-20)), XDP_TX.
 *
 * Maps: vip_map (HASH vip_key -> vip_meta), reals (ARRAY index -> real),
 * lb_config (ARRAY: tunnel source address), lb_stats (ARRAY of
 * {packets, bytes}, 64-bit atomic adds).
 * Exercises: header parsing with bounds checks, hash lookup with a stack
 * key, flow hash with MUL/rotates, MOD by register (real index), adjust_head
 * grow, packet stores of every width, IPv4 checksum, XDP_TX/PASS/DROP/ABORTED.
 */
#include "common.h"

#define F_HASH_NO_SRC_PORT	0x1

struct vip_key {
	__be32 addr;
	__be16 port;
	__u8 proto;
	__u8 pad;
};

struct vip_meta {
	__u32 first_real;	/* index into reals */
	__u32 num_reals;
	__u32 flags;		/* F_* */
};

struct real {
	__be32 addr;
	__u8 mac[ETH_ALEN];
	__u16 pad;
};

struct lb_cfg {
	__be32 tunnel_src;	/* 0: not configured -> XDP_ABORTED */
};

struct lb_ctr {
	__u64 packets;
	__u64 bytes;
};

enum { STAT_ENCAP, STAT_NOT_VIP, STAT_DROP, STAT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct vip_key);
	__type(value, struct vip_meta);
} vip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct real);
} reals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_cfg);
} lb_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, struct lb_ctr);
} lb_stats SEC(".maps");

static __always_inline void count(__u32 idx, __u64 bytes)
{
	struct lb_ctr *c = bpf_map_lookup_elem(&lb_stats, &idx);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, bytes);
	}
}

static __always_inline __u32 rol32(__u32 w, int s)
{
	return (w << s) | (w >> (32 - s));
}

/* jhash_3words-style mix of the flow. */
static __always_inline __u32 flow_hash(__u32 a, __u32 b, __u32 c)
{
	a += 0xdeadbeef; b += 0xdeadbeef; c += 0xdeadbeef;
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c * 0x9e3779b1;
}

SEC("xdp")
int l4lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, *neth, old;
	struct iphdr *iph, *outer;
	struct vip_key key = {};
	struct vip_meta *vip;
	struct real *rs;
	struct lb_cfg *cfg;
	__u32 zero = 0, idx, ports;
	__u16 inner_len;
	__u8 tos;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		goto drop;
	if (iph->version != 4 || iph->ihl != 5)	/* no IP options on VIPs */
		goto drop;
	if (iph->frag_off & bpf_htons(IP_MF | IP_OFFMASK))
		goto drop;
	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP) {
		count(STAT_NOT_VIP, data_end - data);
		return XDP_PASS;
	}
	if ((void *)(iph + 1) + 4 > data_end)
		goto drop;
	ports = *(__u32 *)(iph + 1);		/* sport, dport */

	key.addr = iph->daddr;
	key.port = ports >> 16;
	key.proto = iph->protocol;
	vip = bpf_map_lookup_elem(&vip_map, &key);
	if (!vip) {
		count(STAT_NOT_VIP, data_end - data);
		return XDP_PASS;
	}
	if (vip->num_reals == 0)
		goto drop;
	if (vip->flags & F_HASH_NO_SRC_PORT)
		ports &= 0xffff0000;
	idx = flow_hash(iph->saddr, ports, iph->protocol);
	idx = vip->first_real + idx % vip->num_reals;
	rs = bpf_map_lookup_elem(&reals, &idx);
	if (!rs)
		goto drop;
	cfg = bpf_map_lookup_elem(&lb_config, &zero);
	if (!cfg || !cfg->tunnel_src)
		return XDP_ABORTED;

	inner_len = bpf_ntohs(iph->tot_len);
	tos = iph->tos;
	__builtin_memcpy(&old, eth, sizeof(old));
	if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
		goto drop;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	neth = data;
	outer = (void *)(neth + 1);
	if ((void *)(outer + 1) > data_end)
		goto drop;
	__builtin_memcpy(neth->h_dest, rs->mac, ETH_ALEN);
	__builtin_memcpy(neth->h_source, old.h_dest, ETH_ALEN);
	neth->h_proto = bpf_htons(ETH_P_IP);

	outer->version = 4;
	outer->ihl = 5;
	outer->tos = tos;
	outer->tot_len = bpf_htons(inner_len + sizeof(struct iphdr));
	outer->id = 0;
	outer->frag_off = 0;
	outer->ttl = 64;
	outer->protocol = IPPROTO_IPIP;
	outer->check = 0;
	outer->saddr = cfg->tunnel_src;
	outer->daddr = rs->addr;
	outer->check = ipv4_csum20(outer);

	count(STAT_ENCAP, data_end - data);
	return XDP_TX;
drop:
	count(STAT_DROP, data_end - data);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
