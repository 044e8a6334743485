package io.github.lwsjava.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.engine.Rfc6455;

/**
 * What one vhost of a server serves, as lws keeps it per vhost: its WebSocket handlers (the default one,
 * subprotocols, routes by path), its HTTP mounts (files lws serves itself, Java handlers, redirects), the headers
 * lws adds to every HTTP response it sends for the vhost, and its access log. Two vhosts of one server may serve
 * the same path or subprotocol differently. Given to the setup of {@link WebSocketServer.Builder#vhost(String,
 * String, int, io.github.lwsjava.tls.TlsOptions, java.util.function.Consumer)}; the server builder's own
 * {@code handler}, {@code protocol}, {@code route}, {@code staticFiles}, {@code http}, {@code redirect},
 * {@code mimeType}, {@code header} and {@code accessLog} set up its default vhost.
 *
 * <pre>{@code
 * WebSocketServer.builder()
 *         .vhost("api", "127.0.0.1", 8081, null, v -> v
 *                 .protocol("chat", chat)
 *                 .staticFiles("/", StaticFiles.of(Path.of("web")))
 *                 .http("/status", request -> HttpHandler.Response.json(200, "{}"))
 *                 .header("X-Frame-Options", "DENY")
 *                 .accessLog(Path.of("api-access.log")))
 *         .build();
 * }</pre>
 *
 * <p>Not thread-safe: set it up before {@code build()}.
 */
public final class VirtualHost {

    /** The most bytes of {@link #header} lines ("Name: value\r\n") a vhost may have. */
    static final int MAX_HEADER_BYTES = 1024;

    /** A file mount (files set), a callback mount (handler set) or a redirect (location set). */
    record Mount(String mountpoint, StaticFiles files, HttpHandler handler, String location) {
    }

    WebSocket.Listener defaultHandler;
    final Map<String, WebSocket.Listener> protocols = new LinkedHashMap<>();
    final Map<String, WebSocket.Listener> routes = new LinkedHashMap<>();
    final List<Mount> mounts = new ArrayList<>();
    final Map<String, String> mimeTypes = new LinkedHashMap<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    Path accessLog;

    VirtualHost() {
    }

    /** Whether it serves nothing at all (no handler, protocol, route or mount). */
    boolean isEmpty() {
        return defaultHandler == null && protocols.isEmpty() && routes.isEmpty() && mounts.isEmpty();
    }

