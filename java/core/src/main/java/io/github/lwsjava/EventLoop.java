package io.github.lwsjava;

/**
 * The event loop under lws, chosen per client or server with {@code eventLoop(...)} on its builder. Each service
 * thread runs one loop; only the way it waits for its sockets differs.
 */
public enum EventLoop {
    /**
     * libuv (epoll on Linux, kqueue on macOS): a wake-up costs the same with 10 connections or 20,000, but each
     * message written costs two more system calls (the socket's write interest is turned on and off). A server's
     * default where the native library has it (Linux and macOS).
     */
    LIBUV,
    /**
     * lws's own {@code poll()} loop: each wake-up scans every socket, which is cheapest with a few. A client's
     * default, and everything's on Windows.
     */
    POLL
}
