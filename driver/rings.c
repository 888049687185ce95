// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic data path: descriptor rings, RX buffers (page fragments turned
 * into skbs with build_skb), TX, and the NAPI poll that cleans both rings of
 * a queue pair.
 *
 * A ring's HEAD register is the device's word on how far it got.  It is
 * accepted only if it lies between our HEAD copy and our TAIL, and each
 * descriptor below it must carry BN_DESC_F_DD and sane lengths; anything
 * else is counted and warned about, never followed.
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/skbuff.h>

#include "bpfnic.h"

#define BN_RX_HEADROOM		(NET_SKB_PAD + NET_IP_ALIGN)

/* --- Rings --- */

/**
 * bn_ring_alloc() - allocate the descriptors of a ring
 * @bn:		device
 * @ring:	ring to set up (HEAD and TAIL start at 0)
 * @size:	entries, a power of two in BN_RING_MIN..BN_RING_MAX
 * @reg:	BAR0 offset of the ring's register block
 *
 * Return: 0 or -ENOMEM.
 */
int bn_ring_alloc(struct bpfnic *bn, struct bn_ring *ring, u32 size, u32 reg)
{
	if (WARN_ON_ONCE(!is_power_of_2(size) || size < BN_RING_MIN ||
			 size > BN_RING_MAX))
		return -EINVAL;

	ring->desc = dma_alloc_coherent(&bn->pdev->dev,
					size * sizeof(*ring->desc),
					&ring->dma, GFP_KERNEL);
	if (!ring->desc)
		return -ENOMEM;
	ring->size = size;
	ring->head = 0;
	ring->tail = 0;
	ring->reg = reg;
	return 0;
}

void bn_ring_free(struct bpfnic *bn, struct bn_ring *ring)
{
	if (!ring->desc)
		return;
	dma_free_coherent(&bn->pdev->dev, ring->size * sizeof(*ring->desc),
			  ring->desc, ring->dma);
	ring->desc = NULL;
	ring->size = 0;
}

/* Hand the ring to the device: base, then SIZE (turns it on), then TAIL. */
void bn_ring_hw_enable(struct bpfnic *bn, struct bn_ring *ring)
{
	bn_writel(bn, ring->reg + BN_RING_BASE_LO, lower_32_bits(ring->dma));
	bn_writel(bn, ring->reg + BN_RING_BASE_HI, upper_32_bits(ring->dma));
	bn_writel(bn, ring->reg + BN_RING_SIZE, ring->size);
	bn_writel(bn, ring->reg + BN_RING_TAIL, ring->tail);
}

void bn_ring_hw_disable(struct bpfnic *bn, struct bn_ring *ring)
{
	bn_writel(bn, ring->reg + BN_RING_SIZE, 0);
	bn_writel(bn, ring->reg + BN_RING_BASE_LO, 0);
	bn_writel(bn, ring->reg + BN_RING_BASE_HI, 0);
}

/**
 * bn_ring_read_head() - read and check a ring's HEAD register
 * @bn:		device
 * @ring:	ring
 * @head:	the new HEAD, if it is valid
 *
 * The device may only complete what the driver posted: HEAD must lie in
 * [@ring->head, @ring->tail] modulo the ring size.  Descriptors up to the
 * returned HEAD may be read after this (dma_rmb()).
 *
 * Return: false (and a rate-limited warning) if the device reported an
 * impossible HEAD; the caller counts it and makes no progress.
 */
bool bn_ring_read_head(struct bpfnic *bn, struct bn_ring *ring, u32 *head)
{
	u32 mask = ring->size - 1;
	u32 val, tail;

	val = bn_readl(bn, ring->reg + BN_RING_HEAD);
	tail = READ_ONCE(ring->tail);
	if (val > mask ||
	    ((val - ring->head) & mask) > ((tail - ring->head) & mask)) {
		dev_warn_ratelimited(&bn->pdev->dev,
				     "ring at 0x%04x: device HEAD %u outside [%u, %u] of %u entries, ignored\n",
				     ring->reg, val, ring->head, tail,
				     ring->size);
		return false;
	}
	dma_rmb();
	*head = val;
	return true;
}

