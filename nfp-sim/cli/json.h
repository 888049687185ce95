/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * A small streaming JSON writer, in the spirit of bpftool's json_writer:
 * the caller opens and closes objects and arrays, the writer adds commas,
 * quoting and (optionally) indentation.  No allocation per value.
 */
#ifndef BPFNIC_CLI_JSON_H
#define BPFNIC_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH	32

struct jw {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool first[JW_MAX_DEPTH];	/* no value written yet at this depth */
	bool after_name;		/* a name was written, its value comes next */
};

void jw_init(struct jw *w, FILE *f, bool pretty);
void jw_finish(struct jw *w);		/* final newline */

void jw_start_object(struct jw *w);
void jw_end_object(struct jw *w);
void jw_start_array(struct jw *w);
void jw_end_array(struct jw *w);
void jw_name(struct jw *w, const char *name);

void jw_string(struct jw *w, const char *s);
void jw_uint(struct jw *w, uint64_t v);
void jw_int(struct jw *w, int64_t v);
void jw_float(struct jw *w, double v);	/* null for NaN/inf */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *json);	/* a value already in JSON */
void jw_hex(struct jw *w, const void *data, size_t len);	/* "0a1b.." */

/* name + value in one call */
void jw_string_field(struct jw *w, const char *name, const char *s);
void jw_uint_field(struct jw *w, const char *name, uint64_t v);
void jw_int_field(struct jw *w, const char *name, int64_t v);
void jw_float_field(struct jw *w, const char *name, double v);
void jw_bool_field(struct jw *w, const char *name, bool v);
void jw_hex_field(struct jw *w, const char *name, const void *data, size_t len);

#endif /* BPFNIC_CLI_JSON_H */
