package io.github.lwsjava.client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * A proxy that client connections go through: an HTTP proxy (the connection is tunnelled with {@code CONNECT}) or a
 * SOCKS5 proxy (RFC 1928; the proxy resolves the server's host name), optionally with a user name and password
 * (HTTP Basic {@code Proxy-Authorization}, or SOCKS5 user/password, RFC 1929). ws and wss both work through either;
 * TLS is end to end, so the proxy sees only the server's host and port.
 *
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.builder()
 *         .proxy(Proxy.http("127.0.0.1", 3128).withCredentials("user", "secret"))
 *         .build();
 * }</pre>
 *
 * <p>A client uses no proxy unless one is given: the {@code http_proxy} and {@code socks_proxy} environment
 * variables, which libwebsockets itself would read, are ignored, as are the JDK's proxy system properties.
 *
 * <p>Limits of the libwebsockets inside: user name and password are sent as UTF-8 and may not contain NUL; the user
 * name may not contain ':'; an HTTP proxy takes at most 93 bytes of {@code user:password}, a SOCKS5 proxy a user
 * name of at most 95 and a password of at most 94 bytes; a SOCKS5 proxy's host may not be an IPv6 literal, and a
 * server's IPv6 literal cannot be reached through an HTTP proxy. What does not fit is refused with an
 * IllegalArgumentException naming it.
 *
 * @param type HTTP or SOCKS5 ({@link Type#DIRECT} for {@link #NONE})
 * @param host the proxy's host name or address (IPv6 without brackets); empty for {@link #NONE}
 * @param port the proxy's port
 * @param user the user name, or null for none
 * @param password the password, or null when there is no user name
 */
public record Proxy(Type type, String host, int port, String user, String password) {

    /** No proxy: for one connection of a client that has one ({@link WebSocketClient.ConnectionBuilder#proxy}). */
    public static final Proxy NONE = new Proxy(Type.DIRECT, "", 0, null, null);

    /** What kind of proxy. */
    public enum Type {
        /** A direct connection, no proxy ({@link #NONE}). */
        DIRECT,
        /** An HTTP proxy, through a {@code CONNECT} tunnel. */
        HTTP,
        /** A SOCKS5 proxy. */
        SOCKS5
    }

    /** The longest {@code host:port} that libwebsockets keeps for a proxy (its buffer is 128 bytes). */
    private static final int MAX_ADDRESS = 127;

    /**
     * Checks the parts; use the factories {@link #http}, {@link #socks5} and {@link #withCredentials}.
     *
     * @param type HTTP or SOCKS5 ({@link Type#DIRECT} for {@link #NONE})
     * @param host the proxy's host name or address
     * @param port the proxy's port
     * @param user the user name, or null for none
     * @param password the password, or null when there is no user name
     * @throws IllegalArgumentException naming the value that libwebsockets cannot carry
     */
    public Proxy {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        if (type == Type.DIRECT) {
            if (!host.isEmpty() || port != 0 || user != null || password != null) {
                throw new IllegalArgumentException("a direct connection (Proxy.NONE) has no host, port or credentials");
            }
        } else {
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            checkHost(type, host);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("proxy port " + port + " is outside 1-65535");
            }
            if (bracketed(host).length() + 1 + Integer.toString(port).length() > MAX_ADDRESS) {
                throw new IllegalArgumentException("proxy host '" + host + "' is too long (at most " + MAX_ADDRESS
                        + " characters with ':' and the port)");
            }
            if ((user == null) != (password == null)) {
                throw new IllegalArgumentException("proxy credentials need both a user name and a password");
            }
            if (user != null) {
                checkCredentials(type, user, password);
            }
        }
    }

    /**
     * An HTTP proxy: connections are tunnelled with {@code CONNECT host:port}.
     *
     * @param host the proxy's host name or address
     * @param port the proxy's port
     * @return the proxy, without credentials
     * @throws IllegalArgumentException naming a bad host or port
     */
    public static Proxy http(String host, int port) {
        return new Proxy(Type.HTTP, host, port, null, null);
    }

    /**
     * A SOCKS5 proxy (the proxy resolves the server's host name).
     *
     * @param host the proxy's host name or IPv4 address
     * @param port the proxy's port
     * @return the proxy, without credentials
     * @throws IllegalArgumentException naming a bad host or port
     */
    public static Proxy socks5(String host, int port) {
        return new Proxy(Type.SOCKS5, host, port, null, null);
    }

    /**
     * This proxy with a user name and password.
     *
     * @param user the user name: not empty, no ':' or NUL
     * @param password the password: no NUL
     * @return a new proxy
     * @throws IllegalArgumentException naming what libwebsockets cannot carry
     * @throws IllegalStateException on {@link #NONE}
     */
    public Proxy withCredentials(String user, String password) {
        if (type == Type.DIRECT) {
            throw new IllegalStateException("Proxy.NONE takes no credentials");
        }
        return new Proxy(type, host, port, Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(password, "password"));
    }

    /** {@return host:port, with brackets around an IPv6 literal: how errors name the proxy} */
    public String address() {
        return bracketed(host) + ":" + port;
    }

    /** {@return e.g. "HTTP proxy 127.0.0.1:3128" or "direct"; never the credentials} */
    @Override
    public String toString() {
        return switch (type) {
            case DIRECT -> "direct";
            case HTTP -> "HTTP proxy " + address() + (user == null ? "" : " (user " + user + ")");
            case SOCKS5 -> "SOCKS5 proxy " + address() + (user == null ? "" : " (user " + user + ")");
        };
    }

    private static String bracketed(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static void checkHost(Type type, String host) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("proxy host is empty");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c >= 0x7f || "@/[]?#\\".indexOf(c) >= 0) {
                throw new IllegalArgumentException("proxy host '" + host + "' has a character not allowed in a host: '"
                        + c + "'");
            }
        }
        if (host.contains(":") && type == Type.SOCKS5) {
            // lws_set_socks splits "host:port" at the first ':'
            throw new IllegalArgumentException("SOCKS5 proxy host '" + host + "': an IPv6 literal cannot be used "
                    + "(libwebsockets parses host:port at the first ':'); use a host name or an IPv4 address");
        }
    }

    private static void checkCredentials(Type type, String user, String password) {
        if (user.isEmpty()) {
            throw new IllegalArgumentException("proxy user name is empty");
        }
        if (user.indexOf(':') >= 0) { // Basic auth and lws's "user:password@" both end the user at the first ':'
            throw new IllegalArgumentException("proxy user name '" + user + "' may not contain ':'");
        }
        if (user.indexOf(0) >= 0 || password.indexOf(0) >= 0) {
            throw new IllegalArgumentException("proxy user name or password contains NUL");
        }
        int userBytes = user.getBytes(StandardCharsets.UTF_8).length;
        int passwordBytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (type == Type.HTTP) {
            // lws skips a leading "http://" of the proxy string, user name included
            if (user.toLowerCase(Locale.ROOT).startsWith("http://")) {
                throw new IllegalArgumentException("proxy user name '" + user + "' may not start with http://");
            }
            // base64 of user:password must fit lws's 128-byte token with its NUL
            if (userBytes + 1 + passwordBytes > 93) {
                throw new IllegalArgumentException("proxy credentials of user '" + user + "' are too long for an HTTP "
                        + "proxy: " + (userBytes + 1 + passwordBytes) + " bytes of user:password, at most 93");
            }
        } else {
            if (userBytes > 95) {
                throw new IllegalArgumentException("SOCKS5 proxy user name '" + user + "' is too long: " + userBytes
                        + " bytes, at most 95");
            }
            if (passwordBytes > 94) {
                throw new IllegalArgumentException("SOCKS5 proxy password of user '" + user + "' is too long: "
                        + passwordBytes + " bytes, at most 94");
            }
        }
    }
}
