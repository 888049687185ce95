/* Rejected: returns XDP_REDIRECT, which the device cannot act on. */
#include "../progs/common.h"

SEC("xdp")
int redirect_ret(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	return XDP_REDIRECT;
}

char _license[] SEC("license") = "GPL";
