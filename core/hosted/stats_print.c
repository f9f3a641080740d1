/*
 * The reader behind `sdvf stats` (core/cli/cli_stats.c): read every live
 * stats file (layout: core/hosted/stats.h) and print its PDs' runtime
 * counters and component counters, with their meanings if asked.
 *
 * Trust: the directory must be the user's alone (sdvf_stats_dir_open), and
 * even so a file in it is read only if it is a regular file (opened without
 * following a symbolic link or waiting on a FIFO), owned by the user, of
 * exactly the size its header gives, and written by a launcher that still
 * runs (its pid and start time); it is copied into private memory (pread,
 * no mapping: a truncation cannot raise SIGBUS, and nothing changes while
 * it is checked and printed) before any of it is read.  The header pages are
 * written by the launcher only, but every slot is writable by its PD.  So
 * names are copied and made printable before use, each counter table's
 * count is clamped and each of its names copied and checked
 * (core/hosted/counters.c); an entry that fails is counted as unreadable
 * for that PD only.  A counter's meaning
 * comes from the component table this program was built with, looked up
 * by the (checked) component name; the file only chooses which entry.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/stats_reader.h"

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

/* One call of sdvf_stats_print. */
struct stats_printer {
	FILE *out;
	const struct sdvf_stats_query *q;
	int pds_shown;
	int systems_shown;
};

int sdvf_stats_name_width(const struct sdvf_stats_header *h, int extra)
{
	int width = 16;
	char name[SDVF_NAME_MAX];
	for (uint32_t i = 0; i < h->npds; i++) {
		sdvf_stats_safe_name(name, h->pd[i].name);
		int len = (int)strlen(name) + extra;
		width = len > width ? len : width;
	}
	return width;
}

