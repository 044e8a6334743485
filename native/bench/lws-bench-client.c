/*
 * lws-bench-client: the "native ceiling", the benchmark workloads run by a C client over the same static lws
 * that lws-java wraps. It prints one machine-readable line, the same format the Java harness prints:
 *
 *   RESULT impl=c workload=pingpong tls=0 size=32 n=... secs=... rate=<round trips/s> p50=<us> p99= p999=
 *   RESULT impl=c workload=stream tls=0 size=... window=K n=... secs=... rate=<msgs/s> mbps=<MB/s, 1e6 bytes>
 *   RESULT impl=c workload=conns tls=0 n=... ok=... connect_ms=... echo_ms=... rss_kb_per_conn=... threads=...
 *
 *   lws-bench-client --port P [--host 127.0.0.1] [--tls --ca CA.pem] --mode pingpong|stream|conns
 *                    [--n N] [--warmup W] [--size BYTES] [--window K] [--timeout SECONDS] [--impl NAME]
 *
 * pingpong: one connection, a text message of --size bytes (32), N round trips after W warm-up ones.
 * stream:   one connection, binary messages of --size bytes, K in flight, N echoes timed after W warm-up ones.
 * conns:    N connections opened at once, then one 32-byte echo on each.
 */
#include <libwebsockets.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mode { PINGPONG, STREAM, CONNS };

static struct {
	enum mode mode;
	const char *host, *ca, *impl;
	int port, tls, size, window, timeout, deflate;
	long n, warmup;
} cfg = { PINGPONG, "127.0.0.1", NULL, "c", 0, 0, 32, 16, 120, 0, 10000, 1000 };

/* --deflate: offer permessage-deflate (the server then inflates and deflates every message: CPU-bound) */
static const struct lws_extension deflate_exts[] = {
	{ "permessage-deflate", lws_extension_callback_pm_deflate, "permessage-deflate; client_max_window_bits" },
	{ NULL, NULL, NULL }
};

static struct {
	struct lws_context *context;
	unsigned char *payload;		/* LWS_PRE headroom + cfg.size bytes */
	int done, failed, timed_out;
	/* pingpong / stream */
	long sent, received;		/* whole messages */
	uint64_t t_send, t_start, t_end;
	double *lat_us;			/* pingpong latencies, cfg.n entries */
	/* conns */
	long opened, closed_early, echoed;
	uint64_t t_conn_start, t_all_open, t_echo_start;
	long rss_before_kb;
	lws_sorted_usec_list_t sul_deadline;
} st;

