// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic: PCI driver for the bpfnic eBPF offload NIC (include/bpfnic/regs.h).
 *
 * Probe resets the device, sets up MSI-X (vector 0: control channel and
 * link changes, vector 1 + q: queue pair q), starts the control channel,
 * reads the firmware's identity and capabilities, and registers one port.
 * The data rings live only while the port is up (rings.c).
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "bpfnic.h"

static const char * const bn_dev_err_names[] = {
	[BN_ERR_NONE]		= "none",
	[BN_ERR_BAD_REG]	= "write to a read-only or unknown register",
	[BN_ERR_BAD_VALUE]	= "value out of range",
	[BN_ERR_BAD_DMA]	= "DMA to an unmapped address",
	[BN_ERR_BAD_DESC]	= "invalid descriptor",
	[BN_ERR_BAD_CMSG]	= "malformed control message",
};

/* --- Device --- */

/* Report (and clear) the last misprogramming the device detected. */
static u32 bn_dev_error_check(struct bpfnic *bn)
{
	u32 info = bn_readl(bn, BN_REG_ERROR_INFO);
	u32 err = bn_readl(bn, BN_REG_ERROR);

	if (!err)
		return 0;
	bn->dev_errors++;
	dev_warn_ratelimited(&bn->pdev->dev,
			     "device reports error %u (%s) at 0x%04x\n", err,
			     err < ARRAY_SIZE(bn_dev_err_names) ?
			     bn_dev_err_names[err] : "unknown", info);
	return err;
}

static int bn_hw_reset(struct bpfnic *bn)
{
	u32 status;
	int err;

	bn_writel(bn, BN_REG_CTRL, BN_CTRL_RESET);
	err = readl_poll_timeout(bn->regs + BN_REG_STATUS, status,
				 !(status & BN_STATUS_ENABLED), 10, 100000);
	if (err)
		dev_err(&bn->pdev->dev,
			"device still enabled 100 ms after reset (status 0x%08x)\n",
			status);
	bn_readl(bn, BN_REG_ERROR);
	return err;
}

static int bn_hw_check(struct bpfnic *bn)
{
	u32 magic = bn_readl(bn, BN_REG_MAGIC);
	u32 abi = bn_readl(bn, BN_REG_ABI_VERSION);

	if (magic != BN_MAGIC) {
		dev_err(&bn->pdev->dev,
			"BAR0 magic 0x%08x, expected 0x%08x: not a bpfnic or not responding\n",
			magic, BN_MAGIC);
		return -ENODEV;
	}
	if (abi != BN_ABI_VERSION) {
		dev_err(&bn->pdev->dev,
			"device ABI version %u, this driver speaks %u\n",
			abi, BN_ABI_VERSION);
		return -ENODEV;
	}
	return 0;
}

static void bn_hw_read_mac(struct bpfnic *bn)
{
	u32 lo = bn_readl(bn, BN_REG_MAC_LO);
	u32 hi = bn_readl(bn, BN_REG_MAC_HI);
	u8 addr[ETH_ALEN] = {
		lo, lo >> 8, lo >> 16, lo >> 24, hi, hi >> 8,
	};

	if (!is_valid_ether_addr(addr)) {
		dev_warn(&bn->pdev->dev,
			 "device MAC %pM is not a valid unicast address, using a random one\n",
			 addr);
		eth_hw_addr_random(bn->netdev);
		return;
	}
	eth_hw_addr_set(bn->netdev, addr);
}

/**
 * bn_hw_read_config() - read and bound the device's limits
 * @bn:		device
 *
 * Return: 0, or -ENODEV if the device reports limits nothing can run with.
 */
static int bn_hw_read_config(struct bpfnic *bn)
{
	struct net_device *netdev = bn->netdev;
	u32 max_mtu = bn_readl(bn, BN_REG_MAX_MTU);
	u32 max_queues = bn_readl(bn, BN_REG_MAX_QUEUES);

	if (!max_queues || max_mtu < BN_MIN_MTU) {
		dev_err(&bn->pdev->dev,
			"device reports %u queue pairs and maximum MTU %u: unusable\n",
			max_queues, max_mtu);
		return -ENODEV;
	}
	if (max_queues > BN_MAX_QUEUES) {
		dev_warn(&bn->pdev->dev,
			 "device reports %u queue pairs, using at most %u\n",
			 max_queues, BN_MAX_QUEUES);
		max_queues = BN_MAX_QUEUES;
	}
	if (max_mtu > BN_MAX_MTU_LIMIT) {
		dev_warn(&bn->pdev->dev,
			 "device reports maximum MTU %u, limiting to %u\n",
			 max_mtu, BN_MAX_MTU_LIMIT);
		max_mtu = BN_MAX_MTU_LIMIT;
	}
	bn->max_queues = max_queues;
	netdev->min_mtu = BN_MIN_MTU;
	netdev->max_mtu = max_mtu;
	netdev->mtu = min_t(u32, ETH_DATA_LEN, max_mtu);
	bn_hw_read_mac(bn);
	return 0;
}

