package io.github.lwsjava.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.engine.ClientContext;
import io.github.lwsjava.engine.Connection;
import io.github.lwsjava.engine.Engine;
import io.github.lwsjava.engine.EngineBuilder;
import io.github.lwsjava.engine.Lws;
import io.github.lwsjava.engine.Rfc6455;
import io.github.lwsjava.engine.ServiceFuture;
import io.github.lwsjava.metrics.EndpointStats;
import io.github.lwsjava.tls.TlsOptions;

/**
 * A WebSocket client: one lws context and one service thread, shared by all its connections. Its methods are safe
 * from any thread; listeners run on the service thread, or on the builder's executor if given.
 *
 * <pre>{@code
 * try (WebSocketClient client = WebSocketClient.create()) {
 *     WebSocket ws = client.connect("ws://127.0.0.1:8080/echo", listener).join();
 *     ws.sendText("hello");
 * }
 * }</pre>
 */
public final class WebSocketClient implements AutoCloseable {

    private final Builder config;
    private final Engine engine;
    private final ClientContext context;
    /** Reconnecting connections, told to stop when the client closes. */
    private final java.util.Set<ReconnectingWebSocket> reconnecting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private WebSocketClient(Builder config) {
        this.config = config;
        Lws.init();
        this.context = new ClientContext(config.tls, config.connectTimeout, route(config.proxy));
        this.engine = new Engine("lws-java-client", config.settings(), context).start();
        if (config.settings().jmx()) {
            engine.registerJmx("WebSocketClient");
        }
    }

    /** {@return a client with the default settings, its service thread started} */
    public static WebSocketClient create() {
        return builder().build();
    }

    /** {@return a builder with the defaults: no TLS options (the system's CAs), 10 s connect time-out} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the version of the libwebsockets inside, e.g. "4.3.5-unknown"} */
    public static String libraryVersion() {
        return Lws.version();
    }

    /**
     * Connects to a URL.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @param listener receives the connection's events (on the service thread, or the builder's executor)
     * @return completes when the handshake is done, or fails with a {@link WebSocketException} naming host and port
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    public CompletableFuture<WebSocket> connect(String url, WebSocket.Listener listener) {
        return newConnection(url).connect(listener);
    }

    /**
     * Connects in pull style: take received messages with {@link WebSocket#receive}.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @return completes when the handshake is done, or fails with a {@link WebSocketException}
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    public CompletableFuture<WebSocket> connect(String url) {
        return newConnection(url).connect(null);
    }

    /**
     * Starts a connection with per-connection options (headers, subprotocols, origin, time-out, reconnecting).
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @return the connection's builder; {@link ConnectionBuilder#connect} connects
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    public ConnectionBuilder newConnection(String url) {
        return new ConnectionBuilder(WebSocketUrl.parse(url));
    }

    /** lws 4.3.5 writes "CONNECT ::1:443": an IPv6 literal cannot go through an HTTP proxy. */
    private static void checkReachable(Proxy proxy, WebSocketUrl url) {
        if (proxy.type() == Proxy.Type.HTTP && url.host().contains(":")) {
            throw new IllegalArgumentException("cannot reach " + url.hostAndPort() + " through " + proxy
                    + ": libwebsockets cannot send CONNECT for an IPv6 literal (use a host name, or Proxy.NONE)");
        }
    }

    /** {@return the open and connecting connections (empty once the client is closed)} */
    public List<WebSocket> connections() {
        return engine.connections();
    }

    /** {@return the counters of this client's connections since it was built (any thread)} */
    public EndpointStats stats() {
        return engine.stats();
    }

