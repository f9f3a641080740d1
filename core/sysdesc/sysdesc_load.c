/*
 * System descriptions, stage 1: from a file (or DTS text) to a validated
 * device-tree blob, then the whole pipeline:
 *   .dts --dtc--> blob --fdt_check_full--> names --> expand --> build
 *   --> check
 * Errors of every stage are collected and printed, one line each; a stage
 * runs only if the one before it produced a tree worth reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sysdesc/sysdesc_internal.h"

#define BLOB_MAX (16u << 20)
#define DTC_ERR_MAX 8192

/* ---- reading and compiling ------------------------------------------ */

static int read_file(struct sysdesc_ctx *c, const char *path, void **out,
		     size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		sysdesc_error(c, -1, "cannot read: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > BLOB_MAX) {
		sysdesc_error(c, -1, "not a regular file of at most %u bytes",
			      BLOB_MAX);
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
		sysdesc_error(c, -1, "cannot read: short read");
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	*out = buf;
	*size = got;
	return 0;
}

/* Print dtc's complaints one per line, naming our file instead of any
 * temporary one. */
static void report_dtc_errors(struct sysdesc_ctx *c, char *text,
			      const char *src)
{
	size_t srclen = strlen(src);
	int lines = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *hit = strstr(line, src);
		if (hit)
			fprintf(c->err, "%s: dtc: %.*s%s%s\n", c->file,
				(int)(hit - line), line, c->file, hit + srclen);
		else
			fprintf(c->err, "%s: dtc: %s\n", c->file, line);
		c->nerrors++;
		lines++;
	}
	if (lines == 0)
		sysdesc_error(c, -1, "dtc failed without a message");
}

static void exec_dtc(const char *src, const char *out, int errfd)
{
	dup2(errfd, 2);
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
	}
	/* The root `name` is our schema's, not the IEEE 1275 one dtc checks. */
	execlp("dtc", "dtc", "-I", "dts", "-O", "dtb", "-E",
	       "no-name_properties", "-o", out, src, (char *)NULL);
	fprintf(stderr, "cannot run dtc: %s (install device-tree-compiler)\n",
		strerror(errno));
	_exit(127);
}

/* Run `dtc -I dts -O dtb` on src; the blob goes to a temporary file. */
static int compile_dts(struct sysdesc_ctx *c, const char *src, void **blob,
		       size_t *size)
{
	char out[] = "/tmp/sdvf-dtb-XXXXXX";
	int pipefd[2], status = 0, outfd = mkstemp(out);
	if (outfd < 0 || pipe(pipefd) < 0) {
		sysdesc_error(c, -1, "cannot run dtc: %s", strerror(errno));
		if (outfd >= 0) {
			close(outfd);
			unlink(out);
		}
		return -1;
	}
	close(outfd);
	/* Only the dup2'd copy of the write end may reach dtc. */
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
	pid_t pid = fork();
	if (pid == 0)
		exec_dtc(src, out, pipefd[1]);
	close(pipefd[1]);
	char text[DTC_ERR_MAX];
	size_t got = 0;
	ssize_t n;
	while ((n = read(pipefd[0], text + got, sizeof(text) - 1 - got)) > 0)
		got += (size_t)n;
	text[got] = '\0';
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		report_dtc_errors(c, text, src);
		unlink(out);
		return -1;
	}
	int rc = read_file(c, out, blob, size);
	unlink(out);
	return rc;
}

/* ---- the pipeline ---------------------------------------------------- */

static int check_blob(struct sysdesc_ctx *c, const void *blob, size_t size)
{
	int rc = size < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED
						  : fdt_check_header(blob);
	if (rc == 0 && fdt_totalsize(blob) > size)
		rc = -FDT_ERR_TRUNCATED;
	if (rc == 0)
		rc = fdt_check_full(blob, size);
	if (rc != 0) {
		sysdesc_error(c, -1, "not a valid device-tree blob: %s",
			      fdt_strerror(rc));
		return -1;
	}
	return 0;
}

static int load_blob(struct sysdesc_ctx *c, struct sdvf_system *sys, void *blob,
		     size_t size, const struct sdvf_component *const *table)
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

static bool is_blob(const void *buf, size_t size)
{
	const uint8_t *b = buf;
	return size >= 4 && b[0] == 0xd0 && b[1] == 0x0d && b[2] == 0xfe &&
	       b[3] == 0xed;
}

int sdvf_system_load(struct sdvf_system *sys, const char *path,
		     const struct sdvf_component *const *table, FILE *err)
{
	struct sysdesc_ctx c = {.file = path, .err = err};
	void *buf;
	size_t size;
	memset(sys, 0, sizeof(*sys));
	sys->path = path;
	if (read_file(&c, path, &buf, &size) < 0)
		return -1;
	if (!is_blob(buf, size)) {
		free(buf);
		if (compile_dts(&c, path, &buf, &size) < 0)
			return -1;
	}
	if (load_blob(&c, sys, buf, size, table) < 0) {
		sdvf_system_free(sys);
		sys->path = path;
		return -1;
	}
	return 0;
}

int sdvf_system_load_dts(struct sdvf_system *sys, const char *name,
			 const char *dts,
			 const struct sdvf_component *const *table, FILE *err)
{
	struct sysdesc_ctx c = {.file = name, .err = err};
	char src[] = "/tmp/sdvf-dts-XXXXXX";
	void *buf;
	size_t size, len = strlen(dts);
	memset(sys, 0, sizeof(*sys));
	sys->path = name;
	int fd = mkstemp(src);
	if (fd < 0 || write(fd, dts, len) != (ssize_t)len) {
		sysdesc_error(&c, -1, "cannot write a temporary file: %s",
			      strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(src);
		}
		return -1;
	}
	close(fd);
	int rc = compile_dts(&c, src, &buf, &size);
	unlink(src);
	if (rc < 0)
		return -1;
	if (load_blob(&c, sys, buf, size, table) < 0) {
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
