/*
 * The stats file of a hosted run (core/hosted/stats.h): invisible until
 * complete, named after the system and launcher, header pages then one slot
 * per PD, gone after destroy, and found by `sdvf stats` exactly while it is
 * published.  The reader prints component counters and survives a slot its
 * PD scribbled over without misprinting any other PD.  It trusts nothing
 * else in the directory either: a FIFO, a symbolic link, another user's
 * file, a file changing underneath, a file whose launcher is gone; and the
 * directory itself must be the user's alone.
 */
#include <fcntl.h>
#include <libfdt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cli/cli.h"
#include "core/hosted/hosted.h"
#include "core/hosted/stats.h"
#include "core/sysdesc/sysdesc.h"

extern const struct sdvf_component queue_source_component;

static char dir[] = "/tmp/sdvf-stats-test.XXXXXX";

static void two_pd_system(struct sdvf_system *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->path = "some/dir/pingpong-intent.dts";
	sys->npds = 2;
	strcpy(sys->pds[0].name, "source");
	strcpy(sys->pds[1].name, "sink");
	sys->pds[0].component = &queue_source_component;
	sys->pds[1].component = &queue_source_component;
	sys->pds[0].core = -1;
	sys->pds[1].core = 1;
}

static int count_files(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void system_name_defaults_to_file_stem(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	char name[SDVF_NAME_MAX];
	two_pd_system(&sys);
	sdvf_system_name(&sys, name);
	assert_string_equal(name, "pingpong-intent");
}

static void system_name_from_an_odd_file_name_is_a_name(void **unused)
{
	(void)unused;
	static const struct {
		const char *path, *name;
	} cases[] = {
		{"x/a b\nc.dts", "a_b_c"},
		{"x/red\x1b[31m.dts", "red__31m"},
		{"x/ping.pong.dts", "ping.pong"},
		{"x/..dts", "system"},
		{"x/", "system"},
		{"x/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.dts",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
	};
	struct sdvf_system sys;
	char name[SDVF_NAME_MAX];
	two_pd_system(&sys);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sys.path = cases[i].path;
		sdvf_system_name(&sys, name);
		assert_string_equal(name, cases[i].name);
	}
}

/* A root `name` that is not a name (a system built without the loader's
 * check) never becomes part of the stats file's path. */
static void stats_file_stays_in_its_directory(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char blob[512], expected[256];
	two_pd_system(&sys);
	assert_int_equal(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	assert_int_equal(fdt_setprop_string(blob, 0, "name", "../../escape"),
			 0);
	sys.fdt = blob;
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(expected, sizeof(expected), "%s/sdvf-pingpong-intent.%d.stats",
		 dir, (int)getpid());
	assert_string_equal(f.path, expected);
	assert_int_equal(count_files(), 1);
	sdvf_stats_destroy(&f);
}

static void stats_file_invisible_until_published(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(count_files(), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(count_files(), 1);
	sdvf_stats_destroy(&f);
}

static void stats_file_named_after_system_and_launcher(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char expected[256];
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(expected, sizeof(expected), "%s/sdvf-pingpong-intent.%d.stats",
		 dir, (int)getpid());
	assert_string_equal(f.path, expected);
	assert_int_equal(access(expected, R_OK), 0);
	sdvf_stats_destroy(&f);
}

static void stats_file_removed_on_destroy(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	sdvf_stats_destroy(&f);
	assert_int_equal(count_files(), 0);
	assert_int_equal(f.fd, -1);
}

static void stats_header_then_four_pages_per_pd(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	struct sdvf_stats_header *h = f.header;
	assert_int_equal(h->magic, SDVF_STATS_MAGIC);
	assert_int_equal(h->npds, 2);
	assert_int_equal(h->launcher_pid, getpid());
	assert_string_equal(h->pd[1].name, "sink");
	assert_string_equal(h->pd[1].component, "queue_source");
	assert_int_equal(h->pd[1].core, 1);
	assert_int_equal(h->slot_bytes, 4 * 4096);
	assert_int_equal(h->header_bytes, 5 * 4096);
	assert_ptr_equal(sdvf_stats_slot_of(h, 0), (char *)h + 20480);
	assert_ptr_equal(sdvf_stats_slot_of(h, 1), (char *)h + 20480 + 16384);
	assert_int_equal(sdvf_stats_slot_of(h, 1)->activations, 0);
	sdvf_stats_destroy(&f);
}

static void stats_command_finds_only_published_systems(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char *all[] = {"stats", NULL};
	char *named[] = {"stats", "pingpong-intent", NULL};
	char *other[] = {"stats", "other", NULL};
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_main(1, all, sdvf_builtin_components), 1);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(sdvf_stats_main(1, all, sdvf_builtin_components), 0);
	assert_int_equal(sdvf_stats_main(2, named, sdvf_builtin_components), 0);
	assert_int_equal(sdvf_stats_main(2, other, sdvf_builtin_components), 1);
	sdvf_stats_destroy(&f);
	assert_int_equal(sdvf_stats_main(1, all, sdvf_builtin_components), 1);
}

static void stats_command_rejects_an_option(void **unused)
{
	(void)unused;
	char *bad[] = {"stats", "--bogus", NULL};
	assert_int_equal(sdvf_stats_main(2, bad, sdvf_builtin_components), 2);
}

/* ---- component counters and a scribbled slot ------------------------- */

static void three_pd_system(struct sdvf_system *sys)
{
	two_pd_system(sys);
	sys->npds = 3;
	strcpy(sys->pds[2].name, "third");
	sys->pds[2].component = &queue_source_component;
	sys->pds[2].core = -1;
}

/* Register `name` in PD i's slot as its runtime would, and set it. */
static void publish(struct sdvf_stats_file *f, int pd, const char *name,
		    uint64_t value)
{
	static struct sdvf_counter_claims claims[3];
	struct sdvf_stats_slot *s = sdvf_stats_slot_of(f->header, pd);
	int i = sdvf_counter_claim(&s->counters, &claims[pd], name);
	assert_true(i >= 0);
	s->counters.value[i] = value;
}

/* What `sdvf stats` prints, as one string. */
static char *capture(const char *system, const char *pd,
		     enum sdvf_stats_format format, int *pds)
{
	static char buf[1 << 16];
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_non_null(out);
	struct sdvf_stats_query q = {
		.system = system, .pd = pd, .format = format};
	*pds = sdvf_stats_print(out, &q);
	long n = ftell(out);
	fclose(out);
	buf[n] = '\0';
	return buf;
}

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void kv_lists_component_counters_one_per_line(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 1, "rx_frames", 12);
	publish(&f, 1, "c2.tx_drops_quota", 3);
	char *out = capture(NULL, NULL, SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 2);
	assert_non_null(strstr(out, "\npingpong-intent sink rx_frames 12\n"));
	assert_non_null(
		strstr(out, "\npingpong-intent sink c2.tx_drops_quota 3\n"));
	assert_non_null(strstr(out, "pingpong-intent source sdvf.state "
				    "starting\n"));
	assert_non_null(
		strstr(out, "pingpong-intent sink sdvf.activations 0\n"));
	assert_int_equal(count_substr(out, "rx_frames"), 1);
	sdvf_stats_destroy(&f);
}

static void pd_option_prints_only_that_pd(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 0, "tx_frames", 5);
	char *out = capture(NULL, "source", SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 1);
	assert_int_equal(count_substr(out, " sink "), 0);
	assert_non_null(strstr(out, "pingpong-intent source tx_frames 5\n"));
	capture(NULL, "nobody", SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 0);
	sdvf_stats_destroy(&f);
}

