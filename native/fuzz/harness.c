/*
 * Fuzz harness: see harness.h. The contexts mirror lws-java's ContextSetup, WebSocketServer and WebSocketClient
 * (options, protocol list, callback mount, deflate extension, LWSJ_CHECK_UTF8 with deflate); only the sizes are
 * small, so that the spill, reassembly and 1009 paths are reached by small inputs.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fz_app fz_apps[FZ_APPS];
struct fz_state fz;

/* Engine profiles. lws-java's own: 16 MiB messages, 64 KiB fragments and rx buffer, 256 KiB service buffer.
 * Here the same code runs with sizes a fuzz input can exceed; the small one is at lws-java's lower limits (125). */
static const struct profile {
	size_t max_message, fragment, rx_buffer, serv_buf;
} profiles[2] = {
	{ 64 * 1024, 16 * 1024, 4096, 16 * 1024 },
	{ 256, 125, 128, 4096 },
};

#define MAX_LIVE 16
static struct lws *live[MAX_LIVE]; /* wsi of the current input that lws has not destroyed yet */
static int nlive, tracking;
static lws_callback_function *engine_callback; /* lwsj's callback, which ours wraps */
static long long next_id;
static volatile size_t sink_sum;
static int trace; /* FUZZ_TRACE=1: print every engine event, 2: every lws callback too */
static long stuck_inputs;
static unsigned long callbacks; /* lws callbacks so far: tells whether lws still makes progress */ /* inputs after which lws kept a connection of a closed peer until its timeout */

static void report_stuck(void)
{
	if (stuck_inputs)
		fprintf(stderr, "fuzz: %ld input(s) waited for lws to close a connection after 200 quiet rounds "
			"(its timeout was expired early; FUZZ_STRICT_CLOSE=1 reports them)\n", stuck_inputs);
} /* reads of event data land here, so ASan checks the pointers the engine hands over */

void fz_fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n*** fuzz invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static void touch(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t s = 0, i;
	for (i = 0; i < len; i++)
		s += b[i];
	sink_sum += s;
}

/* Strict UTF-8 (RFC 3629): what a text message delivered to Java must be. Independent of lws's checker. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], need, min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; cp = c & 0x07; }
		else return 0;
		if (n - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* ---- the stand-in for Java ---------------------------------------------------------------------------- */

/* What a message asks the "application" to do, by its first byte. Java's listeners act through the command
 * queue, i.e. at the next LWSJ_EV_WAKE; with inline_actions they act inside the event, as a direct executor. */
enum { ACT_ECHO, ACT_CLOSE, ACT_PING, ACT_PAUSE, ACT_STREAM, ACT_BIG };
struct action {
	int op, kind, code;
	size_t len;
	unsigned char *data;
};
#define MAX_ACTIONS 8
static struct action actions[MAX_ACTIONS];
static int nactions;

/* Close codes an application may send (lws-java's CloseCodes.check). */
static const int close_codes[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000,
				   4999 };

static void run_action(struct action *a)
{
	struct fz_app *app = fz.app;
	char reason[124];
	size_t n, i;

	if (!fz.conn)
		return; /* closed meanwhile: Java drops commands for a dead handle */
	switch (a->op) {
	case ACT_ECHO:
		lwsj_send(app->engine, fz.conn, a->data, a->len, a->kind);
		break;
	case ACT_CLOSE:
		/* a reason is at most 123 bytes of UTF-8 (Java checks; lwsj_close takes a C string) */
		n = a->len > 2 ? a->len - 2 : 0;
		if (n > 123)
			n = 123;
		for (i = 0; i < n && a->data[2 + i]; i++)
			;
		n = i;
		memcpy(reason, a->data + 2, n);
		reason[n] = '\0';
		if (!utf8_valid((unsigned char *)reason, n))
			strcpy(reason, "bye");
		lwsj_close(app->engine, fz.conn, close_codes[(a->len > 1 ? a->data[1] : 0) % (sizeof(close_codes) / sizeof(int))],
			   reason);
		break;
	case ACT_PING:
		lwsj_send(app->engine, fz.conn, a->data + 1, a->len > 126 ? 125 : a->len - 1, LWSJ_PING);
		break;
	case ACT_PAUSE:
		lwsj_read(app->engine, fz.conn, 0);
		fz.paused = 3;
		break;
	case ACT_STREAM: /* a streamed message in three pieces (lwsj_send with LWSJ_MORE) */
		lwsj_send(app->engine, fz.conn, a->data, a->len / 3, a->kind | LWSJ_MORE);
		lwsj_send(app->engine, fz.conn, a->data + a->len / 3, a->len / 3, a->kind | LWSJ_MORE);
		lwsj_send(app->engine, fz.conn, a->data + 2 * (a->len / 3), a->len - 2 * (a->len / 3), a->kind);
		break;
	case ACT_BIG: { /* larger than fragment_size: sent as fragments */
		size_t big = 2 * app->fragment + 7;
		unsigned char *b = malloc(big);
		memset(b, 'b', big);
		lwsj_send(app->engine, fz.conn, b, big, LWSJ_BINARY);
		free(b);
		break;
	}
	}
}

