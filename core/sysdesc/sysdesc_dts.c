/*
 * System descriptions, stage 0: device-tree source into a blob, through dtc
 * run as a child process that reads only what sdvf hands it.
 *
 * sdvf reads the file and every file it /include/s itself (regular files,
 * SOURCE_MAX bytes in all, INCLUDE_DEPTH levels deep) and hands dtc one
 * text: each include inlined between line markers (`# LINE "FILE"`, which
 * dtc follows, so its messages still name the right file and line), and
 * every comment made blanks, so what dtc reads as code is exactly what was
 * scanned as code here.  /incbin/ in code is refused: it copies any file
 * the user of sdvf can read into the description (and so into `sdvf dump`),
 * and /incbin/("/dev/zero") never ends.  With allow_incbin, dtc is handed
 * the file itself and reads whatever it names.
 *
 * Either way dtc runs with limits on memory, CPU time and output size, and
 * is killed at the timeout; its messages are read while it runs, so a
 * talkative dtc cannot block on a full pipe while we wait for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/sysdesc/sysdesc_internal.h"

#define SOURCE_MAX (1u << 20) /* bytes, a file and all it includes */
#define INCLUDE_DEPTH 7	      /* levels of /include/ below the file */
#define INCLUDES_MAX 64
#define DTC_MEMORY_MAX (256ul << 20) /* RLIMIT_AS */
#define DTC_CPU_S 10		     /* RLIMIT_CPU */
#define DTC_OUTPUT_MAX (32ul << 20)  /* RLIMIT_FSIZE: the blob */
#define DTC_ERR_MAX 8192	     /* bytes of its messages kept */

/* ---- one text for dtc ------------------------------------------------ */

struct flat {
	struct sysdesc_ctx *c;
	char *text; /* what dtc reads */
	size_t len, cap;
	size_t source_bytes; /* read so far, every file */
	int includes;
	int statements; /* ';' in code: nodes and properties, every file */
	bool failed;
};

/* One file being scanned. */
struct scan {
	const char *file; /* as messages name it */
	const char *text;
	size_t len, at;
	int line;
};

static void put(struct flat *f, const char *s, size_t n)
{
	if (f->failed)
		return;
	if (f->len + n + 1 > f->cap) {
		size_t cap = (f->len + n + 1) * 2;
		char *bigger = realloc(f->text, cap);
		if (!bigger) {
			sysdesc_error(f->c, -1, "out of memory");
			f->failed = true;
			return;
		}
		f->text = bigger;
		f->cap = cap;
	}
	memcpy(f->text + f->len, s, n);
	f->len += n;
	f->text[f->len] = '\0';
}

/* `# LINE "FILE"`: dtc counts the next line as LINE of FILE.  dtc unescapes
 * the name, so a quote, a backslash or a control character in it is
 * written as an escape. */
static void put_marker(struct flat *f, int line, const char *file)
{
	char head[32];
	put(f, head, (size_t)snprintf(head, sizeof(head), "\n# %d \"", line));
	for (const char *c = file; *c; c++) {
		char esc[5];
		unsigned char u = (unsigned char)*c;
		if (u == '"' || u == '\\')
			snprintf(esc, sizeof(esc), "\\%c", u);
		else if (u < 0x20 || u > 0x7e)
			snprintf(esc, sizeof(esc), "\\x%02x", u);
		else
			snprintf(esc, sizeof(esc), "%c", u);
		put(f, esc, strlen(esc));
	}
	put(f, "\"\n", 2);
}

__attribute__((format(printf, 3, 4))) static void
scan_error(struct flat *f, const struct scan *s, const char *fmt, ...)
{
	char quoted[SYSDESC_PATH_QUOTE_MAX];
	va_list ap;
	fprintf(f->c->err,
		"%s:%d: ", sysdesc_quote(quoted, sizeof(quoted), s->file),
		s->line);
	va_start(ap, fmt);
	vfprintf(f->c->err, fmt, ap);
	va_end(ap);
	fputc('\n', f->c->err);
	f->c->nerrors++;
	f->failed = true;
}

static bool at(const struct scan *s, const char *word)
{
	size_t n = strlen(word);
	return s->len - s->at >= n && memcmp(s->text + s->at, word, n) == 0;
}

/* Copy one byte, counting lines. */
static void copy_byte(struct flat *f, struct scan *s)
{
	s->line += s->text[s->at] == '\n';
	put(f, s->text + s->at++, 1);
}

