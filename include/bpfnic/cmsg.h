/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpfnic control messages: tagged request/reply over the control rings
 * (regs.h), on the model of the NFP's ccm.  All fields little-endian.
 *
 * Every message starts with struct bn_cmsg_hdr; len is the whole message in
 * bytes.  A reply has the request's type | BN_CMSG_REPLY, the request's tag,
 * and starts its body with a __le32 rc (enum bn_rc).  The device answers
 * every request, in any order; the driver matches replies by tag, drops
 * replies for tags it is not waiting for, and checks every reply's type,
 * length and rc before using it (the device is untrusted).  A request the
 * device cannot parse is answered with BN_RC_PARSE (when its header is
 * readable) and reported in BN_REG_ERROR.
 *
 * Capabilities (BN_CMSG_CAPS) are a sequence of TLVs; the driver skips types
 * it does not know and rejects a truncated or overlong TLV.
 *
 * One message goes the other way unasked: BN_CMSG_EVENT, a program's
 * bpf_perf_event_output(), in a reply buffer with tag 0 and no reply bit.
 */
#ifndef BPFNIC_CMSG_H
#define BPFNIC_CMSG_H

#include <linux/types.h>

#define BN_CMSG_VERSION		1
#define BN_CMSG_REPLY		0x80
#define BN_CMSG_MAX_LEN		4096	/* one control buffer */

enum bn_cmsg_type {
	BN_CMSG_FW_INFO = 1,	/* -> struct bn_cmsg_fw_info */
	BN_CMSG_CAPS = 2,	/* -> TLVs (struct bn_tlv ...) */
	BN_CMSG_STATS = 3,	/* -> struct bn_cmsg_stats */
	BN_CMSG_PROG_LOAD = 4,	/* struct bn_cmsg_prog_load -> rc */
	BN_CMSG_PROG_UNLOAD = 5,	/* -> rc */
	BN_CMSG_MAP_ALLOC = 6,	/* struct bn_cmsg_map_alloc -> struct bn_cmsg_map_alloc_reply */
	BN_CMSG_MAP_FREE = 7,	/* struct bn_cmsg_map_op (id) -> rc */
	BN_CMSG_MAP_LOOKUP = 8,	/* map_op: key -> value */
	BN_CMSG_MAP_UPDATE = 9,	/* map_op: key, value, flags -> rc */
	BN_CMSG_MAP_DELETE = 10,	/* map_op: key -> rc */
	BN_CMSG_MAP_GETNEXT = 11,	/* map_op: key (or BN_MAP_OP_F_FIRST) -> next key */
	BN_CMSG_EVENT = 12,	/* device -> driver, unasked: struct bn_cmsg_event */
};

enum bn_rc {
	BN_RC_OK = 0,
	BN_RC_NOENT = 1,	/* -ENOENT */
	BN_RC_EXIST = 2,	/* -EEXIST */
	BN_RC_INVAL = 3,	/* -EINVAL */
	BN_RC_E2BIG = 4,	/* -E2BIG */
	BN_RC_NOMEM = 5,	/* -ENOMEM */
	BN_RC_BUSY = 6,		/* -EBUSY */
	BN_RC_PARSE = 7,	/* -EIO: the device could not parse the request */
	BN_RC_BADMAP = 8,	/* -EBADF: no such map id */
	BN_RC_NOTSUPP = 9,	/* -EOPNOTSUPP */
};

struct bn_cmsg_hdr {
	__u8 type;		/* enum bn_cmsg_type, | BN_CMSG_REPLY in replies */
	__u8 ver;		/* BN_CMSG_VERSION */
	__le16 tag;
	__le32 len;		/* bytes, header included */
};

struct bn_cmsg_reply {
	struct bn_cmsg_hdr hdr;
	__le32 rc;		/* enum bn_rc */
	__le32 reserved;
};

#define BN_FW_NAME_LEN		32

struct bn_cmsg_fw_info {		/* reply to BN_CMSG_FW_INFO */
	struct bn_cmsg_reply r;
	char fw_version[BN_FW_NAME_LEN];	/* NUL-terminated, e.g. "bpfnic-sim 0.1.0" */
	__le32 islands, fpcs, threads, mhz;
	__le32 code_store;	/* instructions per FPC */
	__le32 reserved;
};

