// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic control channel, on the model of the NFP's ccm: a request ring the
 * driver posts control messages on and a reply ring the device answers on,
 * matched by tag.  A tag is a slot index in its low bits and a generation
 * above, so a late reply to a request that timed out never lands in the
 * slot's next user.
 *
 * Every reply is checked (descriptor, length, version, type, tag, rc) before
 * it is copied, once, out of the shared buffer into the caller's; the
 * caller then checks the body it asked for.
 */
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/log2.h>
#include <linux/string.h>

#include "bpfnic.h"

#define BN_TAG_SLOT_BITS	ilog2(BN_CTRL_SLOTS)

static const int bn_rc_errno[] = {
	[BN_RC_OK]	= 0,
	[BN_RC_NOENT]	= -ENOENT,
	[BN_RC_EXIST]	= -EEXIST,
	[BN_RC_INVAL]	= -EINVAL,
	[BN_RC_E2BIG]	= -E2BIG,
	[BN_RC_NOMEM]	= -ENOMEM,
	[BN_RC_BUSY]	= -EBUSY,
	[BN_RC_PARSE]	= -EIO,
	[BN_RC_BADMAP]	= -EBADF,
	[BN_RC_NOTSUPP]	= -EOPNOTSUPP,
};

/* --- Rings --- */

static void *bn_ctrl_buf(void *base, u32 idx)
{
	return base + (size_t)idx * BN_CMSG_MAX_LEN;
}

static dma_addr_t bn_ctrl_buf_dma(dma_addr_t base, u32 idx)
{
	return base + (dma_addr_t)idx * BN_CMSG_MAX_LEN;
}

/* Give reply ring slot TAIL (and its fixed buffer) back to the device. */
static void bn_ctrl_rsp_post(struct bn_ctrl *ctrl)
{
	struct bn_ring *rsp = &ctrl->rsp;
	struct bn_desc *desc = &rsp->desc[rsp->tail];

	desc->addr = cpu_to_le64(bn_ctrl_buf_dma(ctrl->rsp_buf_dma, rsp->tail));
	desc->len = cpu_to_le16(BN_CMSG_MAX_LEN);
	desc->flags = 0;
	desc->meta = 0;
	rsp->tail = (rsp->tail + 1) & (rsp->size - 1);
}

/**
 * bn_ctrl_init() - allocate the control rings and their buffers
 * @bn:		device
 *
 * The rings are handed to the device by bn_ctrl_hw_enable().
 *
 * Return: 0 or -ENOMEM.
 */
int bn_ctrl_init(struct bpfnic *bn)
{
	struct bn_ctrl *ctrl = &bn->ctrl;
	size_t bufs = (size_t)BN_CTRL_RING_SIZE * BN_CMSG_MAX_LEN;
	struct device *dev = &bn->pdev->dev;
	unsigned int i;
	int err;

	spin_lock_init(&ctrl->lock);
	init_waitqueue_head(&ctrl->slot_wq);
	for (i = 0; i < BN_CTRL_SLOTS; i++)
		init_completion(&ctrl->slots[i].done);

	err = bn_ring_alloc(bn, &ctrl->req, BN_CTRL_RING_SIZE,
			    BN_REG_CTRLQ_REQ);
	if (err)
		return err;
	err = bn_ring_alloc(bn, &ctrl->rsp, BN_CTRL_RING_SIZE,
			    BN_REG_CTRLQ_RSP);
	if (err)
		goto err_free_req_ring;
	err = -ENOMEM;
	ctrl->req_buf = dma_alloc_coherent(dev, bufs, &ctrl->req_buf_dma,
					   GFP_KERNEL);
	if (!ctrl->req_buf)
		goto err_free_rsp_ring;
	ctrl->rsp_buf = dma_alloc_coherent(dev, bufs, &ctrl->rsp_buf_dma,
					   GFP_KERNEL);
	if (!ctrl->rsp_buf)
		goto err_free_req_buf;

	while (bn_ring_space(&ctrl->rsp))
		bn_ctrl_rsp_post(ctrl);
	return 0;

err_free_req_buf:
	dma_free_coherent(dev, bufs, ctrl->req_buf, ctrl->req_buf_dma);
err_free_rsp_ring:
	bn_ring_free(bn, &ctrl->rsp);
err_free_req_ring:
	bn_ring_free(bn, &ctrl->req);
	return err;
}

