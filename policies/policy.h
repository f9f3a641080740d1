/*
 * Policies: which client's frame goes next when many clients share one NIC.
 *
 * A policy is one file here defining `const struct sdvf_policy NAME_policy`,
 * registered by the line `POLICIES += NAME` in policies/module.mk; the build
 * generates the table sdvf_builtin_policies[] from that list
 * (policies/gen_policies.sh) and sdvf_policy_find() looks a policy up by the
 * name a system description gives.  docs/policies.md explains each built-in
 * and walks through writing one.
 *
 * Two kinds, which compose:
 *   scheduler  pick(): which one of the ready clients sends next
 *              (rr, drr, prio, least_served)
 *   shaper     admit(): which ready clients have budget for their head frame
 *              now, and when the next held one will (token_bucket)
 * The TX mux runs one scheduler behind an optional shaper: the shaper masks
 * out the clients without budget, the scheduler picks among the rest
 * (sdvf_policy_next).  A client held by the shaper is, for the scheduler, a
 * client with nothing queued.  The RX mux runs a shaper alone, one frame at
 * a time (sdvf_policy_admit_one).
 *
 * Who calls what, and when.  The mux is the only caller, always on its one
 * thread, so a policy takes no locks and keeps every bit of its state in
 * the slot the mux gives it (no globals: the mux may hold several
 * instances, e.g. a TX scheduler, a TX shaper and an RX shaper).
 *   sdvf_policy_init     once per instance, at mux init, with the clients'
 *                        parameters; it refuses values outside the policy's
 *                        tables before the policy sees them.
 *   sdvf_policy_next     (TX) whenever the mux could hand the driver a frame:
 *                        returns the client whose head frame goes next, or
 *                        SDVF_POLICY_NONE, and the earliest time a held
 *                        client gets budget (the mux arms its timer there).
 *   sdvf_policy_charge   after a frame left for the driver (TX: on the
 *                        scheduler and on the shaper) or was delivered (RX:
 *                        on the shaper), with the bytes it took, before the
 *                        next sdvf_policy_next.  A pick that ends in no
 *                        frame (the mux rejected the descriptor) is simply
 *                        not charged.
 *   sdvf_policy_admit_one  (RX) may this client take a frame of len bytes
 *                        now?  Charge it only if the frame is delivered.
 * There is no separate timer entry point: the "optional timer tick" of the
 * design is wake_ns.  Every policy computes time-dependent state lazily from
 * now_ns, so when the mux's timer fires it simply calls sdvf_policy_next
 * again.
 *
 * What a policy may assume (the wrappers below and the mux make it so):
 *   - clients are 0..nclients-1, 1 <= nclients <= SDVF_POLICY_CLIENTS_MAX,
 *     fixed for the life of the instance;
 *   - ready->mask has no bit at or above nclients;
 *   - head_len[i], read only where mask has bit i, is the length of client
 *     i's next frame as the mux validated it: 1..SDVF_NET_FRAME_MAX;
 *   - every parameter is within its table entry (min..max, power of two);
 *   - now_ns comes from the mux's clock; a step backwards counts as no time
 *     passing (the built-ins never let it move their state back).
 * What a policy must guarantee:
 *   - pick returns a client whose bit is in ready->mask, or SDVF_POLICY_NONE
 *     (the built-in schedulers are work-conserving: NONE only for an empty
 *     mask); admit returns a subset of ready->mask and sets *wake_ns to the
 *     earliest time a client it held will have budget for its head frame
 *     (0: none held);
 *   - bounded work: at most O(nclients) per call, no loop whose length
 *     depends on bytes, time or history;
 *   - integer arithmetic only, with no overflow for any u64 now_ns (a jump
 *     of hours between calls included) and any parameter in range;
 *   - freestanding C: this header, core/ headers, no libc, no allocation.
 * sdvf_policy_next re-checks the first guarantee with a branch, so a buggy
 * policy costs a frame slot, never a frame sent for a client that had none.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_POLICY_H
#define SDVF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/net.h"
#include "core/pd.h"

/* The ready set is a 64-bit mask, one bit per client. */
#define SDVF_POLICY_CLIENTS_MAX 64u
#define SDVF_POLICY_NONE (-1)
/* Every policy's state fits a slot of this size (each policy file asserts
 * it at compile time; sdvf_policy_init checks state_size at run time). */
