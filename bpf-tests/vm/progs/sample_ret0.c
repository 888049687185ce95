/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The kernel selftests' sample_ret0.c (test_offload.py): a program that
 * always loads, for the control paths.  In .text, as there: XDP returns 0
 * (XDP_ABORTED).  offload-suite.sh uses it for XDP; tc uses sample_tc_shot.
 */
int func(void)
{
	return 0;
}
