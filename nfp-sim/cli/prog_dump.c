// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic prog dump: microcode disassembly of an image, grouped by the eBPF
 * instruction each word came from when the image has a line table, with
 * relocations and the map table.  An ELF object is JITted here with the
 * line table on; an image file is validated before anything is printed.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "ucode.h"

struct dump_ctx {
	const struct img_view *v;
	const struct bn_obj_prog *p;	/* NULL when dumping an image file */
	int32_t *reloc_head, *reloc_next;	/* relocations per code word */
	uint8_t *printed;
};

static void reloc_desc(const struct dump_ctx *d, const struct bn_image_reloc *r,
		       char *buf, size_t len)
{
	uint32_t type = le16toh(r->type), arg = le32toh(r->arg);
	const char *h = helper_name(arg);
	char name[BN_MAP_NAME_LEN + 1];

	if (type == BN_RELOC_HELPER) {
		snprintf(buf, len, "HELPER %s#%u", h ? h : "helper", arg);
	} else if (type == BN_RELOC_MAP_ID) {
		img_map_name(&d->v->maps[arg], name);
		snprintf(buf, len, "MAP_ID maps[%u] %s", arg, name);
	} else {
		snprintf(buf, len, "%s", reloc_type_str(type));
	}
}

static void dump_word_relocs(const struct dump_ctx *d, uint32_t pc)
{
	char rel[64];

	if (d->reloc_head[pc] < 0)
		return;
	if (json_output) {
		jw_name(&json_wtr, "relocs");
		jw_start_array(&json_wtr);
	}
	for (int32_t r = d->reloc_head[pc]; r >= 0; r = d->reloc_next[r]) {
		reloc_desc(d, &d->v->relocs[r], rel, sizeof(rel));
		if (json_output)
			jw_string(&json_wtr, rel);
		else
			printf("   ; %s", rel);
	}
	if (json_output)
		jw_end_array(&json_wtr);
}

static void dump_word(struct dump_ctx *d, uint32_t pc)
{
	uint64_t w = le64toh(d->v->code[pc]);
	char as[160], hex[24];

	bn_disasm(w, pc, as, sizeof(as));
	d->printed[pc] = 1;
	if (json_output) {
		jw_start_object(&json_wtr);
		jw_uint_field(&json_wtr, "pc", pc);
		snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)w);
		jw_string_field(&json_wtr, "word", hex);
		jw_string_field(&json_wtr, "asm", as);
	} else {
		printf("    %04x: %016llx  %s", pc, (unsigned long long)w, as);
	}
	dump_word_relocs(d, pc);
	if (json_output)
		jw_end_object(&json_wtr);
	else
		putchar('\n');
}

/* A group: an eBPF instruction (or a label) and the words [start, end). */
static void dump_group(struct dump_ctx *d, int64_t insn, const char *text,
		       uint32_t start, uint32_t end)
{
	if (json_output) {
		jw_start_object(&json_wtr);
		if (insn >= 0)
			jw_int_field(&json_wtr, "insn", insn);
		jw_string_field(&json_wtr, insn >= 0 ? "ebpf" : "what", text);
		jw_name(&json_wtr, "ucode");
		jw_start_array(&json_wtr);
	} else if (insn >= 0) {
		printf("  %4lld: %s\n", (long long)insn, text);
	} else {
		printf("  ; %s\n", text);
	}
	for (uint32_t pc = start; pc < end && pc < d->v->code_len; pc++)
		if (!d->printed[pc])
			dump_word(d, pc);
	if (json_output) {
		jw_end_array(&json_wtr);
		jw_end_object(&json_wtr);
	}
}

/* eBPF text of line-table entry i; returns how many entries it spans. */
static uint32_t insn_text(const struct dump_ctx *d, uint32_t i, char *buf, size_t len)
{
	if (!d->p || d->p->len != d->v->nlines) {
		snprintf(buf, len, "eBPF insn %u", i);
		return 1;
	}
	return ebpf_disasm(d->p->insns, i, d->p->len, d->p->map_names, d->p->nmaps, buf, len);
}