#define SDVF_POLICY_STATE_MAX 4096u

/* What the mux knows at one decision.  Written by the mux, read by the
 * policy during the call only. */
struct sdvf_policy_ready {
	uint64_t mask;		  /* bit i: client i has a frame queued */
	const uint32_t *head_len; /* [nclients]; valid where mask has bit i */
	uint64_t now_ns;
};

/* Parameter values, handed to init.  u64(ctx, -1, key) is the policy-wide
 * parameter `key`, u64(ctx, i, key) client i's; both answer every key of
 * the policy's tables, with the table's default when the description
 * leaves it out (as sdvf_config_u64 does for a component's params). */
struct sdvf_policy_config {
	unsigned nclients;
	uint64_t now_ns;
	uint64_t (*u64)(void *ctx, int client, const char *key);
	void *ctx;
};

/* Why init refused, for the mux's one log line:
 * "policy drr: client 2: weight = 0: out of range (1..1024)". */
struct sdvf_policy_fault {
	int client;	 /* -1: a policy-wide parameter or the instance */
	const char *key; /* parameter at fault, or NULL */
	uint64_t value;
	const char *why;
};

enum sdvf_policy_kind { SDVF_POLICY_SCHEDULER, SDVF_POLICY_SHAPER };

struct sdvf_policy {
	const char *name; /* as the system description selects it */
	const char *summary;
	enum sdvf_policy_kind kind;
	size_t state_size; /* <= SDVF_POLICY_STATE_MAX */
	/* U64 parameters, zero-terminated (NULL: none): policy-wide ones and
	 * one set per client, in the struct sdvf_param form components use,
	 * so the loader checks them by name and range. */
	const struct sdvf_param *params;
	const struct sdvf_param *client_params;
	/* State arrives zeroed.  Cross-parameter checks (the ranges are
	 * already checked) fill *fault and return < 0. */
	int (*init)(void *state, const struct sdvf_policy_config *cfg,
		    struct sdvf_policy_fault *fault);
	/* Schedulers only (NULL for shapers). */
	int (*pick)(void *state, const struct sdvf_policy_ready *ready);
	/* Shapers only (NULL for schedulers). */
	uint64_t (*admit)(void *state, const struct sdvf_policy_ready *ready,
			  uint64_t *wake_ns);
	/* `bytes` of `client`'s frame left (TX) or were delivered (RX).
	 * NULL for a policy that keeps no account of bytes. */
	void (*charge)(void *state, unsigned client, uint32_t bytes,
		       uint64_t now_ns);
};

/* One instance: the mux keeps one per policy it runs, in its own state. */
struct sdvf_policy_slot {
	const struct sdvf_policy *policy; /* NULL until init succeeds */
	unsigned nclients;
	_Alignas(16) unsigned char state[SDVF_POLICY_STATE_MAX];
};

/* The built-ins, NULL-terminated (generated from POLICIES). */
extern const struct sdvf_policy *const sdvf_builtin_policies[];

/* The built-in named `name`, or NULL. */
const struct sdvf_policy *sdvf_policy_find(const char *name);

/* The name of the i-th built-in scheduler (shaper), NULL past the last:
 * the choices of a mux's `policy` (`shaper`) parameter. */
const char *sdvf_policy_scheduler_name(unsigned i);
const char *sdvf_policy_shaper_name(unsigned i);

/* The entry for `key` in the policy-wide (per_client false) or per-client
 * table, or NULL: for a mux's config callback to find a default. */
const struct sdvf_param *sdvf_policy_param(const struct sdvf_policy *policy,
					   bool per_client, const char *key);

