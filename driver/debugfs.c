// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic: debugfs view and fault knobs for the offload tests, after
 * netdevsim's (drivers/net/netdevsim/bpf.c).  Built with CONFIG_DEBUG_FS.
 *
 *   /sys/kernel/debug/bpfnic/<pci name>/
 *	bpf_bound_progs/<n>/{id,state,loaded}	one entry per program bound
 *						to the device (from prepare to
 *						destroy)
 *	bpf_offloaded_id			id of the program it runs
 *	bpf_bind_verifier_accept (Y)		N: finalize refuses, with the
 *						verifier log line
 *						"[bpfnic] refused by debugfs
 *						bpf_bind_verifier_accept"
 *	bpf_bind_verifier_delay (0)		ms slept at instruction 0 of
 *						the verifier pass (at most
 *						BN_DFS_MAX_DELAY_MS)
 *	bpf_map_accept (Y)			N: offloaded map allocation
 *						fails
 *
 * Knobs are read without locks: a value written during a load applies to
 * that load or the next one.
 */
#include <linux/bpf.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/seq_file.h>

#include "bpfnic.h"

/* The verifier holds the offload lock while it sleeps: keep it bounded. */
#define BN_DFS_MAX_DELAY_MS	10000

static struct dentry *bn_dfs_root;

void bn_dfs_init(void)
{
	bn_dfs_root = debugfs_create_dir(BN_DRV_NAME, NULL);
}

void bn_dfs_exit(void)
{
	debugfs_remove_recursive(bn_dfs_root);
	bn_dfs_root = NULL;
}

/**
 * bn_dfs_dev_add() - the device's directory and knobs, at their defaults
 * @bn:	device (probe, before the netdev is registered)
 *
 * debugfs errors are not fatal: the knobs keep their defaults.
 */
void bn_dfs_dev_add(struct bpfnic *bn)
{
	struct bn_dfs *dfs = &bn->dfs;

	dfs->verifier_accept = true;
	dfs->map_accept = true;
	dfs->dir = debugfs_create_dir(pci_name(bn->pdev), bn_dfs_root);
	dfs->progs_dir = debugfs_create_dir("bpf_bound_progs", dfs->dir);
	debugfs_create_u32("bpf_offloaded_id", 0400, dfs->dir,
			   &dfs->offloaded_id);
	debugfs_create_bool("bpf_bind_verifier_accept", 0600, dfs->dir,
			    &dfs->verifier_accept);
	debugfs_create_u32("bpf_bind_verifier_delay", 0600, dfs->dir,
			   &dfs->verifier_delay);
	debugfs_create_bool("bpf_map_accept", 0600, dfs->dir,
			    &dfs->map_accept);
}

/* After unregister_netdev(): every bound program was destroyed. */
void bn_dfs_dev_del(struct bpfnic *bn)
{
	debugfs_remove_recursive(bn->dfs.dir);
	bn->dfs.dir = NULL;
	bn->dfs.progs_dir = NULL;
}

static int bn_dfs_state_show(struct seq_file *m, void *unused)
{
	struct bn_dfs_prog *dp = m->private;

	seq_printf(m, "%s\n", READ_ONCE(dp->state));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bn_dfs_state);

/**
 * bn_dfs_prog_add() - bpf_bound_progs/<n>/ for a program being bound
 * @bn:		device
 * @dp:		the program's debugfs state (in its struct bn_bpf_prog)
 * @prog:	the program; its id is assigned after verification, the id
 *		file reads it live
 */
void bn_dfs_prog_add(struct bpfnic *bn, struct bn_dfs_prog *dp,
		     struct bpf_prog *prog)
{
	char name[16];

	dp->state = "verify";
	dp->loaded = false;
	snprintf(name, sizeof(name), "%u",
		 (u32)atomic_inc_return(&bn->dfs.prog_seq) - 1);
	dp->dir = debugfs_create_dir(name, bn->dfs.progs_dir);
	debugfs_create_u32("id", 0400, dp->dir, &prog->aux->id);
	debugfs_create_file("state", 0400, dp->dir, dp, &bn_dfs_state_fops);
	debugfs_create_bool("loaded", 0400, dp->dir, &dp->loaded);
}

void bn_dfs_prog_del(struct bpfnic *bn, struct bn_dfs_prog *dp)
{
	if (bn->dfs.loaded == dp)
		bn->dfs.loaded = NULL;
	debugfs_remove_recursive(dp->dir);
	dp->dir = NULL;
}

void bn_dfs_prog_xlated(struct bn_dfs_prog *dp)
{
	WRITE_ONCE(dp->state, "xlated");
}

/**
 * bn_dfs_loaded() - the device now runs @dp (id @id), or nothing (NULL, 0)
 * @bn:	device (under RTNL)
 * @dp:	the program's debugfs state
 * @id:	its id
 */
void bn_dfs_loaded(struct bpfnic *bn, struct bn_dfs_prog *dp, u32 id)
{
	if (bn->dfs.loaded)
		WRITE_ONCE(bn->dfs.loaded->loaded, false);
	if (dp)
		WRITE_ONCE(dp->loaded, true);
	bn->dfs.loaded = dp;
	WRITE_ONCE(bn->dfs.offloaded_id, id);
}

void bn_dfs_verifier_delay(struct bpfnic *bn)
{
	u32 ms = READ_ONCE(bn->dfs.verifier_delay);

	if (ms)
		msleep_interruptible(min_t(u32, ms, BN_DFS_MAX_DELAY_MS));
}

bool bn_dfs_verifier_accept(struct bpfnic *bn)
{
	return READ_ONCE(bn->dfs.verifier_accept);
}

bool bn_dfs_map_accept(struct bpfnic *bn)
{
	return READ_ONCE(bn->dfs.map_accept);
}
