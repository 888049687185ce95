// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * bpfnic prog run: a pcap through the whole simulated NIC (timing model,
 * bn_sim_run_batch), verdicts out to pcaps, maps and throughput reported.
 * --repeat N replays the pcap N times in the one batch (maps persist), so
 * that the host's packets/s is measured over enough packets.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define RUN_LOG_LINES	20	/* sim log lines shown without --verbose */
#define RUN_EVENTS_KEPT	1000	/* perf_event_output events kept for the report */

/* One bpf_perf_event_output() event the device sent to the host. */
struct run_event {
	uint32_t map_index;
	uint32_t len, pkt_len;
	uint8_t *data;		/* len + pkt_len bytes */
};

struct run_io {
	struct pcap_out *tx, *pass;
	uint32_t logs;
	pthread_mutex_t ev_lock;	/* events arrive from any host thread */
	struct run_event ev[RUN_EVENTS_KEPT];
	uint32_t nev;
	uint64_t events;
};

static void run_tx(void *opaque, const uint8_t *frame, uint32_t len)
{
	struct run_io *io = opaque;

	if (io->tx)
		pcap_out_write(io->tx, frame, len);
}

static void run_to_host(void *opaque, uint32_t queue, const uint8_t *frame, uint32_t len)
{
	struct run_io *io = opaque;

	if (io->pass)
		pcap_out_write(io->pass, frame, len);
}

static void run_event(void *opaque, uint32_t map_index, const uint8_t *data, uint32_t len,
		      const uint8_t *pkt, uint32_t pkt_len)
{
	struct run_io *io = opaque;
	struct run_event *e;

	pthread_mutex_lock(&io->ev_lock);
	io->events++;
	if (io->nev < RUN_EVENTS_KEPT) {
		e = &io->ev[io->nev++];
		e->map_index = map_index;
		e->len = len;
		e->pkt_len = pkt_len;
		e->data = xcalloc(1, len + pkt_len + 1);
		memcpy(e->data, data, len);
		memcpy(e->data + len, pkt, pkt_len);
	}
	pthread_mutex_unlock(&io->ev_lock);
}

/*
 * Events in the order they were sent (with several host threads, the order
 * packets finished in): JSON "events": [{"map", "data", "pkt"}], text a
 * count and, with --verbose, each event.
 */
static void events_print(const struct run_io *io, const struct prog_maps *pm)
{
	if (json_output) {
		jw_uint_field(&json_wtr, "events_total", io->events);
		jw_name(&json_wtr, "events");
		jw_start_array(&json_wtr);
	} else if (io->events) {
		printf("perf events:    %llu (bpf_perf_event_output)%s\n",
		       (unsigned long long)io->events,
		       io->events > io->nev ? ", the first ones kept" : "");
	}
	for (uint32_t i = 0; i < io->nev; i++) {
		const struct run_event *e = &io->ev[i];
		const char *map = e->map_index < pm->n ? pm->names[e->map_index] : "?";

		if (json_output) {
			jw_start_object(&json_wtr);
			jw_string_field(&json_wtr, "map", map);
			jw_name(&json_wtr, "data");
			jw_hex(&json_wtr, e->data, e->len);
			jw_name(&json_wtr, "pkt");
			jw_hex(&json_wtr, e->data + e->len, e->pkt_len);
			jw_end_object(&json_wtr);
		} else if (verbose) {
			printf("  event %u -> %s: %u bytes of data, %u of packet\n", i, map, e->len,
			       e->pkt_len);
		}
	}
	if (json_output)
		jw_end_array(&json_wtr);
}

static void run_log(void *opaque, const char *msg)
{
	struct run_io *io = opaque;
	uint32_t n = __atomic_fetch_add(&io->logs, 1, __ATOMIC_RELAXED);

	if (verbose || n < RUN_LOG_LINES)
		p_err("sim: %s", msg);
}

static int run_open_outputs(const struct prog_args *a, struct run_io *io)
{
	if (a->out_tx && !(io->tx = pcap_out_open(a->out_tx)))
		return EXIT_USAGE;
	if (a->out_pass && !(io->pass = pcap_out_open(a->out_pass)))
		return EXIT_USAGE;
	return 0;
}

static void print_packet(uint32_t i, const struct bn_sim_pkt *pk, const struct bn_sim_result *r)
{
	if (json_output) {
		jw_start_object(&json_wtr);
		jw_uint_field(&json_wtr, "packet", i);
		jw_uint_field(&json_wtr, "len", pk->len);
		jw_string_field(&json_wtr, "verdict", action_str(r->action));
		jw_uint_field(&json_wtr, "retval", r->retval);
		jw_uint_field(&json_wtr, "cycles", r->cycles);
		jw_uint_field(&json_wtr, "insns", r->insns);
		if (r->fault)
			jw_string_field(&json_wtr, "fault", r->fault_msg);
		jw_end_object(&json_wtr);
		return;
	}
	printf("pkt %u: %u bytes -> %s (retval %u), %llu cycles, %llu insns%s%.*s\n", i, pk->len,
	       action_str(r->action), r->retval, (unsigned long long)r->cycles,
	       (unsigned long long)r->insns, r->fault ? ", fault: " : "",
	       (int)sizeof(r->fault_msg), r->fault ? r->fault_msg : "");
}

