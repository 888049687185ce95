/* Rejected: bpf_redirect() (helper 23) has no device implementation. */
#include "../progs/common.h"

SEC("xdp")
int redirect_helper(struct xdp_md *ctx)
{
	return bpf_redirect(ctx->ingress_ifindex, 0);
}

char _license[] SEC("license") = "GPL";
