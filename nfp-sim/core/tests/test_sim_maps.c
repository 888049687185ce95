// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * The map engine through the bpf()-like API (kernel 6.1 return codes),
 * and the firmware routines as a program calls them: map helpers, ktime,
 * prandom, xdp_adjust_head/tail with their limits.
 */
#include "simtest.h"
#include "nicsim_int.h"

static struct bn_sim *sim;

static struct bn_image_map mdef(u32 type, u32 ks, u32 vs, u32 max)
{
	struct bn_image_map m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.key_size = ks;
	m.value_size = vs;
	m.max_entries = max;
	strcpy(m.name, "t");
	return m;
}

static int mk(u32 type, u32 ks, u32 vs, u32 max, u32 *id, char *err)
{
	struct bn_image_map m = mdef(type, ks, vs, max);

	return bn_sim_map_create(sim, &m, id, err, 128);
}

static void test_create(void)
{
	struct bn_image_map m;
	char err[128];
	u32 id;

	CHECK(mk(99, 4, 4, 1, &id, err) == -EINVAL && strstr(err, "type 99"), "%s", err);
	CHECK(mk(BPF_MAP_TYPE_ARRAY, 8, 4, 1, &id, err) == -EINVAL && strstr(err, "key size must be 4"),
	      "%s", err);
	CHECK(mk(BPF_MAP_TYPE_HASH, 4, 4, 0, &id, err) == -EINVAL, "max_entries 0: %s", err);
	CHECK(mk(BPF_MAP_TYPE_HASH, 0, 4, 1, &id, err) == -EINVAL, "key 0: %s", err);
	CHECK(mk(BPF_MAP_TYPE_HASH, 4, 1 << 20, 1, &id, err) == -E2BIG, "value 1 MiB: %s", err);
	CHECK(mk(BPF_MAP_TYPE_HASH, 600, 4, 1, &id, err) == -E2BIG, "key 600: %s", err);
	CHECK(mk(BPF_MAP_TYPE_ARRAY, 4, 16, 0x10000000, &id, err) == -ENOMEM &&
	      strstr(err, "emem"), "4 GiB array: %s", err);
	m = mdef(BPF_MAP_TYPE_HASH, 4, 4, 1);
	m.flags = 0x8000;
	CHECK(bn_sim_map_create(sim, &m, &id, err, sizeof(err)) == -EINVAL && strstr(err, "flags"),
	      "%s", err);
	m.flags = BPF_F_NO_PREALLOC;
	CHECK(!bn_sim_map_create(sim, &m, &id, err, sizeof(err)) && !bn_sim_map_free(sim, id),
	      "BPF_F_NO_PREALLOC is accepted");
}

