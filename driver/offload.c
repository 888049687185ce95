// SPDX-License-Identifier: GPL-2.0
/*
 * bpfnic: eBPF offload through the kernel's hooks (Linux 6.1).
 *
 *   prepare	copy the program; map references become indices into the
 *		program's own map table (the image's MAP_ID relocations)
 *   insn_hook	the device-specific verifier pass: on every path the core
 *		verifier walks, record which kind of memory each load, store
 *		and atomic reaches, and refuse what the device cannot address
 *   finalize	compute the JIT's metadata with firmware-jit's analyzer,
 *		check it against what the verifier saw, JIT against the
 *		device's capabilities; every rejection lands in the verifier
 *		log as "[bpfnic] insn N: reason"
 *   translate	hand the image to the core (bpftool prog dump jited)
 *   attach	XDP_SETUP_PROG_HW or cls_bpf: DMA the image to the device
 *		(BN_CMSG_PROG_LOAD), which loads it on every FPC between two
 *		packets
 *   events	bpf_perf_event_output() in the device arrives as BN_CMSG_EVENT;
 *		bn_bpf_event() writes it into the host PERF_EVENT_ARRAY's
 *		ring of the CPU taking the control interrupt (the NFP way)
 *
 * Offloaded maps live in the device; bpf_map_dev_ops turn the map syscalls
 * into BN_CMSG_MAP_* requests.  A PERF_EVENT_ARRAY stays in the host
 * ("offload neutral"): the image names it by its index (image.h).
 *
 * The verifier's dead-code passes (replace_insn, remove_insns) are accepted
 * and not mirrored: they only remove instructions the verifier proved are
 * never executed, or conditions it proved constant, so the original copy
 * the JIT translates behaves the same.  Keeping it whole is what makes the
 * image equal to what `bpfnic prog jit` builds on a host from the object.
 */
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/pkt_cls.h>
#include <net/xdp.h>

#include "bpfnic.h"
#include "analyze.h"

