// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* Streaming JSON writer for the bpfnic CLI (see json.h). */
#include <math.h>
#include "json.h"

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	w->f = f;
	w->pretty = pretty;
	w->depth = 0;
	w->first[0] = true;
	w->after_name = false;
}

void jw_finish(struct jw *w)
{
	fputc('\n', w->f);
	fflush(w->f);
}

static void jw_indent(struct jw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (unsigned int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Separator before a value (or a name) at the current depth. */
static void jw_sep(struct jw *w)
{
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	if (w->depth)
		jw_indent(w);
}

static void jw_open(struct jw *w, char c)
{
	jw_sep(w);
	fputc(c, w->f);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth)
		w->depth--;
	if (!empty)
		jw_indent(w);
	fputc(c, w->f);
}

void jw_start_object(struct jw *w) { jw_open(w, '{'); }
void jw_end_object(struct jw *w) { jw_close(w, '}'); }
void jw_start_array(struct jw *w) { jw_open(w, '['); }
void jw_end_array(struct jw *w) { jw_close(w, ']'); }

static void jw_quoted(struct jw *w, const char *s)
{
	fputc('"', w->f);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':  fputs("\\\"", w->f); break;
		case '\\': fputs("\\\\", w->f); break;
		case '\n': fputs("\\n", w->f); break;
		case '\t': fputs("\\t", w->f); break;
		case '\r': fputs("\\r", w->f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(w->f, "\\u%04x", c);
			else
				fputc(c, w->f);
		}
	}
	fputc('"', w->f);
}

void jw_name(struct jw *w, const char *name)
{
	jw_sep(w);
	jw_quoted(w, name);
	fputs(w->pretty ? ": " : ":", w->f);
	w->after_name = true;
}

void jw_string(struct jw *w, const char *s)
{
	jw_sep(w);
	jw_quoted(w, s ? s : "");
}

void jw_uint(struct jw *w, uint64_t v)
{
	jw_sep(w);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_int(struct jw *w, int64_t v)
{
	jw_sep(w);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_float(struct jw *w, double v)
{
	jw_sep(w);
	if (isfinite(v))
		fprintf(w->f, "%.6g", v);
	else
		fputs("null", w->f);
}

void jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	jw_sep(w);
	fputs("null", w->f);
}

void jw_raw(struct jw *w, const char *json)
{
	jw_sep(w);
	fputs(json, w->f);
}

void jw_hex(struct jw *w, const void *data, size_t len)
{
	const unsigned char *p = data;

	jw_sep(w);
	fputc('"', w->f);
	for (size_t i = 0; i < len; i++)
		fprintf(w->f, "%02x", p[i]);
	fputc('"', w->f);
}

void jw_string_field(struct jw *w, const char *name, const char *s)
{
	jw_name(w, name);
	jw_string(w, s);
}

void jw_uint_field(struct jw *w, const char *name, uint64_t v)
{
	jw_name(w, name);
	jw_uint(w, v);
}

void jw_int_field(struct jw *w, const char *name, int64_t v)
{
	jw_name(w, name);
	jw_int(w, v);
}

void jw_float_field(struct jw *w, const char *name, double v)
{
	jw_name(w, name);
	jw_float(w, v);
}

void jw_bool_field(struct jw *w, const char *name, bool v)
{
	jw_name(w, name);
	jw_bool(w, v);
}

void jw_hex_field(struct jw *w, const char *name, const void *data, size_t len)
{
	jw_name(w, name);
	jw_hex(w, data, len);
}