static void run_actions(void)
{
	int i;
	for (i = 0; i < nactions; i++) {
		run_action(&actions[i]);
		free(actions[i].data);
	}
	nactions = 0;
}

static void on_message(const unsigned char *p, size_t len, int kind)
{
	struct fz_app *app = fz.app;
	struct action *a;

	/* what the engine promises Java */
	if (len > app->max_message)
		fz_fail("a message of %zu bytes was delivered (max_message %zu)", len, app->max_message);
	if (kind == LWSJ_TEXT && !utf8_valid(p, len))
		fz_fail("a text message of %zu bytes with invalid UTF-8 was delivered", len);
	if (kind != LWSJ_TEXT && kind != LWSJ_BINARY)
		fz_fail("message kind %d", kind);
	touch(p, len);
	if (nactions == MAX_ACTIONS)
		return;
	a = &actions[nactions++];
	a->kind = kind;
	a->len = len;
	a->data = malloc(len + 1);
	if (len)
		memcpy(a->data, p, len); /* an empty message may come with data NULL */
	switch (len ? p[0] : 0) {
	case 'C': a->op = ACT_CLOSE; break;
	case 'P': a->op = ACT_PING; break;
	case 'R': a->op = ACT_PAUSE; break;
	case 'S': a->op = ACT_STREAM; break;
	case 'B': a->op = ACT_BIG; break;
	default: a->op = ACT_ECHO; break;
	}
	if (a->op == ACT_ECHO && !fz.inline_actions) {
		/* a listener on another thread sends at once: WebSocket.sendText posts the message (lwsj_post) */
		if (lwsj_post(app->engine, app->ctx, fz.conn, a->data, a->len, a->kind))
			fz_fail("lwsj_post failed");
		free(a->data);
		nactions--;
		return;
	}
	if (fz.inline_actions)
		run_actions();
	else
		lwsj_wake(app->engine, app->ctx); /* as Engine.execute does from a listener thread */
}

/* Reads every header of a request or a refused client upgrade's response the way lws-java does
 * (engine/HttpHeaders): every token into one 8 KiB scratch buffer, then the custom headers. */
static void read_headers(long long wsi, char *buf, int scratch)
{
	int token, n;

	for (token = WSI_TOKEN_HOST; token < WSI_TOKEN_COUNT; token++) {
		n = lwsj_header(wsi, token, buf, scratch);
		if (n >= scratch || (n >= 0 && buf[n]))
			fz_fail("lwsj_header(%d) returned %d without a NUL there", token, n);
		if (n > 0)
			touch(buf, (size_t)n);
	}
	n = lwsj_custom_headers(wsi, buf, scratch);
	if (n < 0 || n > scratch)
		fz_fail("lwsj_custom_headers returned %d", n);
	touch(buf, (size_t)n);
}

enum { SCRATCH = 8192 };

static void read_response(long long wsi)
{
	char *buf = malloc(SCRATCH);

	read_headers(wsi, buf, SCRATCH);
	free(buf);
}

