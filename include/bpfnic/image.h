/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpfnic program image: what the JIT produces and the device loads.
 *
 * Layout (all fields little-endian, every section 8-byte aligned):
 *   struct bn_image_hdr
 *   __le64 code[code_len]                  microcode words (isa.h)
 *   struct bn_image_reloc relocs[nrelocs]  applied by the loader
 *   struct bn_image_map maps[nmaps]        maps the program references
 *   __le32 line[nlines]                    eBPF insn i starts at code[line[i]]
 *
 * Code is position independent until relocated: branch targets and return
 * addresses are relative to the image start, helper calls and map ids are
 * resolved from the relocations.  The loader rejects an image whose sizes
 * do not add up to the buffer length, an unknown relocation type, an
 * out-of-range relocation offset or map index, and a version it does not
 * know; the image is untrusted input on both sides.
 */
#ifndef BPFNIC_IMAGE_H
#define BPFNIC_IMAGE_H

#include <linux/types.h>

#define BN_IMAGE_MAGIC		0x43494e42u	/* "BNIC" */
#define BN_IMAGE_VERSION	1

enum bn_prog_type {
	BN_PROG_XDP = 1,
	BN_PROG_TC = 2,		/* cls_bpf, direct action */
};

struct bn_image_hdr {
	__le32 magic;
	__le16 version;
	__le16 prog_type;	/* enum bn_prog_type */
	__le32 code_len;	/* instructions */
	__le32 nrelocs;
	__le32 nmaps;
	__le32 nlines;		/* eBPF instructions (0: no line table) */
	__le16 stack_size;	/* bytes of LM stack per thread */
	__le16 gprs;		/* GPRs per bank per thread the code uses */
	__le16 xfers;		/* xfer registers per thread the code uses */
	__le16 flags;		/* BN_IMAGE_F_* */
	__le32 reserved[2];	/* zero */
};

#define BN_IMAGE_F_NEEDS_PRNG	0x0001
#define BN_IMAGE_F_ADJ_HEAD	0x0002
#define BN_IMAGE_F_ADJ_TAIL	0x0004
/*
 * No packet's result depends on the order in which packets reach the maps
 * (the JIT proves it: no map_update/delete or perf_event_output, no plain
 * store into a map value, and no map both read and atomically added to):
 * the NIC model may run its FPCs in longer turns (nfp-sim sched.c).
 */
#define BN_IMAGE_F_ORDER_FREE	0x0008

enum bn_reloc_type {
	BN_RELOC_BR_REL = 1,	/* TARGET += load base                      */
	BN_RELOC_IMMED_REL = 2,	/* immed IMM16 += load base (return addrs)  */
	BN_RELOC_HELPER = 3,	/* TARGET = firmware address of helper arg  */
	BN_RELOC_MAP_ID = 4,	/* immed IMM16 = device id of maps[arg]     */
};

struct bn_image_reloc {
	__le32 insn;		/* index into code[] */
	__le16 type;		/* enum bn_reloc_type */
	__le16 reserved;	/* zero */
	__le32 arg;		/* helper id or map index */
	__le32 reserved2;	/* zero */
};

#define BN_MAP_NAME_LEN		16

/*
 * A PERF_EVENT_ARRAY map stays in the host (the device has no perf rings):
 * the loader gives its MAP_ID relocations BN_MAP_ID_EVENT | its index in
 * the image's map table, and bpf_perf_event_output() events name it by
 * that index (BN_CMSG_EVENT).  Its PROG_LOAD map id is ignored.  Its table
 * entry has max_entries 0: the host sizes it (one slot per host CPU).
 */
#define BN_MAP_ID_EVENT		0x8000

struct bn_image_map {
	__le32 type;		/* BPF_MAP_TYPE_ARRAY or BPF_MAP_TYPE_HASH */
	__le32 key_size;
	__le32 value_size;
	__le32 max_entries;
	__le32 flags;
	__le32 reserved;
	char name[BN_MAP_NAME_LEN];
};

#endif /* BPFNIC_IMAGE_H */
