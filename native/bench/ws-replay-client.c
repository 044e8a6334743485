/*
 * ws-replay-client: a load generator that costs its machine almost nothing, for measuring how a WebSocket echo
 * server with permessage-deflate uses the cores (issue 17, scripts/bench-threads.sh --replay).
 *
 * It negotiates permessage-deflate with no context takeover on either side (RFC 7692 7.1.1), so every message is
 * compressed on its own: the client compresses one message once, at start, and then replays the same masked frame
 * bytes; the server still inflates each one and deflates each echo. The echoes are only counted (their frame
 * headers parsed), never inflated. Loopback only; plain ws; one thread, poll() over K connections, each with W
 * messages in flight.
 *
 *   ws-replay-client --port P [--host 127.0.0.1] [--conns K] [--n N] [--warmup W] [--size BYTES] [--window W]
 *                    [--timeout SECONDS]
 *
 * Prints: RESULT impl=replay workload=deflate-echo conns=K size=S n=N secs=... rate=<echoes/s> cpu_s=<this
 * process's user+system CPU seconds during the timed part>
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_CONNS 64

static struct {
	const char *host;
	int port, conns, size, window, timeout;
	long n, warmup;
} cfg = { "127.0.0.1", 0, 4, 4096, 16, 120, 20000, 2000 };

struct conn {
	int fd;
	long sent, received; /* echoes, this connection */
	unsigned char in[1 << 17];
	size_t in_len;
};

static struct conn conns[MAX_CONNS];
static unsigned char *frame; /* one masked, compressed binary frame */
static size_t frame_len;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
	       (double)u.ru_stime.tv_usec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "ws-replay-client: %s\n", what);
	exit(1);
}

/* The message, compressed alone (raw deflate, sync flush, its 00 00 ff ff tail removed: RFC 7692 7.2.1), framed
 * as one binary frame with RSV1 set and masked with a fixed key. */
static void make_frame(void)
{
	unsigned char *msg = malloc((size_t)cfg.size), *z = malloc((size_t)cfg.size * 2 + 64), *p;
	const unsigned char key[4] = { 0x37, 0xfa, 0x21, 0x3d };
	z_stream s;
	size_t zlen, i;

	/* text that compresses like prose (the same as lws-bench-client --deflate) */
	for (i = 0; i < (size_t)cfg.size; i++)
		msg[i] = (unsigned char)("etaoin shrdlu cmfwyp vbgkqj xz"[(i * 7919 + i / 13) % 31]);
	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	s.next_in = msg;
	s.avail_in = (uInt)cfg.size;
	s.next_out = z;
	s.avail_out = (uInt)(cfg.size * 2 + 64);
	if (deflate(&s, Z_SYNC_FLUSH) != Z_OK || s.avail_in)
		die("deflate");
	zlen = (size_t)(s.next_out - z) - 4;
	deflateEnd(&s);

	frame = malloc(zlen + 14);
	p = frame;
	*p++ = 0x80 | 0x40 | 0x02; /* FIN, RSV1 (compressed), binary */
	if (zlen < 126) {
		*p++ = (unsigned char)(0x80 | zlen);
	} else if (zlen < 65536) {
		*p++ = 0x80 | 126;
		*p++ = (unsigned char)(zlen >> 8);
		*p++ = (unsigned char)zlen;
	} else {
		die("--size compresses to 64 KiB or more");
	}
	memcpy(p, key, 4);
	p += 4;
	for (i = 0; i < zlen; i++)
		*p++ = z[i] ^ key[i & 3];
	frame_len = (size_t)(p - frame);
	free(msg);
	free(z);
}

static int connect_one(void)
{
	struct sockaddr_in a;
	char req[512], resp[4096];
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	ssize_t r;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)cfg.port);
	if (fd < 0 || inet_pton(AF_INET, cfg.host, &a.sin_addr) != 1 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect failed");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	snprintf(req, sizeof(req),
		 "GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
		 "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; "
		 "server_no_context_takeover\r\n\r\n",
		 cfg.host, cfg.port);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		die("handshake write");
	while (got < sizeof(resp) - 1) {
		r = read(fd, resp + got, sizeof(resp) - 1 - got);
		if (r <= 0)
			die("handshake: the server hung up");
		got += (size_t)r;
		resp[got] = '\0';
		if (strstr(resp, "\r\n\r\n"))
			break;
	}
	if (strncmp(resp, "HTTP/1.1 101", 12))
		die("handshake: no 101");
	if (!strstr(resp, "permessage-deflate") || !strstr(resp, "server_no_context_takeover"))
		die("handshake: the server did not agree to permessage-deflate without context takeover");
	if (strstr(resp, "\r\n\r\n") + 4 != resp + got)
		die("handshake: data after the response");
	return fd;
}

