/*
 * lwsj: the C engine under lws-java's facade.
 *
 * One protocol callback (installed by lwsj_protocol_init) serves every protocol of every vhost of a context. It does
 * the mechanical work natively, where a Java upcall would cost more than the work itself:
 *   - reassembles received fragments and reports each whole message once;
 *   - keeps each connection's outbound queue and writes it from the WRITEABLE callback, one lws_write per
 *     callback, splitting large messages into fragments;
 *   - answers lws's housekeeping reasons (poll changes, locks, HTTP defaults) without Java.
 *   - records what a user sees (messages, completions, opens, closes) in an event buffer that Java reads once per
 *     lws_service(), instead of one call into Java per event;
 *   - takes messages from any thread (lwsj_post) without a round trip through Java's service thread.
 *
 * Threading: every function here except lwsj_wake() and lwsj_post() must be called on the thread that runs
 * lws_service() for the engine's context. Connections are named by ids, never by addresses: an id that has
 * closed is refused, so no call can reach memory lws has freed.
 */
#ifndef LWSJ_H
#define LWSJ_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What the engine reports: events. Most are RECORDED into the engine's event buffer during lws_service() and read
 * by the consumer afterwards (lwsj_events_take): no call into Java per event. The few that need an answer, or
 * that hand over memory valid only for the moment (headers), are CALLED through lwsj_event_fn; before each such
 * call the recorded events are handed over first (LWSJ_EV_DRAIN), so the consumer sees every event in order.
 *
 * A record: int32 event, int32 arg, int64 conn (the connection id), int64 len, then len bytes of payload,
 * padded to 8 bytes; native byte order.
 */
enum lwsj_event {
	/* recorded: lwsj_wake() was called (for consumers that run their commands at this event) */
	LWSJ_EV_WAKE = 1,
	/* called: a server's upgrade request. data = wsi, arg = protocol index. Return a connection id > 0 to
	 * accept it, or -(HTTP status) to refuse it. The request headers can be read during this event only. */
	LWSJ_EV_UPGRADE = 2,
	/* recorded: the WebSocket is open. arg = protocol index, payload = the subprotocol agreed ("" when none),
	 * a NUL, the peer's address. */
	LWSJ_EV_OPEN = 3,
	/* recorded (called, with data = the payload, when longer than LWSJ_INLINE_MAX): a whole message.
	 * arg = LWSJ_TEXT or LWSJ_BINARY. */
	LWSJ_EV_MESSAGE = 4,
	/* recorded: a pong, with its payload. */
	LWSJ_EV_PONG = 5,
	/* recorded: arg more messages queued with lwsj_send()/lwsj_post() have been handed to the kernel, oldest
	 * first (consecutive completions of one connection are merged into one record). */
	LWSJ_EV_WRITTEN = 6,
	/* recorded: the connection is gone. arg = close code (1006 when no close frame was exchanged) |
	 * enum lwsj_closed_by << 16, payload = reason: the code and reason of the first close frame on the wire.
	 * The id is unknown to the engine from this event on. */
	LWSJ_EV_CLOSED = 7,
	/* recorded: a client connection failed before it opened. payload = lws's description. */
	LWSJ_EV_CONNECT_ERROR = 8,
	/* called: a client handshake is being written. conn = id: add headers with lwsj_add_header(wsi = data,
	 * pp = len). */
	LWSJ_EV_CLIENT_HEADERS = 9,
	/* called: an HTTP request that no file mount served. conn = wsi, data/len = URI, arg = the method, lws's
	 * LWSHUMETH_* (GET, POST, OPTIONS, PUT, PATCH, DELETE, CONNECT, HEAD) or 0xff, | the index of the protocol
	 * that serves it << 8 (the callback mount lws matched names it; 0 when none did).
	 * Return 0 to let lws answer 404, 1 after answering with lwsj_http_respond(), or 2 to receive the
	 * request body first (LWSJ_EV_HTTP_BODY_DONE follows; lws reads one for POST, and for PUT and PATCH
	 * with a Content-Length above 0). */
	LWSJ_EV_HTTP = 10,
	/* called: the HTTP request body is complete. conn = wsi, data/len = body: answer with lwsj_http_respond(). */
	LWSJ_EV_HTTP_BODY_DONE = 11,
	/* called: a client's upgrade was answered with another status than 101 (LWSJ_EV_CONNECT_ERROR follows).
	 * conn = id, data = wsi (read the response headers with lwsj_header / lwsj_custom_headers), arg = status. */
	LWSJ_EV_CLIENT_REFUSED = 12,
	/* called: take the recorded events now (lwsj_events_take), the buffer is full or a called event follows. */
	LWSJ_EV_DRAIN = 13
};

