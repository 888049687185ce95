/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfnic: private header shared by the driver's files.
 *
 *   main.c	PCI probe/remove, BARs, MSI-X, netdev ops, link state
 *   rings.c	descriptor rings, DMA buffers, NAPI RX/TX completion
 *   cmsg.c	control channel: tagged requests and validated replies
 *   ethtool.c	ethtool -i/-S/-g/-G
 *   offload.c	eBPF offload: verifier hooks, JIT, XDP/TC attach, maps
 *   debugfs.c	test knobs and bound-program view (CONFIG_DEBUG_FS only)
 *
 * Everything the device writes (HEAD registers, descriptors, replies) is
 * untrusted: it is read once into locals, bounded, and counted when wrong.
 */
#ifndef BPFNIC_DRV_H
#define BPFNIC_DRV_H

#include <linux/completion.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/pkt_cls.h>
#include <net/xdp.h>

#include <bpfnic/cmsg.h>
#include <bpfnic/regs.h>

#define BN_DRV_NAME		"bpfnic"

#define BN_RX_RING_DEFAULT	512
#define BN_TX_RING_DEFAULT	512
#define BN_CTRL_RING_SIZE	32
/* Requests in flight; fewer than reply buffers, so every reply has one. */
#define BN_CTRL_SLOTS		16
#define BN_CMSG_TIMEOUT		(5 * HZ)
#define BN_SERVICE_PERIOD	HZ

/* The device's MAX_MTU is untrusted too: RX buffers must fit desc.len. */
#define BN_MAX_MTU_LIMIT	9216

/**
 * struct bn_ring - one descriptor ring as the driver sees it
 * @desc:	descriptors (coherent DMA memory, shared with the device)
 * @dma:	bus address of @desc
 * @size:	entries, a power of two; 0 while the ring is not allocated
 * @tail:	next slot the driver fills; last value written to TAIL
 * @head:	next slot the device completes (the driver's copy of HEAD)
 * @reg:	BAR0 offset of this ring's BN_RING_* register block
 */
struct bn_ring {
	struct bn_desc *desc;
	dma_addr_t dma;
	u32 size;
	u32 tail;
	u32 head;
	u32 reg;
};

struct bn_rx_buf {
	void *frag;
	dma_addr_t dma;
};

struct bn_tx_buf {
	struct sk_buff *skb;
	dma_addr_t dma;
	u32 len;
};

/* Per-queue counters; the order is the ethtool -S order (ethtool.c). */
struct bn_rx_stats {
	u64 packets;
	u64 bytes;
	u64 drops;	/* no memory for a new buffer: frame dropped */
	u64 errors;	/* device completed with BN_DESC_F_ERR */
	u64 bad_desc;	/* device wrote an invalid descriptor */
	u64 bad_head;	/* device reported an impossible HEAD */
};

#define BN_RX_NSTATS	(sizeof(struct bn_rx_stats) / sizeof(u64))

struct bn_tx_stats {
	u64 packets;
	u64 bytes;
	u64 drops;	/* could not map or pad the frame */
	u64 busy;	/* ring full */
	u64 errors;	/* device completed with BN_DESC_F_ERR */
	u64 bad_desc;
	u64 bad_head;
};

#define BN_TX_NSTATS	(sizeof(struct bn_tx_stats) / sizeof(u64))

/**
 * struct bn_queue - one queue pair: RX ring, TX ring, NAPI, MSI-X vector
 * @bn:		owning device
 * @napi:	polls both rings
 * @idx:	queue pair number
 * @irq:	Linux irq of vector BN_VEC_QUEUE(@idx)
 * @rx:		RX ring
 * @rx_bufs:	RX buffer per ring slot
 * @tx:		TX ring
 * @tx_bufs:	TX frame per ring slot
 * @napi_syncp: guards what NAPI writes: @rx_stats and the TX completion
 *		counters in @tx_stats
 * @rx_stats:	RX counters
 * @xmit_syncp:	guards what ndo_start_xmit writes: @tx_stats.drops, .busy
 * @tx_stats:	TX counters
 * @irq_name:	name shown in /proc/interrupts
 */
struct bn_queue {
	struct bpfnic *bn;
	struct napi_struct napi;
	unsigned int idx;
	unsigned int irq;

	struct bn_ring rx;
	struct bn_rx_buf *rx_bufs;
	struct bn_ring tx;
	struct bn_tx_buf *tx_bufs;

	struct u64_stats_sync napi_syncp;
	struct bn_rx_stats rx_stats;
	struct u64_stats_sync xmit_syncp;
	struct bn_tx_stats tx_stats;

	char irq_name[IFNAMSIZ + 16];
} ____cacheline_aligned_in_smp;

