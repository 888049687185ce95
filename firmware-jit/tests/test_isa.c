// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * ISA self-test: the table in isa.def is consistent, every row encodes and
 * decodes, encode -> decode -> encode round-trips for random operands, and
 * arbitrary words never crash the decoder or the disassembler.
 */
#include <stdlib.h>
#include <string.h>
#include "ucode.h"
#include "testlib.h"

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static u16 rnd_opnd(void)
{
	static const u16 bases[] = { BN_OPND_A_BASE, BN_OPND_B_BASE, BN_OPND_XFER_BASE,
				     BN_OPND_LM_BASE, BN_OPND_IMM_BASE, BN_OPND_BOTH_BASE };
	static const u16 spans[] = { 32, 32, 32, 128, 256, 32 };
	unsigned int k = rnd() % 7;

	if (k == 6)
		return BN_OPND_NONE;
	return bases[k] + rnd() % spans[k];
}

/* Random values for every field; the encoder decides what is legal. */
static void rnd_ucode(struct bn_ucode *u, u8 op)
{
	memset(u, 0, sizeof(*u));
	u->op = op;
	u->dst = rnd_opnd();
	u->srca = rnd_opnd();
	u->srcb = rnd_opnd();
	u->shc = rnd() % 5;
	u->shamt = rnd() % 32;
	u->mask = rnd() % 16;
	u->zf = rnd() % 2;
	u->imm16 = rnd();
	u->bsh = rnd() % 3;
	u->inv = rnd() % 2;
	u->cond = rnd() % 15;
	u->defer = rnd() % 3;
	u->target = rnd() % 0x4000;
	u->tgt = rnd() % 5;
	u->xfer = rnd() % 32;
	u->len = rnd() % 128;
	u->sig = rnd() % 8;
	u->swap = rnd() % 2;
	u->csr = rnd();
	u->sigmask = rnd();
	u->fwid = rnd();
}


static void test_table(void)
{
	unsigned int i, j;

	CHECK(bn_isa_nrows > 30, "table has %u rows", bn_isa_nrows);
	for (i = 0; i < bn_isa_nrows; i++) {
		const struct bn_isa_info *r = &bn_isa_rows[i];

		CHECK(bn_isa[r->opcode].name == r->name,
		      "opcode %#x of %s is taken by another row", r->opcode, r->name);
		CHECK(r->fmt < BN_FMT__COUNT, "%s: bad format", r->name);
		CHECK(r->lat < BN_LAT__COUNT, "%s: bad latency class", r->name);
		CHECK(r->doc && r->doc[0], "%s: no semantics text", r->name);
		for (j = i + 1; j < bn_isa_nrows; j++)
			CHECK(strcmp(r->name, bn_isa_rows[j].name),
			      "mnemonic %s twice", r->name);
	}
}

/* Per row: random field sets; each one the encoder accepts must round-trip. */
static void test_roundtrip(void)
{
	unsigned int i, n, ok;

	for (i = 0; i < bn_isa_nrows; i++) {
		const struct bn_isa_info *r = &bn_isa_rows[i];

		ok = 0;
		for (n = 0; n < 200000 && ok < 500; n++) {
			struct bn_ucode u, d;
			const char *why;
			u64 w, w2;

			rnd_ucode(&u, r->opcode);
			/* Thin out fields at random so each format's legal
			 * subsets get hit. */
			if (bn_encode(&u, &w, &why)) {
				struct bn_ucode z;

				memset(&z, 0, sizeof(z));
				z.op = u.op;
				z.dst = z.srca = z.srcb = BN_OPND_NONE;
				switch (r->fmt) {
				case BN_FMT_ALU:
					z.dst = u.dst; z.srca = u.srca; z.srcb = u.srcb;
					z.shc = u.shc; z.shamt = z.shc ? u.shamt : 0;
					break;
				case BN_FMT_IMMED:
					z.dst = u.dst; z.imm16 = u.imm16;
					z.bsh = u.bsh; z.inv = u.inv;
					break;
				case BN_FMT_LDF:
					z.dst = u.dst; z.srcb = u.srcb; z.shc = u.shc;
					z.shamt = z.shc ? u.shamt : 0;
					z.mask = u.mask; z.zf = u.zf;
					break;
				case BN_FMT_BR:
					z.cond = u.cond; z.defer = u.defer; z.target = u.target;
					break;
				case BN_FMT_BRCMP:
					z.srca = u.srca; z.srcb = u.srcb; z.cond = u.cond;
					z.defer = u.defer; z.target = u.target;
					break;
				case BN_FMT_CALL:
					z.dst = u.dst; z.defer = u.defer; z.target = u.target;
					break;
				case BN_FMT_RTN:
					z.srca = u.srca; z.defer = u.defer;
					break;
				case BN_FMT_DONE:
					z.srca = u.srca;
					break;
				case BN_FMT_MEM:
					z.srca = u.srca; z.srcb = u.srcb; z.tgt = u.tgt;
					z.xfer = u.xfer; z.len = u.len; z.sig = u.sig;
					z.swap = u.swap;
					break;
				case BN_FMT_WAIT:
					z.sigmask = u.sigmask;
					break;
				case BN_FMT_CSR:
					z.csr = u.csr;
					if (u.op == BN_OP_csr_rd)
						z.dst = u.dst;
					else
						z.srcb = u.srcb;
					break;
				case BN_FMT_FW:
					z.fwid = u.fwid;
					break;
				}
				u = z;
				if (bn_encode(&u, &w, &why))
					continue;
			}
			ok++;
			if (bn_decode(w, &d, &why)) {
				CHECK(0, "%s: decode of own encoding failed: %s", r->name, why);
				break;
			}
			if (memcmp(&u, &d, sizeof(u))) {
				CHECK(0, "%s: decode(encode(x)) != x (word %#llx)", r->name,
				      (unsigned long long)w);
				break;
			}
			if (bn_encode(&d, &w2, &why) || w2 != w) {
				CHECK(0, "%s: re-encode differs", r->name);
				break;
			}
		}
		CHECK(ok >= 100, "%s: only %u legal random encodings", r->name, ok);
	}
}