    /** The bytes its response headers take ("Name: value\r\n" each). */
    int headerBytes() {
        int size = 0;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            size += h.getKey().length() + h.getValue().getBytes(StandardCharsets.UTF_8).length + 4;
        }
        return size;
    }

    /**
     * Handles this vhost's connections that ask for no subprotocol (and match no {@link #route}). A client that
     * lists subprotocols of which the vhost knows none is refused by lws.
     *
     * @param handler receives each such connection's events (on the service thread, or the server's executor)
     * @return this vhost
     */
    public VirtualHost handler(WebSocket.Listener handler) {
        this.defaultHandler = handler;
        return this;
    }

    /**
     * Handles this vhost's connections that ask for this subprotocol.
     *
     * @param name the subprotocol (an HTTP token, not starting with "lws-java-")
     * @param handler receives each such connection's events
     * @return this vhost
     * @throws IllegalArgumentException naming an invalid name, or when the handler is null
     */
    public VirtualHost protocol(String name, WebSocket.Listener handler) {
        if (!Rfc6455.isToken(name) || name.startsWith("lws-java-")) {
            throw new IllegalArgumentException("invalid protocol name '" + name + "'");
        }
        if (handler == null) {
            throw new IllegalArgumentException("protocol " + name + " has no handler");
        }
        protocols.put(name, handler);
        return this;
    }

    /**
     * Handles connections to this path that ask for no subprotocol, in place of the {@link #handler default
     * handler}: the request's path must equal it exactly (the query is ignored; no prefix matching). A
     * connection that names a subprotocol goes to that protocol's handler whatever its path. When no route
     * matches, the default handler takes the connection, or without one it is refused with 404. The server's
     * upgrade filter still decides on every request. A second route for the same path replaces the first.
     *
     * @param path the request path, starting with "/", without query
     * @param handler receives each such connection's events
     * @return this vhost
     * @throws IllegalArgumentException naming a path that does not start with "/" or holds '?' or '#', or when
     *         the handler is null
     */
    public VirtualHost route(String path, WebSocket.Listener handler) {
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
     * Serves the files of a directory under a mountpoint, index.html by default, without caching.
     *
     * @param mountpoint where, starting with "/" ("/" for the root)
     * @param directory the files
     * @return this vhost
     * @throws IllegalArgumentException when the mountpoint is malformed or taken, or the directory does not exist
     */
    public VirtualHost staticFiles(String mountpoint, Path directory) {
        return staticFiles(mountpoint, StaticFiles.of(directory));
    }

    /**
     * Serves files under a mountpoint, lws's file mount: lws reads and sends them itself.
     *
     * @param mountpoint where, starting with "/" ("/" for the root)
     * @param files the directory, default document, caching and MIME types
     * @return this vhost
     * @throws IllegalArgumentException when the mountpoint is malformed or taken
     */
    public VirtualHost staticFiles(String mountpoint, StaticFiles files) {
        if (files == null) {
            throw new IllegalArgumentException("static files for " + mountpoint + " are null");
        }
        return mount(new Mount(mountpoint, files, null, null));
    }

    /**
     * Answers the requests under a mountpoint with a handler, whatever their method (on the service thread: be
     * quick). lws matches the longest mountpoint first.
     *
     * @param mountpoint where, starting with "/"
     * @param handler answers the requests
     * @return this vhost
     * @throws IllegalArgumentException when the mountpoint is malformed or taken, or the handler is null
     */
    public VirtualHost http(String mountpoint, HttpHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("HTTP mount " + mountpoint + " has no handler");
        }
        return mount(new Mount(mountpoint, null, handler, null));
    }

    /**
     * Answers every request under a mountpoint with 301 (Moved Permanently) to a location, as lws's redirect
     * mounts do: the Location is always the one given, whatever the path below the mountpoint.
     *
     * @param mountpoint where, starting with "/"
     * @param location an absolute http:// or https:// URL, at most 200 characters, without spaces or controls
     * @return this vhost
     * @throws IllegalArgumentException when the mountpoint is malformed or taken, or the location is not such a URL
     */
    public VirtualHost redirect(String mountpoint, String location) {
        if (location == null || !(location.startsWith("http://") || location.startsWith("https://"))
                || location.length() > 200 || location.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)
                || location.endsWith("://")) {
            throw new IllegalArgumentException("redirect location '" + location
                    + "' must be an http:// or https:// URL of at most 200 characters, without spaces");
        }
        return mount(new Mount(mountpoint, null, null, location));
    }

    /**
     * Serves files ending with extension with this Content-Type on every static mount of this vhost, beside
     * lws's own table (html, css, js, json, png, jpg, svg, ...); a mount's own {@link StaticFiles#mimeType}
     * comes first.
     *
     * @param extension the file extension, with or without the dot
     * @param contentType the Content-Type, e.g. "application/wasm"
     * @return this vhost
     * @throws IllegalArgumentException when either is malformed
     */
    public VirtualHost mimeType(String extension, String contentType) {
        if ("*".equals(extension)) {
            throw new IllegalArgumentException("mimeType(\"*\", ...) is for one mount: StaticFiles.mimeType");
        }
        mimeTypes.put(StaticFiles.checkExtension(extension, contentType), contentType);
        return this;
    }

    /**
     * Adds a header to every HTTP response of this vhost: files lws serves, redirects, lws's own error pages and
     * the answers of Java handlers (a handler's response should not repeat it). Security headers go here:
     * Strict-Transport-Security, Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, ...
     * (lws's vhost "headers"). A WebSocket upgrade's 101 answer does not carry them.
     *
     * @param name the header's name (an HTTP token)
     * @param value its value, without control characters
     * @return this vhost
     * @throws IllegalArgumentException naming an invalid name or value, or when the headers would exceed 1 KiB
     */
    public VirtualHost header(String name, String value) {
        if (name == null || !Rfc6455.isToken(name)) {
            throw new IllegalArgumentException("invalid response header name '" + name + "'");
        }
        if (value == null || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            throw new IllegalArgumentException("invalid value for response header " + name + ": '" + value + "'");
        }
        String before = headers.put(name, value);
        if (headerBytes() > MAX_HEADER_BYTES) {
            if (before == null) {
                headers.remove(name);
            } else {
                headers.put(name, before);
            }
            throw new IllegalArgumentException("response headers of more than " + MAX_HEADER_BYTES
                    + " bytes with " + name);
        }
        return this;
    }

    /**
     * Appends a line per HTTP request of this vhost to a file, in the combined log format (the common log
     * format, then the Referer and User-Agent), written by lws itself: for the files it serves, its error answers
     * and Java handlers' answers alike. The file is created (mode 0600) if missing, and appended to by every
     * service thread. As lws 4.3.5 writes it: the size is the bytes sent, headers included; the path is without
     * its query; what the peer sent is escaped (\xNN); a WebSocket connection is logged once it closes, as
     * {@code "GET /path (protocol) HTTP/1.1" 101} (the protocol of connections without a subprotocol is
     * "lws-java-default"); the 301 answers of {@link #redirect} mounts are not logged.
     *
     * @param file the log file; null for none
     * @return this vhost
     * @throws IllegalArgumentException when the file's directory does not exist
     */
    public VirtualHost accessLog(Path file) {
        if (file != null) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("access log " + file + ": directory " + dir + " does not exist");
            }
        }
        this.accessLog = file;
        return this;
    }

    private VirtualHost mount(Mount m) {
        String mountpoint = m.mountpoint();
        if (mountpoint == null || !mountpoint.startsWith("/")
                || mountpoint.getBytes(StandardCharsets.UTF_8).length > 255
                || mountpoint.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("mountpoint '" + mountpoint
                    + "' must start with / and be at most 255 bytes, without spaces or controls");
        }
        for (Mount other : mounts) {
            if (other.mountpoint().equals(mountpoint)) {
                throw new IllegalArgumentException("mountpoint " + mountpoint + " is mounted twice");
            }
        }
        mounts.add(m);
        return this;
    }
}
