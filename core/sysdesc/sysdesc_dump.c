/*
 * `sdvf dump`: the explicit system, one fact per line, in a fixed order
 * (docs/system-description.md, "Dump format").  Every line is a record
 * type, the subject's name, then positional words and key=value fields, so
 * a checker can parse it with awk (tests/integration/least_privilege.sh).
 */
#include <libfdt.h>
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

static const char *role_name(enum sdvf_role role)
{
	static const char *const names[] = {"client", "mux", "driver", "device",
					    "vmm"};
	return (unsigned)role < 5 ? names[role] : "unknown";
}

static const char *rights_name(unsigned rights)
{
	static const char *const names[4] = {"none", "r", "w", "rw"};
	return names[rights & 3u];
}

void sdvf_system_name(const struct sdvf_system *sys, char out[SDVF_NAME_MAX])
{
	char why[SDVF_NAME_WHY_MAX];
	const char *name =
		sys->fdt ? sysdesc_prop_str(sys->fdt, 0, "name", NULL) : NULL;
	/* checked at load (sysdesc_names.c); checked again for a caller that
	 * built its own system */
	if (name && !sdvf_name_problem(name, why)) {
		snprintf(out, SDVF_NAME_MAX, "%s", name);
		return;
	}
	const char *path = sys->path ? sys->path : "system";
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (len > SDVF_NAME_MAX - 1)
		len = SDVF_NAME_MAX - 1;
	for (size_t i = 0; i < len; i++) {
		char ch = base[i];
		out[i] = sysdesc_chars_problem((char[]){ch, '\0'}, false, why)
				 ? '_'
				 : ch;
	}
	out[len] = '\0';
	if (sdvf_name_problem(out, why))
		snprintf(out, SDVF_NAME_MAX, "system");
}

static void dump_config(const struct sdvf_system *sys, int i, FILE *out)
{
	const struct sdvf_sys_pd *pd = &sys->pds[i];
	for (const struct sdvf_param *p = pd->component->params; p && p->name;
	     p++) {
		size_t len;
		const uint8_t *v =
			sdvf_system_config_bytes(sys, i, p->name, &len);
		char mac[18];
		if (p->type == SDVF_PARAM_U64) {
			fprintf(out, "pd-config %s %s=%llu%s\n", pd->name,
				p->name,
				(unsigned long long)sdvf_system_config_u64(
					sys, i, p->name),
				v ? "" : " default");
		} else if (!v) {
			continue;
		} else if (p->type == SDVF_PARAM_STR) {
			fprintf(out, "pd-config %s %s=\"%s\"\n", pd->name,
				p->name, (const char *)v);
		} else if (p->type == SDVF_PARAM_MAC) {
			sysdesc_format_mac(mac, v);
			fprintf(out, "pd-config %s %s=%s\n", pd->name, p->name,
				mac);
		} else {
			fprintf(out, "pd-config %s %s=[", pd->name, p->name);
			for (size_t b = 0; b < len; b++)
				fprintf(out, "%s%02x", b ? " " : "", v[b]);
			fprintf(out, "]\n");
		}
	}
}

static void dump_pd(const struct sdvf_system *sys, int i, FILE *out)
{
	const struct sdvf_sys_pd *pd = &sys->pds[i];
	char core[16] = "none";
	if (pd->core >= 0)
		snprintf(core, sizeof(core), "%d", pd->core);
	fprintf(out, "pd %s component=%s role=%s core=%s restartable=%s",
		pd->name, pd->component->name, role_name(pd->component->role),
		core, pd->restartable ? "yes" : "no");
	if (pd->group[0]) /* only then: older readers see the same line */
		fprintf(out, " group=%s", pd->group);
	fputc('\n', out);
	for (int m = 0; m < pd->nmaps; m++)
		fprintf(out, "pd-map %s %s region=%s rights=%s\n", pd->name,
			pd->maps[m].local,
			sys->regions[pd->maps[m].region].name,
			rights_name(pd->maps[m].rights));
	for (int c = 0; c < pd->nchans; c++) {
		const struct sdvf_sys_channel *ch =
			&sys->channels[pd->chans[c].channel];
		int peer = ch->pd[0] == i ? ch->pd[1] : ch->pd[0];
		fprintf(out, "pd-channel %s %s channel=%s peer=%s\n", pd->name,
			pd->chans[c].local, ch->name,
			peer >= 0 ? sys->pds[peer].name : "?");
	}
	for (const struct sdvf_need *n = pd->component->needs; n && n->name;
	     n++) {
		if (n->kind == SDVF_NEED_REGION)
			fprintf(out, "pd-need %s region %s rights=%s %s\n",
				pd->name, n->name, rights_name(n->rights),
				n->optional ? "optional" : "required");
		else
			fprintf(out, "pd-need %s channel %s %s\n", pd->name,
				n->name, n->optional ? "optional" : "required");
	}
	dump_config(sys, i, out);
}

static void dump_region(const struct sdvf_system *sys, int r, FILE *out)
{
	const struct sdvf_sys_region *region = &sys->regions[r];
	char io[24] = "none";
	if (region->has_io)
		snprintf(io, sizeof(io), "0x%llx",
			 (unsigned long long)region->io_addr);
	char uio[40] = "";
	if (region->uio_device[0])
		snprintf(uio, sizeof(uio), " uio=%s:map%u", region->uio_device,
			 (unsigned)region->uio_map);
	fprintf(out, "region %s size=0x%llx io=%s%s%s\n", region->name,
		(unsigned long long)region->size, io,
		region->stats ? " stats=yes" : "", uio);
	for (int p = 0; p < sys->npds; p++) {
		const struct sdvf_sys_pd *pd = &sys->pds[p];
		for (int m = 0; m < pd->nmaps; m++) {
			if (pd->maps[m].region == r)
				fprintf(out,
					"region-map %s pd=%s local=%s "
					"rights=%s\n",
					region->name, pd->name,
					pd->maps[m].local,
					rights_name(pd->maps[m].rights));
		}
	}
}

void sdvf_system_print_groups(const struct sdvf_system *sys, const char *prefix,
			      FILE *out)
{
	for (int i = 0; i < sys->npds; i++) {
		int members[SDVF_MAX_GROUP];
		int n = sdvf_system_group(sys, i, members);
		if (sys->pds[i].group[0] == '\0' || members[0] != i)
			continue;
		fprintf(out, "%s%s pds=", prefix, sys->pds[i].group);
		for (int k = 0; k < n; k++)
			fprintf(out, "%s%s", k ? "," : "",
				sys->pds[members[k]].name);
		fputc('\n', out);
	}
}

void sdvf_system_dump(const struct sdvf_system *sys, FILE *out)
{
	char name[SDVF_NAME_MAX];
	sdvf_system_name(sys, name);
	fprintf(out, "system %s pds=%d regions=%d channels=%d\n", name,
		sys->npds, sys->nregions, sys->nchannels);
	for (int i = 0; i < sys->npds; i++)
		dump_pd(sys, i, out);
	sdvf_system_print_groups(sys, "group ", out);
	for (int r = 0; r < sys->nregions; r++)
		dump_region(sys, r, out);
	for (int c = 0; c < sys->nchannels; c++) {
		const struct sdvf_sys_channel *ch = &sys->channels[c];
		fprintf(out, "channel %s ends=%s,%s\n", ch->name,
			sys->pds[ch->pd[0]].name, sys->pds[ch->pd[1]].name);
	}
}
