/*
 * The portable protection-domain (PD) API.
 *
 * A component is code plus a state struct; a PD is one instance of it.  The
 * component sees the world only through this header: its regions (by local
 * name, with rights and io address), its channels (by local name), its typed
 * configuration, and the calls notify / deferred_notify / irq_ack.  It is
 * entered only through init() once and notified() per event, never
 * concurrently (every PD is single-threaded and event-driven).
 *
 * The shape is seL4 Microkit's, so a Microkit port is a shim that implements
 * struct sdvf_runtime_ops over microkit_notify & co (docs/design.md).  The
 * runtimes here are core/hosted/ (one Linux process per PD) and core/sim/
 * (every PD in one process, deterministic scheduler).
 *
 * Components are freestanding C11: this header, <stdint.h>, <stdbool.h>,
 * <stddef.h>, <stdatomic.h>, <stdarg.h> and nothing of the OS.
 */
#ifndef SDVF_PD_H
#define SDVF_PD_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sdvf_rights { SDVF_R = 1u, SDVF_W = 2u, SDVF_RW = 3u };

struct sdvf_region {
	const char *name; /* local name the component asked for */
	void *base;	  /* where this PD sees it */
	uint64_t size;
	uint64_t io_addr; /* device-visible base; valid if has_io */
	bool has_io;
	unsigned rights; /* enum sdvf_rights as mapped into this PD */
};

typedef uint32_t sdvf_channel_t;
#define SDVF_CHANNEL_NONE UINT32_MAX
/* Delivered to notified() when a timer set with sdvf_timer_set expires. */
#define SDVF_CHANNEL_TIMER (UINT32_MAX - 1)

enum sdvf_log_level { SDVF_LOG_ERROR, SDVF_LOG_WARN, SDVF_LOG_INFO };

struct sdvf_pd;

/* Implemented by each runtime.  Components call the inline wrappers below. */
struct sdvf_runtime_ops {
	void (*notify)(struct sdvf_pd *pd, sdvf_channel_t ch);
	void (*deferred_notify)(struct sdvf_pd *pd, sdvf_channel_t ch);
	void (*irq_ack)(struct sdvf_pd *pd, sdvf_channel_t ch);
	const struct sdvf_region *(*region)(struct sdvf_pd *pd,
					    const char *name);
	sdvf_channel_t (*channel)(struct sdvf_pd *pd, const char *name);
	/* Typed configuration; values were checked against the component's
	 * parameter table before init, so a declared key always answers. */
	uint64_t (*config_u64)(struct sdvf_pd *pd, const char *key);
	const char *(*config_str)(struct sdvf_pd *pd, const char *key);
	const uint8_t *(*config_bytes)(struct sdvf_pd *pd, const char *key,
				       size_t *len);
	uint64_t (*now_ns)(struct sdvf_pd *pd);
	/* One pending timer per PD; a later call replaces it; 0 cancels. */
	void (*timer_set)(struct sdvf_pd *pd, uint64_t deadline_ns);
	/* Let other PDs run until poll(arg) is true or timeout_ns passes
	 * (hosted: spin and yield; sim: run the scheduler).  Used by the
	 * posted-MMIO accessors for read-after-write.  True if poll held. */
	bool (*wait)(struct sdvf_pd *pd, bool (*poll)(void *arg), void *arg,
		     uint64_t timeout_ns);
	void (*vlog)(struct sdvf_pd *pd, enum sdvf_log_level level,
		     const char *fmt, va_list ap);
	/* Host I/O for SDVF_ROLE_DEVICE PDs (hardware models and their
	 * wire backends) and SDVF_ROLE_VMM PDs (KVM's eventfds) only:
	 * deliver notified(ch) while host fd `fd` is readable.  NULL where
	 * the runtime has no host fds. */
	int (*watch_fd)(struct sdvf_pd *pd, int fd, sdvf_channel_t ch);
	/* Publish a named counter (sdvf_counter below).  Never NULL. */
	_Atomic uint64_t *(*counter)(struct sdvf_pd *pd, const char *name);
	/* Report that this PD can no longer do its work (sdvf_fail below).
	 * NULL in a runtime without failure reports: then it is logged. */
	void (*vfail)(struct sdvf_pd *pd, const char *fmt, va_list ap);
};

