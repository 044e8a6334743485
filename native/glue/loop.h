/* Private to the engine: the event loop under one engine's lws context (loop.c). */
#ifndef LWSJ_LOOP_H
#define LWSJ_LOOP_H

struct lwsj_loop;

/* A libuv loop for one engine, or NULL (out of memory, or a build without libuv). */
struct lwsj_loop *lwsj_loop_new(void);
/* After the context that ran on it is destroyed (lwsj_context_destroy). */
void lwsj_loop_free(struct lwsj_loop *loop);
/* The uv_loop_t * to lend lws. */
void *lwsj_loop_uv(struct lwsj_loop *loop);
/* One turn: uv_run(UV_RUN_ONCE). */
void lwsj_loop_turn(struct lwsj_loop *loop);
/* Runs the loop until lws has closed every handle it had on it. */
void lwsj_loop_finish(struct lwsj_loop *loop);

#endif
