/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * drop_ethertype: the simplest benchmark program (the XDP_DROP line-rate
 * figure).  Drops every frame whose outer EtherType is IPv6, passes the rest.
 *
 * Exercises: xdp_md data/data_end loads, the Ethernet bounds check, one
 * 16-bit packet load, compare-with-constant branch, XDP_DROP and XDP_PASS.
 */
#include "common.h"

SEC("xdp")
int drop_ethertype(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