/**
 * struct bn_cmsg_slot - one control request waiting for its reply
 * @tag:	tag of the request in flight (slot index | generation)
 * @type:	request type; the reply must carry @type | BN_CMSG_REPLY
 * @busy:	a caller owns the slot
 * @replied:	a reply was delivered; later ones with the tag are dropped
 * @rsp:	caller's reply buffer
 * @rsp_min:	shortest acceptable successful reply
 * @rsp_max:	size of @rsp
 * @rsp_len:	length of the reply copied into @rsp
 * @err:	0, the errno of the reply's rc, or -EIO for a malformed reply
 * @done:	completed when the reply arrives
 */
struct bn_cmsg_slot {
	u16 tag;
	u8 type;
	bool busy;
	bool replied;
	void *rsp;
	u32 rsp_min;
	u32 rsp_max;
	u32 rsp_len;
	int err;
	struct completion done;
};

struct bn_ctrl_stats {
	u64 requests;
	u64 timeouts;
	u64 bad_replies;	/* reply for a waiter, but malformed */
	u64 dropped;		/* unsolicited, unknown tag or unusable */
	u64 bad_head;
	u64 events;		/* perf events handed to the kernel */
	u64 events_dropped;	/* no reader, ring full, or for a program no longer loaded */
	u64 events_bad;		/* malformed */
};

#define BN_CTRL_NSTATS	(sizeof(struct bn_ctrl_stats) / sizeof(u64))

/**
 * struct bn_ctrl - the control channel (request ring + reply ring)
 * @lock:	protects everything below; taken from the control IRQ
 * @req:	request ring; slot i sends from @req_buf + i * BN_CMSG_MAX_LEN
 * @rsp:	reply ring; slot i receives into @rsp_buf + i * BN_CMSG_MAX_LEN
 * @req_buf:	request buffers (coherent)
 * @req_buf_dma: bus address of @req_buf
 * @rsp_buf:	reply buffers (coherent)
 * @rsp_buf_dma: bus address of @rsp_buf
 * @slots_used:	bitmap of busy @slots
 * @slots:	requests in flight, indexed by tag % BN_CTRL_SLOTS
 * @gen:	generation put in the tag's upper bits, so that a late reply
 *		to a timed-out request never matches the slot's next user
 * @slot_wq:	waiters for a free slot
 * @stats:	control channel counters
 * @irq:	Linux irq of vector BN_VEC_CTRL
 * @irq_name:	name shown in /proc/interrupts
 */
struct bn_ctrl {
	spinlock_t lock;
	struct bn_ring req;
	struct bn_ring rsp;
	void *req_buf;
	dma_addr_t req_buf_dma;
	void *rsp_buf;
	dma_addr_t rsp_buf_dma;
	DECLARE_BITMAP(slots_used, BN_CTRL_SLOTS);
	struct bn_cmsg_slot slots[BN_CTRL_SLOTS];
	u16 gen;
	wait_queue_head_t slot_wq;
	struct bn_ctrl_stats stats;
	unsigned int irq;
	char irq_name[32];
};

#define BN_CAP_MAX_HELPERS	32

struct bn_cap_helper {
	u32 func_id;
	u32 addr;
};

/**
 * struct bn_caps - what BN_CMSG_CAPS advertised (for the offload code)
 * @present:	bit (1 << enum bn_cap) set for every capability seen
 * @helpers:	firmware helper addresses
 * @num_helpers: entries used in @helpers
 * @maps:	map limits (host byte order)
 * @code_store:	instructions per FPC
 * @stack:	LM stack bytes per thread
 * @adjust_head_headroom: bpf_xdp_adjust_head(): headroom
 * @adjust_head_min: bpf_xdp_adjust_head(): shortest frame
 * @queues:	queue pairs
 */
struct bn_caps {
	u32 present;
	struct bn_cap_helper helpers[BN_CAP_MAX_HELPERS];
	unsigned int num_helpers;
	struct {
		u32 types;
		u32 max_maps;
		u32 max_key;
		u32 max_value;
		u32 max_entries;
	} maps;
	u32 code_store;
	u32 stack;
	u32 adjust_head_headroom;
	u32 adjust_head_min;
	u32 queues;
};

/**
 * struct bn_dfs_prog - a bound program as debugfs shows it (debugfs.c)
 * @dir:	bpf_bound_progs/<n>/ (files id, state, loaded)
 * @state:	"verify" from prepare, "xlated" once translated
 * @loaded:	the device runs it
 */
struct bn_dfs_prog {
	struct dentry *dir;
	const char *state;
	bool loaded;
};