/**
 * bn_hw_enable() - set queue count and MTU, start the control rings
 * @bn:		device, reset, with the control rings allocated
 *
 * Return: 0, or -EIO if the device did not come up or refused a value.
 */
static int bn_hw_enable(struct bpfnic *bn)
{
	u32 status;

	bn_writel(bn, BN_REG_NUM_QUEUES, bn->num_queues);
	bn_writel(bn, BN_REG_MTU, bn->netdev->mtu);
	bn_ctrl_hw_enable(bn);
	bn_writel(bn, BN_REG_CTRL, BN_CTRL_ENABLE);

	status = bn_readl(bn, BN_REG_STATUS);
	if (bn_dev_error_check(bn) || !(status & BN_STATUS_ENABLED)) {
		dev_err(&bn->pdev->dev,
			"device did not start (status 0x%08x) with %u queue pairs, MTU %u\n",
			status, bn->num_queues, bn->netdev->mtu);
		return -EIO;
	}
	return 0;
}

/* --- Link and service task --- */

/* Carrier follows BN_STATUS_LINK_UP, only while the netdev is registered. */
void bn_link_update(struct bpfnic *bn)
{
	u32 status;
	bool up;

	if (!READ_ONCE(bn->registered))
		return;
	status = bn_readl(bn, BN_REG_STATUS);
	up = status != ~0U && (status & BN_STATUS_LINK_UP);
	if (up == netif_carrier_ok(bn->netdev))
		return;
	if (up) {
		netif_carrier_on(bn->netdev);
		netdev_info(bn->netdev, "link up\n");
	} else {
		netif_carrier_off(bn->netdev);
		netdev_info(bn->netdev, "link down\n");
	}
}

/* Once a second: link state (in case a change interrupt was missed) and
 * the device's error register.
 */
static void bn_service_task(struct work_struct *work)
{
	struct bpfnic *bn = container_of(to_delayed_work(work), struct bpfnic,
					 service_task);

	bn_link_update(bn);
	bn_dev_error_check(bn);
	schedule_delayed_work(&bn->service_task, BN_SERVICE_PERIOD);
}

static irqreturn_t bn_ctrl_irq(int irq, void *data)
{
	struct bpfnic *bn = data;

	bn_ctrl_rx(bn);
	bn_link_update(bn);
	return IRQ_HANDLED;
}

/* --- Interrupts --- */

/**
 * bn_irqs_alloc() - one MSI-X vector for control, one per queue pair
 * @bn:		device; sets @bn->num_vecs and @bn->num_queues
 *
 * Queue pairs: min(online CPUs, what the device has, vectors granted - 1).
 *
 * Return: 0 or a negative errno.
 */
static int bn_irqs_alloc(struct bpfnic *bn)
{
	unsigned int want = min(num_online_cpus(), bn->max_queues);
	int nvec;

	nvec = pci_alloc_irq_vectors(bn->pdev, 2, 1 + want, PCI_IRQ_MSIX);
	if (nvec < 0) {
		dev_err(&bn->pdev->dev,
			"need 2 to %u MSI-X vectors (control + queue pairs): %d\n",
			1 + want, nvec);
		return nvec;
	}
	bn->num_vecs = nvec;
	bn->num_queues = nvec - 1;
	return 0;
}

static int bn_ctrl_irq_request(struct bpfnic *bn)
{
	struct bn_ctrl *ctrl = &bn->ctrl;
	int err;

	ctrl->irq = pci_irq_vector(bn->pdev, BN_VEC_CTRL);
	snprintf(ctrl->irq_name, sizeof(ctrl->irq_name), "%s-ctrl@%s",
		 BN_DRV_NAME, pci_name(bn->pdev));
	err = request_irq(ctrl->irq, bn_ctrl_irq, 0, ctrl->irq_name, bn);
	if (err)
		dev_err(&bn->pdev->dev, "control vector: request_irq(%u): %d\n",
			ctrl->irq, err);
	return err;
}

