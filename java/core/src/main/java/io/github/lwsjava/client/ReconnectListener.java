package io.github.lwsjava.client;

import java.time.Duration;

import io.github.lwsjava.WebSocket;

/**
 * A listener of a reconnecting connection ({@link WebSocketClient.ConnectionBuilder#reconnect}) that also hears
 * about the reconnects. A plain {@link WebSocket.Listener} works too and simply does not hear these.
 *
 * <p>The {@code webSocket} argument of every callback is the one {@link ReconnectingWebSocket}, whatever the
 * connection underneath. {@code onOpen} is called for every connection that opens (the first and each reconnect);
 * {@code onClose} only once, at the very end: after {@link WebSocket#sendClose}/{@link WebSocket#close}, when the
 * policy gives up, or when the client is closed. Callbacks arrive on the client's service thread, its executor,
 * or the shared timer thread; they follow each other (an event is reported after the one that caused it) and do
 * not overlap.
 */
public interface ReconnectListener extends WebSocket.Listener {

    /** An open connection was lost (the peer's close code and reason, or 1006); a reconnect follows. */
    default void onDisconnected(WebSocket webSocket, int code, String reason) {}

    /** Attempt number {@code attempt} (from 1 in each outage) starts after {@code delay}. */
    default void onReconnectScheduled(WebSocket webSocket, int attempt, Duration delay) {}

    /** Attempt number {@code attempt} is connecting now. */
    default void onReconnectAttempt(WebSocket webSocket, int attempt) {}

    /** Attempt number {@code attempt} failed with {@code error}; another is scheduled unless the policy gives up. */
    default void onReconnectFailed(WebSocket webSocket, int attempt, Throwable error) {}

    /**
     * A connection opened again after {@code attempts} attempts (called before {@code onOpen} of that
     * connection, and before the messages queued meanwhile are sent).
     */
    default void onReconnected(WebSocket webSocket, int attempts) {}

    /** The policy's attempts are used up; {@code onClose} with 1006 follows. */
    default void onGiveUp(WebSocket webSocket, int attempts, Throwable lastError) {}
}