static void test_array(void)
{
	u32 id, k, next, v[2] = { 0x11, 0x22 }, out[2] = { 9, 9 };
	char err[128];

	CHECK(!mk(BPF_MAP_TYPE_ARRAY, 4, 8, 4, &id, err) && id >= 1, "array created: %u", id);
	k = 0;
	CHECK(!bn_sim_map_lookup(sim, id, &k, out) && !out[0] && !out[1], "zero-initialised");
	k = 1;
	CHECK(!bn_sim_map_update(sim, id, &k, v, BN_SIM_ANY), "update ANY");
	CHECK(!bn_sim_map_lookup(sim, id, &k, out) && out[0] == 0x11 && out[1] == 0x22, "lookup");
	CHECK(bn_sim_map_update(sim, id, &k, v, BN_SIM_NOEXIST) == -EEXIST, "NOEXIST: -EEXIST");
	CHECK(!bn_sim_map_update(sim, id, &k, v, BN_SIM_EXIST), "EXIST");
	k = 4;
	CHECK(bn_sim_map_update(sim, id, &k, v, BN_SIM_ANY) == -E2BIG, "index 4 of 4: -E2BIG");
	CHECK(bn_sim_map_update(sim, id, &k, v, 3) == -EINVAL, "flags 3: -EINVAL first");
	CHECK(bn_sim_map_lookup(sim, id, &k, out) == -ENOENT, "lookup out of range");
	k = 1;
	CHECK(bn_sim_map_update(sim, id, &k, v, BPF_F_LOCK) == -EINVAL, "F_LOCK: no spin lock");
	CHECK(bn_sim_map_delete(sim, id, &k) == -EINVAL, "array delete: -EINVAL");
	CHECK(!bn_sim_map_get_next_key(sim, id, NULL, &next) && next == 0, "first key 0");
	CHECK(!bn_sim_map_get_next_key(sim, id, &k, &next) && next == 2, "1 -> 2");
	k = 3;
	CHECK(bn_sim_map_get_next_key(sim, id, &k, &next) == -ENOENT, "last -> -ENOENT");
	k = 77;
	CHECK(!bn_sim_map_get_next_key(sim, id, &k, &next) && next == 0, "out of range -> 0");
	CHECK(bn_sim_map_addr(sim, id) >= BN_ADDR_EMEM, "array lives in EMEM: %#x",
	      bn_sim_map_addr(sim, id));
	CHECK(!bn_sim_map_free(sim, id), "free");
	CHECK(bn_sim_map_free(sim, id) == -EBADF && bn_sim_map_lookup(sim, id, &k, out) == -EBADF,
	      "gone: -EBADF");
}

struct hkey {
	u8 b[6];
};

static void test_hash(void)
{
	struct hkey k[4] = { { "abcde" }, { "fghij" }, { "klmno" }, { "pqrst" } }, nk;
	u32 id, v[3] = { 1, 2, 3 }, out[3], i, seen = 0, steps = 0;
	char err[128];
	int ret;

	CHECK(!mk(BPF_MAP_TYPE_HASH, 6, 12, 3, &id, err), "hash created: %s", err);
	CHECK(bn_sim_map_lookup(sim, id, &k[0], out) == -ENOENT, "empty lookup");
	CHECK(bn_sim_map_get_next_key(sim, id, NULL, &nk) == -ENOENT, "empty iteration");
	CHECK(bn_sim_map_update(sim, id, &k[0], v, BN_SIM_EXIST) == -ENOENT, "EXIST on missing");
	CHECK(!bn_sim_map_update(sim, id, &k[0], v, BN_SIM_NOEXIST), "NOEXIST inserts");
	CHECK(bn_sim_map_update(sim, id, &k[0], v, BN_SIM_NOEXIST) == -EEXIST, "NOEXIST twice");
	v[0] = 10;
	CHECK(!bn_sim_map_update(sim, id, &k[1], v, BN_SIM_ANY), "ANY inserts");
	v[0] = 20;
	CHECK(!bn_sim_map_update(sim, id, &k[2], v, BN_SIM_ANY), "third");
	CHECK(bn_sim_map_update(sim, id, &k[3], v, BN_SIM_ANY) == -E2BIG, "full: -E2BIG");
	v[0] = 11;
	CHECK(!bn_sim_map_update(sim, id, &k[1], v, BN_SIM_ANY), "replace while full");
	CHECK(!bn_sim_map_lookup(sim, id, &k[1], out) && out[0] == 11 && out[2] == 3, "replaced");
	CHECK(bn_sim_map_update(sim, id, &k[1], v, 4) == -EINVAL &&
	      bn_sim_map_update(sim, id, &k[1], v, 3) == -EINVAL, "bad flags");
	for (ret = bn_sim_map_get_next_key(sim, id, NULL, &nk); !ret && steps < 10;
	     ret = bn_sim_map_get_next_key(sim, id, &nk, &nk), steps++)
		for (i = 0; i < 3; i++)
			if (!memcmp(&nk, &k[i], 6))
				seen |= 1u << i;
	CHECK(ret == -ENOENT && steps == 3 && seen == 7, "iteration: %u steps, seen %#x", steps,
	      seen);
	CHECK(!bn_sim_map_get_next_key(sim, id, &k[3], &nk), "missing key restarts at the first");
	CHECK(!bn_sim_map_delete(sim, id, &k[0]) && bn_sim_map_delete(sim, id, &k[0]) == -ENOENT,
	      "delete, then -ENOENT");
	CHECK(!bn_sim_map_update(sim, id, &k[3], v, BN_SIM_ANY), "room again after delete");
	CHECK(bn_sim_map_lookup(sim, id, &k[0], out) == -ENOENT, "deleted key is gone");
	CHECK(!bn_sim_map_free(sim, id), "free");
}