static void test_random_words(void)
{
	unsigned int n, decoded = 0;
	char buf[160];

	for (n = 0; n < 1000000; n++) {
		u64 w = rnd();
		struct bn_ucode u;
		const char *why;

		if (!bn_decode(w, &u, &why)) {
			u64 w2;

			decoded++;
			if (bn_encode(&u, &w2, &why) || w2 != w) {
				CHECK(0, "word %#llx decodes but does not re-encode",
				      (unsigned long long)w);
				return;
			}
		}
		bn_disasm(w, n, buf, sizeof(buf));
		if (strlen(buf) >= sizeof(buf)) {
			CHECK(0, "disasm overran");
			return;
		}
	}
	CHECK(1, "random words: %u of 1000000 decoded", decoded);
}

static void expect_reject(struct bn_ucode u, const char *want)
{
	const char *why = "";
	u64 w;

	CHECK(bn_encode(&u, &w, &why) == -EINVAL && strstr(why, want),
	      "%s rejected with '%s', got '%s'", bn_isa[u.op].name, want, why);
}

static struct bn_ucode alu(u8 op, u16 d, u16 a, u16 b)
{
	struct bn_ucode u = { .op = op, .dst = d, .srca = a, .srcb = b };

	return u;
}

static void test_rules(void)
{
	struct bn_ucode u = { .op = BN_OP_nop, .dst = BN_OPND_NONE,
			      .srca = BN_OPND_NONE, .srcb = BN_OPND_NONE };
	const char *why;
	char buf[128];
	u64 w = 1;

	CHECK(!bn_encode(&u, &w, &why) && w == 0, "nop encodes as 0 (%#llx)",
	      (unsigned long long)w);
	CHECK(!bn_decode(0, &u, &why) && u.op == BN_OP_nop, "0 decodes as nop");
	expect_reject(alu(BN_OP_add, BN_OPND_BOTH(1), BN_OPND_B(2), BN_OPND_B(3)),
		      "A operand");
	expect_reject(alu(BN_OP_add, BN_OPND_BOTH(1), BN_OPND_A(2), BN_OPND_A(3)),
		      "B operand");
	expect_reject(alu(BN_OP_add, BN_OPND_IMM(1), BN_OPND_A(2), BN_OPND_B(3)),
		      "not writable");
	expect_reject(alu(BN_OP_mov, BN_OPND_A(1), BN_OPND_A(2), BN_OPND_B(3)),
		      "no A operand");
	expect_reject(alu(BN_OP_udiv64, BN_OPND_BOTH(31), BN_OPND_A(2), BN_OPND_B(4)),
		      "pairs");
	u = alu(BN_OP_lsl, BN_OPND_A(1), BN_OPND_A(2), BN_OPND_B(3));
	u.shc = BN_SHC_LSL;
	u.shamt = 3;
	expect_reject(u, "no shifted operand");
	u = alu(BN_OP_add, BN_OPND_BOTH(4), BN_OPND_A(2), BN_OPND_B(3));
	u.shc = BN_SHC_LSL;
	u.shamt = 3;
	CHECK(!bn_encode(&u, &w, &why), "alu_shf encodes");
	bn_disasm(w, 0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "add r4, a2, b3 << 3"), "disasm alu_shf: '%s'", buf);
	u = (struct bn_ucode){ .op = BN_OP_mem_add, .dst = BN_OPND_NONE, .srca = BN_OPND_A(0),
			       .srcb = BN_OPND_IMM(0), .tgt = BN_TGT_EMEM, .len = 5 };
	expect_reject(u, "4 or 8");
	u = (struct bn_ucode){ .op = BN_OP_mem_rd, .dst = BN_OPND_NONE, .srca = BN_OPND_A(4),
			       .srcb = BN_OPND_IMM(14), .tgt = BN_TGT_CTM, .len = 63,
			       .xfer = 20, .swap = 1 };
	expect_reject(u, "transfer registers");
	u.xfer = 0;
	CHECK(!bn_encode(&u, &w, &why), "mem_rd encodes: %s", why);
	bn_disasm(w, 0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "mem_rd.ctm $x0, a4, #14, 64 [swap]"), "disasm mem: '%s'", buf);
	u = (struct bn_ucode){ .op = BN_OP_br_cmp, .dst = BN_OPND_NONE, .srca = BN_OPND_A(0),
			       .srcb = BN_OPND_IMM(3), .cond = BN_COND_HI, .target = 0x40,
			       .defer = 1 };
	CHECK(!bn_encode(&u, &w, &why), "br_cmp encodes");
	bn_disasm(w, 0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "br_cmp.hi a0, #3, 0x40 [defer 1]"), "disasm br_cmp: '%s'", buf);
	CHECK(!bn_decode(w | 1ull << 63, &u, &why) == 0, "unknown opcode rejected");
	bn_disasm(0xff00000000000000ull, 0, buf, sizeof(buf));
	CHECK(strstr(buf, ".word") != NULL, "undefined word disassembles as .word: '%s'", buf);
}

int main(void)
{
	test_table();
	test_rules();
	test_roundtrip();
	test_random_words();
	return t_done();
}
