/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * nfp-sim core: the bpfnic NIC model.  Islands x FPCs x threads execute
 * microcode images (include/bpfnic/), with memory tiers, a map engine and a
 * packet engine.  No QEMU headers: the wire, the host, time and logging
 * reach the model through struct bn_sim_ops, so the same core runs under
 * the bpfnic CLI, unit tests and the QEMU device.
 *
 * Functions return 0 or a negative errno.  Where a char *err buffer is
 * given, a failure also leaves a one-line reason in it.
 */
#ifndef BPFNIC_NICSIM_H
#define BPFNIC_NICSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpfnic/isa.h>
#include <bpfnic/image.h>

/* Parameters: bn_sim_params_default() gives the NFP-4000-like defaults. */
struct bn_sim_lat {
	uint16_t min, max;		/* cycles; each access draws in [min, max] */
};

struct bn_sim_params {
	uint32_t islands;		/* 5 */
	uint32_t fpcs;			/* per island: 12 */
	uint32_t threads;		/* per FPC: 4 (1..8) */
	uint32_t mhz;			/* 800 */
	uint32_t code_store;		/* instructions per FPC: 8192 */
	uint32_t lm_size;		/* bytes per FPC: 4096 */
	uint32_t cls_size;		/* bytes per island: 64 KiB */
	uint32_t ctm_size;		/* bytes per island: 256 KiB */
	uint32_t imem_size;		/* bytes: 4 MiB */
	uint64_t emem_size;		/* bytes: 2 GiB (allocated on use) */
	struct bn_sim_lat lat[5];	/* per enum bn_tgt: LM 1-3, CLS 20-50, CTM 50-100,
					 * IMEM 150-250, EMEM 150-500 */
	uint64_t seed;			/* latency draws, PRNG CSR */
	uint32_t host_threads;		/* host threads for bn_sim_run_batch: 1 */
	uint32_t interpret;		/* 1: no host code for straight runs (x86-64
					 * hosts translate them; results are equal): 0 */
	uint32_t sched_window;		/* cycles an FPC may run ahead of the others
					 * between two of the host's turns (larger:
					 * faster on the host, coarser order of FPCs'
					 * accesses to shared memory); 0: 256, or 65536
					 * for a program the JIT found order-free */
};

void bn_sim_params_default(struct bn_sim_params *p);
/* Checks ranges; explains the first bad one in err. */
int bn_sim_params_check(const struct bn_sim_params *p, char *err, size_t errlen);

/* What the model does to the outside world. */
struct bn_sim_ops {
	/* A frame the program sent back out (XDP_TX). */
	void (*tx)(void *opaque, const uint8_t *frame, uint32_t len);
	/* A frame for the host (PASS, or no program loaded). */
	void (*to_host)(void *opaque, uint32_t queue, const uint8_t *frame, uint32_t len);
	/* Device clock for ktime_get_ns; NULL: cycles / MHz. */
	uint64_t (*clock_ns)(void *opaque);
	/* Guest/host misprogramming and faults; one line, no newline. */
	void (*log)(void *opaque, const char *msg);
	void *opaque;
	/*
	 * bpf_perf_event_output(): @len bytes of data, then @pkt_len bytes of
	 * the packet, for the PERF_EVENT_ARRAY that is map @map_index of the
	 * loaded image.  NULL: events are dropped (the program still sees 0).
	 * Called from the thread running the packet (any host thread).
	 */
	void (*event)(void *opaque, uint32_t map_index, const uint8_t *data, uint32_t len,
		      const uint8_t *pkt, uint32_t pkt_len);
};

struct bn_sim;

struct bn_sim *bn_sim_create(const struct bn_sim_params *p, const struct bn_sim_ops *ops,
			     char *err, size_t errlen);
void bn_sim_destroy(struct bn_sim *sim);

/* ---- what the device offers (capabilities for a driver) ------------------- */
/*
 * The firmware helpers: fills up to @max (eBPF helper id, firmware address)
 * pairs and returns how many the firmware has.
 */
uint32_t bn_sim_helpers(uint32_t *ids, uint32_t *addrs, uint32_t max);
/* Longest frame a program can run on (CTM frame less headroom and tailroom). */
uint32_t bn_sim_max_frame(const struct bn_sim_params *p);
/* LM stack bytes each thread's program may use (the thread's LM window). */
uint32_t bn_sim_stack_size(const struct bn_sim_params *p);
/* Map engine limits: map ids, key bytes, value bytes. */
uint32_t bn_sim_max_maps(void);
uint32_t bn_sim_max_key(void);
uint32_t bn_sim_max_value(void);