/* --- RX --- */

/**
 * bn_rx_buf_size_set() - size RX buffers for an MTU
 * @bn:		device
 * @mtu:	L3 MTU; a buffer takes the frame with two VLAN tags
 *
 * A frame never spans buffers, so the buffer bounds the frame length the
 * device may report back in desc.len.
 */
void bn_rx_buf_size_set(struct bpfnic *bn, unsigned int mtu)
{
	bn->rx_buf_size = mtu + ETH_HLEN + 2 * VLAN_HLEN;
	bn->rx_frag_size = SKB_DATA_ALIGN(BN_RX_HEADROOM + bn->rx_buf_size) +
			   SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
}

static int bn_rx_buf_alloc(struct bpfnic *bn, struct bn_rx_buf *buf,
			   bool in_napi)
{
	void *frag;

	if (in_napi)
		frag = napi_alloc_frag(bn->rx_frag_size);
	else
		frag = netdev_alloc_frag(bn->rx_frag_size);
	if (!frag)
		return -ENOMEM;

	buf->dma = dma_map_single(&bn->pdev->dev, frag + BN_RX_HEADROOM,
				  bn->rx_buf_size, DMA_FROM_DEVICE);
	if (dma_mapping_error(&bn->pdev->dev, buf->dma)) {
		skb_free_frag(frag);
		return -ENOMEM;
	}
	buf->frag = frag;
	return 0;
}

static void bn_rx_buf_free(struct bpfnic *bn, struct bn_rx_buf *buf)
{
	dma_unmap_single(&bn->pdev->dev, buf->dma, bn->rx_buf_size,
			 DMA_FROM_DEVICE);
	skb_free_frag(buf->frag);
	buf->frag = NULL;
}

/* Post @buf at TAIL; the doorbell is rung by the caller. */
static void bn_rx_post(struct bn_queue *q, const struct bn_rx_buf *buf)
{
	struct bn_ring *rx = &q->rx;
	struct bn_desc *desc = &rx->desc[rx->tail];

	q->rx_bufs[rx->tail] = *buf;
	desc->addr = cpu_to_le64(buf->dma);
	desc->len = cpu_to_le16(q->bn->rx_buf_size);
	desc->flags = 0;
	desc->meta = 0;
	rx->tail = (rx->tail + 1) & (rx->size - 1);
}

static void bn_rx_doorbell(struct bn_queue *q)
{
	dma_wmb();
	bn_writel(q->bn, q->rx.reg + BN_RING_TAIL, q->rx.tail);
}

/* Fill an empty RX ring before it is enabled. */
static int bn_rx_fill(struct bn_queue *q)
{
	struct bn_rx_buf buf;

	while (bn_ring_space(&q->rx)) {
		if (bn_rx_buf_alloc(q->bn, &buf, false))
			return -ENOMEM;
		bn_rx_post(q, &buf);
	}
	return 0;
}

static void bn_rx_drain(struct bn_queue *q)
{
	u32 i;

	for (i = 0; i < q->rx.size; i++)
		if (q->rx_bufs[i].frag)
			bn_rx_buf_free(q->bn, &q->rx_bufs[i]);
}

static bool bn_rx_desc_valid(struct bn_queue *q, u32 idx, u16 flags, u16 len)
{
	if (!(flags & BN_DESC_F_DD) || !(flags & BN_DESC_F_EOP) ||
	    len < ETH_HLEN || len > q->bn->rx_buf_size) {
		dev_warn_ratelimited(&q->bn->pdev->dev,
				     "rx%u: invalid descriptor %u from device: flags 0x%x len %u (buffer %u)\n",
				     q->idx, idx, flags, len,
				     q->bn->rx_buf_size);
		return false;
	}
	return true;
}

static void bn_rx_count(struct bn_queue *q, u64 *ctr, u64 val)
{
	u64_stats_update_begin(&q->napi_syncp);
	*ctr += val;
	u64_stats_update_end(&q->napi_syncp);
}

