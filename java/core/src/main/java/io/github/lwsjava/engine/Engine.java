package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.lws.lws_context;
import io.github.lwsjava.lws.lwsj_engine;

/**
 * One lws context and the one thread that services it: the core under both the client and the server.
 *
 * <p>Only the service thread calls into lws. Other threads hand it work with {@link #execute}, which queues the
 * task and wakes the loop through {@code lws_cancel_service}; on the service thread itself the task runs at once.
 * Connection state that lws can free lives in the C engine; Java keeps ids and the handles the C engine gave,
 * and drops each handle at the CLOSED event, after which nothing touches it.
 */
public final class Engine {

    static final System.Logger LOG = System.getLogger("io.github.lwsjava");
    private static final AtomicLong ENGINE_IDS = new AtomicLong();
    /** Timers (connect time-outs, reconnect delays) for every engine: one daemon thread in all. */
    private static final ScheduledExecutorService TIMERS = newTimers();

    /** Creates the lws context on the service thread. */
    @FunctionalInterface
    public interface ContextFactory {
        /** Returns the new context, or throws with the reason it could not be made. */
        lws_context create(Engine engine);
    }

    /** Server-side events that are not about one open connection. */
    public interface ServerHooks {
        /** An upgrade request (headers readable now): a new connection id, or -status to refuse. */
        long upgrade(Engine engine, long wsi, int protocol);

        /**
         * An HTTP request that lws's mounts gave to protocol (its index; 0 when no callback mount matched): 0 (lws
         * answers 404), 1 (answered with {@link HttpRequests#respond}), 2 (read the body first).
         */
        int http(Engine engine, long wsi, HttpRequests.Head request, int protocol);

        /** The body of a request for which {@link #http} returned 2. */
        void httpBody(Engine engine, long wsi, byte[] body);

        /**
         * A connection of this engine has closed (or failed before it opened), once per connection: after its
         * listener's onClose on the service thread, before its close future completes.
         */
        void closed(Connection connection);
    }

    final long id = ENGINE_IDS.incrementAndGet();
    private final String name;
    private final Settings settings;
    private final ContextFactory factory;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final LongMap<Connection> connections = new LongMap<>();
    private final AtomicLong connectionIds; // shared with siblings: ids are unique among them
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final List<Object> retained = new ArrayList<>();
    final NativeMemory memory = new NativeMemory();
    final Counters counters; // shared with siblings
    private volatile ServerHooks serverHooks;
    private Thread thread;
    private lwsj_engine nativeEngine;
    private lws_context context;
    private volatile boolean running = true;
    private boolean wakeable; // guarded by this: the context exists and may be woken
    // the C engine's two event buffers (lwsj_events_buffer), and a scratch array for received text
    private final ByteBuffer[] events = new ByteBuffer[2];
    private final byte[] text = new byte[LWSJ_INLINE_MAX];
    private boolean readingEvents;

    /** Settings shared by every connection of an engine (see {@link EngineBuilder}). */
    public record Settings(int maxMessageSize, int fragmentSize, long maxQueuedBytes, Executor listenerExecutor,
                           boolean deflate, java.time.Duration pingAfterIdle, java.time.Duration hangUpAfter,
                           java.time.Duration idleTimeout, int maxPendingCalls, long maxPendingBytes, boolean jmx,
                           TcpKeepAlive tcpKeepAlive, io.github.lwsjava.EventLoop eventLoop) {
    }

    /** TCP keep-alive (SO_KEEPALIVE) with its times in seconds and its probe count; null in Settings for none. */
    public record TcpKeepAlive(int idleSeconds, int intervalSeconds, int probes) {
    }

    public Engine(String name, Settings settings, ContextFactory factory) {
        this(name, settings, factory, new AtomicLong(), new Counters());
    }

    private Engine(String name, Settings settings, ContextFactory factory, AtomicLong connectionIds,
                   Counters counters) {
        this.name = name;
        this.settings = settings;
        this.factory = factory;
        this.connectionIds = connectionIds;
        this.counters = counters;
    }

    /**
     * Another engine (its own context and service thread) with these settings, whose connection ids and counters
     * are shared with this one: one server served by several threads. Not started.
     */
    public Engine sibling(String siblingName, ContextFactory siblingFactory) {
        return new Engine(siblingName, settings, siblingFactory, connectionIds, counters);
    }

