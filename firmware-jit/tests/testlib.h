/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/* Minimal test harness: CHECK() counts, the runner prints the closing line. */
#ifndef BPFNIC_TESTLIB_H
#define BPFNIC_TESTLIB_H

#include <stdio.h>

static unsigned int t_pass, t_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			t_pass++;					\
		} else {						\
			t_fail++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static inline int t_done(void)
{
	printf("%u passed, %u failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