/* Counts the whole frames at the start of c->in as echoes (a close or a fragment is a failure). */
static void take_echoes(struct conn *c)
{
	size_t at = 0;

	for (;;) {
		size_t avail = c->in_len - at, hdr = 2, len;
		unsigned char *p = c->in + at;

		if (avail < 2)
			break;
		if ((p[0] & 0x0f) == 0x08)
			die("the server closed the connection");
		if ((p[0] & 0x8f) != 0x82)
			die("an echo that is not one whole binary frame");
		len = p[1] & 0x7f;
		if (len == 126) {
			if (avail < 4)
				break;
			len = (size_t)p[2] << 8 | p[3];
			hdr = 4;
		} else if (len == 127) {
			die("an echo of 64 KiB or more");
		}
		if (avail < hdr + len)
			break;
		at += hdr + len;
		c->received++;
	}
	memmove(c->in, c->in + at, c->in_len - at);
	c->in_len -= at;
}

/* Runs until every connection has received target echoes; returns 0, or -1 on the time-out. */
static int run(long target, double deadline)
{
	struct pollfd pf[MAX_CONNS];
	unsigned char *out = malloc(frame_len * (size_t)cfg.window);
	int i, done;

	for (i = 0; i < cfg.window; i++)
		memcpy(out + (size_t)i * frame_len, frame, frame_len);
	for (;;) {
		done = 0;
		for (i = 0; i < cfg.conns; i++) {
			struct conn *c = &conns[i];
			long room = cfg.window - (c->sent - c->received), left = target - c->sent;

			if (c->received >= target)
				done++;
			if (room > left)
				room = left;
			if (room > 0) { /* a short write of whole frames is all we ask; blocking sockets */
				ssize_t w = write(c->fd, out, (size_t)room * frame_len);
				if (w != (ssize_t)((size_t)room * frame_len))
					die("short write");
				c->sent += room;
			}
			pf[i].fd = c->fd;
			pf[i].events = POLLIN;
		}
		if (done == cfg.conns)
			break;
		if (now_s() > deadline) {
			free(out);
			return -1;
		}
		if (poll(pf, (nfds_t)cfg.conns, 1000) < 0 && errno != EINTR)
			die("poll");
		for (i = 0; i < cfg.conns; i++) {
			struct conn *c = &conns[i];
			ssize_t r;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
			if (r <= 0)
				die("the server hung up");
			c->in_len += (size_t)r;
			take_echoes(c);
		}
	}
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	double t0, t1, c0, c1;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			goto usage;
		if (!strcmp(a, "--port"))
			cfg.port = atoi(v);
		else if (!strcmp(a, "--host"))
			cfg.host = v;
		else if (!strcmp(a, "--conns"))
			cfg.conns = atoi(v);
		else if (!strcmp(a, "--n"))
			cfg.n = atol(v);
		else if (!strcmp(a, "--warmup"))
			cfg.warmup = atol(v);
		else if (!strcmp(a, "--size"))
			cfg.size = atoi(v);
		else if (!strcmp(a, "--window"))
			cfg.window = atoi(v);
		else if (!strcmp(a, "--timeout"))
			cfg.timeout = atoi(v);
		else
			goto usage;
		i++;
	}
	if (cfg.port <= 0 || cfg.conns < 1 || cfg.conns > MAX_CONNS || cfg.size < 1 || cfg.window < 1 || cfg.n < 1)
		goto usage;
	/* the window's frames must fit the receive buffer as echoes of the same size, at worst uncompressed */
	if ((size_t)cfg.window * ((size_t)cfg.size + 14) > sizeof(conns[0].in))
		die("--window x --size is over 128 KiB");
	make_frame();
	for (i = 0; i < cfg.conns; i++)
		conns[i].fd = connect_one();

	t0 = now_s();
	if (run(cfg.warmup, t0 + cfg.timeout))
		die("timed out in the warm-up");
	t0 = now_s();
	c0 = cpu_s();
	if (run(cfg.warmup + cfg.n, t0 + cfg.timeout))
		die("timed out");
	t1 = now_s();
	c1 = cpu_s();
	printf("RESULT impl=replay workload=deflate-echo conns=%d size=%d n=%ld secs=%.3f rate=%.0f cpu_s=%.2f\n",
	       cfg.conns, cfg.size, cfg.n * cfg.conns, t1 - t0, (double)(cfg.n * cfg.conns) / (t1 - t0), c1 - c0);
	return 0;

usage:
	fprintf(stderr, "usage: %s --port P [--host H] [--conns K (1-%d)] [--n N] [--warmup W] [--size B] "
		"[--window W] [--timeout S]\n", argv[0], MAX_CONNS);
	return 2;
}
