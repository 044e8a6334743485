package io.github.lwsjava;

import java.util.Map;

/**
 * A WebSocket operation failed: the connection is closed, the outbound queue is full, the handshake or TLS was
 * refused. {@link #kind()} tells which; a refused upgrade also carries the server's HTTP status and headers.
 */
public class WebSocketException extends RuntimeException {

    /** The class of failure. */
    public enum Kind {
        /** The connection is closed or closing. */
        CLOSED,
        /** The outbound queue reached its byte limit. */
        QUEUE_FULL,
        /** The TCP connection was refused or the host could not be reached. */
        CONNECT_FAILED,
        /** The host name did not resolve. */
        DNS,
        /** The TLS handshake failed (certificate not trusted, host name mismatch, protocol). */
        TLS,
        /**
         * The server answered the upgrade with something other than 101 ({@link #statusCode()} says what), or
         * broke the protocol of the handshake.
         */
        HANDSHAKE,
        /** No answer in the configured time. */
        TIMEOUT,
        /**
         * The proxy (io.github.lwsjava.client.Proxy) could not be reached or refused the connection: wrong or
         * missing credentials, a policy, or the server unreachable from the proxy; the message names the proxy.
         */
        PROXY,
        /** The client or server was shut down. */
        SHUTDOWN
    }

    /** The class of failure. */
    private final Kind kind;
    /** The HTTP status of a refused upgrade, or 0. */
    private final int statusCode;
    /** The headers of a refused upgrade by lower-case name, or empty. */
    private final Map<String, String> headers;

    /**
     * A failure without an HTTP answer.
     *
     * @param kind the class of failure
     * @param message what failed, naming the peer where there is one
     */
    public WebSocketException(Kind kind, String message) {
        this(kind, message, 0, Map.of());
    }

    /**
     * A failure with the HTTP answer to the upgrade.
     *
     * @param kind the class of failure
     * @param message what failed
     * @param statusCode the HTTP status of the server's answer, 0 when there was none
     * @param headers the answer's headers by lower-case name
     */
    public WebSocketException(Kind kind, String message, int statusCode, Map<String, String> headers) {
        super(message);
        this.kind = kind;
        this.statusCode = statusCode;
        this.headers = Map.copyOf(headers);
    }

    /** {@return the class of failure} */
    public Kind kind() {
        return kind;
    }

    /** {@return the HTTP status with which the server refused the upgrade (401, 403, 404, ...), or 0 without one} */
    public int statusCode() {
        return statusCode;
    }

    /** {@return the headers of the server's refusal by lower-case name (e.g. "www-authenticate"); empty without one} */
    public Map<String, String> headers() {
        return headers;
    }
}
