/*
 * The reader behind `sdvf stats` (core/cli/cli_stats.c): read every live
 * stats file (layout: core/hosted/stats.h) and print its PDs' runtime
 * counters and component counters, with their meanings if asked.
 *
 * Trust: the header page is written by the launcher only, but every slot is
 * writable by its PD, and any file in the directory may be anyone's.  So
 * the header's sizes must match exactly, names are copied and made
 * printable before use, each counter table's count is clamped and each of
 * its names copied and checked (core/hosted/counters.c); an entry that
 * fails is counted as unreadable for that PD only.  A counter's meaning
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/stats.h"

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

/* One call of sdvf_stats_print. */
struct stats_printer {
	FILE *out;
	const struct sdvf_stats_query *q;
	int pds_shown;
	int systems_shown;
};

/* A launcher-written name, copied, terminated and made printable without
 * blanks (a kv line splits on them). */
static void safe_name(char out[SDVF_NAME_MAX], const char *in)
{
	memcpy(out, in, SDVF_NAME_MAX);
	out[SDVF_NAME_MAX - 1] = '\0';
	for (char *c = out; *c; c++) {
		if (*c <= ' ' || *c > '~')
			*c = '?';
	}
	if (!out[0])
		strcpy(out, "?");
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

/* The meaning `doc`'s .counters list gives counter `name`: its own entry,
 * else the longest family "PREFIX.*" that `name` extends; NULL if none. */
static const char *counter_meaning(const struct sdvf_component *doc,
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
		const char *meaning = counter_meaning(doc, name);
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
			      const char *component, FILE *out)
{
	fprintf(out, "  %-16s %-16s %7d %-8s %8u %12llu %12llu %9llu %9llu\n",
		pd, component, (int)LOAD(p->pid), state_name(LOAD(p->state)),
		LOAD(p->restarts), (unsigned long long)LOAD(s->activations),
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
	fprintf(sp->out, "  %-16s %-16s %7s %-8s %8s %12s %12s %9s %9s\n", "PD",
		"COMPONENT", "PID", "STATE", "RESTARTS", "ACTIVATIONS",
		"NOTIFIES", "DEFERRED", "LOG-DROP");
}

/* The component whose counter meanings to print for a PD of `component`,
 * or NULL. */
static const struct sdvf_component *explained(const struct sdvf_stats_query *q,
					      const char *component)
{
	return q->explain ? sdvf_component_find(q->explain, component) : NULL;
}

/* TEXT prints the runtime table first (pass 0), then each PD's component
 * counters (pass 1); KV prints each PD whole in pass 0. */
static void print_system(const struct sdvf_stats_header *h,
			 struct stats_printer *sp)
{
	const struct sdvf_stats_query *q = sp->q;
	char system[SDVF_NAME_MAX], pd[SDVF_NAME_MAX], comp[SDVF_NAME_MAX];
	safe_name(system, h->system);
	if (q->format == SDVF_STATS_TEXT)
		print_system_title(h, system, sp);
	sp->systems_shown++;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < h->npds; i++) {
			const struct sdvf_stats_pd *p = &h->pd[i];
			const struct sdvf_stats_slot *s = sdvf_stats_slot_of(
				(struct sdvf_stats_header *)h, (int)i);
			safe_name(pd, p->name);
			safe_name(comp, p->component);
			if (q->pd && strcmp(q->pd, pd) != 0)
				continue;
			if (q->format == SDVF_STATS_KV) {
				if (pass == 0)
					print_pd_kv(system, pd, p, s, sp->out);
			} else if (pass == 0) {
				print_runtime_row(p, s, pd, comp, sp->out);
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

static bool launcher_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Map one stats file read-only and check it; NULL if it is not a live,
 * well-formed stats file.  *bytes is what to munmap. */
static const struct sdvf_stats_header *open_stats(const char *path,
						  size_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	const struct sdvf_stats_header *h = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size >= SDVF_STATS_PAGE) {
		*bytes = (size_t)st.st_size;
		h = mmap(NULL, *bytes, PROT_READ, MAP_SHARED, fd, 0);
	}
	close(fd);
	if (h == MAP_FAILED)
		return NULL;
	if (h->magic != SDVF_STATS_MAGIC || h->version != SDVF_STATS_VERSION ||
	    h->npds > SDVF_MAX_PDS || h->header_bytes != SDVF_STATS_PAGE ||
	    h->slot_bytes != SDVF_STATS_SLOT_BYTES ||
	    *bytes < sdvf_stats_file_bytes(h->npds) ||
	    !launcher_alive(h->launcher_pid)) {
		munmap((void *)h, *bytes);
		return NULL;
	}
	return h;
}

static bool is_stats_name(const char *name)
{
	size_t len = strlen(name), suffix = strlen(SDVF_STATS_SUFFIX);
	return strncmp(name, SDVF_STATS_PREFIX, strlen(SDVF_STATS_PREFIX)) ==
		       0 &&
	       len > suffix &&
	       strcmp(name + len - suffix, SDVF_STATS_SUFFIX) == 0;
}

int sdvf_stats_print(FILE *out, const struct sdvf_stats_query *q)
{
	struct stats_printer sp = {.out = out, .q = q};
	DIR *dir = opendir(sdvf_stats_dir());
	if (!dir)
		return 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (!is_stats_name(de->d_name))
			continue;
		char path[512], name[SDVF_NAME_MAX];
		snprintf(path, sizeof(path), "%s/%s", sdvf_stats_dir(),
			 de->d_name);
		size_t bytes = 0;
		const struct sdvf_stats_header *h = open_stats(path, &bytes);
		if (!h)
			continue;
		safe_name(name, h->system);
		if (!q->system || strcmp(q->system, name) == 0)
			print_system(h, &sp);
		munmap((void *)h, bytes);
	}
	closedir(dir);
	return sp.pds_shown;
}