static void print_packets(const struct pkt_list *l, const struct bn_sim_result *res)
{
	if (!res)
		return;
	if (json_output) {
		jw_name(&json_wtr, "per_packet");
		jw_start_array(&json_wtr);
	}
	for (uint32_t i = 0; i < l->n; i++)
		print_packet(i, &l->pkts[i], &res[i]);
	if (json_output)
		jw_end_array(&json_wtr);
}

struct run_summary {
	const struct prog_args *a;
	const struct run_prog *rp;
	struct bn_sim_stats st;
	double wall;		/* seconds of wall clock in bn_sim_run_batch() */
	double cpu;		/* seconds of process CPU time in it: per-core speed */
	uint64_t tx_frames, pass_frames;
};

static void summary_json(const struct run_summary *s)
{
	const struct bn_sim_params *p = &s->a->params;

	jw_string_field(&json_wtr, "file", s->a->file);
	if (s->rp->p.name)
		jw_string_field(&json_wtr, "prog", s->rp->p.name);
	jw_uint_field(&json_wtr, "packets", s->st.packets);
	jw_name(&json_wtr, "verdicts");
	jw_start_object(&json_wtr);
	for (unsigned int i = 0; i < BN_ACT__COUNT; i++)
		jw_uint_field(&json_wtr, action_str(i), s->st.actions[i]);
	jw_end_object(&json_wtr);
	jw_uint_field(&json_wtr, "faults", s->st.faults);
	jw_float_field(&json_wtr, "cycles_per_pkt", s->st.cycles_per_pkt);
	jw_float_field(&json_wtr, "insns_per_pkt", s->st.packets ?
		       (double)s->st.insns / s->st.packets : 0);
	jw_float_field(&json_wtr, "mpps_per_fpc", s->st.mpps_per_fpc);
	jw_float_field(&json_wtr, "mpps_nic", s->st.mpps_nic);
	jw_float_field(&json_wtr, "host_pps", s->wall > 0 ? s->st.packets / s->wall : 0);
	jw_float_field(&json_wtr, "host_pps_per_core", s->cpu > 0 ? s->st.packets / s->cpu : 0);
	jw_float_field(&json_wtr, "sim_ns_per_pkt",
		       s->st.packets ? s->cpu * 1e9 / s->st.packets : 0);
	jw_uint_field(&json_wtr, "repeat", s->a->repeat);
	jw_uint_field(&json_wtr, "mem_cmds", s->st.mem_cmds);
	jw_uint_field(&json_wtr, "elapsed_cycles", s->st.elapsed_cycles);
	jw_uint_field(&json_wtr, "tx_frames", s->tx_frames);
	jw_uint_field(&json_wtr, "pass_frames", s->pass_frames);
	jw_name(&json_wtr, "params");
	jw_start_object(&json_wtr);
	jw_uint_field(&json_wtr, "islands", p->islands);
	jw_uint_field(&json_wtr, "fpcs", p->fpcs);
	jw_uint_field(&json_wtr, "threads", p->threads);
	jw_uint_field(&json_wtr, "mhz", p->mhz);
	jw_uint_field(&json_wtr, "seed", p->seed);
	jw_uint_field(&json_wtr, "host_threads", p->host_threads);
	jw_uint_field(&json_wtr, "sched_window", p->sched_window);
	jw_end_object(&json_wtr);
}

static void summary_text(const struct run_summary *s)
{
	const struct bn_sim_params *p = &s->a->params;

	printf("%s%s%s: %llu packets on %u islands x %u FPCs x %u threads @ %u MHz\n",
	       s->a->file, s->rp->p.name ? " prog " : "", s->rp->p.name ? s->rp->p.name : "",
	       (unsigned long long)s->st.packets, p->islands, p->fpcs, p->threads, p->mhz);
	if (s->a->repeat > 1)
		printf("repeat:         the pcap replayed %u times in one batch\n", s->a->repeat);
	printf("verdicts:");
	for (unsigned int i = 0; i < BN_ACT__COUNT; i++)
		printf(" %s %llu", action_str(i), (unsigned long long)s->st.actions[i]);
	printf("\nfaults: %llu\n", (unsigned long long)s->st.faults);
	printf("cycles/packet:  %.1f per FPC (%.1f insns/packet)\n", s->st.cycles_per_pkt,
	       s->st.packets ? (double)s->st.insns / s->st.packets : 0.0);
	printf("modeled:        %.3f Mpps per FPC, %.3f Mpps whole NIC\n", s->st.mpps_per_fpc,
	       s->st.mpps_nic);
	printf("host:           %.0f packets/s wall clock (host threads: %u); "
	       "%.0f packets/s, %.1f ns/packet per core (CPU time)\n",
	       s->wall > 0 ? s->st.packets / s->wall : 0.0, p->host_threads,
	       s->cpu > 0 ? s->st.packets / s->cpu : 0.0,
	       s->st.packets ? s->cpu * 1e9 / s->st.packets : 0.0);
	if (s->a->out_tx)
		printf("TX frames:      %llu -> %s\n", (unsigned long long)s->tx_frames, s->a->out_tx);
	if (s->a->out_pass)
		printf("PASS frames:    %llu -> %s\n", (unsigned long long)s->pass_frames,
		       s->a->out_pass);
}

