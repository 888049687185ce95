/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * sample_ret0 for tc on an NFP-like device: direct action with a constant
 * TC_ACT_SHOT verdict (the NFP verifier refuses TC_ACT_OK, 0).  In .text,
 * like the kernel's sample.
 */
#include <linux/pkt_cls.h>

int func(void)
{
	return TC_ACT_SHOT;
}
