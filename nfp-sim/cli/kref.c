// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The host kernel as the reference: the same object loaded for real with
 * libbpf, one packet at a time through BPF_PROG_TEST_RUN (XDP: ingress
 * ifindex 1 = loopback, rx queue 0; TC: a loopback skb).  Maps persist
 * across packets, as they do in the sim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"

bool kref_errno_is_env(int err)
{
	err = err < 0 ? -err : err;
	return err == EPERM || err == ENOSYS || err == EOPNOTSUPP || err == ENOTSUPP;
}

static int kref_maps(struct kref *k, const struct bn_obj_prog *p, char *why, size_t whylen)
{
	k->nmaps = p->nmaps;
	k->map_fds = xcalloc(p->nmaps, sizeof(int));
	for (uint32_t i = 0; i < p->nmaps; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(k->obj, p->map_names[i]);

		k->map_fds[i] = m ? bpf_map__fd(m) : -1;
		if (k->map_fds[i] < 0) {
			snprintf(why, whylen, "map %s has no kernel fd", p->map_names[i]);
			return -ENOENT;
		}
	}
	return 0;
}

static int kref_load(struct kref *k, const struct bn_obj_prog *p)
{
	struct bpf_program *prog, *q;
	int err;

	k->obj = bpf_object__open_file(p->file, NULL);
	if (!k->obj)
		return -errno;
	prog = bpf_object__find_program_by_name(k->obj, p->name);
	if (!prog)
		return -ENOENT;
	bpf_object__for_each_program(q, k->obj)
		bpf_program__set_autoload(q, q == prog);
	err = bpf_object__load(k->obj);
	if (!err)
		k->prog_fd = bpf_program__fd(prog);
	return err;
}

int kref_open(struct kref *k, const struct bn_obj_prog *p, bool *skip, char *why,
	      size_t whylen)
{
	int err;

	char *log = NULL;
	size_t loglen = 0;

	memset(k, 0, sizeof(*k));
	k->prog_fd = -1;
	k->null_fd = -1;
	*skip = false;
	libbpf_capture = open_memstream(&log, &loglen);
	k->type = p->bpf_type;
	err = kref_load(k, p);
	if (libbpf_capture)
		fclose(libbpf_capture);
	libbpf_capture = NULL;
	/* libbpf's messages (the verifier log) matter unless we skip */
	if (err && (verbose || !kref_errno_is_env(err)) && log)
		fputs(log, stderr);
	free(log);
	if (err) {
		*skip = kref_errno_is_env(err);
		snprintf(why, whylen, "loading prog %s into the host kernel: %s", p->name,
			 strerror(-err));
		return err;
	}
	return kref_maps(k, p, why, whylen);
}

int kref_run(struct kref *k, const uint8_t *data, uint32_t len, uint8_t *out,
	     uint32_t *out_len, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = data,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = *out_len,
		.repeat = 1,
	);
	int err = bpf_prog_test_run_opts(k->prog_fd, &o);

	if (err)
		return -errno;
	*out_len = o.data_size_out;
	*retval = o.retval;
	return 0;
}

/*
 * The kernel runs program @fd @repeat times back to back on the same input
 * and reports the mean duration of one run in ns (its clock is read around
 * the whole loop, with preemption and migration off).
 */
static int time_fd(int fd, const uint8_t *data, uint32_t len, uint8_t *out, uint32_t out_cap,
		   uint32_t repeat, uint32_t *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = data,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = out_cap,
		.repeat = repeat,
	);
	int err = bpf_prog_test_run_opts(fd, &o);

	if (err)
		return -errno;
	*ns = o.duration;
	return 0;
}

int kref_time(struct kref *k, const uint8_t *data, uint32_t len, uint8_t *out,
	      uint32_t out_cap, uint32_t repeat, uint32_t *ns)
{
	return time_fd(k->prog_fd, data, len, out, out_cap, repeat, ns);
}

/* A program of @type that returns at once (XDP_PASS, TC_ACT_OK). */
static int null_prog(enum bpf_prog_type type)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = type == BPF_PROG_TYPE_XDP ? 2 : 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(type, "bn_null", "GPL", insns, 2, NULL);
}

/*
 * The packet fresh for every run, as it comes off the wire: @runs test runs
 * of one repetition each (a program that moves data or rewrites the packet
 * would see its own output on the later repetitions of one run), each
 * paired with one of a program that returns at once, whose time (the
 * kernel's clock reads and dispatch, large beside a single run) is taken
 * off; then that program's share of a @repeat-run loop is put back, the
 * harness cost every kref_time() figure carries.  Mean ns per run in @ns.
 */
int kref_time_fresh(struct kref *k, const uint8_t *data, uint32_t len, uint8_t *out,
		    uint32_t out_cap, uint32_t repeat, uint32_t runs, double *ns)
{
	uint64_t prog = 0, null = 0;
	uint32_t t = 0, base = 0;
	int err = 0;

	if (k->null_fd < 0) {
		k->null_fd = null_prog(k->type);
		if (k->null_fd < 0)
			return -errno;
	}
	for (uint32_t i = 0; i < runs && !err; i++) {
		err = time_fd(k->prog_fd, data, len, out, out_cap, 1, &t);
		prog += t;
		if (!err)
			err = time_fd(k->null_fd, data, len, out, out_cap, 1, &t);
		null += t;
	}
	if (!err)
		err = time_fd(k->null_fd, data, len, out, out_cap, repeat, &base);
	if (err)
		return err;
	*ns = ((double)prog - (double)null) / runs + base;
	return 0;
}

void kref_close(struct kref *k)
{
	free(k->map_fds);
	if (k->null_fd >= 0)
		close(k->null_fd);
	bpf_object__close(k->obj);
	memset(k, 0, sizeof(*k));
}