/**
 * struct bn_dfs - /sys/kernel/debug/bpfnic/<pci name>/: netdevsim-style
 * knobs for the offload tests (bpf-tests/vm/offload-suite.sh); at their
 * defaults the driver behaves as without debugfs
 * @dir:	the device's directory
 * @progs_dir:	bpf_bound_progs/
 * @prog_seq:	name of the next bpf_bound_progs/ entry
 * @offloaded_id: bpf_offloaded_id: id of the program the device runs, 0
 *		when none (under RTNL)
 * @loaded:	that program's state, to clear its loaded flag (under RTNL)
 * @verifier_accept: bpf_bind_verifier_accept: N makes finalize refuse
 * @verifier_delay: bpf_bind_verifier_delay: ms slept at instruction 0
 * @map_accept:	bpf_map_accept: N makes map allocation fail
 */
struct bn_dfs {
	struct dentry *dir;
	struct dentry *progs_dir;
	atomic_t prog_seq;
	u32 offloaded_id;
	struct bn_dfs_prog *loaded;
	bool verifier_accept;
	u32 verifier_delay;
	bool map_accept;
};

/**
 * struct bpfnic - one bpfnic PCI function (netdev private data)
 * @netdev:	the port
 * @pdev:	the PCI function
 * @regs:	BAR0
 * @max_queues:	queue pairs the device has (BN_REG_MAX_QUEUES, bounded)
 * @num_queues:	queue pairs in use
 * @num_vecs:	MSI-X vectors allocated
 * @rx_ring_size: entries per RX ring
 * @tx_ring_size: entries per TX ring
 * @rx_buf_size: bytes of frame an RX buffer takes (the desc.len posted)
 * @rx_frag_size: bytes of an RX page fragment (headroom, buffer, shinfo)
 * @queues:	queue pairs, @num_queues of them
 * @ctrl:	control channel
 * @caps:	device capabilities
 * @fw_version:	firmware name and version from BN_CMSG_FW_INFO
 * @service_task: periodic link and error register check
 * @dev_errors:	errors the device reported in BN_REG_ERROR
 * @registered:	the netdev is registered: link changes may touch carrier
 * @bpf_dev:	the kernel's offload device for this NIC (offload.c)
 * @xdp_hw:	the offloaded XDP program (XDP_SETUP_PROG_HW), under RTNL
 * @tc_prog:	the offloaded cls_bpf program, under RTNL; the device runs
 *		one of @xdp_hw.prog and @tc_prog at a time
 * @maps_in_use: offloaded maps allocated in the device, under RTNL
 * @map_entries: their max_entries summed (the device-wide budget)
 * @ev_lock:	guards @ev_prog and @ev_gen against the control IRQ
 * @ev_prog:	the loaded program, whose perf events are delivered
 *		(struct bn_bpf_prog of offload.c); NULL: none
 * @ev_gen:	BN_CMSG_PROG_LOAD.gen of the loaded program
 * @prog_gen:	the last gen given to a load, under RTNL
 * @dfs:	debugfs knobs and bound-program view (debugfs.c)
 */
struct bn_bpf_prog;

struct bpfnic {
	struct net_device *netdev;
	struct pci_dev *pdev;
	void __iomem *regs;

	unsigned int max_queues;
	unsigned int num_queues;
	unsigned int num_vecs;
	u32 rx_ring_size;
	u32 tx_ring_size;
	u32 rx_buf_size;
	u32 rx_frag_size;
	struct bn_queue *queues;

	struct bn_ctrl ctrl;
	struct bn_caps caps;
	char fw_version[BN_FW_NAME_LEN];

	struct delayed_work service_task;
	u64 dev_errors;
	bool registered;

	struct bpf_offload_dev *bpf_dev;
	struct xdp_attachment_info xdp_hw;
	struct bpf_prog *tc_prog;
	u32 maps_in_use;
	u32 map_entries;
	spinlock_t ev_lock;
	struct bn_bpf_prog *ev_prog;
	u32 ev_gen;
	u32 prog_gen;
#ifdef CONFIG_DEBUG_FS
	struct bn_dfs dfs;
#endif
};

static inline u32 bn_readl(struct bpfnic *bn, u32 reg)
{
	return readl(bn->regs + reg);
}

static inline void bn_writel(struct bpfnic *bn, u32 reg, u32 val)
{
	writel(val, bn->regs + reg);
}

/* Slots the driver may still fill: one always stays empty. */
static inline u32 bn_ring_space(const struct bn_ring *ring)
{
	return ring->size - 1 - ((ring->tail - ring->head) & (ring->size - 1));
}

