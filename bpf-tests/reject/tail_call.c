/* Rejected: tail calls (PROG_ARRAY + bpf_tail_call) cannot be offloaded. */
#include "../progs/common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} jmp_table SEC(".maps");

SEC("xdp")
int tail_call(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_table, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
