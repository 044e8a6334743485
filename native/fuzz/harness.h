/*
 * The fuzz harness shared by the targets: lws contexts set up as lws-java sets them up, a C stand-in for the
 * Java side of the lwsj engine, and loopback socket I/O that alternates "write a chunk" with "let lws run".
 *
 * Everything is single-threaded: lws_service(ctx, -1) never waits (in lws 4.3 a timeout of 0 means "wait for the
 * next scheduled event", -1 means "poll without waiting"), so one input is a bounded sequence of
 * write / service / read rounds on real sockets.
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <libwebsockets.h>
#include "lwsj.h"

/* One lws context with its engine: two engine profiles x permessage-deflate off/on, per face. */
struct fz_app {
	struct lws_context *ctx;
	struct lwsj_engine *engine;
	struct lws_protocols protocols[4];
	int port;          /* server face: where the vhost listens */
	int deflate;       /* permessage-deflate offered/accepted (and LWSJ_CHECK_UTF8, as lws-java sets it) */
	size_t max_message, fragment, rx_buffer;
};
#define FZ_APPS 4
extern struct fz_app fz_apps[FZ_APPS];

/* Index into fz_apps from the low bits of a flags byte: bit 0 = deflate, bit 1 = the small profile. */
static inline struct fz_app *fz_app_of(uint8_t flags)
{
	return &fz_apps[flags & 3];
}

/* What the stand-in for Java knows about the current input. Reset by fz_begin(). */
struct fz_state {
	struct fz_app *app;
	long long conn;      /* the connection's id while open, else 0 */
	long long id;        /* its id */
	int opened, closed, connect_error;
	unsigned events;     /* engine events so far: progress for the settle loop */
	int paused;          /* rounds until reading resumes after an 'R' message (0: not paused) */
	int inline_actions;  /* run message actions inside the event (a direct executor) instead of at WAKE */
};
extern struct fz_state fz;

/* A cursor over the fuzzer's input. */
struct fz_input {
	const uint8_t *p;
	size_t n;
};
static inline uint8_t fz_byte(struct fz_input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* How an input is cut into writes: one byte chooses the chunk size, its randomness and the rounds per chunk. */
struct fz_chunker {
	uint32_t rng;
	size_t max;     /* largest chunk */
	int random;     /* chunk sizes vary in 1..max */
	int rounds;     /* service/read rounds after each chunk */
};
void fz_chunker_init(struct fz_chunker *c, uint8_t pattern, size_t total);

/* Receives what lws sent (the client target reads the handshake request with it); NULL discards. */
typedef void (*fz_sink)(const uint8_t *data, size_t len, void *opaque);

void fz_init_server(void); /* four server contexts listening on 127.0.0.1 (once per process) */
void fz_init_client(void); /* four client contexts (once per process) */
void fz_begin(struct fz_app *app, int inline_actions);
/* One round: lws_service once, resume paused reading when due, read what lws sent. -1 when lws closed fd. */
int fz_round(int fd, fz_sink sink, void *opaque);
/* Sends buf in chunks, with rounds between them. -1 once lws has closed the connection. */
int fz_write(int fd, const uint8_t *buf, size_t len, struct fz_chunker *ch, fz_sink sink, void *opaque);
/* Rounds until lws has nothing more to say (or closed fd). */
void fz_settle(int fd, fz_sink sink, void *opaque);
/* Closes fd (rst: with a reset) and runs lws until it has freed every connection of this input. */
void fz_finish(int fd, int rst);
/* A new connection id for a client connection of this input (its opaque user data). */
long long fz_new_id(void);
/* Tracks a wsi of this input (a client connection) until lws destroys it. */
void fz_track(struct lws *wsi);
/* Connects a non-blocking TCP socket to 127.0.0.1:port (resuming the wait after a signal); -1 on failure, with
 * errno, the open fds and the listener's accept queue on stderr. */
int fz_connect(int port);
/* A harness-side listener on 127.0.0.1 (client face); *port receives its port. */
int fz_listen(int *port);
/* An invariant of lws or the engine is broken: report and abort (libFuzzer saves the input). */
void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
