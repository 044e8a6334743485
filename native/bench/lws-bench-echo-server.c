/*
 * lws-bench-echo-server: a fast WebSocket echo server over the project's static lws, for benchmarks.
 *
 *   lws-bench-echo-server [-p PORT] [--tls CERT.pem KEY.pem] [--rx BYTES]
 *
 * Echoes every text and binary message on any path and any (or no) subprotocol. Prints "READY <port>" once it
 * listens, and runs until SIGINT/SIGTERM. Loopback only (127.0.0.1). No permessage-deflate is offered, so every
 * client exchanges plain frames.
 *
 * It follows the lws minimal echo example: what arrives is echoed piece by piece, each piece written as a frame
 * with the same first/final flags, so message boundaries survive without reassembling whole messages.
 */
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pause reading from a client whose echoes pile up past this many bytes; resume below half of it. */
#define QUEUE_HIGH (4u << 20)

struct piece {
	struct piece *next;
	size_t len;
	int flags;		 /* lws_write_protocol: kind + FIN / continuation bits */
	unsigned char buf[];	 /* LWS_PRE bytes of headroom, then the payload */
};

/* per-session data: lws allocates and zeroes per_session_data_size bytes for each connection */
struct pss {
	struct piece *head, *tail;
	size_t queued;
	int paused;
};

static volatile int interrupted;

static void free_queue(struct pss *pss)
{
	while (pss->head) {
		struct piece *p = pss->head;
		pss->head = p->next;
		free(p);
	}
	pss->tail = NULL;
	pss->queued = 0;
}

static int callback_echo(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct pss *pss = (struct pss *)user;
	struct piece *p;
	int n;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(pss, 0, sizeof(*pss));
		break;

	case LWS_CALLBACK_RECEIVE:
		/* "in" is only valid during this callback: copy it behind LWS_PRE bytes of headroom, which lws_write
		 * needs in front of the payload to build the frame header in place. */
		p = malloc(sizeof(*p) + LWS_PRE + len);
		if (!p)
			return -1;
		memcpy(p->buf + LWS_PRE, in, len);
		p->len = len;
		p->next = NULL;
		/* A message may arrive in several pieces (frames, or parts of a frame larger than rx_buffer_size).
		 * lws_write_ws_flags() turns "first piece / last piece" into TEXT|BINARY|CONTINUATION + NO_FIN bits,
		 * so the echo is the same message, possibly split differently. */
		p->flags = lws_write_ws_flags(lws_frame_is_binary(wsi) ? LWS_WRITE_BINARY : LWS_WRITE_TEXT,
					      lws_is_first_fragment(wsi), lws_is_final_fragment(wsi));
		if (pss->tail)
			pss->tail->next = p;
		else
			pss->head = p;
		pss->tail = p;
		pss->queued += len;
		/* Back-pressure: stop reading this client while its echoes are not draining. */
		if (!pss->paused && pss->queued > QUEUE_HIGH) {
			pss->paused = 1;
			lws_rx_flow_control(wsi, 0);
		}
		/* The lws rule: never write here, ask for a WRITEABLE callback and write there. */
		lws_callback_on_writable(wsi);
		break;

	case LWS_CALLBACK_SERVER_WRITEABLE:
		p = pss->head;
		if (!p)
			break;
		/* One lws_write per WRITEABLE callback. If the kernel takes only part of it, lws keeps the rest and
		 * sends it itself before it calls WRITEABLE again, so a short write is not an error here. */
		n = lws_write(wsi, p->buf + LWS_PRE, p->len, (enum lws_write_protocol)p->flags);
		if (n < (int)p->len) {
			lwsl_err("echo: write failed\n");
			return -1;
		}
		pss->head = p->next;
		if (!pss->head)
			pss->tail = NULL;
		pss->queued -= p->len;
		free(p);
		if (pss->paused && pss->queued < QUEUE_HIGH / 2) {
			pss->paused = 0;
			lws_rx_flow_control(wsi, 1);
		}
		if (pss->head)
			lws_callback_on_writable(wsi);
		break;

	case LWS_CALLBACK_CLOSED:
		free_queue(pss);
		break;

	default:
		break;
	}

	/* everything else (HTTP, handshake housekeeping) gets lws's default handling */
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* The first protocol also takes connections that ask for no subprotocol (and plain HTTP requests). */
static struct lws_protocols protocols[] = {
	{ "echo", callback_echo, sizeof(struct pss), 65536, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

static void sigint_handler(int sig)
{
	interrupted = 1;
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_vhost *vh;
	const char *cert = NULL, *key = NULL;
	int port = 7681, n = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tls") && i + 2 < argc) {
			cert = argv[++i];
			key = argv[++i];
		} else if (!strcmp(argv[i], "--rx") && i + 1 < argc)
			protocols[0].rx_buffer_size = (size_t)atol(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [-p PORT] [--tls CERT KEY] [--rx BYTES]\n", argv[0]);
			return 2;
		}
	}

	signal(SIGINT, sigint_handler);
	signal(SIGTERM, sigint_handler);
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.vhost_name = "localhost";
	/* lws reads into a per-thread buffer of this size before it hands data to the protocol */
	info.pt_serv_buf_size = 65536;
	if (cert) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cert;
		info.ssl_private_key_filepath = key;
	}

	context = lws_create_context(&info);
	if (!context) {
		fprintf(stderr, "lws init failed\n");
		return 1;
	}
	vh = lws_get_vhost_by_name(context, "localhost");
	printf("READY %d\n", vh ? lws_get_vhost_listen_port(vh) : port);
	fflush(stdout);

	while (n >= 0 && !interrupted)
		n = lws_service(context, 0);

	lws_context_destroy(context);
	return 0;
}
