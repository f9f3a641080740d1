/*
 * http_stats: the system's counters over HTTP/1.1 on port 80 (lwIP's raw
 * TCP API over clients/lwip_netif):
 *   GET /stats.json   application/json, clients/stats_json.c's rendering
 *                     of the stats file this PD is granted read-only
 *                     (region need `stats`, mapped from "sdvf.stats")
 *   GET /             a self-contained HTML page whose script fetches
 *                     /stats.json every second and shows the per-client
 *                     counters (no external assets)
 *   HEAD of either    the same headers, no body
 * Anything else: 404 (unknown path), 405 (a method other than GET/HEAD),
 * 400 (a request line that is not METHOD SP /TARGET SP HTTP/1.x), 431 (a
 * request head longer than HTTP_REQ_MAX).  Every response closes the
 * connection (Connection: close).
 *
 * Trust: request bytes come from the network.  The head is copied into a
 * bounded buffer and parsed there; nothing is echoed back.  A connection
 * that has not sent a whole head within HTTP_IDLE_POLLS polls (~10 s), or
 * whose response has not drained within HTTP_SEND_POLLS (~30 s), is reset.
 * At most HTTP_MAX_CONNS at once; another is reset and counted.  The stats
 * file is checked by stats_json (core/stats_file.h), never trusted.
 *
 * Host code (lwIP): clients/module.mk.  Configuration: lwip_netif's keys and
 * `port` (default 80).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#include "clients/lwip_netif.h"
#include "clients/stats_json.h"
#include "core/pd.h"

#define HTTP_MAX_CONNS 8u
#define HTTP_REQ_MAX 2048u   /* request line and headers, bytes */
#define HTTP_BODY_MAX 65536u /* a response body, bytes */
#define HTTP_HEAD_MAX 256u   /* a response's status line and headers */
#define HTTP_POLL_TICKS 4u   /* tcp_poll interval: 4 x 500 ms */
#define HTTP_IDLE_POLLS 5u   /* ~10 s to send a request head */
#define HTTP_SEND_POLLS 15u  /* ~30 s to take a response */

/* X(field, name, meaning): the server's own counters. */
#define HTTP_COUNTERS(X)                                                       \
	X(connections, "http.connections", "TCP connections accepted")         \
	X(refused, "http.refused", "connections reset: every slot in use")     \
	X(ok, "http.ok", "200 responses (/ and /stats.json)")                  \
	X(not_found, "http.not_found", "404 responses: unknown path")          \
	X(bad_method, "http.bad_method", "405 responses: not GET or HEAD")     \
	X(bad_request, "http.bad_request", "400 responses: malformed request") \
	X(too_large, "http.too_large", "431 responses: request head too long") \
	X(timeouts, "http.timeouts", "connections reset: idle or stuck")       \
	X(errors, "http.errors", "connections lost to an error")

static const char page[] =
	"<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	"<title>sdvf stats</title>\n<style>body{font-family:sans-serif}"
	"table{border-collapse:collapse}td,th{border:1px solid #999;"
	"padding:2px 8px;text-align:right}td:first-child,th:first-child"
	"{text-align:left}</style></head>\n<body><h1 id=\"system\">sdvf</h1>\n"
	"<p id=\"status\">loading</p>\n<table><thead><tr><th>client</th>"
	"<th>rx frames</th><th>rx bytes</th><th>tx frames</th><th>tx bytes"
	"</th><th>drops</th><th>top drop</th><th>violations</th></tr></thead>"
	"\n<tbody id=\"clients\"></tbody></table>\n<script>\n"
	"function cell(row, v) { var td = document.createElement('td');\n"
	"  td.textContent = v === null || v === undefined ? '-' : String(v);\n"
	"  row.appendChild(td); }\n"
	"function show(s) {\n"
	"  document.getElementById('system').textContent = 'sdvf: ' + "
	"s.system;\n"
	"  var body = document.getElementById('clients');\n"
	"  body.textContent = '';\n"
	"  (s.clients || []).forEach(function (c) {\n"
	"    var row = document.createElement('tr'); row.className = "
	"'client';\n"
	"    [c.name, c.rx_frames, c.rx_bytes, c.tx_frames, c.tx_bytes, "
	"c.drops,\n"
	"     c.top_drop, c.violations].forEach(function (v) { cell(row, v); "
	"});\n"
	"    body.appendChild(row); });\n"
	"  document.getElementById('status').textContent =\n"
	"    'updated ' + new Date().toLocaleTimeString(); }\n"
	"function poll() {\n"
	"  fetch('/stats.json', {cache: 'no-store'})\n"
	"    .then(function (r) { return r.json(); })\n"
	"    .then(function (s) { if (s.error) document.getElementById("
	"'status')\n"
	"      .textContent = 'stats: ' + s.error; else show(s); })\n"
	"    .catch(function (e) { document.getElementById('status')"
	".textContent =\n"
	"      'stats unavailable: ' + e; }); }\n"
	"poll(); setInterval(poll, 1000);\n</script></body></html>\n";

