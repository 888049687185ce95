/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpfnic PCI device: identity, BAR0 registers, DMA rings, interrupts.
 *
 * The host<->device contract for the data path; the control channel's
 * messages are in cmsg.h.  All registers are 32 bits wide, little-endian,
 * accessed with 32-bit reads and writes only.  Everything the driver writes
 * is validated by the device, and everything the device writes (descriptors,
 * replies) is validated by the driver: neither side trusts the other.
 *
 * Rings.  A ring is an array of struct bn_desc in guest memory at BASE, of
 * SIZE entries (a power of two, BN_RING_MIN..BN_RING_MAX).  The driver
 * produces up to TAIL (exclusive, modulo SIZE) and the device consumes from
 * HEAD; one slot stays empty, so HEAD == TAIL means empty.  The device writes
 * back a consumed descriptor with BN_DESC_F_DD set, then advances HEAD and
 * raises the ring's MSI-X vector.
 *   RX: the driver posts empty buffers (addr, len = buffer size); the device
 *       writes a received frame into the next one, sets len to the frame
 *       length and flags DD | EOP (a frame never spans buffers; one that does
 *       not fit is dropped and counted in rx_dropped).
 *   TX: the driver posts frames (addr, len, flags EOP); the device sends
 *       them to the wire and sets DD.
 *   Control: request ring (driver -> device: one cmsg per descriptor) and
 *       reply ring (driver posts empty buffers; the device writes replies
 *       and unsolicited messages into them, as for RX).  A request is
 *       answered when a reply buffer is free; posting buffers resumes it.
 *
 * Ring lifetime.  Writing a ring's SIZE (re)starts it with HEAD = TAIL = 0;
 * writing 0 stops it, and from then on the device does not touch that
 * ring's memory.  Rings may be started and stopped while the device is
 * enabled (ndo_open/ndo_stop do).  A ring whose descriptors cannot be read
 * or written back stops until SIZE is written again; a bad buffer costs only
 * its own descriptor, written back with DD | ERR.
 *
 * CTRL_ENABLE runs the data rings (RX, TX); the control rings run whenever
 * they are configured.  CTRL_RESET is a full function reset: registers and
 * rings back to reset values, the program unloaded, every map freed,
 * counters zeroed.
 *
 * Frames.  TX frames carry EOP and are 14 .. MAX_MTU + 18 bytes (Ethernet
 * header and one VLAN tag above the MTU).  RX frames are steered to queue
 * hash % NUM_QUEUES, the hash covering the IPv4/IPv6 source and destination
 * addresses and, for TCP/UDP (not IPv4 fragments), the ports; other frames
 * go to queue 0.  A frame longer than its buffer is dropped and counted.
 * Every completion raises the ring's vector (no moderation or mask yet).
 */
#ifndef BPFNIC_REGS_H
#define BPFNIC_REGS_H

#include <linux/types.h>

/* ---- PCI identity ---------------------------------------------------------
 * 0x1234 is the vendor id QEMU uses for its own emulated devices (edu,
 * bochs-display); the device id is ours.  Not Netronome's 0x19ee.
 */
#define BN_PCI_VENDOR_ID	0x1234
#define BN_PCI_DEVICE_ID	0xb9fc
#define BN_PCI_REVISION		0x01
#define BN_BAR_REGS		0	/* BAR0: registers, 64 KiB */
#define BN_BAR_MSIX		2	/* BAR2: MSI-X table and PBA */
#define BN_BAR0_SIZE		0x10000

/* ---- MSI-X vectors ------------------------------------------------------- */
#define BN_VEC_CTRL		0	/* control reply ring, link changes */
#define BN_VEC_QUEUE(q)		(1 + (q))	/* RX and TX ring of queue pair q */
#define BN_MAX_QUEUES		8
#define BN_NUM_VECTORS		(1 + BN_MAX_QUEUES)

