// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* Analyzer + JIT glue: environment, pristine metadata, rejections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "analyze.h"

static void *env_alloc(void *priv, size_t size)
{
	return calloc(1, size ? size : 1);
}

static void env_free(void *priv, void *ptr)
{
	free(ptr);
}

/* Library log lines: "bpfnic: FILE: prog NAME: insn N: reason". */
static void env_print(void *priv, const char *msg)
{
	struct jit_ctx *c = priv;

	if (!c->quiet)
		p_err("%s: prog %s: %s", c->p->file, c->p->name, msg);
}

static void jit_env(struct jit_ctx *c, struct bn_jit_env *env)
{
	env->alloc = env_alloc;
	env->free = env_free;
	env->print = env_print;
	env->priv = c;
}

int jit_analyze(struct jit_ctx *c, const struct bn_obj_prog *p)
{
	struct bn_jit_env env;
	int err;

	memset(c, 0, sizeof(*c));
	c->p = p;
	jit_env(c, &env);
	c->meta0 = xcalloc(p->len, sizeof(*c->meta0));
	c->meta = xcalloc(p->len, sizeof(*c->meta));
	c->subprogs = xcalloc(p->len, sizeof(*c->subprogs));
	err = bn_analyze(p->insns, p->len, p->prog_type, p->maps, p->nmaps, c->meta0,
			 c->subprogs, p->len, &c->nsubprogs, &env);
	if (err) {
		p_err("%s: prog %s: rejected by the analyzer (%s)", p->file, p->name,
		      strerror(-err));
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * The JIT checks only that each field fits; every word is decoded here, as
 * the device's loader would, after the timing.  A word that does not decode
 * is the JIT's bug: reported like its other internal errors, no image.
 */
static void check_image(struct jit_ctx *c, void **img, size_t *len)
{
	const char *why;
	uint32_t bad;

	if (!bn_jit_check_image(*img, *len, &bad, &why))
		return;
	p_err("%s: prog %s: internal error: microcode word %u: %s", c->p->file, c->p->name,
	      bad, why);
	free(*img);
	*img = NULL;
	*len = 0;
	c->last_err = -EFAULT;
}

int jit_compile(struct jit_ctx *c, uint32_t disabled, bool lines, void **img,
		size_t *len, struct bn_jit_stats *st)
{
	struct bn_jit_opts opts = {
		.sz = sizeof(opts),
		.disabled_passes = disabled,
		.line_table = lines,
		.code_store = c->max_insns,
	};
	const struct bn_obj_prog *p = c->p;
	struct bn_jit_in in = {
		.insns = p->insns, .len = p->len, .prog_type = p->prog_type,
		.meta = c->meta, .subprogs = c->subprogs, .nsubprogs = c->nsubprogs,
		.maps = p->maps, .nmaps = p->nmaps,
	};
	struct bn_jit_env env;
	double t0, c0;

	jit_env(c, &env);
	memcpy(c->meta, c->meta0, p->len * sizeof(*c->meta));
	*img = NULL;
	*len = 0;
	t0 = now_sec();
	c0 = cpu_sec();
	c->last_err = bn_jit_compile(&in, &opts, &env, img, len, st);
	c->compile_us = (cpu_sec() - c0) * 1e6;
	c->compile_wall_us = (now_sec() - t0) * 1e6;
	if (!c->last_err)
		check_image(c, img, len);
	return c->last_err;
}

void jit_free_image(void *img)
{
	free(img);
}

void jit_free(struct jit_ctx *c)
{
	free(c->meta0);
	free(c->meta);
	free(c->subprogs);
	memset(c, 0, sizeof(*c));
}

void jit_set_code_store(struct jit_ctx *c, const struct bn_sim_params *prm)
{
	c->max_insns = prm->code_store > BN_LOAD_BASE ? prm->code_store - BN_LOAD_BASE : 1;
}

const char *jit_err_str(int err)
{
	switch (err) {
	case -EOPNOTSUPP:	return "the device cannot run it";
	case -ENOSPC:		return "code store full";
	case -EINVAL:		return "malformed input";
	default:		return strerror(-err);
	}
}

int jit_object(const struct prog_args *a, struct bn_obj_prog *p, bool lines,
	       void **img, size_t *len)
{
	struct jit_ctx c;
	int ret;

	ret = elf_load_prog(a->file, a->sec, p);
	if (ret)
		return ret;
	if (!p->prog_type) {
		p_err("%s: prog %s: section '%s' is not an offloadable type (only xdp and tc)",
		      p->file, p->name, p->sec);
		return EXIT_FAIL;
	}
	ret = jit_analyze(&c, p);
	jit_set_code_store(&c, &a->params);
	if (!ret && jit_compile(&c, a->disabled_passes, lines, img, len, NULL)) {
		p_err("%s: prog %s: rejected by the JIT (%s)", p->file, p->name,
		      jit_err_str(c.last_err));
		ret = EXIT_FAIL;
	}
	jit_free(&c);
	return ret;
}

const char *jit_pass_list(void)
{
	static char buf[256];
	size_t n = 0;

	if (buf[0])
		return buf;
	for (unsigned int i = 0; i < BN_PASS__COUNT; i++) {
		const char *name = bn_jit_pass_name(i);

		n += snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s",
			      i ? ", " : "", name ? name : "?");
	}
	return buf;
}

const char *jit_pass_doc(unsigned int pass)
{
	static const char *const docs[] = {
#define PASS_DOC(name, doc) doc,
		BN_JIT_PASSES(PASS_DOC)
#undef PASS_DOC
	};

	return pass < BN_PASS__COUNT ? docs[pass] : "";
}