/* Hash keys: every length a map may have, equal and differing in each byte. */
static void test_key_eq(void)
{
	u8 a[32], b[32];
	u32 n, i, bad = 0;

	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (u8)(i * 37 + 1);
	for (n = 1; n <= 24; n++) {
		if (!bn_key_eq(a, b, n))
			bad++;
		for (i = 0; i < n; i++) {
			b[i] ^= 0x10;
			if (bn_key_eq(a, b, n))
				bad++;
			b[i] ^= 0x10;
		}
		b[n] ^= 0xff;		/* past the key: no matter */
		if (!bn_key_eq(a, b, n))
			bad++;
		b[n] ^= 0xff;
	}
	CHECK(!bad, "keys of 1..24 bytes compare by every byte and no other (%u wrong)", bad);
}

static void test_ids(void)
{
	u32 a, b, c, i;
	char err[128];
	int bad = 0;

	mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, &a, err);
	mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, &b, err);
	bn_sim_map_free(sim, a);
	mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, &c, err);
	CHECK(c == a && b != a, "lowest free id reused: %u %u %u", a, b, c);
	bn_sim_map_free(sim, b);
	bn_sim_map_free(sim, c);
	/* EMEM space is reused: 3000 x 1 MiB maps in a 2 GiB EMEM */
	for (i = 0; i < 3000; i++) {
		if (mk(BPF_MAP_TYPE_ARRAY, 4, 1024, 1024, &a, err) || bn_sim_map_free(sim, a))
			bad++;
	}
	CHECK(!bad, "create/free cycles: %d failures (%s)", bad, err);
}

/* ---- helpers from a program ------------------------------------------------------------- */

static struct bn_sim_result run_with_map(struct tprog *p, u32 id)
{
	struct bn_sim_result r;

	memset(&r, 0, sizeof(r));
	if (tp_load(sim, p, &id, 1)) {
		printf("load: %s\n", t_err);
		r.fault = 2;
		return r;
	}
	t_trace_on(sim);
	r = t_run(sim, 64);
	bn_sim_set_trace(sim, NULL, NULL);
	return r;
}

static s64 r0(void)
{
	return (s64)(t_tr.last.a[0] | (u64)t_tr.last.a[1] << 32);
}

