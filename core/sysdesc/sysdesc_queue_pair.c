/*
 * The `sdvf,queue-pair` subsystem: one producer PD sends buffers to one
 * consumer PD through an active/free queue pair over a shared data region.
 *
 *   pipe { compatible = "sdvf,queue-pair"; producer = "source";
 *          consumer = "sink"; buffers = <256>; capacity = <256>;
 *          prefix = "x_"; };   (prefix optional)
 *
 * expands to regions pipe_data (buffers x 2048, rounded up to 4096),
 * pipe_active and pipe_free (SDVF_QUEUE_BYTES(capacity) rounded up to 4096),
 * channel pipe between the two, maps x_data (producer rw, consumer r),
 * x_active and x_free (rw on both), channel end x_peer on both, and config
 * x_buffers and x_capacity on both.  Nothing the user wrote is replaced:
 * any name already taken is a conflict error and nothing is written.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include "core/queue.h"
#include "core/sysdesc/sysdesc_internal.h"

#define QP_BUFFER_BYTES 2048u
#define QP_MAX_BUFFERS 65536u
#define QP_MAX_CAPACITY 65536u
#define PAGE 4096u

struct qp {
	const char *where;
	FILE *err;
	int errors;
	/* Copies, not pointers into the blob: writing moves its contents. */
	char name[SDVF_NAME_MAX];
	char pd[2][SDVF_NAME_MAX]; /* producer, consumer; "" if invalid */
	char prefix[SDVF_NAME_MAX];
	uint64_t buffers, capacity;
	char region[3][SDVF_NAME_MAX]; /* data, active, free */
	/* Local names, prefixed: data active free peer buffers capacity. */
	char local[6][SDVF_NAME_MAX];
};

static const char *const qp_props[] = {"compatible", "producer", "consumer",
				       "buffers",    "capacity", "prefix",
				       NULL};
static const char *const qp_suffix[3] = {"_data", "_active", "_free"};
static const char *const qp_local[6] = {"data", "active",  "free",
					"peer", "buffers", "capacity"};

__attribute__((format(printf, 2, 3))) static void qp_error(struct qp *q,
							   const char *fmt, ...)
{
	va_list ap;
	fprintf(q->err, "%s: ", q->where);
	va_start(ap, fmt);
	vfprintf(q->err, fmt, ap);
	va_end(ap);
	fputc('\n', q->err);
	q->errors++;
}

static void qp_read_pd(struct qp *q, const void *fdt, int node, int end)
{
	const char *prop = end == 0 ? "producer" : "consumer";
	bool present;
	const char *name = sysdesc_prop_str(fdt, node, prop, &present);
	int pds = fdt_path_offset(fdt, "/pds");
	char why[SDVF_NAME_WHY_MAX], quoted[SYSDESC_QUOTE_MAX];
	if (!name) {
		qp_error(q,
			 present ? "property '%s': must be one string naming "
				   "a PD in /pds"
				 : "missing property '%s' (a PD in /pds)",
			 prop);
		return;
	}
	if (sdvf_name_problem(name, why)) {
		qp_error(q, "property '%s': name \"%s\" %s", prop,
			 sysdesc_quote(quoted, sizeof(quoted), name), why);
		return;
	}
	if (fdt_subnode_offset(fdt, pds, name) < 0) {
		qp_error(q, "property '%s': no PD '%s' in /pds", prop, name);
		return;
	}
	strcpy(q->pd[end], name);
}

static void qp_read_count(struct qp *q, const void *fdt, int node,
			  const char *prop, uint64_t max, bool pow2,
			  uint64_t *out)
{
	int len;
	const void *v = fdt_getprop(fdt, node, prop, &len);
	if (!v) {
		qp_error(q, "missing property '%s' (1..%llu%s)", prop,
			 (unsigned long long)max, pow2 ? ", power of two" : "");
	} else if (!sysdesc_cells_u64(v, len, out)) {
		qp_error(q,
			 "property '%s': must be one or two 32-bit cells "
			 "(<u32> or <hi lo>)",
			 prop);
	} else if (*out < 1 || *out > max) {
		qp_error(q, "property '%s': %llu is out of range (1..%llu)",
			 prop, (unsigned long long)*out,
			 (unsigned long long)max);
	} else if (pow2 && (*out & (*out - 1)) != 0) {
		qp_error(q, "property '%s': %llu is not a power of two", prop,
			 (unsigned long long)*out);
	} else {
		return;
	}
	*out = 0;
}