struct http;

struct http_conn {
	struct http *http;
	struct tcp_pcb *pcb;
	char req[HTTP_REQ_MAX];
	uint32_t req_len;
	bool answered; /* the response is queued or queueing */
	uint32_t polls;
	/* The response: head then body, `sent` bytes of it written. */
	char head[HTTP_HEAD_MAX];
	uint32_t head_len;
	const char *body;
	uint32_t body_len;
	uint32_t sent;
	char json[HTTP_BODY_MAX];
};

struct http {
	struct lwip_netif ln;
	struct sdvf_pd *pd;
	const struct sdvf_region *stats; /* NULL: not granted */
	struct tcp_pcb *listener;
	struct stats_json sj;
	struct http_conn conn[HTTP_MAX_CONNS];
#define HTTP_FIELD(field, name, meaning) _Atomic uint64_t *field;
	HTTP_COUNTERS(HTTP_FIELD)
#undef HTTP_FIELD
};

/* ---- connections --------------------------------------------------------- */

static void conn_forget(struct http_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	if (pcb) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		tcp_poll(pcb, NULL, 0);
	}
	c->pcb = NULL;
}

/* ERR_ABRT if the pcb had to be reset (callbacks must then say so). */
static err_t conn_close(struct http_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	conn_forget(c);
	if (tcp_close(pcb) == ERR_OK)
		return ERR_OK;
	tcp_abort(pcb);
	return ERR_ABRT;
}

