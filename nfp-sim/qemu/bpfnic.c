/*
 * bpfnic: an open Netronome-style eBPF offload NIC, QEMU front-end
 *
 * Thin glue between QEMU and the NIC model in nfp-sim/core (nicsim.h): PCI
 * identity, BAR0 registers, DMA rings, MSI-X and the control channel, all as
 * include/bpfnic/regs.h and include/bpfnic/cmsg.h define them (section
 * references below, "regs.h: Rings", are to those files).  Frames from the
 * netdev run through the model; its verdicts come back through bn_sim_ops.
 *
 * Choices the contract leaves open:
 *  - RX steering (regs.h: Frames): a hash of the IPv4/IPv6 addresses, and
 *    of the TCP/UDP ports when the frame has them (not IPv4 fragments),
 *    picks the queue among NUM_QUEUES; other frames go to queue 0.  The
 *    queue is also the program's rx_queue_index.  A frame waits in the
 *    netdev's queue while the device is disabled or its RX ring has no free
 *    buffer, whatever the program would do with it.
 *  - The control rings run whether or not CTRL_ENABLE is set; RX/TX rings
 *    only while it is.  A request is answered only when a reply buffer is
 *    posted; posting reply buffers restarts the request ring.
 *  - Writing a ring's SIZE (re)starts it: HEAD = TAIL = 0.  A ring whose
 *    descriptors cannot be read or written is stopped until SIZE is
 *    written again; a bad buffer only costs its descriptor (DD | ERR).
 *  - CTRL_RESET, like a PCI reset, returns the whole device to power-on
 *    state: registers, rings and counters, and also unloads the program and
 *    frees every map.
 *  - TX frames are 14..MAX_MTU + 18 bytes (Ethernet header and a VLAN tag).
 *  - MAP_LOOKUP replies carry the value, GETNEXT the next key (cmsg.h's
 *    struct bn_cmsg_map_op_reply).
 *
 * Fault injection, for testing drivers (off by default): x-fault-rate=N
 * corrupts, with probability N/1000, what the device hands the driver --
 * control replies and events (a header or body word set to 0, ~0, a random
 * value or off by one, or a byte flipped), descriptor write-backs (length,
 * flags, metadata, address) and ring HEAD reads -- after the first
 * x-fault-skip such writes (so that the driver can probe), from the seed
 * x-fault-seed.  Frames themselves are not corrupted: the driver does not
 * parse them.  Each fault is a trace event (bpfnic_fault).
 *
 * Migration is out of scope: the model's state (maps, loaded program, FPC
 * memories) has no VMState, so the device is marked unmigratable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "qom/object.h"
#include "trace.h"

#include <linux/bpf.h>
#include <bpfnic/regs.h>
#include <bpfnic/cmsg.h>
#include "nicsim.h"

#define TYPE_BPFNIC "bpfnic"
OBJECT_DECLARE_SIMPLE_TYPE(BpfnicState, BPFNIC)

#define BPFNIC_FW_NAME      "bpfnic-sim 0.1.0"
#define BPFNIC_FW_VERSION   ((0 << 16) | (1 << 8) | 0)
#define BPFNIC_DEFAULT_MTU  1500
#define BPFNIC_ETH_HLEN     14
#define BPFNIC_VLAN_HLEN    4
#define BPFNIC_MAX_IMAGE    (4 * 1024 * 1024)   /* PROG_LOAD image bytes */

/* Global registers: BN_REG_MAGIC .. BN_REG_ERROR_INFO, one word each. */
#define BPFNIC_NREGS        (BN_REG_ERROR_INFO / 4 + 1)
#define R(reg)              ((reg) / 4)

/* Rings: the control pair, then RX and TX of each queue pair. */
enum {
    BPFNIC_RING_CTRL_REQ,
    BPFNIC_RING_CTRL_RSP,
    BPFNIC_RING_QUEUE0,
};
#define BPFNIC_RING_RX(q)   (BPFNIC_RING_QUEUE0 + 2 * (q))
#define BPFNIC_RING_TX(q)   (BPFNIC_RING_QUEUE0 + 2 * (q) + 1)
#define BPFNIC_NRINGS       BPFNIC_RING_RX(BN_MAX_QUEUES)
#define BPFNIC_RING_REGS    (BN_RING_HEAD + 4)  /* bytes of a ring block */

typedef struct BpfnicRing {
    hwaddr reg;             /* BAR0 offset of its register block */
    uint64_t base;
    uint32_t size;          /* entries; 0: ring off */
    uint32_t tail;
    uint32_t head;
    bool stopped;           /* a DMA fault stopped it until SIZE is rewritten */
} BpfnicRing;

typedef struct BpfnicStats {
    uint64_t rx_frames;
    uint64_t rx_dropped;
    uint64_t tx_frames;
    uint64_t verdict[BN_ACT__COUNT];
    uint64_t prog_faults;
    uint64_t bad_desc;
    uint64_t events;
    uint64_t events_lost;
} BpfnicStats;

/* What the device remembers of a map the guest allocated. */
typedef struct BpfnicMap {
    uint32_t key_size;
    uint32_t value_size;
    bool used;
} BpfnicMap;

struct BpfnicState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    MemoryRegion msix;
    NICState *nic;
    NICConf conf;

    uint32_t islands;
    uint32_t fpcs;
    uint32_t threads;
    uint32_t mhz;

    struct bn_sim_params params;
    struct bn_sim *sim;
    BpfnicMap *maps;        /* indexed by device map id */
    uint32_t nmaps;
    bool prog_loaded;
    uint32_t prog_gen;      /* PROG_LOAD's gen: stamped on the program's events */

    uint32_t regs[BPFNIC_NREGS];
    BpfnicRing rings[BPFNIC_NRINGS];
    BpfnicStats stats;

    uint32_t fault_rate;    /* x-fault-rate: per mille; 0 = off */
    uint32_t fault_seed;    /* x-fault-seed */
    uint32_t fault_skip;    /* x-fault-skip: writes left alone first */
    uint64_t fault_rng;
    uint64_t fault_writes;  /* fault sites passed so far */

    uint8_t frame[65536];
    uint8_t cmsg_req[BN_CMSG_MAX_LEN];
    uint8_t cmsg_rsp[BN_CMSG_MAX_LEN];
    uint8_t cmsg_fault[BN_CMSG_MAX_LEN];
};

/* ---- fault injection (x-fault-*, see the top of the file) ---------------- */

