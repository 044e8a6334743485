package io.github.lwsjava;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket connection, client or server side. Every method is safe from any thread. A message sent from the
 * service thread is queued in the native engine at once; from any other thread it is copied into the engine's
 * post box and the service thread, which alone talks to libwebsockets, takes it at its next wake-up. Either way the
 * messages of one thread go out in the order they were sent.
 *
 * <p>The {@link Listener}'s callbacks of one connection never overlap and come in order, on the service thread or,
 * when the client or server was built with an executor, on that executor.
 *
 * <p>Send futures complete when lws has handed the whole message to the kernel, and fail with
 * {@link WebSocketException} when the connection closes first or the outbound queue is full. A call after the
 * connection closed fails its future at once; it never touches the native connection.
 */
public interface WebSocket extends AutoCloseable {

    /** Normal closure. */
    int NORMAL_CLOSURE = 1000;
    /** The endpoint is going away (server shutdown). */
    int GOING_AWAY = 1001;
    /** Protocol error. */
    int PROTOCOL_ERROR = 1002;
    /** No status code was present in the close frame. */
    int NO_STATUS = 1005;
    /** The connection was lost without a close frame. */
    int ABNORMAL_CLOSURE = 1006;
    /** A text message was not valid UTF-8. */
    int INVALID_PAYLOAD = 1007;
    /** A message was larger than the configured maximum. */
    int MESSAGE_TOO_BIG = 1009;

    /** Life cycle of a connection. */
    enum State {
        /** The handshake is under way. */
        CONNECTING,
        /** The handshake completed: messages flow both ways. */
        OPEN,
        /** A close frame was sent or received; the close handshake is under way. */
        CLOSING,
        /** The connection is closed; sends fail with {@link WebSocketException.Kind#CLOSED}. */
        CLOSED }

    /** Who ended a connection: whose close frame went first on the wire (see {@link #closedBy()}). */
    enum ClosedBy {
        /** No close handshake: the connection was lost, refused or dropped (code 1006). */
        NETWORK,
        /** This side's application: {@link #sendClose}, {@link #close}, or closing the client or server. */
        APPLICATION,
        /** The peer's close frame came first. */
        PEER,
        /**
         * The library failed the connection (the code says why): the peer broke the protocol (1002), sent invalid
         * UTF-8 (1007) or too big a message (1009), or the connection was idle (1001).
         */
        LIBRARY
    }

    /**
     * Sends a text message.
     *
     * @param text the message, sent as UTF-8
     * @return completes with this WebSocket when the message is written
     * @throws IllegalStateException while a streamed message is unfinished
     */
    CompletableFuture<WebSocket> sendText(CharSequence text);

    /**
     * Sends a binary message; the bytes between position and limit are copied before this returns.
     *
     * @param data the message; its position is not changed
     * @return completes with this WebSocket when the message is written
     * @throws IllegalStateException while a streamed message is unfinished
     */
    CompletableFuture<WebSocket> sendBinary(ByteBuffer data);

    /**
     * Sends a binary message; the array is copied before this returns.
     *
     * @param data the message
     * @return completes with this WebSocket when the message is written
     * @throws IllegalStateException while a streamed message is unfinished
     */
    CompletableFuture<WebSocket> sendBinary(byte[] data);

    /**
     * Streams one piece of a text message: pieces go out as fragments of one message, which ends with the piece
     * sent with {@code last} true. No other text or binary message may start before that.
     *
     * @param piece the next part of the message, sent as UTF-8
     * @param last whether this piece ends the message
     * @return completes with this WebSocket when the piece is written
     * @throws IllegalStateException while a streamed binary message is unfinished
     */
    CompletableFuture<WebSocket> sendText(CharSequence piece, boolean last);

    /**
     * Streams one piece of a binary message, as {@link #sendText(CharSequence, boolean)} does for text.
     *
     * @param piece the next part of the message, copied before this returns
     * @param last whether this piece ends the message
     * @return completes with this WebSocket when the piece is written
     * @throws IllegalStateException while a streamed text message is unfinished
     */
    CompletableFuture<WebSocket> sendBinary(ByteBuffer piece, boolean last);

    /**
     * Sends a ping with up to 125 bytes of payload; the answer arrives in {@link Listener#onPong}.
     *
     * @param payload the bytes between position and limit, copied before this returns
     * @return completes with this WebSocket when the ping is written
     * @throws IllegalArgumentException when the payload is longer than 125 bytes
     */
    CompletableFuture<WebSocket> sendPing(ByteBuffer payload);

    /**
     * Sends a close frame after the messages already queued, and completes when the connection is closed.
     * Closing twice is harmless: the second call returns the same future.
     *
     * @param code the close code: 1000-1003, 1007-1014 or 3000-4999
     * @param reason the reason, at most 123 bytes of UTF-8; null for none
     * @return completes with this WebSocket when the connection is closed
     * @throws IllegalArgumentException when the code may not be sent or the reason is too long
     */
    CompletableFuture<WebSocket> sendClose(int code, String reason);