/* A comment, as blanks (its line breaks kept, so lines still count). */
static void blank_comment(struct flat *f, struct scan *s)
{
	bool block = at(s, "/*");
	s->at += 2;
	put(f, "  ", 2);
	while (s->at < s->len) {
		if (block && at(s, "*/")) {
			s->at += 2;
			put(f, "  ", 2);
			return;
		}
		if (!block && s->text[s->at] == '\n')
			return;
		if (s->text[s->at] == '\n') {
			copy_byte(f, s);
		} else {
			put(f, " ", 1);
			s->at++;
		}
	}
}

/* A "string" or 'c' literal, copied as is.  dtc's string may not break a
 * line with a backslash: it would read the quote as code from there on,
 * and so might see code here that this scan took for a string. */
static void copy_quoted(struct flat *f, struct scan *s)
{
	char quote = s->text[s->at];
	copy_byte(f, s);
	while (s->at < s->len && !f->failed) {
		char ch = s->text[s->at];
		if (ch == '\\' && s->at + 1 < s->len &&
		    s->text[s->at + 1] == '\n') {
			scan_error(f, s,
				   "a string may not go on to the next line "
				   "after a backslash");
			return;
		}
		if (ch == '\\' && s->at + 1 < s->len)
			copy_byte(f, s);
		copy_byte(f, s);
		if (ch == quote)
			return;
	}
}

static void flatten(struct flat *f, const char *file, const char *text,
		    size_t len, int depth);

/* Where dtc would look for `name` included from `from`: an absolute name
 * as is, else beside the including file. */
static char *include_path(const char *from, const char *name)
{
	const char *slash = strrchr(from, '/');
	size_t dir = name[0] == '/' || !slash ? 0 : (size_t)(slash - from) + 1;
	char *path = malloc(dir + strlen(name) + 1);
	if (path) {
		memcpy(path, from, dir);
		strcpy(path + dir, name);
	}
	return path;
}

static void read_include(struct flat *f, struct scan *s, const char *name,
			 int depth)
{
	char quoted[SYSDESC_QUOTE_MAX], why[128];
	void *text = NULL;
	size_t size = 0;
	char *path = include_path(s->file, name);
	sysdesc_quote(quoted, sizeof(quoted), name);
	if (!path)
		scan_error(f, s, "out of memory");
	else if (depth == INCLUDE_DEPTH || f->includes == INCLUDES_MAX)
		scan_error(f, s,
			   "/include/ \"%s\": too many includes (at most %d, "
			   "%d deep)",
			   quoted, INCLUDES_MAX, INCLUDE_DEPTH);
	else if (sysdesc_read_file(path, SOURCE_MAX, &text, &size, why) < 0)
		scan_error(f, s, "/include/ \"%s\": %s", quoted, why);
	else if (size > SOURCE_MAX - f->source_bytes)
		scan_error(f, s,
			   "/include/ \"%s\": too much source (at most %u "
			   "bytes with every include)",
			   quoted, SOURCE_MAX);
	if (!f->failed) {
		f->source_bytes += size;
		f->includes++;
		flatten(f, path, text, size, depth + 1);
		put_marker(f, s->line, s->file);
	}
	free(text);
	free(path);
}

/* `/include/ "NAME"`, as dtc reads it: blanks between, then the name up to
 * the closing quote, as written. */
static void include(struct flat *f, struct scan *s, int depth)
{
	s->at += strlen("/include/");
	put(f, "         ", 9);
	while (s->at < s->len && !f->failed) {
		if (at(s, "/*") || at(s, "//"))
			blank_comment(f, s);
		else if (strchr(" \t\r\n\v\f", s->text[s->at]) &&
			 s->text[s->at] != '\0')
			copy_byte(f, s);
		else
			break;
	}
	size_t start = s->at + 1, end = start;
	while (end < s->len && s->text[end] != '"' && s->text[end] != '\0') {
		if (s->text[end] == '\\' && end + 1 < s->len)
			end++;
		end++;
	}
	if (s->at >= s->len || s->text[s->at] != '"' || end >= s->len ||
	    s->text[end] != '"' || end == start) {
		scan_error(f, s,
			   "/include/ must be followed by a file name in "
			   "double quotes");
		return;
	}
	char *name = strndup(s->text + start, end - start);
	s->at = end + 1;
	if (!name)
		scan_error(f, s, "out of memory");
	else
		read_include(f, s, name, depth);
	free(name);
}