static uint64_t bpfnic_fault_rand(BpfnicState *s)
{
    uint64_t z = (s->fault_rng += 0x9e3779b97f4a7c15ull);   /* splitmix64 */

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Whether to corrupt this device->driver write. */
static bool bpfnic_fault(BpfnicState *s)
{
    if (!s->fault_rate || s->fault_writes++ < s->fault_skip) {
        return false;
    }
    return bpfnic_fault_rand(s) % 1000 < s->fault_rate;
}

/* A plausible bad value for a field that held @v. */
static uint32_t bpfnic_fault_value(BpfnicState *s, uint32_t v)
{
    switch (bpfnic_fault_rand(s) % 5) {
    case 0:
        return 0;
    case 1:
        return ~0u;
    case 2:
        return v + 1;
    case 3:
        return v - 1;
    default:
        return bpfnic_fault_rand(s);
    }
}

/* Corrupt one word or byte of a control message (@len >= its header). */
static void bpfnic_fault_msg(BpfnicState *s, uint8_t *msg, uint32_t len)
{
    uint32_t off;

    if (len >= 4 && (bpfnic_fault_rand(s) & 1)) {
        /* a word of the first 32 bytes: header, rc, ids, lengths */
        off = (bpfnic_fault_rand(s) % (MIN(len, 32) / 4)) * 4;
        stl_le_p(msg + off, bpfnic_fault_value(s, ldl_le_p(msg + off)));
    } else {
        off = bpfnic_fault_rand(s) % len;
        msg[off] ^= 1 + bpfnic_fault_rand(s) % 255;
    }
    trace_bpfnic_fault("message", off);
}

/* Corrupt one field of a descriptor about to be written back. */
static void bpfnic_fault_desc(BpfnicState *s, struct bn_desc *d)
{
    switch (bpfnic_fault_rand(s) % 4) {
    case 0:
        d->len = cpu_to_le16(bpfnic_fault_value(s, le16_to_cpu(d->len)));
        trace_bpfnic_fault("desc.len", le16_to_cpu(d->len));
        break;
    case 1:
        d->flags ^= cpu_to_le16(1u << (bpfnic_fault_rand(s) % 16));
        trace_bpfnic_fault("desc.flags", le16_to_cpu(d->flags));
        break;
    case 2:
        d->meta = cpu_to_le32(bpfnic_fault_value(s, le32_to_cpu(d->meta)));
        trace_bpfnic_fault("desc.meta", le32_to_cpu(d->meta));
        break;
    default:
        d->addr = cpu_to_le64(bpfnic_fault_rand(s));
        trace_bpfnic_fault("desc.addr", 0);
        break;
    }
}

/* ---- errors (regs.h: BN_REG_ERROR) --------------------------------------- */

static void G_GNUC_PRINTF(4, 5)
bpfnic_guest_error(BpfnicState *s, enum bn_dev_err err, hwaddr where,
                   const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: %s\n", msg);
    g_free(msg);
    s->regs[R(BN_REG_ERROR)] = err;
    s->regs[R(BN_REG_ERROR_INFO)] = where;
}

static void bpfnic_irq(BpfnicState *s, unsigned vector)
{
    trace_bpfnic_irq(vector);
    msix_notify(PCI_DEVICE(s), vector);
}

static bool bpfnic_enabled(BpfnicState *s)
{
    return s->regs[R(BN_REG_CTRL)] & BN_CTRL_ENABLE;
}

static uint32_t bpfnic_max_frame(BpfnicState *s)
{
    return s->regs[R(BN_REG_MAX_MTU)] + BPFNIC_ETH_HLEN + BPFNIC_VLAN_HLEN;
}

/* ---- rings (regs.h: Rings) ----------------------------------------------- */

static bool bpfnic_ring_live(BpfnicRing *r)
{
    return r->size && !r->stopped;
}

static bool bpfnic_ring_empty(BpfnicRing *r)
{
    return !bpfnic_ring_live(r) || r->head == r->tail;
}

/* Buffers the driver has posted and the device not used yet. */
static uint32_t bpfnic_ring_avail(BpfnicRing *r)
{
    return bpfnic_ring_live(r) ? (r->tail + r->size - r->head) % r->size : 0;
}

static bool bpfnic_desc_read(BpfnicState *s, BpfnicRing *r, struct bn_desc *d)
{
    hwaddr addr = r->base + (hwaddr)r->head * sizeof(*d);

    if (pci_dma_read(PCI_DEVICE(s), addr, d, sizeof(*d)) != MEMTX_OK) {
        bpfnic_guest_error(s, BN_ERR_BAD_DMA, r->reg,
                           "ring 0x%" HWADDR_PRIx ": descriptor %u at 0x%"
                           HWADDR_PRIx " is not readable, ring stopped",
                           r->reg, r->head, addr);
        r->stopped = true;
        return false;
    }
    return true;
}

/* Write @d back with DD set and move HEAD on. */
static bool bpfnic_desc_done(BpfnicState *s, BpfnicRing *r, struct bn_desc *d,
                             uint16_t len, uint16_t flags, uint32_t meta)
{
    hwaddr addr = r->base + (hwaddr)r->head * sizeof(*d);

    d->len = cpu_to_le16(len);
    d->flags = cpu_to_le16(flags | BN_DESC_F_DD);
    d->meta = cpu_to_le32(meta);
    if (bpfnic_fault(s)) {
        bpfnic_fault_desc(s, d);
    }
    if (pci_dma_write(PCI_DEVICE(s), addr, d, sizeof(*d)) != MEMTX_OK) {
        bpfnic_guest_error(s, BN_ERR_BAD_DMA, r->reg,
                           "ring 0x%" HWADDR_PRIx ": descriptor %u at 0x%"
                           HWADDR_PRIx " is not writable, ring stopped",
                           r->reg, r->head, addr);
        r->stopped = true;
        return false;
    }
    r->head = (r->head + 1) & (r->size - 1);
    return true;
}

/* Refuse a descriptor: DD | ERR, counted in bad_desc. */
static void bpfnic_desc_refuse(BpfnicState *s, BpfnicRing *r,
                               struct bn_desc *d, enum bn_dev_err err,
                               const char *why)
{
    bpfnic_guest_error(s, err, r->reg, "ring 0x%" HWADDR_PRIx
                       ": descriptor %u (addr 0x%" PRIx64 " len %u): %s",
                       r->reg, r->head, le64_to_cpu(d->addr),
                       le16_to_cpu(d->len), why);
    s->stats.bad_desc++;
    bpfnic_desc_done(s, r, d, 0, BN_DESC_F_ERR, 0);
}

/*
 * Put @len bytes of @buf into the next buffer of receive-style ring @r (RX,
 * control replies).  False if there was no buffer or it did not fit.
 */
static bool bpfnic_ring_put(BpfnicState *s, BpfnicRing *r, const void *buf,
                            uint32_t len, uint32_t meta)
{
    struct bn_desc d;

    if (bpfnic_ring_empty(r) || !bpfnic_desc_read(s, r, &d)) {
        return false;
    }
    if (!le16_to_cpu(d.len)) {
        bpfnic_desc_refuse(s, r, &d, BN_ERR_BAD_DESC, "zero-length buffer");
        return false;
    }
    if (len > le16_to_cpu(d.len)) {
        return false;
    }
    if (r == &s->rings[BPFNIC_RING_CTRL_RSP] && bpfnic_fault(s)) {
        memcpy(s->cmsg_fault, buf, len);
        bpfnic_fault_msg(s, s->cmsg_fault, len);
        buf = s->cmsg_fault;
    }
    if (pci_dma_write(PCI_DEVICE(s), le64_to_cpu(d.addr), buf, len)
        != MEMTX_OK) {
        bpfnic_desc_refuse(s, r, &d, BN_ERR_BAD_DMA, "buffer not writable");
        return false;
    }
    return bpfnic_desc_done(s, r, &d, len, BN_DESC_F_EOP, meta);
}

/* ---- the wire: TX rings and frames from the model ------------------------ */

static void bpfnic_wire_send(BpfnicState *s, const uint8_t *frame,
                             uint32_t len)
{
    trace_bpfnic_wire_send(len);
    s->stats.tx_frames++;
    qemu_send_packet(qemu_get_queue(s->nic), frame, len);
}

static void bpfnic_tx_one(BpfnicState *s, BpfnicRing *r, struct bn_desc *d)
{
    uint32_t len = le16_to_cpu(d->len);

    if (!(le16_to_cpu(d->flags) & BN_DESC_F_EOP)) {
        bpfnic_desc_refuse(s, r, d, BN_ERR_BAD_DESC,
                           "EOP not set (frames never span descriptors)");
    } else if (len < BPFNIC_ETH_HLEN || len > bpfnic_max_frame(s)) {
        bpfnic_desc_refuse(s, r, d, BN_ERR_BAD_DESC, "bad frame length");
    } else if (pci_dma_read(PCI_DEVICE(s), le64_to_cpu(d->addr), s->frame,
                            len) != MEMTX_OK) {
        bpfnic_desc_refuse(s, r, d, BN_ERR_BAD_DMA, "buffer not readable");
    } else {
        bpfnic_wire_send(s, s->frame, len);
        bpfnic_desc_done(s, r, d, len, BN_DESC_F_EOP, 0);
    }
}

static void bpfnic_tx_run(BpfnicState *s, unsigned q)
{
    BpfnicRing *r = &s->rings[BPFNIC_RING_TX(q)];
    struct bn_desc d;
    bool done = false;

    if (!bpfnic_enabled(s) || q >= s->regs[R(BN_REG_NUM_QUEUES)]) {
        return;
    }
    while (!bpfnic_ring_empty(r) && bpfnic_desc_read(s, r, &d)) {
        bpfnic_tx_one(s, r, &d);
        done = true;
    }
    if (done) {
        bpfnic_irq(s, BN_VEC_QUEUE(q));
    }
}

/* bn_sim_ops: XDP_TX */
static void bpfnic_sim_tx(void *opaque, const uint8_t *frame, uint32_t len)
{
    bpfnic_wire_send(opaque, frame, len);
}

/* bn_sim_ops: PASS, or no program loaded */
static void bpfnic_sim_to_host(void *opaque, uint32_t queue,
                               const uint8_t *frame, uint32_t len)
{
    BpfnicState *s = opaque;
    uint32_t meta = s->prog_loaded ? BN_RXMETA_PROG : 0;

    if (queue >= BN_MAX_QUEUES ||
        !bpfnic_ring_put(s, &s->rings[BPFNIC_RING_RX(queue)], frame, len,
                         meta)) {
        trace_bpfnic_rx_drop(queue, len);
        s->stats.rx_dropped++;
        return;
    }
    trace_bpfnic_rx_host(queue, len);
    bpfnic_irq(s, BN_VEC_QUEUE(queue));
}

/*
 * bn_sim_ops: bpf_perf_event_output() -> BN_CMSG_EVENT on the reply ring,
 * unless that would leave fewer than BN_EVENT_RSP_RESERVE buffers for the
 * replies the driver waits for: then the event is lost, as with a full
 * perf ring.
 */
static void bpfnic_sim_event(void *opaque, uint32_t map_index,
                             const uint8_t *data, uint32_t len,
                             const uint8_t *pkt, uint32_t pkt_len)
{
    BpfnicState *s = opaque;
    BpfnicRing *rsp = &s->rings[BPFNIC_RING_CTRL_RSP];
    uint8_t msg[BN_CMSG_MAX_LEN];
    struct bn_cmsg_event *ev = (void *)msg;
    uint32_t total = sizeof(*ev) + len + pkt_len;

    if (total > sizeof(msg) ||
        bpfnic_ring_avail(rsp) <= BN_EVENT_RSP_RESERVE) {
        s->stats.events_lost++;
        return;
    }
    memset(ev, 0, sizeof(*ev));
    ev->hdr.type = BN_CMSG_EVENT;
    ev->hdr.ver = BN_CMSG_VERSION;
    ev->hdr.len = cpu_to_le32(total);
    ev->gen = cpu_to_le32(s->prog_gen);
    ev->map_index = cpu_to_le32(map_index);
    ev->data_len = cpu_to_le32(len);
    ev->pkt_len = cpu_to_le32(pkt_len);
    memcpy(ev->data, data, len);
    memcpy(ev->data + len, pkt, pkt_len);
    if (!bpfnic_ring_put(s, rsp, msg, total, 0)) {
        s->stats.events_lost++;
        return;
    }
    s->stats.events++;
    bpfnic_irq(s, BN_VEC_CTRL);
}

static uint64_t bpfnic_sim_clock_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void bpfnic_sim_log(void *opaque, const char *msg)
{
    qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: nic: %s\n", msg);
}

/* ---- the wire: frames in ------------------------------------------------- */

static bool bpfnic_can_receive(NetClientState *nc)
{
    BpfnicState *s = qemu_get_nic_opaque(nc);
    unsigned q;

    if (!bpfnic_enabled(s)) {
        return false;
    }
    for (q = 0; q < s->regs[R(BN_REG_NUM_QUEUES)] && q < BN_MAX_QUEUES; q++) {
        if (!bpfnic_ring_empty(&s->rings[BPFNIC_RING_RX(q)])) {
            return true;
        }
    }
    return false;
}

static uint32_t bpfnic_mix(uint32_t h, const uint8_t *p, size_t n)
{
    while (n--) {               /* FNV-1a */
        h = (h ^ *p++) * 16777619u;
    }
    return h;
}

/*
 * The flow hash: addresses, then ports for TCP/UDP.  Reads only within
 * @size; anything it cannot parse hashes to 0 (queue 0).
 */
static uint32_t bpfnic_flow_hash(const uint8_t *buf, size_t size)
{
    size_t l3 = 14, l4, alen;
    uint16_t proto;
    uint8_t ipproto;
    uint32_t h = 2166136261u;

    if (size < l3) {
        return 0;
    }
    proto = lduw_be_p(buf + 12);
    if ((proto == 0x8100 || proto == 0x88a8) && size >= l3 + 4) {
        proto = lduw_be_p(buf + 16);
        l3 += 4;
    }
    if (proto == 0x0800 && size >= l3 + 20 && (buf[l3] >> 4) == 4) {
        l4 = l3 + (buf[l3] & 0xf) * 4;
        ipproto = buf[l3 + 9];
        alen = 8;
        h = bpfnic_mix(h, buf + l3 + 12, alen);
        if (lduw_be_p(buf + l3 + 6) & 0x3fff) {     /* a fragment: no ports */
            return h;
        }
    } else if (proto == 0x86dd && size >= l3 + 40) {
        l4 = l3 + 40;
        ipproto = buf[l3 + 6];
        h = bpfnic_mix(h, buf + l3 + 8, 32);
    } else {
        return 0;
    }
    if ((ipproto == 6 || ipproto == 17) && size >= l4 + 4) {
        h = bpfnic_mix(h, buf + l4, 4);
    }
    return h;
}

static unsigned bpfnic_rx_queue(BpfnicState *s, const uint8_t *buf, size_t size)
{
    uint32_t nq = s->regs[R(BN_REG_NUM_QUEUES)];

    nq = MIN(MAX(nq, 1), BN_MAX_QUEUES);
    return bpfnic_flow_hash(buf, size) % nq;
}

static ssize_t bpfnic_receive(NetClientState *nc, const uint8_t *buf,
                              size_t size)
{
    BpfnicState *s = qemu_get_nic_opaque(nc);
    unsigned q = bpfnic_rx_queue(s, buf, size);
    struct bn_sim_pkt pkt = {
        .data = buf, .len = size, .ifindex = 1, .rx_queue = q,
    };
    struct bn_sim_result res = { 0 };

    /* no buffer on the frame's queue: QEMU holds it until a kick */
    if (!bpfnic_enabled(s) ||
        bpfnic_ring_empty(&s->rings[BPFNIC_RING_RX(q)])) {
        return 0;
    }
    trace_bpfnic_rx(size, s->prog_loaded);
    s->stats.rx_frames++;
    if (size > UINT16_MAX) {
        s->stats.rx_dropped++;
        return size;
    }
    /* verdicts reach bpfnic_sim_tx / bpfnic_sim_to_host */
    if (bn_sim_run_one(s->sim, &pkt, &res) < 0) {
        s->stats.rx_dropped++;
        return size;
    }
    if (s->prog_loaded && res.action < BN_ACT__COUNT) {
        s->stats.verdict[res.action]++;
        s->stats.prog_faults += res.fault;
    }
    return size;
}

static void bpfnic_rx_kick(BpfnicState *s)
{
    if (bpfnic_can_receive(qemu_get_queue(s->nic))) {
        qemu_flush_queued_packets(qemu_get_queue(s->nic));
    }
}

static void bpfnic_set_link_status(NetClientState *nc)
{
    BpfnicState *s = qemu_get_nic_opaque(nc);

    trace_bpfnic_link(!nc->link_down);
    bpfnic_irq(s, BN_VEC_CTRL);
}

static NetClientInfo net_bpfnic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = bpfnic_can_receive,
    .receive = bpfnic_receive,
    .link_status_changed = bpfnic_set_link_status,
};

