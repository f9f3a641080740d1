/* The `vmm` component's declaration (vmm_pd.h): what it needs, its
 * parameters and counters, on every architecture, so `sdvf check` and
 * `sdvf dump` of a system with a VM work everywhere. */
#include "vmm/vmm_pd.h"

static const struct sdvf_need vmm_needs[] = {NET_CLIENT_NEEDS, {0}};

static const struct sdvf_param vmm_params[] = {
	NET_CLIENT_PARAMS,
	{.name = "kernel",
	 .type = SDVF_PARAM_STR,
	 .max = 255,
	 .required = true,
	 .help = "path of the guest's arm64 Image (read by the VMM at start)"},
	SDVF_PARAM_STRING("initrd", 255, "path of the guest's initramfs"),
	SDVF_PARAM_U64_DEFAULT("mem", 16, 4096, 256, "guest RAM in MiB"),
	SDVF_PARAM_U64_DEFAULT("cpus", 1, VMM_MAX_CPUS, 1, "guest vCPUs"),
	SDVF_PARAM_STRING("bootargs", 1023,
			  "guest kernel command line (default "
			  "\"" VMM_PD_DEFAULT_BOOTARGS "\")"),
	SDVF_PARAM_STRING("console", 255,
			  "file for the guest's console (default: the PD's "
			  "log, rate-limited)"),
	SDVF_PARAM_U64_DEFAULT("timeout", 0, 86400, 0,
			       "seconds the guest may run before it is "
			       "killed (exit 124); 0: no limit"),
	{0},
};

#define VMM_PD_DOC(field, name, meaning) {name, meaning},
static const struct sdvf_counter_doc vmm_counters[] = {
	NET_CLIENT_COUNTER_DOCS VMM_PD_COUNTERS(VMM_PD_DOC){0},
};

#if !defined(__aarch64__)
/* No usable KVM for our guests here (docs/vmm.md: x86's /dev/kvm cannot
 * boot a stock Linux guest): refuse cleanly, naming the PD. */
int vmm_pd_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	sdvf_log(pd, SDVF_LOG_ERROR,
		 "component vmm runs guests on arm64 KVM only: this sdvf is "
		 "not built for aarch64 (run the system inside the aarch64 "
		 "image, docs/vmm.md)");
	return -1;
}

void vmm_pd_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

void vmm_pd_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}
#endif

const struct sdvf_component vmm_component = {
	.name = "vmm",
	.summary = "a Linux guest under KVM (arm64) whose virtio-net device is "
		   "a copy-mode client of the muxes",
	.role = SDVF_ROLE_VMM,
	.state_size = sizeof(struct vmm_pd),
	.needs = vmm_needs,
	.params = vmm_params,
	.counters = vmm_counters,
	.init = vmm_pd_init,
	.notified = vmm_pd_notified,
	.peer_restart = vmm_pd_peer_restart,
};
