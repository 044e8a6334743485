package io.github.lwsjava.server;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.engine.Connection;
import io.github.lwsjava.engine.Engine;
import io.github.lwsjava.engine.EngineBuilder;
import io.github.lwsjava.engine.HttpRequests;
import io.github.lwsjava.engine.Lws;
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
    /** The protocols' names by server-wide id: 0 the default handlers' (of every vhost), then subprotocols, mounts. */
    private final List<String> protocolNames = new ArrayList<>();
    private final Admission admission;

    private WebSocketServer(Builder config) {
        Lws.init();
        List<ServerContext.Vhost> vhosts = config.vhosts();
        List<VirtualHost> hosts = config.sites();
        protocolNames.add(DEFAULT_PROTOCOL);
        Map<Integer, WebSocket.Listener> handlers = new HashMap<>();
        Map<Integer, HttpRoutes.Route> httpHandlers = new HashMap<>();
        List<ServerContext.Site> sites = new ArrayList<>();
        for (VirtualHost host : hosts) {
            // lws matches the mounts; each callback mount is served by a protocol of its own, after the WebSocket ones
            List<ServerContext.Protocol> protocols = new ArrayList<>();
            protocols.add(new ServerContext.Protocol(DEFAULT_PROTOCOL, 0));
            for (Map.Entry<String, WebSocket.Listener> p : host.protocols.entrySet()) {
                handlers.put(protocolNames.size(), p.getValue());
                protocols.add(new ServerContext.Protocol(p.getKey(), protocolNames.size()));
                protocolNames.add(p.getKey());
            }
            List<ServerContext.Mount> mounts = new ArrayList<>();
            for (VirtualHost.Mount m : host.mounts) {
                mounts.add(mount(m, host, protocols, httpHandlers));
            }
            sites.add(new ServerContext.Site(List.copyOf(protocols), List.copyOf(mounts),
                    Collections.unmodifiableMap(new LinkedHashMap<>(host.headers)), host.accessLog));
        }
        List<Admission.Site> admitting = new ArrayList<>();
        for (VirtualHost host : hosts) {
            admitting.add(new Admission.Site(host.defaultHandler, Map.copyOf(host.routes)));
        }
        this.admission = new Admission(List.copyOf(protocolNames), Map.copyOf(handlers), List.copyOf(admitting),
                List.copyOf(vhosts), config.upgradeFilter, config.maxConnections);
        int n = config.serviceThreads;
        ServerContext.Share share = n == 1 ? ServerContext.Share.NONE : ServerContext.Share.FIRST;
        this.engine = new Engine("lws-java-server", config.settings(), new ServerContext(List.copyOf(sites), vhosts,
                ports::add, share));
        start(engine, httpHandlers);
        try {
            for (int i = 2; i <= n; i++) { // the others listen on the ports the first one got
                List<ServerContext.Vhost> same = new ArrayList<>();
                for (int v = 0; v < vhosts.size(); v++) {
                    ServerContext.Vhost vh = vhosts.get(v);
                    same.add(new ServerContext.Vhost(vh.name(), vh.host(), ports.get(v), vh.tls(), vh.site()));
                }
                start(engine.sibling("lws-java-server-" + i, new ServerContext(List.copyOf(sites), same,
                        port -> { }, ServerContext.Share.MORE)), httpHandlers);
            }
        } catch (RuntimeException failed) {
            close();
            throw failed;
        }
        if (config.settings().jmx()) {
            engine.registerJmx("WebSocketServer");
        }
    }

    /** A vhost's mount as lws takes it; a callback mount's handler gets a protocol (and id) of its own. */
    private ServerContext.Mount mount(VirtualHost.Mount m, VirtualHost host, List<ServerContext.Protocol> protocols,
                                      Map<Integer, HttpRoutes.Route> httpHandlers) {
        if (m.files() != null) {
            StaticFiles f = m.files();
            Map<String, String> types = new LinkedHashMap<>(f.mimeTypes()); // the mount's own first
            host.mimeTypes.forEach(types::putIfAbsent);
            return new ServerContext.Mount(m.mountpoint(), ServerContext.MountKind.FILE,
                    f.directory().toAbsolutePath().toString(), f.defaultDocument(), (int) f.cacheMaxAge().toSeconds(),
                    f.cacheRevalidate(), f.cacheShared(), types);
        }
        if (m.handler() != null) {
            int id = protocolNames.size();
            String protocol = HTTP_PROTOCOL + id;
            protocolNames.add(protocol);
            protocols.add(new ServerContext.Protocol(protocol, id));
            httpHandlers.put(id, new HttpRoutes.Route(m.handler(), HttpHandler.Response.MAX_HEADER_BYTES
                    - host.headerBytes()));
            return new ServerContext.Mount(m.mountpoint(), ServerContext.MountKind.CALLBACK, protocol, null, 0, false,
                    false, Map.of());
        }
        boolean https = m.location().startsWith("https://");
        return new ServerContext.Mount(m.mountpoint(), https ? ServerContext.MountKind.REDIRECT_HTTPS
                : ServerContext.MountKind.REDIRECT_HTTP, m.location().substring(https ? 8 : 7), null, 0, false, false,
                Map.of());
    }

    /** Starts an engine with the server's hooks: the one admission, HTTP routes of its own (service thread). */
    private void start(Engine e, Map<Integer, HttpRoutes.Route> httpHandlers) {
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

            @Override
            public void closed(Connection connection) {
                admission.closed(connection);
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
     * Sends text to every open connection of the named protocol (on every vhost that has it), from the service
     * thread.
     *
     * @param protocol the subprotocol's name; null for the connections without one (the default handler's and
     *                 the {@linkplain Builder#route routes'})
     * @param text the message
     * @throws IllegalArgumentException when the server has no such protocol
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcast(String protocol, String text) {
        broadcast(protocolIds(protocol), c -> c.sendText(text));
    }

    /**
     * Sends a binary message to every open connection of the named protocol (on every vhost that has it), from
     * the service thread.
     *
     * @param protocol the subprotocol's name; null for the connections without one
     * @param data the message: the bytes between position and limit, copied before this returns (the position
     *             is not changed)
     * @throws IllegalArgumentException when the server has no such protocol
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcast(String protocol, ByteBuffer data) {
        byte[] bytes = copy(data);
        broadcast(protocolIds(protocol), c -> c.sendBinary(bytes));
    }

    /**
     * Sends a binary message to every open connection of the named protocol (on every vhost that has it), from
     * the service thread.
     *
     * @param protocol the subprotocol's name; null for the connections without one
     * @param data the message, copied before this returns
     * @throws IllegalArgumentException when the server has no such protocol
     * @throws WebSocketException of kind SHUTDOWN when the server is closed
     */
    public void broadcast(String protocol, byte[] data) {
        byte[] bytes = data.clone();
        broadcast(protocolIds(protocol), c -> c.sendBinary(bytes));
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

    /** The protocol ids for broadcasts to every connection. */
    private static final Set<Integer> ALL_PROTOCOLS = null;

    /** The ids of the named protocol (null: the connections without a subprotocol) on every vhost. */
    private Set<Integer> protocolIds(String protocol) {
        if (protocol == null) {
            return Set.of(0);
        }
        Set<Integer> ids = new HashSet<>();
        for (int id = 1; id < protocolNames.size(); id++) {
            if (protocolNames.get(id).equals(protocol) && !protocol.startsWith(HTTP_PROTOCOL)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no protocol named '" + protocol + "'");
        }
        return ids;
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /**
     * Queues a send to every open connection of the protocols {@code ids} ({@link #ALL_PROTOCOLS}: every one); a
     * connection whose queue is full misses the message (its future fails with QUEUE_FULL).
     */
    private void broadcast(Set<Integer> ids, Consumer<Connection> send) {
        for (Engine e : engines) {
            e.execute(() -> {
                for (Connection c : e.connectionsSnapshot()) {
                    if ((ids == null || ids.contains(c.protocolIndex()))
                            && c.state() == WebSocket.State.OPEN) {
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

    /** A listener of the builder's: its own site, or null for the default vhost's (the builder's own settings). */
    private record Listener(String name, String host, int port, TlsOptions tls, VirtualHost site) {
    }

    /**
     * Server settings: the listeners (the builder's host and port, and {@link #vhost vhosts}), what each serves,
     * and the settings all share. The builder's own {@code handler}, {@code protocol}, {@code route},
     * {@code staticFiles}, {@code http}, {@code redirect}, {@code mimeType}, {@code header} and {@code accessLog}
     * set up the default vhost, which listens on {@link #host}:{@link #port} and is served by
     * {@link #vhost(String, String, int, TlsOptions)} listeners too; a {@link #vhost(String, String, int, TlsOptions,
     * Consumer) vhost with a setup of its own} serves only what that setup gives it. When the default vhost serves
     * nothing and such vhosts exist, the builder's host and port do not listen. Vhosts on the same interface and
     * port (not 0) share one listening socket, and lws gives each connection to the vhost named by its TLS SNI or
     * Host header (else the first of them), as lwsws does.
     */
    public static final class Builder extends EngineBuilder<Builder> {
        private String host = "127.0.0.1";
        private int port;
        private TlsOptions tls;
        private final VirtualHost main = new VirtualHost();
        private final List<Listener> extraVhosts = new ArrayList<>();
        private UpgradeFilter upgradeFilter;
        private int maxConnections;
        private int serviceThreads = 1;

        private Builder() {
            super(Duration.ofSeconds(30));
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
         * Another vhost on its own port, plain or TLS, serving what the default vhost serves (the builder's own
         * handlers, protocols, routes and mounts).
         *
         * @param name the vhost's name
         * @param host the interface to listen on
         * @param port 0 to 65535
         * @param tls its TLS settings; null for plain ws://
         * @return this builder
         * @throws IllegalArgumentException when the host is empty or the port is outside 0-65535
         */
        public Builder vhost(String name, String host, int port, TlsOptions tls) {
            extraVhosts.add(listener(name, host, port, tls, null));
            return this;
        }

        /**
         * Another vhost on its own port, plain or TLS, that serves only what setup gives it: its own handlers,
         * subprotocols, routes, mounts, response headers and access log (lws's per-vhost protocol list and
         * mounts). The server's other settings (limits, keep-alive, upgrade filter, executor, ...) are shared.
         *
         * <pre>{@code
         * builder.vhost("admin", "127.0.0.1", 9090, null, v -> v
         *         .protocol("status", statusListener)
         *         .staticFiles("/", Path.of("admin-ui"))
         *         .header("X-Frame-Options", "DENY"));
         * }</pre>
         *
         * @param name the vhost's name
         * @param host the interface to listen on
         * @param port 0 to 65535
         * @param tls its TLS settings; null for plain ws://
         * @param setup sets up what the vhost serves
         * @return this builder
         * @throws IllegalArgumentException when the host is empty or the port is outside 0-65535, or what setup
         *         throws
         */
        public Builder vhost(String name, String host, int port, TlsOptions tls, Consumer<VirtualHost> setup) {
            VirtualHost site = new VirtualHost();
            setup.accept(site);
            extraVhosts.add(listener(name, host, port, tls, site));
            return this;
        }

        private static Listener listener(String name, String host, int port, TlsOptions tls, VirtualHost site) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside 0-65535");
            }
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("vhost " + name + ": host is empty");
            }
            if (name == null || name.isBlank() || name.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                throw new IllegalArgumentException("invalid vhost name '" + name + "'");
            }
            return new Listener(name, host, port, tls, site);
        }

        /**
         * Handles connections that ask for no subprotocol. (A client that lists subprotocols of which the server
         * knows none is refused by lws.)
         *
         * @param handler receives each such connection's events (on the service thread, or the executor)
         * @return this builder
         * @see VirtualHost#handler
         */
        public Builder handler(WebSocket.Listener handler) {
            main.handler(handler);
            return this;
        }

        /**
         * Handles connections that ask for this subprotocol.
         *
         * @param name the subprotocol (an HTTP token, not starting with "lws-java-")
         * @param handler receives each such connection's events
         * @return this builder
         * @throws IllegalArgumentException naming an invalid name
         * @see VirtualHost#protocol
         */
        public Builder protocol(String name, WebSocket.Listener handler) {
            main.protocol(name, handler);
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
            main.route(path, handler);
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
         * @throws IllegalArgumentException when the mountpoint is malformed or taken, or the directory does not exist
         */
        public Builder staticFiles(String mountpoint, Path directory) {
            main.staticFiles(mountpoint, directory);
            return this;
        }

        /**
         * Serves the files of a directory, with a default document and a Cache-Control max-age
         * ("must-revalidate, private, max-age=N").
         *
         * @param mountpoint where, starting with "/"
         * @param directory the files
         * @param defaultDocument the file served for the directory itself
         * @param cacheMaxAge the max-age; zero for no caching ("no-store")
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint is malformed or taken, or the directory does not exist
         */
        public Builder staticFiles(String mountpoint, Path directory, String defaultDocument, Duration cacheMaxAge) {
            main.staticFiles(mountpoint, StaticFiles.of(directory).defaultDocument(defaultDocument)
                    .cache(cacheMaxAge, true, false));
            return this;
        }

        /**
         * Serves files under a mountpoint with these settings (default document, caching, MIME types).
         *
         * @param mountpoint where, starting with "/"
         * @param files the directory and how lws serves it
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint is malformed or taken
         */
        public Builder staticFiles(String mountpoint, StaticFiles files) {
            main.staticFiles(mountpoint, files);
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
            main.mimeType(extension, contentType);
            return this;
        }

        /**
         * Answers the requests under a mountpoint with a handler (on the service thread: be quick).
         *
         * @param mountpoint where, starting with "/"
         * @param handler answers the requests
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint is malformed or taken
         */
        public Builder http(String mountpoint, HttpHandler handler) {
            main.http(mountpoint, handler);
            return this;
        }

        /**
         * Answers every request under a mountpoint with 301 to a location ({@link VirtualHost#redirect}).
         *
         * @param mountpoint where, starting with "/"
         * @param location an absolute http:// or https:// URL
         * @return this builder
         * @throws IllegalArgumentException when the mountpoint or the location is malformed
         */
        public Builder redirect(String mountpoint, String location) {
            main.redirect(mountpoint, location);
            return this;
        }

        /**
         * Adds a header to every HTTP response of the default vhost ({@link VirtualHost#header}), e.g.
         * Content-Security-Policy.
         *
         * @param name the header's name
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException naming an invalid name or value, or when the headers exceed 1 KiB
         */
        public Builder header(String name, String value) {
            main.header(name, value);
            return this;
        }

        /**
         * Has lws append a line per HTTP request of the default vhost to a file ({@link VirtualHost#accessLog}).
         *
         * @param file the log file; null for none
         * @return this builder
         * @throws IllegalArgumentException when the file's directory does not exist
         */
        public Builder accessLog(Path file) {
            main.accessLog(file);
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
         *         problem, is in the message), has neither handler, route, protocol nor HTTP mount, or a vhost of
         *         its own serves nothing
         */
        public WebSocketServer build() {
            boolean ownVhosts = extraVhosts.stream().anyMatch(l -> l.site() != null);
            if (main.isEmpty() && !ownVhosts) {
                throw new IllegalStateException("a server needs a handler, a route, a protocol or an HTTP mount");
            }
            for (Listener l : extraVhosts) {
                if (l.site() != null && l.site().isEmpty()) {
                    throw new IllegalStateException("vhost " + l.name() + " serves nothing: give it a handler, a"
                            + " route, a protocol or an HTTP mount");
                }
                if (l.site() == null && main.isEmpty()) {
                    throw new IllegalStateException("vhost " + l.name() + " serves what the default vhost serves,"
                            + " which is nothing");
                }
            }
            List<ServerContext.Vhost> vhosts = vhosts();
            ServerContext listeners = new ServerContext(List.of(), vhosts, p -> { }, ServerContext.Share.NONE);
            for (int i = 0; i < vhosts.size(); i++) {
                int other = listeners.sharedWith(i);
                if (other >= 0) {
                    ServerContext.Vhost a = vhosts.get(other);
                    ServerContext.Vhost b = vhosts.get(i);
                    if ((a.tls() == null) != (b.tls() == null) || a.name().equals(b.name())) {
                        throw new IllegalStateException("vhosts " + a.name() + " and " + b.name() + " share "
                                + ServerContext.hostAndPort(b.host(), b.port()) + ": vhosts on one port need names"
                                + " of their own (lws picks one by the Host header or TLS SNI) and must all be TLS"
                                + " or all plain");
                    }
                }
            }
            return new WebSocketServer(this);
        }

        /** The listeners in order: the builder's own (unless it serves nothing), then the vhosts. */
        private List<Listener> listeners() {
            List<Listener> all = new ArrayList<>();
            if (!main.isEmpty()) {
                all.add(new Listener("default", host, port, tls, main));
            }
            for (Listener l : extraVhosts) {
                all.add(l.site() == null ? new Listener(l.name(), l.host(), l.port(), l.tls(), main) : l);
            }
            return all;
        }

        /** What the listeners serve, each once, in the order of their first listener. */
        private List<VirtualHost> sites() {
            List<VirtualHost> sites = new ArrayList<>();
            for (Listener l : listeners()) {
                if (sites.stream().noneMatch(s -> s == l.site())) {
                    sites.add(l.site());
                }
            }
            return sites;
        }

        private List<ServerContext.Vhost> vhosts() {
            List<VirtualHost> sites = sites();
            List<ServerContext.Vhost> all = new ArrayList<>();
            for (Listener l : listeners()) {
                int site = 0;
                while (sites.get(site) != l.site()) {
                    site++;
                }
                all.add(new ServerContext.Vhost(l.name(), l.host(), l.port(), l.tls(), site));
            }
            return List.copyOf(all);
        }
    }
}