/* The runtime's view of one instance.  Components treat it as opaque. */
struct sdvf_pd {
	const struct sdvf_runtime_ops *ops;
	const char *name; /* PD name from the system description */
	void *runtime;	  /* runtime-private */
};

static inline void sdvf_notify(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	pd->ops->notify(pd, ch);
}

/* Like notify, but coalesced and sent when the current activation ends
 * (Microkit: at most one deferred notification per activation). */
static inline void sdvf_deferred_notify(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	pd->ops->deferred_notify(pd, ch);
}

/* Acknowledge (unmask) the interrupt that arrived on ch.  Hosted and sim
 * runtimes deliver it to the peer on ch, so a hardware model sees the ack as
 * an interrupt controller would (and re-raises a still-pending level). */
static inline void sdvf_irq_ack(struct sdvf_pd *pd, sdvf_channel_t ch)
{
	pd->ops->irq_ack(pd, ch);
}

static inline const struct sdvf_region *sdvf_region(struct sdvf_pd *pd,
						    const char *name)
{
	return pd->ops->region(pd, name);
}

static inline sdvf_channel_t sdvf_channel(struct sdvf_pd *pd, const char *name)
{
	return pd->ops->channel(pd, name);
}

static inline uint64_t sdvf_config_u64(struct sdvf_pd *pd, const char *key)
{
	return pd->ops->config_u64(pd, key);
}

static inline const char *sdvf_config_str(struct sdvf_pd *pd, const char *key)
{
	return pd->ops->config_str(pd, key);
}

static inline const uint8_t *sdvf_config_bytes(struct sdvf_pd *pd,
					       const char *key, size_t *len)
{
	return pd->ops->config_bytes(pd, key, len);
}

static inline uint64_t sdvf_now_ns(struct sdvf_pd *pd)
{
	return pd->ops->now_ns(pd);
}

static inline void sdvf_timer_set(struct sdvf_pd *pd, uint64_t deadline_ns)
{
	pd->ops->timer_set(pd, deadline_ns);
}

static inline bool sdvf_wait(struct sdvf_pd *pd, bool (*poll)(void *arg),
			     void *arg, uint64_t timeout_ns)
{
	return pd->ops->wait(pd, poll, arg, timeout_ns);
}

/* Logging goes through the runtime, which rate-limits per PD. */
__attribute__((format(printf, 3, 4))) static inline void
sdvf_log(struct sdvf_pd *pd, enum sdvf_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pd->ops->vlog(pd, level, fmt, ap);
	va_end(ap);
}

/*
 * This PD can no longer make progress on the work it was given, and will not
 * without outside help: a stream that stalled, a peer that stopped
 * answering.  The runtime logs `fmt` as an error line naming the PD and
 * records the PD as failed: `sdvf run` then exits 1, even if every process
 * stays up, and the sim counts it (sdvf_sim_failures).  The PD keeps
 * running, and the record stays even if it recovers later: the system did
 * not do what it was asked.  Call it once per stall, not per activation.
 */
__attribute__((format(printf, 2, 3))) static inline void
sdvf_fail(struct sdvf_pd *pd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (pd->ops->vfail)
		pd->ops->vfail(pd, fmt, ap);
	else
		pd->ops->vlog(pd, SDVF_LOG_ERROR, fmt, ap);
	va_end(ap);
}

/*
 * Counters a component publishes about itself, shown by `sdvf stats`
 * (hosted: in the PD's own stats slot, kept across a restart; sim:
 * sdvf_sim_counter).  Call at init, once per name; keep the pointer and
 * update it with sdvf_counter_add / sdvf_counter_set.  A name is 1..31
 * bytes of [A-Za-z0-9_.-] starting with a letter, digit or '_', not
 * "sdvf."-prefixed; dots group ("c2.tx_drops_quota").  At most
 * SDVF_COUNTERS_MAX (core/hosted/counters.h: 384) per PD.  Never NULL: an
 * invalid or duplicate name, or a full table, gets a private scratch slot
 * nobody reads, and the runtime counts the refusal and logs the first one. A
 * restarted PD that registers a name again gets the same counter back, value
 * kept; set state-like counters (link_up) in init.
 */
