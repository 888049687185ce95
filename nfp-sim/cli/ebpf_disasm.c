// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * A compact eBPF disassembler in the kernel verifier's notation
 * ("r0 = *(u32 *)(r1 +4)", "if w1 > 0x5 goto pc+3 <12>").  Table-driven
 * by opcode class; LD_IMM64 consumes two slots.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=", [BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *const size_str[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16", [BPF_B >> 3] = "u8", [BPF_DW >> 3] = "u64",
};

static const struct { int id; const char *name; } helpers[] = {
	{ 1, "map_lookup_elem" }, { 2, "map_update_elem" }, { 3, "map_delete_elem" },
	{ 5, "ktime_get_ns" }, { 6, "trace_printk" }, { 7, "get_prandom_u32" },
	{ 8, "get_smp_processor_id" }, { 9, "skb_store_bytes" },
	{ 10, "l3_csum_replace" }, { 11, "l4_csum_replace" }, { 12, "tail_call" },
	{ 23, "redirect" }, { 25, "perf_event_output" }, { 26, "skb_load_bytes" },
	{ 28, "csum_diff" }, { 44, "xdp_adjust_head" }, { 51, "redirect_map" },
	{ 54, "xdp_adjust_meta" }, { 65, "xdp_adjust_tail" }, { 130, "ringbuf_output" },
};

const char *helper_name(int id)
{
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (helpers[i].id == id)
			return helpers[i].name;
	return NULL;
}

static void dis_alu(const struct bpf_insn *in, char *buf, size_t len)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	unsigned int op = BPF_OP(in->code) >> 4;

	if (BPF_OP(in->code) == BPF_NEG)
		snprintf(buf, len, "%c%u = -%c%u", r, in->dst_reg, r, in->dst_reg);
	else if (BPF_OP(in->code) == BPF_END)
		snprintf(buf, len, "r%u = %s%d r%u", in->dst_reg,
			 BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	else if (!alu_ops[op])
		snprintf(buf, len, "(%02x) invalid alu op", in->code);
	else if (BPF_SRC(in->code) == BPF_X)
		snprintf(buf, len, "%c%u %s %c%u", r, in->dst_reg, alu_ops[op], r, in->src_reg);
	else
		snprintf(buf, len, "%c%u %s %d", r, in->dst_reg, alu_ops[op], in->imm);
}

static void dis_call(const struct bpf_insn *in, uint32_t idx, char *buf, size_t len)
{
	const char *name = helper_name(in->imm);

	if (in->src_reg == BPF_PSEUDO_CALL)
		snprintf(buf, len, "call pc%+d <%d>", in->imm, (int)idx + 1 + in->imm);
	else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
		snprintf(buf, len, "call kfunc#%d", in->imm);
	else if (name)
		snprintf(buf, len, "call %s#%d", name, in->imm);
	else
		snprintf(buf, len, "call #%d", in->imm);
}

static void dis_jmp(const struct bpf_insn *in, uint32_t idx, char *buf, size_t len)
{
	char r = BPF_CLASS(in->code) == BPF_JMP ? 'r' : 'w';
	unsigned int op = BPF_OP(in->code);
	int tgt = (int)idx + 1 + in->off;

	if (op == BPF_EXIT)
		snprintf(buf, len, "exit");
	else if (op == BPF_CALL)
		dis_call(in, idx, buf, len);
	else if (op == BPF_JA)
		snprintf(buf, len, "goto pc%+d <%d>", in->off, tgt);
	else if (!jmp_ops[op >> 4])
		snprintf(buf, len, "(%02x) invalid jump op", in->code);
	else if (BPF_SRC(in->code) == BPF_X)
		snprintf(buf, len, "if %c%u %s %c%u goto pc%+d <%d>", r, in->dst_reg,
			 jmp_ops[op >> 4], r, in->src_reg, in->off, tgt);
	else
		snprintf(buf, len, "if %c%u %s %#x goto pc%+d <%d>", r, in->dst_reg,
			 jmp_ops[op >> 4], (unsigned int)in->imm, in->off, tgt);
}

