/*
 * docs/clients.md's minimal client (hello_udp) and its description, as the
 * page shows them: the build extracts both (tests/unit/module.mk), so the
 * page cannot drift from the API.  The client is an lwIP net client whose
 * tables the loader and the sdvf,net expander accept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/pd.h"
#include "core/sysdesc/sysdesc.h"
#include "core/sysdesc/system.h"

extern const struct sdvf_component hello_udp_component;

static bool has_need(const struct sdvf_component *c, const char *name)
{
	for (const struct sdvf_need *n = c->needs; n && n->name; n++)
		if (strcmp(n->name, name) == 0)
			return true;
	return false;
}

static bool has_param(const struct sdvf_component *c, const char *name)
{
	for (const struct sdvf_param *p = c->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return true;
	return false;
}

static void doc_client_is_an_lwip_net_client(void **state)
{
	(void)state;
	const struct sdvf_component *c = &hello_udp_component;
	assert_string_equal(c->name, "hello_udp");
	assert_int_equal(c->role, SDVF_ROLE_CLIENT);
	assert_true(has_need(c, "rx_active") && has_need(c, "tx_active"));
	assert_true(has_need(c, "rx_data") && has_need(c, "tx_data"));
	assert_true(has_param(c, "mac") && has_param(c, "ip"));
	assert_true(has_param(c, "ip_mode") && has_param(c, "prefix_len"));
	assert_non_null(c->init);
	assert_non_null(c->notified);
	assert_non_null(c->peer_restart);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[16384];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(text) - 1);
	text[n] = '\0';
	return text;
}

static void doc_description_loads_with_the_doc_client(void **state)
{
	(void)state;
	static const struct sdvf_component *table[80];
	size_t n = 0;
	for (const struct sdvf_component *const *c = sdvf_builtin_components;
	     *c && n < 78; c++)
		table[n++] = *c;
	table[n++] = &hello_udp_component;
	table[n] = NULL;
	struct sdvf_system sys;
	char *errors = NULL;
	size_t len;
	FILE *err = open_memstream(&errors, &len);
	assert_non_null(err);
	int rc = sdvf_system_load_dts(&sys, "hello_udp.dts",
				      read_all(DOC_HELLO_DTS), table, err);
	fclose(err);
	assert_string_equal(errors, "");
	assert_int_equal(rc, 0);
	free(errors);
	char *dump = NULL;
	FILE *out = open_memstream(&dump, &len);
	sdvf_system_dump(&sys, out);
	fclose(out);
	assert_non_null(strstr(dump, "pd hello component=hello_udp "
				     "role=client"));
	assert_non_null(
		strstr(dump, "pd-config hello mac=02:00:00:00:e9:02\n"));
	assert_non_null(strstr(dump, "pd-map hello rx_data region=net_rx_dma "
				     "rights=r\n"));
	free(dump);
	sdvf_system_free(&sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doc_client_is_an_lwip_net_client),
		cmocka_unit_test(doc_description_loads_with_the_doc_client),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
