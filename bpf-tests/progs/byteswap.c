/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * byteswap: a telemetry normaliser.  Exporters send UDP datagrams to port
 * 4739 whose 56-byte record header is in little-endian host order; the
 * program rewrites it in network order in place and sends it on (XDP_TX)
 * for version 2, passes version 1 records after conversion, drops unknown
 * versions and truncated records.  The raw 64-bit word at offset 16 is also
 * run through every BPF_END form (le16/le32/le64 and be16/be32 of a full
 * 64-bit register: the result must be truncated/zero-extended) and the
 * results are stored in the record.
 *
 * Exercises: BPF_END BPF_TO_BE 16/32/64 (bpf_htons/htonl/cpu_to_be64 of
 * runtime values) and BPF_TO_LE 16/32/64, all on registers with a dirty
 * upper half; 16/32/64-bit packet loads and stores at odd offsets.
 */
#include "common.h"

#define TELEMETRY_PORT	4739

struct record {
	__u16 version;		/* host (LE) order on input */
	__u16 count;
	__u32 seq;
	__u64 timestamp;
	__u64 raw;		/* run through every BPF_END form */
	__u64 le16, le32, be16, be32;	/* outputs */
};

#define SWAP(op, v)	({ __u64 r_ = (v); asm volatile("%[r] = " op " %[r]" : [r] "+r"(r_)); r_; })

SEC("xdp")
int byteswap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct udphdr *udp;
	struct record *rec;
	__u16 version;
	__u64 raw;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_DROP;
	if (iph->ihl != 5 || iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_DROP;
	if (udp->dest != bpf_htons(TELEMETRY_PORT))
		return XDP_PASS;
	rec = (void *)(udp + 1);
	if ((void *)(rec + 1) > data_end)
		return XDP_DROP;

	version = rec->version;
	if (version != 1 && version != 2)
		return XDP_DROP;
	rec->version = bpf_htons(version);
	rec->count = bpf_htons(rec->count);
	rec->seq = bpf_htonl(rec->seq);
	rec->timestamp = bpf_cpu_to_be64(rec->timestamp);

	raw = rec->raw;
	rec->raw = SWAP("le64", raw);
	rec->le16 = SWAP("le16", raw);
	rec->le32 = SWAP("le32", raw);
	rec->be16 = SWAP("be16", raw);
	rec->be32 = SWAP("be32", raw);
	udp->check = 0;		/* the payload changed; IPv4 allows none */
	return version == 2 ? XDP_TX : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
