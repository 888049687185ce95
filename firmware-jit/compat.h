/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The one kernel/userspace switch of firmware-jit.  Everything else in
 * firmware-jit/ includes this instead of libc or kernel headers.
 */
#ifndef BPFNIC_JIT_COMPAT_H
#define BPFNIC_JIT_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/bpf.h>
#else /* userspace */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <linux/types.h>
#include <linux/bpf.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define __bf_shf(x)		(__builtin_ffsll(x) - 1)
#define FIELD_PREP(mask, val)	(((u64)(val) << __bf_shf(mask)) & (mask))
#define FIELD_GET(mask, reg)	((typeof(mask))(((reg) & (mask)) >> __bf_shf(mask)))
#define FIELD_FIT(mask, val)	\
	(!((((u64)(val)) << __bf_shf(mask)) & ~(u64)(mask)))
#define FIELD_MAX(mask)		((typeof(mask))((mask) >> __bf_shf(mask)))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define WARN_ON_ONCE(c)		(!!(c))
#define ENOTSUPP		524	/* kernel-internal, as in the kernel */
#endif /* __KERNEL__ */

#endif /* BPFNIC_JIT_COMPAT_H */
