/*
 * lwsj engine: see lwsj.h. One protocol callback for every connection of a context; Java is called only for
 * events a user sees, with primitive arguments.
 */
#include <libwebsockets.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lwsj.h"
#include "loop.h"

/* lws's own incremental UTF-8 checker (exported by the static library, declared in its private headers) */
int lws_check_utf8(unsigned char *state, unsigned char *buf, size_t len);

struct lwsj_conn;

struct lwsj_engine {
	long long id;
	int options;
	lwsj_event_fn fn;
	size_t max_message;
	size_t fragment_size;
	lws_usec_t idle_us; /* 0: no idle time-out */
	/* one idle sweep per engine, every idle_us / 4, while there are connections (not a timer per connection) */
	lws_sorted_usec_list_t idle_sweep;
	struct lws_context *context; /* of the sweep: known from the first connection */
	int wake_pending; /* set by lwsj_wake() on any thread, cleared on the service thread */
	unsigned char *header_end; /* end of lws's handshake buffer during LWSJ_EV_CLIENT_HEADERS */
	/* the subprotocol a client connection agreed, from CLIENT_FILTER_PRE_ESTABLISH to CLIENT_ESTABLISHED, which
	 * lws calls one after the other for the same wsi (lws_client_ws_upgrade): no connection keeps a copy */
	char subprotocol[64];
	/* recorded events (lwsj.h): two buffers, one recorded into while the consumer reads the other */
	unsigned char *events[2];
	int ev_index;       /* the buffer being recorded into */
	size_t ev_len;      /* bytes recorded in it */
	size_t ev_written;  /* offset of its last record if that is a LWSJ_EV_WRITTEN, else (size_t)-1 */
	/* messages posted from other threads (lwsj_post): a lock-free stack, newest first */
	struct lwsj_frame *posted;
	/* the open connections by id: chained hash buckets (service thread only) */
	struct lwsj_conn **buckets;
	size_t nbuckets, nconns;
	struct lwsj_loop *loop; /* LWSJ_LIBUV: the libuv loop lent to lws (loop.c); NULL: lws's poll() */
};

/* One queued outbound message; LWS_PRE bytes of headroom precede the payload, as lws_write wants. */
struct lwsj_frame {
	struct lwsj_frame *next;
	long long id; /* a posted frame: the connection it is for */
	size_t len;  /* payload length */
	size_t sent; /* payload bytes already given to lws_write */
	int kind;    /* enum lwsj_kind, or LWSJ_KIND_HTTP for an HTTP response body */
	unsigned char buf[];
};
#define LWSJ_KIND_HTTP 100

/* The per-session user area of every connection (lws zeroes it). Its address is the Java "handle". */
struct lwsj_conn {
	long long id;
	struct lws *wsi;
	struct lwsj_conn *next_in_bucket; /* engine's id table, from ESTABLISHED to CLOSED */
	int in_table;
	struct lwsj_frame *head, *tail;
	size_t queued;       /* payload bytes in the queue */
	unsigned char *rx;   /* reassembly of a fragmented message */
	size_t rx_len, rx_cap;
	int rx_kind;
	int closing;         /* a close was asked: send it once the queue is empty */
	int close_code;      /* the code to report at LWSJ_EV_CLOSED */
	int close_sent;      /* we initiated (or echoed) a close handshake */
	int closed_by;       /* enum lwsj_closed_by: whose close frame went first */
	char *close_reason;  /* malloc'd when a close has a reason (most have none); freed at LWSJ_EV_CLOSED */
	size_t close_reason_len;
	int http_body;       /* an HTTP request whose body Java wants */
	int tx_in_message;   /* a streamed message is open: its next piece is a continuation */
	unsigned char utf8_state; /* LWSJ_CHECK_UTF8: where the current text message's UTF-8 stands */
	lws_usec_t active;   /* when something was last received or written (idle time-out) */
};

static struct lwsj_engine *engine_of(struct lws *wsi)
{
	return (struct lwsj_engine *)lws_context_user(lws_get_context(wsi));
}

/* ---- events ------------------------------------------------------------------------------------------------ */

/* Calls the consumer for an event that needs it now; the events recorded before it are handed over first. */
static long long call(struct lwsj_engine *e, int event, long long conn, const void *data, size_t len, int arg)
{
	if (e->ev_len && event != LWSJ_EV_DRAIN)
		e->fn(e->id, LWSJ_EV_DRAIN, 0, 0, 0, 0);
	return e->fn(e->id, event, conn, (long long)(intptr_t)data, (long long)len, arg);
}