static void test_map_helpers(void)
{
	u32 id, key = 2, val[2] = { 0xabc, 0xdef }, out[2];
	struct bn_sim_result r;
	struct tprog p;
	char err[128];

	mk(BPF_MAP_TYPE_ARRAY, 4, 8, 4, &id, err);
	bn_sim_map_update(sim, id, &key, val, 0);

	/* lookup key 2, read the value through the returned EMEM address */
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	E(&p, a_alu(BN_OP_mov, LMW(0), N, IM(2)));
	E_map_call(&p, BN_FW_MAP_LOOKUP);
	E(&p, a_mem(BN_OP_mem_rd, BN_TGT_EMEM, AR(0), IM(4), 0, 4, 0, 1));
	E(&p, a_alu(BN_OP_mov, RR(4), N, XR(0)));
	E(&p, a_done(AR(4)));
	r = run_with_map(&p, id);
	CHECK(!r.fault && r.retval == 0xdef && t_tr.last.a[1] == 0 &&
	      t_tr.last.a[0] == bn_sim_map_addr(sim, id) + 16,
	      "array lookup returns the value's EMEM address: %#x %s", t_tr.last.a[0], r.fault_msg);

	/* out of range: NULL */
	p.code[0] = a_alu(BN_OP_mov, LMW(0), N, IM(4));
	p.code[p.n - 3] = a_done(AR(0));
	r = run_with_map(&p, id);
	CHECK(!r.fault && r0() == 0, "lookup past max_entries: NULL (%lld)", (long long)r0());

	/* update with bad flags: -EINVAL, sign-extended */
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	E(&p, a_alu(BN_OP_mov, LMW(0), N, IM(1)));
	E(&p, a_alu(BN_OP_mov, LMW(1), N, IM(0x55)));
	E(&p, a_alu(BN_OP_mov, LMW(2), N, IM(0x66)));
	E(&p, a_csr_rd(RR(BN_ABI_GPR_LO(3)), BN_CSR_LM_FP_ADDR));
	E(&p, a_alu(BN_OP_add, RR(BN_ABI_GPR_LO(3)), AR(BN_ABI_GPR_LO(3)), IM(4)));
	E(&p, a_immed(RR(BN_ABI_GPR_LO(4)), 3, 0, 0));
	E_map_call(&p, BN_FW_MAP_UPDATE);
	E(&p, a_done(AR(0)));
	r = run_with_map(&p, id);
	CHECK(!r.fault && r0() == -EINVAL, "update flags 3: %lld", (long long)r0());
	p.code[5] = a_immed(RR(BN_ABI_GPR_LO(4)), BN_SIM_NOEXIST, 0, 0);
	r = run_with_map(&p, id);
	CHECK(r0() == -EEXIST, "update NOEXIST on an array: %lld", (long long)r0());
	p.code[5] = a_immed(RR(BN_ABI_GPR_LO(4)), BN_SIM_ANY, 0, 0);
	r = run_with_map(&p, id);
	key = 1;
	bn_sim_map_lookup(sim, id, &key, out);
	CHECK(r0() == 0 && out[0] == 0x55 && out[1] == 0x66, "update from a program: %#x %#x",
	      out[0], out[1]);
	p.code[0] = a_alu(BN_OP_mov, LMW(0), N, IM(9));
	r = run_with_map(&p, id);
	CHECK(r0() == -E2BIG, "update index 9: %lld", (long long)r0());

	/* delete on an array */
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	E_map_call(&p, BN_FW_MAP_DELETE);
	E(&p, a_done(AR(0)));
	r = run_with_map(&p, id);
	CHECK(!r.fault && r0() == -EINVAL, "array delete: %lld", (long long)r0());

	CHECK(bn_sim_map_free(sim, id) == -EBUSY, "a loaded program holds its maps");
	bn_sim_prog_unload(sim);
	CHECK(!bn_sim_map_free(sim, id), "free after unload");
}

