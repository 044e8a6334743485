/*
 * fuzz_client: lws as a CLIENT with the lwsj engine; the input is what a server answers on one connection.
 *
 * Per input lws connects (as WebSocketClient does) to a listener of the harness on 127.0.0.1, which accepts,
 * reads the handshake request, and answers with the input.
 *
 * Input layout:
 *   byte 0  flags: bit 0 permessage-deflate context, bit 1 small profile (max_message 256, rx buffer 128),
 *           bit 2 the response is the fuzzer's bytes (else a valid 101 built from byte 2), bit 3 close with a
 *           reset (else FIN), bit 4 the application acts inside the event (else at WAKE), bit 5 the client
 *           offers the subprotocol "chat", bit 6 half-close after the last byte
 *   byte 1  chunking: how the bytes are cut into writes (fz_chunker_init)
 *   byte 2  (without bit 2) the 101's variant: bits 0-2 Sec-WebSocket-Extensions, bit 3 Sec-WebSocket-Protocol,
 *           bit 4 a wrong Sec-WebSocket-Accept, bit 5 more headers
 *   rest    frames from the server (after the fuzzer's response up to its blank line, with bit 2)
 *
 * The client's key is random, so a fuzzed response could never carry the right Sec-WebSocket-Accept: the harness
 * replaces "@ACCEPT@" in it with the right value (the dictionary and the seeds have it).
 */
#define _GNU_SOURCE /* strcasestr */
#include "harness.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_fd, listen_port;

/* the handshake request as the harness reads it */
struct request {
	char buf[8192];
	size_t len;
};

static void collect(const uint8_t *data, size_t len, void *opaque)
{
	struct request *r = opaque;
	size_t room = sizeof(r->buf) - 1 - r->len;
	if (len > room)
		len = room;
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	r->buf[r->len] = '\0';
}

/* Sec-WebSocket-Accept for the request's key: base64(SHA-1(key + GUID)) (RFC 6455 4.2.2). */
static void accept_of(const char *req, char out[64])
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char md[EVP_MAX_MD_SIZE], in[128];
	unsigned int mdlen = 0;
	const char *k = strcasestr(req, "\nsec-websocket-key:");
	size_t n = 0;

	strcpy(out, "none");
	if (!k)
		return;
	for (k += 19; *k == ' '; k++)
		;
	while (k[n] && k[n] != '\r' && k[n] != '\n' && n < 64)
		n++;
	memcpy(in, k, n);
	memcpy(in + n, guid, sizeof(guid) - 1);
	if (!EVP_Digest(in, n + sizeof(guid) - 1, md, &mdlen, EVP_sha1(), NULL))
		fz_fail("SHA-1");
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

static const char *const extensions[8] = {
	"",
	"Sec-WebSocket-Extensions: permessage-deflate\r\n",
	"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n",
	"Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n",
	"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=9\r\n",
	"Sec-WebSocket-Extensions: permessage-deflate; unknown_param\r\n",
	"Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n",
	"Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n",
};

/* A valid 101 for the request (variant: byte 2, see above). */
static size_t response_101(char *out, size_t room, uint8_t variant, const char *accept)
{
	return (size_t)snprintf(out, room,
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		"Sec-WebSocket-Accept: %s\r\n%s%s%s\r\n",
		variant & 16 ? "dGhlIHNhbXBsZSBub25jZQ==" : accept, extensions[variant & 7],
		variant & 8 ? "Sec-WebSocket-Protocol: chat\r\n" : "",
		variant & 32 ? "Server: fuzz\r\nSet-Cookie: a=b; Path=/\r\nX-Extra: 1\r\nDate: x\r\n" : "");
}

