/*
 * lwsj: the C engine under lws-java's facade.
 *
 * One protocol callback (installed by lwsj_protocol_init) serves every protocol of every vhost of a context. It does
 * the mechanical work natively, where a Java upcall would cost more than the work itself:
 *   - reassembles received fragments and reports each whole message once;
 *   - keeps each connection's outbound queue and writes it from the WRITEABLE callback, one lws_write per
 *     callback, splitting large messages into fragments;
 *   - answers lws's housekeeping reasons (poll changes, locks, HTTP defaults) without Java.
 * Java hears only what a user sees, through one function pointer with primitive arguments (lwsj_event_fn).
 *
 * Threading: every function here except lwsj_wake() must be called on the thread that runs lws_service()
 * for the engine's context. A connection handle (lwsj_conn address) is valid from LWSJ_EV_OPEN until
 * LWSJ_EV_CLOSED is delivered for it, and never after.
 */
#ifndef LWSJ_H
#define LWSJ_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the engine reports to Java: lwsj_event_fn(engine, event, conn, data, len, arg). */
enum lwsj_event {
	/* lwsj_wake() was called: drain the command queue. */
	LWSJ_EV_WAKE = 1,
	/* server: an upgrade request arrived. data = wsi, arg = protocol index. Return a connection id > 0 to
	 * accept it, or -(HTTP status) to refuse it. The request headers can be read during this event only. */
	LWSJ_EV_UPGRADE = 2,
	/* the WebSocket is open. conn = id, data = connection handle, len = wsi, arg = protocol index. */
	LWSJ_EV_OPEN = 3,
	/* a whole message. data/len = payload (valid during the event only), arg = LWSJ_TEXT or LWSJ_BINARY. */
	LWSJ_EV_MESSAGE = 4,
	/* a pong. data/len = its payload. */
	LWSJ_EV_PONG = 5,
	/* arg messages queued with lwsj_send() have been handed to the kernel, oldest first. */
	LWSJ_EV_WRITTEN = 6,
	/* the connection is gone. arg = close code (1006 when no close frame was exchanged) | enum lwsj_closed_by
	 * << 16, data/len = reason: the code and reason of the first close frame on the wire. The handle is dead
	 * once this returns. */
	LWSJ_EV_CLOSED = 7,
	/* a client connection failed before it opened. conn = id, data/len = lws's description. */
	LWSJ_EV_CONNECT_ERROR = 8,
	/* a client handshake is being written. conn = id: add headers with lwsj_add_header(wsi = data, pp = len). */
	LWSJ_EV_CLIENT_HEADERS = 9,
	/* an HTTP request that no file mount served. conn = wsi, data/len = URI, arg = the method, lws's
	 * LWSHUMETH_* (GET, POST, OPTIONS, PUT, PATCH, DELETE, CONNECT, HEAD), or -1.
	 * Return 0 to let lws answer 404, 1 after answering with lwsj_http_respond(), or 2 to receive the
	 * request body first (LWSJ_EV_HTTP_BODY_DONE follows; lws reads one for POST, and for PUT and PATCH
	 * with a Content-Length above 0). */
	LWSJ_EV_HTTP = 10,
	/* the HTTP request body is complete. conn = wsi, data/len = body: answer with lwsj_http_respond(). */
	LWSJ_EV_HTTP_BODY_DONE = 11,
	/* a client's upgrade was answered with another status than 101 (LWSJ_EV_CONNECT_ERROR follows).
	 * conn = id, data = wsi (read the response headers with lwsj_header / lwsj_custom_headers), arg = status. */
	LWSJ_EV_CLIENT_REFUSED = 12
};

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

/* Engine options (lwsj_engine_new flags). */
enum lwsj_options {
	/* validate the UTF-8 of received text after extensions: lws checks only what it reads off the wire, so
	 * with permessage-deflate invalid text would pass (Autobahn 6.6.x with deflate) */
	LWSJ_CHECK_UTF8 = 1
};

/* max_message: largest message reassembled (a larger one, or a frame that declares more than the message may
 * still grow by, closes with 1009).
 * fragment_size: largest piece handed to one lws_write (larger messages are sent as fragments).
 * idle_ms: a connection on which nothing was received or written for this long is closed with 1001 (0: never).
 * options: enum lwsj_options bits. */
struct lwsj_engine *lwsj_engine_new(long long id, lwsj_event_fn fn, size_t max_message,
				    size_t fragment_size, long long idle_ms, int options);
void lwsj_engine_free(struct lwsj_engine *engine);

/* The extension list that enables permessage-deflate (lws_context_creation_info.extensions). */
struct lws_extension;
const struct lws_extension *lwsj_deflate_extensions(void);

/* Binds a protocol entry to the lwsj engine: its callback and its per-session size. (Set here in C: a JavaCPP
 * FunctionPointer's address is a wrapper, not the C function.) */
struct lws_protocols;
void lwsj_protocol_init(struct lws_protocols *protocol);

/* Wakes the service thread (LWSJ_EV_WAKE follows). The one call that is safe from any thread. */
void lwsj_wake(struct lwsj_engine *engine, void *context);

/* Queues one message (copied) and asks for WRITEABLE. kind: enum lwsj_kind. Returns the connection's
 * queued bytes after the call, or -1 when the connection is closing. */
long long lwsj_send(long long conn, const unsigned char *data, size_t len, int kind);

/* Closes after the queued messages are written: sends a close frame with code and reason. */
void lwsj_close(long long conn, int code, const char *reason);

/* Pauses (0) or resumes (1) reading from the connection (lws_rx_flow_control). */
void lwsj_read(long long conn, int enable);

/* Adds one header to a client handshake during LWSJ_EV_CLIENT_HEADERS. Returns 0 on success. */
int lwsj_add_header(struct lwsj_engine *engine, long long wsi, long long pp, const char *name,
		    const char *value);

/* Copies header number token (enum lws_token_indexes) of wsi into buf.
 * Returns its length, or -1 when absent. */
int lwsj_header(long long wsi, int token, char *buf, int len);

/* Copies every header lws has no token for into buf as "name:\0value\0" pairs; returns the bytes used. */
int lwsj_custom_headers(long long wsi, char *buf, int len);

/* The subprotocol agreed in the handshake ("" when none). */
const char *lwsj_subprotocol(long long conn);

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