static void test_hash_helpers(void)
{
	u32 id, key = 0x01020304, val = 0x77, addr0, addr1, old;
	struct bn_sim_result r;
	struct tprog p;
	char err[128];

	mk(BPF_MAP_TYPE_HASH, 4, 4, 8, &id, err);
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_HASH, 4, 4, 8);
	E_ld32(&p, RR(8), key);
	E(&p, a_alu(BN_OP_mov, LMW(0), N, BR(8)));
	E_map_call(&p, BN_FW_MAP_LOOKUP);
	E(&p, a_done(AR(0)));
	r = run_with_map(&p, id);
	CHECK(!r.fault && r0() == 0, "hash miss: NULL");
	bn_sim_map_update(sim, id, &key, &val, 0);
	r = run_with_map(&p, id);
	addr0 = (u32)r0();
	CHECK(!r.fault && addr0 >= BN_ADDR_EMEM && !bn_sim_dev_read(sim, 0, 0, addr0, &old, 4) &&
	      old == 0x77, "hash hit: value at %#x", addr0);
	CHECK(r.cycles > 150, "the lookup engine pays an EMEM access: %llu cycles",
	      (unsigned long long)r.cycles);
	val = 0x88;
	bn_sim_map_update(sim, id, &key, &val, 0);
	r = run_with_map(&p, id);
	addr1 = (u32)r0();
	bn_sim_dev_read(sim, 0, 0, addr0, &old, 4);
	CHECK(addr1 != addr0 && old == 0x77, "update writes a fresh element; the old one keeps %#x",
	      old);

	/* delete from a program, then -ENOENT */
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_HASH, 4, 4, 8);
	E_ld32(&p, RR(8), key);
	E(&p, a_alu(BN_OP_mov, LMW(0), N, BR(8)));
	E_map_call(&p, BN_FW_MAP_DELETE);
	E(&p, a_done(AR(0)));
	r = run_with_map(&p, id);
	CHECK(!r.fault && r0() == 0, "hash delete: %lld", (long long)r0());
	r = run_with_map(&p, id);
	CHECK(r0() == -ENOENT, "hash delete again: %lld", (long long)r0());
	bn_sim_prog_unload(sim);
	bn_sim_map_free(sim, id);
}

static void test_key_fault(void)
{
	struct bn_sim_result r;
	struct tprog p;
	u32 id;
	char err[128];

	mk(BPF_MAP_TYPE_HASH, 4, 4, 8, &id, err);
	tp_init(&p, BN_PROG_XDP);
	tp_add_map(&p, BPF_MAP_TYPE_HASH, 4, 4, 8);
	E_map_call(&p, BN_FW_MAP_LOOKUP);
	p.code[2] = a_immed(RR(BN_ABI_GPR_LO(2)), 0x10, 0, 0);
	E(&p, a_done(AR(0)));
	r = run_with_map(&p, id);
	CHECK(r.fault && strstr(r.fault_msg, "map_lookup_elem: key: address 0x10 is not device memory"),
	      "%s", r.fault_msg);
	bn_sim_prog_unload(sim);
	bn_sim_map_free(sim, id);
}

static void test_misc_helpers(void)
{
	struct bn_sim_result r;
	struct tprog p;
	u64 t1, t2;

	tp_init(&p, BN_PROG_XDP);
	E_helper(&p, BN_FW_KTIME);
	E(&p, a_alu(BN_OP_mov, RR(10), N, BR(0)));
	E(&p, a_alu(BN_OP_mov, RR(11), N, BR(1)));
	E(&p, a_alu(BN_OP_udiv, RR(12), AR(10), BR(11)));
	E_helper(&p, BN_FW_KTIME);
	E(&p, a_alu(BN_OP_mov, RR(12), N, BR(0)));
	E(&p, a_alu(BN_OP_mov, RR(13), N, BR(1)));
	E_helper(&p, BN_FW_PRANDOM);
	E(&p, a_alu(BN_OP_mov, RR(14), N, BR(0)));
	E_helper(&p, BN_FW_PRANDOM);
	E(&p, a_done(AR(0)));
	r = t_exec(sim, &p);
	t1 = t_tr.last.a[10] | (u64)t_tr.last.a[11] << 32;
	t2 = t_tr.last.a[12] | (u64)t_tr.last.a[13] << 32;
	CHECK(!r.fault && t2 > t1 && t2 - t1 >= 20 * 1000 / 800, "ktime_get_ns advances: %llu %llu",
	      (unsigned long long)t1, (unsigned long long)t2);
	CHECK(t_tr.last.a[1] == 0 && t_tr.last.a[0] != t_tr.last.a[14], "prandom: %#x %#x",
	      t_tr.last.a[0], t_tr.last.a[14]);
	CHECK(t_tr.last.a[28] == BN_LOAD_BASE + p.n - 1, "helpers return through r28");
}

