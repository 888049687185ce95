// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The loader against untrusted images: every rejection with its exact
 * message (hand-made malformed images, truncated and huge sizes), and the
 * relocations it applies to images it accepts.
 */
#include "simtest.h"

static struct bn_sim *sim;
static u8 buf[1 << 16];
static u32 map_id;

static struct bn_image_hdr *H(void)
{
	return (struct bn_image_hdr *)buf;
}

/* A valid two-instruction image: immed r0, 2; done a0. */
static size_t base_image(struct tprog *p)
{
	tp_init(p, BN_PROG_XDP);
	E(p, a_immed(RR(0), 2, 0, 0));
	E(p, a_done(AR(0)));
	return tp_image(p, buf);
}

static int load(size_t len)
{
	t_err[0] = '\0';
	return bn_sim_prog_load(sim, buf, len, &map_id, 1, t_err, sizeof(t_err));
}

#define REJECTS(len, msg) do {								\
	int ret_ = load(len);								\
	CHECK(ret_ == -EINVAL && !strcmp(t_err, msg), "want \"%s\", got %d \"%s\"", msg,	\
	      ret_, t_err);								\
} while (0)

static void test_header(void)
{
	struct tprog p;
	size_t len = base_image(&p);

	CHECK(!load(len), "the base image loads: %s", t_err);
	CHECK(bn_sim_prog_load(sim, NULL, 0, NULL, 0, t_err, sizeof(t_err)) == -EINVAL &&
	      !strcmp(t_err, "image: no image"), "%s", t_err);
	REJECTS(10, "image: 10 bytes is shorter than its 40-byte header");
	REJECTS(0, "image: 0 bytes is shorter than its 40-byte header");
	H()->magic = 0x12345678;
	REJECTS(len, "image: bad magic 0x12345678 (want 0x43494e42, \"BNIC\")");
	base_image(&p);
	H()->version = 2;
	REJECTS(len, "image: version 2 not supported (this device loads 1)");
	base_image(&p);
	H()->prog_type = 3;
	REJECTS(len, "image: program type 3 is neither XDP (1) nor tc (2)");
	base_image(&p);
	H()->reserved[1] = 1;
	REJECTS(len, "image: reserved header fields are not zero");
	base_image(&p);
	H()->flags = 0x100;
	REJECTS(len, "image: unknown flags 0x100");
}

static void test_sizes(void)
{
	struct tprog p;
	size_t len = base_image(&p);

	H()->code_len = 0;
	REJECTS(len, "image: no code");
	H()->code_len = 8192 - 0x40 + 1;
	REJECTS(len, "image: 8129 instructions do not fit the code store (8128 from base 0x40)");
	H()->code_len = 0xffffffff;
	REJECTS(len, "image: 4294967295 instructions do not fit the code store (8128 from base 0x40)");
	base_image(&p);
	H()->nrelocs = 3;
	REJECTS(len, "image: 3 relocations for 2 instructions");
	base_image(&p);
	H()->nmaps = 0xffffffff;
	REJECTS(len, "image: 4294967295 maps (the device has 1024)");
	base_image(&p);
	H()->nlines = 0xffffffff;
	REJECTS(len, "image: 4294967295 line-table entries (at most 1048576)");
	base_image(&p);
	REJECTS(len - 8, "image: header sizes add up to 56 bytes, the image has 48");
	REJECTS(len + 16, "image: header sizes add up to 56 bytes, the image has 72");
	H()->nlines = 3;	/* 12 bytes of line table, padded to 16 */
	CHECK(!load(len + 16), "line table padded to 8 bytes: %s", t_err);
	CHECK(!load(len + 12), "line table unpadded: %s", t_err);
	base_image(&p);
	H()->nlines = 1 << 20;
	REJECTS(len, "image: header sizes add up to 4194360 bytes, the image has 56");
}

