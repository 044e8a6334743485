/*
 * libuv under lws, lent as a "foreign" loop (lws_context_creation_info.foreign_loops).
 *
 * lws's own loop is poll(), which scans every descriptor at each wake-up; with LWS_SERVER_OPTION_LIBUV lws
 * registers one uv_poll_t per socket (epoll on Linux, kqueue on macOS) and its timers as uv timers. Measured up
 * to 19,000 connections per process, poll() was as fast or faster (docs/performance.md "Event loops"), so libuv
 * is the opt-in EventLoop.LIBUV. Two rules of lws shape this file:
 *   - lws_service() on a libuv context runs the loop with UV_RUN_DEFAULT, that is until lws stops it: the engine
 *     must get control back after each wake-up to hand the recorded events over, so it runs the loop itself, one
 *     UV_RUN_ONCE turn at a time (lws's idle handle keeps a turn from blocking while lws has work pending);
 *   - a foreign loop outlives the context: lws_context_destroy() only starts closing lws's handles, and the loop
 *     must run on until their close callbacks have freed the context, before uv_loop_close().
 * lws installs no signal handlers on a foreign loop (the JVM's SIGSEGV handling stays untouched).
 */
#include <stdlib.h>

#include "loop.h"

#if defined(LWSJ_WITH_LIBUV)
#include <uv.h>

struct lwsj_loop {
	uv_loop_t uv;
};

struct lwsj_loop *lwsj_loop_new(void)
{
	struct lwsj_loop *loop = calloc(1, sizeof(*loop));
	if (loop && uv_loop_init(&loop->uv)) {
		free(loop);
		return NULL;
	}
	return loop;
}

void lwsj_loop_free(struct lwsj_loop *loop)
{
	if (!loop)
		return;
	lwsj_loop_finish(loop);
	uv_loop_close(&loop->uv);
	free(loop);
}

void *lwsj_loop_uv(struct lwsj_loop *loop)
{
	return &loop->uv;
}

void lwsj_loop_turn(struct lwsj_loop *loop)
{
	uv_run(&loop->uv, UV_RUN_ONCE);
}

void lwsj_loop_finish(struct lwsj_loop *loop)
{
	/* returns when no handle is active or closing: lws's last close callback has run */
	uv_run(&loop->uv, UV_RUN_DEFAULT);
}

#else /* a build without libuv: every engine runs lws's poll() loop */

struct lwsj_loop *lwsj_loop_new(void) { return NULL; }
void lwsj_loop_free(struct lwsj_loop *loop) { (void)loop; }
void *lwsj_loop_uv(struct lwsj_loop *loop) { (void)loop; return NULL; }
void lwsj_loop_turn(struct lwsj_loop *loop) { (void)loop; }
void lwsj_loop_finish(struct lwsj_loop *loop) { (void)loop; }

#endif