/**
 * bn_rx_one() - receive the frame in the descriptor at the ring's head
 * @q:		queue pair
 *
 * The ring stays full: the frame's buffer is replaced by a new one, or, if
 * none can be allocated or the descriptor is bad, posted again and the
 * frame dropped.
 */
static void bn_rx_one(struct bn_queue *q)
{
	struct bpfnic *bn = q->bn;
	struct bn_ring *rx = &q->rx;
	u32 idx = rx->head;
	struct bn_desc *desc = &rx->desc[idx];
	struct bn_rx_buf old = q->rx_bufs[idx];
	struct bn_rx_buf new;
	struct sk_buff *skb;
	u16 flags, len;

	flags = le16_to_cpu(READ_ONCE(desc->flags));
	len = le16_to_cpu(READ_ONCE(desc->len));
	q->rx_bufs[idx].frag = NULL;
	rx->head = (idx + 1) & (rx->size - 1);

	/* The device refused the buffer (DD | ERR): reuse it. */
	if ((flags & (BN_DESC_F_DD | BN_DESC_F_ERR)) ==
	    (BN_DESC_F_DD | BN_DESC_F_ERR)) {
		bn_rx_count(q, &q->rx_stats.errors, 1);
		bn_rx_post(q, &old);
		return;
	}
	if (!bn_rx_desc_valid(q, idx, flags, len)) {
		bn_rx_count(q, &q->rx_stats.bad_desc, 1);
		bn_rx_post(q, &old);
		return;
	}
	if (bn_rx_buf_alloc(bn, &new, true)) {
		bn_rx_count(q, &q->rx_stats.drops, 1);
		bn_rx_post(q, &old);
		return;
	}
	bn_rx_post(q, &new);

	dma_unmap_single(&bn->pdev->dev, old.dma, bn->rx_buf_size,
			 DMA_FROM_DEVICE);
	skb = napi_build_skb(old.frag, bn->rx_frag_size);
	if (!skb) {
		skb_free_frag(old.frag);
		bn_rx_count(q, &q->rx_stats.drops, 1);
		return;
	}
	skb_reserve(skb, BN_RX_HEADROOM);
	skb_put(skb, len);
	skb->protocol = eth_type_trans(skb, bn->netdev);
	skb_record_rx_queue(skb, q->idx);

	u64_stats_update_begin(&q->napi_syncp);
	q->rx_stats.packets++;
	q->rx_stats.bytes += len;
	u64_stats_update_end(&q->napi_syncp);

	napi_gro_receive(&q->napi, skb);
}

static int bn_rx_poll(struct bn_queue *q, int budget)
{
	int done = 0;
	u32 head;

	if (!bn_ring_read_head(q->bn, &q->rx, &head)) {
		bn_rx_count(q, &q->rx_stats.bad_head, 1);
		return 0;
	}
	while (q->rx.head != head && done < budget) {
		bn_rx_one(q);
		done++;
	}
	if (done)
		bn_rx_doorbell(q);
	return done;
}

/* --- TX --- */

static u32 bn_tx_wake_thresh(const struct bn_ring *tx)
{
	return tx->size / 4;
}

static void bn_tx_count(struct bn_queue *q, u64 *ctr)
{
	u64_stats_update_begin(&q->xmit_syncp);
	(*ctr)++;
	u64_stats_update_end(&q->xmit_syncp);
}

/**
 * bn_start_xmit() - ndo_start_xmit: one linear frame per descriptor
 * @skb:	frame
 * @netdev:	port
 *
 * Return: NETDEV_TX_OK, or NETDEV_TX_BUSY if the ring is full (the queue
 * is stopped before that can happen, so it means a wake-up went wrong).
 */
