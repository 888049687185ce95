/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * sample_ret0 for tc on an NFP-like device: direct action with a constant
 * TC_ACT_SHOT verdict (the NFP verifier refuses TC_ACT_OK, 0), in section
 * "tc".
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc") int func(void)
{
	return TC_ACT_SHOT;
}