/* ---- control messages (cmsg.h) ------------------------------------------- */

static enum bn_rc bpfnic_errno_rc(int err)
{
    switch (err) {
    case 0:
        return BN_RC_OK;
    case -ENOENT:
        return BN_RC_NOENT;
    case -EEXIST:
        return BN_RC_EXIST;
    case -E2BIG:
        return BN_RC_E2BIG;
    case -ENOMEM:
        return BN_RC_NOMEM;
    case -EBUSY:
        return BN_RC_BUSY;
    case -EBADF:
        return BN_RC_BADMAP;
    case -EOPNOTSUPP:
        return BN_RC_NOTSUPP;
    default:
        return BN_RC_INVAL;
    }
}

/*
 * A request handler: @req is the whole message (len bytes, at least the
 * handler's min_len), @body the reply after struct bn_cmsg_reply, with room
 * for BN_CMSG_MAX_LEN bytes in all.  Sets *body_len, returns an enum bn_rc.
 */
typedef enum bn_rc (*BpfnicCmsgFn)(BpfnicState *s, const uint8_t *req,
                                   uint32_t len, uint8_t *body,
                                   uint32_t *body_len);

#define BPFNIC_BODY_MAX (BN_CMSG_MAX_LEN - sizeof(struct bn_cmsg_reply))