static void flatten(struct flat *f, const char *file, const char *text,
		    size_t len, int depth)
{
	struct scan s = {.file = file, .text = text, .len = len, .line = 1};
	put_marker(f, 1, file);
	while (s.at < s.len && !f->failed) {
		char ch = text[s.at];
		if (at(&s, "/*") || at(&s, "//")) {
			blank_comment(f, &s);
		} else if (ch == '"' || ch == '\'') {
			copy_quoted(f, &s);
		} else if (at(&s, "/incbin/")) {
			scan_error(
				f, &s,
				"/incbin/ is refused: it copies another file "
				"into the description (--allow-incbin "
				"permits it)");
		} else if (at(&s, "/include/")) {
			include(f, &s, depth);
		} else {
			f->statements += ch == ';';
			copy_byte(f, &s);
		}
	}
}

/* ---- running dtc ------------------------------------------------------ */

/* dtc's path, looked up in $PATH here: after the limits are set, the child
 * may not grow its stack (an ASan build has far more address space mapped
 * than the limit), so it only makes system calls. */
static bool find_dtc(char *path, size_t size)
{
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/bin:/bin";
	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		int n = snprintf(path, size, "%.*s/dtc", (int)len,
				 len ? dirs : ".");
		if (n > 0 && (size_t)n < size && access(path, X_OK) == 0)
			return true;
		dirs += len + (dirs[len] == ':');
	}
	return false;
}

static void limit(int resource, rlim_t max)
{
	struct rlimit r = {max, max};
	setrlimit(resource, &r);
}

/* In the child: only system calls from here on (find_dtc says why). */
static void exec_dtc(const char *dtc, char *const argv[], int errfd)
{
	static const char failed[] = "cannot run dtc\n";
	dup2(errfd, 2);
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
	}
	limit(RLIMIT_AS, DTC_MEMORY_MAX);
	limit(RLIMIT_CPU, DTC_CPU_S);
	limit(RLIMIT_FSIZE, DTC_OUTPUT_MAX);
	limit(RLIMIT_CORE, 0);
	execve(dtc, argv, environ);
	(void)!write(2, failed, sizeof(failed) - 1);
	_exit(127);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep dtc's messages (the first DTC_ERR_MAX bytes) until it closes its
 * end, then reap it.  Returns its wait status, or -1 if it was killed at
 * the deadline. */
static int wait_dtc(pid_t pid, int fd, char *text, unsigned timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	size_t got = 0;
	bool reading = true;
	int status = 0;
	text[0] = '\0';
	for (;;) {
		if (!reading && waitpid(pid, &status, WNOHANG) == pid)
			return status;
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		if (!reading) {
			struct timespec nap = {0, 5 * 1000 * 1000};
			nanosleep(&nap, NULL);
			continue;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)(left < 100 ? left : 100)) <= 0)
			continue;
		char buf[512];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0 && !(n < 0 && errno == EINTR)) {
			reading = false;
			continue;
		}
		size_t keep = n > 0 ? (size_t)n : 0;
		if (keep > DTC_ERR_MAX - 1 - got)
			keep = DTC_ERR_MAX - 1 - got;
		memcpy(text + got, buf, keep);
		got += keep;
		text[got] = '\0';
	}
}

/* Print dtc's complaints one per line (quoted: they may echo file names),
 * naming our file instead of any temporary one. */
static void report_dtc_errors(struct sysdesc_ctx *c, char *text,
			      const char *src)
{
	char quoted[SYSDESC_PATH_QUOTE_MAX];
	size_t srclen = strlen(src);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *hit = strstr(line, src);
		if (hit) {
			*hit = '\0';
			fprintf(c->err, "%s: dtc: %s", c->file,
				sysdesc_quote(quoted, sizeof(quoted), line));
			fprintf(c->err, "%s%s\n", c->file,
				sysdesc_quote(quoted, sizeof(quoted),
					      hit + srclen));
		} else {
			fprintf(c->err, "%s: dtc: %s\n", c->file,
				sysdesc_quote(quoted, sizeof(quoted), line));
		}
		c->nerrors++;
	}
}