static void qp_read(struct qp *q, const void *fdt, int node)
{
	for (int p = fdt_first_property_offset(fdt, node); p >= 0;
	     p = fdt_next_property_offset(fdt, p)) {
		const char *pname;
		bool known = false;
		fdt_getprop_by_offset(fdt, p, &pname, NULL);
		for (int i = 0; qp_props[i]; i++)
			known |= strcmp(qp_props[i], pname) == 0;
		if (!known)
			qp_error(q,
				 "property '%s': unknown (valid: compatible, "
				 "producer, consumer, buffers, capacity, "
				 "prefix)",
				 pname);
	}
	qp_read_pd(q, fdt, node, 0);
	qp_read_pd(q, fdt, node, 1);
	if (q->pd[0][0] && strcmp(q->pd[0], q->pd[1]) == 0) {
		qp_error(q,
			 "property 'consumer': '%s' is also the producer (a "
			 "queue pair joins two distinct PDs)",
			 q->pd[1]);
	}
	qp_read_count(q, fdt, node, "buffers", QP_MAX_BUFFERS, false,
		      &q->buffers);
	qp_read_count(q, fdt, node, "capacity", QP_MAX_CAPACITY, true,
		      &q->capacity);
	bool present;
	const char *prefix = sysdesc_prop_str(fdt, node, "prefix", &present);
	size_t room = SDVF_NAME_MAX - 1 - strlen("capacity");
	char why[SDVF_NAME_WHY_MAX], quoted[SYSDESC_QUOTE_MAX];
	if (present && !prefix)
		qp_error(q, "property 'prefix': must be one non-empty string");
	/* it begins every local name it generates */
	else if (prefix && sysdesc_chars_problem(prefix, false, why))
		qp_error(q, "property 'prefix': name \"%s\" %s",
			 sysdesc_quote(quoted, sizeof(quoted), prefix), why);
	else if (prefix && strlen(prefix) > room)
		qp_error(q,
			 "property 'prefix': too long (at most %zu "
			 "characters)",
			 room);
	else if (prefix)
		strcpy(q->prefix, prefix);
}

static void qp_names(struct qp *q)
{
	size_t room = SDVF_NAME_MAX - 1;
	if (strlen(q->name) + strlen("_active") > room) {
		qp_error(q,
			 "name is too long for its regions (at most %zu "
			 "characters)",
			 room - strlen("_active"));
		return;
	}
	if (strlen(q->prefix) + strlen("capacity") > room) {
		qp_error(q,
			 "property 'prefix': too long (at most %zu "
			 "characters)",
			 room - strlen("capacity"));
		return;
	}
	for (int i = 0; i < 3; i++)
		snprintf(q->region[i], SDVF_NAME_MAX, "%s%s", q->name,
			 qp_suffix[i]);
	for (int i = 0; i < 6; i++)
		snprintf(q->local[i], SDVF_NAME_MAX, "%s%s", q->prefix,
			 qp_local[i]);
}

/* Offset of /parent/child, or a negative libfdt error if absent. */
static int qp_lookup(const void *fdt, const char *parent, const char *child)
{
	int node = fdt_path_offset(fdt, parent);
	return node < 0 ? node : fdt_subnode_offset(fdt, node, child);
}

static bool qp_has_prop(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path);
	return node >= 0 && fdt_getprop(fdt, node, prop, NULL) != NULL;
}

static void qp_conflicts(struct qp *q, const void *fdt)
{
	static const char *const pd_sub[6] = {"maps",	  "maps",   "maps",
					      "channels", "config", "config"};
	for (int i = 0; i < 3; i++) {
		if (qp_lookup(fdt, "/regions", q->region[i]) >= 0)
			qp_error(q, "region '%s' already exists in /regions",
				 q->region[i]);
	}
	if (qp_lookup(fdt, "/channels", q->name) >= 0)
		qp_error(q, "channel '%s' already exists in /channels",
			 q->name);
	for (int end = 0; end < 2; end++) {
		for (int i = 0; i < 6; i++) {
			char path[128];
			snprintf(path, sizeof(path), "/pds/%s/%s", q->pd[end],
				 pd_sub[i]);
			if (qp_has_prop(fdt, path, q->local[i]))
				qp_error(q,
					 "property '%s' already exists in %s",
					 q->local[i], path);
		}
	}
}

