/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Shared bits of the bpfnic test corpus: headers, a VLAN header, Internet
 * checksum helpers, and BN_RAW() for the few instructions clang 14 cannot
 * emit from C or its assembler (BPF_ST, JSET, 32-bit MOD): they go in with
 * `.8byte`, the way the kernel selftests do it.
 */
#ifndef BPF_TESTS_COMMON_H
#define BPF_TESTS_COMMON_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_8021AD
#define ETH_P_8021AD	0x88A8
#endif

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

#define VLAN_VID_MASK	0x0fff
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

/* One raw eBPF instruction as a 64-bit little-endian word for `.8byte`. */
#define BN_RAW(code, dst, src, off, imm)				\
	((unsigned long long)(code) |					\
	 ((unsigned long long)(dst) << 8) |				\
	 ((unsigned long long)(src) << 12) |				\
	 ((unsigned long long)((off) & 0xffff) << 16) |		\
	 ((unsigned long long)((imm) & 0xffffffffu) << 32))

/* Fold a 32-bit one's complement sum to 16 bits. */
static __always_inline __u16 csum_fold32(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 incremental update: checksum @csum, 16-bit word @old -> @new. */
static __always_inline __u16 csum_replace2(__u16 csum, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~csum;

	sum += (__u16)~old;
	sum += new;
	return ~csum_fold32(sum);
}

/* Checksum of a 20-byte IPv4 header (no options), csum field included. */
static __always_inline __u16 ipv4_csum20(const struct iphdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum = 0;

#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	return ~csum_fold32(sum);
}

#endif /* BPF_TESTS_COMMON_H */
