// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* bpfnic prog show: the programs and maps of a BPF ELF object. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cli.h"

static const char *offload_type(enum bpf_prog_type t)
{
	return t == BPF_PROG_TYPE_XDP ? "xdp" : t == BPF_PROG_TYPE_SCHED_CLS ? "tc" : NULL;
}

static void show_prog(const char *file, const struct bpf_program *prog)
{
	const char *type = libbpf_bpf_prog_type_str(bpf_program__type(prog));
	const char *off = offload_type(bpf_program__type(prog));
	int n;

	libbpf_quiet = true;
	n = elf_relocated_insn_cnt(file, bpf_program__name(prog));
	libbpf_quiet = false;
	if (n < 0)	/* could not relocate: report the section's own count */
		n = bpf_program__insn_cnt(prog);
	if (!json_output) {
		printf("  %-20s section %-16s type %-10s %5d insns%s\n", bpf_program__name(prog),
		       bpf_program__section_name(prog), type ? type : "?", n,
		       off ? "" : "  (not offloadable)");
		return;
	}
	jw_start_object(&json_wtr);
	jw_string_field(&json_wtr, "name", bpf_program__name(prog));
	jw_string_field(&json_wtr, "section", bpf_program__section_name(prog));
	jw_string_field(&json_wtr, "type", type ? type : "unknown");
	jw_uint_field(&json_wtr, "insns", n);
	jw_name(&json_wtr, "offload");
	if (off)
		jw_string(&json_wtr, off);
	else
		jw_null(&json_wtr);
	jw_end_object(&json_wtr);
}

static void show_map(const struct bpf_map *m)
{
	const char *type = libbpf_bpf_map_type_str(bpf_map__type(m));

	if (!json_output) {
		printf("  %-20s type %-10s key %-4u value %-5u max_entries %-7u flags %#x\n",
		       bpf_map__name(m), type ? type : "?", bpf_map__key_size(m),
		       bpf_map__value_size(m), bpf_map__max_entries(m), bpf_map__map_flags(m));
		return;
	}
	jw_start_object(&json_wtr);
	jw_string_field(&json_wtr, "name", bpf_map__name(m));
	jw_string_field(&json_wtr, "type", type ? type : "unknown");
	jw_uint_field(&json_wtr, "key_size", bpf_map__key_size(m));
	jw_uint_field(&json_wtr, "value_size", bpf_map__value_size(m));
	jw_uint_field(&json_wtr, "max_entries", bpf_map__max_entries(m));
	jw_uint_field(&json_wtr, "flags", bpf_map__map_flags(m));
	jw_end_object(&json_wtr);
}

static void show_object(const char *file, struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_map *m;

	if (json_output) {
		jw_start_object(&json_wtr);
		jw_string_field(&json_wtr, "file", file);
		jw_name(&json_wtr, "programs");
		jw_start_array(&json_wtr);
	} else {
		printf("%s\nprograms:\n", file);
	}
	bpf_object__for_each_program(prog, obj)
		show_prog(file, prog);
	if (json_output) {
		jw_end_array(&json_wtr);
		jw_name(&json_wtr, "maps");
		jw_start_array(&json_wtr);
	} else {
		printf("maps:\n");
	}
	bpf_object__for_each_map(m, obj)
		show_map(m);
	if (json_output) {
		jw_end_array(&json_wtr);
		jw_end_object(&json_wtr);
	}
}

int prog_show(int argc, char **argv)
{
	struct bpf_object *obj;
	struct prog_args a;
	int ret;

	ret = prog_args_parse(&a, "show", OPTF_VERBOSE, argc, argv);
	if (!ret) {
		obj = elf_open(a.file);
		if (obj)
			show_object(a.file, obj);
		else
			ret = EXIT_USAGE;
		bpf_object__close(obj);
	}
	prog_args_free(&a);
	return ret;
}