static void test_resources(void)
{
	struct bn_sim_params prm;
	struct bn_sim *s8;
	struct tprog p;
	size_t len = base_image(&p);

	H()->stack_size = 1025;
	REJECTS(len, "image: 1025 bytes of stack exceed the 1024-byte LM window per thread (4 threads)");
	H()->stack_size = 1024;
	CHECK(!load(len), "a 1024-byte stack fits: %s", t_err);
	H()->gprs = 33;
	REJECTS(len, "image: 33 GPRs per bank per thread do not fit 4 threads (128 per bank)");
	H()->gprs = 32;
	H()->xfers = 40;
	REJECTS(len, "image: 40 transfer registers per thread do not fit 4 threads (128)");

	bn_sim_params_default(&prm);
	prm.threads = 8;
	s8 = bn_sim_create(&prm, NULL, NULL, 0);
	base_image(&p);
	CHECK(bn_sim_prog_load(s8, buf, len, NULL, 0, t_err, sizeof(t_err)) == -EINVAL &&
	      !strcmp(t_err, "image: 32 GPRs per bank per thread do not fit 8 threads (128 per bank)"),
	      "%s", t_err);
	H()->gprs = 16;
	H()->xfers = 16;
	CHECK(!bn_sim_prog_load(s8, buf, len, NULL, 0, t_err, sizeof(t_err)),
	      "16 GPRs fit 8 threads: %s", t_err);
	bn_sim_destroy(s8);
}

static void test_code(void)
{
	struct tprog p;
	size_t len;

	base_image(&p);
	p.code[1] = 0x0100000000000000ull;
	len = tp_image(&p, buf);
	REJECTS(len, "image: insn 1 (0x0100000000000000) does not decode: undefined opcode");
	p.code[1] = a_done(AR(0)) | 1;
	tp_image(&p, buf);
	REJECTS(len, "image: insn 1 (0x4500000000000001) does not decode: bits set outside the format's fields");
	p.code[1] = a_fw(BN_FW_KTIME);
	tp_image(&p, buf);
	REJECTS(len, "image: insn 1: fw_call is only valid in the firmware region");

	base_image(&p);
	p.gprs = 8;
	p.code[0] = a_alu(BN_OP_add, RR(3), AR(9), BR(1));
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 uses GPR 9 but the header declares 8 GPRs");
	p.code[0] = a_alu(BN_OP_udiv64, RR(2), AR(7), BR(0));
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 uses GPR 8 but the header declares 8 GPRs");
	p.gprs = 32;
	p.xfers = 4;
	p.code[0] = a_alu(BN_OP_add, RR(3), AR(0), XR(4));
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 uses $x4 but the header declares 4 transfer registers");
	p.code[0] = a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(0), 2, 9, 0, 1);
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 moves $x2..$x4 but the header declares 4 transfer registers");
}

static void test_maps(void)
{
	struct tprog p;
	size_t len;

	base_image(&p);
	tp_add_map(&p, BPF_MAP_TYPE_ARRAY, 4, 8, 16);
	len = tp_image(&p, buf);
	CHECK(!load(len), "map matches: %s", t_err);
	CHECK(bn_sim_prog_load(sim, buf, len, &map_id, 0, t_err, sizeof(t_err)) == -EINVAL &&
	      !strcmp(t_err, "image: 1 maps but 0 device map ids"), "%s", t_err);
	map_id += 100;
	REJECTS(len, "image: map 0 (m0): no device map with id 101");
	map_id -= 100;
	p.maps[0].type = BPF_MAP_TYPE_HASH;
	tp_image(&p, buf);
	REJECTS(len, "image: map 0 (m0) is a hash with key 4 value 8, device map 1 is an array with key 4 value 8");
	p.maps[0].type = BPF_MAP_TYPE_ARRAY;
	p.maps[0].value_size = 4;
	tp_image(&p, buf);
	REJECTS(len, "image: map 0 (m0) is an array with key 4 value 4, device map 1 is an array with key 4 value 8");
}