static enum bn_rc bpfnic_cmsg_fw_info(BpfnicState *s, const uint8_t *req,
                                      uint32_t len, uint8_t *body,
                                      uint32_t *body_len)
{
    struct bn_cmsg_fw_info *fi = (void *)(body - sizeof(fi->r));

    pstrcpy(fi->fw_version, sizeof(fi->fw_version), BPFNIC_FW_NAME);
    fi->islands = cpu_to_le32(s->params.islands);
    fi->fpcs = cpu_to_le32(s->params.fpcs);
    fi->threads = cpu_to_le32(s->params.threads);
    fi->mhz = cpu_to_le32(s->params.mhz);
    fi->code_store = cpu_to_le32(s->params.code_store);
    fi->reserved = 0;
    *body_len = sizeof(*fi) - sizeof(fi->r);
    return BN_RC_OK;
}

/* Append one TLV of @n little-endian words. */
static void bpfnic_tlv(uint8_t *body, uint32_t *off, uint16_t type,
                       const uint32_t *val, unsigned n)
{
    struct bn_tlv tlv = {
        .type = cpu_to_le16(type), .len = cpu_to_le16(n * 4),
    };
    unsigned i;

    if (*off + sizeof(tlv) + n * 4 > BPFNIC_BODY_MAX) {
        return;
    }
    memcpy(body + *off, &tlv, sizeof(tlv));
    *off += sizeof(tlv);
    for (i = 0; i < n; i++) {
        stl_le_p(body + *off, val[i]);
        *off += 4;
    }
}

static enum bn_rc bpfnic_cmsg_caps(BpfnicState *s, const uint8_t *req,
                                   uint32_t len, uint8_t *body,
                                   uint32_t *body_len)
{
    uint32_t ids[32], addrs[32];
    uint32_t n = MIN(bn_sim_helpers(ids, addrs, ARRAY_SIZE(ids)),
                     ARRAY_SIZE(ids));
    uint32_t maps[] = {
        (1u << BPF_MAP_TYPE_HASH) | (1u << BPF_MAP_TYPE_ARRAY),
        bn_sim_max_maps(),
        bn_sim_max_key(),
        /* a map op carries key and value in one control buffer */
        MIN(bn_sim_max_value(), BN_CMSG_MAX_LEN -
            sizeof(struct bn_cmsg_map_op) - bn_sim_max_key()),
        UINT32_MAX,
    };
    uint32_t adjust_head[] = { BN_XDP_HEADROOM, BPFNIC_ETH_HLEN };
    uint32_t code_store = s->params.code_store;
    uint32_t stack = bn_sim_stack_size(&s->params);
    uint32_t queues = BN_MAX_QUEUES;
    uint32_t off = 0, i;

    for (i = 0; i < n; i++) {
        uint32_t helper[] = { ids[i], addrs[i] };

        bpfnic_tlv(body, &off, BN_CAP_HELPER, helper, ARRAY_SIZE(helper));
    }
    bpfnic_tlv(body, &off, BN_CAP_MAPS, maps, ARRAY_SIZE(maps));
    bpfnic_tlv(body, &off, BN_CAP_CODE_STORE, &code_store, 1);
    bpfnic_tlv(body, &off, BN_CAP_STACK, &stack, 1);
    bpfnic_tlv(body, &off, BN_CAP_ADJUST_HEAD, adjust_head,
               ARRAY_SIZE(adjust_head));
    bpfnic_tlv(body, &off, BN_CAP_QUEUES, &queues, 1);
    *body_len = off;
    return BN_RC_OK;
}

static enum bn_rc bpfnic_cmsg_stats(BpfnicState *s, const uint8_t *req,
                                    uint32_t len, uint8_t *body,
                                    uint32_t *body_len)
{
    struct bn_cmsg_stats *st = (void *)(body - sizeof(st->r));
    unsigned i;

    st->rx_frames = cpu_to_le64(s->stats.rx_frames);
    st->rx_dropped = cpu_to_le64(s->stats.rx_dropped);
    st->tx_frames = cpu_to_le64(s->stats.tx_frames);
    for (i = 0; i < ARRAY_SIZE(st->verdict); i++) {
        st->verdict[i] = cpu_to_le64(s->stats.verdict[i]);
    }
    st->prog_faults = cpu_to_le64(s->stats.prog_faults);
    st->bad_desc = cpu_to_le64(s->stats.bad_desc);
    st->events = cpu_to_le64(s->stats.events);
    st->events_lost = cpu_to_le64(s->stats.events_lost);
    *body_len = sizeof(*st) - sizeof(st->r);
    return BN_RC_OK;
}

