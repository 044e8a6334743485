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
 * policy gives up, or when the client is closed. Every callback, these and the connection's own, runs where the
 * client's listeners run (its executor, or else its service thread), one at a time, each after the event that
 * caused it; never on a timer's thread or on the thread that called {@code sendClose}.
 */
public interface ReconnectListener extends WebSocket.Listener {

    /**
     * An open connection was lost; a reconnect follows.
     *
     * @param webSocket the reconnecting WebSocket
     * @param code the peer's close code, or 1006 without one
     * @param reason the close reason
     */
    default void onDisconnected(WebSocket webSocket, int code, String reason) {}

    /**
     * An attempt is scheduled.
     *
     * @param webSocket the reconnecting WebSocket
     * @param attempt its number, from 1 in each outage
     * @param delay the time until it starts
     */
    default void onReconnectScheduled(WebSocket webSocket, int attempt, Duration delay) {}

    /**
     * An attempt is connecting now.
     *
     * @param webSocket the reconnecting WebSocket
     * @param attempt its number, from 1 in each outage
     */
    default void onReconnectAttempt(WebSocket webSocket, int attempt) {}

    /**
     * An attempt failed; another is scheduled unless the policy gives up.
     *
     * @param webSocket the reconnecting WebSocket
     * @param attempt its number, from 1 in each outage
     * @param error why it failed
     */
    default void onReconnectFailed(WebSocket webSocket, int attempt, Throwable error) {}

    /**
     * A connection opened again (called before {@code onOpen} of that connection, and before the messages queued
     * meanwhile are sent).
     *
     * @param webSocket the reconnecting WebSocket
     * @param attempts the attempts it took
     */
    default void onReconnected(WebSocket webSocket, int attempts) {}

    /**
     * The policy's attempts are used up; {@code onClose} with 1006 follows.
     *
     * @param webSocket the reconnecting WebSocket
     * @param attempts the attempts made in this outage
     * @param lastError why the last one failed
     */
    default void onGiveUp(WebSocket webSocket, int attempts, Throwable lastError) {}
}
