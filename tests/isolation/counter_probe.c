/*
 * sdvf-counter-probe: `sdvf` plus one test component, `counter_probe`, that
 * exercises sdvf_counter() in the hosted runtime (tests/isolation/
 * test_counters_hosted.sh).
 *
 * counter_probe (role client, so under seccomp): at init it registers
 * "inits" and adds 1, then registers "inits" again (a duplicate) and
 * "bad name" (invalid), and logs "inits N".  While N <= crash_times it
 * crashes (SIGSEGV) at once, so a restartable instance shows whether the
 * counters survive a restart in the PD's stats slot.  It documents "inits"
 * in its counter list, for `sdvf stats --explain`.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/cli/cli.h"
#include "core/pd.h"
#include "core/sysdesc/system.h"

struct counter_probe {
	volatile uint8_t *nowhere; /* stays NULL: the crash */
};

static const struct sdvf_need probe_needs[] = {{0}};

static const struct sdvf_param probe_params[] = {
	{.name = "crash_times",
	 .type = SDVF_PARAM_U64,
	 .min = 0,
	 .max = 100,
	 .default_u64 = 1,
	 .help = "how many starts crash"},
	{0},
};

static const struct sdvf_counter_doc probe_counters[] = {
	{"inits", "init() calls in this PD's slot, restarts included"},
	{0},
};

static int probe_init(void *state, struct sdvf_pd *pd)
{
	struct counter_probe *p = state;
	_Atomic uint64_t *inits = sdvf_counter(pd, "inits");
	sdvf_counter_add(inits, 1);
	sdvf_counter_add(sdvf_counter(pd, "inits"), 1000);    /* scratch */
	sdvf_counter_add(sdvf_counter(pd, "bad name"), 1000); /* scratch */
	uint64_t n = sdvf_counter_get(inits);
	sdvf_log(pd, SDVF_LOG_INFO, "inits %llu", (unsigned long long)n);
	if (n <= sdvf_config_u64(pd, "crash_times"))
		p->nowhere[0] = 1;
	return 0;
}

static void probe_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

static const struct sdvf_component counter_probe = {
	.name = "counter_probe",
	.summary = "test: registers counters, crashes on early starts",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct counter_probe),
	.needs = probe_needs,
	.params = probe_params,
	.counters = probe_counters,
	.init = probe_init,
	.notified = probe_notified,
};

int main(int argc, char **argv)
{
	static const struct sdvf_component *table[128];
	size_t n = 0;
	for (size_t i = 0; sdvf_builtin_components[i] && n < 126; i++)
		table[n++] = sdvf_builtin_components[i];
	table[n++] = &counter_probe;
	table[n] = NULL;
	return sdvf_cli_main(argc, argv, table);
}