static err_t conn_abort(struct http_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	conn_forget(c);
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* Write what the send buffer takes; close once all of it is queued (lwIP
 * sends the FIN after the data).  lwIP copies: our buffers may be reused. */
static err_t conn_push(struct http_conn *c)
{
	uint32_t total = c->head_len + c->body_len;
	while (c->sent < total) {
		bool in_head = c->sent < c->head_len;
		const char *from = in_head ? c->head + c->sent
					   : c->body + (c->sent - c->head_len);
		uint32_t left =
			in_head ? c->head_len - c->sent : total - c->sent;
		uint32_t room = tcp_sndbuf(c->pcb);
		uint32_t n = left < room ? left : room;
		if (n > 0xffffu)
			n = 0xffffu;
		if (n == 0)
			break;
		if (tcp_write(c->pcb, from, (u16_t)n, TCP_WRITE_FLAG_COPY) !=
		    ERR_OK)
			break; /* out of segments: retried when acked */
		c->sent += n;
	}
	tcp_output(c->pcb);
	if (c->sent == total)
		return conn_close(c);
	return ERR_OK;
}

static void respond(struct http_conn *c, const char *status, const char *type,
		    const char *body, uint32_t len, bool head_only)
{
	int n = snprintf(c->head, sizeof(c->head),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %u\r\nCache-Control: no-store\r\n"
			 "Connection: close\r\n\r\n",
			 status, type, len);
	c->head_len = n > 0 && (size_t)n < sizeof(c->head) ? (uint32_t)n : 0;
	c->body = body;
	c->body_len = head_only ? 0 : len;
	c->sent = 0;
	c->answered = true;
}

static void respond_error(struct http_conn *c, const char *status,
			  _Atomic uint64_t *counter)
{
	sdvf_counter_add(counter, 1);
	respond(c, status, "text/plain", status, (uint32_t)strlen(status),
		false);
}

/* ---- requests ------------------------------------------------------------ */

/* The end of the request head ("\r\n\r\n" or "\n\n"), or 0 if not yet. */
static uint32_t head_end(const struct http_conn *c)
{
	for (uint32_t i = 0; i + 1 < c->req_len; i++) {
		if (c->req[i] == '\n' && c->req[i + 1] == '\n')
			return i + 2;
		if (i + 3 < c->req_len &&
		    memcmp(c->req + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	}
	return 0;
}

/* "METHOD SP TARGET SP HTTP/1.x" then CRLF or LF; target and method are
 * copied out (NUL-terminated).  False if the line is not so. */
static bool parse_line(const struct http_conn *c, char *method, size_t mmax,
		       char *target, size_t tmax)
{
	const char *line = c->req, *end = memchr(c->req, '\n', c->req_len);
	if (!end)
		return false;
	size_t len = (size_t)(end - line);
	if (len && line[len - 1] == '\r')
		len--;
	const char *sp1 = memchr(line, ' ', len);
	const char *sp2 =
		sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line))
		    : NULL;
	if (!sp1 || !sp2 || sp1 == line || (size_t)(sp1 - line) >= mmax ||
	    (size_t)(sp2 - sp1 - 1) >= tmax || sp2 == sp1 + 1)
		return false;
	const char *version = sp2 + 1;
	size_t vlen = len - (size_t)(version - line);
	if (vlen != 8 || memcmp(version, "HTTP/1.", 7) != 0 ||
	    (version[7] != '0' && version[7] != '1'))
		return false;
	memcpy(method, line, (size_t)(sp1 - line));
	method[sp1 - line] = '\0';
	memcpy(target, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	target[sp2 - sp1 - 1] = '\0';
	for (const char *m = method; *m; m++) {
		if (*m < 'A' || *m > 'Z')
			return false;
	}
	for (const char *t = target; *t; t++) {
		if (*t <= ' ' || *t > '~')
			return false;
	}
	return target[0] == '/';
}

static void answer(struct http_conn *c)
{
	struct http *h = c->http;
	char method[16], target[256];
	if (!parse_line(c, method, sizeof(method), target, sizeof(target))) {
		respond_error(c, "400 Bad Request", h->bad_request);
		return;
	}
	bool head_only = strcmp(method, "HEAD") == 0;
	if (!head_only && strcmp(method, "GET") != 0) {
		respond_error(c, "405 Method Not Allowed", h->bad_method);
		return;
	}
	char *query = strchr(target, '?');
	if (query)
		*query = '\0';
	if (strcmp(target, "/stats.json") == 0) {
		const void *file = h->stats ? h->stats->base : NULL;
		uint64_t bytes = h->stats ? h->stats->size : 0;
		size_t len = stats_json_render(&h->sj, file, bytes, c->json,
					       sizeof(c->json));
		sdvf_counter_add(h->ok, 1);
		respond(c, "200 OK", "application/json", c->json, (uint32_t)len,
			head_only);
	} else if (strcmp(target, "/") == 0) {
		sdvf_counter_add(h->ok, 1);
		respond(c, "200 OK", "text/html; charset=utf-8", page,
			(uint32_t)(sizeof(page) - 1), head_only);
	} else {
		respond_error(c, "404 Not Found", h->not_found);
	}
}

static err_t conn_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		       err_t err)
{
	struct http_conn *c = arg;
	if (!p)
		return c->answered ? ERR_OK : conn_close(c);
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	tcp_recved(pcb, p->tot_len);
	if (!c->answered) {
		uint32_t room = HTTP_REQ_MAX - c->req_len;
		uint32_t n = p->tot_len < room ? p->tot_len : room;
		pbuf_copy_partial(p, c->req + c->req_len, (u16_t)n, 0);
		c->req_len += n;
		if (head_end(c))
			answer(c);
		else if (c->req_len == HTTP_REQ_MAX)
			respond_error(c, "431 Request Header Fields Too Large",
				      c->http->too_large);
		if (c->answered) {
			pbuf_free(p);
			return conn_push(c);
		}
	}
	pbuf_free(p); /* a body, or what follows the answered head */
	return ERR_OK;
}

static err_t conn_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct http_conn *c = arg;
	(void)pcb;
	(void)len;
	c->polls = 0;
	return c->answered ? conn_push(c) : ERR_OK;
}