/*
 * The control vector goes first: after the reset the device's HEADs are 0,
 * which the IRQ must not take for progress.  The reset makes the device
 * let go of the control rings before they are freed.
 */
static void bn_ctrl_stop(struct bpfnic *bn)
{
	free_irq(bn->ctrl.irq, bn);
	bn_hw_reset(bn);
}

/* --- Netdev --- */

static int bn_open(struct net_device *netdev)
{
	struct bpfnic *bn = netdev_priv(netdev);
	int err;

	err = bn_queues_up(bn);
	if (err)
		return err;
	netif_tx_start_all_queues(netdev);
	bn_link_update(bn);
	return 0;
}

static int bn_stop(struct net_device *netdev)
{
	struct bpfnic *bn = netdev_priv(netdev);

	netif_tx_disable(netdev);
	bn_queues_down(bn);
	return 0;
}

static void bn_config_set(struct bpfnic *bn, unsigned int mtu, u32 rx_size,
			  u32 tx_size)
{
	bn->netdev->mtu = mtu;
	bn->rx_ring_size = rx_size;
	bn->tx_ring_size = tx_size;
	bn_rx_buf_size_set(bn, mtu);
}

static int bn_mtu_write(struct bpfnic *bn, unsigned int mtu)
{
	u32 val;

	bn_writel(bn, BN_REG_MTU, mtu);
	val = bn_readl(bn, BN_REG_MTU);
	if (val != mtu) {
		netdev_err(bn->netdev,
			   "device refused MTU %u (reads back %u)\n", mtu, val);
		bn_dev_error_check(bn);
		return -EIO;
	}
	return 0;
}

/**
 * bn_reconfig() - change MTU and ring sizes, restarting the rings if up
 * @bn:		device
 * @mtu:	new MTU (already within min_mtu..max_mtu)
 * @rx_size:	new RX ring size
 * @tx_size:	new TX ring size
 *
 * On failure the old configuration is restored.  Called under RTNL.
 *
 * Return: 0 or a negative errno.
 */
int bn_reconfig(struct bpfnic *bn, unsigned int mtu, u32 rx_size, u32 tx_size)
{
	struct net_device *netdev = bn->netdev;
	unsigned int old_mtu = netdev->mtu;
	u32 old_rx = bn->rx_ring_size, old_tx = bn->tx_ring_size;
	bool running = netif_running(netdev);
	int err;

	ASSERT_RTNL();
	if (running)
		bn_stop(netdev);
	err = bn_mtu_write(bn, mtu);
	if (err)
		goto err_restore;
	bn_config_set(bn, mtu, rx_size, tx_size);
	if (running) {
		err = bn_open(netdev);
		if (err)
			goto err_restore;
	}
	return 0;

err_restore:
	bn_mtu_write(bn, old_mtu);
	bn_config_set(bn, old_mtu, old_rx, old_tx);
	if (running && bn_open(netdev))
		netdev_err(netdev, "could not restart after a failed reconfiguration\n");
	return err;
}

static int bn_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct bpfnic *bn = netdev_priv(netdev);

	return bn_reconfig(bn, new_mtu, bn->rx_ring_size, bn->tx_ring_size);
}

static void bn_get_stats64(struct net_device *netdev,
			   struct rtnl_link_stats64 *stats)
{
	struct bpfnic *bn = netdev_priv(netdev);
	struct bn_rx_stats rx;
	struct bn_tx_stats tx;
	unsigned int i;

	for (i = 0; i < bn->num_queues; i++) {
		bn_queue_stats_read(&bn->queues[i], &rx, &tx);
		stats->rx_packets += rx.packets;
		stats->rx_bytes += rx.bytes;
		stats->rx_dropped += rx.drops;
		stats->rx_errors += rx.errors + rx.bad_desc;
		stats->tx_packets += tx.packets;
		stats->tx_bytes += tx.bytes;
		stats->tx_dropped += tx.drops;
		stats->tx_errors += tx.errors + tx.bad_desc;
	}
}

static void bn_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct bpfnic *bn = netdev_priv(netdev);
	struct bn_queue *q = &bn->queues[txqueue];

	netdev_err(netdev,
		   "tx%u timed out: driver head %u tail %u, device HEAD %u, status 0x%08x\n",
		   txqueue, q->tx.head, READ_ONCE(q->tx.tail),
		   bn_readl(bn, q->tx.reg + BN_RING_HEAD),
		   bn_readl(bn, BN_REG_STATUS));
	bn_dev_error_check(bn);
}