/* per-connection: whether this one has sent its single echo (conns mode) */
struct pss {
	int sent;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static void finish(int failed)
{
	st.done = 1;
	st.failed |= failed;
	lws_cancel_service(st.context);
}

/* "Can the stream workload put another message in flight?" */
static int stream_can_send(void)
{
	long total = cfg.warmup + cfg.n;
	return st.sent < total && st.sent - st.received < cfg.window;
}

static struct lws_protocols protocols[2];

/* conns: every connection is open (or failed): each asks for a WRITEABLE callback and sends its echo there */
static void all_open(void)
{
	st.t_all_open = now_ns();
	st.t_echo_start = st.t_all_open;
	lws_callback_on_writable_all_protocol(st.context, &protocols[0]);
}

static int callback_bench(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct pss *pss = (struct pss *)user;
	int n;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		lwsl_err("connection error: %s\n", in ? (const char *)in : "(null)");
		st.closed_early++;
		if (cfg.mode != CONNS)
			finish(1);
		else if (st.opened + st.closed_early == cfg.n)
			all_open();
		break;

	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		st.opened++;
		if (cfg.mode == CONNS) {
			if (st.opened + st.closed_early == cfg.n)
				all_open();
			break;
		}
		st.t_start = now_ns();
		lws_callback_on_writable(wsi);
		break;

	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (st.done)
			return -1;
		if (cfg.mode == CONNS) {
			if (pss->sent || !st.t_all_open)
				break;
			pss->sent = 1;
			memset(st.payload + LWS_PRE, 'x', 32);	/* refill: the previous write masked it */
			n = lws_write(wsi, st.payload + LWS_PRE, 32, LWS_WRITE_TEXT);
			if (n < 32)
				return -1;
			break;
		}
		if (cfg.mode == STREAM && !stream_can_send())
			break;
		/* One lws_write per WRITEABLE. lws_write() needs LWS_PRE writable bytes before the payload for the
		 * frame header, and a client's lws_write masks the payload IN PLACE: a reused buffer must be
		 * refilled, or the next text message is masked garbage (invalid UTF-8 that a strict server rejects).
		 * Binary content does not matter to the benchmark, so the streaming buffer is reused as it is. */
		if (cfg.mode == PINGPONG) {
			memset(st.payload + LWS_PRE, 'x', (size_t)cfg.size);
			st.t_send = now_ns();
		}
		n = lws_write(wsi, st.payload + LWS_PRE, (size_t)cfg.size,
			      cfg.mode == PINGPONG ? LWS_WRITE_TEXT : LWS_WRITE_BINARY);
		if (n < cfg.size) {
			lwsl_err("write failed\n");
			finish(1);
			return -1;
		}
		st.sent++;
		if (cfg.mode == STREAM && stream_can_send())
			lws_callback_on_writable(wsi);
		break;

	case LWS_CALLBACK_CLIENT_RECEIVE:
		/* A message can arrive in several pieces; it is whole when the final fragment has no payload
		 * left to come (lws_is_final_fragment checks both). */
		if (!lws_is_final_fragment(wsi))
			break;
		st.received++;
		if (cfg.mode == CONNS) {
			st.echoed++;
			if (st.echoed + st.closed_early >= cfg.n)
				finish(0);
			break;
		}
		if (cfg.mode == PINGPONG) {
			uint64_t t = now_ns();
			if (st.received > cfg.warmup)
				st.lat_us[st.received - cfg.warmup - 1] = (double)(t - st.t_send) / 1000.0;
		}
		if (st.received == cfg.warmup)
			st.t_start = now_ns();
		if (st.received == cfg.warmup + cfg.n) {
			st.t_end = now_ns();
			finish(0);
			return -1;	/* closes this connection */
		}
		if (cfg.mode == PINGPONG || stream_can_send())
			lws_callback_on_writable(wsi);
		break;

	case LWS_CALLBACK_CLIENT_CLOSED:
		if (!st.done && cfg.mode != CONNS)
			finish(1);
		break;

	default:
		break;
	}
	return 0;
}