static enum bn_rc bpfnic_cmsg_prog_load(BpfnicState *s, const uint8_t *req,
                                        uint32_t len, uint8_t *body,
                                        uint32_t *body_len)
{
    const struct bn_cmsg_prog_load *pl = (const void *)req;
    uint32_t nmaps = le32_to_cpu(pl->nmaps);
    uint32_t img_len = le32_to_cpu(pl->image_len);
    uint64_t img_addr = le64_to_cpu(pl->image_addr);
    g_autofree uint32_t *ids = NULL;
    g_autofree uint8_t *img = NULL;
    char err[128] = "";
    uint32_t i;
    int ret;

    if (nmaps > (len - sizeof(*pl)) / 4) {
        return BN_RC_PARSE;
    }
    if (!img_len || img_len > BPFNIC_MAX_IMAGE) {
        qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: PROG_LOAD: image of %u bytes\n",
                      img_len);
        return img_len ? BN_RC_E2BIG : BN_RC_INVAL;
    }
    ids = g_new(uint32_t, nmaps + 1);
    for (i = 0; i < nmaps; i++) {
        ids[i] = le32_to_cpu(pl->map_ids[i]);
    }
    img = g_malloc(img_len);
    if (pci_dma_read(PCI_DEVICE(s), img_addr, img, img_len) != MEMTX_OK) {
        bpfnic_guest_error(s, BN_ERR_BAD_DMA, BN_REG_CTRLQ_REQ,
                           "PROG_LOAD: image at 0x%" PRIx64 " (%u bytes) "
                           "is not readable", img_addr, img_len);
        return BN_RC_INVAL;
    }
    ret = bn_sim_prog_load(s->sim, img, img_len, ids, nmaps, err,
                           sizeof(err));
    trace_bpfnic_prog_load(img_len, nmaps, ret);
    if (ret < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: PROG_LOAD: %s\n", err);
        return bpfnic_errno_rc(ret);
    }
    s->prog_loaded = true;
    s->prog_gen = le32_to_cpu(pl->gen);
    return BN_RC_OK;
}

static enum bn_rc bpfnic_cmsg_prog_unload(BpfnicState *s, const uint8_t *req,
                                          uint32_t len, uint8_t *body,
                                          uint32_t *body_len)
{
    bn_sim_prog_unload(s->sim);
    s->prog_loaded = false;
    return BN_RC_OK;
}

static enum bn_rc bpfnic_cmsg_map_alloc(BpfnicState *s, const uint8_t *req,
                                        uint32_t len, uint8_t *body,
                                        uint32_t *body_len)
{
    const struct bn_cmsg_map_alloc *ma = (const void *)req;
    struct bn_image_map def = {
        .type = le32_to_cpu(ma->type),
        .key_size = le32_to_cpu(ma->key_size),
        .value_size = le32_to_cpu(ma->value_size),
        .max_entries = le32_to_cpu(ma->max_entries),
        .flags = le32_to_cpu(ma->flags),
    };
    uint32_t key = le32_to_cpu(ma->key_size);
    uint32_t value = le32_to_cpu(ma->value_size);
    char err[128] = "";
    uint32_t id = 0;
    int ret;

    if ((uint64_t)key + value + sizeof(struct bn_cmsg_map_op) >
        BN_CMSG_MAX_LEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: MAP_ALLOC: key %u + value %u "
                      "bytes do not fit a control message\n", key, value);
        return BN_RC_E2BIG;
    }
    ret = bn_sim_map_create(s->sim, &def, &id, err, sizeof(err));
    trace_bpfnic_map_alloc(key, value, ret, id);
    if (ret < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: MAP_ALLOC: %s\n", err);
        return bpfnic_errno_rc(ret);
    }
    if (id >= s->nmaps) {       /* the model gave an id it never announced */
        bn_sim_map_free(s->sim, id);
        return BN_RC_NOMEM;
    }
    s->maps[id] = (BpfnicMap) { .key_size = key, .value_size = value,
                                .used = true };
    stl_le_p(body, id);
    stl_le_p(body + 4, 0);
    *body_len = 8;
    return BN_RC_OK;
}

/* The map a map_op names, if it exists and the message holds @need bytes. */
static BpfnicMap *bpfnic_map_op(BpfnicState *s, const uint8_t *req,
                                uint32_t len, bool key, bool value,
                                enum bn_rc *rc)
{
    const struct bn_cmsg_map_op *op = (const void *)req;
    uint32_t id = le32_to_cpu(op->id);
    BpfnicMap *m;

    if (id >= s->nmaps || !s->maps[id].used) {
        *rc = BN_RC_BADMAP;
        return NULL;
    }
    m = &s->maps[id];
    if (len < sizeof(*op) + (key ? m->key_size : 0) +
              (value ? m->value_size : 0)) {
        *rc = BN_RC_PARSE;
        return NULL;
    }
    *rc = BN_RC_OK;
    return m;
}

static enum bn_rc bpfnic_cmsg_map_free(BpfnicState *s, const uint8_t *req,
                                       uint32_t len, uint8_t *body,
                                       uint32_t *body_len)
{
    const struct bn_cmsg_map_op *op = (const void *)req;
    enum bn_rc rc;
    int ret;

    if (!bpfnic_map_op(s, req, len, false, false, &rc)) {
        return rc;
    }
    ret = bn_sim_map_free(s->sim, le32_to_cpu(op->id));
    if (!ret) {
        s->maps[le32_to_cpu(op->id)].used = false;
    }
    return bpfnic_errno_rc(ret);
}

static enum bn_rc bpfnic_cmsg_map_lookup(BpfnicState *s, const uint8_t *req,
                                         uint32_t len, uint8_t *body,
                                         uint32_t *body_len)
{
    const struct bn_cmsg_map_op *op = (const void *)req;
    enum bn_rc rc;
    BpfnicMap *m = bpfnic_map_op(s, req, len, true, false, &rc);
    int ret;

    if (!m) {
        return rc;
    }
    ret = bn_sim_map_lookup(s->sim, le32_to_cpu(op->id), op->data, body);
    if (!ret) {
        *body_len = m->value_size;
    }
    return bpfnic_errno_rc(ret);
}

static enum bn_rc bpfnic_cmsg_map_update(BpfnicState *s, const uint8_t *req,
                                         uint32_t len, uint8_t *body,
                                         uint32_t *body_len)
{
    const struct bn_cmsg_map_op *op = (const void *)req;
    enum bn_rc rc;
    BpfnicMap *m = bpfnic_map_op(s, req, len, true, true, &rc);

    if (!m) {
        return rc;
    }
    return bpfnic_errno_rc(bn_sim_map_update(s->sim, le32_to_cpu(op->id),
                                             op->data,
                                             op->data + m->key_size,
                                             le32_to_cpu(op->flags)));
}

static enum bn_rc bpfnic_cmsg_map_delete(BpfnicState *s, const uint8_t *req,
                                         uint32_t len, uint8_t *body,
                                         uint32_t *body_len)
{
    const struct bn_cmsg_map_op *op = (const void *)req;
    enum bn_rc rc;

    if (!bpfnic_map_op(s, req, len, true, false, &rc)) {
        return rc;
    }
    return bpfnic_errno_rc(bn_sim_map_delete(s->sim, le32_to_cpu(op->id),
                                             op->data));
}

static enum bn_rc bpfnic_cmsg_map_getnext(BpfnicState *s, const uint8_t *req,
                                          uint32_t len, uint8_t *body,
                                          uint32_t *body_len)
{
    const struct bn_cmsg_map_op *op = (const void *)req;
    bool first = le32_to_cpu(op->flags) & BN_MAP_OP_F_FIRST;
    enum bn_rc rc;
    BpfnicMap *m = bpfnic_map_op(s, req, len, !first, false, &rc);
    int ret;

    if (!m) {
        return rc;
    }
    ret = bn_sim_map_get_next_key(s->sim, le32_to_cpu(op->id),
                                  first ? NULL : op->data, body);
    if (!ret) {
        *body_len = m->key_size;
    }
    return bpfnic_errno_rc(ret);
}

