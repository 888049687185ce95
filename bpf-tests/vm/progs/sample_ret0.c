/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The kernel selftests' sample_ret0.c (test_offload.py): a program that
 * always loads, for the control paths: XDP, returns 0 (XDP_ABORTED).  In
 * section "xdp", not .text: bpftool 7.1 (libbpf 1.1, strict) loads no
 * program from .text.  tc uses sample_tc_shot.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int func(void)
{
	return 0;
}
