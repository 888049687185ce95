/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * fnv_dedup: drops duplicate frames.  The first 32 bytes of each frame
 * (fewer if it is shorter) are hashed with 64-bit FNV-1a; a digest listed
 * in fnv_block is dropped, a digest already in fnv_seen is a duplicate
 * (counted, dropped), a new one is remembered and passed.  Digests with the
 * top bit set are counted per top nibble in fnv_buckets; fnv_last keeps the
 * last digest and a tag derived from it with 64-bit masks.
 *
 * Exercises: BPF_LD | BPF_IMM | BPF_DW with full 64-bit constants (FNV
 * offset basis and prime, 0xffffffff00000000, 0x8000000000000001,
 * 0x00000000ffffffff) and with map references to four different maps,
 * 64-bit MUL by register, byte loads behind per-byte bounds checks.
 */
#include "common.h"

#define FNV_BASIS	0xcbf29ce484222325ULL
#define FNV_PRIME	0x00000100000001b3ULL
#define HASH_LEN	32

struct last {
	__u64 digest;
	__u64 tag;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u32);
} fnv_block SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} fnv_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} fnv_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct last);
} fnv_last SEC(".maps");

SEC("xdp")
int fnv_dedup(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u64 h, prime, one = 1, *cnt;
	struct last *last;
	__u32 zero = 0, bucket;

	asm volatile("%[h] = 0xcbf29ce484222325 ll" : [h] "=r"(h));
	asm volatile("%[p] = 0x100000001b3 ll" : [p] "=r"(prime));
#pragma unroll
	for (int i = 0; i < HASH_LEN; i++) {
		if (p + i + 1 > (__u8 *)data_end)
			break;
		h ^= p[i];
		h *= prime;
	}

	last = bpf_map_lookup_elem(&fnv_last, &zero);
	if (last) {
		__u64 hi, lo;

		asm volatile("%[m] = 0xffffffff00000000 ll" : [m] "=r"(hi));
		asm volatile("%[m] = 0x00000000ffffffff ll" : [m] "=r"(lo));
		last->digest = h;
		last->tag = ((h & hi) | ((h >> 7) & lo)) ^ 0x8000000000000001ULL;
	}
	if (h & 0x8000000000000000ULL) {
		bucket = h >> 60;
		cnt = bpf_map_lookup_elem(&fnv_buckets, &bucket);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
	}
	if (bpf_map_lookup_elem(&fnv_block, &h))
		return XDP_DROP;
	cnt = bpf_map_lookup_elem(&fnv_seen, &h);
	if (cnt) {
		__sync_fetch_and_add(cnt, 1);
		return XDP_DROP;
	}
	bpf_map_update_elem(&fnv_seen, &h, &one, BPF_NOEXIST);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