static struct lws_protocols protocols[2] = {
	{ "bench", callback_bench, sizeof(struct pss), 65536, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

static void deadline_cb(lws_sorted_usec_list_t *sul)
{
	st.timed_out = 1;
	finish(1);
}

static int connect_one(void)
{
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof(i));
	i.context = st.context;
	i.address = cfg.host;
	i.port = cfg.port;
	i.path = "/";
	i.host = cfg.host;
	i.origin = cfg.host;
	i.ssl_connection = cfg.tls ? LCCSCF_USE_SSL : 0;
	i.protocol = NULL;		/* no Sec-WebSocket-Protocol header ... */
	i.local_protocol_name = "bench"; /* ... but bind the connection to our protocol */
	return lws_client_connect_via_info(&i) ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, long n, double p)
{
	long k = (long)(p * (double)n + 0.999999) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k];
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	int i, r = 0;
	long k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--tls")) {
			cfg.tls = 1;
			continue;
		}
		if (!strcmp(a, "--deflate")) {
			cfg.deflate = 1;
			continue;
		}
		if (!v)
			goto usage;
		i++;
		if (!strcmp(a, "--port")) cfg.port = atoi(v);
		else if (!strcmp(a, "--host")) cfg.host = v;
		else if (!strcmp(a, "--ca")) cfg.ca = v;
		else if (!strcmp(a, "--impl")) cfg.impl = v;
		else if (!strcmp(a, "--n")) cfg.n = atol(v);
		else if (!strcmp(a, "--warmup")) cfg.warmup = atol(v);
		else if (!strcmp(a, "--size")) cfg.size = atoi(v);
		else if (!strcmp(a, "--window")) cfg.window = atoi(v);
		else if (!strcmp(a, "--timeout")) cfg.timeout = atoi(v);
		else if (!strcmp(a, "--mode")) {
			if (!strcmp(v, "pingpong")) cfg.mode = PINGPONG;
			else if (!strcmp(v, "stream")) cfg.mode = STREAM;
			else if (!strcmp(v, "conns")) cfg.mode = CONNS;
			else goto usage;
		} else
			goto usage;
	}
	if (!cfg.port || cfg.n <= 0 || cfg.size < 1 || cfg.window < 1)
		goto usage;
	if (cfg.mode == CONNS) {
		cfg.size = 32;
		cfg.warmup = 0;
	}

	lws_set_log_level(LLL_ERR, NULL);
	st.payload = calloc(1, LWS_PRE + (size_t)cfg.size);
	memset(st.payload + LWS_PRE, 'x', (size_t)cfg.size);
	if (cfg.deflate) /* text that compresses like prose, not like one repeated byte */
		for (k = 0; k < cfg.size; k++)
			st.payload[LWS_PRE + k] = (unsigned char)("etaoin shrdlu cmfwyp vbgkqj xz"[(k * 7919 + k / 13) % 31]);
	if (cfg.mode == PINGPONG)
		st.lat_us = calloc((size_t)cfg.n, sizeof(double));

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;	/* client only */
	info.protocols = protocols;
	info.pt_serv_buf_size = 65536;
	if (cfg.deflate)
		info.extensions = deflate_exts;
	if (cfg.tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath = cfg.ca;	/* trust the benchmark's self-made CA */
	}
	st.context = lws_create_context(&info);
	if (!st.context) {
		fprintf(stderr, "lws init failed\n");
		return 1;
	}
	st.rss_before_kb = rss_kb();	/* after the context: the per-connection figure excludes lws's fd tables */
	/* bounded run: a timer at the deadline ends the service loop whatever happens */
	lws_sul_schedule(st.context, 0, &st.sul_deadline, deadline_cb, (lws_usec_t)cfg.timeout * LWS_US_PER_SEC);

	st.t_conn_start = now_ns();
	for (k = 0; k < (cfg.mode == CONNS ? cfg.n : 1); k++)
		if (connect_one()) {
			st.closed_early++;
			if (cfg.mode != CONNS)
				finish(1);
		}

	while (!st.done && r >= 0)
		r = lws_service(st.context, 0);

	if (cfg.mode == PINGPONG && !st.failed) {
		double secs = (double)(st.t_end - st.t_start) / 1e9;
		qsort(st.lat_us, (size_t)cfg.n, sizeof(double), cmp_double);
		printf("RESULT impl=%s workload=pingpong tls=%d size=%d n=%ld secs=%.4f rate=%.1f p50=%.2f p99=%.2f "
		       "p999=%.2f\n", cfg.impl, cfg.tls, cfg.size, cfg.n, secs, (double)cfg.n / secs,
		       pct(st.lat_us, cfg.n, 0.50), pct(st.lat_us, cfg.n, 0.99), pct(st.lat_us, cfg.n, 0.999));
	} else if (cfg.mode == STREAM && !st.failed) {
		double secs = (double)(st.t_end - st.t_start) / 1e9;
		printf("RESULT impl=%s workload=stream tls=%d size=%d window=%d n=%ld secs=%.4f rate=%.1f mbps=%.2f\n",
		       cfg.impl, cfg.tls, cfg.size, cfg.window, cfg.n, secs, (double)cfg.n / secs,
		       (double)cfg.n * cfg.size / secs / 1e6);
	} else if (cfg.mode == CONNS && st.t_all_open) {
		long rss = rss_kb();
		printf("RESULT impl=%s workload=conns tls=%d n=%ld ok=%ld connect_ms=%.1f echo_ms=%.1f "
		       "rss_kb_per_conn=%.2f heap_kb_per_conn=0 threads=0\n", cfg.impl, cfg.tls, cfg.n, st.echoed,
		       (double)(st.t_all_open - st.t_conn_start) / 1e6, (double)(now_ns() - st.t_echo_start) / 1e6,
		       (double)(rss - st.rss_before_kb) / (double)cfg.n);
		st.failed = st.echoed != cfg.n;
	} else {
		st.failed = 1;
	}
	if (st.failed)
		fprintf(stderr, "lws-bench-client: %s (received %ld, opened %ld, failed %ld)\n",
			st.timed_out ? "timed out" : "failed", st.received, st.opened, st.closed_early);

	lws_context_destroy(st.context);
	free(st.payload);
	free(st.lat_us);
	return st.failed ? 1 : 0;

usage:
	fprintf(stderr, "usage: %s --port P [--host H] [--tls --ca CA.pem] --mode pingpong|stream|conns [--n N] "
		"[--warmup W] [--size B] [--window K] [--timeout S] [--impl NAME] [--deflate]\n", argv[0]);
	return 2;
}