static inline _Atomic uint64_t *sdvf_counter(struct sdvf_pd *pd,
					     const char *name)
{
	return pd->ops->counter(pd, name);
}

/* Bytes of a counter name with its terminating NUL. */
#define SDVF_COUNTER_NAME_BYTES 32u

/* out = prefix followed by suffix, for a family of counter names made at
 * run time ("active" + ".bad_index").  False, with out empty, if the result
 * would not fit SDVF_COUNTER_NAME_BYTES. */
static inline bool sdvf_counter_name_join(char out[SDVF_COUNTER_NAME_BYTES],
					  const char *prefix,
					  const char *suffix)
{
	const char *parts[2] = {prefix, suffix};
	size_t n = 0;
	for (int i = 0; i < 2; i++) {
		for (const char *c = parts[i]; *c; c++) {
			if (n == SDVF_COUNTER_NAME_BYTES - 1) {
				out[0] = '\0';
				return false;
			}
			out[n++] = *c;
		}
	}
	out[n] = '\0';
	return true;
}

/* The component is the only writer of its counters, so a relaxed load and
 * store is an exact increment: no locked read-modify-write (which costs a
 * bus lock per packet) is needed.  Relaxed: readers only display values. */
static inline void sdvf_counter_add(_Atomic uint64_t *c, uint64_t n)
{
	uint64_t v = atomic_load_explicit(c, memory_order_relaxed);
	atomic_store_explicit(c, v + n, memory_order_relaxed);
}

static inline void sdvf_counter_set(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, v, memory_order_relaxed);
}

static inline uint64_t sdvf_counter_get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* ---- what a component declares -------------------------------------- */

/* A region or channel the component uses.  The system description may grant
 * no more than this (least privilege, checked by `sdvf check`), and must
 * grant every entry that is not optional. */
enum sdvf_need_kind { SDVF_NEED_REGION, SDVF_NEED_CHANNEL };

struct sdvf_need {
	const char *name;
	enum sdvf_need_kind kind;
	unsigned rights; /* regions: the most this component may be granted */
	bool optional;
};

/* A configuration parameter, checked against the description before init. */
enum sdvf_param_type {
	SDVF_PARAM_U64,	 /* <u32> or <u64> cells; min..max inclusive */
	SDVF_PARAM_STR,	 /* string; max = longest length */
	SDVF_PARAM_MAC,	 /* exactly 6 bytes, unicast */
	SDVF_PARAM_BYTES /* byte string; min..max length */
};

struct sdvf_param {
	const char *name;
	enum sdvf_param_type type;
	uint64_t min, max;
	bool required;
	uint64_t default_u64; /* U64 only, when not required */
	const char *help;
	bool power_of_two; /* U64 only: value must be a power of two */
	/* MAC only: names another station (where to send), not this PD's own
	 * address, so the loader's one-station-per-MAC rule skips it. */
	bool names_peer;
	/* STR only, optional: the i-th value the parameter may take, NULL
	 * past the last; the loader refuses any other and lists these. */
	const char *(*choice)(unsigned i);
};

/* Declaring needs and params in a line each: the common shapes. */
#define SDVF_NEED_REGION_RW(local)                                             \
	{                                                                      \
		.name = (local), .kind = SDVF_NEED_REGION, .rights = SDVF_RW   \
	}
#define SDVF_NEED_REGION_RO(local)                                             \
	{                                                                      \
		.name = (local), .kind = SDVF_NEED_REGION, .rights = SDVF_R    \
	}
#define SDVF_NEED_CHAN(local)                                                  \
	{                                                                      \
		.name = (local), .kind = SDVF_NEED_CHANNEL                     \
	}
/* The same, when the description may leave it out. */
#define SDVF_NEED_REGION_RW_OPTIONAL(local)                                    \
	{                                                                      \
		.name = (local), .kind = SDVF_NEED_REGION, .rights = SDVF_RW,  \
		.optional = true                                               \
	}