static void test_relocs(void)
{
	struct tprog p;
	size_t len;

	base_image(&p);
	p.code[0] = a_br(BN_COND_AL, 0, 1);
	RL(&p, 0, BN_RELOC_BR_REL, 0);
	RL(&p, 1, BN_RELOC_BR_REL, 0);
	len = tp_image(&p, buf);
	REJECTS(len, "image: relocation 1 (br_rel) patches insn 1, which is a done, not a branch");
	p.rel[1].insn = 900;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 1 patches insn 900 beyond code_len 2");
	p.rel[1].insn = 0;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 1 patches insn 0 again (relocation 0 did)");
	p.nrel = 1;
	p.rel[0].type = 9;
	len = tp_image(&p, buf);
	REJECTS(len, "image: relocation 0 has unknown type 9");
	p.rel[0].type = BN_RELOC_BR_REL;
	p.rel[0].reserved2 = 1;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0: reserved fields are not zero");
	p.rel[0].reserved2 = 0;
	p.code[0] = a_br(BN_COND_AL, 0, 2);
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0: branch target 2 is beyond code_len 2");
	p.rel[0].type = BN_RELOC_HELPER;
	p.rel[0].arg = BPF_FUNC_redirect;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0: helper 23 is not a firmware routine of this device");
	p.rel[0].arg = BN_FW_ADJUST_HEAD;
	p.type = BN_PROG_TC;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0: helper 44 (xdp_adjust_head) is XDP-only");
	p.type = BN_PROG_XDP;
	p.rel[0].type = BN_RELOC_IMMED_REL;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0 (immed_rel) patches insn 0, which is not a plain immed");
	p.code[0] = a_immed(RR(28), 1, 1, 0);
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0 (immed_rel) patches insn 0, which is not a plain immed");
	p.code[0] = a_immed(RR(28), 2, 0, 0);
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0: return address 2 is beyond code_len 2");
	p.rel[0].type = BN_RELOC_MAP_ID;
	p.rel[0].arg = 0;
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0 names map 0 of 0");
	p.code[0] = a_csr_rd(RR(2), BN_CSR_PRNG);
	tp_image(&p, buf);
	REJECTS(len, "image: relocation 0 (map id) patches insn 0, which is not a plain immed");
}

static void test_targets(void)
{
	struct tprog p;
	size_t len;

	base_image(&p);
	p.code[0] = a_br(BN_COND_AL, 0, 5);
	len = tp_image(&p, buf);
	REJECTS(len, "image: insn 0 branches to 0x5, outside the image and not a firmware routine");
	p.code[0] = a_call(RR(28), 0, BN_FW_REGION + 1);
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 branches to 0x3001, outside the image and not a firmware routine");
	p.code[0] = a_call(RR(28), 0, BN_FW_REGION + 2 * 8);	/* past the 8 routines */
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 branches to 0x3010, outside the image and not a firmware routine");
	p.code[0] = a_brcmp(BN_OP_br_cmp, AR(0), BR(0), BN_COND_EQ, 0, BN_LOAD_BASE + 2);
	tp_image(&p, buf);
	REJECTS(len, "image: insn 0 branches to 0x42, outside the image and not a firmware routine");
	p.code[0] = a_call(RR(28), 0, BN_FW_REGION + 6);	/* an absolute stub address */
	tp_image(&p, buf);
	CHECK(!load(len), "a call straight to a routine's entry loads: %s", t_err);
	p.code[0] = a_brcmp(BN_OP_br_cmp, AR(0), BR(0), BN_COND_EQ, 0, BN_LOAD_BASE + 1);
	tp_image(&p, buf);
	CHECK(!load(len), "an absolute in-image target loads: %s", t_err);
}

