package io.github.lwsjava;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket connection, client or server side. Every method is safe from any thread: the work is queued to
 * the connection's service thread, which alone talks to libwebsockets.
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
    enum State { CONNECTING, OPEN, CLOSING, CLOSED }

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

    /** Sends a text message. */
    CompletableFuture<WebSocket> sendText(CharSequence text);

    /** Sends a binary message; the bytes between position and limit are copied before this returns. */
    CompletableFuture<WebSocket> sendBinary(ByteBuffer data);

    /** Sends a binary message; the array is copied before this returns. */
    CompletableFuture<WebSocket> sendBinary(byte[] data);

    /**
     * Streams one piece of a text message: pieces go out as fragments of one message, which ends with the piece
     * sent with {@code last} true. No other text or binary message may start before that.
     */
    CompletableFuture<WebSocket> sendText(CharSequence piece, boolean last);

    /** Streams one piece of a binary message, as {@link #sendText(CharSequence, boolean)} does for text. */
    CompletableFuture<WebSocket> sendBinary(ByteBuffer piece, boolean last);

    /** Sends a ping with up to 125 bytes of payload. */
    CompletableFuture<WebSocket> sendPing(ByteBuffer payload);

    /**
     * Sends a close frame after the messages already queued, and completes when the connection is closed.
     * Closing twice is harmless: the second call returns the same future.
     */
    CompletableFuture<WebSocket> sendClose(int code, String reason);

    /** Stops reading from the peer (TCP flow control pushes back on it) until {@link #resumeReading()}. */
    void pauseReading();

    /** Resumes reading after {@link #pauseReading()}. */
    void resumeReading();

    /**
     * Takes the next received message, waiting up to {@code timeout}; {@code null} on time-out. Only for
     * connections opened without a listener (pull style); reading pauses while the receive queue is full.
     */
    Message receive(Duration timeout) throws InterruptedException;

    /** Payload bytes accepted by send calls and not yet written to the kernel. */
    long queuedBytes();

    /** This connection's counters (messages and bytes each way, queued bytes, pending listener calls) now. */
    io.github.lwsjava.metrics.ConnectionStats stats();

    /** The current state. */
    State state();

    /** Who ended the connection, once it is {@link State#CLOSED} (readable in {@code onClose}); null before. */
    ClosedBy closedBy();

    /** The subprotocol agreed in the handshake, or the empty string. */
    String subprotocol();

    /** The request path (with query) of the handshake. */
    String path();

    /** The peer's address as text. */
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
        /** The handshake completed. */
        default void onOpen(WebSocket webSocket) {}

        /** A whole text message arrived. */
        default void onText(WebSocket webSocket, String text) {}

        /** A whole binary message arrived; the buffer belongs to the listener. */
        default void onBinary(WebSocket webSocket, ByteBuffer data) {}

        /** A pong arrived (an answer to {@link #sendPing} or an unsolicited one). Pings are answered by lws. */
        default void onPong(WebSocket webSocket, ByteBuffer payload) {}

        /**
         * The connection closed: the code and reason of the first close frame on the wire, whichever side sent it
         * ({@link WebSocket#closedBy()} says which), or {@link #ABNORMAL_CLOSURE} when there was none.
         */
        default void onClose(WebSocket webSocket, int code, String reason) {}

        /**
         * Something failed: a connection that could not be opened (then {@code onClose} follows with 1006), or a
         * listener callback that threw.
         */
        default void onError(WebSocket webSocket, Throwable error) {}
    }
}