static const struct {
    BpfnicCmsgFn fn;
    uint32_t min_len;       /* request bytes, header included */
} bpfnic_cmsg_ops[] = {
    [BN_CMSG_FW_INFO] = { bpfnic_cmsg_fw_info, sizeof(struct bn_cmsg_hdr) },
    [BN_CMSG_CAPS] = { bpfnic_cmsg_caps, sizeof(struct bn_cmsg_hdr) },
    [BN_CMSG_STATS] = { bpfnic_cmsg_stats, sizeof(struct bn_cmsg_hdr) },
    [BN_CMSG_PROG_LOAD] = { bpfnic_cmsg_prog_load,
                            sizeof(struct bn_cmsg_prog_load) },
    [BN_CMSG_PROG_UNLOAD] = { bpfnic_cmsg_prog_unload,
                              sizeof(struct bn_cmsg_hdr) },
    [BN_CMSG_MAP_ALLOC] = { bpfnic_cmsg_map_alloc,
                            sizeof(struct bn_cmsg_map_alloc) },
    [BN_CMSG_MAP_FREE] = { bpfnic_cmsg_map_free,
                           sizeof(struct bn_cmsg_map_op) },
    [BN_CMSG_MAP_LOOKUP] = { bpfnic_cmsg_map_lookup,
                             sizeof(struct bn_cmsg_map_op) },
    [BN_CMSG_MAP_UPDATE] = { bpfnic_cmsg_map_update,
                             sizeof(struct bn_cmsg_map_op) },
    [BN_CMSG_MAP_DELETE] = { bpfnic_cmsg_map_delete,
                             sizeof(struct bn_cmsg_map_op) },
    [BN_CMSG_MAP_GETNEXT] = { bpfnic_cmsg_map_getnext,
                              sizeof(struct bn_cmsg_map_op) },
};

/* Parse and answer the request in s->cmsg_req; the reply in s->cmsg_rsp. */
static uint32_t bpfnic_cmsg_handle(BpfnicState *s, uint32_t desc_len)
{
    const struct bn_cmsg_hdr *hdr = (const void *)s->cmsg_req;
    struct bn_cmsg_reply *rsp = (void *)s->cmsg_rsp;
    uint32_t len = le32_to_cpu(hdr->len), body_len = 0;
    enum bn_rc rc;

    memset(s->cmsg_rsp, 0, sizeof(s->cmsg_rsp));
    if (hdr->ver != BN_CMSG_VERSION || len < sizeof(*hdr) || len > desc_len) {
        bpfnic_guest_error(s, BN_ERR_BAD_CMSG, BN_REG_CTRLQ_REQ,
                           "cmsg type %u tag %u: version %u, length %u in a "
                           "%u-byte descriptor", hdr->type,
                           le16_to_cpu(hdr->tag), hdr->ver, len, desc_len);
        rc = BN_RC_PARSE;
    } else if (hdr->type >= ARRAY_SIZE(bpfnic_cmsg_ops) ||
               !bpfnic_cmsg_ops[hdr->type].fn) {
        qemu_log_mask(LOG_GUEST_ERROR, "bpfnic: cmsg type %u not supported\n",
                      hdr->type);
        rc = BN_RC_NOTSUPP;
    } else if (len < bpfnic_cmsg_ops[hdr->type].min_len) {
        bpfnic_guest_error(s, BN_ERR_BAD_CMSG, BN_REG_CTRLQ_REQ,
                           "cmsg type %u tag %u: %u bytes is too short",
                           hdr->type, le16_to_cpu(hdr->tag), len);
        rc = BN_RC_PARSE;
    } else {
        rc = bpfnic_cmsg_ops[hdr->type].fn(s, s->cmsg_req, len,
                                           s->cmsg_rsp + sizeof(*rsp),
                                           &body_len);
        if (rc != BN_RC_OK) {
            body_len = 0;
        }
    }
    trace_bpfnic_cmsg(hdr->type, le16_to_cpu(hdr->tag), len, rc);
    rsp->hdr.type = hdr->type | BN_CMSG_REPLY;
    rsp->hdr.ver = BN_CMSG_VERSION;
    rsp->hdr.tag = hdr->tag;
    rsp->hdr.len = cpu_to_le32(sizeof(*rsp) + body_len);
    rsp->rc = cpu_to_le32(rc);
    return sizeof(*rsp) + body_len;
}

/*
 * Consume one request.  A request whose header cannot be read gets no
 * reply (there is no tag to answer): its descriptor is refused.
 */
static void bpfnic_ctrl_one(BpfnicState *s, BpfnicRing *req, BpfnicRing *rsp)
{
    struct bn_desc d;
    uint32_t len, rsp_len;

    if (!bpfnic_desc_read(s, req, &d)) {
        return;
    }
    len = le16_to_cpu(d.len);
    if (len < sizeof(struct bn_cmsg_hdr) || len > BN_CMSG_MAX_LEN) {
        bpfnic_desc_refuse(s, req, &d, BN_ERR_BAD_CMSG,
                           "control message length out of range");
        return;
    }
    if (pci_dma_read(PCI_DEVICE(s), le64_to_cpu(d.addr), s->cmsg_req, len)
        != MEMTX_OK) {
        bpfnic_desc_refuse(s, req, &d, BN_ERR_BAD_DMA,
                           "control message not readable");
        return;
    }
    rsp_len = bpfnic_cmsg_handle(s, len);
    if (!bpfnic_desc_done(s, req, &d, len, BN_DESC_F_EOP, 0)) {
        return;
    }
    if (!bpfnic_ring_put(s, rsp, s->cmsg_rsp, rsp_len, 0)) {
        bpfnic_guest_error(s, BN_ERR_BAD_DESC, rsp->reg,
                           "control reply of %u bytes lost: reply buffer "
                           "missing or too small", rsp_len);
    }
}

/* Answer requests while there are reply buffers to answer into. */
static void bpfnic_ctrl_run(BpfnicState *s)
{
    BpfnicRing *req = &s->rings[BPFNIC_RING_CTRL_REQ];
    BpfnicRing *rsp = &s->rings[BPFNIC_RING_CTRL_RSP];
    bool done = false;

    while (!bpfnic_ring_empty(req) && !bpfnic_ring_empty(rsp)) {
        bpfnic_ctrl_one(s, req, rsp);
        done = true;
    }
    if (done) {
        bpfnic_irq(s, BN_VEC_CTRL);
    }
}

/* ---- registers (regs.h: device registers) -------------------------------- */

static void bpfnic_ring_kick(BpfnicState *s, unsigned idx)
{
    trace_bpfnic_ring_kick(s->rings[idx].reg, s->rings[idx].tail);
    if (idx < BPFNIC_RING_QUEUE0) {
        bpfnic_ctrl_run(s);
    } else if ((idx - BPFNIC_RING_QUEUE0) & 1) {
        bpfnic_tx_run(s, (idx - BPFNIC_RING_QUEUE0) / 2);
    } else {
        bpfnic_rx_kick(s);
    }
}

static void bpfnic_kick_all(BpfnicState *s)
{
    unsigned q;

    bpfnic_ctrl_run(s);
    for (q = 0; q < BN_MAX_QUEUES; q++) {
        bpfnic_tx_run(s, q);
    }
    bpfnic_rx_kick(s);
}

static void bpfnic_ring_reset(BpfnicRing *r, hwaddr reg)
{
    *r = (BpfnicRing) { .reg = reg };
}

/* The ring whose register block holds BAR0 offset @addr, or -1. */
static int bpfnic_ring_index(hwaddr addr)
{
    hwaddr block = addr & ~(hwaddr)0x3f;
    unsigned q;

    if ((addr & 0x3f) >= BPFNIC_RING_REGS) {
        return -1;
    }
    if (block == BN_REG_CTRLQ_REQ) {
        return BPFNIC_RING_CTRL_REQ;
    }
    if (block == BN_REG_CTRLQ_RSP) {
        return BPFNIC_RING_CTRL_RSP;
    }
    if (block < BN_REG_QUEUE(0) || block >= BN_REG_QUEUE(BN_MAX_QUEUES)) {
        return -1;
    }
    q = (block - BN_REG_QUEUE(0)) / 0x100;
    if (block == BN_REG_RXQ(q)) {
        return BPFNIC_RING_RX(q);
    }
    if (block == BN_REG_TXQ(q)) {
        return BPFNIC_RING_TX(q);
    }
    return -1;
}