#define SDVF_NEED_CHAN_OPTIONAL(local)                                         \
	{                                                                      \
		.name = (local), .kind = SDVF_NEED_CHANNEL, .optional = true   \
	}
/* One queue of a pair: the PD produces or consumes it in place, so rw. */
#define SDVF_NEED_QUEUE(local) SDVF_NEED_REGION_RW(local)

/* A required queue capacity: power of two, 1..max slots. */
#define SDVF_PARAM_CAPACITY(key, max_slots, what)                              \
	{                                                                      \
		.name = (key), .type = SDVF_PARAM_U64, .min = 1,               \
		.max = (max_slots), .required = true, .power_of_two = true,    \
		.help = (what)                                                 \
	}
/* An optional power of two in lo..hi with a default (ring sizes, optional
 * queue capacities). */
#define SDVF_PARAM_POW2_DEFAULT(key, lo, hi, dflt, what)                       \
	{                                                                      \
		.name = (key), .type = SDVF_PARAM_U64, .min = (lo),            \
		.max = (hi), .default_u64 = (dflt), .power_of_two = true,      \
		.help = (what)                                                 \
	}
/* An optional string of at most `longest` bytes (absent: NULL). */
#define SDVF_PARAM_STRING(key, longest, what)                                  \
	{                                                                      \
		.name = (key), .type = SDVF_PARAM_STR, .max = (longest),       \
		.help = (what)                                                 \
	}
/* An optional string that must be one of what `choices(i)` lists. */
#define SDVF_PARAM_CHOICE(key, longest, choices, what)                         \
	{                                                                      \
		.name = (key), .type = SDVF_PARAM_STR, .max = (longest),       \
		.choice = (choices), .help = (what)                            \
	}
/* An optional u64 in lo..hi with a default. */
#define SDVF_PARAM_U64_DEFAULT(key, lo, hi, dflt, what)                        \
	{                                                                      \
		.name = (key), .type = SDVF_PARAM_U64, .min = (lo),            \
		.max = (hi), .default_u64 = (dflt), .help = (what)             \
	}

/* A counter a component publishes, with its meaning in one line: `sdvf
 * stats --explain` and docs show this text, so it is written once, in the
 * component's counter list.  A name ending in ".*" stands for a family
 * ("bad_return.*": one counter per reason). */
struct sdvf_counter_doc {
	const char *name;
	const char *meaning;
};

/* The role decides sandboxing: client PDs run under seccomp. */
enum sdvf_role {
	SDVF_ROLE_CLIENT,
	SDVF_ROLE_MUX,
	SDVF_ROLE_DRIVER,
	SDVF_ROLE_DEVICE, /* hardware model: may use host I/O (wire backends) */
	SDVF_ROLE_VMM,
};

struct sdvf_component {
	const char *name;
	const char *summary;
	enum sdvf_role role;
	size_t state_size;
	const struct sdvf_need *needs;	 /* terminated by a zero entry */
	const struct sdvf_param *params; /* terminated by a zero entry */
	/* Counters it publishes, terminated by a zero entry (or NULL). */
	const struct sdvf_counter_doc *counters;
	/* Returns 0, or a negative value to refuse to start (logged). */
	int (*init)(void *state, struct sdvf_pd *pd);
	void (*notified)(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);
	/*
	 * Optional (NULL: the PD takes no part in restarts).  The PD at the
	 * other end of channel `ch` died and is about to be restarted.  It is
	 * not running now; its new instance starts only once every PD at the
	 * other end of one of its channels has returned from this.  Put every
	 * queue shared with it back to the fresh state (sdvf_queue_reset),
	 * take back every buffer it held (sdvf_own_reclaim), and forget any
	 * state of the exchange with it (a sequence, a half-done batch).  A
	 * queue belongs to the channel that signals its traffic: the PD on
	 * that channel is its other end.  Called like notified(), never
	 * concurrently with it, and it may notify: a producer may go on
	 * sending into the fresh queues, and the new instance finds the work
	 * when it starts.
	 */
	void (*peer_restart)(void *state, struct sdvf_pd *pd,
			     sdvf_channel_t ch);
};

#endif
