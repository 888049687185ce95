/* Rejected: global data (.data/.bss) is a direct map value access. */
#include "../progs/common.h"

__u32 drop_proto = 17;	/* .data */
__u64 seen;		/* .bss */

SEC("xdp")
int global_data(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *p = data;

	if ((void *)(p + 24) > end)
		return XDP_PASS;
	seen++;
	return p[23] == drop_proto ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
