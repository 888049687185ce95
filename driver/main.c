// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic.ko entry point.  For now the module carries firmware-jit built as
 * kernel code; the PCI driver and the offload glue land here next.
 */
#include <linux/module.h>
#include "ucode.h"

static int __init bpfnic_init(void)
{
	pr_debug("bpfnic: ISA with %u instructions\n", bn_isa_nrows);
	return 0;
}

static void __exit bpfnic_exit(void)
{
}

module_init(bpfnic_init);
module_exit(bpfnic_exit);
MODULE_DESCRIPTION("bpfnic: eBPF offload NIC");
MODULE_LICENSE("GPL");