static err_t conn_poll(void *arg, struct tcp_pcb *pcb)
{
	struct http_conn *c = arg;
	(void)pcb;
	c->polls++;
	if (c->polls >= (c->answered ? HTTP_SEND_POLLS : HTTP_IDLE_POLLS)) {
		sdvf_counter_add(c->http->timeouts, 1);
		return conn_abort(c);
	}
	/* a write refused for want of segments, with nothing in flight to
	 * bring a sent callback: try again */
	return c->answered ? conn_push(c) : ERR_OK;
}

/* lwIP freed the pcb already. */
static void conn_err(void *arg, err_t err)
{
	struct http_conn *c = arg;
	(void)err;
	sdvf_counter_add(c->http->errors, 1);
	c->pcb = NULL;
}

static err_t conn_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct http *h = arg;
	struct http_conn *c = NULL;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (uint32_t i = 0; i < HTTP_MAX_CONNS && !c; i++) {
		if (!h->conn[i].pcb)
			c = &h->conn[i];
	}
	if (!c) {
		sdvf_counter_add(h->refused, 1);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->http = h;
	c->pcb = pcb;
	c->req_len = 0;
	c->answered = false;
	c->polls = 0;
	tcp_arg(pcb, c);
	tcp_recv(pcb, conn_recv);
	tcp_sent(pcb, conn_sent);
	tcp_err(pcb, conn_err);
	tcp_poll(pcb, conn_poll, HTTP_POLL_TICKS);
	sdvf_counter_add(h->connections, 1);
	return ERR_OK;
}

/* ---- component ----------------------------------------------------------- */

static int http_listen(struct http *h, uint16_t port)
{
	struct tcp_pcb *pcb = tcp_new();
	if (!pcb || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
		sdvf_log(h->pd, SDVF_LOG_ERROR, "http: cannot bind TCP port %u",
			 port);
		return -1;
	}
	h->listener = tcp_listen(pcb);
	if (!h->listener) {
		sdvf_log(h->pd, SDVF_LOG_ERROR, "http: cannot listen");
		return -1;
	}
	tcp_arg(h->listener, h);
	tcp_accept(h->listener, conn_accept);
	return 0;
}

static int http_init(void *state, struct sdvf_pd *pd)
{
	struct http *h = state;
	h->pd = pd;
#define HTTP_REGISTER(field, name, meaning) h->field = sdvf_counter(pd, name);
	HTTP_COUNTERS(HTTP_REGISTER)
#undef HTTP_REGISTER
	h->stats = sdvf_region(pd, "stats");
	if (lwip_netif_init(&h->ln, pd) < 0 ||
	    http_listen(h, (uint16_t)sdvf_config_u64(pd, "port")) < 0)
		return -1;
	lwip_netif_finish(&h->ln);
	return 0;
}

static void http_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct http *h = state;
	(void)pd;
	lwip_netif_notified(&h->ln, ch);
}

static void http_peer_restart(void *state, struct sdvf_pd *pd,
			      sdvf_channel_t ch)
{
	struct http *h = state;
	(void)pd;
	lwip_netif_peer_restart(&h->ln, ch);
}

static const struct sdvf_need http_needs[] = {
	LWIP_NETIF_NEEDS,
	{.name = "stats",
	 .kind = SDVF_NEED_REGION,
	 .rights = SDVF_R,
	 .optional = true},
	{0},
};

static const struct sdvf_param http_params[] = {
	LWIP_NETIF_PARAMS,
	SDVF_PARAM_U64_DEFAULT("port", 1, 65535, 80, "HTTP port"),
	{0},
};

#define HTTP_DOC(field, name, meaning) {name, meaning},
static const struct sdvf_counter_doc http_counters[] = {
	HTTP_COUNTERS(HTTP_DOC) LWIP_NETIF_COUNTER_DOCS{0}};

const struct sdvf_component http_stats_component = {
	.name = "http_stats",
	.summary = "lwIP client: the system's counters over HTTP (port 80)",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct http),
	.needs = http_needs,
	.params = http_params,
	.counters = http_counters,
	.init = http_init,
	.notified = http_notified,
	.peer_restart = http_peer_restart,
};