void bn_ctrl_hw_enable(struct bpfnic *bn)
{
	dma_wmb();
	bn_ring_hw_enable(bn, &bn->ctrl.req);
	bn_ring_hw_enable(bn, &bn->ctrl.rsp);
}

/* The device must be reset (not touching the rings) before this. */
void bn_ctrl_free(struct bpfnic *bn)
{
	struct bn_ctrl *ctrl = &bn->ctrl;
	size_t bufs = (size_t)BN_CTRL_RING_SIZE * BN_CMSG_MAX_LEN;
	struct device *dev = &bn->pdev->dev;

	dma_free_coherent(dev, bufs, ctrl->rsp_buf, ctrl->rsp_buf_dma);
	dma_free_coherent(dev, bufs, ctrl->req_buf, ctrl->req_buf_dma);
	bn_ring_free(bn, &ctrl->rsp);
	bn_ring_free(bn, &ctrl->req);
}

/* --- Replies (control IRQ) --- */

static void bn_ctrl_drop(struct bpfnic *bn, const char *why,
			 const struct bn_cmsg_hdr *hdr)
{
	bn->ctrl.stats.dropped++;
	dev_warn_ratelimited(&bn->pdev->dev,
			     "control message type 0x%02x tag %u len %u dropped: %s\n",
			     hdr->type, le16_to_cpu(hdr->tag),
			     le32_to_cpu(hdr->len), why);
}

static void bn_ctrl_slot_fail(struct bpfnic *bn, struct bn_cmsg_slot *slot,
			      const char *why, const struct bn_cmsg_reply *r)
{
	bn->ctrl.stats.bad_replies++;
	dev_warn_ratelimited(&bn->pdev->dev,
			     "bad reply to control message type %u tag %u (type 0x%02x ver %u len %u rc %u): %s\n",
			     slot->type, slot->tag, r->hdr.type, r->hdr.ver,
			     le32_to_cpu(r->hdr.len), le32_to_cpu(r->rc), why);
	slot->err = -EIO;
}

/* Find the waiter a reply belongs to, or NULL (the reply is dropped). */
static struct bn_cmsg_slot *bn_ctrl_slot_find(struct bpfnic *bn,
					      const struct bn_cmsg_hdr *hdr)
{
	u16 tag = le16_to_cpu(hdr->tag);
	struct bn_cmsg_slot *slot;

	if (!(hdr->type & BN_CMSG_REPLY)) {
		bn_ctrl_drop(bn, "unsolicited message of unknown type", hdr);
		return NULL;
	}
	slot = &bn->ctrl.slots[tag % BN_CTRL_SLOTS];
	if (!slot->busy || slot->replied || slot->tag != tag) {
		bn_ctrl_drop(bn, "no request with this tag is waiting", hdr);
		return NULL;
	}
	return slot;
}

/**
 * bn_ctrl_deliver() - check a reply and hand it to the waiting request
 * @bn:		device
 * @slot:	the request the reply's tag names
 * @buf:	the message in the shared reply buffer
 * @r:		copy of its header and rc (read once from @buf)
 * @len:	message length, already bounded by the descriptor
 *
 * The request is completed in every case: with the reply copied to its
 * buffer, with the errno of a non-zero rc, or with -EIO if malformed.
 */
static void bn_ctrl_deliver(struct bpfnic *bn, struct bn_cmsg_slot *slot,
			    const void *buf, const struct bn_cmsg_reply *r,
			    u32 len)
{
	u32 rc = le32_to_cpu(r->rc);

	slot->replied = true;
	slot->err = 0;
	if (r->hdr.type != (slot->type | BN_CMSG_REPLY))
		bn_ctrl_slot_fail(bn, slot, "wrong type", r);
	else if (r->hdr.ver != BN_CMSG_VERSION)
		bn_ctrl_slot_fail(bn, slot, "wrong version", r);
	else if (len < sizeof(*r))
		bn_ctrl_slot_fail(bn, slot, "shorter than a reply header", r);
	else if (rc >= ARRAY_SIZE(bn_rc_errno))
		bn_ctrl_slot_fail(bn, slot, "unknown rc", r);
	else if (rc != BN_RC_OK)
		slot->err = bn_rc_errno[rc];
	else if (len < slot->rsp_min || len > slot->rsp_max)
		bn_ctrl_slot_fail(bn, slot, "wrong length for this type", r);

	if (!slot->err && rc == BN_RC_OK) {
		memcpy(slot->rsp, buf, len);
		/* The header the caller sees is the one that was checked. */
		memcpy(slot->rsp, r, sizeof(*r));
		slot->rsp_len = len;
	}
	complete(&slot->done);
}

