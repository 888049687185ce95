/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * bpfnic CLI: exit codes, global flags, messages and small helpers.  Kept
 * free of <linux/bpf.h> so that pcap.c can include it next to libpcap's
 * own struct bpf_insn.
 */
#ifndef BPFNIC_CLI_UTIL_H
#define BPFNIC_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "json.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_SKIP	77

/* ---- global flags and output (main.c) ------------------------------------ */
extern bool json_output;
extern bool pretty_output;
extern bool verbose;
extern struct jw json_wtr;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};
int cmd_select(const struct cmd *cmds, const char *what, int argc, char **argv);

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- util.c -------------------------------------------------------------- */
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
/* Whole file into a malloc'd buffer; prints the error, returns -errno. */
int read_file(const char *path, void **buf, size_t *len);
int write_file(const char *path, const void *buf, size_t len);
/* Decimal or 0x-hex number, whole string; false if not. */
bool parse_u64(const char *s, uint64_t *v);
/* Hex string (optional 0x) -> bytes; returns byte count or -1. */
int parse_hex(const char *s, uint8_t *out, size_t cap);
/* bytes -> lowercase hex, NUL-terminated; buf must hold 2 * len + 1. */
void hex_str(const void *data, size_t len, char *buf);
bool all_zero(const void *data, size_t len);
double now_sec(void);
double cpu_sec(void);
const char *prog_type_str(uint32_t bn_prog_type);

#endif /* BPFNIC_CLI_UTIL_H */
