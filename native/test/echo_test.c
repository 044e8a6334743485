/*
 * echo_test: the C engine (glue/lwsj.h) over real sockets without a JVM, for platforms where the Java suite does
 * not run here (windows-x86_64 under wine: scripts/cross-windows.sh).
 *
 * One lws context serves one engine with three vhosts: a ws:// server, a wss:// server with permessage-deflate,
 * both on 127.0.0.1 and an ephemeral port, and a client vhost that trusts the test certificate. One client
 * connects to each server and sends MESSAGES messages one after the other (text and binary, 0 bytes to 200 KB, so
 * fragmented by the engine); the server side echoes each, the client checks each echo byte for byte, then closes
 * with 1000. The process exits 0 only if every echo came back on both connections and both closed cleanly.
 *
 *   echo_test CERT.pem KEY.pem        (a self-signed certificate for "localhost" and 127.0.0.1)
 *
 * On Linux: gcc -Inative/build/linux-x86_64/install/include native/test/echo_test.c \
 *   -Lnative/build/linux-x86_64/install/lib -llwsj -lwebsockets -lssl -lcrypto -lz -luv -o echo_test
 */
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lwsj.h"

#define MESSAGES 24
#define SERVER_ID 1000 /* server connections get ids from here, clients 1 (ws) and 2 (wss) */
#define DEADLINE_S 60

struct client {
	const char *name;
	int sent, echoed; /* messages sent, echoes received intact */
	int close_code;   /* from LWSJ_EV_CLOSED; 0 while open */
	int failed;
};

static struct client clients[3] = { { .name = "" }, { .name = "ws" }, { .name = "wss" } };
static long long next_server_id = SERVER_ID;
static struct lwsj_engine *echo_engine;
static struct lws_context *echo_context;

/* Message i: its size and kind, and its bytes (a pattern the echo must reproduce). The frame length forms (7 bit,
 * 16 bit, 64 bit) and their edges, and empty messages after others (with permessage-deflate, native/patches/0036). */
static size_t message_size(int i)
{
	static const size_t sizes[] = { 0, 1, 125, 0, 126, 127, 65535, 65536, 200000 };
	return sizes[i % (int)(sizeof(sizes) / sizeof(sizes[0]))];
}

static int message_kind(int i)
{
	return i % 2 ? LWSJ_BINARY : LWSJ_TEXT;
}

static unsigned char *message(int i, size_t *len)
{
	size_t n = message_size(i), k;
	unsigned char *m = malloc(n + 1);
	for (k = 0; k < n; k++) /* printable text for TEXT (valid UTF-8), every byte value for BINARY */
		m[k] = message_kind(i) == LWSJ_TEXT ? (unsigned char)('a' + (k + (size_t)i) % 26) :
						      (unsigned char)(k * 7 + (size_t)i);
	*len = n;
	return m;
}

static void send_next(struct client *c)
{
	size_t len;
	unsigned char *m = message(c->sent, &len);
	/* the ws client queues at once (lwsj_send), the wss client through the post box that other threads use
	 * (lwsj_post: the service thread takes it at its next wake) */
	if (c == &clients[1] ? lwsj_send(echo_engine, c - clients, m, len, message_kind(c->sent)) < 0 :
			       lwsj_post(echo_engine, echo_context, c - clients, m, len, message_kind(c->sent)) < 0)
		c->failed = 1;
	c->sent++;
	free(m);
}

static long long on_event(long long engine_id, int event, long long conn, long long data, long long len, int arg)
{
	struct client *c = conn > 0 && conn < SERVER_ID ? &clients[conn] : NULL;
	size_t n;
	unsigned char *want;

	switch (event) {
	case LWSJ_EV_DRAIN: /* the engine's event buffer is full, or a called event follows: take it now */
		lwsj_dispatch(echo_engine);
		return 0;
	case LWSJ_EV_UPGRADE: /* accept every server connection */
		return next_server_id++;
	case LWSJ_EV_OPEN:
		if (c)
			send_next(c);
		return 0;
	case LWSJ_EV_MESSAGE:
		if (!c) { /* server: echo it */
			lwsj_send(echo_engine, conn, (const unsigned char *)(intptr_t)data, (size_t)len, arg);
			return 0;
		}
		want = message(c->echoed, &n);
		if ((size_t)len == n && arg == message_kind(c->echoed) &&
		    (!n || !memcmp((const void *)(intptr_t)data, want, n)))
			c->echoed++;
		else {
			fprintf(stderr, "echo_test: %s: echo %d differs (%lld bytes, kind %d)\n", c->name, c->echoed,
				len, arg);
			c->failed = 1;
		}
		free(want);
		if (c->failed || c->echoed == MESSAGES)
			lwsj_close(echo_engine, conn, 1000, "done");
		else
			send_next(c);
		return 0;
	case LWSJ_EV_CLOSED:
		if (c)
			c->close_code = arg & 0xffff;
		return 0;
	case LWSJ_EV_CONNECT_ERROR:
		fprintf(stderr, "echo_test: %s: connect error: %.*s\n", c ? c->name : "?", (int)len,
			(const char *)(intptr_t)data);
		if (c) {
			c->failed = 1;
			c->close_code = 1006;
		}
		return 0;
	default:
		return 0;
	}
}

