// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Arguments of the prog verbs: FILE, the bpftool-style "sec NAME" keyword
 * and --options (both "--opt VALUE" and "--opt=VALUE").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

enum opt_id {
	O_SEC, O_OUT, O_NO_OPT, O_PCAP, O_OUT_TX, O_OUT_PASS, O_MAP, O_ISLANDS,
	O_FPCS, O_THREADS, O_MHZ, O_SEED, O_HOST_THREADS, O_VERBOSE, O_REPEAT, O_TIME,
	O_CODE_STORE, O_INTERPRET, O_SCHED_WINDOW,
};

struct opt_def {
	const char *name;
	enum opt_id id;
	unsigned int flag;	/* OPTF_* the verb must allow */
	bool has_arg;
};

static const struct opt_def opt_defs[] = {
	{ "--sec",		O_SEC,		OPTF_SEC,	true },
	{ "--out",		O_OUT,		OPTF_OUT,	true },
	{ "--no-opt",		O_NO_OPT,	OPTF_NO_OPT,	true },
	{ "--pcap",		O_PCAP,		OPTF_PCAP,	true },
	{ "--out-tx",		O_OUT_TX,	OPTF_OUT_PKT,	true },
	{ "--out-pass",		O_OUT_PASS,	OPTF_OUT_PKT,	true },
	{ "--map",		O_MAP,		OPTF_MAP,	true },
	{ "--islands",		O_ISLANDS,	OPTF_SIM,	true },
	{ "--fpcs",		O_FPCS,		OPTF_SIM,	true },
	{ "--threads",		O_THREADS,	OPTF_SIM,	true },
	{ "--mhz",		O_MHZ,		OPTF_SIM,	true },
	{ "--seed",		O_SEED,		OPTF_SIM,	true },
	{ "--host-threads",	O_HOST_THREADS,	OPTF_SIM,	true },
	{ "--repeat",		O_REPEAT,	OPTF_REPEAT,	true },
	{ "--time",		O_TIME,		OPTF_TIME,	true },
	{ "--code-store",	O_CODE_STORE,	OPTF_CODE_STORE, true },
	{ "--interpret",	O_INTERPRET,	OPTF_SIM,	false },
	{ "--sched-window",	O_SCHED_WINDOW,	OPTF_SIM,	true },
	{ "--verbose",		O_VERBOSE,	OPTF_VERBOSE,	false },
	{ "-v",			O_VERBOSE,	OPTF_VERBOSE,	false },
};

/* "--opt=value" or "--opt": the definition, and the inline value if any. */
static const struct opt_def *opt_find(const char *arg, const char **inline_val)
{
	for (size_t i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++) {
		size_t n = strlen(opt_defs[i].name);

		if (strncmp(arg, opt_defs[i].name, n))
			continue;
		if (arg[n] == '\0') {
			*inline_val = NULL;
			return &opt_defs[i];
		}
		if (arg[n] == '=' && opt_defs[i].has_arg) {
			*inline_val = arg + n + 1;
			return &opt_defs[i];
		}
	}
	return NULL;
}

static int parse_passes(const char *list, uint32_t *mask)
{
	char *copy = xstrdup(list), *save = NULL;
	int ret = 0;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int p = bn_jit_pass_by_name(t);

		if (!strcmp(t, "all")) {
			*mask |= (1u << BN_PASS__COUNT) - 1;
			continue;
		}
		if (p < 0) {
			p_err("--no-opt: unknown pass '%s' (valid: %s, all)", t, jit_pass_list());
			ret = EXIT_USAGE;
			break;
		}
		*mask |= 1u << p;
	}
	if (!ret && !*mask) {
		p_err("--no-opt: empty pass list (valid: %s, all)", jit_pass_list());
		ret = EXIT_USAGE;
	}
	free(copy);
	return ret;
}

