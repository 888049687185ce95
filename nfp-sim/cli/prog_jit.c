// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic prog jit: analyse and JIT one program, report sizes, the JIT's
 * compile time and what each optimisation pass saves: the program is JITted
 * again with that pass alone disabled (on top of --no-opt); saving = ucode
 * insns without it - with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define JIT_TIME_RUNS	20	/* timed bn_jit_compile() calls; jit_us is their median */

struct pass_result {
	bool off;		/* disabled by --no-opt already */
	int err;		/* compiling without it failed */
	uint32_t without;	/* ucode insns without the pass */
};

struct jit_report {
	const struct bn_obj_prog *p;
	struct bn_jit_stats st;
	size_t img_len;
	double jit_us;		/* median CPU time of one bn_jit_compile() */
	double jit_wall_us;	/* median wall time */
	struct pass_result pass[BN_PASS__COUNT];
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return (v[(n - 1) / 2] + v[n / 2]) / 2;
}

/*
 * JIT_TIME_RUNS more compiles with the same options, after the first (which
 * warmed the caches); only the bn_jit_compile() call is timed, not the
 * analyzer nor the metadata copy.  The medians, in microseconds, of the CPU
 * time (the JIT's cost whatever else the machine runs; on a quiet machine
 * the wall time) and of the wall time.
 */
static void measure_time(struct jit_ctx *c, uint32_t disabled, struct jit_report *r)
{
	double us[JIT_TIME_RUNS], wall[JIT_TIME_RUNS];
	void *img;
	size_t len;

	c->quiet = true;
	for (unsigned int i = 0; i < JIT_TIME_RUNS; i++) {
		jit_compile(c, disabled, false, &img, &len, NULL);
		us[i] = c->compile_us;
		wall[i] = c->compile_wall_us;
		jit_free_image(img);
	}
	c->quiet = false;
	r->jit_us = median(us, JIT_TIME_RUNS);
	r->jit_wall_us = median(wall, JIT_TIME_RUNS);
}

static void measure_passes(struct jit_ctx *c, uint32_t disabled, struct jit_report *r)
{
	struct bn_jit_stats st;
	void *img;
	size_t len;

	c->quiet = true;
	for (unsigned int i = 0; i < BN_PASS__COUNT; i++) {
		struct pass_result *pr = &r->pass[i];

		pr->off = disabled & (1u << i);
		if (pr->off)
			continue;
		memset(&st, 0, sizeof(st));
		pr->err = jit_compile(c, disabled | 1u << i, false, &img, &len, &st);
		pr->without = st.ucode_insns;
		jit_free_image(img);
	}
	c->quiet = false;
}

static void report_pass_json(const struct jit_report *r, unsigned int i)
{
	const struct pass_result *pr = &r->pass[i];

	jw_start_object(&json_wtr);
	jw_string_field(&json_wtr, "name", bn_jit_pass_name(i));
	jw_bool_field(&json_wtr, "enabled", !pr->off);
	if (!pr->off && !pr->err) {
		jw_uint_field(&json_wtr, "ucode_insns_without", pr->without);
		jw_int_field(&json_wtr, "saving", (int64_t)pr->without - r->st.ucode_insns);
	} else if (pr->err) {
		jw_string_field(&json_wtr, "error", jit_err_str(pr->err));
	}
	jw_end_object(&json_wtr);
}

static void report_json(const struct jit_report *r, const char *out)
{
	jw_start_object(&json_wtr);
	jw_string_field(&json_wtr, "file", r->p->file);
	jw_string_field(&json_wtr, "prog", r->p->name);
	jw_string_field(&json_wtr, "section", r->p->sec);
	jw_string_field(&json_wtr, "type", prog_type_str(r->p->prog_type));
	jw_uint_field(&json_wtr, "ebpf_insns", r->st.ebpf_insns);
	jw_uint_field(&json_wtr, "ucode_insns", r->st.ucode_insns);
	jw_float_field(&json_wtr, "ratio", r->st.ebpf_insns ?
		       (double)r->st.ucode_insns / r->st.ebpf_insns : 0);
	jw_uint_field(&json_wtr, "image_bytes", r->img_len);
	jw_float_field(&json_wtr, "jit_us", r->jit_us);
	jw_float_field(&json_wtr, "jit_wall_us", r->jit_wall_us);
	jw_uint_field(&json_wtr, "jit_runs", JIT_TIME_RUNS);
	if (out)
		jw_string_field(&json_wtr, "image", out);
	jw_name(&json_wtr, "passes");
	jw_start_array(&json_wtr);
	for (unsigned int i = 0; i < BN_PASS__COUNT; i++)
		report_pass_json(r, i);
	jw_end_array(&json_wtr);
	jw_end_object(&json_wtr);
}