    /** Starts the service thread and waits until the context exists; throws why it could not be made. */
    public Engine start() {
        NativeEvents.INSTANCE.register(this);
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
        try {
            started.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
        return this;
    }

    /** Keeps native memory that lws points at alive for the context's life. */
    public void retain(Object pointerOrString) {
        retained.add(pointerOrString);
    }

    public Settings settings() {
        return settings;
    }

    public lwsj_engine nativeEngine() {
        return nativeEngine;
    }

    public lws_context context() {
        return context;
    }

    public void serverHooks(ServerHooks hooks) {
        this.serverHooks = hooks;
    }

    public boolean onServiceThread() {
        return Thread.currentThread() == thread;
    }

    /** A new connection id (never 0). */
    public long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /** Runs task on the service thread: now if called there, else queued with a wake-up. */
    public void execute(Runnable task) {
        if (onServiceThread()) {
            task.run();
            return;
        }
        commands.add(task);
        synchronized (this) {
            if (wakeable) {
                lwsj_wake(nativeEngine, context);
                return;
            }
        }
        // the loop has ended (or not started): a task still queued would never run
        if (!running && commands.remove(task)) {
            throw new WebSocketException(WebSocketException.Kind.SHUTDOWN, name + " is closed");
        }
    }

    /** The counters of every connection this engine has had, as they stand now (any thread). */
    public io.github.lwsjava.metrics.EndpointStats stats() {
        return counters.snapshot();
    }

    /** Registers the JMX view of {@link #stats} as type (WebSocketClient, WebSocketServer) until the engine stops. */
    public void registerJmx(String type) {
        counters.register(type, id);
    }

    /** Service thread: registers a connection under its id. */
    public void add(Connection connection) {
        connections.put(connection.id, connection);
    }

    /** Service thread: the connection with this id, or null. */
    public Connection connection(long connectionId) {
        return connections.get(connectionId);
    }

    void remove(Connection connection) {
        connections.remove(connection.id);
    }

    /** Service thread: connection has closed and its listener has heard so; its close future completes next. */
    void closed(Connection connection) {
        if (serverHooks != null) {
            serverHooks.closed(connection);
        }
    }

    /** Service thread: the live connections. */
    public List<Connection> connectionsSnapshot() {
        return connections.values();
    }

    /** Any thread: the open connections, taken on the service thread; empty once the engine has stopped. */
    public List<WebSocket> connections() {
        if (onServiceThread()) {
            return new ArrayList<>(connections.values());
        }
        CompletableFuture<List<WebSocket>> result = new CompletableFuture<>();
        try {
            execute(() -> result.complete(new ArrayList<>(connections.values())));
        } catch (WebSocketException stopped) {
            return List.of();
        }
        return result.orTimeout(5, TimeUnit.SECONDS).join();
    }

    /**
     * Closes every connection with code, waits for their close handshakes up to the grace time, destroys the
     * context and ends the service thread. Safe from any thread, and more than once.
     */
    public void shutdown(int code, long graceMillis) {
        if (!running && stopped.isDone()) {
            return;
        }
        try {
            execute(() -> {
                running = false;
                deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
                for (Connection c : connectionsSnapshot()) {
                    c.closeForShutdown(code);
                }
                // lws_service may wait for an event that never comes: wake the loop when the grace time is up
                TIMERS.schedule(this::wake, graceMillis, TimeUnit.MILLISECONDS);
            });
        } catch (WebSocketException alreadyClosed) {
            return;
        }
        if (!onServiceThread()) {
            stopped.orTimeout(graceMillis + 10_000, TimeUnit.MILLISECONDS).exceptionally(t -> null).join();
        }
    }

    private long deadline;

    private synchronized void wake() {
        if (wakeable) {
            lwsj_wake(nativeEngine, context);
        }
    }

    private void run() {
        try {
            boolean libuv = libuv(settings.eventLoop());
            nativeEngine = lwsj_engine_new(id, NativeEvents.INSTANCE, settings.maxMessageSize(), settings.fragmentSize(),
                    settings.idleTimeout().toMillis(), (settings.deflate() ? LWSJ_CHECK_UTF8 : 0) | (libuv ? LWSJ_LIBUV : 0));
            if (nativeEngine == null || nativeEngine.isNull()) {
                throw new OutOfMemoryError("no memory for the lwsj engine");
            }
            for (int i = 0; i < 2; i++) {
                events[i] = lwsj_events_buffer(nativeEngine, i).capacity(LWSJ_EVENTS_SIZE).asByteBuffer()
                        .order(ByteOrder.nativeOrder());
            }
            context = factory.create(this);
            synchronized (this) {
                wakeable = true;
            }
            started.complete(null);
        } catch (Throwable t) {
            running = false;
            release();
            started.completeExceptionally(t);
            stopped.complete(null);
            return;
        }
        try {
            while (running || (!connections.isEmpty() && System.nanoTime() < deadline)) {
                lwsj_service(nativeEngine, context);
                readEvents();
                drainCommands();
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, name + ": service loop failed", t);
        } finally {
            running = false;
            synchronized (this) {
                wakeable = false;
            }
            // destroying the context delivers CLOSED for every connection still open
            lwsj_context_destroy(nativeEngine, context);
            readEvents();
            for (Connection c : connectionsSnapshot()) {
                c.closed(io.github.lwsjava.WebSocket.ABNORMAL_CLOSURE, "shut down",
                        io.github.lwsjava.WebSocket.ClosedBy.APPLICATION);
            }
            release();
            failQueuedCommands();
            counters.unregister();
            stopped.complete(null);
        }
    }

    /** Whether this engine runs on libuv; refused where the native library has none. */
    private static boolean libuv(io.github.lwsjava.EventLoop loop) {
        if (loop != io.github.lwsjava.EventLoop.LIBUV) {
            return false;
        }
        if (lwsj_has_libuv() == 0) {
            throw new UnsupportedOperationException("EventLoop.LIBUV: this platform's native library ("
                    + org.bytedeco.javacpp.Loader.getPlatform() + ") is built without libuv; use EventLoop.POLL");
        }
        return true;
    }

    private void release() {
        NativeEvents.INSTANCE.unregister(this);
        if (nativeEngine != null) {
            lwsj_engine_free(nativeEngine);
            nativeEngine = null;
        }
        retained.clear();
    }

    private void drainCommands() {
        Runnable task;
        while ((task = commands.poll()) != null) {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, name + ": command failed", t);
            }
        }
    }

    /**
     * Tasks queued after the loop ended: run them, so that their futures fail instead of hanging. Every task
     * checks its handle (0 once closed) or {@link #running()} before it touches lws: the context is gone.
     */
    private void failQueuedCommands() {
        drainCommands();
    }

    /** Whether the service loop still accepts work. */
    public boolean running() {
        return running;
    }

    /**
     * Waits until the service loop has ended (the client or server was closed), at most timeout (null: no
     * limit); whether it has ended. Not on the service thread, which would wait for itself.
     */
    public boolean awaitStopped(java.time.Duration timeout) throws InterruptedException {
        if (onServiceThread()) {
            throw ServiceFuture.blockingOnServiceThread("awaitClose()");
        }
        try {
            if (timeout == null) {
                stopped.get();
            } else {
                stopped.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true; // stopped is only ever completed normally
        }
    }

    /**
     * Service thread: reads the events the C engine recorded since the last call (lwsj.h: records of int32 event,
     * int32 arg, int64 connection id, int64 length, then the payload padded to 8 bytes) and hands each to its
     * connection. No call into Java per event: one call into C per service round.
     */
    void readEvents() {
        if (readingEvents || nativeEngine == null) {
            return; // (not re-entered: the C engine then calls the event in place, LWSJ_EV_DRAIN's contract)
        }
        readingEvents = true;
        try {
            long taken = lwsj_events_take(nativeEngine);
            ByteBuffer records = events[(int) (taken >>> 32)];
            int end = (int) taken;
            for (int at = 0; at < end; ) {
                int event = records.getInt(at);
                int arg = records.getInt(at + 4);
                long conn = records.getLong(at + 8);
                int len = (int) records.getLong(at + 16);
                try {
                    onRecord(event, conn, arg, records, at + LWSJ_RECORD_HEAD, len);
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, name + ": event " + event + " failed", t);
                }
                at += LWSJ_RECORD_HEAD + ((len + 7) & ~7);
            }
        } finally {
            readingEvents = false;
        }
    }

    /** Dispatches one event that the C engine calls in place (service thread, inside lws_service). */
    long onEvent(int event, long conn, long data, long len, int arg) {
        switch (event) {
            case LWSJ_EV_DRAIN:
                readEvents();
                return 0;
            case LWSJ_EV_UPGRADE: {
                long r = serverHooks == null ? 0 : serverHooks.upgrade(this, data, arg);
                if (r <= 0) { // refused
                    counters.handshakeFailed(WebSocketException.Kind.HANDSHAKE);
                }
                return r;
            }
            case LWSJ_EV_HTTP: { // arg: lws's method index (0xff: another) | the protocol's index << 8
                HttpRequests.Head request = serverHooks == null ? null
                        : HttpRequests.read(conn, (byte) arg, new String(memory.copy(data, len), UTF_8));
                return request == null ? 0 : serverHooks.http(this, conn, request, arg >>> 8);
            }
            case LWSJ_EV_HTTP_BODY_DONE:
                if (serverHooks != null) {
                    serverHooks.httpBody(this, conn, memory.copy(data, len));
                }
                return 0;
            case LWSJ_EV_CLIENT_HEADERS: {
                Connection c = connections.get(conn);
                if (c != null) {
                    c.appendHeaders(data, len);
                }
                return 0;
            }
            case LWSJ_EV_CLIENT_REFUSED: {
                Connection c = connections.get(conn);
                if (c != null) {
                    c.refused(arg, data);
                }
                return 0;
            }
            case LWSJ_EV_MESSAGE: { // a large message, handed over in place: one copy, straight into its array
                Connection c = connections.get(conn);
                if (c != null) {
                    c.message(memory.copy(data, len), arg);
                }
                return 0;
            }
            default: // a recorded kind handed over in place (a record that found no room)
                onRecord(event, conn, arg, memory.view(data, len), 0, (int) len);
                return 0;
        }
    }

    /** One recorded event: its payload is len bytes of records from at. */
    private void onRecord(int event, long conn, int arg, ByteBuffer records, int at, int len) {
        if (event == LWSJ_EV_WAKE) {
            return; // the commands run after each service round anyway
        }
        Connection c = connections.get(conn);
        if (c == null) {
            if (event == LWSJ_EV_OPEN) { // opened after its connect timed out or was abandoned: close it
                lwsj_close(nativeEngine, conn, io.github.lwsjava.WebSocket.GOING_AWAY, "abandoned");
            }
            return;
        }
        switch (event) {
            case LWSJ_EV_OPEN -> {
                int nul = at;
                while (nul < at + len && records.get(nul) != 0) {
                    nul++;
                }
                c.opened(text(records, at, nul - at), text(records, nul + 1, at + len - nul - 1), arg);
            }
            case LWSJ_EV_MESSAGE -> c.message(records, at, len, arg);
            case LWSJ_EV_PONG -> c.pong(bytes(records, at, len));
            case LWSJ_EV_WRITTEN -> c.written(arg);
            // arg: the code | enum lwsj_closed_by << 16 (the enum's order is WebSocket.ClosedBy's)
            case LWSJ_EV_CLOSED -> c.closed(arg & 0xffff, text(records, at, len),
                    io.github.lwsjava.WebSocket.ClosedBy.values()[arg >>> 16]);
            case LWSJ_EV_CONNECT_ERROR -> c.connectFailed(text(records, at, len));
            default -> { }
        }
    }

    /** UTF-8 text of len bytes at at: through a scratch array, so that only the String is allocated. */
    String text(ByteBuffer records, int at, int len) {
        if (len <= 0) {
            return "";
        }
        byte[] scratch = len <= text.length ? text : new byte[len];
        records.get(at, scratch, 0, len);
        return new String(scratch, 0, len, UTF_8);
    }

    /** A copy of len bytes at at. */
    static byte[] bytes(ByteBuffer records, int at, int len) {
        byte[] copy = new byte[len];
        records.get(at, copy, 0, len);
        return copy;
    }

    /** Service thread: queues a message for connection id in the C engine; its queued bytes, or -1 if closed. */
    long send(long connection, byte[] data, ByteBuffer direct, int length, int kind) {
        return direct != null ? lwsj_send(nativeEngine, connection, direct, length, kind)
                : lwsj_send(nativeEngine, connection, data, length, kind);
    }

    /**
     * Any thread but the service thread: hands a message for connection id to the C engine, which queues it on
     * the service thread after everything sent before; false when the engine has stopped.
     */
    boolean post(long connection, byte[] data, ByteBuffer direct, int length, int kind) {
        synchronized (this) {
            if (!wakeable) {
                return false;
            }
            int r = direct != null ? lwsj_post(nativeEngine, context, connection, direct, length, kind)
                    : lwsj_post(nativeEngine, context, connection, data, length, kind);
            if (r != 0) {
                throw new OutOfMemoryError("no native memory for a message of " + length + " bytes");
            }
            return true;
        }
    }

    /** Service thread: closes connection id after its queued messages. */
    void close(long connection, int code, String reason) {
        lwsj_close(nativeEngine, connection, code, reason);
    }

    /** Service thread: pauses or resumes reading from connection id. */
    void read(long connection, boolean enable) {
        lwsj_read(nativeEngine, connection, enable ? 1 : 0);
    }

    /** The shared timer thread; tasks must hand lws work to an engine with {@link #execute}. */
    public static ScheduledExecutorService timers() {
        return TIMERS;
    }

    private static ScheduledExecutorService newTimers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lws-java-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }
}