static const struct net_device_ops bn_netdev_ops = {
	.ndo_init		= bn_ndo_init,
	.ndo_uninit		= bn_ndo_uninit,
	.ndo_open		= bn_open,
	.ndo_stop		= bn_stop,
	.ndo_start_xmit		= bn_start_xmit,
	.ndo_change_mtu		= bn_change_mtu,
	.ndo_get_stats64	= bn_get_stats64,
	.ndo_tx_timeout		= bn_tx_timeout,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_bpf		= bn_ndo_bpf,
	.ndo_setup_tc		= bn_setup_tc,
	.ndo_set_features	= bn_set_features,
};

static int bn_netdev_init(struct bpfnic *bn)
{
	struct net_device *netdev = bn->netdev;
	int err;

	netdev->netdev_ops = &bn_netdev_ops;
	netdev->ethtool_ops = &bn_ethtool_ops;
	netdev->watchdog_timeo = 5 * HZ;
	netdev->hw_features |= NETIF_F_HW_TC;
	bn_config_set(bn, netdev->mtu, BN_RX_RING_DEFAULT, BN_TX_RING_DEFAULT);

	err = netif_set_real_num_tx_queues(netdev, bn->num_queues);
	if (err)
		return err;
	return netif_set_real_num_rx_queues(netdev, bn->num_queues);
}

/* --- Firmware --- */

static int bn_fw_probe(struct bpfnic *bn)
{
	struct device *dev = &bn->pdev->dev;
	int err;

	err = bn_cmsg_fw_info(bn);
	if (err) {
		dev_err(dev, "FW_INFO control message failed: %d\n", err);
		return err;
	}
	err = bn_cmsg_caps(bn);
	if (err) {
		dev_err(dev, "CAPS control message failed: %d\n", err);
		return err;
	}
	dev_dbg(dev,
		"caps 0x%x: %u helpers, map types 0x%x (max %u, key %u, value %u), code store %u, stack %u, adjust_head %u/%u, queues %u\n",
		bn->caps.present, bn->caps.num_helpers, bn->caps.maps.types,
		bn->caps.maps.max_maps, bn->caps.maps.max_key,
		bn->caps.maps.max_value, bn->caps.code_store, bn->caps.stack,
		bn->caps.adjust_head_headroom, bn->caps.adjust_head_min,
		bn->caps.queues);
	if ((bn->caps.present & BIT(BN_CAP_QUEUES)) &&
	    bn->caps.queues != bn->max_queues)
		dev_warn(dev,
			 "CAPS advertises %u queue pairs, MAX_QUEUES register %u; using %u\n",
			 bn->caps.queues, bn->max_queues, bn->num_queues);
	return 0;
}

/* --- PCI --- */

static int bn_map_bar(struct bpfnic *bn)
{
	struct pci_dev *pdev = bn->pdev;

	if (!(pci_resource_flags(pdev, BN_BAR_REGS) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, BN_BAR_REGS) < BN_BAR0_SIZE) {
		dev_err(&pdev->dev, "BAR%d: need a %u byte memory BAR, have %pR\n",
			BN_BAR_REGS, BN_BAR0_SIZE,
			&pdev->resource[BN_BAR_REGS]);
		return -ENODEV;
	}
	bn->regs = pci_iomap(pdev, BN_BAR_REGS, BN_BAR0_SIZE);
	if (!bn->regs) {
		dev_err(&pdev->dev, "cannot map BAR%d\n", BN_BAR_REGS);
		return -ENOMEM;
	}
	return 0;
}

static int bn_pci_init(struct pci_dev *pdev)
{
	int err;

	err = pci_enable_device_mem(pdev);
	if (err) {
		dev_err(&pdev->dev, "cannot enable PCI device: %d\n", err);
		return err;
	}
	err = pci_request_mem_regions(pdev, BN_DRV_NAME);
	if (err) {
		dev_err(&pdev->dev, "cannot claim the BARs: %d\n", err);
		goto err_disable_device;
	}
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		dev_err(&pdev->dev, "no usable 64-bit DMA: %d\n", err);
		goto err_release_regions;
	}
	pci_set_master(pdev);
	return 0;

err_release_regions:
	pci_release_mem_regions(pdev);
err_disable_device:
	pci_disable_device(pdev);
	return err;
}

static void bn_pci_exit(struct pci_dev *pdev)
{
	pci_clear_master(pdev);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
}