    /** Closes every connection with 1000 (normal closure) and waits up to five seconds for them. */
    public void closeAll() {
        List<CompletableFuture<WebSocket>> closing = new ArrayList<>();
        for (WebSocket ws : connections()) {
            closing.add(ws.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // what did not close in time is closed by close()
        }
    }

    /** Closes every connection (1001, going away), then the context and its thread. */
    @Override
    public void close() {
        closing = true;
        for (ReconnectingWebSocket r : reconnecting) {
            r.clientClosing();
        }
        engine.shutdown(WebSocket.GOING_AWAY, 2000);
    }

    /**
     * Waits until the client is closed (by {@link #close()} from another thread or a listener): the service
     * thread is a daemon thread, so a {@code main} that only talks through listeners waits here.
     *
     * @throws IllegalStateException on the service thread (in a listener without an executor), where it would
     *         wait for itself
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitClose() throws InterruptedException {
        engine.awaitStopped(null);
    }

    /**
     * Waits until the client is closed, as {@link #awaitClose()} does, up to a time limit.
     *
     * @param timeout the longest wait
     * @return whether the client is closed
     * @throws IllegalStateException on the service thread
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitClose(Duration timeout) throws InterruptedException {
        return engine.awaitStopped(java.util.Objects.requireNonNull(timeout, "timeout"));
    }

    /** The engine's form of a proxy: null for a direct connection. */
    private static ClientContext.ProxyRoute route(Proxy proxy) {
        if (proxy.type() == Proxy.Type.DIRECT) {
            return null;
        }
        String credentials = proxy.user() == null ? "" : proxy.user() + ":" + proxy.password() + "@";
        return new ClientContext.ProxyRoute(proxy.type() == Proxy.Type.SOCKS5, credentials + proxy.address(),
                proxy.toString());
    }

    boolean register(ReconnectingWebSocket ws) {
        reconnecting.add(ws);
        if (closing || !engine.running()) {
            reconnecting.remove(ws);
            return false;
        }
        return true;
    }

    void forget(ReconnectingWebSocket ws) {
        reconnecting.remove(ws);
    }

    /** An id from the sequence of this client's connections, for a {@link ReconnectingWebSocket}. */
    long nextId() {
        return engine.nextConnectionId();
    }

    boolean onServiceThread() {
        return engine.onServiceThread();
    }

    /**
     * Where this client's listeners run: its executor, or else its service thread (at once when called there). A
     * {@link ReconnectingWebSocket} runs its state machine and its listener's callbacks here, one at a time. Once
     * the client is closed, a task runs on the calling thread.
     */
    java.util.concurrent.Executor listenerThread() {
        java.util.concurrent.Executor executor = engine.settings().listenerExecutor();
        if (executor != null) {
            return executor;
        }
        return task -> {
            try {
                engine.execute(task);
            } catch (WebSocketException stopped) {
                task.run(); // the service thread is gone: nothing else can run concurrently with this any more
            }
        };
    }

    /** A future that refuses to be waited for on the service thread (see {@link ServiceFuture}). */
    <T> CompletableFuture<T> newFuture() {
        return new ServiceFuture<>(engine);
    }

    /** Per-connection options. */
    public final class ConnectionBuilder {
        private final WebSocketUrl url;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private String origin;
        private Duration connectTimeout = config.connectTimeout;
        private ReconnectPolicy reconnect;
        private Proxy proxy = config.proxy;

        private ConnectionBuilder(WebSocketUrl url) {
            this.url = url;
        }

        /**
         * Adds a handshake header, e.g. Authorization.
         *
         * @param name the header's name (an HTTP token)
         * @param value its value, without CR or LF
         * @return this builder
         * @throws IllegalArgumentException naming an invalid name or value
         */
        public ConnectionBuilder header(String name, String value) {
            if (!Rfc6455.isToken(name)) {
                throw new IllegalArgumentException("invalid header name '" + name + "'");
            }
            if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("invalid value for header " + name + ": '" + value + "'");
            }
            headers.put(name, value);
            return this;
        }

        /**
         * Offers these subprotocols, in order of preference; {@link WebSocket#subprotocol()} tells the choice.
         *
         * @param names the subprotocols (HTTP tokens)
         * @return this builder
         * @throws IllegalArgumentException naming an invalid name
         */
        public ConnectionBuilder subprotocols(String... names) {
            for (String n : names) {
                if (!Rfc6455.isToken(n)) {
                    throw new IllegalArgumentException("invalid subprotocol name '" + n + "'");
                }
                subprotocols.add(n);
            }
            return this;
        }

        /**
         * Sends this Origin header.
         *
         * @param origin the header's value, as given
         * @return this builder
         */
        public ConnectionBuilder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /**
         * Fails the connect future with a TIMEOUT if the handshake is not done in time.
         *
         * @param timeout the time limit for this connection (the client's default otherwise)
         * @return this builder
         * @throws IllegalArgumentException when it is not positive
         */
        public ConnectionBuilder connectTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be positive, not " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Reconnects automatically under this policy when the connection is lost: {@link #connect} then completes
         * with a {@link ReconnectingWebSocket} (a listener is required; see {@link ReconnectListener}).
         *
         * @param policy when and how to reconnect
         * @return this builder
         */
        public ConnectionBuilder reconnect(ReconnectPolicy policy) {
            this.reconnect = policy;
            return this;
        }

        /**
         * Connects through this proxy instead of the client's ({@link Builder#proxy}).
         *
         * @param proxy the proxy; {@link Proxy#NONE} connects directly
         * @return this builder
         */
        public ConnectionBuilder proxy(Proxy proxy) {
            this.proxy = java.util.Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * Connects.
         *
         * @param listener receives the connection's events; null for pull style ({@link WebSocket#receive})
         * @return completes when the handshake is done (with a {@link ReconnectingWebSocket} under a reconnect
         *         policy), or fails with a {@link WebSocketException}
         * @throws IllegalArgumentException when an HTTP proxy would have to reach an IPv6 literal (libwebsockets
         *         cannot write its {@code CONNECT})
         */
        public CompletableFuture<WebSocket> connect(WebSocket.Listener listener) {
            checkReachable(proxy, url);
            if (reconnect != null) {
                return ReconnectingWebSocket.start(WebSocketClient.this, this::connectOnce, url.toString(), url.path(),
                        reconnect, listener);
            }
            return connectOnce(listener);
        }

        /** One connection, without reconnecting. */
        CompletableFuture<WebSocket> connectOnce(WebSocket.Listener listener) {
            Connection c = new Connection(engine, engine.nextConnectionId(), listener, url.path(), url.toString(),
                    Map.copyOf(headers), config.receiveQueueCapacity);
            c.remoteAddress(url.hostHeader());
            c.target(url.hostAndPort());
            if (proxy.type() != Proxy.Type.DIRECT) {
                c.proxy(proxy.toString());
            }
            try {
                ClientContext.Request request = new ClientContext.Request(url.host(), url.port(), url.path(),
                        url.hostHeader(), origin, List.copyOf(subprotocols), url.secure(), route(proxy));
                engine.execute(() -> context.connect(engine, c, request, url.toString()));
            } catch (WebSocketException closed) {
                return CompletableFuture.failedFuture(closed);
            }
            long millis = connectTimeout.toMillis();
            var timer = Engine.timers().schedule(() -> {
                try {
                    engine.execute(() -> c.fail(new WebSocketException(WebSocketException.Kind.TIMEOUT,
                            "connect to " + url.hostAndPort() + " (" + url + ") timed out after " + millis + " ms")));
                } catch (WebSocketException closed) {
                    // the client is closed: the connection failed with it
                }
            }, millis, TimeUnit.MILLISECONDS);
            c.openFuture().whenComplete((ws, error) -> timer.cancel(false));
            return c.openFuture();
        }
    }

    /** Client settings. */
    public static final class Builder extends EngineBuilder<Builder> {
        private int receiveQueueCapacity = 256;
        private TlsOptions tls;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Proxy proxy = Proxy.NONE;

        private Builder() {
            super(Duration.ZERO);
        }

        /**
         * Messages held for {@link WebSocket#receive} before reading pauses (pull style; default 256).
         *
         * @param messages the capacity, 1 or more
         * @return this builder
         * @throws IllegalArgumentException when it is not positive
         */
        public Builder receiveQueueCapacity(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("receiveQueueCapacity must be positive, not " + messages);
            }
            this.receiveQueueCapacity = messages;
            return this;
        }

        /**
         * TLS settings for wss:// (default: verify against the system's CAs, host names included).
         *
         * @param tls the TLS settings
         * @return this builder
         */
        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Default connect time-out (10 s).
         *
         * @param timeout the time limit for a handshake
         * @return this builder
         * @throws IllegalArgumentException when it is not positive
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be positive, not " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Connects through this proxy (default {@link Proxy#NONE}: directly; environment variables and system
         * properties are not read). {@link ConnectionBuilder#proxy} chooses another for one connection.
         *
         * @param proxy the proxy
         * @return this builder
         */
        public Builder proxy(Proxy proxy) {
            this.proxy = java.util.Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * Creates the client and starts its service thread.
         *
         * @return the client
         * @throws IllegalStateException when lws cannot create the context (e.g. unusable TLS files)
         */
        public WebSocketClient build() {
            return new WebSocketClient(this);
        }
    }
}