/* ---- map engine (maps live in EMEM) -------------------------------------- */
#define BN_SIM_ANY	0	/* BPF_ANY */
#define BN_SIM_NOEXIST	1	/* BPF_NOEXIST */
#define BN_SIM_EXIST	2	/* BPF_EXIST */

int bn_sim_map_create(struct bn_sim *sim, const struct bn_image_map *def, uint32_t *id,
		      char *err, size_t errlen);
int bn_sim_map_free(struct bn_sim *sim, uint32_t id);
int bn_sim_map_lookup(struct bn_sim *sim, uint32_t id, const void *key, void *value);
int bn_sim_map_update(struct bn_sim *sim, uint32_t id, const void *key, const void *value,
		      uint64_t flags);
int bn_sim_map_delete(struct bn_sim *sim, uint32_t id, const void *key);
/* key == NULL: first key.  -ENOENT after the last. */
int bn_sim_map_get_next_key(struct bn_sim *sim, uint32_t id, const void *key, void *next);

/* ---- programs ------------------------------------------------------------ */
/*
 * Validate, relocate and load @img on every FPC.  map_ids[i] is the device
 * id of the image's maps[i].  Replaces a loaded program atomically: a packet
 * runs either the old image or the new one.
 */
int bn_sim_prog_load(struct bn_sim *sim, const void *img, size_t len,
		     const uint32_t *map_ids, uint32_t nmap_ids, char *err, size_t errlen);
void bn_sim_prog_unload(struct bn_sim *sim);

/* ---- packets ------------------------------------------------------------- */
enum bn_sim_action {
	BN_ACT_ABORTED,		/* XDP_ABORTED, bad verdict, or a fault: dropped */
	BN_ACT_DROP,
	BN_ACT_PASS,		/* to the host */
	BN_ACT_TX,		/* back out the wire */
	BN_ACT__COUNT
};

struct bn_sim_pkt {
	const uint8_t *data;
	uint32_t len;
	uint32_t ifindex;	/* ctx ingress_ifindex (XDP) / ifindex (TC); default 1 */
	uint32_t rx_queue;
};

struct bn_sim_result {
	uint32_t retval;	/* R0 (low 32 bits) as the program returned it */
	uint8_t action;		/* enum bn_sim_action */
	uint8_t fault;		/* the program faulted; fault_msg says why */
	char fault_msg[96];
	uint8_t *out;		/* caller's buffer for the frame after the run */
	uint32_t out_cap;	/* its size (BN_PKT_FRAME is always enough) */
	uint32_t out_len;
	uint64_t cycles;	/* FPC cycles this packet kept a thread busy */
	uint64_t insns;		/* instructions it executed */
};

/*
 * Run one packet to completion on island 0, FPC 0, thread 0: exact eBPF
 * semantics, used for differential testing.  Also delivers through ops.
 */
int bn_sim_run_one(struct bn_sim *sim, const struct bn_sim_pkt *pkt, struct bn_sim_result *res);

struct bn_sim_stats {
	uint64_t packets;
	uint64_t actions[BN_ACT__COUNT];
	uint64_t faults;
	uint64_t insns;			/* instructions executed */
	uint64_t mem_cmds;		/* memory commands issued */
	uint64_t busy_cycles;		/* sum over FPCs of cycles spent executing */
	uint64_t elapsed_cycles;	/* modeled wall time of the batch, in cycles */
	double cycles_per_pkt;		/* per FPC: its elapsed cycles / its packets */
	double mpps_per_fpc;		/* mhz / cycles_per_pkt */
	double mpps_nic;		/* packets / elapsed time, whole NIC */
};

/*
 * Run @n packets through the whole NIC with the timing model: packets are
 * dispatched round-robin to islands, FPCs and threads; threads swap on
 * memory waits.  res may be NULL; else res[i] gets packet i's result.
 * Verdicts reach ops->tx / ops->to_host.  With host_threads == 1 the run is
 * deterministic for a given seed.
 */
int bn_sim_run_batch(struct bn_sim *sim, const struct bn_sim_pkt *pkts, uint32_t n,
		     struct bn_sim_result *res, struct bn_sim_stats *stats);

/* Map an XDP / TC return value to what the packet engine does. */
enum bn_sim_action bn_sim_verdict(uint32_t prog_type, uint32_t retval);

#endif /* BPFNIC_NICSIM_H */