    /** Stops reading from the peer (TCP flow control pushes back on it) until {@link #resumeReading()}. */
    void pauseReading();

    /** Resumes reading after {@link #pauseReading()}. */
    void resumeReading();

    /**
     * Takes the next received message, waiting up to {@code timeout}; {@code null} on time-out. Only for
     * connections opened without a listener (pull style); reading pauses while the receive queue is full.
     *
     * @param timeout how long to wait for a message
     * @return the next message (the last one has kind {@link Message.Kind#CLOSE}), or null on time-out
     * @throws IllegalStateException on a connection with a listener, or on the service thread
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Message receive(Duration timeout) throws InterruptedException;

    /** {@return payload bytes accepted by send calls and not yet written to the kernel} */
    long queuedBytes();

    /** {@return this connection's counters (messages and bytes each way, queued bytes, pending listener calls) now} */
    io.github.lwsjava.metrics.ConnectionStats stats();

    /** {@return the current state} */
    State state();

    /** {@return who ended the connection once it is {@link State#CLOSED} (readable in {@code onClose}), else null} */
    ClosedBy closedBy();

    /** {@return the subprotocol agreed in the handshake, or the empty string} */
    String subprotocol();

    /** {@return the request path (with query) of the handshake} */
    String path();

    /**
     * {@return this connection's id: unique among the connections of its client or server, the same for the
     * connection's whole life} Ids count up from 1 in the order connections were started (client) or accepted
     * (server).
     */
    long id();

    /**
     * {@return the URL of this connection} A client's is the URL it connected to; a server's is
     * {@code ws://} or {@code wss://}, the upgrade request's {@code Host} header, then its path and query
     * as {@link #path()} has them (lws has decoded percent escapes).
     */
    String url();

    /** {@return the peer's address as text} */
    String remoteAddress();

    /** Closes with 1000 and waits up to five seconds for the close to finish. */
    @Override
    void close();

    /**
     * Receives a connection's events. Callbacks for one connection never overlap and arrive in order, on the
     * service thread or on the executor given to the client or server builder. An exception thrown here is
     * reported to {@link #onError} and does not affect the connection or any other.
     *
     * <p>Without an executor, callbacks run on the service thread, which serves every connection of the client
     * or server: they must not block. Waiting there for a future of this library that is not done yet
     * ({@code ws.sendText(t).join()}, {@code get()}) fails at once with an {@link IllegalStateException}, as does
     * {@link WebSocket#receive}: chain with {@code thenAccept}/{@code whenComplete} instead, or give the builder an
     * {@code executor(...)}.
     */
    interface Listener {
        /**
         * The handshake completed.
         *
         * @param webSocket the connection
         */
        default void onOpen(WebSocket webSocket) {}

        /**
         * The connection's {@link WebSocket#state()} changed; called once for every change, in order with the other
         * callbacks: to OPEN before {@link #onOpen}, to CLOSING when this side asks for the close (a close the peer
         * starts goes from OPEN to CLOSED), to CLOSED before {@code onError} (when it could not be opened) and
         * {@link #onClose}.
         *
         * @param webSocket the connection
         * @param from the state before
         * @param to the state now (or, with an executor, the state it changed to then)
         */
        default void onStateChange(WebSocket webSocket, State from, State to) {}

        /**
         * A whole text message arrived.
         *
         * @param webSocket the connection
         * @param text the message
         */
        default void onText(WebSocket webSocket, String text) {}

        /**
         * A whole binary message arrived.
         *
         * @param webSocket the connection
         * @param data the message; the buffer belongs to the listener
         */
        default void onBinary(WebSocket webSocket, ByteBuffer data) {}

        /**
         * A pong arrived (an answer to {@link #sendPing} or an unsolicited one). Pings are answered by lws.
         *
         * @param webSocket the connection
         * @param payload the pong's payload (up to 125 bytes)
         */
        default void onPong(WebSocket webSocket, ByteBuffer payload) {}

        /**
         * The connection closed: the code and reason of the first close frame on the wire, whichever side sent it
         * ({@link WebSocket#closedBy()} says which), or {@link #ABNORMAL_CLOSURE} when there was none.
         *
         * @param webSocket the connection, now {@link State#CLOSED}
         * @param code the close code
         * @param reason the close reason
         */
        default void onClose(WebSocket webSocket, int code, String reason) {}

        /**
         * Something failed: a connection that could not be opened (then {@code onClose} follows with 1006), or a
         * listener callback that threw.
         *
         * @param webSocket the connection
         * @param error the failure (a {@link WebSocketException} when the connection could not be opened) or what a
         *              callback threw
         */
        default void onError(WebSocket webSocket, Throwable error) {}
    }
}