/* A request's headers (UpgradeRequest / WebSocketServer.http), then its path and the peer's address. */
static void read_request(long long wsi, char *path, size_t path_len)
{
	char *buf = malloc(SCRATCH);
	int n;

	read_headers(wsi, buf, SCRATCH);
	path[0] = '\0';
	if ((n = lwsj_header(wsi, WSI_TOKEN_GET_URI, buf, SCRATCH)) < 0)
		n = lwsj_header(wsi, WSI_TOKEN_POST_URI, buf, SCRATCH);
	if (n >= 0)
		lws_strncpy(path, buf, path_len);
	if ((n = lwsj_header(wsi, WSI_TOKEN_HTTP_URI_ARGS, buf, SCRATCH)) > 0)
		touch(buf, (size_t)n);
	lwsj_peer(wsi, buf, 64);
	touch(buf, strlen(buf));
	free(buf);
}

/* Events name the connection by the id Java gave it; none may come after its CLOSED, and only CLOSED may come
 * for an accepted upgrade that never opened. */
static void check_conn(long long conn, int event)
{
	if (!fz.id || conn != fz.id || fz.closed || (!fz.opened && event != LWSJ_EV_CLOSED))
		fz_fail("event %d for connection %lld (this input's: %lld, opened %d, closed %d)", event, conn, fz.id,
			fz.opened, fz.closed);
}

static long long on_event(long long engine, int event, long long conn, long long data, long long len, int arg)
{
	struct fz_app *app = &fz_apps[engine];
	const unsigned char *p = (const unsigned char *)(intptr_t)data;
	char path[256];
	static const char body[] = "fuzz http answer";

	fz.events++;
	if (trace)
		fprintf(stderr, "fuzz: event %d conn %lld len %lld arg %d\n", event, conn, len, arg);
	if (app != fz.app && event != LWSJ_EV_WAKE)
		fz_fail("event %d from a context this input does not use", event);
	switch (event) {
	case LWSJ_EV_DRAIN:
		lwsj_dispatch(app->engine);
		return 0;
	case LWSJ_EV_WAKE:
		if (app == fz.app)
			run_actions();
		return 0;
	case LWSJ_EV_UPGRADE:
		read_request(data, path, sizeof(path));
		if (strstr(path, "/refuse"))
			return -403; /* an UpgradeFilter that refuses */
		if (fz.id)
			fz_fail("a second upgrade in one input");
		return fz.id = ++next_id; /* Java creates its Connection now and waits for OPEN, then CLOSED */
	case LWSJ_EV_OPEN:
		if (fz.opened || conn != fz.id)
			fz_fail("OPEN for connection %lld (this input's: %lld, opened %d)", conn, fz.id, fz.opened);
		fz.opened = 1;
		fz.conn = conn;
		if (len < 1 || strlen((const char *)p) >= (size_t)len)
			fz_fail("OPEN without its subprotocol and peer (%lld bytes)", len);
		touch(p, (size_t)len); /* the subprotocol, a NUL, the peer's address */
		return 0;
	case LWSJ_EV_MESSAGE:
		check_conn(conn, event);
		on_message(p, (size_t)len, arg);
		return 0;
	case LWSJ_EV_PONG:
		check_conn(conn, event);
		if (len > 125)
			fz_fail("a pong of %lld bytes", len);
		touch(p, (size_t)len);
		return 0;
	case LWSJ_EV_WRITTEN:
		check_conn(conn, event);
		return 0;
	case LWSJ_EV_CLOSED:
		check_conn(conn, event);
		if (len > 123)
			fz_fail("a close reason of %lld bytes", len);
		touch(p, (size_t)len);
		fz.closed = 1;
		fz.conn = 0;
		return 0;
	case LWSJ_EV_CONNECT_ERROR:
		if (conn != fz.id || fz.opened || fz.connect_error)
			fz_fail("CONNECT_ERROR for connection %lld (this input's: %lld, opened %d)", conn, fz.id, fz.opened);
		fz.connect_error = 1;
		touch(p, (size_t)len);
		return 0;
	case LWSJ_EV_CLIENT_REFUSED:
		if (conn != fz.id || fz.opened || arg == 101)
			fz_fail("CLIENT_REFUSED %d for connection %lld (this input's: %lld, opened %d)", arg, conn, fz.id,
				fz.opened);
		read_response(data);
		return 0;
	case LWSJ_EV_CLIENT_HEADERS:
		if (lwsj_add_header(app->engine, data, len, "x-fuzz", "lws-java"))
			fz_fail("lwsj_add_header failed");
		return 0;
	case LWSJ_EV_HTTP:
		touch(p, (size_t)len);
		read_request(conn, path, sizeof(path));
		if (strncmp(path, "/http", 5))
			return 0; /* no callback mount matches: lws answers 404 */
		if ((arg & 0xff) == LWSHUMETH_POST)
			return 2; /* the body first */
		lwsj_http_respond(conn, 200, "text/plain", "X-Fuzz: 1\nCache-Control: no-store\n",
				  (const unsigned char *)body, sizeof(body) - 1);
		return 1;
	case LWSJ_EV_HTTP_BODY_DONE:
		touch(p, (size_t)len);
		if (len > (long long)app->max_message)
			fz_fail("an HTTP body of %lld bytes (max_message %zu)", len, app->max_message);
		lwsj_http_respond(conn, 200, "application/octet-stream", NULL, p, (size_t)len);
		return 0;
	default:
		fz_fail("unknown event %d", event);
	}
}

