// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* Small helpers: allocation, files, numbers, hex. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "cli.h"

#define READ_FILE_MAX	(256u << 20)	/* no input of ours is this large */

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		p_err("out of memory");
		exit(EXIT_FAIL);
	}
	return p;
}

void *xzalloc(size_t size)
{
	return xcalloc(1, size);
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		p_err("out of memory");
		exit(EXIT_FAIL);
	}
	return d;
}

static int read_all(FILE *f, const char *path, void *buf, size_t len)
{
	if (len && fread(buf, 1, len, f) != len) {
		p_err("%s: read error: %s", path, ferror(f) ? strerror(errno) : "short read");
		return -EIO;
	}
	return 0;
}

int read_file(const char *path, void **buf, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	int err;

	if (!f || fstat(fileno(f), &st)) {
		err = -errno;
		p_err("%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return err;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > READ_FILE_MAX) {
		if (S_ISREG(st.st_mode))
			p_err("%s: larger than %u MiB", path, READ_FILE_MAX >> 20);
		else
			p_err("%s: not a regular file", path);
		fclose(f);
		return -EINVAL;
	}
	*len = st.st_size;
	*buf = xzalloc(*len + 8);
	err = read_all(f, path, *buf, *len);
	fclose(f);
	if (err)
		free(*buf);
	return err;
}

int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		p_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fwrite(buf, 1, len, f) != len || fclose(f)) {
		p_err("%s: write error: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n, i;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	n = strlen(s);
	if (!n || n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return n / 2;
}

void hex_str(const void *data, size_t len, char *buf)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * len] = '\0';
}

bool all_zero(const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (all host threads), in seconds. */
double cpu_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *prog_type_str(uint32_t bn_prog_type)
{
	switch (bn_prog_type) {
	case BN_PROG_XDP:	return "xdp";
	case BN_PROG_TC:	return "tc";
	default:		return "unknown";
	}
}
