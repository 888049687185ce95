// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* bpfnic prog: verb dispatch and help. */
#include <stdio.h>
#include "cli.h"

void prog_usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfnic prog show FILE.o\n"
		"       bpfnic prog jit  FILE.o [sec NAME] [--out IMG] [--no-opt PASS,...]\n"
		"       bpfnic prog dump {FILE.o [sec NAME] [--no-opt PASS,...] | IMG}\n"
		"       bpfnic prog run  {FILE.o [sec NAME] [--no-opt PASS,...] | IMG} --pcap IN\n"
		"                        [--out-tx OUT] [--out-pass OUT] [--map MAPSPEC ...]\n"
		"                        [--islands N] [--fpcs N] [--threads N] [--mhz N]\n"
		"                        [--seed N] [--host-threads N] [--sched-window N]\n"
		"                        [--interpret] [--repeat N] [--verbose]\n"
		"       bpfnic prog diff FILE.o [sec NAME] [--no-opt PASS,...] --pcap IN\n"
		"                        [--map MAPSPEC ...] [--time N] [--verbose]\n"
		"       bpfnic prog help\n"
		"\n"
		"       MAPSPEC := NAME:KEYHEX=VALHEX\n"
		"                  hex bytes in memory order, e.g. cnt:01000000=ff00000000000000\n"
		"       PASS    := { %s | all }\n"
		"       --code-store N: the NIC's code store in instructions (default 8192)\n"
		"       sec NAME: ELF section or program (function) name; default: the first program\n"
		"       --json|-j, --pretty|-p: JSON output; accepted in any position\n"
		"       exit status: 0 ok, 1 rejected/failed/mismatch, 2 bad usage or input, 77 diff skipped\n",
		jit_pass_list());
}

static int prog_help(int argc, char **argv)
{
	prog_usage(stdout);
	return EXIT_OK;
}

static const struct cmd prog_cmds[] = {
	{ "show",	prog_show },
	{ "jit",	prog_jit },
	{ "dump",	prog_dump },
	{ "run",	prog_run },
	{ "diff",	prog_diff },
	{ "help",	prog_help },
	{ NULL,		NULL },
};

int do_prog(int argc, char **argv)
{
	if (argc < 1) {
		prog_usage(stderr);
		return EXIT_USAGE;
	}
	return cmd_select(prog_cmds, "prog", argc, argv);
}