/* Every protocol's callback: lwsj's, wrapped to know which connections of this input lws still holds. */
static int wrap_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	callbacks++;
	if (trace > 1)
		fprintf(stderr, "fuzz: lws callback %d wsi %p len %zu\n", (int)reason, (void *)wsi, len);
	if (reason == LWS_CALLBACK_WSI_CREATE && tracking)
		fz_track(wsi);
	if (reason == LWS_CALLBACK_WSI_DESTROY) {
		int i;
		for (i = 0; i < nlive; i++)
			if (live[i] == wsi) {
				live[i] = live[--nlive];
				break;
			}
	}
	return engine_callback(wsi, reason, user, in, len);
}

long long fz_new_id(void)
{
	return fz.id = ++next_id;
}

void fz_track(struct lws *wsi)
{
	int i;
	for (i = 0; i < nlive; i++)
		if (live[i] == wsi)
			return;
	if (nlive == MAX_LIVE)
		fz_fail("more than %d connections in one input", MAX_LIVE);
	live[nlive++] = wsi;
}

/* ---- contexts ----------------------------------------------------------------------------------------- */

static void protocol(struct fz_app *app, int i, const char *name)
{
	struct lws_protocols *p = &app->protocols[i];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->rx_buffer_size = app->rx_buffer;
	p->id = (unsigned int)i;
	lwsj_protocol_init(p);
	engine_callback = p->callback;
	p->callback = wrap_callback;
}

static void base_info(struct lws_context_creation_info *info, struct fz_app *app, size_t serv_buf)
{
	/* ContextSetup.info() */
	memset(info, 0, sizeof(*info));
	info->user = app->engine;
	info->gid = (gid_t)-1;
	info->uid = (uid_t)-1;
	info->options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_VALIDATE_UTF8;
	info->pt_serv_buf_size = (unsigned int)serv_buf;
}

/* idle_ms: the face's default idle time-out (WebSocketServer 30 s, WebSocketClient none) */
static void init_common(long long idle_ms)
{
	int i;
	signal(SIGPIPE, SIG_IGN);
	atexit(report_stuck);
	trace = getenv("FUZZ_TRACE") ? atoi(getenv("FUZZ_TRACE")) : 0;
	lws_set_log_level(getenv("FUZZ_LWS_LOG") ? atoi(getenv("FUZZ_LWS_LOG")) : 0, NULL);
	for (i = 0; i < FZ_APPS; i++) {
		const struct profile *pr = &profiles[(i >> 1) & 1];
		struct fz_app *app = &fz_apps[i];
		app->deflate = i & 1;
		app->max_message = pr->max_message;
		app->fragment = pr->fragment;
		app->rx_buffer = pr->rx_buffer;
		/* Engine.java: LWSJ_CHECK_UTF8 exactly when deflate is on */
		app->engine = lwsj_engine_new(i, on_event, pr->max_message, pr->fragment, idle_ms,
					      app->deflate ? LWSJ_CHECK_UTF8 : 0);
	}
}

