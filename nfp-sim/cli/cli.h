/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpfnic command-line tool: shared declarations.
 *
 * Exit status: 0 success, 1 the program was rejected / a run failed /
 * prog diff found a mismatch, 2 bad command line or unusable input file,
 * 77 prog diff could not use the host kernel (skipped).
 */
#ifndef BPFNIC_CLI_H
#define BPFNIC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <bpfnic/image.h>
#include "bpfnic_jit.h"
#include "nicsim.h"
#include "json.h"
#include "util.h"
#include "pcapio.h"

/* ---- command line (args.c) ----------------------------------------------- */
struct map_preset {
	const char *arg;	/* as given, for messages */
	char *name;
	uint8_t *key, *val;
	uint32_t key_len, val_len;
};

/* Which options a verb takes. */
#define OPTF_SEC	0x0001
#define OPTF_OUT	0x0002
#define OPTF_NO_OPT	0x0004
#define OPTF_PCAP	0x0008
#define OPTF_OUT_PKT	0x0010	/* --out-tx, --out-pass */
#define OPTF_MAP	0x0020
#define OPTF_SIM	0x0040	/* --islands --fpcs --threads --mhz --seed --host-threads */
#define OPTF_VERBOSE	0x0080
#define OPTF_REPEAT	0x0100	/* --repeat N (prog run) */
#define OPTF_TIME	0x0200	/* --time N (prog diff) */
#define OPTF_CODE_STORE	0x0400	/* --code-store N: the NIC's code store size */

struct prog_args {
	const char *verb;
	const char *file;
	const char *sec;
	const char *out;
	const char *pcap;
	const char *out_tx, *out_pass;
	uint32_t disabled_passes;
	uint32_t repeat;		/* --repeat: pcap replays in one batch, >= 1 */
	uint32_t time_repeat;		/* --time: kernel test-run repetitions, 0 = off */
	struct map_preset *presets;
	uint32_t npresets;
	struct bn_sim_params params;
};

/* Parses argv after the verb; prints the error and returns EXIT_USAGE. */
int prog_args_parse(struct prog_args *a, const char *verb, unsigned int allowed,
		    int argc, char **argv);
void prog_args_free(struct prog_args *a);

/* ---- ELF objects through libbpf (elf.c) ---------------------------------- */
/* One program of an object, relocated, maps in first-reference order. */
struct bn_obj_prog {
	const char *file;
	char *name;			/* function name */
	char *sec;			/* ELF section */
	enum bpf_prog_type bpf_type;
	uint32_t prog_type;		/* enum bn_prog_type, 0 if not offloadable */
	struct bpf_insn *insns;
	uint32_t len;
	struct bn_image_map *maps;
	uint32_t nmaps;
	char **map_names;		/* libbpf's full names */
	void **map_init;		/* initial value (global data) or NULL */
	size_t *map_init_sz;
};

extern bool libbpf_quiet;		/* drop libbpf's own messages */
extern FILE *libbpf_capture;		/* non-NULL: libbpf's messages go here */
void libbpf_print_setup(void);
struct bpf_object *elf_open(const char *file);
int elf_relocated_insn_cnt(const char *file, const char *prog_name);
/* sec: section or function name, NULL for the first program. */
int elf_load_prog(const char *file, const char *sec, struct bn_obj_prog *p);
void elf_free_prog(struct bn_obj_prog *p);
bool file_is_elf(const void *buf, size_t len);
bool file_is_image(const void *buf, size_t len);

/* ---- images (image.c) ---------------------------------------------------- */
struct img_view {
	const struct bn_image_hdr *hdr;
	uint32_t prog_type;
	const uint64_t *code;		/* little-endian words */
	uint32_t code_len;
	const struct bn_image_reloc *relocs;
	uint32_t nrelocs;
	const struct bn_image_map *maps;
	uint32_t nmaps;
	const uint32_t *lines;		/* little-endian */
	uint32_t nlines;
};

/* Validates everything before anything is trusted; err gets the reason. */
int img_parse(const void *buf, size_t len, struct img_view *v, char *err, size_t errlen);
/* NUL-terminated, printable copy of a map's name (17 bytes). */
void img_map_name(const struct bn_image_map *m, char *buf);
const char *reloc_type_str(uint32_t type);

/* ---- analyze + JIT (jit.c) ----------------------------------------------- */
struct jit_ctx {
	const struct bn_obj_prog *p;
	struct bn_insn_meta *meta0;	/* bn_analyze() output, kept pristine */
	struct bn_insn_meta *meta;	/* copy handed to each compile */
	struct bn_jit_subprog *subprogs;
	uint32_t nsubprogs;
	bool quiet;			/* drop library log lines */
	uint32_t max_insns;		/* code store left for the image; 0: JIT default */
	int last_err;
	double compile_us;		/* CPU time of the last bn_jit_compile() */
	double compile_wall_us;		/* its wall time */
};

int jit_analyze(struct jit_ctx *c, const struct bn_obj_prog *p);
/* The image must fit the NIC's code store above the load base. */
void jit_set_code_store(struct jit_ctx *c, const struct bn_sim_params *prm);
int jit_compile(struct jit_ctx *c, uint32_t disabled, bool lines, void **img,
		size_t *len, struct bn_jit_stats *st);
