package io.github.lwsjava.server;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.engine.Connection;
import io.github.lwsjava.engine.Engine;
import io.github.lwsjava.engine.EngineBuilder;
import io.github.lwsjava.engine.HttpRequests;
import io.github.lwsjava.engine.Lws;
import io.github.lwsjava.engine.Rfc6455;
import io.github.lwsjava.engine.ServerContext;
import io.github.lwsjava.tls.TlsOptions;

/**
 * A WebSocket (and HTTP) server: an lws context with one or more vhosts, served by one service thread (or by
 * {@link Builder#serviceThreads several}, each with a context of its own on the same ports). Its methods are safe
 * from any thread; handlers, upgrade filters and HTTP handlers run on the service thread that accepted the
 * connection (handlers on the builder's executor, if given), and must not block there.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(8080)
 *         .handler(new WebSocket.Listener() {
 *             public void onText(WebSocket ws, String text) { ws.sendText(text); }
 *         })
 *         .build();
 * }</pre>
 */
public final class WebSocketServer implements AutoCloseable {

    /** The protocol of connections without a subprotocol (index 0), and the prefix of the HTTP mounts' ones. */
    private static final String DEFAULT_PROTOCOL = "lws-java-default";
    private static final String HTTP_PROTOCOL = "lws-java-http-";

    /** One engine per service thread (serviceThreads), all on the same ports; the first one's counters are all's. */
    private final List<Engine> engines = new ArrayList<>();
    private final Engine engine; // the first
    private final List<Integer> ports = new ArrayList<>();
    /** The WebSocket protocols by index: 0 the default handler's, then the builder's subprotocols. */
    private final List<String> protocolNames = new ArrayList<>();
    private final Admission admission;

    private WebSocketServer(Builder config) {
        Lws.init();
        List<WebSocket.Listener> handlers = new ArrayList<>();
        protocolNames.add(DEFAULT_PROTOCOL);
        handlers.add(config.defaultHandler);
        for (Map.Entry<String, WebSocket.Listener> p : config.protocols.entrySet()) {
            protocolNames.add(p.getKey());
            handlers.add(p.getValue());
        }
        // each callback mount is served by a protocol of its own, after the WebSocket ones: lws matches the mounts
        List<String> allProtocols = new ArrayList<>(protocolNames);
        List<ServerContext.Mount> mounts = new ArrayList<>();
        Map<Integer, HttpHandler> httpHandlers = new HashMap<>();
        for (HttpMount m : config.mounts) {
            String protocol = null;
            if (m.handler() != null) {
                protocol = HTTP_PROTOCOL + allProtocols.size();
                httpHandlers.put(allProtocols.size(), m.handler());
                allProtocols.add(protocol);
            }
            mounts.add(new ServerContext.Mount(m.mountpoint(), m.directory(), m.defaultDocument(), m.cacheMaxAge(),
                    protocol));
        }
        this.admission = new Admission(List.copyOf(protocolNames), handlers, Map.copyOf(config.routes),
                config.upgradeFilter, config.maxConnections, config.host);
        int n = config.serviceThreads;
        ServerContext.Share share = n == 1 ? ServerContext.Share.NONE : ServerContext.Share.FIRST;
        this.engine = new Engine("lws-java-server", config.settings(), new ServerContext(allProtocols,
                config.vhosts(), mounts, Map.copyOf(config.mimeTypes), ports::add, share));
        start(engine, httpHandlers);
        try {
            for (int i = 2; i <= n; i++) { // the others listen on the ports the first one got
                List<ServerContext.Vhost> same = new ArrayList<>();
                List<ServerContext.Vhost> vhosts = config.vhosts();
                for (int v = 0; v < vhosts.size(); v++) {
                    ServerContext.Vhost vh = vhosts.get(v);
                    same.add(new ServerContext.Vhost(vh.name(), vh.host(), ports.get(v), vh.tls()));
                }
                start(engine.sibling("lws-java-server-" + i, new ServerContext(allProtocols, same, mounts,
                        Map.copyOf(config.mimeTypes), port -> { }, ServerContext.Share.MORE)), httpHandlers);
            }
        } catch (RuntimeException failed) {
            close();
            throw failed;
        }
        if (config.settings().jmx()) {
            engine.registerJmx("WebSocketServer");
        }
    }