static void report_pass_text(const struct jit_report *r, unsigned int i)
{
	const struct pass_result *pr = &r->pass[i];

	printf("  %-13s ", bn_jit_pass_name(i));
	if (pr->off)
		printf("%8s", "off");
	else if (pr->err)
		printf("%8s", "error");
	else
		printf("%8lld", (long long)pr->without - r->st.ucode_insns);
	printf("   %s%s%s\n", jit_pass_doc(i), pr->err ? ": without it, " : "",
	       pr->err ? jit_err_str(pr->err) : "");
}

static void report_text(const struct jit_report *r, const char *out)
{
	printf("%s prog %s (section %s, %s)\n", r->p->file, r->p->name, r->p->sec,
	       prog_type_str(r->p->prog_type));
	printf("  eBPF insns      %u\n", r->st.ebpf_insns);
	printf("  microcode insns %u\n", r->st.ucode_insns);
	printf("  ratio           %.2f microcode/eBPF\n", r->st.ebpf_insns ?
	       (double)r->st.ucode_insns / r->st.ebpf_insns : 0.0);
	printf("  JIT time        %.1f us CPU, %.1f us wall (medians of %u bn_jit_compile() calls)\n",
	       r->jit_us, r->jit_wall_us, JIT_TIME_RUNS);
	printf("pass savings (microcode insns saved, measured by disabling each pass alone):\n");
	for (unsigned int i = 0; i < BN_PASS__COUNT; i++)
		report_pass_text(r, i);
	if (out)
		printf("image written to %s (%zu bytes)\n", out, r->img_len);
}

static int jit_run(const struct prog_args *a, struct bn_obj_prog *p, struct jit_ctx *c)
{
	struct jit_report r = { .p = p };
	void *img = NULL;
	int ret;

	ret = jit_compile(c, a->disabled_passes, false, &img, &r.img_len, &r.st);
	if (ret) {
		p_err("%s: prog %s: rejected by the JIT (%s)", p->file, p->name, jit_err_str(ret));
		return EXIT_FAIL;
	}
	if (a->out && write_file(a->out, img, r.img_len)) {
		jit_free_image(img);
		return EXIT_FAIL;
	}
	jit_free_image(img);
	measure_time(c, a->disabled_passes, &r);
	measure_passes(c, a->disabled_passes, &r);
	if (json_output)
		report_json(&r, a->out);
	else
		report_text(&r, a->out);
	return 0;
}

int prog_jit(int argc, char **argv)
{
	struct bn_obj_prog p = { 0 };
	struct prog_args a;
	struct jit_ctx c;
	int ret;

	ret = prog_args_parse(&a, "jit", OPTF_SEC | OPTF_OUT | OPTF_NO_OPT | OPTF_VERBOSE |
			      OPTF_CODE_STORE,
			      argc, argv);
	ret = ret ? : elf_load_prog(a.file, a.sec, &p);
	if (!ret && !p.prog_type) {
		p_err("%s: prog %s: section '%s' is not an offloadable type (only xdp and tc)",
		      p.file, p.name, p.sec);
		ret = EXIT_FAIL;
	}
	if (!ret) {
		ret = jit_analyze(&c, &p);
		jit_set_code_store(&c, &a.params);
		ret = ret ? : jit_run(&a, &p, &c);
		jit_free(&c);
	}
	elf_free_prog(&p);
	prog_args_free(&a);
	return ret;
}
