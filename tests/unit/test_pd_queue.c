/* sdvf_queue_attach_region (core/pd_queue.h): attach by local name, or one
 * log line naming the region and a refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/pd_queue.h"

/* A PD with one region, "active", of `region_bytes`; logs are captured. */
static _Alignas(64) unsigned char region_mem[2 * 4096];
static struct sdvf_region region = {.name = "active", .base = region_mem};
static char last_log[256];
static int nlogs;

static const struct sdvf_region *fake_region(struct sdvf_pd *pd,
					     const char *name)
{
	(void)pd;
	return strcmp(name, region.name) == 0 ? &region : NULL;
}

static void fake_vlog(struct sdvf_pd *pd, enum sdvf_log_level level,
		      const char *fmt, va_list ap)
{
	(void)pd;
	(void)level;
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	nlogs++;
}

static const struct sdvf_runtime_ops fake_ops = {
	.region = fake_region,
	.vlog = fake_vlog,
};
static struct sdvf_pd pd = {.ops = &fake_ops, .name = "t"};

static int reset(void **unused)
{
	(void)unused;
	region.size = sizeof(region_mem);
	memset(region_mem, 0, sizeof(region_mem));
	last_log[0] = '\0';
	nlogs = 0;
	return 0;
}

static void attaches_granted_region_with_capacity(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_true(sdvf_queue_attach_region(&pd, &q, "active", 256));
	assert_ptr_equal(q.shared, region_mem);
	assert_int_equal(q.capacity, 256);
	assert_int_equal(q.own, 0);
	assert_int_equal(nlogs, 0);
}

static void refuses_region_not_granted(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach_region(&pd, &q, "free", 256));
	assert_int_equal(nlogs, 1);
	assert_string_equal(last_log,
			    "queue 'free': region missing, or smaller than 256 "
			    "slots (4480 bytes), or capacity not a power of "
			    "two");
}

static void refuses_region_smaller_than_capacity(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	region.size = 4096;
	/* 384-byte header + 256 x 16 bytes does not fit one page. */
	assert_false(sdvf_queue_attach_region(&pd, &q, "active", 256));
	assert_int_equal(nlogs, 1);
	assert_true(sdvf_queue_attach_region(&pd, &q, "active", 128));
	assert_int_equal(nlogs, 1);
}

static void refuses_capacity_not_power_of_two_or_too_big(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach_region(&pd, &q, "active", 100));
	assert_false(
		sdvf_queue_attach_region(&pd, &q, "active", (1ull << 32) + 1));
	assert_int_equal(nlogs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(attaches_granted_region_with_capacity,
				       reset),
		cmocka_unit_test_setup(refuses_region_not_granted, reset),
		cmocka_unit_test_setup(refuses_region_smaller_than_capacity,
				       reset),
		cmocka_unit_test_setup(
			refuses_capacity_not_power_of_two_or_too_big, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
