/*
 * fuzz_server: lws as a SERVER with the lwsj engine; the input is what a client sends over one TCP connection.
 *
 * Input layout:
 *   byte 0  flags: bit 0 permessage-deflate context, bit 1 small profile (max_message 256, rx buffer 128),
 *           bit 2 a fixed, valid request prefix (byte 2 picks it) before the rest, bit 3 mask the rest's frames
 *           on the fly, bit 4 ... with an all-zero masking key, bit 5 close with a reset (else FIN),
 *           bit 6 the application acts inside the event (else at WAKE), bit 7 half-close after the last byte
 *   byte 1  chunking: how the bytes are cut into writes (fz_chunker_init)
 *   byte 2  (with bit 2) which prefix
 *   rest    raw bytes: an HTTP request and frames, or (bit 2) frames / request body
 *
 * A client's frames must be masked (RFC 6455 5.3; lws fails an unmasked one with 1002, patch 0002): with bit 3 the
 * fuzzer writes plain frames and the harness masks them, so mutations of a payload stay meaningful.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
#define UPGRADE "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" KEY

/* Valid requests, so that most inputs spend their bytes on frames. %zu: the length of the rest (bodies). */
static const char *const prefixes[] = {
	"GET /ws HTTP/1.1\r\n" UPGRADE "\r\n",
	"GET /ws HTTP/1.1\r\n" UPGRADE "Sec-WebSocket-Protocol: chat\r\n\r\n",
	"GET /ws HTTP/1.1\r\n" UPGRADE "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
	"GET /ws HTTP/1.1\r\n" UPGRADE "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; "
	"server_no_context_takeover\r\n\r\n",
	"GET /ws HTTP/1.1\r\n" UPGRADE "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10; "
	"client_max_window_bits=9\r\n\r\n",
	"GET /chat?room=1&user=x HTTP/1.1\r\n" UPGRADE "Origin: http://127.0.0.1\r\nSec-WebSocket-Protocol: x, chat\r\n"
	"Sec-WebSocket-Extensions: permessage-deflate\r\nX-Api-Key: k\r\nCookie: a=b\r\n\r\n",
	"GET /http/x?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
	"POST /http/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n\r\n",
	"POST /http/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
	"GET /refuse HTTP/1.1\r\n" UPGRADE "\r\n",
};
#define NPREFIXES (sizeof(prefixes) / sizeof(prefixes[0]))

/* Masks the frames of in (written unmasked by the fuzzer) into out, which has room for 3 * n + 16 bytes.
 * A frame whose MASK bit is already set passes unchanged, with its own key. A truncated frame is masked as
 * far as it goes. */
static size_t mask_frames(const uint8_t *in, size_t n, uint8_t *out, int zero_key)
{
	static const uint8_t fixed_key[4] = { 0x37, 0xfa, 0x21, 0x3d };
	const uint8_t *key = zero_key ? (const uint8_t *)"\0\0\0\0" : fixed_key;
	size_t i = 0, o = 0, hdr, k;
	uint64_t len;

	while (i < n) {
		if (n - i < 2) {
			out[o++] = in[i++];
			break;
		}
		len = in[i + 1] & 0x7f;
		hdr = len == 126 ? 4 : len == 127 ? 10 : 2;
		if (n - i < hdr) { /* cut inside the extended length */
			memcpy(out + o, in + i, n - i);
			return o + (n - i);
		}
		if (len == 126)
			len = ((uint64_t)in[i + 2] << 8) | in[i + 3];
		else if (len == 127)
			for (len = 0, k = 0; k < 8; k++)
				len = (len << 8) | in[i + 2 + k];
		if (in[i + 1] & 0x80) { /* already masked: copy header, key and payload */
			size_t avail = n - i;
			hdr += 4;
			k = len >= avail || hdr + (size_t)len > avail ? avail : hdr + (size_t)len;
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
			continue;
		}
		memcpy(out + o, in + i, hdr);
		out[o + 1] |= 0x80;
		o += hdr;
		i += hdr;
		memcpy(out + o, key, 4);
		o += 4;
		for (k = 0; k < len && i < n; k++)
			out[o++] = in[i++] ^ key[k & 3];
	}
	return o;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init_server();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_input in = { data, size };
	uint8_t flags = fz_byte(&in), pattern = fz_byte(&in);
	struct fz_app *app = fz_app_of(flags);
	struct fz_chunker ch;
	uint8_t *buf;
	size_t n = 0;
	int fd;

	buf = malloc(3 * size + 1024);
	if (flags & 4) {
		const char *pre = prefixes[fz_byte(&in) % NPREFIXES];
		n = (size_t)snprintf((char *)buf, 1024, pre, in.n);
	}
	if (flags & 8)
		n += mask_frames(in.p, in.n, buf + n, flags & 16);
	else {
		memcpy(buf + n, in.p, in.n);
		n += in.n;
	}

	fz_begin(app, flags & 64);
	fd = fz_connect(app->port);
	if (fd < 0)
		fz_fail("cannot connect to the lws server on port %d", app->port);
	fz_chunker_init(&ch, pattern, n);
	if (fz_write(fd, buf, n, &ch, NULL, NULL) == 0) {
		if (flags & 128)
			shutdown(fd, SHUT_WR); /* EOF while lws may still be answering */
		fz_settle(fd, NULL, NULL);
	}
	fz_finish(fd, flags & 32);
	free(buf);
	return 0;
}