static const char *state_name(uint32_t state)
{
	switch (state) {
	case SDVF_PD_STARTING:
		return "starting";
	case SDVF_PD_RUNNING:
		return "running";
	case SDVF_PD_DOWN:
		return "down";
	case SDVF_PD_STOPPED:
		return "stopped";
	}
	return "?";
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- one PD ----------------------------------------------------------- */

/* Entries below the (clamped) count whose names fail the check. */
static uint32_t unreadable_entries(const struct sdvf_counter_table *t)
{
	char name[SDVF_COUNTER_NAME_MAX];
	uint32_t bad = 0, count = sdvf_counter_count(t);
	for (uint32_t i = 0; i < count; i++)
		bad += !sdvf_counter_read_name(t, i, name);
	return bad;
}

const char *sdvf_stats_counter_meaning(const struct sdvf_component *doc,
				       const char *name)
{
	const char *family = NULL;
	size_t family_len = 0;
	if (!doc || !doc->counters)
		return NULL;
	for (const struct sdvf_counter_doc *d = doc->counters; d->name; d++) {
		size_t len = strlen(d->name);
		if (strcmp(d->name, name) == 0)
			return d->meaning;
		/* "wire.*" covers "wire.rx_frames", not "wire." or "wire" */
		bool is_family =
			len >= 2 && strcmp(d->name + len - 2, ".*") == 0;
		if (is_family && len > family_len &&
		    strncmp(name, d->name, len - 1) == 0 && name[len - 1]) {
			family = d->meaning;
			family_len = len;
		}
	}
	return family;
}

/* `doc` is the component whose meanings to print beside the counters, or
 * NULL for none. */
static void print_counters_text(const struct sdvf_stats_slot *s, const char *pd,
				const char *component,
				const struct sdvf_component *doc, FILE *out)
{
	const struct sdvf_counter_table *t = &s->counters;
	uint32_t count = sdvf_counter_count(t);
	uint32_t bad = unreadable_entries(t);
	uint64_t refused = LOAD(s->counters_refused);
	if (count == 0 && refused == 0)
		return;
	fprintf(out, "  counters of '%s' (%s):", pd, component);
	if (refused)
		fprintf(out, " %llu refused", (unsigned long long)refused);
	if (bad)
		fprintf(out, " %u entries unreadable", bad);
	fputc('\n', out);
	char name[SDVF_COUNTER_NAME_MAX];
	for (uint32_t i = 0; i < count; i++) {
		if (!sdvf_counter_read_name(t, i, name))
			continue;
		unsigned long long v = LOAD(t->value[i]);
		const char *meaning = sdvf_stats_counter_meaning(doc, name);
		if (meaning)
			fprintf(out, "    %-31s = %-12llu %s\n", name, v,
				meaning);
		else
			fprintf(out, "    %-31s = %llu\n", name, v);
	}
}

static void print_pd_kv(const char *system, const char *pd,
			const struct sdvf_stats_pd *p,
			const struct sdvf_stats_slot *s, FILE *out)
{
	const struct {
		const char *name;
		uint64_t value;
	} rt[] = {
		{"pid", (uint64_t)(uint32_t)LOAD(p->pid)},
		{"restarts", LOAD(p->restarts)},
		{"activations", LOAD(s->activations)},
		{"notifications", LOAD(s->notifications)},
		{"deferred", LOAD(s->deferred)},
		{"irq_acks", LOAD(s->irq_acks)},
		{"timer_fires", LOAD(s->timer_fires)},
		{"log_lines", LOAD(s->log_lines)},
		{"log_suppressed", LOAD(s->log_suppressed)},
		{"bad_calls", LOAD(s->bad_calls)},
		{"starts", LOAD(s->starts)},
		{"counters_refused", LOAD(s->counters_refused)},
		{"counters_unreadable", unreadable_entries(&s->counters)},
	};
	fprintf(out, "%s %s sdvf.state %s\n", system, pd,
		state_name(LOAD(p->state)));
	for (size_t i = 0; i < sizeof(rt) / sizeof(rt[0]); i++)
		fprintf(out, "%s %s sdvf.%s %llu\n", system, pd, rt[i].name,
			(unsigned long long)rt[i].value);
	const struct sdvf_counter_table *t = &s->counters;
	uint32_t count = sdvf_counter_count(t);
	char name[SDVF_COUNTER_NAME_MAX];
	for (uint32_t i = 0; i < count; i++) {
		if (!sdvf_counter_read_name(t, i, name))
			continue;
		fprintf(out, "%s %s %s %llu\n", system, pd, name,
			(unsigned long long)LOAD(s->counters.value[i]));
	}
}

/* ---- one system ------------------------------------------------------- */

static void print_runtime_row(const struct sdvf_stats_pd *p,
			      const struct sdvf_stats_slot *s, const char *pd,
			      int width, const char *component, FILE *out)
{
	fprintf(out, "  %-*s %-16s %7d %-8s %8u %12llu %12llu %9llu %9llu\n",
		width, pd, component, (int)LOAD(p->pid),
		state_name(LOAD(p->state)), LOAD(p->restarts),
		(unsigned long long)LOAD(s->activations),
		(unsigned long long)LOAD(s->notifications),
		(unsigned long long)LOAD(s->deferred),
		(unsigned long long)LOAD(s->log_suppressed));
}

static void print_system_title(const struct sdvf_stats_header *h,
			       const char *system, struct stats_printer *sp)
{
	double up = (double)(realtime_ns() - h->started_unix_ns) / 1e9;
	if (sp->systems_shown)
		fputc('\n', sp->out);
	fprintf(sp->out, "system '%s' (launcher pid %d, up %.1f s)\n", system,
		(int)h->launcher_pid, up);
}

static void print_runtime_header(int width, FILE *out)
{
	fprintf(out, "  %-*s %-16s %7s %-8s %8s %12s %12s %9s %9s\n", width,
		"PD", "COMPONENT", "PID", "STATE", "RESTARTS", "ACTIVATIONS",
		"NOTIFIES", "DEFERRED", "LOG-DROP");
}

/* The component whose counter meanings to print for a PD of `component`,
 * or NULL. */
static const struct sdvf_component *explained(const struct sdvf_stats_query *q,
					      const char *component)
{
	return q->explain ? sdvf_component_find(q->explain, component) : NULL;
}

/* TEXT, q->client: the system's title and that client's view, if the
 * system has that client. */
static void print_client(const struct sdvf_stats_header *h, const char *system,
			 struct stats_printer *sp)
{
	char *view = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&view, &len);
	int rows = mem ? sdvf_stats_print_net(mem, h, sp->q) : 0;
	if (mem)
		fclose(mem);
	if (rows > 0) {
		print_system_title(h, system, sp);
		fputs(view, sp->out);
		sp->systems_shown++;
		sp->pds_shown += rows;
	}
	free(view);
}