/* Reply ring slot HEAD: read its descriptor and message header once. */
static void bn_ctrl_rx_one(struct bpfnic *bn, u32 idx)
{
	struct bn_ctrl *ctrl = &bn->ctrl;
	struct bn_desc *desc = &ctrl->rsp.desc[idx];
	void *buf = bn_ctrl_buf(ctrl->rsp_buf, idx);
	struct bn_cmsg_slot *slot;
	struct bn_cmsg_reply r = {};
	u16 flags, dlen;
	u32 len;

	flags = le16_to_cpu(READ_ONCE(desc->flags));
	dlen = le16_to_cpu(READ_ONCE(desc->len));
	if (!(flags & BN_DESC_F_DD) || (flags & BN_DESC_F_ERR) ||
	    dlen < sizeof(r.hdr) || dlen > BN_CMSG_MAX_LEN) {
		ctrl->stats.dropped++;
		dev_warn_ratelimited(&bn->pdev->dev,
				     "control reply descriptor %u invalid: flags 0x%x len %u\n",
				     idx, flags, dlen);
		return;
	}
	memcpy(&r, buf, min_t(u32, dlen, sizeof(r)));
	len = le32_to_cpu(r.hdr.len);
	if (len < sizeof(r.hdr) || len > dlen) {
		bn_ctrl_drop(bn, "length disagrees with its descriptor", &r.hdr);
		return;
	}
	if (r.hdr.type == BN_CMSG_EVENT) {	/* unasked: a program's perf event */
		int err = bn_bpf_event(bn, buf, len);

		if (!err) {
			ctrl->stats.events++;
		} else if (err == -EBADMSG) {
			ctrl->stats.events_bad++;
			dev_warn_ratelimited(&bn->pdev->dev,
					     "malformed perf event from the device (len %u), dropped\n",
					     len);
		} else {
			ctrl->stats.events_dropped++;
		}
		return;
	}
	slot = bn_ctrl_slot_find(bn, &r.hdr);
	if (slot)
		bn_ctrl_deliver(bn, slot, buf, &r, len);
}

/**
 * bn_ctrl_rx() - process the control reply ring (control vector)
 * @bn:		device
 */
void bn_ctrl_rx(struct bpfnic *bn)
{
	struct bn_ctrl *ctrl = &bn->ctrl;
	unsigned long flags;
	u32 head;

	spin_lock_irqsave(&ctrl->lock, flags);
	if (!bn_ring_read_head(bn, &ctrl->rsp, &head)) {
		ctrl->stats.bad_head++;
		goto out_unlock;
	}
	if (ctrl->rsp.head == head)
		goto out_unlock;
	while (ctrl->rsp.head != head) {
		bn_ctrl_rx_one(bn, ctrl->rsp.head);
		ctrl->rsp.head = (ctrl->rsp.head + 1) & (ctrl->rsp.size - 1);
		bn_ctrl_rsp_post(ctrl);
	}
	dma_wmb();
	bn_writel(bn, ctrl->rsp.reg + BN_RING_TAIL, ctrl->rsp.tail);
out_unlock:
	spin_unlock_irqrestore(&ctrl->lock, flags);
}

/* --- Requests --- */

static bool bn_ctrl_slot_get(struct bn_ctrl *ctrl, struct bn_cmsg_slot **out)
{
	struct bn_cmsg_slot *slot;
	unsigned int i;

	spin_lock_irq(&ctrl->lock);
	i = find_first_zero_bit(ctrl->slots_used, BN_CTRL_SLOTS);
	if (i < BN_CTRL_SLOTS) {
		__set_bit(i, ctrl->slots_used);
		slot = &ctrl->slots[i];
		ctrl->gen++;
		slot->tag = (u16)(ctrl->gen << BN_TAG_SLOT_BITS) | i;
		slot->busy = true;
		slot->replied = false;
		reinit_completion(&slot->done);
		*out = slot;
	}
	spin_unlock_irq(&ctrl->lock);
	return i < BN_CTRL_SLOTS;
}