void fz_init_server(void)
{
	static struct lws_http_mount mount;
	int i;

	init_common(30000);
	/* WebSocketServer: a callback mount served by the "lws-java-http" protocol */
	memset(&mount, 0, sizeof(mount));
	mount.mountpoint = "/http";
	mount.mountpoint_len = 5;
	mount.origin = "lws-java-http";
	mount.origin_protocol = LWSMPRO_CALLBACK;
	for (i = 0; i < FZ_APPS; i++) {
		struct fz_app *app = &fz_apps[i];
		struct lws_context_creation_info info, vinfo;
		struct lws_vhost *vh;

		base_info(&info, app, profiles[(i >> 1) & 1].serv_buf);
		info.options |= LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
		app->ctx = lws_create_context(&info);
		if (!app->ctx)
			fz_fail("lws_create_context (server)");
		/* WebSocketServer: the default handler, the HTTP mounts' protocol, then the named ones */
		protocol(app, 0, "lws-java-default");
		protocol(app, 1, "lws-java-http");
		protocol(app, 2, "chat");
		memset(&app->protocols[3], 0, sizeof(app->protocols[3]));
		base_info(&vinfo, app, profiles[(i >> 1) & 1].serv_buf);
		vinfo.options |= LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
		vinfo.port = 0;
		vinfo.iface = "127.0.0.1";
		vinfo.vhost_name = "fuzz";
		vinfo.protocols = app->protocols;
		if (app->deflate)
			vinfo.extensions = lwsj_deflate_extensions();
		vinfo.mounts = &mount;
		vh = lws_create_vhost(app->ctx, &vinfo);
		if (!vh)
			fz_fail("lws_create_vhost");
		app->port = lws_get_vhost_listen_port(vh);
	}
}

void fz_init_client(void)
{
	int i;

	init_common(0);
	for (i = 0; i < FZ_APPS; i++) {
		struct fz_app *app = &fz_apps[i];
		struct lws_context_creation_info info;

		/* WebSocketClient.createContext */
		base_info(&info, app, profiles[(i >> 1) & 1].serv_buf);
		info.port = CONTEXT_PORT_NO_LISTEN;
		info.options |= LWS_SERVER_OPTION_JUST_USE_RAW_ORIGIN;
		protocol(app, 0, "lws-java");
		memset(&app->protocols[1], 0, sizeof(app->protocols[1]));
		info.protocols = app->protocols;
		if (app->deflate)
			info.extensions = lwsj_deflate_extensions();
		info.connect_timeout_secs = 5;
		info.timeout_secs = 5;
		app->ctx = lws_create_context(&info);
		if (!app->ctx)
			fz_fail("lws_create_context (client)");
	}
}

/* ---- per-input I/O ------------------------------------------------------------------------------------ */

void fz_begin(struct fz_app *app, int inline_actions)
{
	memset(&fz, 0, sizeof(fz));
	fz.app = app;
	fz.inline_actions = inline_actions;
	nlive = 0;
	tracking = 1;
}

static const size_t chunk_sizes[16] = { 0, 1, 2, 3, 4, 7, 8, 13, 31, 64, 125, 128, 129, 256, 1000, 4096 };
#define MAX_CHUNKS 512 /* writes per input: keeps a big input trickled byte-wise from taking seconds */

void fz_chunker_init(struct fz_chunker *c, uint8_t pattern, size_t total)
{
	c->max = chunk_sizes[pattern & 15];
	if (!c->max || c->max < total / MAX_CHUNKS + 1)
		c->max = c->max ? total / MAX_CHUNKS + 1 : (total ? total : 1);
	c->random = (pattern >> 4) & 1;
	c->rounds = 1 + ((pattern >> 5) & 3);
	c->rng = 0x9e3779b9u ^ pattern ^ (uint32_t)total;
}

static size_t next_chunk(struct fz_chunker *c, size_t left)
{
	size_t n = c->max;
	if (c->random) {
		c->rng ^= c->rng << 13;
		c->rng ^= c->rng >> 17;
		c->rng ^= c->rng << 5;
		n = 1 + c->rng % c->max;
	}
	return n < left ? n : left;
}