/* Run dtc on src; the blob goes to a temporary file, then to *blob. */
static int run_dtc(struct sysdesc_ctx *c, const char *src, unsigned timeout_ms,
		   void **blob, size_t *size)
{
	char out[] = "/tmp/sdvf-dtb-XXXXXX", text[DTC_ERR_MAX], why[128];
	char dtc[512];
	if (!find_dtc(dtc, sizeof(dtc))) {
		sysdesc_error(c, -1,
			      "cannot run dtc: not found in $PATH (install "
			      "device-tree-compiler)");
		return -1;
	}
	/* The root `name` is our schema's, not the IEEE 1275 one dtc checks. */
	char *const argv[] = {"dtc",
			      "-I",
			      "dts",
			      "-O",
			      "dtb",
			      "-E",
			      "no-name_properties",
			      "-o",
			      out,
			      (char *)src,
			      NULL};
	int pipefd[2], outfd = mkstemp(out);
	if (outfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		sysdesc_error(c, -1, "cannot run dtc: %s", strerror(errno));
		if (outfd >= 0) {
			close(outfd);
			unlink(out);
		}
		return -1;
	}
	close(outfd);
	pid_t pid = fork();
	if (pid == 0)
		exec_dtc(dtc, argv, pipefd[1]); /* dup2 clears CLOEXEC */
	close(pipefd[1]);
	int status = pid < 0 ? 0 : wait_dtc(pid, pipefd[0], text, timeout_ms);
	close(pipefd[0]);
	int rc = -1;
	if (pid < 0) {
		sysdesc_error(c, -1, "cannot run dtc: %s", strerror(errno));
	} else if (status == -1) {
		sysdesc_error(c, -1, "dtc did not finish within %g s (stopped)",
			      timeout_ms / 1000.0);
	} else if (WIFSIGNALED(status)) {
		report_dtc_errors(c, text, src);
		sysdesc_error(c, -1,
			      "dtc was killed by SIG%s (it may use %lu MiB of "
			      "memory, %d s of CPU, %lu MiB of output)",
			      sigabbrev_np(WTERMSIG(status)),
			      DTC_MEMORY_MAX >> 20, DTC_CPU_S,
			      DTC_OUTPUT_MAX >> 20);
	} else if (WEXITSTATUS(status) != 0) {
		int before = c->nerrors;
		report_dtc_errors(c, text, src);
		if (c->nerrors == before)
			sysdesc_error(c, -1, "dtc failed without a message");
	} else if (sysdesc_read_file(out, SYSDESC_BLOB_MAX, blob, size, why) <
		   0) {
		sysdesc_error(c, -1, "dtc's output: %s", why);
	} else {
		rc = 0;
	}
	unlink(out);
	return rc;
}

/* `text` (or, with allow_incbin, the file itself) to a temporary file for
 * dtc; returns its path (malloc) or NULL after an error. */
static char *source_for_dtc(struct sysdesc_ctx *c, const char *path,
			    const char *text, size_t len,
			    const struct sdvf_load_options *opt)
{
	struct flat f = {.c = c};
	if (len > SOURCE_MAX) {
		sysdesc_error(c, -1, "too much source (at most %u bytes)",
			      SOURCE_MAX);
		return NULL;
	}
	if (opt->allow_incbin && path)
		return strdup(path);
	if (opt->allow_incbin) {
		put(&f, text, len); /* as written: dtc reads what it names */
	} else {
		f.source_bytes = len;
		flatten(&f, c->file, text, len, 0);
	}
	/* before dtc: it is quadratic in the properties of a node */
	if (!f.failed && f.statements > SYSDESC_ITEMS_MAX) {
		sysdesc_error(c, -1,
			      "too many nodes and properties (at most %d)",
			      SYSDESC_ITEMS_MAX);
		f.failed = true;
	}
	char src[] = "/tmp/sdvf-dts-XXXXXX";
	int fd = f.failed ? -1 : mkstemp(src);
	bool written = fd >= 0 && write(fd, f.text, f.len) == (ssize_t)f.len;
	if (!f.failed && !written)
		sysdesc_error(c, -1, "cannot write a temporary file: %s",
			      strerror(errno));
	if (fd >= 0)
		close(fd);
	if (fd >= 0 && !written)
		unlink(src);
	free(f.text);
	return written ? strdup(src) : NULL;
}

int sysdesc_compile_dts(struct sysdesc_ctx *c, const char *path,
			const char *text, size_t len,
			const struct sdvf_load_options *opt, void **blob,
			size_t *size)
{
	static const struct sdvf_load_options defaults = {0};
	opt = opt ? opt : &defaults;
	char *src = source_for_dtc(c, path, text, len, opt);
	if (!src)
		return -1;
	unsigned timeout_ms =
		opt->dtc_timeout_ms ? opt->dtc_timeout_ms : SDVF_DTC_TIMEOUT_MS;
	int rc = run_dtc(c, src, timeout_ms, blob, size);
	if (!path || strcmp(src, path) != 0)
		unlink(src);
	free(src);
	return rc;
}