/* rings.c */
int bn_ring_alloc(struct bpfnic *bn, struct bn_ring *ring, u32 size, u32 reg);
void bn_ring_free(struct bpfnic *bn, struct bn_ring *ring);
void bn_ring_hw_enable(struct bpfnic *bn, struct bn_ring *ring);
void bn_ring_hw_disable(struct bpfnic *bn, struct bn_ring *ring);
bool bn_ring_read_head(struct bpfnic *bn, struct bn_ring *ring, u32 *head);
void bn_rx_buf_size_set(struct bpfnic *bn, unsigned int mtu);
int bn_queues_alloc(struct bpfnic *bn);
void bn_queues_free(struct bpfnic *bn);
int bn_queues_up(struct bpfnic *bn);
void bn_queues_down(struct bpfnic *bn);
netdev_tx_t bn_start_xmit(struct sk_buff *skb, struct net_device *netdev);
void bn_queue_stats_read(struct bn_queue *q, struct bn_rx_stats *rx,
			 struct bn_tx_stats *tx);

/* cmsg.c */
int bn_ctrl_init(struct bpfnic *bn);
void bn_ctrl_hw_enable(struct bpfnic *bn);
void bn_ctrl_free(struct bpfnic *bn);
void bn_ctrl_rx(struct bpfnic *bn);
int bn_cmsg_call(struct bpfnic *bn, void *req, u32 req_len,
		 void *rsp, u32 rsp_min, u32 rsp_max);
int bn_cmsg_fw_info(struct bpfnic *bn);
int bn_cmsg_caps(struct bpfnic *bn);
int bn_cmsg_stats(struct bpfnic *bn, struct bn_cmsg_stats *stats);
void bn_ctrl_stats_read(struct bpfnic *bn, struct bn_ctrl_stats *stats);

/* ethtool.c */
extern const struct ethtool_ops bn_ethtool_ops;

/* offload.c */
int bn_bpf_init(struct bpfnic *bn);
void bn_bpf_fini(struct bpfnic *bn);
int bn_ndo_init(struct net_device *netdev);
void bn_ndo_uninit(struct net_device *netdev);
int bn_ndo_bpf(struct net_device *netdev, struct netdev_bpf *bpf);
int bn_setup_tc(struct net_device *netdev, enum tc_setup_type type,
		void *type_data);
int bn_set_features(struct net_device *netdev, netdev_features_t features);
int bn_bpf_event(struct bpfnic *bn, const void *buf, u32 len);

/* debugfs.c: stubs without CONFIG_DEBUG_FS keep the default behaviour */
#ifdef CONFIG_DEBUG_FS
void bn_dfs_init(void);
void bn_dfs_exit(void);
void bn_dfs_dev_add(struct bpfnic *bn);
void bn_dfs_dev_del(struct bpfnic *bn);
void bn_dfs_prog_add(struct bpfnic *bn, struct bn_dfs_prog *dp,
		     struct bpf_prog *prog);
void bn_dfs_prog_del(struct bpfnic *bn, struct bn_dfs_prog *dp);
void bn_dfs_prog_xlated(struct bn_dfs_prog *dp);
void bn_dfs_loaded(struct bpfnic *bn, struct bn_dfs_prog *dp, u32 id);
void bn_dfs_verifier_delay(struct bpfnic *bn);
bool bn_dfs_verifier_accept(struct bpfnic *bn);
bool bn_dfs_map_accept(struct bpfnic *bn);
#else
static inline void bn_dfs_init(void) {}
static inline void bn_dfs_exit(void) {}
static inline void bn_dfs_dev_add(struct bpfnic *bn) {}
static inline void bn_dfs_dev_del(struct bpfnic *bn) {}
static inline void bn_dfs_prog_add(struct bpfnic *bn, struct bn_dfs_prog *dp,
				   struct bpf_prog *prog) {}
static inline void bn_dfs_prog_del(struct bpfnic *bn,
				   struct bn_dfs_prog *dp) {}
static inline void bn_dfs_prog_xlated(struct bn_dfs_prog *dp) {}
static inline void bn_dfs_loaded(struct bpfnic *bn, struct bn_dfs_prog *dp,
				 u32 id) {}
static inline void bn_dfs_verifier_delay(struct bpfnic *bn) {}
static inline bool bn_dfs_verifier_accept(struct bpfnic *bn) { return true; }
static inline bool bn_dfs_map_accept(struct bpfnic *bn) { return true; }
#endif

/* main.c */
void bn_link_update(struct bpfnic *bn);
int bn_reconfig(struct bpfnic *bn, unsigned int mtu, u32 rx_size, u32 tx_size);

/*
 * Offload (a later issue) plugs in here: ndo_bpf / ndo_setup_tc in main.c's
 * netdev ops, program and map control messages through bn_cmsg_call(), and
 * limits from struct bn_caps.
 */

#endif /* BPFNIC_DRV_H */