static int run_batch(struct bn_sim *sim, const struct pkt_list *l, struct bn_sim_result *res,
		     struct run_summary *s)
{
	double t0 = now_sec(), c0 = cpu_sec();
	int err;

	memset(&s->st, 0, sizeof(s->st));
	err = bn_sim_run_batch(sim, l->pkts, l->n, res, &s->st);
	s->wall = now_sec() - t0;
	s->cpu = cpu_sec() - c0;
	if (err)
		p_err("%s: the simulator failed the batch: %s", s->rp->name, strerror(-err));
	return err ? EXIT_FAIL : 0;
}

static void run_report(struct bn_sim *sim, const struct run_summary *s, const uint32_t *ids,
		       const struct pkt_list *l, const struct bn_sim_result *res,
		       const struct run_io *io)
{
	if (json_output) {
		jw_start_object(&json_wtr);
		summary_json(s);
	}
	print_packets(l, res);
	if (!json_output)
		summary_text(s);
	events_print(io, &s->rp->pm);
	maps_print(sim, &s->rp->pm, ids);
	if (json_output)
		jw_end_object(&json_wtr);
}

static int run_sim(const struct prog_args *a, struct run_prog *rp, const struct pkt_list *l)
{
	static struct run_io io;	/* big: the kept events */
	struct bn_sim_ops ops = {
		.tx = run_tx, .to_host = run_to_host, .log = run_log, .event = run_event,
		.opaque = &io,
	};
	struct run_summary s = { .a = a, .rp = rp };
	struct bn_sim_result *res = NULL;
	uint32_t *ids = xcalloc(rp->pm.n, sizeof(*ids));
	struct bn_sim *sim = NULL;
	int ret;

	memset(&io, 0, sizeof(io));
	pthread_mutex_init(&io.ev_lock, NULL);
	ret = sim_setup(a, rp, &ops, &sim, ids);
	ret = ret ? : run_open_outputs(a, &io);
	if (!ret && verbose)	/* out == NULL, out_cap 0: no frame copies */
		res = xcalloc(l->n, sizeof(*res));
	ret = ret ? : run_batch(sim, l, res, &s);
	s.tx_frames = pcap_out_count(io.tx);
	s.pass_frames = pcap_out_count(io.pass);
	if (!ret)
		run_report(sim, &s, ids, l, res, &io);
	if (io.logs > RUN_LOG_LINES && !verbose)
		p_err("sim: %u more log lines (--verbose shows all)", io.logs - RUN_LOG_LINES);
	if (sim)
		bn_sim_destroy(sim);
	pcap_out_close(io.tx);
	pcap_out_close(io.pass);
	for (uint32_t i = 0; i < io.nev; i++)
		free(io.ev[i].data);
	free(res);
	free(ids);
	return ret;
}

/*
 * --repeat: the pcap's packets @repeat times over, in order, as one list
 * sharing the frames of @l (free only its array).
 */
static int repeat_list(const struct prog_args *a, const struct pkt_list *l,
		       struct pkt_list *r)
{
	uint64_t total = (uint64_t)l->n * a->repeat;

	memset(r, 0, sizeof(*r));
	if (total > UINT32_MAX) {
		p_err("--repeat: %u packets x %u is more than the %u packets one batch can take",
		      l->n, a->repeat, UINT32_MAX);
		return EXIT_USAGE;
	}
	r->n = total;
	r->pkts = xcalloc(total, sizeof(*r->pkts));
	for (uint32_t i = 0; i < a->repeat; i++)
		memcpy(r->pkts + (uint64_t)i * l->n, l->pkts, l->n * sizeof(*l->pkts));
	return 0;
}

int prog_run(int argc, char **argv)
{
	unsigned int allowed = OPTF_SEC | OPTF_NO_OPT | OPTF_PCAP | OPTF_OUT_PKT | OPTF_MAP |
			       OPTF_SIM | OPTF_VERBOSE | OPTF_REPEAT | OPTF_CODE_STORE;
	struct pkt_list l = { 0 }, r = { 0 };
	struct run_prog rp = { 0 };
	struct prog_args a;
	int ret;

	ret = prog_args_parse(&a, "run", allowed, argc, argv);
	ret = ret ? : run_prog_load(&a, &rp, true);
	ret = ret ? : pcap_load(a.pcap, &l);
	ret = ret ? : repeat_list(&a, &l, &r);
	ret = ret ? : run_sim(&a, &rp, &r);
	free(r.pkts);
	pkt_list_free(&l);
	run_prog_free(&rp);
	prog_args_free(&a);
	return ret;
}