/* Check nclients and every parameter against the tables, then run the
 * policy's init.  0, or -1 with *fault saying what is wrong (the slot is
 * then unusable: sdvf_policy_next on it returns NONE). */
int sdvf_policy_init(struct sdvf_policy_slot *slot,
		     const struct sdvf_policy *policy,
		     const struct sdvf_policy_config *cfg,
		     struct sdvf_policy_fault *fault);

/* sdvf_policy_next and sdvf_policy_charge, called per frame by the TX mux,
 * are static inline at the end of this file. */

/* RX: may `client` take a frame of `len` bytes now?  True without a shaper.
 * *wake_ns as for sdvf_policy_next.  Admission spends nothing: charge the
 * frame once it is delivered. */
bool sdvf_policy_admit_one(struct sdvf_policy_slot *shaper, unsigned client,
			   uint32_t len, uint64_t now_ns, uint64_t *wake_ns);

/* ---- helpers for policy files --------------------------------------- */

/* The mask of clients 0..n-1. */
static inline uint64_t sdvf_policy_all(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static inline unsigned sdvf_policy_lowest(uint64_t mask)
{
	return (unsigned)__builtin_ctzll(mask); /* mask != 0 */
}

/* Round robin over a mask: the first client after `after` in cyclic index
 * order (after itself last), or SDVF_POLICY_NONE for an empty mask.  O(1).
 * Masks hold no bit at or above nclients, so wrapping to the lowest bit is
 * wrapping to the start of the cycle. */
static inline int sdvf_policy_after(uint64_t mask, unsigned after)
{
	uint64_t later = after >= 63 ? 0 : mask & (~0ull << (after + 1));
	if (later)
		return (int)sdvf_policy_lowest(later);
	return mask ? (int)sdvf_policy_lowest(mask) : SDVF_POLICY_NONE;
}

/* ---- per frame (static inline: a call costs more than their work) ---- */

/* A slot whose init succeeded. */
static inline bool sdvf_policy_slot_ready(const struct sdvf_policy_slot *slot)
{
	return slot && slot->policy;
}

/* TX: the client whose head frame goes next, or SDVF_POLICY_NONE.  `shaper`
 * may be NULL.  *wake_ns: earliest time a client the shaper held will have
 * budget (0: none held); when the mux stops with frames still queued, it
 * arms its timer there and calls again when it fires. */
static inline int sdvf_policy_next(struct sdvf_policy_slot *sched,
				   struct sdvf_policy_slot *shaper,
				   const struct sdvf_policy_ready *ready,
				   uint64_t *wake_ns)
{
	*wake_ns = 0;
	if (!sdvf_policy_slot_ready(sched) ||
	    sched->policy->kind != SDVF_POLICY_SCHEDULER)
		return SDVF_POLICY_NONE;
	struct sdvf_policy_ready eligible = *ready;
	eligible.mask &= sdvf_policy_all(sched->nclients);
	if (sdvf_policy_slot_ready(shaper) &&
	    shaper->policy->kind == SDVF_POLICY_SHAPER) {
		eligible.mask &= sdvf_policy_all(shaper->nclients);
		eligible.mask &= shaper->policy->admit(shaper->state, &eligible,
						       wake_ns);
	}
	/* Called even with an empty mask: a scheduler learns from it that
	 * every client went idle (DRR drops their deficits). */
	int client = sched->policy->pick(sched->state, &eligible);
	if (client < 0 || client >= (int)sched->nclients ||
	    !(eligible.mask >> client & 1))
		return SDVF_POLICY_NONE;
	return client;
}

/* `bytes` of `client`'s frame were sent or delivered.  A NULL or failed
 * slot and an out-of-range client are ignored. */
static inline void sdvf_policy_charge(struct sdvf_policy_slot *slot,
				      unsigned client, uint32_t bytes,
				      uint64_t now_ns)
{
	if (!sdvf_policy_slot_ready(slot) || !slot->policy->charge ||
	    client >= slot->nclients)
		return;
	slot->policy->charge(slot->state, client, bytes, now_ns);
}

#endif
