// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic prog diff: every packet through the host kernel (BPF_PROG_TEST_RUN)
 * and through JIT + sim (bn_sim_run_one), in order, one at a time; compares
 * the return value, the output frame and, after each packet, all map
 * contents.  After a map mismatch the sim's maps are set to the kernel's,
 * so each reported difference belongs to the packet it is reported for.
 * --time N then measures the kernel's speed: every packet test-run N times
 * back to back, the kernel's mean ns per run averaged over the packets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"

#define DIFF_OUT_CAP		65536
#define DIFF_JSON_DETAILS	1000	/* mismatch records kept in JSON output */
#define DIFF_MAP_LINES		8	/* differing entries printed per map and packet */

/*
 * perf_event_output events of one packet, kernel or sim: the kernel's come
 * from a libbpf perf_buffer on its PERF_EVENT_ARRAY (so the kernel's helper
 * sees a reader, returns 0 like the device, and its events are compared).
 */
#define DIFF_EV_MAX	16	/* events compared per packet */
#define DIFF_PERF_MAPS	4	/* PERF_EVENT_ARRAY maps of one program */

struct diff_events {
	uint32_t n, dropped;
	uint32_t map[DIFF_EV_MAX], len[DIFF_EV_MAX];
	uint8_t *data[DIFF_EV_MAX];
};

struct diff_perf {			/* one kernel perf_buffer */
	struct diff_state *d;
	uint32_t map;
	struct perf_buffer *pb;
};

struct diff_state {
	const struct prog_args *a;
	struct run_prog *rp;
	struct kref k;
	struct bn_sim *sim;
	uint32_t *ids;
	uint8_t *kout, *sout;
	uint64_t packets, compared, skipped, mismatches;
	uint64_t retval_mm, data_mm, map_mm, faults;
	uint64_t events, event_mm;
	struct diff_perf perf[DIFF_PERF_MAPS];
	uint32_t nperf;
	bool ev_collect;	/* kernel events: keep (else drain) */
	struct diff_events kev, sev;
	uint64_t details;
	uint64_t timed;		/* --time: packets the kernel timed */
	double time_ns;		/* their mean ns per run, summed */
	uint64_t fresh;		/* --time: packets timed fresh for every run */
	double fresh_ns;	/* their kref_time_fresh() figures, summed */
	struct jw dw;		/* JSON mismatch records, into dbuf */
	FILE *dfile;
	char *dbuf;
	size_t dlen;
};

static const char *retval_str(uint32_t prog_type, uint32_t v)
{
	static const char *const xdp[] = {
		"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT" };
	static const char *const tc[] = {
		"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
		"TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT" };

	if (prog_type == BN_PROG_XDP && v < 5)
		return xdp[v];
	if (prog_type == BN_PROG_TC && v < 8)
		return tc[v];
	if (prog_type == BN_PROG_TC && v == (uint32_t)-1)
		return "TC_ACT_UNSPEC";
	return "?";
}

