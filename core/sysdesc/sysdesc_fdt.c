/*
 * System descriptions: the helpers every stage shares.  Errors are
 * reported through one context (struct sysdesc_ctx) as one line each,
 * "FILE: /node/path: <message>"; property readers check a value's shape
 * (terminated strings, cell counts) before handing it out.  The name rule
 * (sdvf_name_problem) and the quoting of anything a description holds that
 * a message echoes before it is known to be clean live here too.  Every stage
 * calls in here; this file calls no stage (sysdesc_internal.h has the
 * graph).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sysdesc/sysdesc_internal.h"

/* ---- files ------------------------------------------------------------ */

int sysdesc_read_file(const char *path, size_t max, void **out, size_t *size,
		      char why[128])
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, 128, "cannot read: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		snprintf(why, 128, "not a regular file of at most %zu bytes",
			 max);
		close(fd);
		return -1;
	}
	size_t want = (size_t)st.st_size, got = 0;
	char *buf = malloc(want + 1);
	while (buf && got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != want) {
		snprintf(why, 128, "cannot read: short read");
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	*out = buf;
	*size = got;
	return 0;
}

/* ---- size ------------------------------------------------------------- */

/* Stops counting past the limit: linear in at most that many items. */
bool sysdesc_too_many_items(const void *fdt)
{
	int items = 0, depth = 0, p;
	for (int node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		items++;
		fdt_for_each_property_offset(p, fdt, node)
		{
			if (++items > SYSDESC_ITEMS_MAX)
				return true;
		}
		if (items > SYSDESC_ITEMS_MAX)
			return true;
	}
	return false;
}

/* ---- names and printing what a description holds ------------------------ */

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* One byte as it appears in a message: itself, or \n \t \r \\ \xHH. */
static void quote_char(char out[5], unsigned char c)
{
	if (c == '\n' || c == '\t' || c == '\r')
		snprintf(out, 5, "\\%c",
			 c == '\n'   ? 'n'
			 : c == '\t' ? 't'
				     : 'r');
	else if (c == '\\')
		snprintf(out, 5, "\\\\");
	else if (c < 0x20 || c > 0x7e)
		snprintf(out, 5, "\\x%02x", c);
	else
		snprintf(out, 5, "%c", c);
}

const char *sysdesc_quote(char *out, size_t size, const char *in)
{
	size_t at = 0;
	for (; *in; in++) {
		char q[5];
		quote_char(q, (unsigned char)*in);
		/* keep room for "..." and the NUL */
		if (at + strlen(q) + 4 > size) {
			snprintf(out + at, size - at, "...");
			return out;
		}
		memcpy(out + at, q, strlen(q));
		at += strlen(q);
	}
	out[at] = '\0';
	return out;
}

const char *sysdesc_chars_problem(const char *s, bool printable,
				  char why[SDVF_NAME_WHY_MAX])
{
	for (const char *c = s; *c; c++) {
		bool ok =
			printable ? (*c >= ' ' && *c <= '~') : is_name_char(*c);
		if (ok)
			continue;
		char q[5];
		quote_char(q, (unsigned char)*c);
		snprintf(why, SDVF_NAME_WHY_MAX,
			 "may not contain '%s' (valid: %s)", q,
			 printable ? "printable ASCII" : "A-Z a-z 0-9 _ . -");
		return why;
	}
	return NULL;
}

const char *sdvf_name_problem(const char *name, char why[SDVF_NAME_WHY_MAX])
{
	size_t len = strlen(name);
	if (len == 0)
		snprintf(why, SDVF_NAME_WHY_MAX, "is empty");
	else if (len >= SDVF_NAME_MAX)
		snprintf(why, SDVF_NAME_WHY_MAX,
			 "is too long (at most %d characters)",
			 SDVF_NAME_MAX - 1);
	else if (sysdesc_chars_problem(name, false, why))
		;
	else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		/* they name directories, and a name may become a file name */
		snprintf(why, SDVF_NAME_WHY_MAX, "may not be \".\" or \"..\"");
	else
		return NULL;
	return why;
}

/* ---- errors ------------------------------------------------------------ */

/* Node paths are printed quoted: a .dtb may hold any byte in a name, and
 * the name check that refuses it prints the path too. */
static void print_path(struct sysdesc_ctx *c, int node, const char *child)
{
	char path[512], quoted[SYSDESC_PATH_QUOTE_MAX];
	if (fdt_get_path(c->fdt, node, path, sizeof(path)) < 0)
		strcpy(path, "?");
	fprintf(c->err, "%s: %s", c->file,
		sysdesc_quote(quoted, sizeof(quoted), path));
	if (child)
		fprintf(c->err, "%s%s", strcmp(path, "/") == 0 ? "" : "/",
			sysdesc_quote(quoted, sizeof(quoted), child));
	fputs(": ", c->err);
}

/* Past SYSDESC_ERRORS_MAX an error is counted, not printed: printing one
 * costs a walk of the tree for its path. */
static bool error_hidden(struct sysdesc_ctx *c)
{
	if (c->nerrors < SYSDESC_ERRORS_MAX)
		return false;
	c->nerrors++;
	c->nhidden++;
	return true;
}

void sysdesc_errors_hidden(struct sysdesc_ctx *c)
{
	if (c->nhidden > 0)
		fprintf(c->err, "%s: %d more errors not shown\n", c->file,
			c->nhidden);
	c->nhidden = 0;
}

void sysdesc_error(struct sysdesc_ctx *c, int node, const char *fmt, ...)
{
	va_list ap;
	if (error_hidden(c))
		return;
	if (node >= 0)
		print_path(c, node, NULL);
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
	va_list ap;
	if (error_hidden(c))
		return;
	print_path(c, parent, child);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	c->nerrors++;
}

const char *sysdesc_value_str(const char *v, int len)
{
	/* Exactly one non-empty string: NUL at the end and nowhere before. */
	if (!v || len < 2 || v[len - 1] != '\0' || strlen(v) != (size_t)len - 1)
		return NULL;
	return v;
}

const char *sysdesc_prop_str(const void *fdt, int node, const char *name,
			     bool *present)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);
	if (present)
		*present = s != NULL;
	return sysdesc_value_str(s, len);
}

int sysdesc_value_strings(const char *v, int len, const char **out, int max)
{
	int n = 0, at = 0;
	if (!v || len < 1 || v[len - 1] != '\0')
		return -1;
	while (at < len) {
		size_t l = strlen(v + at);
		if (l == 0)
			return -1; /* empty strings are never valid names */
		if (n < max)
			out[n] = v + at;
		n++;
		at += (int)l + 1;
	}
	return n;
}

int sysdesc_prop_strings(const void *fdt, int node, const char *name,
			 const char **out, int max)
{
	int len;
	const char *v = fdt_getprop(fdt, node, name, &len);
	return sysdesc_value_strings(v, len, out, max);
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