static void dump_lines(struct dump_ctx *d)
{
	const struct img_view *v = d->v;
	char text[160];
	uint32_t i, n;

	if (le32toh(v->lines[0]) > 0)
		dump_group(d, -1, "prologue", 0, le32toh(v->lines[0]));
	for (i = 0; i < v->nlines; i += n) {
		uint32_t start = le32toh(v->lines[i]), end;

		n = insn_text(d, i, text, sizeof(text));
		end = i + n < v->nlines ? le32toh(v->lines[i + n]) : v->code_len;
		dump_group(d, i, text, start, end);
	}
	for (i = 0; i < v->code_len && d->printed[i]; i++)
		;
	if (i < v->code_len)
		dump_group(d, -1, "not attributed to an eBPF instruction", 0, v->code_len);
}

static void dump_code(struct dump_ctx *d)
{
	if (json_output) {
		jw_name(&json_wtr, "code");
		jw_start_array(&json_wtr);
	} else {
		printf("code:\n");
	}
	if (d->v->nlines && d->v->code_len)
		dump_lines(d);
	else
		dump_group(d, -1, d->v->nlines ? "code" : "code (no line table)", 0,
			   d->v->code_len);
	if (json_output)
		jw_end_array(&json_wtr);
}

static void dump_relocs(const struct dump_ctx *d)
{
	char desc[64];

	if (json_output) {
		jw_name(&json_wtr, "relocations");
		jw_start_array(&json_wtr);
	} else {
		printf("relocations: %u\n", d->v->nrelocs);
	}
	for (uint32_t i = 0; i < d->v->nrelocs; i++) {
		const struct bn_image_reloc *r = &d->v->relocs[i];

		reloc_desc(d, r, desc, sizeof(desc));
		if (!json_output) {
			printf("  %04x %s\n", le32toh(r->insn), desc);
			continue;
		}
		jw_start_object(&json_wtr);
		jw_uint_field(&json_wtr, "insn", le32toh(r->insn));
		jw_string_field(&json_wtr, "type", reloc_type_str(le16toh(r->type)));
		jw_uint_field(&json_wtr, "arg", le32toh(r->arg));
		jw_string_field(&json_wtr, "desc", desc);
		jw_end_object(&json_wtr);
	}
	if (json_output)
		jw_end_array(&json_wtr);
}

static void dump_map(const struct bn_image_map *m, uint32_t i)
{
	uint32_t type = le32toh(m->type);
	const char *ts = type == BPF_MAP_TYPE_ARRAY ? "array" : "hash";
	char name[BN_MAP_NAME_LEN + 1];

	img_map_name(m, name);
	if (!json_output) {
		printf("  %u: %-16s %-5s key %u value %u max_entries %u flags %#x\n", i, name, ts,
		       le32toh(m->key_size), le32toh(m->value_size), le32toh(m->max_entries),
		       le32toh(m->flags));
		return;
	}
	jw_start_object(&json_wtr);
	jw_uint_field(&json_wtr, "index", i);
	jw_string_field(&json_wtr, "name", name);
	jw_string_field(&json_wtr, "type", ts);
	jw_uint_field(&json_wtr, "key_size", le32toh(m->key_size));
	jw_uint_field(&json_wtr, "value_size", le32toh(m->value_size));
	jw_uint_field(&json_wtr, "max_entries", le32toh(m->max_entries));
	jw_uint_field(&json_wtr, "flags", le32toh(m->flags));
	jw_end_object(&json_wtr);
}

static void dump_maps(const struct dump_ctx *d)
{
	if (json_output) {
		jw_name(&json_wtr, "maps");
		jw_start_array(&json_wtr);
	} else {
		printf("maps: %u\n", d->v->nmaps);
	}
	for (uint32_t i = 0; i < d->v->nmaps; i++)
		dump_map(&d->v->maps[i], i);
	if (json_output)
		jw_end_array(&json_wtr);
}