/* Copies the fuzzer's response, with "@ACCEPT@" replaced by the right accept value. */
static size_t substitute(uint8_t *out, const uint8_t *in, size_t n, const char *accept)
{
	size_t i = 0, o = 0, alen = strlen(accept);
	while (i < n) {
		if (n - i >= 8 && !memcmp(in + i, "@ACCEPT@", 8)) {
			memcpy(out + o, accept, alen);
			o += alen;
			i += 8;
		} else
			out[o++] = in[i++];
	}
	return o;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init_client();
	listen_fd = fz_listen(&listen_port);
	if (listen_fd < 0)
		fz_fail("cannot listen on 127.0.0.1");
	return 0;
}

/* Connections lws made that the harness never took (an input that ended early) would be taken by the next. */
static void drain_backlog(void)
{
	int fd;
	while ((fd = accept(listen_fd, NULL, NULL)) >= 0)
		close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_input in = { data, size };
	uint8_t flags = fz_byte(&in), pattern = fz_byte(&in), variant = 0;
	struct fz_app *app = fz_app_of(flags);
	struct lws_client_connect_info ci;
	struct request *req = calloc(1, sizeof(*req));
	struct fz_chunker ch;
	char acc[64], host[32];
	uint8_t *buf;
	size_t n;
	int fd = -1, i;
	struct lws *wsi;

	if (!(flags & 4))
		variant = fz_byte(&in);
	fz_begin(app, flags & 16);

	/* WebSocketClient.ConnectionBuilder.start */
	snprintf(host, sizeof(host), "127.0.0.1:%d", listen_port);
	memset(&ci, 0, sizeof(ci));
	ci.context = app->ctx;
	ci.address = "127.0.0.1";
	ci.port = listen_port;
	ci.path = "/fuzz?x=1";
	ci.host = host;
	ci.origin = "http://127.0.0.1";
	ci.protocol = flags & 32 ? "chat" : NULL;
	ci.ietf_version_or_minus_one = -1;
	ci.local_protocol_name = "lws-java";
	ci.opaque_user_data = (void *)(intptr_t)fz_new_id();
	/* as lws-java: no redirects (lws 4.3.5 frees the client wsi inside its own redirect path when the new
	 * Location does not resolve; regressions/client/redirect-unresolvable-uaf). FUZZ_FOLLOW_REDIRECTS=1 fuzzes
	 * lws's redirect path all the same. */
	if (!getenv("FUZZ_FOLLOW_REDIRECTS"))
		ci.ssl_connection = LCCSCF_HTTP_NO_FOLLOW_REDIRECT;
	wsi = lws_client_connect_via_info(&ci);
	if (wsi)
		fz_track(wsi);
	else if (!fz.connect_error)
		fz.id = 0; /* lws refused at once: Java fails the connection itself, no event is owed */

	/* accept lws's connection, then read its request up to the blank line */
	for (i = 0; i < 100 && fd < 0 && wsi && !fz.connect_error; i++) {
		fz_round(-1, NULL, NULL);
		fd = accept(listen_fd, NULL, NULL);
	}
	if (fd < 0) {
		if (!fz.connect_error)
			fz_fail("lws did not connect to the harness");
		free(req);
		fz_finish(-1, 0);
		return 0;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 100 && !strstr(req->buf, "\r\n\r\n"); i++)
		if (fz_round(fd, collect, req) < 0)
			break;
	accept_of(req->buf, acc);

	buf = malloc(size + 1024 + 64 * size / 8);
	if (flags & 4)
		n = substitute(buf, in.p, in.n, acc);
	else {
		n = response_101((char *)buf, 1024, variant, acc);
		memcpy(buf + n, in.p, in.n);
		n += in.n;
	}
	fz_chunker_init(&ch, pattern, n);
	if (fz_write(fd, buf, n, &ch, NULL, NULL) == 0) {
		if (flags & 64)
			shutdown(fd, SHUT_WR);
		fz_settle(fd, NULL, NULL);
	}
	fz_finish(fd, flags & 8);
	drain_backlog();
	free(buf);
	free(req);
	return 0;
}