static uint32_t bpfnic_ring_read(BpfnicState *s, BpfnicRing *r, hwaddr off)
{
    uint32_t head;

    switch (off) {
    case BN_RING_BASE_LO:
        return r->base;
    case BN_RING_BASE_HI:
        return r->base >> 32;
    case BN_RING_SIZE:
        return r->size;
    case BN_RING_TAIL:
        return r->tail;
    default:
        head = r->head;
        if (bpfnic_fault(s)) {
            head = bpfnic_fault_value(s, head);
            trace_bpfnic_fault("head", head);
        }
        return head;
    }
}

static void bpfnic_ring_write(BpfnicState *s, unsigned idx, hwaddr off,
                              uint32_t val)
{
    BpfnicRing *r = &s->rings[idx];
    uint64_t base;

    switch (off) {
    case BN_RING_BASE_LO:
        if (val & 0xf) {
            bpfnic_guest_error(s, BN_ERR_BAD_VALUE, r->reg + off, "ring 0x%"
                               HWADDR_PRIx ": base 0x%x not 16-byte aligned",
                               r->reg, val);
            return;
        }
        r->base = deposit64(r->base, 0, 32, val);
        return;
    case BN_RING_BASE_HI:
        r->base = deposit64(r->base, 32, 32, val);
        return;
    case BN_RING_SIZE:
        /* (re)starts the ring: empty, HEAD = TAIL = 0 */
        base = r->base;
        bpfnic_ring_reset(r, r->reg);
        r->base = base;
        if (val && (!is_power_of_2(val) || val < BN_RING_MIN ||
                    val > BN_RING_MAX)) {
            bpfnic_guest_error(s, BN_ERR_BAD_VALUE, r->reg + off, "ring 0x%"
                               HWADDR_PRIx ": size %u is not a power of two "
                               "in %u..%u, ring off", r->reg, val,
                               BN_RING_MIN, BN_RING_MAX);
            return;
        }
        r->size = val;
        return;
    case BN_RING_TAIL:
        if (!r->size || val >= r->size) {
            bpfnic_guest_error(s, BN_ERR_BAD_VALUE, r->reg + off, "ring 0x%"
                               HWADDR_PRIx ": tail %u outside a ring of %u",
                               r->reg, val, r->size);
            return;
        }
        r->tail = val;
        bpfnic_ring_kick(s, idx);
        return;
    default:
        bpfnic_guest_error(s, BN_ERR_BAD_REG, r->reg + off, "ring 0x%"
                           HWADDR_PRIx ": HEAD is read-only", r->reg);
    }
}

static void bpfnic_reset(BpfnicState *s);

static void bpfnic_set_ctrl(BpfnicState *s, int index, uint32_t val)
{
    if (val & BN_CTRL_RESET) {
        bpfnic_reset(s);
        return;
    }
    if (val & ~BN_CTRL_ENABLE) {
        bpfnic_guest_error(s, BN_ERR_BAD_VALUE, BN_REG_CTRL,
                           "CTRL: unknown bits 0x%x", val & ~BN_CTRL_ENABLE);
    }
    s->regs[index] = val & BN_CTRL_ENABLE;
    if (bpfnic_enabled(s)) {
        bpfnic_kick_all(s);
    }
}

static void bpfnic_set_num_queues(BpfnicState *s, int index, uint32_t val)
{
    if (bpfnic_enabled(s) || !val || val > BN_MAX_QUEUES) {
        bpfnic_guest_error(s, BN_ERR_BAD_VALUE, BN_REG_NUM_QUEUES,
                           "NUM_QUEUES: %u (1..%u, only while disabled)",
                           val, BN_MAX_QUEUES);
        return;
    }
    s->regs[index] = val;
}

static void bpfnic_set_mtu(BpfnicState *s, int index, uint32_t val)
{
    if (val < BN_MIN_MTU || val > s->regs[R(BN_REG_MAX_MTU)]) {
        bpfnic_guest_error(s, BN_ERR_BAD_VALUE, BN_REG_MTU,
                           "MTU: %u outside %u..%u", val, BN_MIN_MTU,
                           s->regs[R(BN_REG_MAX_MTU)]);
        return;
    }
    s->regs[index] = val;
}

static uint32_t bpfnic_mac_readreg(BpfnicState *s, int index)
{
    return s->regs[index];
}

static uint32_t bpfnic_get_status(BpfnicState *s, int index)
{
    NetClientState *nc = qemu_get_queue(s->nic);
    uint32_t status = 0;

    if (nc->peer && !nc->link_down) {
        status |= BN_STATUS_LINK_UP;
    }
    if (bpfnic_enabled(s)) {
        status |= BN_STATUS_ENABLED;
    }
    return status;
}

static uint32_t bpfnic_get_error(BpfnicState *s, int index)
{
    uint32_t err = s->regs[index];

    s->regs[index] = BN_ERR_NONE;   /* clear on read */
    return err;
}

typedef uint32_t (*BpfnicReadOp)(BpfnicState *s, int index);
typedef void (*BpfnicWriteOp)(BpfnicState *s, int index, uint32_t val);

static const BpfnicReadOp bpfnic_readops[BPFNIC_NREGS] = {
    [R(BN_REG_MAGIC) ... R(BN_REG_ERROR_INFO)] = bpfnic_mac_readreg,
    [R(BN_REG_STATUS)] = bpfnic_get_status,
    [R(BN_REG_ERROR)] = bpfnic_get_error,
};

static const BpfnicWriteOp bpfnic_writeops[BPFNIC_NREGS] = {
    [R(BN_REG_CTRL)] = bpfnic_set_ctrl,
    [R(BN_REG_NUM_QUEUES)] = bpfnic_set_num_queues,
    [R(BN_REG_MTU)] = bpfnic_set_mtu,
};

static const uint32_t bpfnic_reg_init[BPFNIC_NREGS] = {
    [R(BN_REG_MAGIC)] = BN_MAGIC,
    [R(BN_REG_ABI_VERSION)] = BN_ABI_VERSION,
    [R(BN_REG_MAX_QUEUES)] = BN_MAX_QUEUES,
    [R(BN_REG_NUM_QUEUES)] = 1,
    [R(BN_REG_MTU)] = BPFNIC_DEFAULT_MTU,
    [R(BN_REG_FW_VERSION)] = BPFNIC_FW_VERSION,
};

static uint64_t bpfnic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    BpfnicState *s = opaque;
    int ring = bpfnic_ring_index(addr);
    uint32_t val;

    if (addr / 4 < BPFNIC_NREGS && !(addr & 3) && bpfnic_readops[addr / 4]) {
        val = bpfnic_readops[addr / 4](s, addr / 4);
    } else if (ring >= 0 && !(addr & 3)) {
        val = bpfnic_ring_read(s, &s->rings[ring], addr & 0x3f);
    } else {
        bpfnic_guest_error(s, BN_ERR_BAD_REG, addr,
                           "read of unknown register 0x%" HWADDR_PRIx, addr);
        val = 0;
    }
    trace_bpfnic_mmio_read(addr, val);
    return val;
}

