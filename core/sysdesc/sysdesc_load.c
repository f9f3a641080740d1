/*
 * System descriptions, stage 1: from a file (or DTS text) to a validated
 * device-tree blob (a .dts through sysdesc_dts.c), then the whole
 * pipeline:
 *   .dts --dtc--> blob --fdt_check_full--> names --> expand --> build
 *   --> check
 * Errors of every stage are collected and printed, one line each; a stage
 * runs only if the one before it produced a tree worth reading.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

/* ---- the pipeline ---------------------------------------------------- */

/* libfdt 1.6.1's fdt_next_tag adds a property's length to an int offset
 * unchecked: a length of 0xfffffff4 (-12) leads it back to the same tag,
 * and fdt_check_full loops for ever (an 866-byte blob; found by
 * tests/fuzz/fuzz_sysdesc.c, the likely cause of CI's timeout).  So the
 * structure block is walked here first, tag by tag as libfdt reads a
 * version 17 blob: every tag and every property value must end inside
 * it.  NULL, or what is wrong. */
static const char *struct_problem(const void *blob)
{
	const uint8_t *s = (const uint8_t *)blob + fdt_off_dt_struct(blob);
	uint32_t size = fdt_size_dt_struct(blob), at = 0;
	while (size - at >= 4) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(s + at));
		at += 4;
		if (tag == FDT_END)
			return NULL;
		if (tag == FDT_BEGIN_NODE) {
			const uint8_t *nul = memchr(s + at, '\0', size - at);
			if (!nul)
				return "a node name runs past the structure "
				       "block";
			at = (uint32_t)(nul - s) + 1;
		} else if (tag == FDT_PROP) { /* len, nameoff, value */
			const fdt32_t *len = (const fdt32_t *)(s + at);
			if (size - at < 8 || fdt32_ld(len) > size - at - 8)
				return "a property's value runs past the "
				       "structure block";
			at += 8 + fdt32_ld(len);
		} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
			return "an unknown tag in the structure block";
		}
		at = (at + 3) & ~3u; /* tags are 4-byte aligned */
		if (at > size)
			break;
	}
	return "the structure block does not end with FDT_END";
}

static int check_blob(struct sysdesc_ctx *c, const void *blob, size_t size)
{
	int rc = size < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED
						  : fdt_check_header(blob);
	if (rc == 0 && fdt_totalsize(blob) > size)
		rc = -FDT_ERR_TRUNCATED;
	/* dtc writes version 17.  libfdt 1.6.1's fdt_check_full reads past
	 * the blob (a crash, found by tests/fuzz/fuzz_sysdesc.c) for some
	 * version 3 blobs: older versions are refused before it runs. */
	if (rc == 0 && fdt_version(blob) < FDT_LAST_SUPPORTED_VERSION) {
		sysdesc_error(c, -1,
			      "device-tree blob version %u is not supported "
			      "(version %u, as dtc writes)",
			      (unsigned)fdt_version(blob),
			      (unsigned)FDT_LAST_SUPPORTED_VERSION);
		return -1;
	}
	const char *why = rc == 0 ? struct_problem(blob) : NULL;
	if (why) {
		sysdesc_error(c, -1, "not a valid device-tree blob: %s", why);
		return -1;
	}
	if (rc == 0)
		rc = fdt_check_full(blob, size);
	if (rc != 0) {
		sysdesc_error(c, -1, "not a valid device-tree blob: %s",
			      fdt_strerror(rc));
		return -1;
	}
	return 0;
}

static int run_stages(struct sysdesc_ctx *c, struct sdvf_system *sys,
		      void *blob, size_t size,
		      const struct sdvf_component *const *table)
{
	if (check_blob(c, blob, size) < 0) {
		free(blob);
		return -1;
	}
	c->fdt = blob;
	if (sysdesc_check_names(c) > 0 || sysdesc_expand(c, &blob, &size) > 0) {
		free(blob);
		return -1;
	}
	sys->fdt = blob;
	c->fdt = blob;
	sysdesc_build(c, sys, table);
	sysdesc_check(c, sys);
	return c->nerrors ? -1 : 0;
}

static int load_blob(struct sysdesc_ctx *c, struct sdvf_system *sys, void *blob,
		     size_t size, const struct sdvf_component *const *table)
{
	int rc = run_stages(c, sys, blob, size, table);
	sysdesc_errors_hidden(c);
	return rc;
}

static bool is_blob(const void *buf, size_t size)
{
	const uint8_t *b = buf;
	return size >= 4 && b[0] == 0xd0 && b[1] == 0x0d && b[2] == 0xfe &&
	       b[3] == 0xed;
}

int sdvf_system_load_with(struct sdvf_system *sys, const char *path,
			  const struct sdvf_component *const *table,
			  const struct sdvf_load_options *opt, FILE *err)
{
	struct sysdesc_ctx c = {.file = path, .err = err};
	void *buf, *blob;
	size_t size;
	char why[128];
	memset(sys, 0, sizeof(*sys));
	sys->path = path;
	if (sysdesc_read_file(path, SYSDESC_BLOB_MAX, &buf, &size, why) < 0) {
		sysdesc_error(&c, -1, "%s", why);
		return -1;
	}
	if (is_blob(buf, size)) {
		blob = buf;
	} else {
		int rc = sysdesc_compile_dts(&c, path, buf, size, opt, &blob,
					     &size);
		free(buf);
		if (rc < 0) {
			sysdesc_errors_hidden(&c);
			return -1;
		}
	}
	if (load_blob(&c, sys, blob, size, table) < 0) {
		sdvf_system_free(sys);
		sys->path = path;
		return -1;
	}
	return 0;
}

int sdvf_system_load(struct sdvf_system *sys, const char *path,
		     const struct sdvf_component *const *table, FILE *err)
{
	return sdvf_system_load_with(sys, path, table, NULL, err);
}

int sdvf_system_load_dts(struct sdvf_system *sys, const char *name,
			 const char *dts,
			 const struct sdvf_component *const *table, FILE *err)
{
	struct sysdesc_ctx c = {.file = name, .err = err};
	void *blob;
	size_t size;
	memset(sys, 0, sizeof(*sys));
	sys->path = name;
	if (sysdesc_compile_dts(&c, NULL, dts, strlen(dts), NULL, &blob,
				&size) < 0) {
		sysdesc_errors_hidden(&c);
		return -1;
	}
	if (load_blob(&c, sys, blob, size, table) < 0) {
		sdvf_system_free(sys);
		sys->path = name;
		return -1;
	}
	return 0;
}

int sdvf_system_load_blob(struct sdvf_system *sys, const char *name,
			  const void *blob, size_t size,
			  const struct sdvf_component *const *table, FILE *err)
{
	struct sysdesc_ctx c = {.file = name, .err = err};
	memset(sys, 0, sizeof(*sys));
	sys->path = name;
	if (size > SYSDESC_BLOB_MAX) {
		sysdesc_error(&c, -1, "blob of %zu bytes is larger than %u",
			      size, (unsigned)SYSDESC_BLOB_MAX);
		return -1;
	}
	void *copy = malloc(size ? size : 1);
	if (!copy) {
		sysdesc_error(&c, -1, "out of memory");
		return -1;
	}
	memcpy(copy, blob, size);
	if (load_blob(&c, sys, copy, size, table) < 0) {
		sdvf_system_free(sys);
		sys->path = name;
		return -1;
	}
	return 0;
}

void sdvf_system_free(struct sdvf_system *sys)
{
	free(sys->fdt);
	memset(sys, 0, sizeof(*sys));
}