/* Payloads up to this size are recorded; a longer message is called, with its payload in place (no copy). */
#define LWSJ_INLINE_MAX 16384
/* The size of each of the engine's two event buffers. */
#define LWSJ_EVENTS_SIZE (256 * 1024)
/* The size of a record's head before its payload. */
#define LWSJ_RECORD_HEAD 24

/* Message kinds for lwsj_send() and LWSJ_EV_MESSAGE. */
enum lwsj_kind {
	LWSJ_TEXT = 0,
	LWSJ_BINARY = 1,
	LWSJ_PING = 2,
	/* or-ed into a TEXT or BINARY send: more pieces of this message follow (streaming send) */
	LWSJ_MORE = 16
};

/* Who ended a connection (LWSJ_EV_CLOSED): whose close frame went first on the wire. */
enum lwsj_closed_by {
	LWSJ_BY_NETWORK = 0,     /* no close frame: the connection was lost or dropped */
	LWSJ_BY_APPLICATION = 1, /* lwsj_close() */
	LWSJ_BY_PEER = 2,        /* the peer's close frame */
	LWSJ_BY_LIBRARY = 3      /* lws or the engine failed it: a protocol violation, too big, bad UTF-8, idle */
};


/* The single upcall to Java. Must not throw: the Java side catches everything. */
typedef long long (*lwsj_event_fn)(long long engine, int event, long long conn, long long data,
				   long long len, int arg);

/* An engine, the user pointer of one lws context (lws_context_creation_info.user). */
struct lwsj_engine;
struct lws_context;

/* Engine options (lwsj_engine_new flags). */
enum lwsj_options {
	/* validate the UTF-8 of received text after extensions: lws checks only what it reads off the wire, so
	 * with permessage-deflate invalid text would pass (Autobahn 6.6.x with deflate) */
	LWSJ_CHECK_UTF8 = 1,
	/* run the context on a libuv loop the engine owns (epoll / kqueue) instead of lws's poll(): give lws
	 * lwsj_loop() as its foreign loop, with LWS_SERVER_OPTION_LIBUV. lwsj_engine_new() fails without libuv
	 * in the build (lwsj_has_libuv()). */
	LWSJ_LIBUV = 2
};

/* max_message: largest message reassembled (a larger one, or a frame that declares more than the message may
 * still grow by, closes with 1009).
 * fragment_size: largest piece handed to one lws_write (larger messages are sent as fragments).
 * idle_ms: a connection on which nothing was received or written for this long is closed with 1001 (0: never).
 * options: enum lwsj_options bits. */
struct lwsj_engine *lwsj_engine_new(long long id, lwsj_event_fn fn, size_t max_message,
				    size_t fragment_size, long long idle_ms, int options);
void lwsj_engine_free(struct lwsj_engine *engine);

/* 1 when this build has libuv (LWSJ_LIBUV can be asked for). */
int lwsj_has_libuv(void);

/* With LWSJ_LIBUV: the uv_loop_t * for lws_context_creation_info.foreign_loops[0]; NULL otherwise. */
void *lwsj_loop(struct lwsj_engine *engine);

/* One turn of the service loop: waits for I/O, a timer or lwsj_wake() and services what came. lws_service()
 * with lws's poll() loop; with LWSJ_LIBUV one turn of the libuv loop (lws_service() would run it until the
 * context is destroyed). Read the recorded events after each turn. */
