// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * BPF ELF objects through libbpf, relocated without a kernel.
 *
 * Technique (libbpf 1.1): bpf_object__open_file(), then
 * bpf_object__gen_loader(obj, &opts) before bpf_object__load().  In
 * gen_loader mode libbpf records the syscalls a light skeleton would make
 * instead of making them (no bpf() call at all: kernel_supports() answers
 * yes without probing, so nothing is sanitised; maps and programs are only
 * "created" by the generated loader), yet it runs its relocation pipeline:
 * subprograms are appended (bpf_object__reloc_code) and every LD_IMM64 of a
 * map becomes src_reg BPF_PSEUDO_MAP_IDX (global data and .kconfig:
 * BPF_PSEUDO_MAP_IDX_VALUE, insn[1].imm = offset) with imm = libbpf's map
 * index (bpf_object__relocate_data).  Afterwards bpf_program__insns()
 * returns those final instructions.  We then renumber the map indices into
 * first-reference order, which is what the kernel's used_maps[] order is
 * and what bn_analyze()/bn_jit_compile() expect.
 *
 * The one thing gen_loader leaves undone is CO-RE: bpf_object__relocate_core()
 * only records the relocations for the kernel to apply at BPF_PROG_LOAD
 * (bpf_gen__record_relo_core), and libbpf 1.1 has no kernel-free way to apply
 * them.  Instructions keep clang's compile-time values, which is right when
 * the accessed types (for offloadable programs: the uapi xdp_md/__sk_buff)
 * match the running kernel's; we warn when a program has such relocations.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli.h"

bool libbpf_quiet;
FILE *libbpf_capture;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	FILE *f = libbpf_capture ? libbpf_capture : stderr;

	if (libbpf_quiet || level == LIBBPF_DEBUG || (level == LIBBPF_INFO && !verbose))
		return 0;
	fflush(stdout);
	fputs("bpfnic: ", f);
	return vfprintf(f, fmt, ap);
}

void libbpf_print_setup(void)
{
	libbpf_set_print(libbpf_print);
}

bool file_is_elf(const void *buf, size_t len)
{
	return len >= 4 && !memcmp(buf, "\177ELF", 4);
}

bool file_is_image(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	return len >= 4 && (b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24) == BN_IMAGE_MAGIC;
}

/* Opens @file as a BPF object; prints why not. */
struct bpf_object *elf_open(const char *file)
{
	struct bpf_object *obj;
	void *buf;
	size_t len;

	if (read_file(file, &buf, &len))
		return NULL;
	if (!file_is_elf(buf, len)) {
		p_err("%s: not an ELF object", file);
		free(buf);
		return NULL;
	}
	free(buf);
	obj = bpf_object__open_file(file, NULL);
	if (!obj) {
		char why[128];

		libbpf_strerror(errno, why, sizeof(why));
		p_err("%s: cannot open BPF object: %s", file, why);
	}
	return obj;
}

static void list_progs(struct bpf_object *obj, char *buf, size_t len)
{
	struct bpf_program *prog;
	size_t n = 0;

	buf[0] = '\0';
	bpf_object__for_each_program(prog, obj)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s (%s)", n ? ", " : "",
			      bpf_program__name(prog), bpf_program__section_name(prog));
}

/* By section name, else by function name; NULL sec: the first program. */
static struct bpf_program *find_prog(struct bpf_object *obj, const char *file,
				     const char *sec)
{
	struct bpf_program *prog;
	char list[512];

	bpf_object__for_each_program(prog, obj)
		if (!sec || !strcmp(bpf_program__section_name(prog), sec))
			return prog;
	bpf_object__for_each_program(prog, obj)
		if (!strcmp(bpf_program__name(prog), sec))
			return prog;
	list_progs(obj, list, sizeof(list));
	if (!sec)
		p_err("%s: no BPF programs in the object", file);
	else
		p_err("%s: no program or section named '%s' (programs: %s)", file, sec,
		      list[0] ? list : "none");
	return NULL;
}

static uint32_t bn_type_of(enum bpf_prog_type t)
{
	switch (t) {
	case BPF_PROG_TYPE_XDP:		return BN_PROG_XDP;
	case BPF_PROG_TYPE_SCHED_CLS:	return BN_PROG_TC;
	default:			return 0;
	}
}

