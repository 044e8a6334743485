package io.github.lwsjava.server;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.engine.Connection;
import io.github.lwsjava.engine.ContextSetup;
import io.github.lwsjava.engine.Engine;
import io.github.lwsjava.engine.EngineBuilder;
import io.github.lwsjava.engine.HttpHeaders;
import io.github.lwsjava.engine.Lws;
import io.github.lwsjava.engine.Rfc6455;
import io.github.lwsjava.lws.lws_context;
import io.github.lwsjava.lws.lws_context_creation_info;
import io.github.lwsjava.lws.lws_http_mount;
import io.github.lwsjava.lws.lws_protocol_vhost_options;
import io.github.lwsjava.lws.lws_protocols;
import io.github.lwsjava.lws.lws_vhost;
import io.github.lwsjava.tls.TlsOptions;

/**
 * A WebSocket (and HTTP) server: one lws context with one or more vhosts, and one service thread.
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

    private static final System.Logger LOG = System.getLogger("io.github.lwsjava.server");

    /** Internal protocol names: the default handler and the HTTP callback mounts. */
    private static final String DEFAULT_PROTOCOL = "lws-java-default";
    private static final String HTTP_PROTOCOL = "lws-java-http";

    private final Builder config;
    private final Engine engine;
    private final List<Integer> ports = new ArrayList<>();
    private final List<String> protocolNames = new ArrayList<>();
    private final List<WebSocket.Listener> handlers = new ArrayList<>();
    private final Map<Long, HttpExchange> httpRequests = new java.util.HashMap<>();
    /** The upgrade request of every live connection, by connection id (written on the service thread). */
    private final Map<Long, UpgradeRequest> upgradeRequests = new java.util.concurrent.ConcurrentHashMap<>();
    /** Accepted connections not yet closed: read and written on the service thread only. */
    private int openConnections;

    private WebSocketServer(Builder config) {
        this.config = config;
        Lws.init();
        protocolNames.add(DEFAULT_PROTOCOL);
        handlers.add(config.defaultHandler);
        protocolNames.add(HTTP_PROTOCOL);
        handlers.add(null);
        for (Map.Entry<String, WebSocket.Listener> p : config.protocols.entrySet()) {
            protocolNames.add(p.getKey());
            handlers.add(p.getValue());
        }
        this.engine = new Engine("lws-java-server",
                config.settings(),
                this::createContext);
        engine.serverHooks(new Hooks());
        engine.start();
        if (config.settings().jmx()) {
            engine.registerJmx("WebSocketServer");
        }
    }

    /**
     * {@return a builder with the defaults: 127.0.0.1, a port the system picks, no TLS, 16 MiB messages, 30 s idle
     * time-out}
     */
    public static Builder builder() {
        return new Builder();
    }

    private lws_context createContext(Engine e) {
        ContextSetup setup = new ContextSetup(e);
        lws_context_creation_info info = setup.info();
        info.options(info.options() | LWS_SERVER_OPTION_EXPLICIT_VHOSTS);
        lws_context context = lws_create_context(info);
        if (context == null || context.isNull()) {
            throw new IllegalStateException("lws could not create the server context");
        }
        try {
            for (VhostConfig v : config.vhosts()) {
                checkCanListen(v.host, v.port);
                lws_context_creation_info vinfo = setup.info();
                vinfo.options(vinfo.options() | LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND);
                vinfo.port(v.port);
                vinfo.iface(setup.string(v.host));
                vinfo.vhost_name(setup.string(v.name));
                lws_protocols protocols = setup.protocols(protocolNames.toArray(String[]::new));
                vinfo.protocols(protocols);
                if (e.settings().deflate()) {
                    vinfo.extensions(lwsj_deflate_extensions());
                }
                setup.serverTls(vinfo, v.tls);
                setup.tcpKeepAlive(vinfo, e.settings().tcpKeepAlive());
                Path caFile = caPemAsFile(vinfo, v.tls, setup);
                var keepAlive = setup.keepAlive(e.settings().pingAfterIdle(), e.settings().hangUpAfter());
                if (keepAlive != null) {
                    vinfo.retry_and_idle_policy(keepAlive);
                }
                vinfo.mounts(mounts(setup));
                lws_vhost vhost;
                try {
                    vhost = lws_create_vhost(context, vinfo);
                } finally {
                    if (caFile != null) { // OpenSSL has read it into the vhost's trust store
                        deleteQuietly(caFile);
                    }
                }
                if (vhost == null || vhost.isNull()) { // the address was free a moment ago, the TLS files were checked
                    throw new IllegalStateException("could not listen on " + hostAndPort(v.host, v.port)
                            + (v.tls != null ? " with TLS" : "") + ": lws refused (its log, System.Logger"
                            + " \"libwebsockets\", says why)");
                }
                ports.add(lws_get_vhost_listen_port(vhost));
            }
        } catch (RuntimeException failure) {
            lws_context_destroy(context);
            throw failure;
        }
        return context;
    }

    /**
     * Binds host:port once from Java before lws does, so that a failure says why ("Address already in use",
     * "Cannot assign requested address", "Permission denied"): lws puts the errno in its log only, and 4.3.5
     * retries an address that is not this machine's forever. A host that is no address (an interface name) is
     * left to lws.
     */
    private static void checkCanListen(String host, int port) {
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException notAnAddress) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as lws does
            probe.bind(new java.net.InetSocketAddress(address, port), 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not listen on " + hostAndPort(host, port) + ": " + e.getMessage(), e);
        }
    }

    private static String hostAndPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * lws 4.3.5 reads {@code server_ssl_ca_mem} only with mbedTLS: with OpenSSL, a CA given as PEM text (to check
     * client certificates) would be ignored. Hand it over as a private temporary file instead; the caller deletes
     * it once the vhost exists. Returns null when there is no such CA.
     */
    private static Path caPemAsFile(lws_context_creation_info vinfo, TlsOptions tls, ContextSetup setup) {
        if (tls == null || tls.caPem() == null || tls.caFile() != null) {
            return null;
        }
        try {
            Path file = Files.createTempFile("lws-java-ca-", ".pem",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, tls.caPem(), java.nio.charset.StandardCharsets.US_ASCII);
            vinfo.ssl_ca_filepath(setup.string(file.toString()));
            vinfo.server_ssl_ca_mem(null).server_ssl_ca_mem_len(0);
            return file;
        } catch (UnsupportedOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot hand the CA PEM to lws: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete " + file, e);
        }
    }

    /** The mount list of a vhost: static directories and callback mounts, linked in order. */
    private lws_http_mount mounts(ContextSetup setup) {
        lws_http_mount first = null;
        lws_http_mount previous = null;
        for (Mount m : config.mounts) {
            lws_http_mount mount = new lws_http_mount().zero();
            engine.retain(mount);
            mount.mountpoint(setup.string(m.mountpoint)).mountpoint_len((byte) m.mountpoint.length());
            if (m.directory != null) {
                mount.origin(setup.string(m.directory.toAbsolutePath().toString()))
                     .def(setup.string(m.defaultDocument))
                     .origin_protocol((byte) LWSMPRO_FILE);
                if (m.cacheMaxAge > 0) {
                    mount.cache_max_age(m.cacheMaxAge).cache_reusable(1).cache_revalidate(1);
                }
                mount.extra_mimetypes(mimeTypes(setup));
            } else {
                mount.origin(setup.string(HTTP_PROTOCOL)).origin_protocol((byte) LWSMPRO_CALLBACK);
            }
            if (previous == null) {
                first = mount;
            } else {
                previous.mount_next(mount);
            }
            previous = mount;
        }
        return first;
    }

    /** The extra MIME types as lws's option list (".ext" = type; lws reads a leading "*" as "any file"), or null. */
    private lws_protocol_vhost_options mimeTypes(ContextSetup setup) {
        lws_protocol_vhost_options first = null;
        for (Map.Entry<String, String> m : config.mimeTypes.entrySet()) {
            lws_protocol_vhost_options option = new lws_protocol_vhost_options().zero();
            engine.retain(option);
            option.name(setup.string(m.getKey())).value(setup.string(m.getValue())).next(first);
            first = option;
        }
        return first;
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
        return engine.connections();
    }

    /**
     * The upgrade request that opened a connection of this server (path, query, headers, remote address), or
     * null when the connection is not one of this server's open connections.
     *
     * @param connection a connection of this server
     * @return its upgrade request, or null
     */
    public UpgradeRequest upgradeRequest(WebSocket connection) {
        return connection instanceof Connection c ? upgradeRequests.get(c.id()) : null;
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
        if (index < 0 || index == 1) {
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
        engine.execute(() -> {
            for (Connection c : engine.connectionsSnapshot()) {
                if ((index == ALL_PROTOCOLS || c.protocolIndex() == index) && c.state() == WebSocket.State.OPEN) {
                    send.accept(c);
                }
            }
        });
    }

    /**
     * Stops: every connection is closed with 1001 (going away), the close handshakes get up to two seconds,
     * then the context is destroyed and the ports are free again.
     */
    @Override
    public void close() {
        engine.shutdown(WebSocket.GOING_AWAY, 2000);
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
        engine.awaitStopped(null);
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
        return engine.awaitStopped(java.util.Objects.requireNonNull(timeout, "timeout"));
    }

    private final class Hooks implements Engine.ServerHooks {
        @Override
        public long upgrade(Engine e, long wsi, int protocol) {
            WebSocket.Listener handler = protocol >= 0 && protocol < handlers.size() ? handlers.get(protocol) : null;
            UpgradeRequest request = null;
            if (protocol == 0 && !config.routes.isEmpty()) { // no subprotocol: a route by path, else the default
                request = UpgradeRequest.read(wsi, "");
                WebSocket.Listener routed = config.routes.get(request.path());
                if (routed == null && handler == null) {
                    return -404; // no route for this path and no default handler
                }
                handler = routed != null ? routed : handler;
            }
            if (handler == null) {
                return -400; // no such protocol (or no default handler)
            }
            if (!e.running()) {
                return -503; // shutting down: close() stops accepting before the context goes
            }
            if (config.maxConnections > 0 && openConnections >= config.maxConnections) {
                return -503;
            }
            if (request == null) {
                request = UpgradeRequest.read(wsi, protocol == 0 ? "" : protocolNames.get(protocol));
            }
            if (config.upgradeFilter != null) {
                int status;
                try {
                    status = config.upgradeFilter.check(request);
                } catch (Throwable t) {
                    status = 500;
                }
                if (status != 0) {
                    return -Math.max(400, Math.min(599, status));
                }
            }
            String pathAndQuery = request.query().isEmpty() ? request.path() : request.path() + "?" + request.query();
            String host = request.header("host");
            if (host == null || host.isBlank()) { // HTTP/1.0 without Host: the address that was listened on
                host = hostAndPort(config.host, Lws.listenPort(wsi));
            }
            String url = (Lws.isTls(wsi) ? "wss://" : "ws://") + host + pathAndQuery;
            Connection c = new Connection(e, e.nextConnectionId(), handler, pathAndQuery, url, Map.of(), 256);
            c.remoteAddress(request.remoteAddress());
            e.add(c);
            openConnections++;
            upgradeRequests.put(c.id(), request);
            // the close future completes on the service thread (Connection.closed/fail), whatever executor runs
            // the listener: the count stays a plain service-thread field
            c.closeFuture().whenComplete((ws, error) -> {
                openConnections--;
                upgradeRequests.remove(c.id());
            });
            return c.id();
        }

        @Override
        public int http(Engine e, long wsi, String uri, int method) {
            byte[] buffer = new byte[8192];
            HttpMethod verb = HttpMethod.of(method);
            if (verb == null) {
                return 0;
            }
            String path = HttpHeaders.header(wsi, verb.uriToken, buffer);
            if (path == null) {
                path = uri;
            }
            HttpHandler handler = null;
            int longest = -1;
            for (Mount m : config.mounts) { // the callback mount with the longest matching mountpoint
                if (m.handler != null && path.startsWith(m.mountpoint) && m.mountpoint.length() > longest) {
                    handler = m.handler;
                    longest = m.mountpoint.length();
                }
            }
            if (handler == null) {
                return 0;
            }
            String query = HttpHeaders.header(wsi, WSI_TOKEN_HTTP_URI_ARGS, buffer);
            Map<String, String> headers = HttpHeaders.read(wsi, buffer);
            HttpExchange exchange = new HttpExchange(wsi, new HttpHandler.Request(verb.name(), path,
                    query == null ? "" : query, headers, new byte[0]), handler);
            if (verb.bodyComes(headers.get("content-length"))) {
                httpRequests.put(wsi, exchange);
                return 2;
            }
            exchange.respond(new byte[0]);
            return 1;
        }

        @Override
        public void httpBody(Engine e, long wsi, byte[] body) {
            HttpExchange exchange = httpRequests.remove(wsi);
            if (exchange != null) {
                exchange.respond(body);
            }
        }
    }

    /** The methods lws tells apart (LWSHUMETH_*), the header token of each one's URI, and when a body follows. */
    private enum HttpMethod {
        GET(WSI_TOKEN_GET_URI), POST(WSI_TOKEN_POST_URI), OPTIONS(WSI_TOKEN_OPTIONS_URI), PUT(WSI_TOKEN_PUT_URI),
        PATCH(WSI_TOKEN_PATCH_URI), DELETE(WSI_TOKEN_DELETE_URI), CONNECT(WSI_TOKEN_CONNECT), HEAD(WSI_TOKEN_HEAD_URI);

        final int uriToken;

        HttpMethod(int uriToken) {
            this.uriToken = uriToken;
        }

        /** The method of lws's LWSHUMETH_* index, or null for one it does not know. */
        static HttpMethod of(int lwsMethod) {
            return switch (lwsMethod) {
                case LWSHUMETH_GET -> GET;
                case LWSHUMETH_POST -> POST;
                case LWSHUMETH_OPTIONS -> OPTIONS;
                case LWSHUMETH_PUT -> PUT;
                case LWSHUMETH_PATCH -> PATCH;
                case LWSHUMETH_DELETE -> DELETE;
                case LWSHUMETH_CONNECT -> CONNECT;
                case LWSHUMETH_HEAD -> HEAD;
                default -> null;
            };
        }

        /** Whether lws reads a body, whose end (LWSJ_EV_HTTP_BODY_DONE) the answer waits for. */
        boolean bodyComes(String contentLength) {
            if (this == POST) {
                return true; // lws ends even an empty one with a body-complete callback
            }
            if (this != PUT && this != PATCH || contentLength == null) {
                return false;
            }
            try {
                return Long.parseLong(contentLength.trim()) > 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    /** One HTTP request on a callback mount, answered on the service thread. */
    private record HttpExchange(long wsi, HttpHandler.Request request, HttpHandler handler) {
        void respond(byte[] body) {
            HttpHandler.Response response;
            try {
                response = handler.handle(new HttpHandler.Request(request.method(), request.path(), request.query(),
                        request.headers(), body));
                if (response == null) {
                    response = HttpHandler.Response.text(500, "the handler gave no response");
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "HTTP handler for " + request.path() + " failed", t);
                response = HttpHandler.Response.text(500, "internal error");
            }
            byte[] content = response.body();
            lwsj_http_respond(wsi, response.status(), response.contentType(), response.headerLines(), content,
                    content.length);
        }
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

    private record VhostConfig(String name, String host, int port, TlsOptions tls) {
    }

    private record Mount(String mountpoint, Path directory, String defaultDocument, int cacheMaxAge, HttpHandler handler) {
    }

    /** Server settings. */
    public static final class Builder extends EngineBuilder<Builder> {
        private String host = "127.0.0.1";
        private int port;
        private TlsOptions tls;
        private final List<VhostConfig> extraVhosts = new ArrayList<>();
        private WebSocket.Listener defaultHandler;
        private final Map<String, WebSocket.Listener> protocols = new LinkedHashMap<>();
        private final Map<String, WebSocket.Listener> routes = new LinkedHashMap<>();
        private final List<Mount> mounts = new ArrayList<>();
        private final Map<String, String> mimeTypes = new LinkedHashMap<>();
        private UpgradeFilter upgradeFilter;
        private int maxConnections;

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
            extraVhosts.add(new VhostConfig(name, host, port, tls));
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
            mounts.add(new Mount(mountpoint, directory, defaultDocument, (int) cacheMaxAge.toSeconds(), null));
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
            mounts.add(new Mount(mountpoint, null, null, 0, handler));
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

        private List<VhostConfig> vhosts() {
            List<VhostConfig> all = new ArrayList<>();
            all.add(new VhostConfig("default", host, port, tls));
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