static void bn_ctrl_slot_put(struct bn_ctrl *ctrl, struct bn_cmsg_slot *slot)
{
	spin_lock_irq(&ctrl->lock);
	slot->busy = false;
	slot->rsp = NULL;
	__clear_bit(slot->tag % BN_CTRL_SLOTS, ctrl->slots_used);
	spin_unlock_irq(&ctrl->lock);
	wake_up(&ctrl->slot_wq);
}

/* Copy a request into request ring slot TAIL and ring the doorbell. */
static int bn_ctrl_post(struct bpfnic *bn, const void *req, u32 len)
{
	struct bn_ctrl *ctrl = &bn->ctrl;
	struct bn_ring *ring = &ctrl->req;
	struct bn_desc *desc;
	int err = 0;
	u32 head;

	spin_lock_irq(&ctrl->lock);
	if (!bn_ring_read_head(bn, ring, &head)) {
		ctrl->stats.bad_head++;
		err = -EIO;
		goto out_unlock;
	}
	ring->head = head;
	if (!bn_ring_space(ring)) {
		dev_warn_ratelimited(&bn->pdev->dev,
				     "control request ring full: device is not consuming requests\n");
		err = -EBUSY;
		goto out_unlock;
	}
	memcpy(bn_ctrl_buf(ctrl->req_buf, ring->tail), req, len);
	desc = &ring->desc[ring->tail];
	desc->addr = cpu_to_le64(bn_ctrl_buf_dma(ctrl->req_buf_dma,
						 ring->tail));
	desc->len = cpu_to_le16(len);
	desc->flags = cpu_to_le16(BN_DESC_F_EOP);
	desc->meta = 0;
	ring->tail = (ring->tail + 1) & (ring->size - 1);
	ctrl->stats.requests++;
	dma_wmb();
	bn_writel(bn, ring->reg + BN_RING_TAIL, ring->tail);
out_unlock:
	spin_unlock_irq(&ctrl->lock);
	return err;
}

/**
 * bn_cmsg_call() - send a control message and wait for its reply
 * @bn:		device
 * @req:	request; the caller sets hdr.type and the body, this sets
 *		hdr.ver, hdr.tag and hdr.len
 * @req_len:	request length, header included
 * @rsp:	buffer for the reply (starts with struct bn_cmsg_reply)
 * @rsp_min:	shortest successful reply accepted
 * @rsp_max:	size of @rsp; longer replies are rejected
 *
 * Sleeps; at most BN_CMSG_TIMEOUT waiting for the reply (and as long again
 * for a free slot).
 *
 * Return: length of the reply copied to @rsp (only for rc BN_RC_OK), the
 * errno of a non-zero rc, -ETIMEDOUT, -EIO for a malformed reply, or
 * another negative errno.
 */