/* Relocate @prog alone (others are not loaded) without touching the kernel. */
static int gen_load(struct bpf_object *obj, struct bpf_program *prog)
{
	LIBBPF_OPTS(gen_loader_opts, gen_opts);
	struct bpf_program *q;
	int err;

	bpf_object__for_each_program(q, obj)
		bpf_program__set_autoload(q, q == prog);
	err = bpf_object__gen_loader(obj, &gen_opts);
	if (!err)
		err = bpf_object__load(obj);
	return err;
}

static bool is_map_ldimm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (in->src_reg == BPF_PSEUDO_MAP_IDX || in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE);
}

/*
 * Rewrite map indices into first-reference order; order[new] = libbpf
 * index.  Returns the number of maps the program uses, or -EINVAL.
 */
static int renumber_maps(struct bpf_insn *insns, uint32_t len, uint32_t nobjmaps,
			 int *order, const char *file, const char *name)
{
	int *remap = xcalloc(nobjmaps, sizeof(int));
	int n = 0;

	for (uint32_t i = 0; i < nobjmaps; i++)
		remap[i] = -1;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t old = insns[i].imm;

		if (!is_map_ldimm64(&insns[i]))
			continue;
		if (i + 1 >= len || old >= nobjmaps) {
			p_err("%s: prog %s: insn %u: bad map reference after relocation", file, name, i);
			free(remap);
			return -EINVAL;
		}
		if (remap[old] < 0) {
			order[n] = old;
			remap[old] = n++;
		}
		insns[i++].imm = remap[old];
	}
	free(remap);
	return n;
}

static void fill_map(struct bn_obj_prog *p, uint32_t i, const struct bpf_map *m)
{
	struct bn_image_map *d = &p->maps[i];
	const void *init;
	size_t sz = 0;

	d->type = bpf_map__type(m);
	d->key_size = bpf_map__key_size(m);
	d->value_size = bpf_map__value_size(m);
	/* image.h: a PERF_EVENT_ARRAY is the host's to size */
	d->max_entries = d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY ? 0 : bpf_map__max_entries(m);
	d->flags = bpf_map__map_flags(m);
	strncpy(d->name, bpf_map__name(m), BN_MAP_NAME_LEN - 1);
	p->map_names[i] = xstrdup(bpf_map__name(m));
	init = bpf_map__initial_value((struct bpf_map *)m, &sz);
	if (init && sz) {
		p->map_init[i] = xzalloc(sz);
		memcpy(p->map_init[i], init, sz);
		p->map_init_sz[i] = sz;
	}
}

static int collect_maps(struct bn_obj_prog *p, struct bpf_object *obj)
{
	struct bpf_map *m, **objmaps;
	uint32_t nobj = 0;
	int *order, n;

	bpf_object__for_each_map(m, obj)
		nobj++;
	objmaps = xcalloc(nobj, sizeof(*objmaps));
	order = xcalloc(nobj, sizeof(*order));
	nobj = 0;
	bpf_object__for_each_map(m, obj)
		objmaps[nobj++] = m;
	n = renumber_maps(p->insns, p->len, nobj, order, p->file, p->name);
	if (n >= 0) {
		p->nmaps = n;
		p->maps = xcalloc(n, sizeof(*p->maps));
		p->map_names = xcalloc(n, sizeof(char *));
		p->map_init = xcalloc(n, sizeof(void *));
		p->map_init_sz = xcalloc(n, sizeof(size_t));
		for (int i = 0; i < n; i++)
			fill_map(p, i, objmaps[order[i]]);
	}
	free(order);
	free(objmaps);
	return n < 0 ? n : 0;
}

/* The fixed part of struct btf_ext_header (the .BTF.ext ABI). */
struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len, line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};

/* CO-RE relocation records in .BTF.ext for ELF sections @sec and .text. */
static uint32_t core_relos_in(const struct btf *btf, const uint8_t *p, const uint8_t *end,
			      const char *sec)
{
	uint32_t rec, n = 0;

	if (end - p < 4)
		return 0;
	memcpy(&rec, p, 4);
	for (p += 4; end - p >= 8;) {
		uint32_t info[2];	/* sec_name_off, num_info */
		const char *name;

		memcpy(info, p, 8);
		name = btf__name_by_offset(btf, info[0]);
		if (name && (!strcmp(name, sec) || !strcmp(name, ".text")))
			n += info[1];
		if (!rec || info[1] > (uint64_t)(end - p - 8) / rec)
			break;
		p += 8 + (size_t)info[1] * rec;
	}
	return n;
}