/* A text mismatch line: "pkt N: ..." (N < 0: before the first packet). */
static void diff_line(int64_t pkt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff_line(int64_t pkt, const char *fmt, ...)
{
	va_list ap;

	if (pkt < 0)
		printf("initial state: ");
	else
		printf("pkt %lld: ", (long long)pkt);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Opens a JSON detail record, or returns false when over the cap. */
static bool detail_open(struct diff_state *d, int64_t pkt, const char *what)
{
	if (!json_output || d->details++ >= DIFF_JSON_DETAILS)
		return false;
	jw_start_object(&d->dw);
	jw_name(&d->dw, "packet");
	if (pkt < 0)
		jw_null(&d->dw);
	else
		jw_uint(&d->dw, pkt);
	jw_string_field(&d->dw, "what", what);
	return true;
}

static bool diff_retval(struct diff_state *d, uint32_t i, uint32_t kret,
			const struct bn_sim_result *r)
{
	uint32_t t = d->rp->p.prog_type;

	if (kret == r->retval && !r->fault)
		return false;
	if (r->fault)
		d->faults++;
	if (kret != r->retval)
		d->retval_mm++;
	if (detail_open(d, i, r->fault ? "fault" : "retval")) {
		jw_uint_field(&d->dw, "kernel", kret);
		jw_uint_field(&d->dw, "sim", r->retval);
		if (r->fault)
			jw_string_field(&d->dw, "fault", r->fault_msg);
		jw_end_object(&d->dw);
	} else if (!json_output) {
		diff_line(i, "retval: kernel %u (%s), sim %u (%s)%s%.*s", kret, retval_str(t, kret),
			  r->retval, retval_str(t, r->retval), r->fault ? "; sim fault: " : "",
			  (int)sizeof(r->fault_msg), r->fault ? r->fault_msg : "");
	}
	return true;
}

static void data_detail_text(uint32_t i, const uint8_t *k, uint32_t klen, const uint8_t *s,
			     uint32_t slen)
{
	uint32_t n = klen < slen ? klen : slen, at = 0;
	char *hk, *hs;

	while (at < n && k[at] == s[at])
		at++;
	if (at < n)
		diff_line(i, "data: kernel %u bytes, sim %u bytes; first difference at byte %u "
			  "(kernel %02x, sim %02x)", klen, slen, at, k[at], s[at]);
	else
		diff_line(i, "data: kernel %u bytes, sim %u bytes; equal up to byte %u", klen,
			  slen, n);
	if (!verbose)
		return;
	hk = xzalloc(2 * klen + 1);
	hs = xzalloc(2 * slen + 1);
	hex_str(k, klen, hk);
	hex_str(s, slen, hs);
	printf("    kernel: %s\n    sim:    %s\n", hk, hs);
	free(hk);
	free(hs);
}

static bool diff_data(struct diff_state *d, uint32_t i, uint32_t klen,
		      const struct bn_sim_result *r)
{
	if (klen == r->out_len && !memcmp(d->kout, d->sout, klen))
		return false;
	d->data_mm++;
	if (detail_open(d, i, "data")) {
		jw_hex_field(&d->dw, "kernel", d->kout, klen);
		jw_hex_field(&d->dw, "sim", d->sout, r->out_len);
		jw_end_object(&d->dw);
	} else if (!json_output) {
		data_detail_text(i, d->kout, klen, d->sout, r->out_len);
	}
	return true;
}

/* One differing map entry; NULL value: absent on that side. */
static void map_entry_report(struct diff_state *d, int64_t pkt, uint32_t m, const void *key,
			     const void *kval, const void *sval, uint32_t *lines)
{
	const struct bn_image_map *def = &d->rp->pm.defs[m];
	const char *name = d->rp->pm.names[m];
	char *hk, *hv1, *hv2;

	if (detail_open(d, pkt, "map")) {
		jw_string_field(&d->dw, "map", name);
		jw_hex_field(&d->dw, "key", key, def->key_size);
		jw_name(&d->dw, "kernel");
		kval ? jw_hex(&d->dw, kval, def->value_size) : jw_null(&d->dw);
		jw_name(&d->dw, "sim");
		sval ? jw_hex(&d->dw, sval, def->value_size) : jw_null(&d->dw);
		jw_end_object(&d->dw);
	}
	if (json_output || ++*lines > DIFF_MAP_LINES)
		return;
	hk = xzalloc(2 * def->key_size + 1);
	hv1 = xzalloc(2 * def->value_size + 1);
	hv2 = xzalloc(2 * def->value_size + 1);
	hex_str(key, def->key_size, hk);
	if (kval)
		hex_str(kval, def->value_size, hv1);
	if (sval)
		hex_str(sval, def->value_size, hv2);
	diff_line(pkt, "map %s: key %s: kernel %s, sim %s", name, hk, kval ? hv1 : "(none)",
		  sval ? hv2 : "(none)");
	free(hk);
	free(hv1);
	free(hv2);
}

/* Merge walk over two sorted entry lists; returns differing entries. */
static uint32_t map_compare(struct diff_state *d, int64_t pkt, uint32_t m,
			    const struct map_entries *ke, const struct map_entries *se)
{
	uint32_t ks = ke->key_size, vs = ke->value_size, i = 0, j = 0, n = 0, lines = 0;

	while (i < ke->n || j < se->n) {
		const uint8_t *kk = ke->keys + i * ks, *sk = se->keys + j * ks;
		int c = i == ke->n ? 1 : j == se->n ? -1 : memcmp(kk, sk, ks);
		const uint8_t *kv = c <= 0 ? ke->vals + i * vs : NULL;
		const uint8_t *sv = c >= 0 ? se->vals + j * vs : NULL;

		if (!kv || !sv || memcmp(kv, sv, vs)) {
			map_entry_report(d, pkt, m, c <= 0 ? kk : sk, kv, sv, &lines);
			n++;
		}
		i += c <= 0;
		j += c >= 0;
	}
	if (lines > DIFF_MAP_LINES && !json_output)
		diff_line(pkt, "map %s: %u more differing entries", d->rp->pm.names[m],
			  lines - DIFF_MAP_LINES);
	return n;
}

/* Make the sim's map @m equal to the kernel's. */
static void map_resync(struct diff_state *d, uint32_t m, const struct map_entries *ke,
		       const struct map_entries *se)
{
	uint32_t id = d->ids[m];

	for (uint32_t j = 0; j < se->n; j++)
		bn_sim_map_delete(d->sim, id, se->keys + j * se->key_size);
	for (uint32_t i = 0; i < ke->n; i++)
		bn_sim_map_update(d->sim, id, ke->keys + i * ke->key_size,
				  ke->vals + i * ke->value_size, BN_SIM_ANY);
}

static int map_collect_both(struct diff_state *d, uint32_t m, struct map_entries *ke,
			    struct map_entries *se)
{
	const struct bn_image_map *def = &d->rp->pm.defs[m];
	int err;

	err = kernel_map_collect(d->k.map_fds[m], def, ke);
	if (err)
		p_err("map %s: reading the kernel's copy: %s", d->rp->pm.names[m], strerror(-err));
	if (!err && (err = sim_map_collect(d->sim, d->ids[m], def, se)))
		p_err("map %s: reading the sim's copy: %s", d->rp->pm.names[m], strerror(-err));
	return err;
}

static bool diff_maps(struct diff_state *d, int64_t pkt)
{
	struct map_entries ke, se;
	bool differ = false;

	for (uint32_t m = 0; m < d->rp->pm.n; m++) {
		if (map_in_host(&d->rp->pm.defs[m]))	/* perf events: not compared */
			continue;
		memset(&se, 0, sizeof(se));
		if (map_collect_both(d, m, &ke, &se)) {
			differ = true;
		} else if (map_compare(d, pkt, m, &ke, &se)) {
			map_resync(d, m, &ke, &se);
			differ = true;
		}
		map_entries_free(&ke);
		map_entries_free(&se);
	}
	d->map_mm += differ;
	return differ;
}

static void verbose_packet(struct diff_state *d, uint32_t i, uint32_t kret, uint32_t klen,
			   const struct bn_sim_result *r, bool bad)
{
	if (!verbose || json_output)
		return;
	diff_line(i, "kernel %s (%u bytes out), sim %s (%u bytes out, %llu insns): %s",
		  retval_str(d->rp->p.prog_type, kret), klen,
		  retval_str(d->rp->p.prog_type, r->retval), r->out_len,
		  (unsigned long long)r->insns, bad ? "MISMATCH" : "same");
}

static void events_add(struct diff_events *e, uint32_t map, const void *a, uint32_t alen,
		       const void *b, uint32_t blen)
{
	if (e->n == DIFF_EV_MAX) {
		e->dropped++;
		return;
	}
	e->map[e->n] = map;
	e->len[e->n] = alen + blen;
	e->data[e->n] = xcalloc(1, alen + blen + 1);
	memcpy(e->data[e->n], a, alen);
	if (blen)
		memcpy(e->data[e->n] + alen, b, blen);
	e->n++;
}

static void events_reset(struct diff_events *e)
{
	for (uint32_t i = 0; i < e->n; i++)
		free(e->data[i]);
	memset(e, 0, sizeof(*e));
}

static void diff_sim_event(void *opaque, uint32_t map_index, const uint8_t *data, uint32_t len,
			   const uint8_t *pkt, uint32_t pkt_len)
{
	struct diff_state *d = opaque;

	events_add(&d->sev, map_index, data, len, pkt, pkt_len);
}

static void diff_perf_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct diff_perf *p = ctx;

	if (p->d->ev_collect)
		events_add(&p->d->kev, p->map, data, size, NULL, 0);
}

static void diff_perf_lost(void *ctx, int cpu, __u64 cnt)
{
	struct diff_perf *p = ctx;

	if (p->d->ev_collect)
		p->d->kev.dropped += cnt;
}

/* A perf_buffer on every PERF_EVENT_ARRAY of the kernel's copy. */
static void diff_perf_open(struct diff_state *d)
{
	for (uint32_t m = 0; m < d->rp->pm.n; m++) {
		struct diff_perf *p = &d->perf[d->nperf];
		int err;

		if (!map_in_host(&d->rp->pm.defs[m]))
			continue;
		if (d->nperf == DIFF_PERF_MAPS) {
			p_warn("map %s: more than %u PERF_EVENT_ARRAY maps: its events are not compared",
			       d->rp->pm.names[m], DIFF_PERF_MAPS);
			continue;
		}
		p->d = d;
		p->map = m;
		p->pb = perf_buffer__new(d->k.map_fds[m], 8, diff_perf_sample, diff_perf_lost, p,
					 NULL);
		err = libbpf_get_error(p->pb);
		if (err) {
			p_warn("map %s: no perf buffer on the kernel's copy (%s): its events are not compared",
			       d->rp->pm.names[m], strerror(-err));
			p->pb = NULL;
			continue;
		}
		d->nperf++;
	}
}

static void diff_perf_poll(struct diff_state *d, bool collect)
{
	d->ev_collect = collect;
	for (uint32_t i = 0; i < d->nperf; i++)
		perf_buffer__consume(d->perf[i].pb);
	d->ev_collect = false;
}

/* A raw sample's size field: the event padded so that u32 size + data is
 * a multiple of 8 (perf_prepare_sample()). */
static uint32_t perf_raw_size(uint32_t len)
{
	return ((len + 4 + 7) & ~7u) - 4;
}

/* Same events in the same order, byte for byte, to the same maps. */
static bool diff_events(struct diff_state *d, uint32_t i)
{
	const struct diff_events *k = &d->kev, *s = &d->sev;
	bool bad = k->n != s->n || k->dropped || s->dropped;

	if (!d->nperf)
		return false;
	for (uint32_t e = 0; !bad && e < k->n; e++)
		bad = k->map[e] != s->map[e] || k->len[e] != perf_raw_size(s->len[e]) ||
		      memcmp(k->data[e], s->data[e], s->len[e]);
	d->events += s->n;
	if (bad) {
		d->event_mm++;
		if (detail_open(d, i, "events")) {
			jw_uint_field(&d->dw, "kernel_events", k->n);
			jw_uint_field(&d->dw, "sim_events", s->n);
			jw_end_object(&d->dw);
		}
		if (!json_output)
			diff_line(i, "perf events: kernel %u%s, sim %u%s, or their bytes differ",
				  k->n, k->dropped ? " (some lost)" : "", s->n,
				  s->dropped ? " (too many)" : "");
	}
	return bad;
}

/* Kernel then sim for packet i; EXIT_SKIP if the kernel cannot test-run. */
static int diff_packet(struct diff_state *d, uint32_t i, const struct bn_sim_pkt *pk)
{
	struct bn_sim_result r = { .out = d->sout, .out_cap = BN_PKT_FRAME };
	uint32_t klen = DIFF_OUT_CAP, kret = 0;
	bool bad;
	int err;

	events_reset(&d->kev);
	events_reset(&d->sev);
	diff_perf_poll(d, false);	/* nothing left from earlier runs */
	err = kref_run(&d->k, pk->data, pk->len, d->kout, &klen, &kret);
	diff_perf_poll(d, true);
	if (err && i == 0 && kref_errno_is_env(err))
		return EXIT_SKIP;
	if (err) {
		p_warn("pkt %u: the kernel's test run failed (%s): packet not compared", i,
		       strerror(-err));
		d->skipped++;
		return 0;
	}
	err = bn_sim_run_one(d->sim, pk, &r);
	if (err || r.out_len > r.out_cap) {
		r.fault = 1;
		if (err)
			snprintf(r.fault_msg, sizeof(r.fault_msg), "bn_sim_run_one: %s",
				 strerror(-err));
		else
			snprintf(r.fault_msg, sizeof(r.fault_msg), "out_len %u > out_cap %u",
				 r.out_len, r.out_cap);
		r.out_len = 0;
	}
	d->compared++;
	bad = diff_retval(d, i, kret, &r);
	bad |= diff_data(d, i, klen, &r);
	bad |= diff_maps(d, i);
	bad |= diff_events(d, i);
	d->mismatches += bad;
	verbose_packet(d, i, kret, klen, &r, bad);
	return 0;
}

static void diff_sim_log(void *opaque, const char *msg)
{
	if (verbose)
		p_err("sim: %s", msg);
}

/* Frames are compared from bn_sim_result.out; deliveries are dropped. */
static void diff_sim_tx(void *opaque, const uint8_t *frame, uint32_t len)
{
}

static void diff_sim_to_host(void *opaque, uint32_t queue, const uint8_t *frame, uint32_t len)
{
}

static int kernel_presets(struct diff_state *d)
{
	const struct prog_args *a = d->a;

	for (uint32_t i = 0; i < a->npresets; i++) {
		int m = preset_resolve(&a->presets[i], &d->rp->pm);

		if (m < 0)
			return EXIT_USAGE;
		if (bpf_map_update_elem(d->k.map_fds[m], a->presets[i].key, a->presets[i].val,
					BPF_ANY)) {
			p_err("--map '%s': the kernel rejected the update: %s", a->presets[i].arg,
			      strerror(errno));
			return EXIT_USAGE;
		}
	}
	return 0;
}

static int diff_skip(const char *why)
{
	if (json_output) {
		jw_start_object(&json_wtr);
		jw_string_field(&json_wtr, "skipped", why);
		jw_end_object(&json_wtr);
	} else {
		printf("prog diff skipped: %s\n", why);
	}
	return EXIT_SKIP;
}

static int diff_open_kernel(struct diff_state *d)
{
	char why[256];
	bool skip;

	if (!kref_open(&d->k, &d->rp->p, &skip, why, sizeof(why)))
		return kernel_presets(d);
	if (skip)
		return diff_skip(why);
	p_err("%s: %s", d->a->file, why);
	return EXIT_FAIL;
}

#define DIFF_FRESH_RUNS	100	/* single test runs per packet for the fresh figure */

/*
 * --time: after the comparison (the repeated runs change the maps, which no
 * longer matters), each packet BPF_PROG_TEST_RUN with .repeat = N; and the
 * same packet fresh for every run (kref_time_fresh(): the repeat-N figure
 * of a program that moves data or rewrites the packet times it on its own
 * output after the first run).  Packets the kernel refuses are left out of
 * the averages.
 */
static void diff_time(struct diff_state *d, const struct pkt_list *l)
{
	uint32_t ns;
	double fns;
	int err;

	for (uint32_t i = 0; i < l->n; i++) {
		err = kref_time(&d->k, l->pkts[i].data, l->pkts[i].len, d->kout, DIFF_OUT_CAP,
				d->a->time_repeat, &ns);
		if (err) {
			if (verbose)
				p_warn("pkt %u: the kernel's timed test run failed (%s): not timed",
				       i, strerror(-err));
			continue;
		}
		d->timed++;
		d->time_ns += ns;
		err = kref_time_fresh(&d->k, l->pkts[i].data, l->pkts[i].len, d->kout,
				      DIFF_OUT_CAP, d->a->time_repeat, DIFF_FRESH_RUNS, &fns);
		if (err) {
			if (verbose)
				p_warn("pkt %u: the kernel's single test runs failed (%s): not timed "
				       "fresh", i, strerror(-err));
			continue;
		}
		d->fresh++;
		d->fresh_ns += fns;
	}
}

static double diff_kernel_ns(const struct diff_state *d)
{
	return d->timed ? d->time_ns / d->timed : 0;
}

static void diff_summary_time(const struct diff_state *d)
{
	if (!d->a->time_repeat)
		return;
	if (json_output) {
		jw_name(&json_wtr, "kernel_ns_per_pkt");
		if (d->timed)
			jw_float(&json_wtr, diff_kernel_ns(d));
		else
			jw_null(&json_wtr);
		jw_uint_field(&json_wtr, "time_repeat", d->a->time_repeat);
		jw_uint_field(&json_wtr, "timed_packets", d->timed);
		jw_name(&json_wtr, "kernel_fresh_ns_per_pkt");
		if (d->fresh)
			jw_float(&json_wtr, d->fresh_ns / d->fresh);
		else
			jw_null(&json_wtr);
		jw_uint_field(&json_wtr, "fresh_runs", DIFF_FRESH_RUNS);
		return;
	}
	if (d->timed)
		printf("kernel: %.1f ns/packet (BPF_PROG_TEST_RUN, repeat %u, mean over %llu "
		       "packets)\n", diff_kernel_ns(d), d->a->time_repeat,
		       (unsigned long long)d->timed);
	else
		printf("kernel: no packet could be timed\n");
	if (d->fresh)
		printf("kernel, packet fresh for every run: %.1f ns/packet (%u single runs per "
		       "packet, a program that returns at once taken off and its repeat-%u "
		       "time put back)\n", d->fresh_ns / d->fresh, DIFF_FRESH_RUNS,
		       d->a->time_repeat);
}

static void diff_summary(const struct diff_state *d)
{
	if (json_output) {
		jw_start_object(&json_wtr);
		jw_string_field(&json_wtr, "file", d->a->file);
		jw_string_field(&json_wtr, "prog", d->rp->name);
		jw_name(&json_wtr, "details");
		jw_raw(&json_wtr, d->dbuf);
		jw_bool_field(&json_wtr, "details_truncated", d->details > DIFF_JSON_DETAILS);
		jw_uint_field(&json_wtr, "packets", d->packets);
		jw_uint_field(&json_wtr, "compared", d->compared);
		jw_uint_field(&json_wtr, "skipped_packets", d->skipped);
		jw_uint_field(&json_wtr, "mismatches", d->mismatches);
		jw_uint_field(&json_wtr, "retval_mismatches", d->retval_mm);
		jw_uint_field(&json_wtr, "data_mismatches", d->data_mm);
		jw_uint_field(&json_wtr, "map_mismatches", d->map_mm);
		jw_uint_field(&json_wtr, "events", d->events);
		jw_uint_field(&json_wtr, "event_mismatches", d->event_mm);
		jw_uint_field(&json_wtr, "faults", d->faults);
		diff_summary_time(d);
		jw_end_object(&json_wtr);
		return;
	}
	printf("%s prog %s: %llu packets, %llu compared, %llu mismatches (retval %llu, data %llu, "
	       "maps %llu, sim faults %llu)%s\n", d->a->file, d->rp->name,
	       (unsigned long long)d->packets, (unsigned long long)d->compared,
	       (unsigned long long)d->mismatches, (unsigned long long)d->retval_mm,
	       (unsigned long long)d->data_mm, (unsigned long long)d->map_mm,
	       (unsigned long long)d->faults, d->mismatches ? "" : ": kernel and sim agree");
	if (d->nperf)
		printf("perf events: %llu compared, %llu packets with different events\n",
		       (unsigned long long)d->events, (unsigned long long)d->event_mm);
	diff_summary_time(d);
}

/*
 * The JSON mismatch records go to a memory stream first: whether the run is
 * skipped is only known once the kernel ran packet 0, and a skip must print
 * nothing but {"skipped": ...}.
 */
static int diff_loop(struct diff_state *d, const struct pkt_list *l)
{
	int ret = 0;

	d->dfile = open_memstream(&d->dbuf, &d->dlen);
	if (!d->dfile) {
		p_err("out of memory");
		return EXIT_FAIL;
	}
	jw_init(&d->dw, d->dfile, pretty_output);
	d->dw.depth = 1;		/* it becomes the value of "details" */
	d->dw.first[1] = true;
	d->dw.after_name = true;
	jw_start_array(&d->dw);
	d->packets = l->n;
	d->mismatches += diff_maps(d, -1);
	for (uint32_t i = 0; i < l->n && !ret; i++)
		ret = diff_packet(d, i, &l->pkts[i]);
	jw_end_array(&d->dw);
	fclose(d->dfile);
	if (ret == EXIT_SKIP)
		return diff_skip("BPF_PROG_TEST_RUN is not available to this process");
	if (d->a->time_repeat)
		diff_time(d, l);
	diff_summary(d);
	return d->mismatches ? EXIT_FAIL : 0;
}

static int diff_run(const struct prog_args *a, struct run_prog *rp, const struct pkt_list *l)
{
	static struct diff_state d;	/* the perf buffers' callbacks point into it */
	struct bn_sim_ops ops = {
		.tx = diff_sim_tx, .to_host = diff_sim_to_host, .log = diff_sim_log,
		.event = diff_sim_event, .opaque = &d,
	};
	int ret;

	memset(&d, 0, sizeof(d));
	d.a = a;
	d.rp = rp;
	d.ids = xcalloc(rp->pm.n, sizeof(*d.ids));
	d.kout = xzalloc(DIFF_OUT_CAP);
	d.sout = xzalloc(BN_PKT_FRAME);
	ret = presets_check(a->presets, a->npresets, &rp->pm);
	ret = ret ? : diff_open_kernel(&d);
	ret = ret ? : sim_setup(a, rp, &ops, &d.sim, d.ids);
	if (!ret)
		diff_perf_open(&d);
	ret = ret ? : diff_loop(&d, l);
	for (uint32_t i = 0; i < d.nperf; i++)
		perf_buffer__free(d.perf[i].pb);
	events_reset(&d.kev);
	events_reset(&d.sev);
	if (d.sim)
		bn_sim_destroy(d.sim);
	kref_close(&d.k);
	free(d.ids);
	free(d.kout);
	free(d.sout);
	free(d.dbuf);
	return ret;
}

int prog_diff(int argc, char **argv)
{
	unsigned int allowed = OPTF_SEC | OPTF_NO_OPT | OPTF_PCAP | OPTF_MAP | OPTF_SIM |
			       OPTF_VERBOSE | OPTF_TIME | OPTF_CODE_STORE;
	struct pkt_list l = { 0 };
	struct run_prog rp = { 0 };
	struct prog_args a;
	int ret;

	ret = prog_args_parse(&a, "diff", allowed, argc, argv);
	ret = ret ? : run_prog_load(&a, &rp, false);
	ret = ret ? : pcap_load(a.pcap, &l);
	ret = ret ? : diff_run(&a, &rp, &l);
	pkt_list_free(&l);
	run_prog_free(&rp);
	prog_args_free(&a);
	return ret;
}