/* Per-device counters (ethtool -S); per-queue ones are kept by the driver. */
struct bn_cmsg_stats {			/* reply to BN_CMSG_STATS */
	struct bn_cmsg_reply r;
	__le64 rx_frames;	/* from the wire */
	__le64 rx_dropped;	/* no RX buffer, too long, or ring off */
	__le64 tx_frames;	/* to the wire, host TX and program TX */
	__le64 verdict[4];	/* program verdicts: aborted, drop, pass, tx */
	__le64 prog_faults;
	__le64 bad_desc;	/* descriptors or DMA the device refused */
	__le64 events;		/* BN_CMSG_EVENTs sent */
	__le64 events_lost;	/* perf events dropped: no reply buffer to spare */
};

struct bn_cmsg_prog_load {
	struct bn_cmsg_hdr hdr;
	__le64 image_addr;	/* guest-physical address of the image */
	__le32 image_len;
	__le32 nmaps;
	__le32 gen;		/* the driver's name for this load: its events carry it */
	__le32 reserved;
	__le32 map_ids[];	/* device id of the image's maps[i] (ignored for a
				 * PERF_EVENT_ARRAY, image.h) */
};

/*
 * A bpf_perf_event_output() of the loaded program: @data_len bytes the
 * program passed, then @pkt_len bytes of the packet.  Never answered.  The
 * device keeps BN_EVENT_RSP_RESERVE reply buffers for replies: with fewer
 * free, it drops the event (counted in bn_cmsg_stats.events_lost), as a
 * full perf ring would.
 */
#define BN_EVENT_RSP_RESERVE	4

struct bn_cmsg_event {
	struct bn_cmsg_hdr hdr;	/* type BN_CMSG_EVENT, tag 0 */
	__le32 gen;		/* BN_CMSG_PROG_LOAD.gen of the program that sent it */
	__le32 map_index;	/* which PERF_EVENT_ARRAY of its image (image.h) */
	__le32 data_len;
	__le32 pkt_len;
	__u8 data[];
};

struct bn_cmsg_map_alloc {
	struct bn_cmsg_hdr hdr;
	__le32 type;		/* BPF_MAP_TYPE_ARRAY or _HASH */
	__le32 key_size;
	__le32 value_size;
	__le32 max_entries;
	__le32 flags;		/* 0 */
	__le32 reserved;
};

struct bn_cmsg_map_alloc_reply {
	struct bn_cmsg_reply r;
	__le32 id;		/* device map id (what the image's MAP_ID relocs get) */
	__le32 reserved;
};

#define BN_MAP_OP_F_FIRST	0x1	/* GETNEXT: from the first key */

/* Map entry ops: request and reply carry key then value, as sized at alloc. */
struct bn_cmsg_map_op {
	struct bn_cmsg_hdr hdr;
	__le32 id;
	__le32 flags;		/* UPDATE: BPF_ANY/NOEXIST/EXIST; GETNEXT: BN_MAP_OP_F_* */
	__u8 data[];		/* key [, value] */
};

struct bn_cmsg_map_op_reply {
	struct bn_cmsg_reply r;
	__u8 data[];		/* LOOKUP: value; GETNEXT: next key */
};

/* ---- capability TLVs (BN_CMSG_CAPS reply body, after bn_cmsg_reply) ------ */
struct bn_tlv {
	__le16 type;		/* enum bn_cap */
	__le16 len;		/* value bytes that follow (TLVs are 4-byte aligned) */
};

enum bn_cap {
	BN_CAP_HELPER = 1,	/* __le32 func_id, __le32 fw addr (one TLV each) */
	BN_CAP_MAPS = 2,	/* struct bn_cap_maps */
	BN_CAP_CODE_STORE = 3,	/* __le32 instructions per FPC (images load at
				 * BN_LOAD_BASE, so code_store - 0x40 remain) */
	BN_CAP_STACK = 4,	/* __le32 LM stack bytes per thread */
	BN_CAP_ADJUST_HEAD = 5,	/* __le32 headroom, __le32 min frame */
	BN_CAP_QUEUES = 6,	/* __le32 queue pairs: informational, equals
				 * BN_REG_MAX_QUEUES (read that before enabling) */
};

struct bn_cap_maps {
	__le32 types;		/* bit BPF_MAP_TYPE_x set: supported */
	__le32 max_maps;
	__le32 max_key;		/* bytes */
	__le32 max_value;	/* bytes; key + value of one op fit BN_CMSG_MAX_LEN */
	__le32 max_entries;	/* device-wide budget */
};

#endif /* BPFNIC_CMSG_H */