static size_t padded(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Records an event with a payload of len bytes at data (or, for a second part, len2 at data2). When the buffer
 * has no room the consumer takes it first (LWSJ_EV_DRAIN); a consumer that did not is called for this event. */
static void record2(struct lwsj_engine *e, int event, long long conn, int arg, const void *data, size_t len,
		    const void *data2, size_t len2)
{
	size_t need = LWSJ_RECORD_HEAD + padded(len + len2);
	unsigned char *r;
	int32_t head[2] = { event, arg };
	int64_t tail[2] = { conn, (int64_t)(len + len2) };

	if (e->ev_len + need > LWSJ_EVENTS_SIZE)
		call(e, LWSJ_EV_DRAIN, 0, NULL, 0, 0);
	if (e->ev_len + need > LWSJ_EVENTS_SIZE) { /* not taken (or too big): hand this one over in place */
		if (!len2) {
			call(e, event, conn, data, len, arg);
			return;
		}
		r = malloc(len + len2);
		if (!r)
			return;
		memcpy(r, data, len);
		memcpy(r + len, data2, len2);
		call(e, event, conn, r, len + len2, arg);
		free(r);
		return;
	}
	r = e->events[e->ev_index] + e->ev_len;
	memcpy(r, head, sizeof(head));
	memcpy(r + 8, tail, sizeof(tail));
	if (len)
		memcpy(r + LWSJ_RECORD_HEAD, data, len);
	if (len2)
		memcpy(r + LWSJ_RECORD_HEAD + len, data2, len2);
	e->ev_written = event == LWSJ_EV_WRITTEN ? e->ev_len : (size_t)-1;
	e->ev_len += need;
}

static void record(struct lwsj_engine *e, int event, long long conn, int arg, const void *data, size_t len)
{
	record2(e, event, conn, arg, data, len, NULL, 0);
}

/* A completed send: merged into the last record when that is a completion of the same connection. */
static void record_written(struct lwsj_engine *e, long long conn)
{
	if (e->ev_written != (size_t)-1) {
		unsigned char *r = e->events[e->ev_index] + e->ev_written;
		int64_t last;
		memcpy(&last, r + 8, sizeof(last));
		if (last == conn) {
			int32_t n;
			memcpy(&n, r + 4, sizeof(n));
			n++;
			memcpy(r + 4, &n, sizeof(n));
			return;
		}
	}
	record(e, LWSJ_EV_WRITTEN, conn, 1, NULL, 0);
}

long long lwsj_events_take(struct lwsj_engine *e)
{
	long long taken = (long long)e->ev_len | (long long)e->ev_index << 32;
	e->ev_index ^= 1;
	e->ev_len = 0;
	e->ev_written = (size_t)-1;
	return taken;
}

unsigned char *lwsj_events_buffer(struct lwsj_engine *e, int index)
{
	return e->events[index & 1];
}

int lwsj_dispatch(struct lwsj_engine *e)
{
	long long taken = lwsj_events_take(e);
	const unsigned char *p = e->events[taken >> 32], *end = p + (taken & 0xffffffff);
	int n = 0;

	while (p < end) {
		int32_t head[2];
		int64_t tail[2];
		memcpy(head, p, sizeof(head));
		memcpy(tail, p + 8, sizeof(tail));
		e->fn(e->id, head[0], tail[0], (long long)(intptr_t)(p + LWSJ_RECORD_HEAD), tail[1], head[1]);
		p += LWSJ_RECORD_HEAD + padded((size_t)tail[1]);
		n++;
	}
	return n;
}

/* ---- the id table --------------------------------------------------------------------------------------------- */

static size_t bucket_of(struct lwsj_engine *e, long long id)
{
	return (size_t)(((unsigned long long)id * 0x9e3779b97f4a7c15ull) >> 20) & (e->nbuckets - 1);
}

static struct lwsj_conn *conn_of(struct lwsj_engine *e, long long id)
{
	struct lwsj_conn *c;
	if (!e->nbuckets)
		return NULL;
	for (c = e->buckets[bucket_of(e, id)]; c; c = c->next_in_bucket)
		if (c->id == id)
			return c;
	return NULL;
}

static int table_add(struct lwsj_engine *e, struct lwsj_conn *c)
{
	if (e->nconns + 1 > e->nbuckets) { /* grow to twice: rehash every chain */
		size_t n = e->nbuckets ? e->nbuckets * 2 : 64, i, old = e->nbuckets;
		struct lwsj_conn **b = calloc(n, sizeof(*b)), **ob = e->buckets;
		if (!b)
			return -1;
		e->buckets = b;
		e->nbuckets = n;
		for (i = 0; i < old; i++) {
			struct lwsj_conn *x = ob[i], *next;
			for (; x; x = next) {
				size_t k = bucket_of(e, x->id);
				next = x->next_in_bucket;
				x->next_in_bucket = b[k];
				b[k] = x;
			}
		}
		free(ob);
	}
	c->next_in_bucket = e->buckets[bucket_of(e, c->id)];
	e->buckets[bucket_of(e, c->id)] = c;
	c->in_table = 1;
	e->nconns++;
	return 0;
}

static void table_remove(struct lwsj_engine *e, struct lwsj_conn *c)
{
	struct lwsj_conn **p;
	if (!c->in_table)
		return;
	for (p = &e->buckets[bucket_of(e, c->id)]; *p; p = &(*p)->next_in_bucket)
		if (*p == c) {
			*p = c->next_in_bucket;
			break;
		}
	c->in_table = 0;
	e->nconns--;
}

struct lwsj_engine *lwsj_engine_new(long long id, lwsj_event_fn fn, size_t max_message, size_t fragment_size,
				    long long idle_ms, int options)
{
	struct lwsj_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->events[0] = malloc(LWSJ_EVENTS_SIZE);
	e->events[1] = malloc(LWSJ_EVENTS_SIZE);
	if (!e->events[0] || !e->events[1]) {
		lwsj_engine_free(e);
		return NULL;
	}
	e->ev_written = (size_t)-1;
	e->id = id;
	e->fn = fn;
	e->max_message = max_message;
	e->fragment_size = fragment_size ? fragment_size : 65536;
	e->idle_us = idle_ms > 0 ? (lws_usec_t)idle_ms * LWS_US_PER_MS : 0;
	e->options = options;
	if ((options & LWSJ_LIBUV) && !(e->loop = lwsj_loop_new())) {
		lwsj_engine_free(e);
		return NULL;
	}
	return e;
}

int lwsj_has_libuv(void)
{
#if defined(LWSJ_WITH_LIBUV)
	return 1;
#else
	return 0;
#endif
}

void *lwsj_loop(struct lwsj_engine *e)
{
	return e->loop ? lwsj_loop_uv(e->loop) : NULL;
}

void lwsj_service(struct lwsj_engine *e, struct lws_context *context)
{
	if (e->loop)
		lwsj_loop_turn(e->loop);
	else
		lws_service(context, 0);
}

void lwsj_context_destroy(struct lwsj_engine *e, struct lws_context *context)
{
	lws_sul_cancel(&e->idle_sweep); /* out of the context's timer list before the list goes */
	lws_context_destroy(context);
	if (e->loop)
		lwsj_loop_finish(e->loop);
}

void lwsj_engine_free(struct lwsj_engine *e)
{
	struct lwsj_frame *f = e->posted, *next;
	for (; f; f = next) { /* posted after the context was gone */
		next = f->next;
		free(f);
	}
	free(e->events[0]);
	free(e->events[1]);
	free(e->buckets);
	lwsj_loop_free(e->loop);
	free(e);
}

static const struct lws_extension deflate_extensions[] = {
	{ "permessage-deflate", lws_extension_callback_pm_deflate,
	  "permessage-deflate; client_max_window_bits" },
	{ NULL, NULL, NULL }
};

const struct lws_extension *lwsj_deflate_extensions(void)
{
	return deflate_extensions;
}


void lwsj_wake(struct lwsj_engine *e, void *context)
{
	__atomic_store_n(&e->wake_pending, 1, __ATOMIC_RELEASE);
	lws_cancel_service((struct lws_context *)context);
}

static void drop_queue(struct lwsj_conn *c)
{
	struct lwsj_frame *f = c->head, *next;
	for (; f; f = next) {
		next = f->next;
		free(f);
	}
	c->head = c->tail = NULL;
	c->queued = 0;
	free(c->rx);
	c->rx = NULL;
	c->rx_len = c->rx_cap = 0;
}

static struct lwsj_frame *new_frame(const void *data, size_t len, int kind)
{
	struct lwsj_frame *f = malloc(sizeof(*f) + LWS_PRE + len);
	if (!f)
		return NULL;
	f->next = NULL;
	f->id = 0;
	f->len = len;
	f->sent = 0;
	f->kind = kind;
	if (len)
		memcpy(f->buf + LWS_PRE, data, len);
	return f;
}

static void append(struct lwsj_conn *c, struct lwsj_frame *f)
{
	if (c->tail)
		c->tail->next = f;
	else
		c->head = f;
	c->tail = f;
	c->queued += f->len;
}

static struct lwsj_frame *enqueue(struct lwsj_conn *c, const void *data, size_t len, int kind)
{
	struct lwsj_frame *f = new_frame(data, len, kind);
	if (f)
		append(c, f);
	return f;
}

/* Service thread: moves the posted messages to their connections' queues, oldest first. A message for a
 * connection that has closed, or is closing, is dropped: its sender hears of it at LWSJ_EV_CLOSED. */
static void take_posted(struct lwsj_engine *e)
{
	struct lwsj_frame *f, *next, *oldest = NULL;

	if (!__atomic_load_n(&e->posted, __ATOMIC_ACQUIRE))
		return;
	f = __atomic_exchange_n(&e->posted, NULL, __ATOMIC_ACQ_REL);
	for (; f; f = next) { /* the stack is newest first: reverse it */
		next = f->next;
		f->next = oldest;
		oldest = f;
	}
	for (f = oldest; f; f = next) {
		struct lwsj_conn *c = conn_of(e, f->id);
		next = f->next;
		f->next = NULL;
		if (!c || c->closing) {
			free(f);
			continue;
		}
		append(c, f);
		lws_callback_on_writable(c->wsi);
	}
}

int lwsj_post(struct lwsj_engine *e, void *context, long long id, const unsigned char *data, size_t len, int kind)
{
	struct lwsj_frame *f = new_frame(data, len, kind), *top;
	if (!f)
		return -1;
	f->id = id;
	top = __atomic_load_n(&e->posted, __ATOMIC_RELAXED);
	do
		f->next = top;
	while (!__atomic_compare_exchange_n(&e->posted, &top, f, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if (!top) /* the first since the service thread last looked: wake it (later posters find it awake) */
		lws_cancel_service((struct lws_context *)context);
	return 0;
}

long long lwsj_send(struct lwsj_engine *e, long long id, const unsigned char *data, size_t len, int kind)
{
	struct lwsj_conn *c;

	take_posted(e); /* what other threads posted before this goes first */
	c = conn_of(e, id);
	if (!c || c->closing || !enqueue(c, data, len, kind))
		return -1;
	lws_callback_on_writable(c->wsi);
	return (long long)c->queued;
}

/* Keeps a close reason of n bytes, at most the 123 a close frame holds (lws trims further); none if out of memory. */
static void set_close_reason(struct lwsj_conn *c, const void *reason, size_t n)
{
	free(c->close_reason);
	c->close_reason = NULL;
	c->close_reason_len = 0;
	if (n > 123)
		n = 123;
	if (n && (c->close_reason = malloc(n))) {
		memcpy(c->close_reason, reason, n);
		c->close_reason_len = n;
	}
}

static void close_conn(struct lwsj_conn *c, int code, const char *reason)
{
	if (c->closing)
		return;
	c->closing = 1;
	if (!c->closed_by) /* the idle time-out comes here as LIBRARY */
		c->closed_by = LWSJ_BY_APPLICATION;
	c->close_code = code;
	set_close_reason(c, reason, reason ? strlen(reason) : 0);
	lws_callback_on_writable(c->wsi);
}

void lwsj_close(struct lwsj_engine *e, long long id, int code, const char *reason)
{
	struct lwsj_conn *c;

	take_posted(e); /* messages posted before the close go out before it */
	c = conn_of(e, id);
	if (c)
		close_conn(c, code, reason);
}

void lwsj_read(struct lwsj_engine *e, long long id, int enable)
{
	struct lwsj_conn *c = conn_of(e, id);
	if (c)
		lws_rx_flow_control(c->wsi, enable ? 1 : 0);
}

int lwsj_add_header(struct lwsj_engine *e, long long wsi, long long pp, const char *name, const char *value)
{
	if (!e->header_end)
		return -1;
	return lws_add_http_header_by_name((struct lws *)(intptr_t)wsi, (const unsigned char *)name,
					   (const unsigned char *)value, (int)strlen(value),
					   (unsigned char **)(intptr_t)pp, e->header_end);
}

int lwsj_header(long long wsi, int token, char *buf, int len)
{
	struct lws *w = (struct lws *)(intptr_t)wsi;
	int n = 0, i, m;

	if (lws_hdr_total_length(w, (enum lws_token_indexes)token) <= 0)
		return -1;
	if (token != WSI_TOKEN_HTTP_URI_ARGS)
		return lws_hdr_copy(w, buf, len, (enum lws_token_indexes)token);
	/* lws_hdr_copy() logs an error for every URI_ARGS copy in 4.3.5: join the fragments ourselves */
	for (i = 0; (m = lws_hdr_copy_fragment(w, buf + n, len - n, WSI_TOKEN_HTTP_URI_ARGS, i)) >= 0; i++) {
		n += m;
		if (n + 1 >= len)
			return -1;
		buf[n++] = '&';
	}
	if (n)
		buf[--n] = '\0';
	return n;
}

struct custom_walk {
	struct lws *wsi;
	char *buf;
	int len, pos;
};

static void custom_one(const char *name, int nlen, void *opaque)
{
	struct custom_walk *w = (struct custom_walk *)opaque;
	int room = w->len - w->pos, v;

	if (room < nlen + 3)
		return;
	memcpy(w->buf + w->pos, name, (size_t)nlen);
	w->buf[w->pos + nlen] = '\0';
	v = lws_hdr_custom_copy(w->wsi, w->buf + w->pos + nlen + 1, room - nlen - 1, name, nlen);
	if (v < 0)
		return;
	w->pos += nlen + 1 + v + 1;
}

int lwsj_custom_headers(long long wsi, char *buf, int len)
{
	struct custom_walk w = { (struct lws *)(intptr_t)wsi, buf, len, 0 };
	lws_hdr_custom_name_foreach(w.wsi, custom_one, &w);
	return w.pos;
}

void lwsj_peer(long long wsi, char *buf, int len)
{
	lws_get_peer_simple((struct lws *)(intptr_t)wsi, buf, (size_t)len);
}

int lwsj_http_respond(long long wsi, int status, const char *content_type, const char *headers,
		      const unsigned char *body, size_t len)
{
	struct lws *w = (struct lws *)(intptr_t)wsi;
	struct lwsj_conn *c = (struct lwsj_conn *)lws_wsi_user(w);
	unsigned char buf[LWS_PRE + 4096], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	const char *line = headers;

	if (lws_add_http_common_headers(w, (unsigned int)status, content_type, (lws_filepos_t)len, &p, end))
		return -1;
	while (line && *line) { /* "Name: value\n" lines; lws wants the name with its colon */
		const char *colon = strchr(line, ':'), *eol = strchr(line, '\n'), *v;
		char name[128];
		if (!eol)
			eol = line + strlen(line);
		if (!colon || colon > eol || (size_t)(colon - line) + 2 > sizeof(name))
			return -1;
		memcpy(name, line, (size_t)(colon - line) + 1);
		name[colon - line + 1] = '\0';
		for (v = colon + 1; v < eol && *v == ' '; v++)
			;
		if (lws_add_http_header_by_name(w, (const unsigned char *)name, (const unsigned char *)v,
						(int)(eol - v), &p, end))
			return -1;
		line = *eol ? eol + 1 : eol;
	}
	if (lws_finalize_write_http_header(w, start, &p, end))
		return -1;
	if (!c || !enqueue(c, body, len, LWSJ_KIND_HTTP))
		return -1;
	c->wsi = w;
	lws_callback_on_writable(w);
	return 0;
}

static int rx_append(struct lwsj_engine *e, struct lwsj_conn *c, const void *in, size_t len)
{
	if (!len)
		return 0; /* an empty fragment: c->rx may still be NULL, and NULL + 0 is undefined in C */
	if (c->rx_len + len > e->max_message)
		return -1;
	if (c->rx_len + len > c->rx_cap) {
		size_t cap = c->rx_cap ? c->rx_cap : 4096;
		unsigned char *rx;
		while (cap < c->rx_len + len)
			cap *= 2;
		if (cap > e->max_message)
			cap = e->max_message;
		rx = realloc(c->rx, cap);
		if (!rx)
			return -1;
		c->rx = rx;
		c->rx_cap = cap;
	}
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	return 0;
}

/* Fails the connection with code and reason (sent in the close frame, reported at LWSJ_EV_CLOSED). */
static int fail_with(struct lwsj_conn *c, struct lws *wsi, int code, const char *reason)
{
	c->close_code = code;
	c->close_sent = 1;
	c->closed_by = LWSJ_BY_LIBRARY;
	set_close_reason(c, reason, strlen(reason));
	lws_close_reason(wsi, (enum lws_close_status)code, (unsigned char *)c->close_reason, c->close_reason_len);
	return -1;
}

/*
 * lws fails a data frame that declares more than the current message may still grow by, as soon as its header
 * is parsed (native/patches/0020): a peer cannot trickle a huge frame. (0 means "no limit" to lws: at exactly
 * max_message, 1 lets an empty final fragment through and fails any other at its first byte.)
 */
static void set_frame_limit(struct lwsj_engine *e, struct lwsj_conn *c, struct lws *wsi)
{
	size_t left = e->max_message - c->rx_len;
	lws_ws_set_rx_frame_limit(wsi, left ? left : 1);
}

/*
 * Idle time-outs: one sweep per engine over its connections every idle_us / 4, instead of a timer per connection.
 * lws keeps its timers in sorted lists: a timer per connection, moved at each message or even only when it fires,
 * would be inserted in the middle of a pile of thousands (native/patches/0039, 0040). A connection is closed
 * between idle_us and 1.25 idle_us after it was last active.
 */
static void idle_sweep(lws_sorted_usec_list_t *sul)
{
	struct lwsj_engine *e = lws_container_of(sul, struct lwsj_engine, idle_sweep);
	lws_usec_t now = lws_now_usecs();
	size_t i;

	for (i = 0; i < e->nbuckets; i++) {
		struct lwsj_conn *c;
		for (c = e->buckets[i]; c; c = c->next_in_bucket) {
			if (c->closing || now - c->active < e->idle_us)
				continue;
			c->closed_by = LWSJ_BY_LIBRARY;
			close_conn(c, LWS_CLOSE_STATUS_GOINGAWAY, "idle timeout");
			/* a peer that does not read cannot get the close frame behind the queue: hang up after 5 s */
			lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
		}
	}
	if (e->nconns) /* else the next connection starts it again */
		lws_sul_schedule(e->context, 0, &e->idle_sweep, idle_sweep, e->idle_us / 4);
}

static void idle_start(struct lwsj_engine *e, struct lwsj_conn *c)
{
	if (!e->idle_us)
		return;
	c->active = lws_now_usecs();
	if (!e->idle_sweep.list.owner) { /* not scheduled */
		e->context = lws_get_context(c->wsi);
		lws_sul_schedule(e->context, 0, &e->idle_sweep, idle_sweep, e->idle_us / 4);
	}
}

static void active(struct lwsj_engine *e, struct lwsj_conn *c)
{
	if (e->idle_us)
		c->active = lws_now_usecs();
}

/* A whole message: recorded, or handed over in place when large (a copy would cost more than the call). */
static void message(struct lwsj_engine *e, long long id, const void *data, size_t len, int kind)
{
	if (len <= LWSJ_INLINE_MAX)
		record(e, LWSJ_EV_MESSAGE, id, kind, data, len);
	else
		call(e, LWSJ_EV_MESSAGE, id, data, len, kind);
}

static int on_receive(struct lwsj_engine *e, struct lwsj_conn *c, struct lws *wsi, void *in, size_t len)
{
	int first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);
	int whole = final && !lws_remaining_packet_payload(wsi);

	active(e, c);
	if (first && !c->rx_len) {
		c->rx_kind = lws_frame_is_binary(wsi) ? LWSJ_BINARY : LWSJ_TEXT;
		c->utf8_state = 0;
	}
	if ((e->options & LWSJ_CHECK_UTF8) && c->rx_kind == LWSJ_TEXT &&
	    (lws_check_utf8(&c->utf8_state, (unsigned char *)in, len) || (whole && c->utf8_state)))
		return fail_with(c, wsi, LWS_CLOSE_STATUS_INVALID_PAYLOAD, "invalid UTF-8"); /* fails fast: at the first piece that cannot be UTF-8 */
	if (whole && !c->rx_len) { /* the common case: one piece, no copy */
		if (len > e->max_message)
			return fail_with(c, wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
		message(e, c->id, in, len, c->rx_kind);
		return 0;
	}
	if (rx_append(e, c, in, len))
		return fail_with(c, wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
	if (whole) {
		message(e, c->id, c->rx, c->rx_len, c->rx_kind);
		c->rx_len = 0;
		if (c->rx_cap > 65536) { /* do not keep a huge buffer for a rare huge message */
			free(c->rx);
			c->rx = NULL;
			c->rx_cap = 0;
		}
	}
	set_frame_limit(e, c, wsi);
	return 0;
}

static enum lws_write_protocol ws_flags(struct lwsj_conn *c, struct lwsj_frame *f, size_t chunk)
{
	int kind = f->kind & ~LWSJ_MORE;
	int first = f->sent == 0 && !c->tx_in_message;
	int final = f->sent + chunk == f->len && !(f->kind & LWSJ_MORE);

	if (kind == LWSJ_PING)
		return LWS_WRITE_PING; /* control frames may go between the pieces of a message */
	if (f->sent + chunk == f->len)
		c->tx_in_message = !final;
	return (enum lws_write_protocol)lws_write_ws_flags(kind == LWSJ_TEXT ? LWS_WRITE_TEXT : LWS_WRITE_BINARY,
							   first, final);
}

/* WRITEABLE: one lws_write per callback (the lws rule), then ask again if more is queued. */
static int on_writeable(struct lwsj_engine *e, struct lwsj_conn *c, struct lws *wsi)
{
	struct lwsj_frame *f = c->head;
	size_t chunk;
	int http;

	if (!f) {
		if (c->closing && lws_get_close_length(wsi))
			/* lws is failing the connection and we were writing what was queued before it
			 * (native/patches/0032): its close frame goes next, not ours */
			return 0;
		if (c->closing) {
			c->close_sent = 1;
			lws_close_reason(wsi, (enum lws_close_status)c->close_code,
					 (unsigned char *)c->close_reason, c->close_reason_len);
			return -1;
		}
		return 0; /* lws may add WRITEABLE callbacks of its own */
	}
	http = f->kind == LWSJ_KIND_HTTP;
	chunk = f->len - f->sent;
	if (chunk > e->fragment_size && f->kind != LWSJ_PING)
		chunk = e->fragment_size;
	/* Writing chunk k clobbers the LWS_PRE bytes before it: payload lws has already taken. */
	if (lws_write(wsi, f->buf + LWS_PRE + f->sent, chunk,
		      http ? (f->sent + chunk == f->len ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP)
			   : ws_flags(c, f, chunk)) < (int)chunk)
		return -1;
	f->sent += chunk;
	if (f->sent == f->len) {
		c->head = f->next;
		if (!c->head)
			c->tail = NULL;
		c->queued -= f->len;
		free(f);
		if (http)
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		active(e, c);
		record_written(e, c->id);
	}
	if (c->head || c->closing)
		lws_callback_on_writable(wsi);
	return 0;
}

static void on_peer_close(struct lwsj_conn *c, const unsigned char *in, size_t len)
{
	if (!c->close_sent) /* a close we asked for but had not written yet comes second */
		c->closed_by = LWSJ_BY_PEER;
	c->close_sent = 1;
	if (len >= 2) {
		c->close_code = (in[0] << 8) | in[1];
		set_close_reason(c, in + 2, len - 2);
	} else {
		c->close_code = LWS_CLOSE_STATUS_NO_STATUS;
		set_close_reason(c, NULL, 0);
	}
}

/*
 * Closes and connect errors are also recorded by lws's timers (a close-ack or connect time-out), which run in
 * lws_service() before it waits in poll(), or by a connect that fails at once outside lws_service(): the wait
 * would hold the record back until some socket or timer stirs. Cut that wait short (one pipe write per close).
 */
static void wake_reader(struct lws *wsi)
{
	lws_cancel_service(lws_get_context(wsi));
}

static int on_closed(struct lwsj_engine *e, struct lwsj_conn *c, struct lws *wsi)
{
	int code = c->close_sent ? c->close_code : LWS_CLOSE_STATUS_ABNORMAL_CLOSE;
	const char *reason = c->close_reason;
	size_t reason_len = c->close_sent ? c->close_reason_len : 0;
	long long id = c->id;
	if (id && !c->close_sent && lws_get_close_length(wsi) >= 2) {
		/* lws failed the connection itself (protocol error, invalid UTF-8, a frame over the limit) with this
		 * close frame (native/patches/0021 keeps it readable on clients too) */
		const unsigned char *p = lws_get_close_payload(wsi);
		c->closed_by = LWSJ_BY_LIBRARY;
		code = (p[0] << 8) | p[1];
		reason = (const char *)p + 2;
		reason_len = (size_t)lws_get_close_length(wsi) - 2;
	}
	drop_queue(c);
	table_remove(e, c);
	c->id = 0;
	if (id) {
		record(e, LWSJ_EV_CLOSED, id, code | c->closed_by << 16, reason, reason_len);
		wake_reader(wsi);
	}
	set_close_reason(c, NULL, 0);
	return 0;
}

static int http_method(struct lws *wsi)
{
	char *uri;
	int len;

	return lws_http_get_uri_and_method(wsi, &uri, &len); /* LWSHUMETH_*, or -1 */
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct lwsj_engine *e = engine_of(wsi);
	struct lwsj_conn *c = (struct lwsj_conn *)user;
	const char *subprotocol;
	char peer[64];
	long long r;

	if (!e)
		return lws_callback_http_dummy(wsi, reason, user, in, len);

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* broadcast to every protocol of every vhost: let only the first one call Java */
		take_posted(e);
		if (__atomic_exchange_n(&e->wake_pending, 0, __ATOMIC_ACQ_REL))
			record(e, LWSJ_EV_WAKE, 0, 0, NULL, 0);
		return 0;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		r = call(e, LWSJ_EV_UPGRADE, 0, wsi, 0, (int)lws_get_protocol(wsi)->id);
		if (r <= 0) {
			if (r < 0)
				lws_return_http_status(wsi, (unsigned int)-r, NULL);
			return 1;
		}
		c->id = r;
		return 0;

	case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
		/* the response headers are gone by CLIENT_ESTABLISHED: keep the agreed subprotocol now */
		if (lws_hdr_copy(wsi, e->subprotocol, sizeof(e->subprotocol), WSI_TOKEN_PROTOCOL) < 0)
			e->subprotocol[0] = '\0';
		return 0;

	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (reason == LWS_CALLBACK_CLIENT_ESTABLISHED) {
			c->id = (long long)(intptr_t)lws_get_opaque_user_data(wsi);
			subprotocol = e->subprotocol;
		} else { /* the protocol lws chose; 0 is the default handler: no subprotocol */
			subprotocol = lws_get_protocol(wsi)->id ? lws_get_protocol(wsi)->name : "";
		}
		c->wsi = wsi;
		if (table_add(e, c))
			return -1; /* out of memory */
		set_frame_limit(e, c, wsi);
		idle_start(e, c);
		lws_get_peer_simple(wsi, peer, sizeof(peer));
		record2(e, LWSJ_EV_OPEN, c->id, (int)lws_get_protocol(wsi)->id, subprotocol, strlen(subprotocol) + 1,
			peer, strlen(peer));
		e->subprotocol[0] = '\0';
		return 0;

	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		r = (long long)(intptr_t)lws_get_opaque_user_data(wsi);
		if (c)
			drop_queue(c);
		if (r) {
			lws_set_opaque_user_data(wsi, NULL);
			record(e, LWSJ_EV_CONNECT_ERROR, r, 0, in, in ? strlen((const char *)in) : 0);
			wake_reader(wsi);
		}
		return 0;

	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		/* a ws client hears this before lws checks the answer for 101: a refusal's status and headers */
		r = (long long)(intptr_t)lws_get_opaque_user_data(wsi);
		if (r && lws_http_client_http_response(wsi) != 101)
			call(e, LWSJ_EV_CLIENT_REFUSED, r, wsi, 0, (int)lws_http_client_http_response(wsi));
		return 0;

	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		/* in = unsigned char **p into lws's buffer, len = the space left after *p */
		e->header_end = *(unsigned char **)in + len;
		call(e, LWSJ_EV_CLIENT_HEADERS, (long long)(intptr_t)lws_get_opaque_user_data(wsi), wsi,
		     (size_t)(intptr_t)in, 0);
		e->header_end = NULL;
		return 0;

	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(e, c, wsi, in, len);

	case LWS_CALLBACK_RECEIVE_PONG:
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		active(e, c);
		record(e, LWSJ_EV_PONG, c->id, 0, in, len);
		return 0;

	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		on_peer_close(c, (const unsigned char *)in, len);
		return 0; /* lws echoes the close frame */

	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLIENT_WRITEABLE:
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!c)
			return 0;
		return on_writeable(e, c, wsi);

	case LWS_CALLBACK_CLOSED:
	case LWS_CALLBACK_CLIENT_CLOSED:
		return on_closed(e, c, wsi);

	case LWS_CALLBACK_HTTP:
		if (!c)
			break;
		c->wsi = wsi;
		r = call(e, LWSJ_EV_HTTP, (long long)(intptr_t)wsi, in, in ? strlen((const char *)in) : 0,
			 (http_method(wsi) & 0xff) | (int)lws_get_protocol(wsi)->id << 8);
		if (r == 1)
			return 0; /* answered: the body goes out in HTTP_WRITEABLE */
		if (r == 2) {
			c->http_body = 1; /* collect the body, answer at BODY_COMPLETION */
			return 0;
		}
		break; /* lws answers 404 */

	case LWS_CALLBACK_HTTP_BODY:
		if (c && c->http_body && rx_append(e, c, in, len))
			return -1;
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!c || !c->http_body)
			break;
		c->http_body = 0;
		call(e, LWSJ_EV_HTTP_BODY_DONE, (long long)(intptr_t)wsi, c->rx, c->rx_len, 0);
		c->rx_len = 0;
		return 0;

	case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION:
		/* (server-it) mutual TLS: lws asks protocols[0] to judge each client certificate and takes 0 as
		 * "accept"; lws_callback_http_dummy returns 0, which accepted a certificate from ANY issuer. Keep
		 * OpenSSL's own verdict instead: len = preverify_ok. */
		return !len;

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c)
			drop_queue(c);
		break;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

void lwsj_protocol_init(struct lws_protocols *protocol)
{
	protocol->callback = callback;
	protocol->per_session_data_size = sizeof(struct lwsj_conn);
}
