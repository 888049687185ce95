/* Rejected: bpf_csum_diff() (helper 28) has no device implementation. */
#include "../progs/common.h"

SEC("xdp")
int csum_helper(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__be32 from = 1, to = 2;
	struct iphdr *ip = data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	ip->check = (__u16)bpf_csum_diff(&from, 4, &to, 4, ip->check);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