int fz_round(int fd, fz_sink sink, void *opaque)
{
	uint8_t buf[16384];
	ssize_t r;

	lws_service(fz.app->ctx, -1);
	lwsj_dispatch(fz.app->engine); /* what lws_service recorded, as Engine.run reads it */
	if (fz.paused && !--fz.paused && fz.conn)
		lwsj_read(fz.app->engine, fz.conn, 1); /* the application resumes reading */
	if (fd < 0)
		return 0;
	for (;;) {
		r = recv(fd, buf, sizeof(buf), 0);
		if (r > 0) {
			if (sink)
				sink(buf, (size_t)r, opaque);
			fz.events++;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return -1; /* EOF or reset: lws closed the connection */
	}
}

int fz_write(int fd, const uint8_t *buf, size_t len, struct fz_chunker *ch, fz_sink sink, void *opaque)
{
	size_t off = 0;
	int i;

	while (off < len) {
		size_t n = next_chunk(ch, len - off), done = 0;
		int stalls = 0;
		while (done < n) {
			ssize_t w = send(fd, buf + off + done, n - done, MSG_NOSIGNAL);
			if (w > 0)
				done += (size_t)w;
			else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				if (++stalls > 64)
					return -1; /* lws stopped reading (flow control) and the socket is full */
			} else if (!(w < 0 && errno == EINTR))
				return -1;
			if (done < n && fz_round(fd, sink, opaque) < 0)
				return -1;
		}
		off += n;
		for (i = 0; i < ch->rounds; i++)
			if (fz_round(fd, sink, opaque) < 0)
				return -1;
	}
	return 0;
}

void fz_settle(int fd, fz_sink sink, void *opaque)
{
	int idle = 0, i;
	for (i = 0; i < 64 && idle < 3; i++) {
		unsigned before = fz.events;
		if (fz_round(fd, sink, opaque) < 0)
			return;
		idle = fz.events == before && !fz.paused ? idle + 1 : 0;
	}
}

void fz_finish(int fd, int rst)
{
	int i, quiet;

	if (fz.paused && fz.conn)
		lwsj_read(fz.app->engine, fz.conn, 1); /* a paused connection would not see the EOF */
	fz.paused = 0;
	if (fd >= 0) {
		if (rst) {
			struct linger lg = { 1, 0 };
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		close(fd);
	}
	/* lws may need many rounds to wind down (it inflates a deflate backlog one buffer per round): go on while
	 * it calls back, up to 4000 rounds. After 200 silent rounds it waits for a timer (or drains input without
	 * callbacks, after failing a big deflated message): the timer is expired below */
	for (i = 0, quiet = 0; i < 4000 && nlive && quiet < 200; i++) {
		unsigned long before = callbacks;
		fz_round(-1, NULL, NULL);
		quiet = callbacks == before ? quiet + 1 : 0;
	}
	if (nlive && getenv("FUZZ_LINGER_MS")) {
		/* diagnosis: run lws_service(ctx, 0) as lws-java's service thread does, in real time; a connection
		 * that lws neither serves nor closes shows up as a spin (many calls) until its timeout fires */
		lws_usec_t t0 = lws_now_usecs(), limit = atoi(getenv("FUZZ_LINGER_MS")) * 1000LL;
		long calls = 0;
		while (nlive && lws_now_usecs() - t0 < limit) {
			lws_service(fz.app->ctx, 0);
			lwsj_dispatch(fz.app->engine);
			calls++;
		}
		fprintf(stderr, "fuzz: after %lld ms and %ld lws_service(ctx, 0) calls, %d connection(s) left\n",
			(long long)((lws_now_usecs() - t0) / 1000), calls, nlive);
	}
	if (nlive) {
		/* lws still holds a connection whose peer is gone and waits for one of its own timeouts (seen: 5 s in
		 * LRS_FLUSHING_BEFORE_CLOSE after a 403 to a malformed request, spinning in lws_service meanwhile). Expire that timeout now, exactly
		 * as lws would later (LWS_TO_KILL_ASYNC runs its timeout callback), so the next input starts clean.
		 * (LWS_TO_KILL_SYNC does not close a wsi in that state.) FUZZ_STRICT_CLOSE=1 makes it a finding. */
		if (getenv("FUZZ_STRICT_CLOSE"))
			fz_fail("lws kept %d connection(s) after the peer closed", nlive);
		stuck_inputs++;
		for (i = 0; i < nlive; i++)
			lws_set_timeout(live[i], PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		for (i = 0; i < 20 && nlive; i++)
			fz_round(-1, NULL, NULL);
		if (nlive)
			fz_fail("lws kept %d connection(s) even after their timeout expired", nlive);
	}
	tracking = 0;
	for (i = 0; i < nactions; i++)
		free(actions[i].data);
	nactions = 0;
	/* Java keeps a Connection from the accepted upgrade (server) or connect (client) until CLOSED or
	 * CONNECT_ERROR: one that never comes is a connection leaked in Java */
	if (fz.id && !fz.closed && !fz.connect_error)
		fz_fail("connection %lld (opened %d) was never reported closed", fz.id, fz.opened);
}

/* Why a connect to lws's listener failed: errno, this process's open fds and the listener's accept queue as the
 * kernel sees it, so that a harness problem can be told apart from lws not accepting (a full queue) or leaking fds. */
static void connect_failed(int port, int err)
{
	char line[256];
	int fds = 0;
	DIR *d = opendir("/proc/self/fd");
	FILE *f = fopen("/proc/net/tcp", "r");

	while (d && readdir(d))
		fds++;
	if (d)
		closedir(d);
	fprintf(stderr, "fuzz: connect to 127.0.0.1:%d: %s; %d open fds", port, strerror(err),
		fds - 3 /* ".", ".." and the directory's own */);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned lport, st;
		unsigned long queued;
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x %*x:%lx", &lport, &st, &queued) == 3 &&
		    lport == (unsigned)port && st == 0x0a /* LISTEN */)
			fprintf(stderr, "; %lu connection(s) in the listener's accept queue", queued);
	}
	if (f)
		fclose(f);
	fprintf(stderr, "\n");
}