static int bn_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *netdev;
	struct bpfnic *bn;
	int err;

	err = bn_pci_init(pdev);
	if (err)
		return err;

	netdev = alloc_etherdev_mq(sizeof(*bn), BN_MAX_QUEUES);
	if (!netdev) {
		err = -ENOMEM;
		goto err_pci_exit;
	}
	SET_NETDEV_DEV(netdev, &pdev->dev);
	bn = netdev_priv(netdev);
	bn->netdev = netdev;
	bn->pdev = pdev;
	pci_set_drvdata(pdev, bn);
	INIT_DELAYED_WORK(&bn->service_task, bn_service_task);

	err = bn_map_bar(bn);
	if (err)
		goto err_free_netdev;
	err = bn_hw_check(bn);
	if (err)
		goto err_unmap_bar;
	err = bn_hw_reset(bn);
	if (err)
		goto err_unmap_bar;
	err = bn_hw_read_config(bn);
	if (err)
		goto err_unmap_bar;
	err = bn_irqs_alloc(bn);
	if (err)
		goto err_unmap_bar;

	err = bn_ctrl_init(bn);
	if (err)
		goto err_free_vectors;
	err = bn_ctrl_irq_request(bn);
	if (err)
		goto err_free_ctrl;
	err = bn_hw_enable(bn);
	if (err)
		goto err_stop_ctrl;
	err = bn_fw_probe(bn);
	if (err)
		goto err_stop_ctrl;

	err = bn_bpf_init(bn);
	if (err)
		goto err_stop_ctrl;
	bn_dfs_dev_add(bn);
	err = bn_queues_alloc(bn);
	if (err)
		goto err_dfs_del;
	err = bn_netdev_init(bn);
	if (err)
		goto err_free_queues;
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err) {
		dev_err(&pdev->dev, "register_netdev: %d\n", err);
		goto err_free_queues;
	}
	WRITE_ONCE(bn->registered, true);
	bn_link_update(bn);
	schedule_delayed_work(&bn->service_task, BN_SERVICE_PERIOD);

	netdev_info(netdev, "%s, %u of %u queue pairs, MTU %u..%u, MAC %pM\n",
		    bn->fw_version, bn->num_queues, bn->max_queues,
		    netdev->min_mtu, netdev->max_mtu, netdev->dev_addr);
	return 0;

err_free_queues:
	bn_queues_free(bn);
err_dfs_del:
	bn_dfs_dev_del(bn);
	bn_bpf_fini(bn);
err_stop_ctrl:
	bn_ctrl_stop(bn);
err_free_ctrl:
	bn_ctrl_free(bn);
err_free_vectors:
	pci_free_irq_vectors(pdev);
err_unmap_bar:
	pci_iounmap(pdev, bn->regs);
err_free_netdev:
	free_netdev(netdev);
err_pci_exit:
	bn_pci_exit(pdev);
	return err;
}

static void bn_remove(struct pci_dev *pdev)
{
	struct bpfnic *bn = pci_get_drvdata(pdev);
	struct net_device *netdev = bn->netdev;

	cancel_delayed_work_sync(&bn->service_task);
	WRITE_ONCE(bn->registered, false);
	synchronize_irq(bn->ctrl.irq);
	unregister_netdev(netdev);	/* unloads, destroys programs and maps */
	bn_dfs_dev_del(bn);
	bn_bpf_fini(bn);
	bn_queues_free(bn);

	bn_ctrl_stop(bn);
	bn_ctrl_free(bn);
	pci_free_irq_vectors(pdev);
	pci_iounmap(pdev, bn->regs);
	free_netdev(netdev);
	bn_pci_exit(pdev);
}

static const struct pci_device_id bn_pci_ids[] = {
	{ PCI_DEVICE(BN_PCI_VENDOR_ID, BN_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, bn_pci_ids);

static struct pci_driver bn_pci_driver = {
	.name		= BN_DRV_NAME,
	.id_table	= bn_pci_ids,
	.probe		= bn_probe,
	.remove		= bn_remove,
};

static int __init bn_init(void)
{
	int err;

	bn_dfs_init();
	err = pci_register_driver(&bn_pci_driver);
	if (err)
		bn_dfs_exit();
	return err;
}
module_init(bn_init);

static void __exit bn_exit(void)
{
	pci_unregister_driver(&bn_pci_driver);
	bn_dfs_exit();
}
module_exit(bn_exit);

MODULE_DESCRIPTION("bpfnic: eBPF offload NIC");
MODULE_LICENSE("GPL");