static int parse_u32_opt(const char *name, const char *val, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(val, &v)) {
		p_err("%s: '%s' is not a number", name, val);
		return EXIT_USAGE;
	}
	if (v > UINT32_MAX) {
		p_err("%s: %s is out of range", name, val);
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

/* A count that must be at least 1 (--repeat, --time). */
static int parse_count_opt(const char *name, const char *val, uint32_t *out)
{
	int ret = parse_u32_opt(name, val, out);

	if (!ret && !*out) {
		p_err("%s: must be at least 1", name);
		ret = EXIT_USAGE;
	}
	return ret;
}

static int add_preset(struct prog_args *a, const char *arg)
{
	struct map_preset *mp;

	a->presets = realloc(a->presets, (a->npresets + 1) * sizeof(*a->presets));
	if (!a->presets) {
		p_err("out of memory");
		exit(EXIT_FAIL);
	}
	mp = &a->presets[a->npresets];
	memset(mp, 0, sizeof(*mp));
	a->npresets++;		/* even if malformed: prog_args_free() frees it */
	return preset_parse(arg, mp) ? EXIT_USAGE : 0;
}

static int set_sim_opt(struct prog_args *a, const struct opt_def *d, const char *val)
{
	struct bn_sim_params *p = &a->params;
	uint64_t v;

	switch (d->id) {
	case O_ISLANDS:		return parse_u32_opt(d->name, val, &p->islands);
	case O_FPCS:		return parse_u32_opt(d->name, val, &p->fpcs);
	case O_THREADS:		return parse_u32_opt(d->name, val, &p->threads);
	case O_MHZ:		return parse_u32_opt(d->name, val, &p->mhz);
	case O_HOST_THREADS:	return parse_u32_opt(d->name, val, &p->host_threads);
	case O_CODE_STORE:	return parse_u32_opt(d->name, val, &p->code_store);
	case O_INTERPRET:	p->interpret = 1; return 0;
	case O_SCHED_WINDOW:	return parse_u32_opt(d->name, val, &p->sched_window);
	default:
		break;
	}
	if (!parse_u64(val, &v)) {
		p_err("%s: '%s' is not a number", d->name, val);
		return EXIT_USAGE;
	}
	p->seed = v;
	return 0;
}

static int set_opt(struct prog_args *a, const struct opt_def *d, const char *val)
{
	switch (d->id) {
	case O_SEC:		a->sec = val; return 0;
	case O_OUT:		a->out = val; return 0;
	case O_NO_OPT:		return parse_passes(val, &a->disabled_passes);
	case O_PCAP:		a->pcap = val; return 0;
	case O_OUT_TX:		a->out_tx = val; return 0;
	case O_OUT_PASS:	a->out_pass = val; return 0;
	case O_MAP:		return add_preset(a, val);
	case O_REPEAT:		return parse_count_opt(d->name, val, &a->repeat);
	case O_TIME:		return parse_count_opt(d->name, val, &a->time_repeat);
	case O_VERBOSE:		verbose = true; return 0;
	default:		return set_sim_opt(a, d, val);
	}
}

/* One --option at argv[*i]; advances *i past its value. */
static int parse_opt(struct prog_args *a, unsigned int allowed, int argc, char **argv, int *i)
{
	const char *val;
	const struct opt_def *d = opt_find(argv[*i], &val);

	if (!d || !(d->flag & allowed)) {
		p_err("prog %s: unknown option '%s' (try 'bpfnic help')", a->verb, argv[*i]);
		return EXIT_USAGE;
	}
	if (d->has_arg && !val) {
		if (*i + 1 >= argc) {
			p_err("prog %s: %s needs an argument", a->verb, d->name);
			return EXIT_USAGE;
		}
		val = argv[++*i];
	}
	return set_opt(a, d, val);
}

/* A positional word: FILE, "sec NAME", or another --map spec. */
static int parse_word(struct prog_args *a, unsigned int allowed, int argc, char **argv,
		      int *i, bool after_map)
{
	if (!a->file) {
		a->file = argv[*i];
		return 0;
	}
	if (!strcmp(argv[*i], "sec") && (allowed & OPTF_SEC)) {
		if (*i + 1 >= argc) {
			p_err("prog %s: sec needs a section or program name", a->verb);
			return EXIT_USAGE;
		}
		a->sec = argv[++*i];
		return 0;
	}
	if (after_map)
		return add_preset(a, argv[*i]);
	p_err("prog %s: unexpected argument '%s'", a->verb, argv[*i]);
	return EXIT_USAGE;
}

int prog_args_parse(struct prog_args *a, const char *verb, unsigned int allowed,
		    int argc, char **argv)
{
	bool after_map = false;
	int err = 0;

	memset(a, 0, sizeof(*a));
	a->verb = verb;
	a->repeat = 1;
	bn_sim_params_default(&a->params);
	for (int i = 0; i < argc && !err; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			after_map = !strcmp(argv[i], "--map") || !strncmp(argv[i], "--map=", 6);
			err = parse_opt(a, allowed, argc, argv, &i);
		} else {
			err = parse_word(a, allowed, argc, argv, &i, after_map);
		}
	}
	if (!err && !a->file) {
		p_err("prog %s: missing FILE (try 'bpfnic help')", verb);
		err = EXIT_USAGE;
	}
	if (!err && (allowed & OPTF_PCAP) && !a->pcap) {
		p_err("prog %s: --pcap FILE is required", verb);
		err = EXIT_USAGE;
	}
	return err;
}

void prog_args_free(struct prog_args *a)
{
	for (uint32_t i = 0; i < a->npresets; i++) {
		free(a->presets[i].name);
		free(a->presets[i].key);
		free(a->presets[i].val);
	}
	free(a->presets);
	a->presets = NULL;
	a->npresets = 0;
}