/* Accepted images: the relocations land where they should. */
static void test_applied(void)
{
	struct bn_sim_result r;
	struct tprog p;
	u32 i, saw_stub = 0;

	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_ARRAY, 4, 8, 16);
	E(&p, a_immed(RR(27), 4, 0, 0));		/* 0: return address, image-relative */
	RL(&p, 0, BN_RELOC_IMMED_REL, 0);
	E(&p, a_immed(RR(2), 0, 0, 0));			/* 1: map id */
	RL(&p, 1, BN_RELOC_MAP_ID, 0);
	E_helper(&p, BN_FW_PRANDOM);			/* 2 */
	E(&p, a_rtn(AR(27), 0));			/* 3: r27 = 0x44 */
	E(&p, a_done(AR(2)));				/* 4 */
	CHECK(!tp_load(sim, &p, &map_id, 1), "relocations load: %s", t_err);
	t_trace_on(sim);
	r = t_run(sim, 64);
	bn_sim_set_trace(sim, NULL, NULL);
	for (i = 0; i < t_tr.n && i < T_HIST; i++)
		saw_stub |= t_tr.pc[i] == BN_FW_REGION + 2 * 4;	/* prandom: 5th routine */
	CHECK(!r.fault && r.retval == map_id, "MAP_ID patched the map's device id: %u", r.retval);
	CHECK(saw_stub && t_tr.n == 7, "HELPER call ran the routine at 0x3008 (%u insns)", t_tr.n);
	CHECK(t_tr.n == 7 && t_tr.pc[6] == BN_LOAD_BASE + 4, "IMMED_REL + rtn: done at %#x",
	      t_tr.pc[6]);
}

static void test_replace(void)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E(&p, a_immed(RR(0), 1, 0, 0));
	E(&p, a_done(AR(0)));
	tp_load(sim, &p, NULL, 0);
	r = t_run(sim, 64);
	CHECK(r.action == BN_ACT_DROP, "program A drops");
	p.code[0] = a_immed(RR(0), 3, 0, 0);
	tp_load(sim, &p, NULL, 0);
	r = t_run(sim, 64);
	CHECK(r.action == BN_ACT_TX, "program B replaced A");
	p.code[1] = 0xffffffffffffffffull;
	CHECK(tp_load(sim, &p, NULL, 0) == -EINVAL, "a bad image is refused");
	r = t_run(sim, 64);
	CHECK(r.action == BN_ACT_TX, "and leaves B loaded");
}

/* Mutated images: refused with an "image:" reason, or loaded and run safely. */
static void test_mutations(void)
{
	u64 rng = 0x1234567887654321ull;
	u32 i, k, loaded = 0, bad = 0, ran = 0;
	struct tprog p;
	size_t len;

	for (i = 0; i < 5000; i++) {
		tp_init(&p, i & 1 ? BN_PROG_TC : BN_PROG_XDP);
		E_ld32(&p, RR(2), BN_ADDR_CTM + 0x100);
		E(&p, a_mem(BN_OP_mem_rd, BN_TGT_CTM, AR(2), IM(0), 0, 8, 1, 0));
		E(&p, a_wait(0x2));
		E_br(&p, a_brcmp(BN_OP_br_cmp, AR(2), XR(0), BN_COND_EQ, 1, 6));
		E(&p, a_immed(RR(0), 2, 0, 0));
		E_helper(&p, BN_FW_KTIME);
		E(&p, a_done(AR(0)));
		len = tp_image(&p, buf);
		for (k = 0; k < 1 + i % 4; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			buf[(rng >> 8) % len] ^= 1u << (rng % 8);
		}
		if (i % 7 == 0)
			len = (rng >> 20) % (len + 1);
		if (load(len)) {
			bad += strncmp(t_err, "image: ", 7) != 0;
			continue;
		}
		loaded++;
		ran += t_run(sim, 64).action < BN_ACT__COUNT;
	}
	CHECK(!bad && loaded > 0 && ran == loaded,
	      "5000 mutated images: %u loaded and ran, %u odd rejections", loaded, bad);
}

int main(void)
{
	struct bn_image_map m = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8,
				  .max_entries = 16 };

	sim = t_sim(NULL);
	bn_sim_map_create(sim, &m, &map_id, NULL, 0);
	test_header();
	test_sizes();
	test_resources();
	test_code();
	test_maps();
	test_relocs();
	test_targets();
	test_applied();
	test_replace();
	test_mutations();
	bn_sim_prog_unload(sim);
	bn_sim_map_free(sim, map_id);
	bn_sim_destroy(sim);
	return t_done();
}