/* Waits up to 5 s for a non-blocking connect to complete, resuming after a signal: 0 or the error. */
static int wait_connected(int fd)
{
	lws_usec_t deadline = lws_now_usecs() + 5 * LWS_US_PER_SEC, left;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int err = 0, n;

	for (;;) {
		left = deadline - lws_now_usecs();
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 0 ? (int)(left / 1000) : 0);
		if (n > 0)
			return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) ? errno : err;
		if (n == 0)
			return ETIMEDOUT;
		if (errno != EINTR)
			return errno;
	}
}

int fz_connect(int port)
{
	static uint32_t next_source;
	struct sockaddr_in sa, src;
	int fd = -1, one = 1, tries, err = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (tries = 0; tries < 8; tries++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
			break;
		}
		/* Each connection from another source address of 127.0.0.0/8 (127.1.0.1 ...): the harness usually
		 * closes first, and some hundred thousand connections a few minutes would otherwise leave every
		 * ephemeral port of 127.0.0.1 in TIME_WAIT (connect: EADDRNOTAVAIL). */
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f010001u + next_source++ % 65000u);
		/* A loopback connect completes in the kernel, before lws accepts; usually within connect() itself,
		 * but on a loaded machine the handshake may finish a moment later. Not a blocking connect():
		 * libFuzzer's SIGALRM (every -timeout/2 + 1 s, installed without SA_RESTART) would interrupt it with
		 * EINTR while the connection is being established. So: non-blocking, then wait for it. */
		if (!bind(fd, (struct sockaddr *)&src, sizeof(src)) &&
		    (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)) || errno == EINPROGRESS)) {
			err = wait_connected(fd);
			break;
		}
		err = errno;
		fprintf(stderr, "fuzz: connect to 127.0.0.1:%d (try %d): %s\n", port, tries + 1, strerror(err));
		close(fd);
		fd = -1;
	}
	if (fd < 0 || err) {
		connect_failed(port, err);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* one chunk, one segment */
	return fd;
}

int fz_listen(int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	*port = ntohs(sa.sin_port);
	return fd;
}
