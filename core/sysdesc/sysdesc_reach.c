/*
 * Where each client of the muxes can be reached, read from the explicit
 * (expanded) system: `sdvf run` prints it once the system is up.
 *
 * A net client is a PD (not a mux) whose channel "rx" or "tx" ends at a
 * mux PD (role SDVF_ROLE_MUX) as that mux's channel "cN" (the client
 * contract of mux/rx_mux.h and mux/tx_mux.h, which sdvf,net writes).  The
 * mode of a direction is the mux's config "cN_mode"; the address is the
 * client's own config "mac" (6 bytes) and "ip" (4 bytes), "-" if absent
 * (e.g. a client that takes no IPv4 address).  Nothing here names a
 * component: roles and channel names only.
 */
#include <string.h>

#include "core/sysdesc/sysdesc_internal.h"

/* The PD at the other end of PD `pd`'s channel end `local`, or -1; its
 * channel index in *chan. */
static int peer_of(const struct sdvf_system *sys, int pd, const char *local,
		   int *chan)
{
	const struct sdvf_sys_pd *p = &sys->pds[pd];
	for (int i = 0; i < p->nchans; i++) {
		if (strcmp(p->chans[i].local, local) != 0)
			continue;
		const struct sdvf_sys_channel *ch =
			&sys->channels[p->chans[i].channel];
		*chan = p->chans[i].channel;
		return ch->pd[0] == pd ? ch->pd[1] : ch->pd[0];
	}
	return -1;
}

/* "cN" with N decimal digits (no sign, no leading zero but "c0"). */
static bool is_client_end(const char *local)
{
	if (local[0] != 'c' || local[1] < '0' || local[1] > '9')
		return false;
	if (local[1] == '0' && local[2] != '\0')
		return false;
	for (const char *s = local + 2; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The mode of client direction `local` ("rx" or "tx") of PD `pd`: the mux
 * config "cN_mode" at the other end, or NULL if that end is no mux's cN. */
static const char *client_mode(const struct sdvf_system *sys, int pd,
			       const char *local)
{
	int chan = -1;
	int mux = peer_of(sys, pd, local, &chan);
	if (mux < 0 || sys->pds[mux].component->role != SDVF_ROLE_MUX)
		return NULL;
	const struct sdvf_sys_pd *m = &sys->pds[mux];
	for (int i = 0; i < m->nchans; i++) {
		if (m->chans[i].channel != chan ||
		    !is_client_end(m->chans[i].local))
			continue;
		char key[SDVF_NAME_MAX + 8];
		snprintf(key, sizeof(key), "%s_mode", m->chans[i].local);
		const char *mode = sdvf_system_config_str(sys, mux, key);
		return mode ? mode : "?";
	}
	return NULL;
}

void sdvf_system_print_net_clients(const struct sdvf_system *sys,
				   const char *prefix, FILE *out)
{
	for (int pd = 0; pd < sys->npds; pd++) {
		if (sys->pds[pd].component->role == SDVF_ROLE_MUX)
			continue;
		const char *rx = client_mode(sys, pd, "rx");
		const char *tx = client_mode(sys, pd, "tx");
		if (!rx && !tx)
			continue;
		size_t len;
		char mac[18] = "-", ip[16] = "-";
		const uint8_t *v =
			sdvf_system_config_bytes(sys, pd, "mac", &len);
		if (v && len == 6)
			sysdesc_format_mac(mac, v);
		v = sdvf_system_config_bytes(sys, pd, "ip", &len);
		if (v && len == 4)
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", v[0], v[1],
				 v[2], v[3]);
		fprintf(out,
			"%snet client %s: component=%s mac=%s ip=%s rx=%s "
			"tx=%s\n",
			prefix, sys->pds[pd].name, sys->pds[pd].component->name,
			mac, ip, rx ? rx : "-", tx ? tx : "-");
	}
}