/* Copy of ELF section @name (libelf); NULL if absent. */
static void *elf_section(const char *file, const char *name, size_t *size)
{
	int fd = open(file, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	void *copy = NULL;
	size_t shstrndx;

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE)
		goto out;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && !elf_getshdrstrndx(elf, &shstrndx)) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *n;
			Elf_Data *d;

			if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstrndx, sh.sh_name)) ||
			    strcmp(n, name) || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
				continue;
			copy = xzalloc(d->d_size);
			memcpy(copy, d->d_buf, d->d_size);
			*size = d->d_size;
			break;
		}
	}
	elf_end(elf);
out:
	if (fd >= 0)
		close(fd);
	return copy;
}

static uint32_t core_relo_count(const char *file, const char *sec)
{
	struct btf_ext_hdr h = { 0 };
	struct btf *btf = NULL;
	size_t size = 0;
	uint8_t *raw = elf_section(file, ".BTF.ext", &size);
	uint32_t n = 0;

	if (!raw || size < sizeof(h))
		goto out;
	memcpy(&h, raw, sizeof(h));
	if (h.hdr_len < sizeof(h) || !h.core_relo_len ||
	    (uint64_t)h.hdr_len + h.core_relo_off + h.core_relo_len > size)
		goto out;
	libbpf_quiet = true;
	btf = btf__parse_elf(file, NULL);
	libbpf_quiet = false;
	if (btf)
		n = core_relos_in(btf, raw + h.hdr_len + h.core_relo_off,
				  raw + h.hdr_len + h.core_relo_off + h.core_relo_len, sec);
out:
	btf__free(btf);
	free(raw);
	return n;
}

static int copy_prog(struct bn_obj_prog *p, struct bpf_object *obj,
		     const struct bpf_program *prog)
{
	const struct bpf_insn *insns = bpf_program__insns(prog);
	uint32_t n;

	p->name = xstrdup(bpf_program__name(prog));
	p->sec = xstrdup(bpf_program__section_name(prog));
	p->bpf_type = bpf_program__type(prog);
	p->prog_type = bn_type_of(p->bpf_type);
	p->len = bpf_program__insn_cnt(prog);
	if (!insns || !p->len) {
		p_err("%s: prog %s: no instructions after relocation", p->file, p->name);
		return -EINVAL;
	}
	n = core_relo_count(p->file, p->sec);
	if (n)
		p_warn("%s: prog %s: %u CO-RE relocations left as compiled (relocating without a kernel)",
		       p->file, p->name, n);
	p->insns = xcalloc(p->len, sizeof(*p->insns));
	memcpy(p->insns, insns, p->len * sizeof(*p->insns));
	return collect_maps(p, obj);
}

int elf_load_prog(const char *file, const char *sec, struct bn_obj_prog *p)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err;

	memset(p, 0, sizeof(*p));
	p->file = file;
	obj = elf_open(file);
	if (!obj)
		return EXIT_USAGE;
	prog = find_prog(obj, file, sec);
	if (!prog) {
		bpf_object__close(obj);
		return EXIT_USAGE;
	}
	err = gen_load(obj, prog);
	if (err) {
		char why[128];

		libbpf_strerror(err, why, sizeof(why));
		p_err("%s: prog %s: libbpf could not relocate it: %s", file,
		      bpf_program__name(prog), why);
	}
	else
		err = copy_prog(p, obj, prog);
	bpf_object__close(obj);
	if (err)
		elf_free_prog(p);
	return err ? EXIT_USAGE : 0;
}

/* Instructions of @prog after relocation (subprograms appended), or -errno. */
int elf_relocated_insn_cnt(const char *file, const char *prog_name)
{
	struct bpf_object *obj = bpf_object__open_file(file, NULL);
	struct bpf_program *prog;
	int ret = -ENOENT;

	if (!obj)
		return -errno;
	prog = bpf_object__find_program_by_name(obj, prog_name);
	if (prog) {
		ret = gen_load(obj, prog);
		if (!ret)
			ret = bpf_program__insn_cnt(prog);
	}
	bpf_object__close(obj);
	return ret;
}

void elf_free_prog(struct bn_obj_prog *p)
{
	for (uint32_t i = 0; i < p->nmaps; i++) {
		free(p->map_names ? p->map_names[i] : NULL);
		free(p->map_init ? p->map_init[i] : NULL);
	}
	free(p->map_names);
	free(p->map_init);
	free(p->map_init_sz);
	free(p->maps);
	free(p->insns);
	free(p->name);
	free(p->sec);
	memset(p, 0, sizeof(*p));
}