int bn_cmsg_call(struct bpfnic *bn, void *req, u32 req_len,
		 void *rsp, u32 rsp_min, u32 rsp_max)
{
	struct bn_cmsg_hdr *hdr = req;
	struct bn_ctrl *ctrl = &bn->ctrl;
	struct bn_cmsg_slot *slot = NULL;
	int err;

	might_sleep();
	if (WARN_ON_ONCE(req_len < sizeof(*hdr) || req_len > BN_CMSG_MAX_LEN ||
			 rsp_min < sizeof(struct bn_cmsg_reply) ||
			 rsp_max < rsp_min || rsp_max > BN_CMSG_MAX_LEN))
		return -EINVAL;

	if (!wait_event_timeout(ctrl->slot_wq, bn_ctrl_slot_get(ctrl, &slot),
				BN_CMSG_TIMEOUT)) {
		dev_err(&bn->pdev->dev,
			"control message type %u: all %u request slots busy for %u ms\n",
			hdr->type, BN_CTRL_SLOTS,
			jiffies_to_msecs(BN_CMSG_TIMEOUT));
		return -EBUSY;
	}
	slot->type = hdr->type;
	slot->rsp = rsp;
	slot->rsp_min = rsp_min;
	slot->rsp_max = rsp_max;
	hdr->ver = BN_CMSG_VERSION;
	hdr->tag = cpu_to_le16(slot->tag);
	hdr->len = cpu_to_le32(req_len);

	err = bn_ctrl_post(bn, req, req_len);
	if (err)
		goto out_put_slot;
	if (!wait_for_completion_timeout(&slot->done, BN_CMSG_TIMEOUT)) {
		spin_lock_irq(&ctrl->lock);
		ctrl->stats.timeouts++;
		spin_unlock_irq(&ctrl->lock);
		dev_err_ratelimited(&bn->pdev->dev,
				    "control message type %u tag %u: no reply in %u ms\n",
				    slot->type, slot->tag,
				    jiffies_to_msecs(BN_CMSG_TIMEOUT));
		err = -ETIMEDOUT;
		goto out_put_slot;
	}
	err = slot->err ? slot->err : slot->rsp_len;
out_put_slot:
	bn_ctrl_slot_put(ctrl, slot);
	return err;
}

void bn_ctrl_stats_read(struct bpfnic *bn, struct bn_ctrl_stats *stats)
{
	spin_lock_irq(&bn->ctrl.lock);
	*stats = bn->ctrl.stats;
	spin_unlock_irq(&bn->ctrl.lock);
}

/* --- Messages --- */

/**
 * bn_cmsg_fw_info() - read the firmware's name and version
 * @bn:		device; sets @bn->fw_version
 *
 * Return: 0 or a negative errno.
 */
int bn_cmsg_fw_info(struct bpfnic *bn)
{
	struct bn_cmsg_hdr req = { .type = BN_CMSG_FW_INFO };
	struct bn_cmsg_fw_info rsp;
	int ret;

	ret = bn_cmsg_call(bn, &req, sizeof(req), &rsp, sizeof(rsp),
			   sizeof(rsp));
	if (ret < 0)
		return ret;
	if (!memchr(rsp.fw_version, '\0', sizeof(rsp.fw_version))) {
		dev_err(&bn->pdev->dev,
			"FW_INFO reply: firmware version is not NUL-terminated\n");
		return -EIO;
	}
	strscpy(bn->fw_version, rsp.fw_version, sizeof(bn->fw_version));
	return 0;
}

static void bn_cap_helper(struct bpfnic *bn, const __le32 *val)
{
	struct bn_caps *caps = &bn->caps;

	if (caps->num_helpers == BN_CAP_MAX_HELPERS) {
		dev_warn(&bn->pdev->dev,
			 "CAPS: more than %u helpers, helper %u ignored\n",
			 BN_CAP_MAX_HELPERS, le32_to_cpu(val[0]));
		return;
	}
	caps->helpers[caps->num_helpers].func_id = le32_to_cpu(val[0]);
	caps->helpers[caps->num_helpers].addr = le32_to_cpu(val[1]);
	caps->num_helpers++;
}

static void bn_cap_maps(struct bpfnic *bn, const struct bn_cap_maps *m)
{
	bn->caps.maps.types = le32_to_cpu(m->types);
	bn->caps.maps.max_maps = le32_to_cpu(m->max_maps);
	bn->caps.maps.max_key = le32_to_cpu(m->max_key);
	bn->caps.maps.max_value = le32_to_cpu(m->max_value);
	bn->caps.maps.max_entries = le32_to_cpu(m->max_entries);
}

/* Value bytes each known capability needs at least. */
static const u16 bn_cap_len[] = {
	[BN_CAP_HELPER]		= 2 * sizeof(__le32),
	[BN_CAP_MAPS]		= sizeof(struct bn_cap_maps),
	[BN_CAP_CODE_STORE]	= sizeof(__le32),
	[BN_CAP_STACK]		= sizeof(__le32),
	[BN_CAP_ADJUST_HEAD]	= 2 * sizeof(__le32),
	[BN_CAP_QUEUES]		= sizeof(__le32),
};