static struct lws_vhost *vhost(struct lws_context *cx, struct lws_protocols *protocols, const char *name, int port,
			       const char *cert, const char *key, const char *ca, int deflate)
{
	struct lws_context_creation_info v;
	memset(&v, 0, sizeof(v));
	v.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT; /* each vhost's own TLS contexts, server and client */
	v.vhost_name = name;
	v.port = port;
	v.iface = port == CONTEXT_PORT_NO_LISTEN ? NULL : "127.0.0.1";
	v.protocols = protocols;
	v.ssl_cert_filepath = cert;
	v.ssl_private_key_filepath = key;
	v.client_ssl_ca_filepath = ca;
	v.extensions = deflate ? lwsj_deflate_extensions() : NULL;
	return lws_create_vhost(cx, &v);
}

static int connect_client(struct lws_context *cx, struct lws_vhost *vh, long long id, int port, int tls)
{
	struct lws_client_connect_info i;
	memset(&i, 0, sizeof(i));
	i.context = cx;
	i.vhost = vh;
	i.address = "127.0.0.1";
	i.port = port;
	i.path = "/";
	i.host = "localhost"; /* the name the certificate is checked against */
	i.origin = "localhost";
	i.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
	i.opaque_user_data = (void *)(intptr_t)id;
	return lws_client_connect_via_info(&i) ? 0 : -1;
}

/* One run on one event loop: LWSJ_LIBUV or 0 (lws's poll()). Returns 1 when every echo came back. */
static int run(const char *cert, const char *key, int loop)
{
	static struct lws_protocols protocols[2] = { { .name = "lwsj-echo" }, { .name = NULL } };
	const char *name = loop ? "libuv" : "poll";
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct lws_vhost *ws, *wss, *client;
	time_t deadline = time(NULL) + DEADLINE_S;
	void *foreign[1];
	int i, ok = 1;

	memset(&clients[1], 0, sizeof(clients[1]) * 2);
	clients[1].name = "ws";
	clients[2].name = "wss";
	lwsj_protocol_init(&protocols[0]);
	echo_engine = lwsj_engine_new(1, on_event, 1 << 20, 16384, 20000, LWSJ_CHECK_UTF8 | loop);
	if (!echo_engine)
		return 0;

	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
		       LWS_SERVER_OPTION_VALIDATE_UTF8;
	if (loop) { /* the engine's libuv loop, lent to lws as Java's ContextSetup does */
		foreign[0] = lwsj_loop(echo_engine);
		info.foreign_loops = foreign;
		info.options |= LWS_SERVER_OPTION_LIBUV;
	}
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.user = echo_engine;
	cx = lws_create_context(&info);
	if (!cx)
		return 0;
	echo_context = cx;
	ws = vhost(cx, protocols, "ws", 0, NULL, NULL, NULL, 0);
	wss = vhost(cx, protocols, "wss", 0, cert, key, NULL, 1);
	client = vhost(cx, protocols, "client", CONTEXT_PORT_NO_LISTEN, NULL, NULL, cert, 1);
	if (!ws || !wss || !client ||
	    connect_client(cx, client, 1, lws_get_vhost_listen_port(ws), 0) ||
	    connect_client(cx, client, 2, lws_get_vhost_listen_port(wss), 1)) {
		fprintf(stderr, "echo_test: %s: set-up failed\n", name);
		ok = 0;
	}

	while (ok && (!clients[1].close_code || !clients[2].close_code) && time(NULL) < deadline) {
		lwsj_service(echo_engine, cx);
		lwsj_dispatch(echo_engine); /* the events the turn recorded */
	}

	for (i = 1; i <= 2; i++) {
		struct client *c = &clients[i];
		int good = !c->failed && c->echoed == MESSAGES && c->close_code == 1000;
		printf("echo_test: %s %s: %d of %d echoes, close %d: %s\n", name, c->name, c->echoed, MESSAGES,
		       c->close_code, good ? "ok" : "FAILED");
		ok &= good;
	}
	lwsj_context_destroy(echo_engine, cx);
	lwsj_dispatch(echo_engine);
	lwsj_engine_free(echo_engine);
	return ok;
}

int main(int argc, char **argv)
{
	int ok;

	if (argc != 3) {
		fprintf(stderr, "usage: echo_test CERT.pem KEY.pem\n");
		return 2;
	}
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	ok = run(argv[1], argv[2], 0);
	if (lwsj_has_libuv())
		ok &= run(argv[1], argv[2], LWSJ_LIBUV);
	return ok ? 0 : 1;
}
