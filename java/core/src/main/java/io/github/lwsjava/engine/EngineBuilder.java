package io.github.lwsjava.engine;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.github.lwsjava.EventLoop;

/**
 * The settings that the client's and the server's builders share: message and queue limits, permessage-deflate,
 * keep-alive, the idle time-out and where listeners run.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class EngineBuilder<B extends EngineBuilder<B>> {

    private int maxMessageSize = 16 << 20;
    private int fragmentSize = 64 << 10;
    private long maxQueuedBytes = 16L << 20;
    private boolean deflate;
    private Duration pingAfterIdle;
    private Duration hangUpAfter;
    private Duration idleTimeout;
    private Executor executor;
    private int maxPendingCalls = 256;
    private long maxPendingBytes = 16L << 20;
    private boolean jmx;
    private Engine.TcpKeepAlive tcpKeepAlive;
    private EventLoop eventLoop = EventLoop.POLL;

    /** @param idleTimeout the face's default {@link #idleTimeout} (zero: none) */
    protected EngineBuilder(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * The largest message accepted (default 16 MiB); a larger one closes the connection with 1009.
     *
     * @param bytes the limit, 125 or more
     * @return this builder
     * @throws IllegalArgumentException when it is below 125
     */
    public B maxMessageSize(int bytes) {
        if (bytes < 125) {
            throw new IllegalArgumentException("maxMessageSize " + bytes + " is below 125 bytes");
        }
        this.maxMessageSize = bytes;
        return self();
    }

    /**
     * Messages larger than this are sent as several frames (default 64 KiB).
     *
     * @param bytes the largest frame payload, 125 or more
     * @return this builder
     * @throws IllegalArgumentException when it is below 125
     */
    public B fragmentSize(int bytes) {
        if (bytes < 125) {
            throw new IllegalArgumentException("fragmentSize " + bytes + " is below 125 bytes");
        }
        this.fragmentSize = bytes;
        return self();
    }

    /**
     * Bytes a connection may have queued for sending before sends fail with QUEUE_FULL (default 16 MiB); one
     * message larger than this is still sent when nothing else is queued.
     *
     * @param bytes the limit, 1 or more
     * @return this builder
     * @throws IllegalArgumentException when it is not positive
     */
    public B maxQueuedBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive, not " + bytes);
        }
        this.maxQueuedBytes = bytes;
        return self();
    }

    /**
     * permessage-deflate: a client offers it, a server accepts it when offered (off by default).
     *
     * @param enabled whether to use it
     * @return this builder
     */
    public B deflate(boolean enabled) {
        this.deflate = enabled;
        return self();
    }

    /**
     * Keeps connections alive: lws pings a connection that was quiet for a while, and hangs up when nothing valid
     * arrived for longer (off by default).
     *
     * @param pingAfterIdle quiet time before a ping, 1 s or more
     * @param hangUpAfter time without anything valid received before hanging up, longer than pingAfterIdle
     * @return this builder
     * @throws IllegalArgumentException when the times are out of range
     */
    public B keepAlive(Duration pingAfterIdle, Duration hangUpAfter) {
        if (pingAfterIdle == null || pingAfterIdle.toSeconds() < 1 || hangUpAfter == null
                || hangUpAfter.compareTo(pingAfterIdle) <= 0) {
            throw new IllegalArgumentException("keepAlive(" + pingAfterIdle + ", " + hangUpAfter
                    + "): ping time of 1 s or more, hang-up time longer than it");
        }
        this.pingAfterIdle = pingAfterIdle;
        this.hangUpAfter = hangUpAfter;
        return self();
    }

    /**
     * TCP keep-alive on every connection's socket (off by default): after {@code idle} without traffic the kernel
     * sends a probe every {@code interval}, and drops the connection when {@code probes} probes in a row go
     * unanswered, which ends it with 1006. This finds dead peers and keeps NAT and firewall entries alive without
     * WebSocket pings (see {@link #keepAlive} for those). On Linux lws also sets {@code TCP_USER_TIMEOUT} to
     * {@code idle + interval * probes}, so unacknowledged data drops a connection after that long too; on macOS
     * and the BSDs only SO_KEEPALIVE is set and the system's times apply.
     *
     * @param idle quiet time before the first probe, 1 to 32767 s
     * @param interval time between probes, 1 to 32767 s
     * @param probes unanswered probes before the connection is dropped, 1 to 127
     * @return this builder
     * @throws IllegalArgumentException naming a value out of range
     */
    public B tcpKeepAlive(Duration idle, Duration interval, int probes) {
        if (idle == null || idle.toSeconds() < 1 || idle.toSeconds() > 32767 || interval == null
                || interval.toSeconds() < 1 || interval.toSeconds() > 32767 || probes < 1 || probes > 127) {
            throw new IllegalArgumentException("tcpKeepAlive(" + idle + ", " + interval + ", " + probes
                    + "): idle and interval 1 to 32767 s, probes 1 to 127");
        }
        this.tcpKeepAlive = new Engine.TcpKeepAlive((int) idle.toSeconds(), (int) interval.toSeconds(), probes);
        return self();
    }

    /**
     * Closes a connection with 1001 when nothing was received from it or written to it for this long (a server's
     * default is 30 s, a client's none); {@link Duration#ZERO} turns it off. Pongs count as received, so
     * {@link #keepAlive} keeps a connection whose peer answers pings from idling out.
     *
     * @param timeout the idle time before closing; zero for none
     * @return this builder
     * @throws IllegalArgumentException when it is null or negative
     */
    public B idleTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout " + timeout + ": zero (off) or a positive duration");
        }
        this.idleTimeout = timeout;
        return self();
    }

    /**
     * Runs listener callbacks on this executor (in order per connection, never overlapping) instead of the service
     * thread: then they may block, and may wait for this library's futures.
     *
     * @param executor the executor; null for the service thread (default)
     * @return this builder
     */
    public B executor(Executor executor) {
        this.executor = executor;
        return self();
    }

    /**
     * With {@link #executor}: how many listener calls of one connection, and how many bytes of their messages, may
     * wait for the executor (default 256 and 16 MiB). Beyond either, reading from that peer pauses (TCP flow control
     * pushes back on it) until the executor has caught up to half of both; a message already read when reading
     * pauses is still delivered, so the bound may be passed by what one read of the socket held.
     *
     * @param calls the pending calls per connection, 1 or more
     * @param bytes the pending message bytes per connection, 1 or more
     * @return this builder
     * @throws IllegalArgumentException when either is not positive
     */
    public B maxPendingCalls(int calls, long bytes) {
        if (calls < 1 || bytes < 1) {
            throw new IllegalArgumentException("maxPendingCalls(" + calls + ", " + bytes + "): both must be positive");
        }
        this.maxPendingCalls = calls;
        this.maxPendingBytes = bytes;
        return self();
    }

    /**
     * Registers the counters of {@code stats()} as a JMX MXBean ({@link io.github.lwsjava.metrics.EndpointStatsMXBean})
     * in the platform MBean server while it is open (off by default).
     *
     * @param enabled whether to register it
     * @return this builder
     */
    public B jmx(boolean enabled) {
        this.jmx = enabled;
        return self();
    }

    /**
     * The event loop under lws: {@link EventLoop#POLL} (the default) or {@link EventLoop#LIBUV} (Linux).
     * Measured on Linux up to 19,000 connections per process, lws's poll() was as fast as libuv or faster (see
     * {@link EventLoop}).
     *
     * @param loop the loop
     * @return this builder
     * @throws IllegalArgumentException when it is null
     */
    public B eventLoop(EventLoop loop) {
        if (loop == null) {
            throw new IllegalArgumentException("eventLoop null: EventLoop.LIBUV or EventLoop.POLL");
        }
        this.eventLoop = loop;
        return self();
    }

    /** {@return these settings, as the engine takes them} (internal: {@code Engine} is not exported) */
    public Engine.Settings settings() {
        return new Engine.Settings(maxMessageSize, fragmentSize, maxQueuedBytes, executor, deflate, pingAfterIdle,
                hangUpAfter, idleTimeout, maxPendingCalls, maxPendingBytes, jmx, tcpKeepAlive, eventLoop);
    }
}