/* TEXT: the muxes' client table (all of it, or q->client's view and
 * nothing else), then the runtime table (pass 0) and each PD's component
 * counters (pass 1); --pd leaves out the client table.  KV prints each PD
 * whole in pass 0. */
static void print_system(const struct sdvf_stats_header *h,
			 struct stats_printer *sp)
{
	const struct sdvf_stats_query *q = sp->q;
	char system[SDVF_NAME_MAX], pd[SDVF_NAME_MAX], comp[SDVF_NAME_MAX];
	int width = sdvf_stats_name_width(h, 0);
	sdvf_stats_safe_name(system, h->system);
	if (q->format == SDVF_STATS_TEXT && q->client) {
		print_client(h, system, sp);
		return;
	}
	if (q->format == SDVF_STATS_TEXT) {
		print_system_title(h, system, sp);
		if (!q->pd && sdvf_stats_print_net(sp->out, h, q) > 0)
			fputc('\n', sp->out);
		print_runtime_header(width, sp->out);
	}
	sp->systems_shown++;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < h->npds; i++) {
			const struct sdvf_stats_pd *p = &h->pd[i];
			const struct sdvf_stats_slot *s = sdvf_stats_slot_of(
				(struct sdvf_stats_header *)h, (int)i);
			sdvf_stats_safe_name(pd, p->name);
			sdvf_stats_safe_name(comp, p->component);
			if (q->pd && strcmp(q->pd, pd) != 0)
				continue;
			if (q->format == SDVF_STATS_KV) {
				if (pass == 0)
					print_pd_kv(system, pd, p, s, sp->out);
			} else if (pass == 0) {
				print_runtime_row(p, s, pd, width, comp,
						  sp->out);
			} else {
				print_counters_text(s, pd, comp,
						    explained(q, comp),
						    sp->out);
			}
			sp->pds_shown += pass == 0;
		}
	}
}

/* ---- finding stats files ---------------------------------------------- */

/* The launcher that wrote the file, not a later process given its pid. */
static bool launcher_alive(const struct sdvf_stats_header *h)
{
	return h->launcher_start != 0 &&
	       sdvf_process_start(h->launcher_pid) == h->launcher_start;
}

/* Why the header of a file of `bytes` is not one of ours, or NULL. */
static const char *header_problem(const struct sdvf_stats_header *h,
				  size_t bytes, char *why, size_t size)
{
	const char *problem = sdvf_stats_header_problem(h, bytes);
	if (problem == SDVF_STATS_WRONG_SIZE) {
		snprintf(why, size, "%zu bytes, not the %zu its header says",
			 bytes, sdvf_stats_file_bytes(h->npds));
		return why;
	}
	return problem;
}

/* Why the open file `fd` is not one to read, or NULL; its size in *bytes. */
static const char *file_problem(int fd, size_t *bytes, char *why, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	/* Only our own: anyone else's could say anything. */
	if (st.st_uid != geteuid()) {
		snprintf(why, size, "owned by uid %u, not by you (uid %u)",
			 (unsigned)st.st_uid, (unsigned)geteuid());
		return why;
	}
	if (st.st_size < (off_t)SDVF_STATS_HEADER_BYTES ||
	    st.st_size > (off_t)sdvf_stats_file_bytes(SDVF_MAX_PDS)) {
		snprintf(why, size, "%lld bytes: not a stats file",
			 (long long)st.st_size);
		return why;
	}
	*bytes = (size_t)st.st_size;
	return NULL;
}

/* The whole of `fd`, copied into private memory: the file may be cut or
 * rewritten while we read, the copy cannot.  NULL if it came up short. */
static void *copy_file(int fd, size_t bytes)
{
	char *copy = malloc(bytes);
	size_t got = 0;
	while (copy && got < bytes) {
		ssize_t n = pread(fd, copy + got, bytes - got, (off_t)got);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
		got += n > 0 ? (size_t)n : 0;
	}
	if (got == bytes)
		return copy;
	free(copy);
	return NULL;
}

/* A checked private copy of the stats file `name` in `dir_fd` (`dir` for
 * messages); NULL if it is not a live stats file of ours, saying why on
 * `err` unless its launcher is merely gone. */