#define BN_LOG(env, fmt, ...) \
	bpf_verifier_log_write(env, "[bpfnic] " fmt "\n", ##__VA_ARGS__)

/**
 * struct bn_bpf_prog - one program bound to a bpfnic (offload->dev_priv)
 * @bn:		device it is bound to
 * @insns:	copy taken at prepare; LD_IMM64 map references rewritten to
 *		BPF_PSEUDO_MAP_IDX + index into @maps
 * @len:	instructions
 * @prog_type:	enum bn_prog_type
 * @vkind:	per instruction: the kind of memory the verifier saw the
 *		access reach (enum bn_reg_type); BN_REG_UNKNOWN for other
 *		instructions and for accesses it never walked
 * @maps:	maps referenced, in order of first reference
 * @imaps:	their definitions as the image carries them
 * @nmaps:	entries in @maps / @imaps
 * @img:	the image, once finalize compiled it
 * @img_len:	its bytes
 * @dfs:	its entry in debugfs bpf_bound_progs/ (debugfs.c)
 */
struct bn_bpf_prog {
	struct bpfnic *bn;
	struct bpf_insn *insns;
	u32 len;
	u32 prog_type;
	u8 *vkind;
	struct bpf_map **maps;
	struct bn_image_map *imaps;
	u32 nmaps;
	void *img;
	size_t img_len;
	struct bn_dfs_prog dfs;
};

/**
 * struct bn_bpf_map - an offloaded map (offmap->dev_priv)
 * @bn:		device holding it
 * @id:		the device's id for it
 */
struct bn_bpf_map {
	struct bpfnic *bn;
	u32 id;
};

static const struct bpf_map_dev_ops bn_map_ops;

static const char *const bn_kind_name[] = {
	[BN_REG_UNKNOWN]	= "unknown",
	[BN_REG_SCALAR]		= "scalar",
	[BN_REG_CTX]		= "context",
	[BN_REG_PACKET]		= "packet",
	[BN_REG_PACKET_END]	= "packet end",
	[BN_REG_STACK]		= "stack",
	[BN_REG_MAP_VALUE]	= "map value",
	[BN_REG_MAP_VALUE_OR_NULL] = "map value or NULL",
	[BN_REG_MAP_PTR]	= "map",
};

static const char *bn_kind_str(unsigned int kind)
{
	return kind < ARRAY_SIZE(bn_kind_name) ? bn_kind_name[kind] : "?";
}

/* --- firmware-jit environment in the kernel --- */

static void *bn_jit_alloc(void *priv, size_t size)
{
	return kvzalloc(size ? size : 1, GFP_KERNEL);
}

static void bn_jit_free(void *priv, void *ptr)
{
	kvfree(ptr);
}

/* Analyzer and JIT messages ("insn N: reason") go to the verifier log. */
static void bn_jit_print(void *priv, const char *msg)
{
	struct bpf_verifier_env *env = priv;

	if (env)
		BN_LOG(env, "%s", msg);
}

static void bn_jit_env_init(struct bn_jit_env *jenv,
			    struct bpf_verifier_env *env)
{
	jenv->alloc = bn_jit_alloc;
	jenv->free = bn_jit_free;
	jenv->print = bn_jit_print;
	jenv->priv = env;
}

/* --- prepare --- */

static void bn_bpf_prog_free(struct bn_bpf_prog *bp)
{
	if (!bp)
		return;
	kvfree(bp->img);
	kvfree(bp->insns);
	kvfree(bp->vkind);
	kfree(bp->maps);
	kfree(bp->imaps);
	kfree(bp);
}

static bool bn_is_map_ref(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       insn->src_reg == BPF_PSEUDO_MAP_FD;
}

/*
 * The core resolved every map fd to a struct bpf_map * (imm, next imm) and
 * checked that prog and maps belong to the same device.  Collect the maps
 * in order of first reference, as libbpf numbers them in an object, and
 * point each LD_IMM64 at its index.
 */
static int bn_prepare_maps(struct bn_bpf_prog *bp)
{
	struct bpfnic *bn = bp->bn;
	struct bpf_map *map;
	u32 i, m, n = 0;

	for (i = 0; i + 1 < bp->len; i++)
		if (bn_is_map_ref(&bp->insns[i]))
			n++;
	if (!n)
		return 0;
	bp->maps = kcalloc(n, sizeof(*bp->maps), GFP_KERNEL);
	bp->imaps = kcalloc(n, sizeof(*bp->imaps), GFP_KERNEL);
	if (!bp->maps || !bp->imaps)
		return -ENOMEM;

	for (i = 0; i + 1 < bp->len; i++) {
		struct bpf_insn *insn = &bp->insns[i];

		if (!bn_is_map_ref(insn))
			continue;
		map = (struct bpf_map *)(unsigned long)((u32)insn[0].imm |
							((u64)(u32)insn[1].imm << 32));
		for (m = 0; m < bp->nmaps; m++)
			if (bp->maps[m] == map)
				break;
		if (m == bp->nmaps) {
			struct bn_image_map *im = &bp->imaps[m];

			bp->maps[m] = map;
			im->type = cpu_to_le32(map->map_type);
			im->key_size = cpu_to_le32(map->key_size);
			im->value_size = cpu_to_le32(map->value_size);
			/* image.h: a PERF_EVENT_ARRAY is the host's to size */
			im->max_entries = cpu_to_le32(map->map_type ==
						      BPF_MAP_TYPE_PERF_EVENT_ARRAY ?
						      0 : map->max_entries);
			im->flags = cpu_to_le32(map->map_flags);
			strscpy(im->name, map->name, sizeof(im->name));
			bp->nmaps++;
		}
		insn[0].src_reg = BPF_PSEUDO_MAP_IDX;
		insn[0].imm = m;
		insn[1].imm = 0;
		i++;
	}
	netdev_dbg(bn->netdev, "program references %u maps\n", bp->nmaps);
	return 0;
}

static int bn_bpf_prepare(struct bpf_prog *prog)
{
	struct bpf_prog_offload *offload = prog->aux->offload;
	struct bn_bpf_prog *bp;
	int err;

	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return -ENOMEM;
	bp->bn = bpf_offload_dev_priv(offload->offdev);
	bp->len = prog->len;
	bp->prog_type = prog->type == BPF_PROG_TYPE_XDP ? BN_PROG_XDP :
							  BN_PROG_TC;
	bp->insns = kvmalloc_array(prog->len, sizeof(*bp->insns), GFP_KERNEL);
	bp->vkind = kvzalloc(prog->len, GFP_KERNEL);
	err = -ENOMEM;
	if (!bp->insns || !bp->vkind)
		goto err_free;
	memcpy(bp->insns, prog->insnsi, prog->len * sizeof(*bp->insns));
	err = bn_prepare_maps(bp);
	if (err)
		goto err_free;
	offload->dev_priv = bp;
	bn_dfs_prog_add(bp->bn, &bp->dfs, prog);
	return 0;

err_free:
	bn_bpf_prog_free(bp);
	return err;
}

/* --- insn_hook: the verifier's view of every memory access --- */

static int bn_vkind(const struct bpf_reg_state *reg)
{
	switch (base_type(reg->type)) {
	case PTR_TO_CTX:	return BN_REG_CTX;
	case PTR_TO_PACKET:	return BN_REG_PACKET;
	case PTR_TO_STACK:	return BN_REG_STACK;
	case PTR_TO_MAP_VALUE:	return BN_REG_MAP_VALUE;
	default:		return -1;
	}
}

static const char *bn_vtype_name(enum bpf_reg_type t)
{
	switch (base_type(t)) {
	case PTR_TO_PACKET_META:	return "packet metadata (data_meta)";
	case PTR_TO_PACKET_END:		return "packet end";
	case PTR_TO_MAP_KEY:		return "map key";
	case PTR_TO_FLOW_KEYS:		return "flow keys";
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
	case PTR_TO_XDP_SOCK:		return "socket";
	case PTR_TO_BTF_ID:		return "kernel object (BTF)";
	case PTR_TO_MEM:
	case PTR_TO_BUF:		return "kernel memory";
	case SCALAR_VALUE:		return "scalar";
	default:			return "unsupported";
	}
}

static int bn_bpf_insn_hook(struct bpf_verifier_env *env, int insn_idx,
			    int prev_insn_idx)
{
	struct bn_bpf_prog *bp = env->prog->aux->offload->dev_priv;
	const struct bpf_insn *insn = &bp->insns[insn_idx];
	const struct bpf_reg_state *reg;
	u8 cls = BPF_CLASS(insn->code);
	int kind;

	if (WARN_ON_ONCE(insn_idx < 0 || insn_idx >= bp->len))
		return -EINVAL;
	if (!insn_idx)
		bn_dfs_verifier_delay(bp->bn);
	if (cls == BPF_LDX && BPF_MODE(insn->code) == BPF_MEM)
		reg = &cur_regs(env)[insn->src_reg];
	else if ((cls == BPF_STX || cls == BPF_ST) &&
		 (BPF_MODE(insn->code) == BPF_MEM ||
		  BPF_MODE(insn->code) == BPF_ATOMIC))
		reg = &cur_regs(env)[insn->dst_reg];
	else
		return 0;

	kind = bn_vkind(reg);
	if (kind < 0) {
		BN_LOG(env, "insn %d: memory access through a %s pointer is not supported by the device",
		       insn_idx, bn_vtype_name(reg->type));
		return -EOPNOTSUPP;
	}
	if (bp->vkind[insn_idx] != BN_REG_UNKNOWN && bp->vkind[insn_idx] != kind) {
		BN_LOG(env, "insn %d: the access reaches %s memory on one path and %s memory on another; the device needs one kind per instruction",
		       insn_idx, bn_kind_str(bp->vkind[insn_idx]),
		       bn_kind_str(kind));
		return -EOPNOTSUPP;
	}
	bp->vkind[insn_idx] = kind;
	return 0;
}

/* --- finalize: metadata, cross-check, JIT --- */

static bool bn_helper_supported(const struct bn_caps *caps, u32 func_id)
{
	unsigned int i;

	for (i = 0; i < caps->num_helpers; i++)
		if (caps->helpers[i].func_id == func_id)
			return true;
	return false;
}

static u8 bn_meta_base_kind(const struct bpf_insn *insn,
			    const struct bn_insn_meta *meta)
{
	return BPF_CLASS(insn->code) == BPF_LDX ? meta->src.type :
						  meta->dst.type;
}

/*
 * The analyzer's facts are what the JIT relies on; the verifier's are the
 * kernel's proof.  Where the verifier walked a memory access, both must
 * name the same kind of memory.
 */
static int bn_check_against_verifier(struct bpf_verifier_env *env,
				     struct bn_bpf_prog *bp,
				     const struct bn_insn_meta *meta)
{
	const struct bn_caps *caps = &bp->bn->caps;
	u32 i;

	for (i = 0; i < bp->len; i++) {
		const struct bpf_insn *insn = &bp->insns[i];
		u8 seen = bp->vkind[i], ours;

		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0 &&
		    !(meta[i].flags & BN_META_DEAD) &&
		    !bn_helper_supported(caps, insn->imm)) {
			BN_LOG(env, "insn %u: helper %d is not offered by the device firmware",
			       i, insn->imm);
			return -EOPNOTSUPP;
		}
		if (seen == BN_REG_UNKNOWN)
			continue;
		ours = bn_meta_base_kind(insn, &meta[i]);
		if (ours != seen) {
			BN_LOG(env, "insn %u: the verifier sees %s memory, the device's analysis %s memory",
			       i, bn_kind_str(seen), bn_kind_str(ours));
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static int bn_bpf_finalize(struct bpf_verifier_env *env)
{
	struct bn_bpf_prog *bp = env->prog->aux->offload->dev_priv;
	struct bpfnic *bn = bp->bn;
	struct bn_jit_subprog *subprogs = NULL;
	struct bn_insn_meta *meta = NULL;
	struct bn_jit_stats stats = {};
	struct bn_jit_opts opts = {
		.sz = sizeof(opts),
		.code_store = bn->caps.code_store > BN_LOAD_BASE ?
			      bn->caps.code_store - BN_LOAD_BASE : 0,
	};
	struct bn_jit_env jenv;
	u32 nsubprogs = 0;
	int err;

	if (!bn_dfs_verifier_accept(bn)) {
		BN_LOG(env, "refused by debugfs bpf_bind_verifier_accept");
		return -EOPNOTSUPP;
	}
	if (!opts.code_store) {
		BN_LOG(env, "insn 0: the device advertised no code store");
		return -EOPNOTSUPP;
	}
	bn_jit_env_init(&jenv, env);
	meta = kvcalloc(bp->len, sizeof(*meta), GFP_KERNEL);
	subprogs = kvcalloc(BPF_MAX_SUBPROGS, sizeof(*subprogs), GFP_KERNEL);
	err = -ENOMEM;
	if (!meta || !subprogs)
		goto out;

	err = bn_analyze(bp->insns, bp->len, bp->prog_type, bp->imaps,
			 bp->nmaps, meta, subprogs, BPF_MAX_SUBPROGS,
			 &nsubprogs, &jenv);
	if (err)
		goto out;
	err = bn_check_against_verifier(env, bp, meta);
	if (err)
		goto out;

	{
		struct bn_jit_in in = {
			.insns = bp->insns, .len = bp->len,
			.prog_type = bp->prog_type, .meta = meta,
			.subprogs = subprogs, .nsubprogs = nsubprogs,
			.maps = bp->imaps, .nmaps = bp->nmaps,
		};

		err = bn_jit_compile(&in, &opts, &jenv, &bp->img,
				     &bp->img_len, &stats);
	}
	if (err)
		goto out;
	netdev_dbg(bn->netdev, "JIT: %u eBPF insns -> %u microcode insns, %zu byte image\n",
		   stats.ebpf_insns, stats.ucode_insns, bp->img_len);
out:
	if (err == -ENOMEM)
		BN_LOG(env, "insn 0: out of memory");
	kvfree(meta);
	kvfree(subprogs);
	return err < 0 ? err : 0;
}

static int bn_bpf_replace_insn(struct bpf_verifier_env *env, u32 off,
			       struct bpf_insn *insn)
{
	return 0;	/* see the top of this file */
}

static int bn_bpf_remove_insns(struct bpf_verifier_env *env, u32 off, u32 cnt)
{
	return 0;	/* see the top of this file */
}

static int bn_bpf_translate(struct bpf_prog *prog)
{
	struct bpf_prog_offload *offload = prog->aux->offload;
	struct bn_bpf_prog *bp = offload->dev_priv;

	if (!bp->img)
		return -EINVAL;
	offload->jited_image = bp->img;
	offload->jited_len = bp->img_len;
	bn_dfs_prog_xlated(&bp->dfs);
	return 0;
}

static void bn_bpf_destroy(struct bpf_prog *prog)
{
	struct bn_bpf_prog *bp = prog->aux->offload->dev_priv;

	bn_dfs_prog_del(bp->bn, &bp->dfs);
	bn_bpf_prog_free(bp);
}

static const struct bpf_prog_offload_ops bn_bpf_dev_ops = {
	.insn_hook	= bn_bpf_insn_hook,
	.finalize	= bn_bpf_finalize,
	.replace_insn	= bn_bpf_replace_insn,
	.remove_insns	= bn_bpf_remove_insns,
	.prepare	= bn_bpf_prepare,
	.translate	= bn_bpf_translate,
	.destroy	= bn_bpf_destroy,
};

/* --- perf events --- */

/*
 * Which program's events are delivered.  @bp stays valid while it is set:
 * the program is attached (XDP or cls_bpf holds a reference) until after
 * the detach that clears it.
 */
static void bn_events_set(struct bpfnic *bn, struct bn_bpf_prog *bp, u32 gen)
{
	unsigned long flags;

	spin_lock_irqsave(&bn->ev_lock, flags);
	bn->ev_prog = bp;
	bn->ev_gen = gen;
	spin_unlock_irqrestore(&bn->ev_lock, flags);
}

static unsigned long bn_event_copy(void *dst, const void *src,
				   unsigned long off, unsigned long len)
{
	memcpy(dst, src + off, len);
	return 0;
}

/**
 * bn_bpf_event() - deliver one BN_CMSG_EVENT (control IRQ)
 * @bn:		device
 * @buf:	the message in its reply buffer, @len bytes (bounded by the
 *		descriptor); untrusted
 * @len:	message length
 *
 * The event goes to the perf ring of this CPU in the PERF_EVENT_ARRAY the
 * loaded program named, as bpf_perf_event_output(BPF_F_CURRENT_CPU) would
 * have on the host: the program's data, then the packet bytes.
 *
 * Return: 0 if delivered; -EBADMSG if malformed (lengths that do not add
 * up, a map index that is not the program's PERF_EVENT_ARRAY); -ESTALE if
 * not for the loaded program (a late event of a replaced one); the error of
 * bpf_event_output() (no reader on this CPU, ring full).  The caller counts.
 */
int bn_bpf_event(struct bpfnic *bn, const void *buf, u32 len)
{
	struct bn_cmsg_event ev;
	unsigned long flags;
	u32 dlen, plen, idx;
	int err;

	if (len < sizeof(ev))
		return -EBADMSG;
	memcpy(&ev, buf, sizeof(ev));
	dlen = le32_to_cpu(ev.data_len);
	plen = le32_to_cpu(ev.pkt_len);
	idx = le32_to_cpu(ev.map_index);
	if ((u64)sizeof(ev) + dlen + plen != len)
		return -EBADMSG;

	spin_lock_irqsave(&bn->ev_lock, flags);
	if (!bn->ev_prog || le32_to_cpu(ev.gen) != bn->ev_gen)
		err = -ESTALE;
	else if (idx >= bn->ev_prog->nmaps ||
		 bn->ev_prog->maps[idx]->map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		err = -EBADMSG;
	else
		err = bpf_event_output(bn->ev_prog->maps[idx], BPF_F_CURRENT_CPU,
				       (void *)buf + sizeof(ev), dlen,
				       (void *)buf + sizeof(ev) + dlen, plen,
				       bn_event_copy);
	spin_unlock_irqrestore(&bn->ev_lock, flags);
	return err;
}

/* --- loading onto the device --- */

/*
 * BN_CMSG_PROG_LOAD: the device reads the image by DMA while it handles
 * the request and swaps it in between two packets, so a packet runs either
 * the old program or the new one, never a mix.
 */
static int bn_prog_load(struct bpfnic *bn, struct bpf_prog *prog,
			struct netlink_ext_ack *extack)
{
	struct bn_bpf_prog *bp = prog->aux->offload->dev_priv;
	struct bn_cmsg_prog_load *req;
	struct bn_cmsg_reply rsp;
	dma_addr_t dma;
	size_t req_len;
	void *img;
	u32 i;
	int ret;

	req_len = struct_size(req, map_ids, bp->nmaps);
	if (req_len > BN_CMSG_MAX_LEN) {
		NL_SET_ERR_MSG_MOD(extack, "program uses too many maps for one load request");
		return -E2BIG;
	}
	req = kzalloc(req_len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	for (i = 0; i < bp->nmaps; i++) {
		struct bpf_offloaded_map *offmap;
		struct bn_bpf_map *bm;

		if (bp->maps[i]->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;	/* stays in the host: map id ignored */
		/*
		 * The verifier let a bound program use only maps bound to
		 * the same device, besides offload-neutral ones (perf).
		 */
		offmap = map_to_offmap(bp->maps[i]);
		bm = offmap->dev_priv;
		if (offmap->dev_ops != &bn_map_ops || !bm || bm->bn != bn) {
			NL_SET_ERR_MSG_MOD(extack, "program uses a map that does not live in this device");
			kfree(req);
			return -EINVAL;
		}
		req->map_ids[i] = cpu_to_le32(bm->id);
	}
	img = dma_alloc_coherent(&bn->pdev->dev, bp->img_len, &dma, GFP_KERNEL);
	if (!img) {
		kfree(req);
		return -ENOMEM;
	}
	memcpy(img, bp->img, bp->img_len);
	req->hdr.type = BN_CMSG_PROG_LOAD;
	req->image_addr = cpu_to_le64(dma);
	req->image_len = cpu_to_le32(bp->img_len);
	req->nmaps = cpu_to_le32(bp->nmaps);
	req->gen = cpu_to_le32(++bn->prog_gen);
	/* from now on the device may send the new program's events */
	bn_events_set(bn, bp, bn->prog_gen);

	ret = bn_cmsg_call(bn, req, req_len, &rsp, sizeof(rsp), sizeof(rsp));
	if (ret == -ETIMEDOUT)	/* the device may still read it: keep it */
		netdev_err(bn->netdev, "PROG_LOAD timed out; %zu byte image buffer leaked\n",
			   bp->img_len);
	else
		dma_free_coherent(&bn->pdev->dev, bp->img_len, img, dma);
	kfree(req);
	if (ret < 0) {
		/* the device keeps the old program (or none): its events are
		 * not told apart from a failed load's; deliver none */
		bn_events_set(bn, NULL, 0);
		NL_SET_ERR_MSG_MOD(extack, "the device refused the program image");
		return ret;
	}
	bn_dfs_loaded(bn, &bp->dfs, prog->aux->id);
	return 0;
}

/*
 * Removal cannot fail: the kernel detaches the program whatever we answer
 * (cls_bpf only logs an error; unregister_netdevice WARNs), so a device
 * that does not confirm the unload is reported, and forgotten.
 */
static void bn_prog_unload(struct bpfnic *bn)
{
	struct bn_cmsg_hdr req = { .type = BN_CMSG_PROG_UNLOAD };
	struct bn_cmsg_reply rsp;
	int ret;

	bn_events_set(bn, NULL, 0);

	ret = bn_cmsg_call(bn, &req, sizeof(req), &rsp, sizeof(rsp),
			   sizeof(rsp));
	if (ret < 0)
		netdev_err(bn->netdev,
			   "PROG_UNLOAD not confirmed by the device (%d): it may run the old program until the next load\n",
			   ret);
	bn_dfs_loaded(bn, NULL, 0);
}

static int bn_prog_check(struct bpfnic *bn, struct bpf_prog *prog,
			 struct netlink_ext_ack *extack)
{
	struct bn_bpf_prog *bp;

	if (!bpf_prog_is_dev_bound(prog->aux) || !prog->aux->offload) {
		NL_SET_ERR_MSG_MOD(extack, "program is not bound to a device: load it for this device (ip ... xdpoffload, tc ... skip_sw, bpftool prog load ... dev)");
		return -EINVAL;
	}
	if (!bpf_offload_dev_match(prog, bn->netdev)) {
		NL_SET_ERR_MSG_MOD(extack, "program bound to a different device");
		return -EINVAL;
	}
	bp = prog->aux->offload->dev_priv;
	if (!bp || !bp->img) {
		NL_SET_ERR_MSG_MOD(extack, "program was not translated for the device");
		return -EINVAL;
	}
	return 0;
}

/* --- XDP --- */

static int bn_xdp_setup_hw(struct bpfnic *bn, struct netdev_bpf *bpf)
{
	struct bpf_prog *prog = bpf->prog;
	int err;

	if (prog) {
		err = bn_prog_check(bn, prog, bpf->extack);
		if (err)
			return err;
		if (bn->tc_prog) {
			NL_SET_ERR_MSG_MOD(bpf->extack, "a TC program is already offloaded: remove it first");
			return -EBUSY;
		}
		err = bn_prog_load(bn, prog, bpf->extack);
		if (err)
			return err;
	} else if (bn->xdp_hw.prog) {
		bn_prog_unload(bn);
	}
	xdp_attachment_setup(&bn->xdp_hw, bpf);
	return 0;
}

/* --- maps --- */

static int bn_map_alloc(struct bpfnic *bn, struct bpf_offloaded_map *offmap)
{
	const struct bn_caps *caps = &bn->caps;
	struct bpf_map *map = &offmap->map;
	struct bn_cmsg_map_alloc req = { .hdr.type = BN_CMSG_MAP_ALLOC };
	struct bn_cmsg_map_alloc_reply rsp;
	struct bn_bpf_map *bm;
	int ret;

	if (!bn_dfs_map_accept(bn)) {
		netdev_info(bn->netdev, "map offload: refused by debugfs bpf_map_accept\n");
		return -EOPNOTSUPP;
	}
	if (!(caps->present & BIT(BN_CAP_MAPS))) {
		netdev_info(bn->netdev, "map offload: the device has no map engine\n");
		return -EOPNOTSUPP;
	}
	if (map->map_type >= 32 || !(caps->maps.types & BIT(map->map_type))) {
		netdev_info(bn->netdev, "map offload: map type %u not supported\n",
			    map->map_type);
		return -EOPNOTSUPP;
	}
	if (map->map_flags || map->numa_node != NUMA_NO_NODE) {
		netdev_info(bn->netdev, "map offload: map flags 0x%x / NUMA node not supported\n",
			    map->map_flags);
		return -EINVAL;
	}
	if (map->key_size > caps->maps.max_key ||
	    map->value_size > caps->maps.max_value) {
		netdev_info(bn->netdev, "map offload: key %u / value %u bytes, device max %u / %u\n",
			    map->key_size, map->value_size, caps->maps.max_key,
			    caps->maps.max_value);
		return -E2BIG;
	}
	if (bn->maps_in_use >= caps->maps.max_maps) {
		netdev_info(bn->netdev, "map offload: all %u device maps in use\n",
			    caps->maps.max_maps);
		return -ENOMEM;
	}
	if (map->max_entries > caps->maps.max_entries - bn->map_entries) {
		netdev_info(bn->netdev, "map offload: %u entries, the device has %u left\n",
			    map->max_entries,
			    caps->maps.max_entries - bn->map_entries);
		return -ENOMEM;
	}

	bm = kzalloc(sizeof(*bm), GFP_KERNEL);
	if (!bm)
		return -ENOMEM;
	req.type = cpu_to_le32(map->map_type);
	req.key_size = cpu_to_le32(map->key_size);
	req.value_size = cpu_to_le32(map->value_size);
	req.max_entries = cpu_to_le32(map->max_entries);
	ret = bn_cmsg_call(bn, &req, sizeof(req), &rsp, sizeof(rsp),
			   sizeof(rsp));
	if (ret < 0) {
		netdev_info(bn->netdev, "map offload: MAP_ALLOC failed: %d\n", ret);
		kfree(bm);
		return ret;
	}
	bm->bn = bn;
	bm->id = le32_to_cpu(rsp.id);
	offmap->dev_ops = &bn_map_ops;
	offmap->dev_priv = bm;
	bn->maps_in_use++;
	bn->map_entries += map->max_entries;
	return 0;
}

static int bn_map_free(struct bpfnic *bn, struct bpf_offloaded_map *offmap)
{
	struct bn_bpf_map *bm = offmap->dev_priv;
	struct bn_cmsg_map_op req = { .hdr.type = BN_CMSG_MAP_FREE };
	struct bn_cmsg_reply rsp;
	int ret;

	if (!bm)
		return 0;
	req.id = cpu_to_le32(bm->id);
	ret = bn_cmsg_call(bn, &req, sizeof(req), &rsp, sizeof(rsp),
			   sizeof(rsp));
	if (ret < 0)
		netdev_warn(bn->netdev, "MAP_FREE of device map %u failed: %d\n",
			    bm->id, ret);
	bn->maps_in_use--;
	bn->map_entries -= offmap->map.max_entries;
	offmap->dev_priv = NULL;
	kfree(bm);
	return 0;
}

/*
 * One map request: @key (may be NULL) and @value (may be NULL) are sent,
 * the reply's body (@out_len bytes exactly) lands in @out.
 */
static int bn_map_call(struct bpf_offloaded_map *offmap, u8 type, u32 flags,
		       const void *key, const void *value, void *out,
		       u32 out_len)
{
	struct bn_bpf_map *bm = offmap->dev_priv;
	struct bpf_map *map = &offmap->map;
	struct bn_cmsg_map_op *req;
	struct bn_cmsg_map_op_reply *rsp;
	u32 klen = key ? map->key_size : 0;
	u32 vlen = value ? map->value_size : 0;
	u32 req_len = sizeof(*req) + klen + vlen;
	u32 rsp_len = sizeof(*rsp) + out_len;
	int ret;

	if (!bm)
		return -ENODEV;
	if (req_len > BN_CMSG_MAX_LEN || rsp_len > BN_CMSG_MAX_LEN)
		return -E2BIG;
	req = kzalloc(req_len, GFP_KERNEL);
	rsp = kzalloc(rsp_len, GFP_KERNEL);
	ret = -ENOMEM;
	if (!req || !rsp)
		goto out;
	req->hdr.type = type;
	req->id = cpu_to_le32(bm->id);
	req->flags = cpu_to_le32(flags);
	if (klen)
		memcpy(req->data, key, klen);
	if (vlen)
		memcpy(req->data + klen, value, vlen);
	/* a successful reply carries exactly out_len bytes of body */
	ret = bn_cmsg_call(bm->bn, req, req_len, rsp, rsp_len, rsp_len);
	if (ret >= 0) {
		if (out_len)
			memcpy(out, rsp->data, out_len);
		ret = 0;
	}
out:
	kfree(req);
	kfree(rsp);
	return ret;
}

static int bn_map_lookup(struct bpf_offloaded_map *offmap, void *key,
			 void *value)
{
	return bn_map_call(offmap, BN_CMSG_MAP_LOOKUP, 0, key, NULL, value,
			   offmap->map.value_size);
}

static int bn_map_update(struct bpf_offloaded_map *offmap, void *key,
			 void *value, u64 flags)
{
	if (flags > BPF_EXIST)
		return -EINVAL;
	return bn_map_call(offmap, BN_CMSG_MAP_UPDATE, flags, key, value,
			   NULL, 0);
}

static int bn_map_delete(struct bpf_offloaded_map *offmap, void *key)
{
	return bn_map_call(offmap, BN_CMSG_MAP_DELETE, 0, key, NULL, NULL, 0);
}

static int bn_map_get_next_key(struct bpf_offloaded_map *offmap, void *key,
			       void *next_key)
{
	return bn_map_call(offmap, BN_CMSG_MAP_GETNEXT,
			   key ? 0 : BN_MAP_OP_F_FIRST, key, NULL, next_key,
			   offmap->map.key_size);
}

static const struct bpf_map_dev_ops bn_map_ops = {
	.map_get_next_key	= bn_map_get_next_key,
	.map_lookup_elem	= bn_map_lookup,
	.map_update_elem	= bn_map_update,
	.map_delete_elem	= bn_map_delete,
};

/* --- ndo_bpf --- */

int bn_ndo_bpf(struct net_device *netdev, struct netdev_bpf *bpf)
{
	struct bpfnic *bn = netdev_priv(netdev);

	switch (bpf->command) {
	case XDP_SETUP_PROG:
		NL_SET_ERR_MSG_MOD(bpf->extack, "the device runs XDP in hardware only: use xdpoffload (XDP_FLAGS_HW_MODE)");
		return -EOPNOTSUPP;
	case XDP_SETUP_PROG_HW:
		return bn_xdp_setup_hw(bn, bpf);
	case BPF_OFFLOAD_MAP_ALLOC:
		return bn_map_alloc(bn, bpf->offmap);
	case BPF_OFFLOAD_MAP_FREE:
		return bn_map_free(bn, bpf->offmap);
	default:
		return -EINVAL;
	}
}

/* --- tc cls_bpf --- */

static LIST_HEAD(bn_block_cb_list);

static int bn_setup_tc_block_cb(enum tc_setup_type type, void *type_data,
				void *cb_priv)
{
	struct tc_cls_bpf_offload *cls_bpf = type_data;
	struct netlink_ext_ack *extack = cls_bpf->common.extack;
	struct bpfnic *bn = cb_priv;
	struct bpf_prog *oldprog = cls_bpf->oldprog;
	int err;

	if (type != TC_SETUP_CLSBPF) {
		NL_SET_ERR_MSG_MOD(extack, "only offload of BPF classifiers supported");
		return -EOPNOTSUPP;
	}
	if (!tc_cls_can_offload_and_chain0(bn->netdev, &cls_bpf->common))
		return -EOPNOTSUPP;
	if (cls_bpf->common.protocol != htons(ETH_P_ALL)) {
		NL_SET_ERR_MSG_MOD(extack, "only ETH_P_ALL supported as filter protocol");
		return -EOPNOTSUPP;
	}
	if (!cls_bpf->exts_integrated || tcf_exts_has_actions(cls_bpf->exts)) {
		NL_SET_ERR_MSG_MOD(extack, "only direct action with no legacy actions supported");
		return -EOPNOTSUPP;
	}
	if (cls_bpf->command != TC_CLSBPF_OFFLOAD)
		return -EOPNOTSUPP;

	/* a removal or replacement of a filter the device does not run */
	if (bn->tc_prog != oldprog) {
		oldprog = NULL;
		if (!cls_bpf->prog)
			return 0;
	}
	if (cls_bpf->prog) {
		err = bn_prog_check(bn, cls_bpf->prog, extack);
		if (err)
			return err;
		if (bn->xdp_hw.prog) {
			NL_SET_ERR_MSG_MOD(extack, "an XDP program is already offloaded: remove it first");
			return -EBUSY;
		}
		if (bn->tc_prog && !oldprog) {
			NL_SET_ERR_MSG_MOD(extack, "the device runs one TC program at a time");
			return -EBUSY;
		}
		err = bn_prog_load(bn, cls_bpf->prog, extack);
		if (err)
			return err;
	} else {
		bn_prog_unload(bn);
	}
	bn->tc_prog = cls_bpf->prog;
	return 0;
}

int bn_setup_tc(struct net_device *netdev, enum tc_setup_type type,
		void *type_data)
{
	struct bpfnic *bn = netdev_priv(netdev);

	switch (type) {
	case TC_SETUP_BLOCK:
		return flow_block_cb_setup_simple(type_data, &bn_block_cb_list,
						  bn_setup_tc_block_cb, bn, bn,
						  true);
	default:
		return -EOPNOTSUPP;
	}
}

int bn_set_features(struct net_device *netdev, netdev_features_t features)
{
	struct bpfnic *bn = netdev_priv(netdev);

	if (!(features & NETIF_F_HW_TC) && (netdev->features & NETIF_F_HW_TC) &&
	    bn->tc_prog) {
		netdev_err(netdev, "Cannot disable HW TC offload while offloads active\n");
		return -EBUSY;
	}
	return 0;
}

/* --- device lifetime --- */

int bn_bpf_init(struct bpfnic *bn)
{
	spin_lock_init(&bn->ev_lock);
	bn->bpf_dev = bpf_offload_dev_create(&bn_bpf_dev_ops, bn);
	return PTR_ERR_OR_ZERO(bn->bpf_dev);
}

void bn_bpf_fini(struct bpfnic *bn)
{
	if (!IS_ERR_OR_NULL(bn->bpf_dev))
		bpf_offload_dev_destroy(bn->bpf_dev);
	bn->bpf_dev = NULL;
}

/* ndo_init / ndo_uninit: the port joins and leaves the offload device. */
int bn_ndo_init(struct net_device *netdev)
{
	struct bpfnic *bn = netdev_priv(netdev);

	return bpf_offload_dev_netdev_register(bn->bpf_dev, netdev);
}

void bn_ndo_uninit(struct net_device *netdev)
{
	struct bpfnic *bn = netdev_priv(netdev);

	bpf_offload_dev_netdev_unregister(bn->bpf_dev, netdev);
}