static void dis_atomic(const struct bpf_insn *in, const char *sz, char *buf, size_t len)
{
	static const char *const ops[16] = {
		[BPF_ADD >> 4] = "add", [BPF_AND >> 4] = "and",
		[BPF_OR >> 4] = "or", [BPF_XOR >> 4] = "xor",
	};
	const char *op = ops[(in->imm & 0xf0) >> 4];

	if (in->imm == BPF_XCHG)
		snprintf(buf, len, "r%u = atomic_xchg((%s *)(r%u %+d), r%u)", in->src_reg, sz,
			 in->dst_reg, in->off, in->src_reg);
	else if (in->imm == BPF_CMPXCHG)
		snprintf(buf, len, "r0 = atomic_cmpxchg((%s *)(r%u %+d), r0, r%u)", sz,
			 in->dst_reg, in->off, in->src_reg);
	else if (op && (in->imm & BPF_FETCH))
		snprintf(buf, len, "r%u = atomic_fetch_%s((%s *)(r%u %+d), r%u)", in->src_reg,
			 op, sz, in->dst_reg, in->off, in->src_reg);
	else if (op && in->imm == (in->imm & 0xf0))
		snprintf(buf, len, "lock *(%s *)(r%u %+d) %s r%u", sz, in->dst_reg, in->off,
			 alu_ops[in->imm >> 4], in->src_reg);
	else
		snprintf(buf, len, "(%02x) invalid atomic op %#x", in->code, in->imm);
}

static void dis_mem(const struct bpf_insn *in, char *buf, size_t len)
{
	const char *sz = size_str[BPF_SIZE(in->code) >> 3];
	unsigned int cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);

	if (cls == BPF_LDX && mode == BPF_MEM)
		snprintf(buf, len, "r%u = *(%s *)(r%u %+d)", in->dst_reg, sz, in->src_reg, in->off);
	else if (cls == BPF_STX && mode == BPF_MEM)
		snprintf(buf, len, "*(%s *)(r%u %+d) = r%u", sz, in->dst_reg, in->off, in->src_reg);
	else if (cls == BPF_ST && mode == BPF_MEM)
		snprintf(buf, len, "*(%s *)(r%u %+d) = %d", sz, in->dst_reg, in->off, in->imm);
	else if (cls == BPF_STX && mode == BPF_ATOMIC)
		dis_atomic(in, sz, buf, len);
	else if (cls == BPF_LD && mode == BPF_ABS)
		snprintf(buf, len, "r0 = *(%s *)skb[%d]", sz, in->imm);
	else if (cls == BPF_LD && mode == BPF_IND)
		snprintf(buf, len, "r0 = *(%s *)skb[r%u + %d]", sz, in->src_reg, in->imm);
	else
		snprintf(buf, len, "(%02x) invalid memory op", in->code);
}

static void dis_ldimm64(const struct bpf_insn *in, char *const *map_names, uint32_t nmaps,
			char *buf, size_t len)
{
	uint64_t v = (uint32_t)in[0].imm | (uint64_t)(uint32_t)in[1].imm << 32;
	uint32_t m = in[0].imm;
	const char *name = m < nmaps && map_names ? map_names[m] : "?";

	if (in->src_reg == BPF_PSEUDO_MAP_IDX)
		snprintf(buf, len, "r%u = map[%u:%s] ll", in->dst_reg, m, name);
	else if (in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE)
		snprintf(buf, len, "r%u = map_value[%u:%s]%+d ll", in->dst_reg, m, name, in[1].imm);
	else if (in->src_reg)
		snprintf(buf, len, "r%u = <pseudo %u> %#llx ll", in->dst_reg, in->src_reg,
			 (unsigned long long)v);
	else
		snprintf(buf, len, "r%u = %#llx ll", in->dst_reg, (unsigned long long)v);
}

unsigned int ebpf_disasm(const struct bpf_insn *insns, uint32_t idx, uint32_t len,
			 char *const *map_names, uint32_t nmaps, char *buf, size_t buflen)
{
	const struct bpf_insn *in = &insns[idx];

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		dis_alu(in, buf, buflen);
		return 1;
	case BPF_JMP:
	case BPF_JMP32:
		dis_jmp(in, idx, buf, buflen);
		return 1;
	}
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		if (idx + 1 >= len) {
			snprintf(buf, buflen, "(18) truncated ld_imm64");
			return 1;
		}
		dis_ldimm64(in, map_names, nmaps, buf, buflen);
		return 2;
	}
	dis_mem(in, buf, buflen);
	return 1;
}