static struct sdvf_stats_header *read_stats(int dir_fd, const char *dir,
					    const char *name, FILE *err)
{
	char text[96];
	const char *why = NULL;
	size_t bytes = 0;
	struct sdvf_stats_header *h = NULL;
	/* O_NONBLOCK: a FIFO must not keep us waiting for a writer */
	int fd = openat(dir_fd, name,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
				O_CLOEXEC);
	if (fd < 0)
		why = errno == ELOOP ? "a symbolic link" : strerror(errno);
	else
		why = file_problem(fd, &bytes, text, sizeof(text));
	if (!why) {
		h = copy_file(fd, bytes);
		why = h ? header_problem(h, bytes, text, sizeof(text))
			: "it changed while it was read";
	}
	if (fd >= 0)
		close(fd);
	if (!why && launcher_alive(h))
		return h;
	if (why && err)
		fprintf(err, "sdvf stats: skipping %s/%s: %s\n", dir, name,
			why);
	free(h);
	return NULL;
}

static bool is_stats_name(const char *name)
{
	size_t len = strlen(name), suffix = strlen(SDVF_STATS_SUFFIX);
	return strncmp(name, SDVF_STATS_PREFIX, strlen(SDVF_STATS_PREFIX)) ==
		       0 &&
	       len > suffix &&
	       strcmp(name + len - suffix, SDVF_STATS_SUFFIX) == 0;
}

/* The stats directory, opened and checked; -1 if it is missing (nothing
 * runs) or refused (said on q->err, *refused set). */
static int open_dir(const struct sdvf_stats_query *q, char *path, bool *refused)
{
	char why[SDVF_STATS_WHY_MAX];
	int fd = -1;
	*refused = false;
	if (!sdvf_stats_dir(path))
		snprintf(why, sizeof(why), "path too long");
	else if ((fd = sdvf_stats_dir_open(path, false, why)) >= 0)
		return fd;
	else if (errno == ENOENT)
		return -1;
	*refused = true;
	if (q->err)
		fprintf(q->err, "sdvf stats: stats directory %s: %s\n", path,
			why);
	return -1;
}

int sdvf_stats_print(FILE *out, const struct sdvf_stats_query *q)
{
	struct stats_printer sp = {.out = out, .q = q};
	char path[SDVF_STATS_PATH_MAX];
	bool refused;
	int dir_fd = open_dir(q, path, &refused);
	if (dir_fd < 0)
		return refused ? -1 : 0;
	int list_fd = dup(dir_fd);
	DIR *dir = list_fd >= 0 ? fdopendir(list_fd) : NULL;
	if (!dir && list_fd >= 0)
		close(list_fd);
	struct dirent *de;
	while (dir && (de = readdir(dir)) != NULL) {
		if (!is_stats_name(de->d_name))
			continue;
		char name[SDVF_NAME_MAX];
		struct sdvf_stats_header *h =
			read_stats(dir_fd, path, de->d_name, q->err);
		if (!h)
			continue;
		sdvf_stats_safe_name(name, h->system);
		if (!q->system || strcmp(q->system, name) == 0)
			print_system(h, &sp);
		free(h);
	}
	if (dir)
		closedir(dir);
	close(dir_fd);
	return sp.pds_shown;
}

/* ---- --interval ------------------------------------------------------- */

static void sleep_ns(uint64_t ns)
{
	struct timespec left = {.tv_sec = (time_t)(ns / 1000000000u),
				.tv_nsec = (long)(ns % 1000000000u)};
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

static void block_start(FILE *out, const struct sdvf_stats_query *q,
			const struct sdvf_stats_watch *w, uint64_t block)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "?");
	if (q->format == SDVF_STATS_KV) {
		if (block)
			fputc('\n', out);
	} else if (w->terminal) {
		/* cursor home, clear the screen: the block replaces the last */
		fprintf(out, "\033[H\033[2J--- %s ---\n", when);
	} else {
		fprintf(out, "%s--- %s ---\n", block ? "\n" : "", when);
	}
}

int sdvf_stats_watch(FILE *out, const struct sdvf_stats_query *q,
		     const struct sdvf_stats_watch *w)
{
	int shown = 0;
	for (uint64_t block = 0; w->count == 0 || block < w->count; block++) {
		if (block)
			sleep_ns(w->interval_ns);
		block_start(out, q, w, block);
		shown = sdvf_stats_print(out, q);
		fflush(out);
		if (shown < 0)
			break; /* a refused directory stays refused */
	}
	return shown;
}