static void dump_hdr(const struct dump_ctx *d, const char *file)
{
	const struct bn_image_hdr *h = d->v->hdr;
	const char *name = d->p ? d->p->name : NULL;

	if (!json_output) {
		printf("%s%s%s: %s, %u microcode insns, stack %u B, %u GPRs, %u xfer regs, flags %#x\n",
		       file, name ? " prog " : "", name ? name : "", prog_type_str(d->v->prog_type),
		       d->v->code_len, le16toh(h->stack_size), le16toh(h->gprs),
		       le16toh(h->xfers), le16toh(h->flags));
		return;
	}
	jw_string_field(&json_wtr, "file", file);
	if (name)
		jw_string_field(&json_wtr, "prog", name);
	jw_string_field(&json_wtr, "type", prog_type_str(d->v->prog_type));
	jw_uint_field(&json_wtr, "code_len", d->v->code_len);
	jw_uint_field(&json_wtr, "ebpf_insns", d->p ? d->p->len : d->v->nlines);
	jw_uint_field(&json_wtr, "stack_size", le16toh(h->stack_size));
	jw_uint_field(&json_wtr, "gprs", le16toh(h->gprs));
	jw_uint_field(&json_wtr, "xfers", le16toh(h->xfers));
	jw_uint_field(&json_wtr, "flags", le16toh(h->flags));
}

static void dump_image(const struct img_view *v, const struct bn_obj_prog *p, const char *file)
{
	struct dump_ctx d = { .v = v, .p = p };

	d.reloc_head = xcalloc(v->code_len, sizeof(int32_t));
	d.reloc_next = xcalloc(v->nrelocs, sizeof(int32_t));
	d.printed = xcalloc(v->code_len, 1);
	memset(d.reloc_head, 0xff, v->code_len * sizeof(int32_t));
	for (int32_t r = v->nrelocs - 1; r >= 0; r--) {
		uint32_t pc = le32toh(v->relocs[r].insn);

		d.reloc_next[r] = d.reloc_head[pc];
		d.reloc_head[pc] = r;
	}
	if (json_output)
		jw_start_object(&json_wtr);
	dump_hdr(&d, file);
	dump_code(&d);
	dump_relocs(&d);
	dump_maps(&d);
	if (json_output)
		jw_end_object(&json_wtr);
	free(d.reloc_head);
	free(d.reloc_next);
	free(d.printed);
}

static int dump_elf(const struct prog_args *a)
{
	struct bn_obj_prog p;
	struct img_view v;
	char err[256];
	void *img = NULL;
	size_t len;
	int ret;

	ret = jit_object(a, &p, true, &img, &len);
	if (!ret && img_parse(img, len, &v, err, sizeof(err))) {
		p_err("%s: prog %s: the JIT produced an invalid image: %s", a->file, p.name, err);
		ret = EXIT_FAIL;
	}
	if (!ret)
		dump_image(&v, &p, a->file);
	jit_free_image(img);
	elf_free_prog(&p);
	return ret;
}

static int dump_file(const struct prog_args *a)
{
	struct img_view v;
	char err[256];
	void *buf;
	size_t len;
	int ret = 0;

	if (read_file(a->file, &buf, &len))
		return EXIT_USAGE;
	if (file_is_image(buf, len)) {
		if (a->sec || a->disabled_passes)
			p_warn("%s: an image holds one JITted program: sec/--no-opt ignored", a->file);
		ret = img_parse(buf, len, &v, err, sizeof(err));
		if (ret)
			p_err("%s: invalid image: %s", a->file, err);
		else
			dump_image(&v, NULL, a->file);
		ret = ret ? EXIT_USAGE : 0;
	} else if (file_is_elf(buf, len)) {
		ret = dump_elf(a);
	} else {
		p_err("%s: neither a BPF ELF object nor a bpfnic image", a->file);
		ret = EXIT_USAGE;
	}
	free(buf);
	return ret;
}

int prog_dump(int argc, char **argv)
{
	struct prog_args a;
	int ret;

	ret = prog_args_parse(&a, "dump", OPTF_SEC | OPTF_NO_OPT | OPTF_VERBOSE | OPTF_CODE_STORE, argc, argv);
	if (!ret)
		ret = dump_file(&a);
	prog_args_free(&a);
	return ret;
}
