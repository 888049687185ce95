// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic ethtool: -i (driver, firmware, bus), -S (per-queue counters kept by
 * the driver, control channel counters, device counters from BN_CMSG_STATS),
 * -g/-G (ring sizes).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "bpfnic.h"

static const char bn_rx_stat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "drops", "errors", "bad_desc", "bad_head",
};
static_assert(ARRAY_SIZE(bn_rx_stat_names) == BN_RX_NSTATS);

static const char bn_tx_stat_names[][ETH_GSTRING_LEN] = {
	"packets", "bytes", "drops", "busy", "errors", "bad_desc", "bad_head",
};
static_assert(ARRAY_SIZE(bn_tx_stat_names) == BN_TX_NSTATS);

static const char bn_ctrl_stat_names[][ETH_GSTRING_LEN] = {
	"ctrl_requests", "ctrl_timeouts", "ctrl_bad_replies",
	"ctrl_dropped_replies", "ctrl_bad_head", "ctrl_events",
	"ctrl_events_dropped", "ctrl_events_bad",
};
static_assert(ARRAY_SIZE(bn_ctrl_stat_names) == BN_CTRL_NSTATS);

/* Device counters, in struct bn_cmsg_stats order after the reply header. */
static const char bn_dev_stat_names[][ETH_GSTRING_LEN] = {
	"dev_rx_frames", "dev_rx_dropped", "dev_tx_frames",
	"dev_verdict_aborted", "dev_verdict_drop", "dev_verdict_pass",
	"dev_verdict_tx", "dev_prog_faults", "dev_bad_desc", "dev_events",
	"dev_events_lost",
};

#define BN_DEV_NSTATS	((sizeof(struct bn_cmsg_stats) - \
			  sizeof(struct bn_cmsg_reply)) / sizeof(__le64))
static_assert(ARRAY_SIZE(bn_dev_stat_names) == BN_DEV_NSTATS);

/* Driver-wide counters after the control channel ones. */
#define BN_DRV_NSTATS	1

static void bn_get_drvinfo(struct net_device *netdev,
			   struct ethtool_drvinfo *info)
{
	struct bpfnic *bn = netdev_priv(netdev);

	strscpy(info->driver, BN_DRV_NAME, sizeof(info->driver));
	strscpy(info->fw_version, bn->fw_version, sizeof(info->fw_version));
	strscpy(info->bus_info, pci_name(bn->pdev), sizeof(info->bus_info));
}

static void bn_get_ringparam(struct net_device *netdev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
{
	struct bpfnic *bn = netdev_priv(netdev);

	ring->rx_max_pending = BN_RING_MAX;
	ring->tx_max_pending = BN_RING_MAX;
	ring->rx_pending = bn->rx_ring_size;
	ring->tx_pending = bn->tx_ring_size;
}

static int bn_set_ringparam(struct net_device *netdev,
			    struct ethtool_ringparam *ring,
			    struct kernel_ethtool_ringparam *kring,
			    struct netlink_ext_ack *extack)
{
	struct bpfnic *bn = netdev_priv(netdev);

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG_MOD(extack, "no mini or jumbo rings");
		return -EINVAL;
	}
	if (!is_power_of_2(ring->rx_pending) || ring->rx_pending < BN_RING_MIN ||
	    !is_power_of_2(ring->tx_pending) || ring->tx_pending < BN_RING_MIN) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ring sizes must be powers of two from 8 to 4096");
		return -EINVAL;
	}
	if (ring->rx_pending == bn->rx_ring_size &&
	    ring->tx_pending == bn->tx_ring_size)
		return 0;
	return bn_reconfig(bn, netdev->mtu, ring->rx_pending, ring->tx_pending);
}

static int bn_get_sset_count(struct net_device *netdev, int sset)
{
	struct bpfnic *bn = netdev_priv(netdev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return bn->num_queues * (BN_RX_NSTATS + BN_TX_NSTATS) +
	       BN_CTRL_NSTATS + BN_DRV_NSTATS + BN_DEV_NSTATS;
}

static void bn_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct bpfnic *bn = netdev_priv(netdev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (q = 0; q < bn->num_queues; q++) {
		for (i = 0; i < BN_RX_NSTATS; i++)
			ethtool_sprintf(&data, "rx%u_%s", q, bn_rx_stat_names[i]);
		for (i = 0; i < BN_TX_NSTATS; i++)
			ethtool_sprintf(&data, "tx%u_%s", q, bn_tx_stat_names[i]);
	}
	for (i = 0; i < BN_CTRL_NSTATS; i++)
		ethtool_sprintf(&data, "%s", bn_ctrl_stat_names[i]);
	ethtool_sprintf(&data, "dev_errors");
	for (i = 0; i < BN_DEV_NSTATS; i++)
		ethtool_sprintf(&data, "%s", bn_dev_stat_names[i]);
}

static void bn_dev_stats_fill(struct bpfnic *bn, u64 *data)
{
	struct bn_cmsg_stats stats;
	unsigned int i;
	int err;

	err = bn_cmsg_stats(bn, &stats);
	if (err) {
		netdev_warn(bn->netdev,
			    "STATS control message failed (%d): device counters read as 0\n",
			    err);
		memset(&stats, 0, sizeof(stats));
	}
	*data++ = le64_to_cpu(stats.rx_frames);
	*data++ = le64_to_cpu(stats.rx_dropped);
	*data++ = le64_to_cpu(stats.tx_frames);
	for (i = 0; i < ARRAY_SIZE(stats.verdict); i++)
		*data++ = le64_to_cpu(stats.verdict[i]);
	*data++ = le64_to_cpu(stats.prog_faults);
	*data++ = le64_to_cpu(stats.bad_desc);
	*data++ = le64_to_cpu(stats.events);
	*data++ = le64_to_cpu(stats.events_lost);
}

static void bn_get_ethtool_stats(struct net_device *netdev,
				 struct ethtool_stats *estats, u64 *data)
{
	struct bpfnic *bn = netdev_priv(netdev);
	struct bn_ctrl_stats ctrl;
	struct bn_rx_stats rx;
	struct bn_tx_stats tx;
	unsigned int q;

	for (q = 0; q < bn->num_queues; q++) {
		bn_queue_stats_read(&bn->queues[q], &rx, &tx);
		memcpy(data, &rx, sizeof(rx));
		data += BN_RX_NSTATS;
		memcpy(data, &tx, sizeof(tx));
		data += BN_TX_NSTATS;
	}
	bn_ctrl_stats_read(bn, &ctrl);
	memcpy(data, &ctrl, sizeof(ctrl));
	data += BN_CTRL_NSTATS;
	*data++ = READ_ONCE(bn->dev_errors);
	bn_dev_stats_fill(bn, data);
}

const struct ethtool_ops bn_ethtool_ops = {
	.get_drvinfo		= bn_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_ringparam		= bn_get_ringparam,
	.set_ringparam		= bn_set_ringparam,
	.get_sset_count		= bn_get_sset_count,
	.get_strings		= bn_get_strings,
	.get_ethtool_stats	= bn_get_ethtool_stats,
};