void jit_free_image(void *img);
void jit_free(struct jit_ctx *c);
/* ELF -> analyzed -> compiled image, printing rejections; returns exit code. */
int jit_object(const struct prog_args *a, struct bn_obj_prog *p, bool lines,
	       void **img, size_t *len);
/* Reason for a bn_jit_compile() error. */
const char *jit_err_str(int err);
/* Valid pass names, comma separated, for messages. */
const char *jit_pass_list(void);
const char *jit_pass_doc(unsigned int pass);

/* ---- eBPF disassembler (ebpf_disasm.c) ----------------------------------- */
const char *helper_name(int id);	/* NULL if not in our table */
/* One instruction (two slots for LD_IMM64); returns slots consumed. */
unsigned int ebpf_disasm(const struct bpf_insn *insns, uint32_t idx, uint32_t len,
			 char *const *map_names, uint32_t nmaps, char *buf, size_t buflen);

/* ---- maps (maps.c) ------------------------------------------------------- */
struct prog_maps {			/* what the program's maps are */
	const struct bn_image_map *defs;
	char *const *names;		/* full names (may be longer than 15) */
	void *const *init;		/* initial values or NULL */
	const size_t *init_sz;
	uint32_t n;
};

/* A map that stays in the host (PERF_EVENT_ARRAY, image.h): no device copy. */
bool map_in_host(const struct bn_image_map *d);

struct map_entries {			/* a map's contents, sorted by key */
	uint32_t key_size, value_size;
	uint32_t n;
	uint8_t *keys, *vals;
};

int preset_parse(const char *arg, struct map_preset *mp);
/* Index of the preset's map, or prints the error and returns -1. */
int preset_resolve(const struct map_preset *mp, const struct prog_maps *pm);
int presets_check(const struct map_preset *ps, uint32_t n, const struct prog_maps *pm);
int sim_maps_create(struct bn_sim *sim, const struct prog_maps *pm, uint32_t *ids);
int sim_maps_preset(struct bn_sim *sim, const struct prog_maps *pm, const uint32_t *ids,
		    const struct map_preset *ps, uint32_t nps);
int sim_map_collect(struct bn_sim *sim, uint32_t id, const struct bn_image_map *def,
		    struct map_entries *e);
int kernel_map_collect(int fd, const struct bn_image_map *def, struct map_entries *e);
void map_entries_free(struct map_entries *e);
/* Non-empty / non-zero entries, text or JSON (a "maps" object member). */
void maps_print(struct bn_sim *sim, const struct prog_maps *pm, const uint32_t *ids);
void prog_maps_from_obj(struct prog_maps *pm, const struct bn_obj_prog *p);

/* ---- host kernel reference (kref.c) -------------------------------------- */
struct kref {
	struct bpf_object *obj;
	int prog_fd;
	int null_fd;			/* kref_time_fresh()'s baseline, once loaded */
	enum bpf_prog_type type;
	int *map_fds;			/* per bn_obj_prog map */
	uint32_t nmaps;
};

/*
 * 0, or -errno with *skip set when the failure is environmental (no
 * permission, no bpf()), the reason in why.
 */
int kref_open(struct kref *k, const struct bn_obj_prog *p, bool *skip, char *why,
	      size_t whylen);
int kref_run(struct kref *k, const uint8_t *data, uint32_t len, uint8_t *out,
	     uint32_t *out_len, uint32_t *retval);
/* Mean ns per run of @repeat back-to-back test runs (the kernel's duration). */
int kref_time(struct kref *k, const uint8_t *data, uint32_t len, uint8_t *out,
	      uint32_t out_cap, uint32_t repeat, uint32_t *ns);
/* The same with the packet fresh for every run, from @runs single runs (kref.c). */
int kref_time_fresh(struct kref *k, const uint8_t *data, uint32_t len, uint8_t *out,
		    uint32_t out_cap, uint32_t repeat, uint32_t runs, double *ns);
bool kref_errno_is_env(int err);
void kref_close(struct kref *k);

/* ---- sim setup shared by run and diff (prog_run.c) ------------------------ */
struct run_prog {			/* a program ready for the sim */
	struct bn_obj_prog p;		/* from an ELF object (p.insns == NULL: image file) */
	void *img;
	size_t img_len;
	struct img_view v;
	struct prog_maps pm;
	struct bn_image_map *img_defs;	/* image file: its maps, host order */
	char **img_names;
	const char *name;
};

int run_prog_load(const struct prog_args *a, struct run_prog *rp, bool allow_image);
void run_prog_free(struct run_prog *rp);
int sim_setup(const struct prog_args *a, const struct run_prog *rp,
	      const struct bn_sim_ops *ops, struct bn_sim **sim, uint32_t *ids);
const char *action_str(unsigned int act);

/* ---- subcommands --------------------------------------------------------- */
int do_prog(int argc, char **argv);
int prog_show(int argc, char **argv);
int prog_jit(int argc, char **argv);
int prog_dump(int argc, char **argv);
int prog_run(int argc, char **argv);
int prog_diff(int argc, char **argv);
void prog_usage(FILE *f);

#endif /* BPFNIC_CLI_H */