static void bpfnic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    BpfnicState *s = opaque;
    int ring = bpfnic_ring_index(addr);

    trace_bpfnic_mmio_write(addr, val);
    if (addr / 4 < BPFNIC_NREGS && !(addr & 3) && bpfnic_writeops[addr / 4]) {
        bpfnic_writeops[addr / 4](s, addr / 4, val);
    } else if (ring >= 0 && !(addr & 3)) {
        bpfnic_ring_write(s, ring, addr & 0x3f, val);
    } else if (addr / 4 < BPFNIC_NREGS) {
        bpfnic_guest_error(s, BN_ERR_BAD_REG, addr, "write of 0x%" PRIx64
                           " to read-only register 0x%" HWADDR_PRIx,
                           val, addr);
    } else {
        bpfnic_guest_error(s, BN_ERR_BAD_REG, addr, "write of 0x%" PRIx64
                           " to unknown register 0x%" HWADDR_PRIx, val, addr);
    }
}

static const MemoryRegionOps bpfnic_mmio_ops = {
    .read = bpfnic_mmio_read,
    .write = bpfnic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/* ---- reset, realize, exit ------------------------------------------------ */

static hwaddr bpfnic_ring_reg(unsigned idx)
{
    unsigned q = (idx - BPFNIC_RING_QUEUE0) / 2;

    switch (idx) {
    case BPFNIC_RING_CTRL_REQ:
        return BN_REG_CTRLQ_REQ;
    case BPFNIC_RING_CTRL_RSP:
        return BN_REG_CTRLQ_RSP;
    default:
        return (idx - BPFNIC_RING_QUEUE0) & 1 ? BN_REG_TXQ(q) : BN_REG_RXQ(q);
    }
}

/* Device state back to power-on: no program, no maps, rings off. */
static void bpfnic_reset(BpfnicState *s)
{
    const uint8_t *mac = s->conf.macaddr.a;
    uint32_t id, max_mtu;
    unsigned i;

    trace_bpfnic_reset();
    bn_sim_prog_unload(s->sim);
    s->prog_loaded = false;
    for (id = 0; id < s->nmaps; id++) {
        if (s->maps[id].used) {
            bn_sim_map_free(s->sim, id);
            s->maps[id].used = false;
        }
    }
    memcpy(s->regs, bpfnic_reg_init, sizeof(s->regs));
    max_mtu = bn_sim_max_frame(&s->params);
    max_mtu = max_mtu > BPFNIC_ETH_HLEN ? max_mtu - BPFNIC_ETH_HLEN : 0;
    s->regs[R(BN_REG_MAX_MTU)] = MAX(max_mtu, BPFNIC_DEFAULT_MTU);
    s->regs[R(BN_REG_MAC_LO)] = ldl_le_p(mac);
    s->regs[R(BN_REG_MAC_HI)] = lduw_le_p(mac + 4);
    for (i = 0; i < BPFNIC_NRINGS; i++) {
        bpfnic_ring_reset(&s->rings[i], bpfnic_ring_reg(i));
    }
    memset(&s->stats, 0, sizeof(s->stats));
}

static void bpfnic_qdev_reset(DeviceState *dev)
{
    bpfnic_reset(BPFNIC(dev));
}

static void bpfnic_pci_realize(PCIDevice *pdev, Error **errp)
{
    BpfnicState *s = BPFNIC(pdev);
    DeviceState *dev = DEVICE(pdev);
    struct bn_sim_ops ops = {
        .tx = bpfnic_sim_tx,
        .to_host = bpfnic_sim_to_host,
        .clock_ns = bpfnic_sim_clock_ns,
        .log = bpfnic_sim_log,
        .event = bpfnic_sim_event,
        .opaque = s,
    };
    char err[128] = "";
    unsigned v;

    bn_sim_params_default(&s->params);
    s->params.islands = s->islands;
    s->params.fpcs = s->fpcs;
    s->params.threads = s->threads;
    s->params.mhz = s->mhz;
    if (bn_sim_params_check(&s->params, err, sizeof(err)) < 0) {
        error_setg(errp, "bpfnic: %s", err);
        return;
    }
    s->sim = bn_sim_create(&s->params, &ops, err, sizeof(err));
    if (!s->sim) {
        error_setg(errp, "bpfnic: cannot create the NIC model: %s", err);
        return;
    }
    if (s->fault_rate > 1000) {
        error_setg(errp, "bpfnic: x-fault-rate is per mille: 0..1000");
        bn_sim_destroy(s->sim);
        s->sim = NULL;
        return;
    }
    s->fault_rng = s->fault_seed;
    s->nmaps = bn_sim_max_maps() + 1;   /* device map ids 1..max */
    s->maps = g_new0(BpfnicMap, s->nmaps);

    memory_region_init_io(&s->mmio, OBJECT(s), &bpfnic_mmio_ops, s,
                          "bpfnic-mmio", BN_BAR0_SIZE);
    pci_register_bar(pdev, BN_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->mmio);
    if (msix_init_exclusive_bar(pdev, BN_NUM_VECTORS, BN_BAR_MSIX, errp)) {
        bn_sim_destroy(s->sim);
        s->sim = NULL;
        g_free(s->maps);
        return;
    }
    for (v = 0; v < BN_NUM_VECTORS; v++) {
        msix_vector_use(pdev, v);
    }

    qemu_macaddr_default_if_unset(&s->conf.macaddr);
    s->nic = qemu_new_nic(&net_bpfnic_info, &s->conf,
                          object_get_typename(OBJECT(s)), dev->id,
                          &dev->mem_reentrancy_guard, s);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), s->conf.macaddr.a);
    bpfnic_reset(s);
}

static void bpfnic_pci_uninit(PCIDevice *pdev)
{
    BpfnicState *s = BPFNIC(pdev);

    qemu_del_nic(s->nic);
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
    bn_sim_destroy(s->sim);
    g_free(s->maps);
}

/* The model's maps and program have no VMState: not migratable. */
static const VMStateDescription vmstate_bpfnic = {
    .name = "bpfnic",
    .unmigratable = 1,
};

static Property bpfnic_properties[] = {
    DEFINE_NIC_PROPERTIES(BpfnicState, conf),
    /* the NIC model's shape; defaults are bn_sim_params_default()'s */
    DEFINE_PROP_UINT32("islands", BpfnicState, islands, 5),
    DEFINE_PROP_UINT32("fpcs", BpfnicState, fpcs, 12),
    DEFINE_PROP_UINT32("threads", BpfnicState, threads, 4),
    DEFINE_PROP_UINT32("mhz", BpfnicState, mhz, 800),
    DEFINE_PROP_UINT32("x-fault-rate", BpfnicState, fault_rate, 0),
    DEFINE_PROP_UINT32("x-fault-seed", BpfnicState, fault_seed, 1),
    DEFINE_PROP_UINT32("x-fault-skip", BpfnicState, fault_skip, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void bpfnic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = bpfnic_pci_realize;
    k->exit = bpfnic_pci_uninit;
    k->vendor_id = BN_PCI_VENDOR_ID;
    k->device_id = BN_PCI_DEVICE_ID;
    k->revision = BN_PCI_REVISION;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;
    dc->desc = "bpfnic eBPF offload NIC";
    dc->reset = bpfnic_qdev_reset;
    dc->vmsd = &vmstate_bpfnic;
    device_class_set_props(dc, bpfnic_properties);
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
}

static const TypeInfo bpfnic_types[] = {
    {
        .name          = TYPE_BPFNIC,
        .parent        = TYPE_PCI_DEVICE,
        .instance_size = sizeof(BpfnicState),
        .class_init    = bpfnic_class_init,
        .interfaces = (InterfaceInfo[]) {
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { },
        },
    },
};

DEFINE_TYPES(bpfnic_types)
