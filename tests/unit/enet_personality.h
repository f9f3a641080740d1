/*
 * The ENET model's personalities in the driver's tests (docs/enet.md,
 * "Personalities: silicon, QEMU, and our model").  test_enet_system,
 * test_enet_faults and test_enet_coalesce run every test twice, once per
 * personality: two cmocka groups over the same list, each group's setup
 * choosing the personality, which the test's boot writes into the model's
 * config (enet_test_dts) before loading the system.  A test that expects
 * what only one personality does asks enet_test_qemu().
 */
#ifndef SDVF_TESTS_ENET_PERSONALITY_H
#define SDVF_TESTS_ENET_PERSONALITY_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *enet_test_personality = "silicon";

static inline bool enet_test_qemu(void)
{
	return strcmp(enet_test_personality, "qemu-imx7") == 0;
}

static inline int enet_as_silicon(void **unused)
{
	(void)unused;
	enet_test_personality = "silicon";
	return 0;
}

static inline int enet_as_qemu(void **unused)
{
	(void)unused;
	enet_test_personality = "qemu-imx7";
	return 0;
}

/*
 * `dts` with the model's personality (and `extra`, more of the model's
 * config, may be "") written after its first `wire = "mem";`: a new
 * string the caller frees, or NULL if there is no such key.
 */
static inline char *enet_test_dts(const char *dts, const char *extra)
{
	static const char key[] = "wire = \"mem\";";
	const char *at = strstr(dts, key);
	if (!at)
		return NULL;
	size_t head = (size_t)(at - dts) + sizeof(key) - 1;
	size_t size = strlen(dts) + strlen(extra) + 64;
	char *out = malloc(size);
	if (!out)
		return NULL;
	snprintf(out, size, "%.*s personality = \"%s\"; %s%s", (int)head, dts,
		 enet_test_personality, extra, dts + head);
	return out;
}

/* The same for a file (the fixtures in tests/fixtures/, read from the
 * repository root); NULL if it cannot be read. */
static inline char *enet_test_dts_file(const char *path, const char *extra)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char text[65536];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return enet_test_dts(text, extra);
}

/* Run `tests` once as silicon, once as qemu-imx7; failures of both. */
#define ENET_RUN_BOTH_PERSONALITIES(tests)                                     \
	(cmocka_run_group_tests_name("silicon", tests, enet_as_silicon,        \
				     NULL) +                                   \
	 cmocka_run_group_tests_name("qemu-imx7", tests, enet_as_qemu, NULL))

#endif
