/*
 * System descriptions: the helpers every stage shares.  Errors are
 * reported through one context (struct sysdesc_ctx) as one line each,
 * "FILE: /node/path: <message>"; property readers check a value's shape
 * (terminated strings, cell counts) before handing it out.  Every stage
 * calls in here; this file calls no stage (sysdesc_internal.h has the
 * graph).
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

static void print_path(struct sysdesc_ctx *c, int node)
{
	char path[512];
	if (fdt_get_path(c->fdt, node, path, sizeof(path)) < 0)
		strcpy(path, "?");
	fprintf(c->err, "%s: %s: ", c->file, path);
}

void sysdesc_error(struct sysdesc_ctx *c, int node, const char *fmt, ...)
{
	va_list ap;
	if (node >= 0)
		print_path(c, node);
	else
		fprintf(c->err, "%s: ", c->file);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	c->nerrors++;
}

void sysdesc_error_at(struct sysdesc_ctx *c, int parent, const char *child,
		      const char *fmt, ...)
{
	char path[512];
	va_list ap;
	if (fdt_get_path(c->fdt, parent, path, sizeof(path)) < 0)
		strcpy(path, "?");
	fprintf(c->err, "%s: %s%s%s: ", c->file, path,
		strcmp(path, "/") == 0 ? "" : "/", child);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	c->nerrors++;
}

const char *sysdesc_prop_str(const void *fdt, int node, const char *name,
			     bool *present)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);
	if (present)
		*present = s != NULL;
	/* Exactly one non-empty string: NUL at the end and nowhere before. */
	if (!s || len < 2 || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1)
		return NULL;
	return s;
}

int sysdesc_prop_strings(const void *fdt, int node, const char *name,
			 const char **out, int max)
{
	int len, n = 0, at = 0;
	const char *s = fdt_getprop(fdt, node, name, &len);
	if (!s || len < 1 || s[len - 1] != '\0')
		return -1;
	while (at < len) {
		size_t l = strlen(s + at);
		if (l == 0)
			return -1; /* empty strings are never valid names */
		if (n < max)
			out[n] = s + at;
		n++;
		at += (int)l + 1;
	}
	return n;
}

bool sysdesc_cells_u64(const void *prop, int len, uint64_t *out)
{
	const fdt32_t *cells = prop;
	if (len == 4) {
		*out = fdt32_to_cpu(cells[0]);
		return true;
	}
	if (len == 8) {
		*out = (uint64_t)fdt32_to_cpu(cells[0]) << 32 |
		       fdt32_to_cpu(cells[1]);
		return true;
	}
	return false;
}

void sysdesc_join(char *buf, size_t size, const char *const *names)
{
	size_t at = 0;
	buf[0] = '\0';
	for (; *names && at + 1 < size; names++) {
		int n = snprintf(buf + at, size - at, "%s%s", at ? ", " : "",
				 *names);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	if (at == 0)
		snprintf(buf, size, "none");
}

void sysdesc_format_mac(char *buf, const uint8_t *mac)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}