static void text_shows_counters_after_the_runtime_table(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 1, "link_up", 1);
	char *out = capture("pingpong-intent", NULL, SDVF_STATS_TEXT, &pds);
	assert_int_equal(pds, 2);
	char *table = strstr(out, "ACTIVATIONS");
	char *section = strstr(out, "  counters of 'sink' (queue_source):\n");
	assert_non_null(table);
	assert_non_null(section);
	assert_true(section > table);
	assert_non_null(strstr(section, "    link_up"));
	assert_non_null(strstr(section, " = 1\n"));
	assert_null(strstr(out, "counters of 'source'"));
	sdvf_stats_destroy(&f);
}

/* Every line is printable ASCII and has exactly four fields. */
static void assert_clean_kv(const char *out)
{
	for (const char *c = out; *c; c++)
		assert_true(*c == '\n' || (*c >= ' ' && *c <= '~'));
	char line[256];
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		size_t len = (size_t)(nl - p);
		assert_true(len < sizeof(line));
		memcpy(line, p, len);
		line[len] = '\0';
		int fields = 0;
		for (char *t = strtok(line, " "); t; t = strtok(NULL, " "))
			fields++;
		assert_int_equal(fields, 4);
		p = nl + 1;
	}
}

static void scribble(struct sdvf_stats_slot *s)
{
	memset(&s->counters, 0xa5, sizeof(s->counters));
	s->counters.count = UINT32_MAX;
	memcpy(s->counters.name[0], "has space", 10);
	memcpy(s->counters.name[1], "line\nbreak", 11);
	memset(s->counters.name[2], 'x', SDVF_COUNTER_NAME_MAX); /* no NUL */
	memcpy(s->counters.name[3], "sdvf.activations", 17);
	memcpy(s->counters.name[4], "fine_name", 10);
	s->counters.value[4] = 99;
}

