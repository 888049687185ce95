// SPDX-License-Identifier: GPL-2.0
/*
 * bnpkt: tiny static helper for the bpfnic guest (busybox has no raw sender).
 *   bnpkt send IFACE FILE.pcap [REPEAT]   send every frame of a pcap, as is,
 *                                         through an AF_PACKET raw socket
 *   bnpkt count IFACE N [TIMEOUT_S [BASE]] wait until rx_packets reached BASE+N
 *                                         (BASE: rx_packets at start, or read
 *                                         it before the host starts sending;
 *                                         or stalled for 10 s / timed out), print
 *                                         "bnpkt-count: rx=R of N span=S s pps=P
 *                                         max_gap=G s" (span: first to last
 *                                         increase seen, pps over that span;
 *                                         max_gap: longest pause)
 * Built on the host with gcc -static by scripts/build-guest.sh.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int die(const char *m)
{
	fprintf(stderr, "bnpkt: %s: %s\n", m, strerror(errno));
	return 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *ifname, const char *file, int repeat)
{
	FILE *f = fopen(file, "rb");
	unsigned char gh[24], rh[16], buf[65536];
	int swap, sent = 0;
	if (!f)
		return die(file);
	if (fread(gh, 1, 24, f) != 24) {
		fprintf(stderr, "bnpkt: %s: short pcap header\n", file);
		return 1;
	}
	uint32_t magic;
	memcpy(&magic, gh, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else {
		fprintf(stderr, "bnpkt: %s: not a pcap file\n", file);
		return 1;
	}
	int ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return die(ifname);
	int s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0)
		return die("socket");
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex,
				   .sll_protocol = 0 };
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return die("bind");
	long start = ftell(f);
	for (int r = 0; r < repeat; r++) {
		fseek(f, start, SEEK_SET);
		while (fread(rh, 1, 16, f) == 16) {
			uint32_t incl;
			memcpy(&incl, rh + 8, 4);
			if (swap)
				incl = __builtin_bswap32(incl);
			if (incl > sizeof(buf) || fread(buf, 1, incl, f) != incl) {
				fprintf(stderr, "bnpkt: %s: truncated record\n", file);
				return 1;
			}
			for (;;) {
				if (send(s, buf, incl, 0) == (ssize_t)incl)
					break;
				if (errno == ENOBUFS || errno == EAGAIN) {
					usleep(1000);
					continue;
				}
				return die("send");
			}
			sent++;
		}
	}
	printf("bnpkt-send: %d frames on %s\n", sent, ifname);
	return 0;
}

static long rx_packets(const char *ifname)
{
	char p[256], b[64];
	snprintf(p, sizeof(p), "/sys/class/net/%s/statistics/rx_packets", ifname);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = 0;
	return atol(b);
}

static long poll_us = 500;

static int do_count(const char *ifname, long n, double timeout, long base)
{
	long cur = rx_packets(ifname), last = cur, v_first = 0;
	double t0 = now(), first_t = 0, last_t = 0, max_gap = 0;
	if (cur < 0)
		return die(ifname);
	if (base < 0)
		base = cur;
	while (cur - base < n) {
		double t = now();
		if (t - t0 > timeout)
			break;
		if (last_t && t - last_t > 10.0)
			break;
		usleep(poll_us);
		cur = rx_packets(ifname);
		if (cur != last) {
			double t2 = now();
			if (!first_t) {
				first_t = t2;
				v_first = cur;
			} else if (t2 - last_t > max_gap)
				max_gap = t2 - last_t;
			last_t = t2;
			last = cur;
		}
	}
	long got = cur - base;
	double span = last_t - first_t;
	printf("bnpkt-count: rx=%ld of %ld span=%.3f s pps=%.0f max_gap=%.3f s\n", got, n, span,
	       span > 0 ? (last - v_first) / span : 0.0, max_gap);
	return got >= n ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("BNPKT_POLL_US"))
		poll_us = atol(getenv("BNPKT_POLL_US"));
	if (argc >= 4 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 1);
	if (argc >= 4 && !strcmp(argv[1], "count"))
		return do_count(argv[2], atol(argv[3]), argc > 4 ? atof(argv[4]) : 60,
				argc > 5 ? atol(argv[5]) : -1);
	fprintf(stderr, "usage: bnpkt send IFACE FILE.pcap [REPEAT] | count IFACE N [TIMEOUT_S]\n");
	return 2;
}