    /** Starts an engine with the server's hooks: the one admission, HTTP routes of its own (service thread). */
    private void start(Engine e, Map<Integer, HttpHandler> httpHandlers) {
        HttpRoutes http = new HttpRoutes(httpHandlers);
        e.serverHooks(new Engine.ServerHooks() {
            @Override
            public long upgrade(Engine on, long wsi, int protocol) {
                return admission.upgrade(on, wsi, protocol);
            }

            @Override
            public int http(Engine on, long wsi, HttpRequests.Head head, int protocol) {
                return http.request(wsi, head, protocol);
            }

            @Override
            public void httpBody(Engine on, long wsi, byte[] body) {
                http.body(wsi, body);
            }
        });
        e.start();
        engines.add(e);
    }

    /**
     * {@return a builder with the defaults: 127.0.0.1, a port the system picks, no TLS, 16 MiB messages, 30 s idle
     * time-out}
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the port of the first vhost (the one picked by the system when 0 was asked)} */
    public int port() {
        return ports.get(0);
    }

    /** {@return the ports of every vhost, in the order they were configured} */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** {@return the counters of this server's connections since it was built (any thread)} */
    public io.github.lwsjava.metrics.EndpointStats stats() {
        return engine.stats();
    }

    /** {@return the open connections (empty once the server is closed)} */
    public List<WebSocket> connections() {
        List<WebSocket> all = new ArrayList<>();
        for (Engine e : engines) {
            all.addAll(e.connections());
        }
        return all;
    }

    /**
     * The upgrade request that opened a connection of this server (path, query, headers, remote address), or
     * null when the connection is not one of this server's open connections.
     *
     * @param connection a connection of this server
     * @return its upgrade request, or null
     */
    public UpgradeRequest upgradeRequest(WebSocket connection) {
        return connection instanceof Connection c ? admission.requestOf(c) : null;
    }

    /**
     * Sends text to every open connection of the named protocol, from the service thread.
     *
     * @param protocol the subprotocol's name; null for the connections without one (the default handler's and
     *                 the {@linkplain Builder#route routes'})
     * @param text the message
     * @throws IllegalArgumentException when the server has no such protocol
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcast(String protocol, String text) {
        broadcast(protocolIndex(protocol), c -> c.sendText(text));
    }

    /**
     * Sends a binary message to every open connection of the named protocol, from the service thread.
     *
     * @param protocol the subprotocol's name; null for the connections without one
     * @param data the message: the bytes between position and limit, copied before this returns (the position
     *             is not changed)
     * @throws IllegalArgumentException when the server has no such protocol
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcast(String protocol, ByteBuffer data) {
        byte[] bytes = copy(data);
        broadcast(protocolIndex(protocol), c -> c.sendBinary(bytes));
    }

    /**
     * Sends a binary message to every open connection of the named protocol, from the service thread.
     *
     * @param protocol the subprotocol's name; null for the connections without one
     * @param data the message, copied before this returns
     * @throws IllegalArgumentException when the server has no such protocol
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcast(String protocol, byte[] data) {
        byte[] bytes = data.clone();
        broadcast(protocolIndex(protocol), c -> c.sendBinary(bytes));
    }

    /**
     * Sends text to every open connection, whatever its protocol, from the service thread.
     *
     * @param text the message
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcastAll(String text) {
        broadcast(ALL_PROTOCOLS, c -> c.sendText(text));
    }

    /**
     * Sends a binary message to every open connection, whatever its protocol, from the service thread.
     *
     * @param data the message: the bytes between position and limit, copied before this returns
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcastAll(ByteBuffer data) {
        byte[] bytes = copy(data);
        broadcast(ALL_PROTOCOLS, c -> c.sendBinary(bytes));
    }

    /** The protocol index for broadcasts to every connection. */
    private static final int ALL_PROTOCOLS = -1;

    private int protocolIndex(String protocol) {
        int index = protocol == null ? 0 : protocolNames.indexOf(protocol);
        if (index < 0 || protocol != null && index == 0) {
            throw new IllegalArgumentException("no protocol named '" + protocol + "'");
        }
        return index;
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /**
     * Queues a send to every open connection of protocol {@code index} ({@link #ALL_PROTOCOLS}: every one); a
     * connection whose queue is full misses the message (its future fails with QUEUE_FULL).
     */
    private void broadcast(int index, java.util.function.Consumer<Connection> send) {
        for (Engine e : engines) {
            e.execute(() -> {
                for (Connection c : e.connectionsSnapshot()) {
                    if ((index == ALL_PROTOCOLS || c.protocolIndex() == index) && c.state() == WebSocket.State.OPEN) {
                        send.accept(c);
                    }
                }
            });
        }
    }

    /**
     * Stops: every connection is closed with 1001 (going away), the close handshakes get up to two seconds,
     * then the context is destroyed and the ports are free again.
     */
    @Override
    public void close() {
        if (engines.size() <= 1) {
            engine.shutdown(WebSocket.GOING_AWAY, 2000);
            return;
        }
        // all service threads wind down at once, each with the whole grace time
        CompletableFuture.allOf(engines.stream()
                .map(e -> CompletableFuture.runAsync(() -> e.shutdown(WebSocket.GOING_AWAY, 2000)))
                .toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Waits until the server is closed (by {@link #close()} from another thread or a listener), so that a
     * {@code main} that starts a server keeps running: the service thread is a daemon thread.
     *
     * @throws IllegalStateException on the service thread (in a listener without an executor), where it would
     *         wait for itself
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitClose() throws InterruptedException {
        for (Engine e : engines) {
            e.awaitStopped(null);
        }
    }

    /**
     * Waits until the server is closed, as {@link #awaitClose()} does, up to a time limit.
     *
     * @param timeout the longest wait
     * @return whether the server is closed
     * @throws IllegalStateException on the service thread
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitClose(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.Objects.requireNonNull(timeout, "timeout").toNanos();
        for (Engine e : engines) {
            if (!e.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Decides on an upgrade request: 0 accepts it, an HTTP status (e.g. 401, 403) refuses it. */
    @FunctionalInterface
    public interface UpgradeFilter {
        /**
         * Runs on the service thread while the request's headers exist: must not block.
         *
         * @param request the upgrade request
         * @return 0 to accept, or the HTTP status (400-599) the client gets instead of the upgrade; a filter that
         *         throws refuses with 500
         */
        int check(UpgradeRequest request);
    }

    /** A file mount (directory set) or a callback mount (handler set), as the builder was given it. */
    private record HttpMount(String mountpoint, Path directory, String defaultDocument, int cacheMaxAge,
                             HttpHandler handler) {
    }

    /** Server settings. */
    public static final class Builder extends EngineBuilder<Builder> {
        private String host = "127.0.0.1";
        private int port;
        private TlsOptions tls;
        private final List<ServerContext.Vhost> extraVhosts = new ArrayList<>();
        private WebSocket.Listener defaultHandler;
        private final Map<String, WebSocket.Listener> protocols = new LinkedHashMap<>();
        private final Map<String, WebSocket.Listener> routes = new LinkedHashMap<>();
        private final List<HttpMount> mounts = new ArrayList<>();
        private final Map<String, String> mimeTypes = new LinkedHashMap<>();
        private UpgradeFilter upgradeFilter;
        private int maxConnections;
        private int serviceThreads = 1;

        private Builder() {
            super(Duration.ofSeconds(30), io.github.lwsjava.EventLoop.LIBUV);
        }

        /**
         * The interface to listen on (default 127.0.0.1; "0.0.0.0" or "::" for every interface).
         *
         * @param host an address or host name
         * @return this builder
         * @throws IllegalArgumentException when it is empty
         */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host is empty");
            }
            this.host = host;
            return this;
        }

        /**
         * The port (default 0: the system picks a free one; {@link WebSocketServer#port()} tells which).
         *
         * @param port 0 to 65535
         * @return this builder
         * @throws IllegalArgumentException when it is outside 0-65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside 0-65535");
            }
            this.port = port;
            return this;
        }

        /**
         * Serves wss:// with this certificate and key.
         *
         * @param tls the server's TLS settings; null for plain ws://
         * @return this builder
         */
        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Another vhost on its own port, plain or TLS, serving the same protocols and mounts.
         *
         * @param name the vhost's name
         * @param host the interface to listen on
         * @param port 0 to 65535
         * @param tls its TLS settings; null for plain ws://
         * @return this builder
         * @throws IllegalArgumentException when the port is outside 0-65535
         */
        public Builder vhost(String name, String host, int port, TlsOptions tls) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside 0-65535");
            }
            extraVhosts.add(new ServerContext.Vhost(name, host, port, tls));
            return this;
        }

        /**
         * Handles connections that ask for no subprotocol. (A client that lists subprotocols of which the server
         * knows none is refused by lws.)
         *
         * @param handler receives each such connection's events (on the service thread, or the executor)
         * @return this builder
         */
        public Builder handler(WebSocket.Listener handler) {
            this.defaultHandler = handler;
            return this;
        }

        /**
         * Handles connections that ask for this subprotocol.
         *
         * @param name the subprotocol (an HTTP token, not starting with "lws-java-")
         * @param handler receives each such connection's events
         * @return this builder
         * @throws IllegalArgumentException naming an invalid name
         */
        public Builder protocol(String name, WebSocket.Listener handler) {
            if (!Rfc6455.isToken(name) || name.startsWith("lws-java-")) {
                throw new IllegalArgumentException("invalid protocol name '" + name + "'");
            }
            protocols.put(name, handler);
            return this;
        }

        /**
         * Handles connections to this path that ask for no subprotocol, in place of the {@link #handler default
         * handler}: the request's path must equal it exactly (the query is ignored; no prefix matching). A
         * connection that names a subprotocol goes to that protocol's handler whatever its path. When no route
         * matches, the default handler takes the connection, or without one it is refused with 404. The
         * {@link #upgradeFilter} still decides on every request. A second route for the same path replaces the
         * first.
         *
         * @param path the request path, starting with "/", without query
         * @param handler receives each such connection's events
         * @return this builder
         * @throws IllegalArgumentException naming a path that does not start with "/" or holds '?' or '#', or when
         *         the handler is null
         */
        public Builder route(String path, WebSocket.Listener handler) {
            if (path == null || !path.startsWith("/") || path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
                throw new IllegalArgumentException("route path '" + path + "' must start with / and have no query");
            }
            if (handler == null) {
                throw new IllegalArgumentException("route " + path + " has no handler");
            }
            routes.put(path, handler);
            return this;
        }

        /**
         * Decides on each upgrade request (headers, path, address) before it is accepted, on the service thread.
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder upgradeFilter(UpgradeFilter filter) {
            this.upgradeFilter = filter;
            return this;
        }

        /**
         * Serves the files of a directory under a mountpoint, index.html by default.
         *
         * @param mountpoint where, starting with "/" ("/" for the root)
         * @param directory the files
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint does not start with / or the directory does not exist
         */
        public Builder staticFiles(String mountpoint, Path directory) {
            return staticFiles(mountpoint, directory, "index.html", Duration.ZERO);
        }

        /**
         * Serves the files of a directory, with a default document and a Cache-Control max-age.
         *
         * @param mountpoint where, starting with "/"
         * @param directory the files
         * @param defaultDocument the file served for the directory itself
         * @param cacheMaxAge the max-age; zero for no caching headers
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint does not start with / or the directory does not exist
         */
        public Builder staticFiles(String mountpoint, Path directory, String defaultDocument, Duration cacheMaxAge) {
            checkMountpoint(mountpoint);
            if (directory == null || !Files.isDirectory(directory)) {
                throw new IllegalArgumentException("static files directory '" + directory + "' does not exist");
            }
            mounts.add(new HttpMount(mountpoint, directory, defaultDocument, (int) cacheMaxAge.toSeconds(), null));
            return this;
        }

        /**
         * Serves files ending with extension (".wasm") with this Content-Type on every static mount, beside lws's
         * own table (html, css, js, json, png, jpg, svg, ...).
         *
         * @param extension the file extension, with or without the dot
         * @param contentType the Content-Type, e.g. "application/wasm"
         * @return this builder
         * @throws IllegalArgumentException when either is malformed
         */
        public Builder mimeType(String extension, String contentType) {
            if (extension == null || !extension.matches("\\.?[A-Za-z0-9_+-]+") || contentType == null
                    || !contentType.contains("/")) {
                throw new IllegalArgumentException("mimeType(" + extension + ", " + contentType + ")");
            }
            mimeTypes.put(extension.startsWith(".") ? extension : "." + extension, contentType);
            return this;
        }

        /**
         * Answers GET and POST requests under a mountpoint with a handler (on the service thread: be quick).
         *
         * @param mountpoint where, starting with "/"
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint does not start with /
         */
        public Builder http(String mountpoint, HttpHandler handler) {
            checkMountpoint(mountpoint);
            mounts.add(new HttpMount(mountpoint, null, null, 0, handler));
            return this;
        }

        /**
         * Refuses upgrades with 503 beyond this many open connections.
         *
         * @param limit the most open connections; 0 for no limit
         * @return this builder
         * @throws IllegalArgumentException when it is negative
         */
        public Builder maxConnections(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("maxConnections must not be negative, not " + limit);
            }
            this.maxConnections = limit;
            return this;
        }

        /**
         * Serves with this many service threads (default 1): each its own lws context, listening on the same ports
         * (SO_REUSEPORT); the kernel spreads new connections over them, and a connection stays on the thread that
         * accepted it. Listeners, routes, protocols, mounts and limits are the server's, whichever thread runs them:
         * listeners of different connections may then run at the same time (each connection's own callbacks still
         * never overlap). With SO_REUSEPORT, another process of the same user could listen on the same port too.
         *
         * @param threads 1 or more; the number of cores is a reasonable upper bound
         * @return this builder
         * @throws IllegalArgumentException when it is below 1
         */
        public Builder serviceThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("serviceThreads must be at least 1, not " + threads);
            }
            this.serviceThreads = threads;
            return this;
        }

        /**
         * Creates the server and starts listening.
         *
         * @return the server, listening
         * @throws IllegalStateException when it cannot listen (the reason, e.g. the errno's text or a TLS file's
         *         problem, is in the message) or has neither handler, route, protocol nor HTTP mount
         */
        public WebSocketServer build() {
            if (defaultHandler == null && routes.isEmpty() && protocols.isEmpty() && mounts.isEmpty()) {
                throw new IllegalStateException("a server needs a handler, a route, a protocol or an HTTP mount");
            }
            return new WebSocketServer(this);
        }

        private List<ServerContext.Vhost> vhosts() {
            List<ServerContext.Vhost> all = new ArrayList<>();
            all.add(new ServerContext.Vhost("default", host, port, tls));
            all.addAll(extraVhosts);
            return all;
        }

        private static void checkMountpoint(String mountpoint) {
            if (mountpoint == null || !mountpoint.startsWith("/") || mountpoint.length() > 255) {
                throw new IllegalArgumentException("mountpoint '" + mountpoint + "' must start with /");
            }
        }
    }
}