void lwsj_service(struct lwsj_engine *engine, struct lws_context *context);

/* lws_context_destroy(), and with LWSJ_LIBUV the turns of the loop lws needs to close its handles: the context
 * is gone when this returns (its CLOSED events are recorded, or called as DRAIN). */
void lwsj_context_destroy(struct lwsj_engine *engine, struct lws_context *context);

/* The extension list that enables permessage-deflate (lws_context_creation_info.extensions). */
struct lws_extension;
const struct lws_extension *lwsj_deflate_extensions(void);

/* Binds a protocol entry to the lwsj engine: its callback and its per-session size. (Set here in C: a JavaCPP
 * FunctionPointer's address is a wrapper, not the C function.) */
struct lws_protocols;
void lwsj_protocol_init(struct lws_protocols *protocol);

/* Wakes the service thread (a LWSJ_EV_WAKE record follows). Safe from any thread. */
void lwsj_wake(struct lwsj_engine *engine, void *context);

/* Takes the recorded events: returns their length in bytes | the index (0 or 1) of the buffer that holds
 * them << 32 (see lwsj_events_buffer); recording goes on in the other buffer. The records stay readable until
 * the next call. */
long long lwsj_events_take(struct lwsj_engine *engine);

/* The address of event buffer 0 or 1 (LWSJ_EVENTS_SIZE bytes each), fixed for the engine's life. */
unsigned char *lwsj_events_buffer(struct lwsj_engine *engine, int index);

/* For C consumers: takes the recorded events and passes each to the engine's lwsj_event_fn (data = payload).
 * Returns the number of events. */
int lwsj_dispatch(struct lwsj_engine *engine);

/*
 * Connections are named by the id the consumer gave them (LWSJ_EV_UPGRADE's answer, or the client's
 * lws_client_connect_info.opaque_user_data). An id the engine no longer knows (closed) is refused with -1.
 */

/* Queues one message (copied) and asks for WRITEABLE. kind: enum lwsj_kind. Returns the connection's
 * queued bytes after the call, or -1 when the connection is closing or unknown. Service thread only. */
long long lwsj_send(struct lwsj_engine *engine, long long id, const unsigned char *data, size_t len, int kind);

/* lwsj_send() from any thread: the message is copied now and queued on the service thread, after every
 * message posted or sent before it, then written; a connection closed meanwhile drops it (no
 * LWSJ_EV_WRITTEN for it). Returns 0, or -1 when out of memory. context: the engine's lws context. */
int lwsj_post(struct lwsj_engine *engine, void *context, long long id, const unsigned char *data, size_t len,
	      int kind);

/* Closes after the queued messages are written: sends a close frame with code and reason. */
void lwsj_close(struct lwsj_engine *engine, long long id, int code, const char *reason);

/* Pauses (0) or resumes (1) reading from the connection (lws_rx_flow_control). */
void lwsj_read(struct lwsj_engine *engine, long long id, int enable);

/* Adds one header to a client handshake during LWSJ_EV_CLIENT_HEADERS. Returns 0 on success. */
int lwsj_add_header(struct lwsj_engine *engine, long long wsi, long long pp, const char *name,
		    const char *value);

/* Copies header number token (enum lws_token_indexes) of wsi into buf.
 * Returns its length, or -1 when absent. */
int lwsj_header(long long wsi, int token, char *buf, int len);

/* Copies every header lws has no token for into buf as "name:\0value\0" pairs; returns the bytes used. */
int lwsj_custom_headers(long long wsi, char *buf, int len);

/* Remote address of wsi as text. */
void lwsj_peer(long long wsi, char *buf, int len);

/* Answers an HTTP request (callback mounts) with status, content type, extra headers ("Name: value" lines, each
 * ending in \n; NULL for none) and body, then ends it. Returns -1 when the headers do not fit 4 KiB or a line
 * has no ':'. */
int lwsj_http_respond(long long wsi, int status, const char *content_type, const char *headers,
		      const unsigned char *body, size_t len);

#ifdef __cplusplus
}
#endif

#endif