/* Call adjust_head/tail with @off, then return XDP_PASS; R0 of the helper in a10. */
static struct bn_sim_result adjust(u32 helper, s32 off, u32 len)
{
	struct bn_sim_result r;
	struct tprog p;

	tp_init(&p, BN_PROG_XDP);
	E_ld32(&p, RR(BN_ABI_GPR_LO(2)), (u32)off);
	E_helper(&p, helper);
	E(&p, a_alu(BN_OP_mov, RR(10), N, BR(0)));
	E(&p, a_alu(BN_OP_mov, RR(11), N, BR(1)));
	E(&p, a_immed(RR(0), 2, 0, 0));
	E(&p, a_done(AR(0)));
	tp_load(sim, &p, NULL, 0);
	t_trace_on(sim);
	r = t_run(sim, len);
	bn_sim_set_trace(sim, NULL, NULL);
	return r;
}

static void test_adjust(void)
{
	static const struct { u32 helper; s32 off; int ret; u32 out_len; } cases[] = {
		{ BN_FW_ADJUST_HEAD, -4, 0, 68 },
		{ BN_FW_ADJUST_HEAD, -(256 - 40), 0, 64 + 216 },
		{ BN_FW_ADJUST_HEAD, -(256 - 40) - 1, -EINVAL, 64 },
		{ BN_FW_ADJUST_HEAD, 50, 0, 14 },
		{ BN_FW_ADJUST_HEAD, 51, -EINVAL, 64 },
		{ BN_FW_ADJUST_TAIL, 4096 - 320 - 256 - 64, 0, 4096 - 320 - 256 },
		{ BN_FW_ADJUST_TAIL, 4096 - 320 - 256 - 64 + 1, -EINVAL, 64 },
		{ BN_FW_ADJUST_TAIL, -50, 0, 14 },
		{ BN_FW_ADJUST_TAIL, -51, -EINVAL, 64 },
	};
	static const u8 zero[4];
	u8 junk[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bn_sim_result r = adjust(cases[i].helper, cases[i].off, 64);

		CHECK(!r.fault && (s32)t_tr.last.a[10] == cases[i].ret &&
		      t_tr.last.a[11] == (cases[i].ret ? 0xffffffff : 0) && r.out_len == cases[i].out_len,
		      "%s(%d): ret %d, %u bytes out (want %d, %u) %s",
		      cases[i].helper == BN_FW_ADJUST_HEAD ? "adjust_head" : "adjust_tail",
		      cases[i].off, (s32)t_tr.last.a[10], r.out_len, cases[i].ret, cases[i].out_len,
		      r.fault_msg);
	}
	/* grown head and tail bytes read as zero, whatever the frame held */
	memset(junk, 0xa5, sizeof(junk));
	bn_sim_dev_write(sim, 0, 0, BN_ADDR_CTM + BN_XDP_HEADROOM - 4, junk, 4);
	adjust(BN_FW_ADJUST_HEAD, -4, 64);
	CHECK(!memcmp(t_out, zero, 4) && t_out[4] == 0x02, "headroom is zeroed: %02x",
	      t_out[0]);
	bn_sim_dev_write(sim, 0, 0, BN_ADDR_CTM + BN_XDP_HEADROOM + 64, junk, 64);
	adjust(BN_FW_ADJUST_TAIL, 8, 64);
	CHECK(!memcmp(t_out + 64, zero, 4) && !memcmp(t_out + 68, zero, 4), "grown tail is zeroed");
}

int main(void)
{
	sim = t_sim(NULL);
	test_create();
	test_array();
	test_hash();
	test_key_eq();
	test_ids();
	test_map_helpers();
	test_hash_helpers();
	test_key_fault();
	test_misc_helpers();
	test_adjust();
	bn_sim_destroy(sim);
	return t_done();
}
