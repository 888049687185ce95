/*
 * Rejected: perf_event_output() into slot 0 of the PERF_EVENT_ARRAY, not
 * the receiving CPU's: the device's events reach the host's perf ring of
 * whichever CPU takes them (BPF_F_CURRENT_CPU is the only index it has).
 */
#include "../progs/common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("xdp")
int perf_index(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	bpf_perf_event_output(ctx, &events, 0, &len, sizeof(len));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