static void bn_cap_parse_one(struct bpfnic *bn, u16 type, const void *val)
{
	const __le32 *w = val;

	switch (type) {
	case BN_CAP_HELPER:
		bn_cap_helper(bn, w);
		break;
	case BN_CAP_MAPS:
		bn_cap_maps(bn, val);
		break;
	case BN_CAP_CODE_STORE:
		bn->caps.code_store = le32_to_cpu(w[0]);
		break;
	case BN_CAP_STACK:
		bn->caps.stack = le32_to_cpu(w[0]);
		break;
	case BN_CAP_ADJUST_HEAD:
		bn->caps.adjust_head_headroom = le32_to_cpu(w[0]);
		bn->caps.adjust_head_min = le32_to_cpu(w[1]);
		break;
	case BN_CAP_QUEUES:
		bn->caps.queues = le32_to_cpu(w[0]);
		break;
	}
}

/**
 * bn_caps_parse() - parse the capability TLVs of a CAPS reply
 * @bn:		device; fills @bn->caps
 * @data:	first TLV
 * @len:	bytes of TLVs
 *
 * Unknown types are skipped; a TLV whose header or value runs past the
 * end, or a known one shorter than its type needs, fails the whole blob.
 *
 * Return: 0 or -EINVAL.
 */
static int bn_caps_parse(struct bpfnic *bn, const u8 *data, u32 len)
{
	const struct bn_tlv *tlv;
	u32 off = 0, vlen;
	u16 type;

	memset(&bn->caps, 0, sizeof(bn->caps));
	while (off < len) {
		if (len - off < sizeof(*tlv)) {
			dev_err(&bn->pdev->dev,
				"CAPS: truncated TLV header at offset %u of %u\n",
				off, len);
			return -EINVAL;
		}
		tlv = (const struct bn_tlv *)(data + off);
		type = le16_to_cpu(tlv->type);
		vlen = le16_to_cpu(tlv->len);
		off += sizeof(*tlv);
		if (vlen > len - off) {
			dev_err(&bn->pdev->dev,
				"CAPS: TLV type %u at offset %u claims %u bytes, only %u left\n",
				type, off - (u32)sizeof(*tlv), vlen, len - off);
			return -EINVAL;
		}
		if (type < ARRAY_SIZE(bn_cap_len) && bn_cap_len[type]) {
			if (vlen < bn_cap_len[type]) {
				dev_err(&bn->pdev->dev,
					"CAPS: TLV type %u truncated: %u bytes, needs %u\n",
					type, vlen, bn_cap_len[type]);
				return -EINVAL;
			}
			bn->caps.present |= BIT(type);
			bn_cap_parse_one(bn, type, data + off);
		} else {
			dev_dbg(&bn->pdev->dev,
				"CAPS: unknown TLV type %u (%u bytes) skipped\n",
				type, vlen);
		}
		off += min_t(u32, ALIGN(vlen, 4), len - off);
	}
	return 0;
}

/**
 * bn_cmsg_caps() - read and parse the device's capabilities
 * @bn:		device; fills @bn->caps
 *
 * Return: 0 or a negative errno.
 */
int bn_cmsg_caps(struct bpfnic *bn)
{
	struct bn_cmsg_hdr req = { .type = BN_CMSG_CAPS };
	struct bn_cmsg_reply *rsp;
	int ret;

	rsp = kmalloc(BN_CMSG_MAX_LEN, GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	ret = bn_cmsg_call(bn, &req, sizeof(req), rsp, sizeof(*rsp),
			   BN_CMSG_MAX_LEN);
	if (ret >= 0)
		ret = bn_caps_parse(bn, (const u8 *)(rsp + 1),
				    ret - sizeof(*rsp));
	kfree(rsp);
	return ret;
}

/**
 * bn_cmsg_stats() - read the device-wide counters
 * @bn:		device
 * @stats:	reply, in device byte order
 *
 * Return: 0 or a negative errno.
 */
int bn_cmsg_stats(struct bpfnic *bn, struct bn_cmsg_stats *stats)
{
	struct bn_cmsg_hdr req = { .type = BN_CMSG_STATS };
	int ret;

	ret = bn_cmsg_call(bn, &req, sizeof(req), stats, sizeof(*stats),
			   sizeof(*stats));
	return ret < 0 ? ret : 0;
}