/* ---- device registers (BAR0 offsets) ----------------------------------- */
#define BN_REG_MAGIC		0x0000	/* ro: BN_MAGIC */
#define BN_REG_ABI_VERSION	0x0004	/* ro: BN_ABI_VERSION */
#define BN_REG_CTRL		0x0008	/* rw: BN_CTRL_* */
#define BN_REG_STATUS		0x000c	/* ro: BN_STATUS_* */
#define BN_REG_MAX_QUEUES	0x0010	/* ro: queue pairs the device has */
#define BN_REG_NUM_QUEUES	0x0014	/* rw: queue pairs in use (while disabled) */
#define BN_REG_MTU		0x0018	/* rw: BN_MIN_MTU..MAX_MTU, default 1500 */
#define BN_REG_MAX_MTU		0x001c	/* ro */
#define BN_REG_MAC_LO		0x0020	/* ro: MAC bytes 0..3 (byte 0 lowest) */
#define BN_REG_MAC_HI		0x0024	/* ro: MAC bytes 4..5 */
#define BN_REG_FW_VERSION	0x0028	/* ro: major << 16 | minor << 8 | patch */
#define BN_REG_ERROR		0x002c	/* ro, clear on read: last BN_ERR_* */
#define BN_REG_ERROR_INFO	0x0030	/* ro: register/ring of that error */

#define BN_REG_CTRLQ_REQ	0x0100	/* control request ring (BN_RING_*) */
#define BN_REG_CTRLQ_RSP	0x0140	/* control reply ring (BN_RING_*) */
#define BN_REG_QUEUE(q)		(0x1000 + (q) * 0x100)
#define BN_REG_RXQ(q)		(BN_REG_QUEUE(q) + 0x00)	/* BN_RING_* */
#define BN_REG_TXQ(q)		(BN_REG_QUEUE(q) + 0x40)	/* BN_RING_* */

/* Ring register block, at BN_REG_CTRLQ_*, BN_REG_RXQ(q), BN_REG_TXQ(q). */
#define BN_RING_BASE_LO		0x00	/* rw: guest-physical address, 16-byte aligned */
#define BN_RING_BASE_HI		0x04	/* rw */
#define BN_RING_SIZE		0x08	/* rw: entries, power of two; 0 = ring off */
#define BN_RING_TAIL		0x0c	/* rw: driver's producer index (doorbell) */
#define BN_RING_HEAD		0x10	/* ro: device's consumer index */

#define BN_MAGIC		0x43494e42u	/* "BNIC" */
#define BN_ABI_VERSION		1

#define BN_CTRL_ENABLE		0x00000001	/* run the rings */
#define BN_CTRL_RESET		0x00000002	/* w1: back to reset values, rings off */

#define BN_STATUS_LINK_UP	0x00000001	/* the wire backend is connected */
#define BN_STATUS_ENABLED	0x00000002

#define BN_MIN_MTU		68
#define BN_RING_MIN		8
#define BN_RING_MAX		4096

/* Guest misprogramming the device detected (BN_REG_ERROR); the device also
 * logs it and stops the offending ring, never the whole device. */
enum bn_dev_err {
	BN_ERR_NONE = 0,
	BN_ERR_BAD_REG = 1,		/* write to a read-only/unknown register */
	BN_ERR_BAD_VALUE = 2,		/* value out of range (size, MTU, queues) */
	BN_ERR_BAD_DMA = 3,		/* DMA to/from an unmapped address */
	BN_ERR_BAD_DESC = 4,		/* descriptor fields invalid */
	BN_ERR_BAD_CMSG = 5,		/* malformed control message */
};

/* ---- descriptors ----------------------------------------------------------- */
struct bn_desc {
	__le64 addr;		/* guest-physical buffer address */
	__le16 len;		/* RX: buffer size -> frame length; TX: frame length */
	__le16 flags;		/* BN_DESC_F_* */
	__le32 meta;		/* RX: BN_RXMETA_*; TX: 0 */
};

#define BN_DESC_F_DD		0x0001	/* written back by the device */
#define BN_DESC_F_EOP		0x0002	/* end of frame (always set today) */
#define BN_DESC_F_ERR		0x0004	/* the device could not process it */

/* RX meta: what the device's program did to the frame (0: no program). */
#define BN_RXMETA_PROG		0x00000001	/* a program ran and passed it */

#endif /* BPFNIC_REGS_H */