netdev_tx_t bn_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct bpfnic *bn = netdev_priv(netdev);
	struct bn_queue *q = &bn->queues[skb_get_queue_mapping(skb)];
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, q->idx);
	struct bn_ring *tx = &q->tx;
	struct bn_desc *desc;
	dma_addr_t dma;

	if (unlikely(!bn_ring_space(tx))) {
		netif_tx_stop_queue(txq);
		bn_tx_count(q, &q->tx_stats.busy);
		return NETDEV_TX_BUSY;
	}
	/* eth_skb_pad() frees the skb when it fails. */
	if (eth_skb_pad(skb))
		goto err_count;
	if (skb_linearize(skb))
		goto err_free;
	dma = dma_map_single(&bn->pdev->dev, skb->data, skb->len,
			     DMA_TO_DEVICE);
	if (dma_mapping_error(&bn->pdev->dev, dma))
		goto err_free;

	q->tx_bufs[tx->tail] = (struct bn_tx_buf){
		.skb = skb, .dma = dma, .len = skb->len,
	};
	desc = &tx->desc[tx->tail];
	desc->addr = cpu_to_le64(dma);
	desc->len = cpu_to_le16(skb->len);
	desc->flags = cpu_to_le16(BN_DESC_F_EOP);
	desc->meta = 0;
	WRITE_ONCE(tx->tail, (tx->tail + 1) & (tx->size - 1));
	skb_tx_timestamp(skb);

	if (unlikely(!bn_ring_space(tx))) {
		netif_tx_stop_queue(txq);
		/* Pairs with the barrier in bn_tx_complete(). */
		smp_mb();
		if (bn_ring_space(tx) >= bn_tx_wake_thresh(tx))
			netif_tx_start_queue(txq);
	}
	if (__netdev_tx_sent_queue(txq, skb->len, netdev_xmit_more())) {
		dma_wmb();
		bn_writel(bn, tx->reg + BN_RING_TAIL, tx->tail);
	}
	return NETDEV_TX_OK;

err_free:
	dev_kfree_skb_any(skb);
err_count:
	bn_tx_count(q, &q->tx_stats.drops);
	return NETDEV_TX_OK;
}

static void bn_tx_buf_free(struct bn_queue *q, struct bn_tx_buf *buf,
			   int budget)
{
	dma_unmap_single(&q->bn->pdev->dev, buf->dma, buf->len,
			 DMA_TO_DEVICE);
	napi_consume_skb(buf->skb, budget);
	buf->skb = NULL;
}

/* One completed descriptor; returns whether the frame was sent. */
static bool bn_tx_one(struct bn_queue *q, struct bn_tx_buf *buf, u16 flags)
{
	if (!(flags & BN_DESC_F_DD)) {
		dev_warn_ratelimited(&q->bn->pdev->dev,
				     "tx%u: descriptor %u below HEAD without DD (flags 0x%x)\n",
				     q->idx, q->tx.head, flags);
		q->tx_stats.bad_desc++;
		return false;
	}
	if (flags & BN_DESC_F_ERR) {
		q->tx_stats.errors++;
		return false;
	}
	q->tx_stats.packets++;
	q->tx_stats.bytes += buf->len;
	return true;
}

/**
 * bn_tx_complete() - free the frames the device has consumed
 * @q:		queue pair
 * @budget:	NAPI budget (0 from netpoll)
 */
static void bn_tx_complete(struct bn_queue *q, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->bn->netdev, q->idx);
	struct bn_ring *tx = &q->tx;
	unsigned int pkts = 0, bytes = 0;
	struct bn_tx_buf *buf;
	u32 head;
	u16 flags;

	if (tx->head == READ_ONCE(tx->tail))
		return;
	if (!bn_ring_read_head(q->bn, tx, &head)) {
		u64_stats_update_begin(&q->napi_syncp);
		q->tx_stats.bad_head++;
		u64_stats_update_end(&q->napi_syncp);
		return;
	}

	u64_stats_update_begin(&q->napi_syncp);
	while (tx->head != head) {
		buf = &q->tx_bufs[tx->head];
		flags = le16_to_cpu(READ_ONCE(tx->desc[tx->head].flags));
		bn_tx_one(q, buf, flags);
		pkts++;
		bytes += buf->len;
		bn_tx_buf_free(q, buf, budget);
		tx->head = (tx->head + 1) & (tx->size - 1);
	}
	u64_stats_update_end(&q->napi_syncp);

	netdev_tx_completed_queue(txq, pkts, bytes);
	/* Pairs with the barrier in bn_start_xmit(). */
	smp_mb();
	if (unlikely(netif_tx_queue_stopped(txq)) &&
	    bn_ring_space(tx) >= bn_tx_wake_thresh(tx))
		netif_tx_wake_queue(txq);
}

