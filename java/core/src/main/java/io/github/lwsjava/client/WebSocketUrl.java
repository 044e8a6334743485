package io.github.lwsjava.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A parsed {@code ws://} or {@code wss://} URL (as with the JDK's WebSocket, {@code http://} and {@code https://}
 * are refused): host (IPv6 literals without brackets), port (default 80 or 443),
 * path with query. Anything else is an IllegalArgumentException that names the problem.
 *
 * @param secure whether the scheme is wss
 * @param host the host name or address (IPv6 without brackets)
 * @param port the port
 * @param path the path with the query, "/" at least
 */
public record WebSocketUrl(boolean secure, String host, int port, String path) {

    /**
     * Parses a URL.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @return its parts
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static WebSocketUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("WebSocket URL is empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid WebSocket URL '" + url + "': " + e.getReason(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure;
        switch (scheme) {
            case "ws" -> secure = false;
            case "wss" -> secure = true;
            // as the JDK's WebSocket does: http(s):// is refused, not taken for ws(s)://
            default -> throw new IllegalArgumentException("WebSocket URL '" + url + "' must start with ws:// or wss://"
                    + (scheme.isEmpty() ? "" : ", not " + scheme + "://")
                    + (scheme.equals("http") ? " (use ws:// for plain HTTP)" : scheme.equals("https") ? " (use wss:// for TLS)" : ""));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("WebSocket URL '" + url + "' has no host");
        }
        if (uri.getFragment() != null) {
            throw new IllegalArgumentException("WebSocket URL '" + url + "' may not have a fragment (#" + uri.getFragment() + ")");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort();
        if (port == -1) {
            port = secure ? 443 : 80;
        } else if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("WebSocket URL '" + url + "' has port " + port + ", outside 1-65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new WebSocketUrl(secure, host, port, path);
    }

    /** {@return the Host header: host[:port], with brackets for IPv6 and without a default port} */
    public String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == (secure ? 443 : 80) ? h : h + ":" + port;
    }

    /** {@return host:port, with brackets for IPv6 and always with the port: how errors name the server} */
    public String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (secure ? "wss://" : "ws://") + hostHeader() + path;
    }
}
