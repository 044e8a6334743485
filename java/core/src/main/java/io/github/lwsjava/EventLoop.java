package io.github.lwsjava;

/**
 * The event loop under lws, chosen per client or server with {@code eventLoop(...)} on its builder. Each service
 * thread runs one loop; only the way it waits for its sockets differs.
 *
 * <p>Measured on Linux (docs/performance.md, "Event loops"): up to 19,000 connections per process, lws's poll()
 * was as fast as libuv or faster: equal when opening them and on a ping-pong beside 10,000 idle ones, about 1.5
 * times faster when all of them echo or receive a broadcast (libuv turns each socket's write interest on and off
 * with a system call per message). Hence the default, {@link #POLL}.
 */
public enum EventLoop {
    /** lws's own {@code poll()} loop (WSAPoll on Windows): the default, on every platform. */
    POLL,
    /**
     * libuv 1.50 (epoll), lent to lws: a wake-up costs the same whatever the number of sockets. Linux only so far:
     * on macOS and Windows a client or server built with it fails to start with an
     * {@link UnsupportedOperationException}.
     */
    LIBUV
}