static void bn_tx_drain(struct bn_queue *q)
{
	u32 i;

	for (i = 0; i < q->tx.size; i++)
		if (q->tx_bufs[i].skb)
			bn_tx_buf_free(q, &q->tx_bufs[i], 0);
	netdev_tx_reset_queue(netdev_get_tx_queue(q->bn->netdev, q->idx));
}

/* --- NAPI and interrupts --- */

static int bn_poll(struct napi_struct *napi, int budget)
{
	struct bn_queue *q = container_of(napi, struct bn_queue, napi);
	int done = 0;

	bn_tx_complete(q, budget);
	if (budget)
		done = bn_rx_poll(q, budget);
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/*
 * The device has no interrupt mask: an MSI-X message while NAPI runs just
 * marks it missed, and napi_complete_done() polls again.
 */
static irqreturn_t bn_queue_irq(int irq, void *data)
{
	struct bn_queue *q = data;

	napi_schedule_irqoff(&q->napi);
	return IRQ_HANDLED;
}

/* --- Queue pairs --- */

/**
 * bn_queues_alloc() - allocate the queue pairs and their NAPI contexts
 * @bn:		device, with @bn->num_queues and MSI-X vectors set up
 *
 * Rings and buffers are allocated only while the port is up.
 *
 * Return: 0 or -ENOMEM.
 */
int bn_queues_alloc(struct bpfnic *bn)
{
	struct bn_queue *q;
	unsigned int i;

	bn->queues = kcalloc(bn->num_queues, sizeof(*bn->queues), GFP_KERNEL);
	if (!bn->queues)
		return -ENOMEM;

	for (i = 0; i < bn->num_queues; i++) {
		q = &bn->queues[i];
		q->bn = bn;
		q->idx = i;
		q->irq = pci_irq_vector(bn->pdev, BN_VEC_QUEUE(i));
		u64_stats_init(&q->napi_syncp);
		u64_stats_init(&q->xmit_syncp);
		netif_napi_add(bn->netdev, &q->napi, bn_poll);
	}
	return 0;
}

void bn_queues_free(struct bpfnic *bn)
{
	unsigned int i;

	for (i = 0; i < bn->num_queues; i++)
		netif_napi_del(&bn->queues[i].napi);
	kfree(bn->queues);
	bn->queues = NULL;
}

static int bn_queue_rings_alloc(struct bn_queue *q)
{
	struct bpfnic *bn = q->bn;
	int err;

	err = bn_ring_alloc(bn, &q->rx, bn->rx_ring_size, BN_REG_RXQ(q->idx));
	if (err)
		return err;
	err = -ENOMEM;
	q->rx_bufs = kvcalloc(q->rx.size, sizeof(*q->rx_bufs), GFP_KERNEL);
	if (!q->rx_bufs)
		goto err_free_rx_ring;
	err = bn_ring_alloc(bn, &q->tx, bn->tx_ring_size, BN_REG_TXQ(q->idx));
	if (err)
		goto err_free_rx_bufs;
	err = -ENOMEM;
	q->tx_bufs = kvcalloc(q->tx.size, sizeof(*q->tx_bufs), GFP_KERNEL);
	if (!q->tx_bufs)
		goto err_free_tx_ring;
	return 0;

err_free_tx_ring:
	bn_ring_free(bn, &q->tx);
err_free_rx_bufs:
	kvfree(q->rx_bufs);
	q->rx_bufs = NULL;
err_free_rx_ring:
	bn_ring_free(bn, &q->rx);
	return err;
}

static void bn_queue_rings_free(struct bn_queue *q)
{
	kvfree(q->tx_bufs);
	q->tx_bufs = NULL;
	bn_ring_free(q->bn, &q->tx);
	kvfree(q->rx_bufs);
	q->rx_bufs = NULL;
	bn_ring_free(q->bn, &q->rx);
}

/**
 * bn_queue_up() - allocate a queue pair's rings, fill RX, start the device
 * @q:		queue pair
 *
 * Return: 0 or a negative errno, with nothing left allocated.
 */
static int bn_queue_up(struct bn_queue *q)
{
	struct bpfnic *bn = q->bn;
	int err;

	err = bn_queue_rings_alloc(q);
	if (err)
		return err;
	err = bn_rx_fill(q);
	if (err)
		goto err_drain_rx;

	snprintf(q->irq_name, sizeof(q->irq_name), "%s-q%u",
		 bn->netdev->name, q->idx);
	err = request_irq(q->irq, bn_queue_irq, 0, q->irq_name, q);
	if (err) {
		netdev_err(bn->netdev, "queue %u: request_irq(%u): %d\n",
			   q->idx, q->irq, err);
		goto err_drain_rx;
	}
	irq_update_affinity_hint(q->irq,
				 cpumask_of(cpumask_local_spread(q->idx,
								 dev_to_node(&bn->pdev->dev))));
	napi_enable(&q->napi);
	bn_ring_hw_enable(bn, &q->tx);
	bn_ring_hw_enable(bn, &q->rx);
	return 0;

err_drain_rx:
	bn_rx_drain(q);
	bn_queue_rings_free(q);
	return err;
}

/**
 * bn_queue_down() - stop a queue pair and free everything it holds
 * @q:		queue pair
 *
 * NAPI stops first, so nothing reads a HEAD the ring-off below resets to
 * 0; then the device lets go of the rings (SIZE 0), the interrupt goes, and
 * only then are buffers unmapped and freed.
 */
static void bn_queue_down(struct bn_queue *q)
{
	struct bpfnic *bn = q->bn;

	napi_disable(&q->napi);
	bn_ring_hw_disable(bn, &q->rx);
	bn_ring_hw_disable(bn, &q->tx);
	/* Flush the posted writes before the memory goes. */
	bn_readl(bn, BN_REG_STATUS);
	irq_update_affinity_hint(q->irq, NULL);
	free_irq(q->irq, q);

	bn_tx_drain(q);
	bn_rx_drain(q);
	bn_queue_rings_free(q);
}

int bn_queues_up(struct bpfnic *bn)
{
	unsigned int i;
	int err;

	for (i = 0; i < bn->num_queues; i++) {
		err = bn_queue_up(&bn->queues[i]);
		if (err)
			goto err_queues_down;
	}
	return 0;

err_queues_down:
	while (i--)
		bn_queue_down(&bn->queues[i]);
	return err;
}

void bn_queues_down(struct bpfnic *bn)
{
	unsigned int i;

	for (i = 0; i < bn->num_queues; i++)
		bn_queue_down(&bn->queues[i]);
}

/**
 * bn_queue_stats_read() - a consistent snapshot of a queue pair's counters
 * @q:		queue pair
 * @rx:		RX counters out
 * @tx:		TX counters out
 */
void bn_queue_stats_read(struct bn_queue *q, struct bn_rx_stats *rx,
			 struct bn_tx_stats *tx)
{
	unsigned int start;
	u64 drops, busy;

	do {
		start = u64_stats_fetch_begin(&q->napi_syncp);
		*rx = q->rx_stats;
		*tx = q->tx_stats;
	} while (u64_stats_fetch_retry(&q->napi_syncp, start));
	do {
		start = u64_stats_fetch_begin(&q->xmit_syncp);
		drops = q->tx_stats.drops;
		busy = q->tx_stats.busy;
	} while (u64_stats_fetch_retry(&q->xmit_syncp, start));
	tx->drops = drops;
	tx->busy = busy;
}
