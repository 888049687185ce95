// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Packets in and out through libpcap.  Input: Ethernet pcap/pcapng, all
 * packets read into memory.  Output: pcap_dump() from the sim's callbacks
 * (which may come from several host threads, hence the lock); frames get
 * consecutive 1 us timestamps from 0 so outputs are reproducible.
 */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "pcapio.h"

struct pcap_out {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	pthread_mutex_t lock;
	uint64_t n;
};

static int pkt_append(struct pkt_list *l, uint32_t *cap, const uint8_t *data, uint32_t len)
{
	struct bn_sim_pkt *pk;
	uint8_t *copy;

	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		l->pkts = realloc(l->pkts, *cap * sizeof(*l->pkts));
		if (!l->pkts) {
			p_err("out of memory");
			exit(EXIT_FAIL);
		}
	}
	copy = xzalloc(len);
	memcpy(copy, data, len);
	pk = &l->pkts[l->n++];
	memset(pk, 0, sizeof(*pk));
	pk->data = copy;
	pk->len = len;
	pk->ifindex = 1;	/* as BPF_PROG_TEST_RUN: loopback, queue 0 */
	return 0;
}

static int pcap_read_all(pcap_t *pc, const char *path, struct pkt_list *l)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint32_t cap = 0, short_caps = 0;
	int rc;

	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		if (h->caplen < h->len)
			short_caps++;
		pkt_append(l, &cap, data, h->caplen);
	}
	if (rc != PCAP_ERROR_BREAK) {
		p_err("%s: packet %u: %s", path, l->n, pcap_geterr(pc));
		return EXIT_USAGE;
	}
	if (short_caps)
		p_warn("%s: %u packets were captured short (caplen < len); using the captured bytes",
		       path, short_caps);
	return 0;
}

int pcap_load(const char *path, struct pkt_list *l)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	int ret;

	memset(l, 0, sizeof(*l));
	pc = pcap_open_offline(path, errbuf);
	if (!pc) {
		p_err("%s: cannot read pcap: %s", path, errbuf);
		return EXIT_USAGE;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		p_err("%s: link type %s is not supported (need Ethernet, EN10MB)", path,
		      pcap_datalink_val_to_name(pcap_datalink(pc)) ? : "unknown");
		pcap_close(pc);
		return EXIT_USAGE;
	}
	ret = pcap_read_all(pc, path, l);
	pcap_close(pc);
	if (ret)
		pkt_list_free(l);
	return ret;
}

void pkt_list_free(struct pkt_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		free((void *)l->pkts[i].data);
	free(l->pkts);
	memset(l, 0, sizeof(*l));
}

struct pcap_out *pcap_out_open(const char *path)
{
	struct pcap_out *o = xzalloc(sizeof(*o));

	o->dead = pcap_open_dead(DLT_EN10MB, 262144);
	if (o->dead)
		o->dumper = pcap_dump_open(o->dead, path);
	if (!o->dumper) {
		p_err("%s: cannot write pcap: %s", path,
		      o->dead ? pcap_geterr(o->dead) : "pcap_open_dead failed");
		if (o->dead)
			pcap_close(o->dead);
		free(o);
		return NULL;
	}
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

void pcap_out_write(struct pcap_out *o, const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = len, .len = len };

	pthread_mutex_lock(&o->lock);
	h.ts.tv_sec = o->n / 1000000;
	h.ts.tv_usec = o->n % 1000000;
	o->n++;
	pcap_dump((u_char *)o->dumper, &h, frame);
	pthread_mutex_unlock(&o->lock);
}

uint64_t pcap_out_count(const struct pcap_out *o)
{
	return o ? o->n : 0;
}

void pcap_out_close(struct pcap_out *o)
{
	if (!o)
		return;
	pcap_dump_close(o->dumper);
	pcap_close(o->dead);
	pthread_mutex_destroy(&o->lock);
	free(o);
}
