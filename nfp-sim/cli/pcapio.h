/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/* bpfnic CLI: packets in from and out to pcap files (pcap.c). */
#ifndef BPFNIC_CLI_PCAPIO_H
#define BPFNIC_CLI_PCAPIO_H

#include <stdint.h>
#include "nicsim.h"

struct pkt_list {
	struct bn_sim_pkt *pkts;
	uint32_t n;
};

int pcap_load(const char *path, struct pkt_list *l);
void pkt_list_free(struct pkt_list *l);

struct pcap_out;
struct pcap_out *pcap_out_open(const char *path);
void pcap_out_write(struct pcap_out *o, const uint8_t *frame, uint32_t len);
uint64_t pcap_out_count(const struct pcap_out *o);
void pcap_out_close(struct pcap_out *o);

#endif /* BPFNIC_CLI_PCAPIO_H */