/* Offset of parent_path/name, adding the node if it is missing. */
static int qp_node(void *fdt, const char *parent_path, const char *name)
{
	int parent = fdt_path_offset(fdt, parent_path);
	if (parent < 0)
		return parent;
	int node = fdt_subnode_offset(fdt, parent, name);
	return node >= 0 ? node : fdt_add_subnode(fdt, parent, name);
}

static int qp_set_u64(void *fdt, int node, const char *prop, uint64_t v)
{
	return v <= UINT32_MAX ? fdt_setprop_u32(fdt, node, prop, (uint32_t)v)
			       : fdt_setprop_u64(fdt, node, prop, v);
}

static uint64_t round_page(uint64_t bytes)
{
	return (bytes + PAGE - 1) / PAGE * PAGE;
}

static int qp_write_shared(struct qp *q, void *fdt)
{
	uint64_t size[3] = {round_page(q->buffers * QP_BUFFER_BYTES),
			    round_page(SDVF_QUEUE_BYTES(q->capacity)),
			    round_page(SDVF_QUEUE_BYTES(q->capacity))};
	int rc = qp_node(fdt, "/", "regions");
	/* Reverse: each insertion goes first (sysdesc_expand.c). */
	for (int i = 2; i >= 0 && rc >= 0; i--) {
		rc = qp_node(fdt, "/regions", q->region[i]);
		if (rc >= 0)
			rc = qp_set_u64(fdt, rc, "size", size[i]);
	}
	if (rc >= 0)
		rc = qp_node(fdt, "/", "channels");
	int channel = rc < 0 ? rc : qp_node(fdt, "/channels", q->name);
	rc = channel;
	if (rc >= 0)
		rc = fdt_setprop_string(fdt, channel, "ends", q->pd[0]);
	if (rc >= 0)
		rc = fdt_appendprop_string(fdt, channel, "ends", q->pd[1]);
	return rc;
}

static int qp_write_map(void *fdt, const char *pd_path, const char *local,
			const char *region, const char *rights)
{
	int node = qp_node(fdt, pd_path, "maps");
	int rc = node < 0 ? node : fdt_setprop_string(fdt, node, local, region);
	return rc < 0 ? rc : fdt_appendprop_string(fdt, node, local, rights);
}

static int qp_write_pd(struct qp *q, void *fdt, int end)
{
	char pd_path[96], sub[128];
	int rc = 0;
	/* Re-find each subnode after every write: adding moves offsets. */
	snprintf(pd_path, sizeof(pd_path), "/pds/%s", q->pd[end]);
	for (int i = 2; i >= 0 && rc >= 0; i--) {
		/* The consumer only reads the data it is handed. */
		const char *rights = (i == 0 && end == 1) ? "r" : "rw";
		rc = qp_write_map(fdt, pd_path, q->local[i], q->region[i],
				  rights);
	}
	if (rc >= 0)
		rc = qp_node(fdt, pd_path, "channels");
	if (rc >= 0)
		rc = fdt_setprop_string(fdt, rc, q->local[3], q->name);
	if (rc >= 0)
		rc = qp_node(fdt, pd_path, "config");
	if (rc >= 0)
		rc = qp_set_u64(fdt, rc, q->local[5], q->capacity);
	if (rc >= 0) {
		snprintf(sub, sizeof(sub), "%s/config", pd_path);
		rc = fdt_path_offset(fdt, sub);
	}
	if (rc >= 0)
		rc = qp_set_u64(fdt, rc, q->local[4], q->buffers);
	return rc;
}

static int queue_pair_expand(void *fdt, int node, const char *where, FILE *err)
{
	struct qp q = {.where = where, .err = err};
	/* sysdesc_expand only calls us for names shorter than SDVF_NAME_MAX */
	snprintf(q.name, sizeof(q.name), "%s", fdt_get_name(fdt, node, NULL));
	qp_read(&q, fdt, node);
	if (q.errors)
		return -1;
	qp_names(&q);
	if (q.errors)
		return -1;
	qp_conflicts(&q, fdt);
	if (q.errors)
		return -1;
	int rc = qp_write_shared(&q, fdt);
	for (int end = 0; end < 2 && rc >= 0; end++)
		rc = qp_write_pd(&q, fdt, end);
	if (rc < 0) {
		qp_error(&q, "cannot add the explicit nodes: %s",
			 fdt_strerror(rc));
		return -1;
	}
	return 0;
}

const struct sdvf_expander queue_pair_expander = {
	.compatible = "sdvf,queue-pair",
	.expand = queue_pair_expand,
};
