/* Rejected: a stack access at an offset only known at run time. */
#include "../progs/common.h"

SEC("xdp")
int var_stack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	volatile __u8 buf[64] = {};
	__u8 *p = data;

	if ((void *)(p + 2) > end)
		return XDP_PASS;
	buf[p[0] & 63] = p[1];
	return buf[p[1] & 63] ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
