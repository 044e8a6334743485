package io.github.lwsjava;

/**
 * A WebSocket operation failed: the connection is closed, the outbound queue is full, the handshake or TLS was
 * refused. {@link #kind()} tells which.
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
        /** The server answered the upgrade with something other than 101, or broke the protocol. */
        HANDSHAKE,
        /** No answer in the configured time. */
        TIMEOUT,
        /** The client or server was shut down. */
        SHUTDOWN
    }

    private final Kind kind;

    public WebSocketException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** The class of failure. */
    public Kind kind() {
        return kind;
    }
}