static void scribbled_slot_prints_safely_and_others_intact(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds = 0;
	three_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	publish(&f, 0, "rx_frames", 11);
	publish(&f, 2, "tx_frames", 33);
	scribble(sdvf_stats_slot_of(f.header, 1));
	char *out = capture(NULL, NULL, SDVF_STATS_KV, &pds);
	assert_int_equal(pds, 3);
	assert_clean_kv(out);
	assert_non_null(strstr(out, "pingpong-intent source rx_frames 11\n"));
	assert_non_null(strstr(out, "pingpong-intent third tx_frames 33\n"));
	/* the one well-formed name of the scribbled slot, the rest counted */
	assert_non_null(strstr(out, "pingpong-intent sink fine_name 99\n"));
	assert_non_null(strstr(out, "pingpong-intent sink "
				    "sdvf.counters_unreadable 383\n"));
	assert_non_null(strstr(out, "pingpong-intent source "
				    "sdvf.counters_unreadable 0\n"));
	assert_int_equal(count_substr(out, "sdvf.activations"), 3);
	assert_int_equal(count_substr(out, " sink "), 15);
	out = capture(NULL, NULL, SDVF_STATS_TEXT, &pds);
	assert_int_equal(pds, 3);
	assert_non_null(strstr(out, "383 entries unreadable"));
	assert_non_null(strstr(out, "counters of 'third' (queue_source):\n"));
	sdvf_stats_destroy(&f);
}

/* ---- the directory and what may be in it ------------------------------ */

/* A test that fails midway leaves its files: the next starts afresh, in
 * its own directory again. */
static int start_afresh(void **unused)
{
	(void)unused;
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s/*", dir, dir);
	setenv("SDVF_STATS_DIR", dir, 1);
	return system(cmd);
}

/* The published file `f` copied to `path`, its system renamed `system`. */
static void copy_as(const struct sdvf_stats_file *f, const char *path,
		    const char *system)
{
	size_t bytes = sdvf_stats_file_bytes(f->header->npds);
	char *copy = malloc(bytes);
	assert_non_null(copy);
	memcpy(copy, f->header, bytes);
	snprintf(((struct sdvf_stats_header *)copy)->system, SDVF_NAME_MAX,
		 "%s", system);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, copy, bytes), (ssize_t)bytes);
	close(fd);
	free(copy);
}

/* What `sdvf stats` prints on stdout and on stderr. */
static int print_both(char **out, char **err)
{
	size_t out_len, err_len;
	FILE *o = open_memstream(out, &out_len),
	     *e = open_memstream(err, &err_len);
	struct sdvf_stats_query q = {.format = SDVF_STATS_KV, .err = e};
	int pds = sdvf_stats_print(o, &q);
	fclose(o);
	fclose(e);
	return pds;
}

