// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Program images (include/bpfnic/image.h) as untrusted input: every size,
 * index and reserved field is checked before anything else looks at them.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

#define ALIGN8(x)	(((x) + 7) & ~(uint64_t)7)

const char *reloc_type_str(uint32_t type)
{
	switch (type) {
	case BN_RELOC_BR_REL:		return "BR_REL";
	case BN_RELOC_IMMED_REL:	return "IMMED_REL";
	case BN_RELOC_HELPER:		return "HELPER";
	case BN_RELOC_MAP_ID:		return "MAP_ID";
	default:			return NULL;
	}
}

void img_map_name(const struct bn_image_map *m, char *buf)
{
	size_t i;

	for (i = 0; i < BN_MAP_NAME_LEN && m->name[i]; i++)
		buf[i] = (m->name[i] > 0x20 && m->name[i] < 0x7f) ? m->name[i] : '?';
	buf[i] = '\0';
}

/* Section sizes against the buffer length; 64-bit arithmetic, no overflow. */
static int img_check_sizes(const struct bn_image_hdr *h, size_t len, char *err, size_t errlen)
{
	uint64_t code = (uint64_t)le32toh(h->code_len) * 8;
	uint64_t rel = (uint64_t)le32toh(h->nrelocs) * sizeof(struct bn_image_reloc);
	uint64_t maps = (uint64_t)le32toh(h->nmaps) * sizeof(struct bn_image_map);
	uint64_t lines = (uint64_t)le32toh(h->nlines) * 4;
	uint64_t need = sizeof(*h) + code + rel + maps + lines;

	if (need != len && ALIGN8(need) != len) {
		snprintf(err, errlen,
			 "image size mismatch: header says %llu bytes (%u code words, %u relocations, "
			 "%u maps, %u line entries), file has %zu",
			 (unsigned long long)need, le32toh(h->code_len), le32toh(h->nrelocs),
			 le32toh(h->nmaps), le32toh(h->nlines), len);
		return -EINVAL;
	}
	return 0;
}

static int img_check_hdr(const struct bn_image_hdr *h, size_t len, char *err, size_t errlen)
{
	uint32_t type;

	if (len < sizeof(*h)) {
		snprintf(err, errlen, "image truncated: %zu bytes, header alone is %zu", len,
			 sizeof(*h));
		return -EINVAL;
	}
	type = le16toh(h->prog_type);
	if (le32toh(h->magic) != BN_IMAGE_MAGIC) {
		snprintf(err, errlen, "bad image magic 0x%08x", le32toh(h->magic));
		return -EINVAL;
	}
	if (le16toh(h->version) != BN_IMAGE_VERSION) {
		snprintf(err, errlen, "image version %u not supported (this tool reads %u)",
			 le16toh(h->version), BN_IMAGE_VERSION);
		return -EINVAL;
	}
	if (type != BN_PROG_XDP && type != BN_PROG_TC) {
		snprintf(err, errlen, "unknown program type %u in image header", type);
		return -EINVAL;
	}
	if (h->reserved[0] || h->reserved[1]) {
		snprintf(err, errlen, "reserved header fields are not zero");
		return -EINVAL;
	}
	return img_check_sizes(h, len, err, errlen);
}

static int img_check_relocs(const struct img_view *v, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < v->nrelocs; i++) {
		const struct bn_image_reloc *r = &v->relocs[i];
		uint32_t type = le16toh(r->type), insn = le32toh(r->insn), arg = le32toh(r->arg);

		if (!reloc_type_str(type)) {
			snprintf(err, errlen, "relocation %u: unknown type %u", i, type);
			return -EINVAL;
		}
		if (insn >= v->code_len) {
			snprintf(err, errlen, "relocation %u: insn %u beyond the code (%u words)",
				 i, insn, v->code_len);
			return -EINVAL;
		}
		if (type == BN_RELOC_MAP_ID && arg >= v->nmaps) {
			snprintf(err, errlen, "relocation %u: map index %u, image has %u maps",
				 i, arg, v->nmaps);
			return -EINVAL;
		}
		if (r->reserved || r->reserved2) {
			snprintf(err, errlen, "relocation %u: reserved fields are not zero", i);
			return -EINVAL;
		}
	}
	return 0;
}

static int img_check_maps(const struct img_view *v, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < v->nmaps; i++) {
		const struct bn_image_map *m = &v->maps[i];
		uint32_t type = le32toh(m->type);

		if (type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {	/* image.h: host map */
			if (le32toh(m->max_entries)) {
				snprintf(err, errlen, "map %u: a PERF_EVENT_ARRAY with max_entries %u (0: the host's)",
					 i, le32toh(m->max_entries));
				return -EINVAL;
			}
		} else if (type != BPF_MAP_TYPE_ARRAY && type != BPF_MAP_TYPE_HASH) {
			snprintf(err, errlen, "map %u: type %u is neither array nor hash", i, type);
			return -EINVAL;
		} else if (!le32toh(m->max_entries)) {
			snprintf(err, errlen, "map %u: zero max entries", i);
			return -EINVAL;
		}
		if (!le32toh(m->key_size) || !le32toh(m->value_size)) {
			snprintf(err, errlen, "map %u: zero key size or value size", i);
			return -EINVAL;
		}
		if (memchr(m->name, '\0', BN_MAP_NAME_LEN) == NULL) {
			snprintf(err, errlen, "map %u: name is not NUL-terminated", i);
			return -EINVAL;
		}
	}
	return 0;
}

static int img_check_lines(const struct img_view *v, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < v->nlines; i++) {
		if (le32toh(v->lines[i]) > v->code_len) {
			snprintf(err, errlen, "line table entry %u: code offset %u beyond %u words",
				 i, le32toh(v->lines[i]), v->code_len);
			return -EINVAL;
		}
	}
	return 0;
}

int img_parse(const void *buf, size_t len, struct img_view *v, char *err, size_t errlen)
{
	const struct bn_image_hdr *h = buf;
	const uint8_t *p = buf;
	int ret;

	memset(v, 0, sizeof(*v));
	ret = img_check_hdr(h, len, err, errlen);
	if (ret)
		return ret;
	v->hdr = h;
	v->prog_type = le16toh(h->prog_type);
	v->code_len = le32toh(h->code_len);
	v->nrelocs = le32toh(h->nrelocs);
	v->nmaps = le32toh(h->nmaps);
	v->nlines = le32toh(h->nlines);
	p += sizeof(*h);
	v->code = (const uint64_t *)p;
	p += (size_t)v->code_len * 8;
	v->relocs = (const struct bn_image_reloc *)p;
	p += (size_t)v->nrelocs * sizeof(*v->relocs);
	v->maps = (const struct bn_image_map *)p;
	p += (size_t)v->nmaps * sizeof(*v->maps);
	v->lines = (const uint32_t *)p;
	ret = img_check_relocs(v, err, errlen);
	ret = ret ? : img_check_maps(v, err, errlen);
	return ret ? : img_check_lines(v, err, errlen);
}
