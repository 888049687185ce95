// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic: load, analyse, JIT and run eBPF programs on the simulated NIC.
 * Command shape follows bpftool: bpfnic [OPTIONS] OBJECT VERB ARGS.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

bool json_output;
bool pretty_output;
bool verbose;
struct jw json_wtr;

void p_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bpfnic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bpfnic: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfnic [--json|-j] [--pretty|-p] [--verbose|-v] OBJECT COMMAND ...\n"
		"       bpfnic help\n"
		"       bpfnic version\n"
		"OBJECT := { prog }\n\n");
	prog_usage(f);
}

/*
 * Dispatch argv[0] through @cmds: exact match, else a unique prefix (as
 * bpftool allows "bpfnic p s").
 */
int cmd_select(const struct cmd *cmds, const char *what, int argc, char **argv)
{
	const struct cmd *hit = NULL;
	size_t n = strlen(argv[0]);

	for (const struct cmd *c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[0]))
			return c->fn(argc - 1, argv + 1);
		if (!strncmp(c->name, argv[0], n)) {
			if (hit) {
				p_err("%s%s'%s' is ambiguous", what ? what : "", what ? ": " : "",
				      argv[0]);
				return EXIT_USAGE;
			}
			hit = c;
		}
	}
	if (hit)
		return hit->fn(argc - 1, argv + 1);
	if (what)
		p_err("%s: unknown command '%s' (try 'bpfnic help')", what, argv[0]);
	else
		p_err("unknown object '%s' (try 'bpfnic help')", argv[0]);
	return EXIT_USAGE;
}

static int do_help(int argc, char **argv)
{
	usage(stdout);
	return EXIT_OK;
}

static int do_version(int argc, char **argv)
{
	if (json_output) {
		jw_start_object(&json_wtr);
		jw_string_field(&json_wtr, "version", "0.1");
		jw_uint_field(&json_wtr, "image_version", BN_IMAGE_VERSION);
		jw_end_object(&json_wtr);
		return EXIT_OK;
	}
	printf("bpfnic 0.1 (image format v%u)\n", BN_IMAGE_VERSION);
	return EXIT_OK;
}

static const struct cmd top_cmds[] = {
	{ "prog",	do_prog },
	{ "help",	do_help },
	{ "version",	do_version },
	{ NULL,		NULL },
};

/* Global flags may come before the object; returns how many were eaten. */
static int global_flags(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json_output = true;
		else if (!strcmp(argv[i], "--pretty") || !strcmp(argv[i], "-p"))
			json_output = pretty_output = true;
		else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
			verbose = true;
		else
			break;
	}
	return i;
}

/*
 * --json/--pretty are accepted anywhere (bpftool takes them anywhere too);
 * strip them so the verbs see only their own arguments.
 */
static int strip_json_flags(int argc, char **argv)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json_output = true;
			continue;
		}
		if (!strcmp(argv[i], "--pretty") || !strcmp(argv[i], "-p")) {
			json_output = pretty_output = true;
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	int skip, ret;

	argc = strip_json_flags(argc - 1, ++argv);
	skip = global_flags(argc, argv);
	argc -= skip;
	argv += skip;
	if (argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")))
		return do_help(0, NULL);
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	libbpf_print_setup();
	if (json_output)
		jw_init(&json_wtr, stdout, pretty_output);
	ret = cmd_select(top_cmds, NULL, argc, argv);
	if (json_output && !json_wtr.first[0])
		jw_finish(&json_wtr);
	return ret;
}