static void stats_file_is_readable_by_its_owner_only(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	struct stat st;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(stat(f.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	sdvf_stats_destroy(&f);
}

/* Another user's FIFO under a stats name made `sdvf stats` wait forever. */
static void reader_skips_a_fifo_without_waiting(void **unused)
{
	(void)unused;
	char fifo[96], *out, *err, expected[160];
	snprintf(fifo, sizeof(fifo), "%s/sdvf-trap.1.stats", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10); /* a blocked open fails the test instead of hanging it */
	int pds = print_both(&out, &err);
	alarm(0);
	assert_int_equal(pds, 0);
	snprintf(expected, sizeof(expected),
		 "sdvf stats: skipping %s: not a regular file\n", fifo);
	assert_string_equal(err, expected);
	free(out);
	free(err);
	unlink(fifo);
}

static void reader_does_not_follow_a_symlink(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char elsewhere[] = "/tmp/sdvf-stats-other.XXXXXX", target[96], link[96],
	     *out, *err, expected[160];
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_non_null(mkdtemp(elsewhere));
	snprintf(target, sizeof(target), "%s/forged", elsewhere);
	copy_as(&f, target, "forged");
	snprintf(link, sizeof(link), "%s/sdvf-forged.%d.stats", dir,
		 (int)getpid());
	assert_int_equal(symlink(target, link), 0);
	int pds = print_both(&out, &err);
	assert_int_equal(pds, 2);
	assert_null(strstr(out, "forged"));
	snprintf(expected, sizeof(expected),
		 "sdvf stats: skipping %s: a symbolic link\n", link);
	assert_string_equal(err, expected);
	free(out);
	free(err);
	unlink(link);
	unlink(target);
	rmdir(elsewhere);
	sdvf_stats_destroy(&f);
}

static void reader_skips_a_file_of_another_user(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char path[96], *out, *err, expected[160];
	if (geteuid() != 0) {
		print_message("skipped: chown needs root\n");
		return;
	}
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(path, sizeof(path), "%s/sdvf-forged.%d.stats", dir,
		 (int)getpid());
	copy_as(&f, path, "forged");
	assert_int_equal(chown(path, 65534, 65534), 0);
	int pds = print_both(&out, &err);
	assert_int_equal(pds, 2);
	assert_null(strstr(out, "forged"));
	snprintf(expected, sizeof(expected),
		 "sdvf stats: skipping %s: owned by uid 65534, not by you (uid "
		 "0)\n",
		 path);
	assert_string_equal(err, expected);
	free(out);
	free(err);
	unlink(path);
	sdvf_stats_destroy(&f);
}

static void
reader_skips_a_file_whose_size_disagrees_with_its_header(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char path[96], *out, *err, expected[200];
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(path, sizeof(path), "%s/sdvf-short.%d.stats", dir,
		 (int)getpid());
	copy_as(&f, path, "short");
	assert_int_equal(truncate(path, 20480 + 16384), 0); /* 1 slot of 2 */
	int pds = print_both(&out, &err);
	assert_int_equal(pds, 2);
	assert_null(strstr(out, "short"));
	snprintf(expected, sizeof(expected),
		 "sdvf stats: skipping %s: 36864 bytes, not the 53248 its "
		 "header says\n",
		 path);
	assert_string_equal(err, expected);
	free(out);
	free(err);
	unlink(path);
	sdvf_stats_destroy(&f);
}

/* A file truncated and regrown while `sdvf stats` reads it (SIGBUS through
 * a mapping) or rewritten: every read either skips it or prints it whole. */
static void reader_survives_a_file_changing_underneath(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char path[96];
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	snprintf(path, sizeof(path), "%s/sdvf-churn.%d.stats", dir,
		 (int)getpid());
	copy_as(&f, path, "churn");
	off_t full = (off_t)sdvf_stats_file_bytes(2);
	pid_t churn = fork();
	if (churn == 0) {
		int fd = open(path, O_RDWR);
		for (;;) {
			(void)!ftruncate(fd, 4096);
			(void)!ftruncate(fd, full);
		}
	}
	pid_t reader = fork();
	if (reader == 0) {
		/* die of it, rather than hand it to cmocka in this child */
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		FILE *devnull = fopen("/dev/null", "w");
		struct sdvf_stats_query q = {.format = SDVF_STATS_KV};
		for (int i = 0; i < 3000; i++)
			sdvf_stats_print(devnull, &q);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(reader, &status, 0), reader);
	kill(churn, SIGKILL);
	waitpid(churn, NULL, 0);
	assert_false(WIFSIGNALED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unlink(path);
	sdvf_stats_destroy(&f);
}

/* After its launcher died, a file's pid may be another process's: that
 * process is alive, but it is not the launcher that wrote the file. */
static void file_of_a_reused_pid_is_not_live(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	int pds;
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	pid_t other = fork();
	if (other == 0) {
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	usleep(100 * 1000);
	f.header->launcher_pid = other;
	capture(NULL, NULL, SDVF_STATS_KV, &pds);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	assert_int_equal(pds, 0);
	sdvf_stats_destroy(&f);
}

/* A name already taken (a stale file of a reused pid, or anything else)
 * does not keep the file from being published. */
static void taken_name_does_not_stop_publishing(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char taken[96];
	int pds;
	snprintf(taken, sizeof(taken), "%s/sdvf-pingpong-intent.%d.stats", dir,
		 (int)getpid());
	for (int kind = 0; kind < 3; kind++) {
		if (kind == 0)
			assert_int_equal(mkdir(taken, 0700), 0);
		else if (kind == 1)
			assert_int_equal(mkfifo(taken, 0600), 0);
		else
			close(open(taken, O_WRONLY | O_CREAT, 0600));
		two_pd_system(&sys);
		assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
		assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
		assert_string_not_equal(f.path, taken);
		capture(NULL, NULL, SDVF_STATS_KV, &pds);
		assert_int_equal(pds, 2);
		sdvf_stats_destroy(&f);
		assert_int_equal(kind == 0 ? rmdir(taken) : unlink(taken), 0);
	}
}

/* $SDVF_STATS_DIR set to `path` while a test runs. */
static void use_dir(const char *path)
{
	setenv("SDVF_STATS_DIR", path, 1);
}

static void missing_directory_is_created_private(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char sub[96];
	struct stat st;
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	use_dir(sub);
	two_pd_system(&sys);
	assert_int_equal(sdvf_stats_create(&f, &sys, stderr), 0);
	assert_int_equal(sdvf_stats_publish(&f, stderr), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_memory_equal(f.path, sub, strlen(sub));
	sdvf_stats_destroy(&f);
	rmdir(sub);
	use_dir(dir);
}

/* A directory others may write (such as /dev/shm): the system runs, but
 * is not published, and `sdvf stats` says why it reads nothing there. */
static void shared_directory_is_refused_and_the_system_still_runs(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char shared[96], *warning, *out, *err, expected[256];
	size_t len;
	snprintf(shared, sizeof(shared), "%s/shared", dir);
	assert_int_equal(mkdir(shared, 0700), 0);
	assert_int_equal(chmod(shared, 01777), 0);
	use_dir(shared);
	two_pd_system(&sys);
	FILE *w = open_memstream(&warning, &len);
	assert_int_equal(sdvf_stats_create(&f, &sys, w), 0);
	assert_int_equal(sdvf_stats_publish(&f, w), 0);
	fclose(w);
	snprintf(expected, sizeof(expected),
		 "sdvf: stats directory %s: writable by others (mode 1777; "
		 "make it yours alone: chmod 700); `sdvf stats` will not see "
		 "this system\n",
		 shared);
	assert_string_equal(warning, expected);
	assert_string_equal(f.path, "none");
	assert_non_null(f.header); /* the PDs still get their slots */
	int pds = print_both(&out, &err);
	assert_int_equal(pds, -1);
	snprintf(expected, sizeof(expected),
		 "sdvf stats: stats directory %s: writable by others (mode "
		 "1777; make it yours alone: chmod 700)\n",
		 shared);
	assert_string_equal(err, expected);
	free(warning);
	free(out);
	free(err);
	sdvf_stats_destroy(&f);
	rmdir(shared);
	use_dir(dir);
}

static void directory_of_another_user_is_refused(void **unused)
{
	(void)unused;
	struct sdvf_system sys;
	struct sdvf_stats_file f;
	char theirs[96], *warning, expected[256];
	size_t len;
	if (geteuid() != 0) {
		print_message("skipped: chown needs root\n");
		return;
	}
	snprintf(theirs, sizeof(theirs), "%s/theirs", dir);
	assert_int_equal(mkdir(theirs, 0700), 0);
	assert_int_equal(chown(theirs, 65534, 65534), 0);
	use_dir(theirs);
	two_pd_system(&sys);
	FILE *w = open_memstream(&warning, &len);
	assert_int_equal(sdvf_stats_create(&f, &sys, w), 0);
	assert_int_equal(sdvf_stats_publish(&f, w), 0);
	fclose(w);
	snprintf(expected, sizeof(expected),
		 "sdvf: stats directory %s: owned by uid 65534, not by you "
		 "(uid 0); `sdvf stats` will not see this system\n",
		 theirs);
	assert_string_equal(warning, expected);
	free(warning);
	sdvf_stats_destroy(&f);
	rmdir(theirs);
	use_dir(dir);
}

static void default_directory_is_private_to_the_user(void **unused)
{
	(void)unused;
	char path[SDVF_STATS_PATH_MAX], expected[64];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	unsetenv("SDVF_STATS_DIR");
	setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
	sdvf_stats_dir(path);
	assert_string_equal(path, geteuid() == 0 ? "/run/sdvf"
						 : "/run/user/4242/sdvf");
	unsetenv("XDG_RUNTIME_DIR");
	sdvf_stats_dir(path);
	snprintf(expected, sizeof(expected), "/tmp/sdvf-%u",
		 (unsigned)geteuid());
	assert_string_equal(path, geteuid() == 0 ? "/run/sdvf" : expected);
	if (xdg)
		setenv("XDG_RUNTIME_DIR", xdg, 1);
	use_dir(dir);
}

static void stats_command_takes_pd_and_format_options(void **unused)
{
	(void)unused;
	char *kv[] = {"stats", "--format=kv", NULL};
	char *kv2[] = {"stats", "--format", "kv", "--pd", "x", NULL};
	char *bad_format[] = {"stats", "--format=xml", NULL};
	char *no_pd[] = {"stats", "--pd", NULL};
	/* nothing is running in the test directory: exit 1, not 2 */
	assert_int_equal(sdvf_stats_main(2, kv, sdvf_builtin_components), 1);
	assert_int_equal(sdvf_stats_main(5, kv2, sdvf_builtin_components), 1);
	assert_int_equal(
		sdvf_stats_main(2, bad_format, sdvf_builtin_components), 2);
	assert_int_equal(sdvf_stats_main(2, no_pd, sdvf_builtin_components), 2);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	setenv("SDVF_STATS_DIR", dir, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(system_name_defaults_to_file_stem),
		cmocka_unit_test(system_name_from_an_odd_file_name_is_a_name),
		cmocka_unit_test(stats_file_stays_in_its_directory),
		cmocka_unit_test(stats_file_invisible_until_published),
		cmocka_unit_test(stats_file_named_after_system_and_launcher),
		cmocka_unit_test(stats_file_removed_on_destroy),
		cmocka_unit_test(stats_header_then_four_pages_per_pd),
		cmocka_unit_test(stats_command_finds_only_published_systems),
		cmocka_unit_test(stats_command_rejects_an_option),
		cmocka_unit_test(kv_lists_component_counters_one_per_line),
		cmocka_unit_test(pd_option_prints_only_that_pd),
		cmocka_unit_test(text_shows_counters_after_the_runtime_table),
		cmocka_unit_test(
			scribbled_slot_prints_safely_and_others_intact),
		cmocka_unit_test(stats_command_takes_pd_and_format_options),
		cmocka_unit_test_teardown(
			stats_file_is_readable_by_its_owner_only, start_afresh),
		cmocka_unit_test_teardown(reader_skips_a_fifo_without_waiting,
					  start_afresh),
		cmocka_unit_test_teardown(reader_does_not_follow_a_symlink,
					  start_afresh),
		cmocka_unit_test_teardown(reader_skips_a_file_of_another_user,
					  start_afresh),
		cmocka_unit_test_teardown(
			reader_skips_a_file_whose_size_disagrees_with_its_header,
			start_afresh),
		cmocka_unit_test_teardown(
			reader_survives_a_file_changing_underneath,
			start_afresh),
		cmocka_unit_test_teardown(file_of_a_reused_pid_is_not_live,
					  start_afresh),
		cmocka_unit_test_teardown(taken_name_does_not_stop_publishing,
					  start_afresh),
		cmocka_unit_test_teardown(missing_directory_is_created_private,
					  start_afresh),
		cmocka_unit_test_teardown(
			shared_directory_is_refused_and_the_system_still_runs,
			start_afresh),
		cmocka_unit_test_teardown(directory_of_another_user_is_refused,
					  start_afresh),
		cmocka_unit_test_teardown(
			default_directory_is_private_to_the_user, start_afresh),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
