package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.LWSJ_BINARY;
import static io.github.lwsjava.lws.global.libwebsockets.LWSJ_MORE;
import static io.github.lwsjava.lws.global.libwebsockets.LWSJ_PING;
import static io.github.lwsjava.lws.global.libwebsockets.LWSJ_TEXT;
import static io.github.lwsjava.lws.global.libwebsockets.lwsj_add_header;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.WebSocketException.Kind;
import io.github.lwsjava.metrics.ConnectionStats;

/**
 * A WebSocket on an {@link Engine}. Public methods may be called from any thread; the methods without
 * {@code public} run on the service thread, called by the engine for the C engine's events. The C engine knows the
 * connection by its id only: a message sent from any thread goes straight to it ({@link Engine#post}), and one
 * for a connection that has closed is refused there, never written to freed memory.
 */
public final class Connection implements WebSocket {

    /** Reasons to pause reading ({@link #updateReading}): it is paused while any of them holds. */
    static final int PAUSED_BY_USER = 1, PAUSED_BY_RECEIVE_QUEUE = 2, PAUSED_BY_DISPATCH = 4;

    final long id;
    private final Engine engine;
    private final Listener listener;
    private final ListenerDispatch dispatch;
    private final ReceiveQueue receiveQueue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final CompletableFuture<WebSocket> opened;
    private final CompletableFuture<WebSocket> closedFuture;
    private final String path;
    private final String url;
    private final Map<String, String> handshakeHeaders;
    private volatile State state = State.CONNECTING;
    private volatile ClosedBy closedBy; // set with state CLOSED, before onClose
    private volatile String subprotocol = "";
    private volatile String remoteAddress = "";
    private volatile String target = ""; // a client's host:port, for its connect errors
    private volatile String proxy; // the proxy a client's connection goes through, for its connect errors; or null
    private volatile int protocolIndex;
    // service thread only
    private boolean live; // the C engine has the connection: from its OPEN event to its CLOSED event
    private boolean closeRequested;
    // guarded by this: the futures of the messages in the C engine's queue, in its order
    private final SendQueue pending = new SendQueue();
    private boolean sendsClosed; // guarded by this: the CLOSED event has failed every pending send
    private int streaming = -1; // guarded by this: the kind of a message being streamed, or -1
    private boolean abandoned;
    private int readPauses; // PAUSED_BY_* bits
    // counters: written on the service thread only, read by stats() from any thread
    private volatile long messagesSent;
    private volatile long bytesSent;
    private volatile long messagesReceived;
    private volatile long bytesReceived;
    private int refusedStatus; // the HTTP status of a client's refused upgrade, 0 when none
    private Map<String, String> refusedHeaders = Map.of();

    /**
     * @param listener the application's listener, or null for pull style ({@link #receive})
     * @param path the request path of the handshake
     * @param url the connection's URL ({@link #url()})
     * @param handshakeHeaders headers a client adds to its handshake (empty on the server side)
     */
    public Connection(Engine engine, long id, Listener listener, String path, String url,
                      Map<String, String> handshakeHeaders, int receiveQueueCapacity) {
        this.engine = engine;
        this.id = id;
        this.opened = new ServiceFuture<>(engine);
        this.closedFuture = new ServiceFuture<>(engine);
        this.path = path;
        this.url = url;
        this.handshakeHeaders = handshakeHeaders;
        if (listener == null) {
            this.receiveQueue = new ReceiveQueue(this, receiveQueueCapacity);
            this.listener = receiveQueue;
        } else {
            this.receiveQueue = null;
            this.listener = listener;
        }
        this.dispatch = new ListenerDispatch(this, this.listener, engine.settings().listenerExecutor(),
                engine.settings().maxPendingCalls(), engine.settings().maxPendingBytes());
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String url() {
        return url;
    }

    /** Completes when the handshake is done; fails with why the connection could not be made. */
    public CompletableFuture<WebSocket> openFuture() {
        return opened;
    }

    public void remoteAddress(String address) {
        this.remoteAddress = address;
    }

    /** A client connection's server as host:port, named by its connect errors. */
    public void target(String hostAndPort) {
        this.target = hostAndPort;
    }

    /** The proxy a client connection goes through (e.g. "HTTP proxy 127.0.0.1:3128"), named by its connect errors. */
    public void proxy(String name) {
        this.proxy = name;
    }

    // ---- the WebSocket API (any thread) ----

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence text) {
        checkNotStreaming();
        byte[] bytes = text.toString().getBytes(UTF_8);
        return send(bytes, null, bytes.length, LWSJ_TEXT);
    }

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence piece, boolean last) {
        byte[] bytes = piece.toString().getBytes(UTF_8);
        return send(bytes, null, bytes.length, streamKind(LWSJ_TEXT, last));
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer piece, boolean last) {
        int kind = streamKind(LWSJ_BINARY, last);
        return piece.isDirect() ? send(null, piece.slice(), piece.remaining(), kind)
                : send(array(piece), null, piece.remaining(), kind);
    }

    /** The remaining bytes of a heap buffer: its own array when that is exactly them, else a copy. */
    private static byte[] array(ByteBuffer data) {
        if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0
                && data.remaining() == data.array().length) {
            return data.array();
        }
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /** The kind for a piece of a streamed message; throws if another kind of message is being streamed. */
    private synchronized int streamKind(int kind, boolean last) {
        if (streaming != -1 && streaming != kind) {
            throw new IllegalStateException("a " + (streaming == LWSJ_TEXT ? "text" : "binary")
                    + " message is being streamed: finish it with last = true first");
        }
        streaming = last ? -1 : kind;
        return last ? kind : kind | LWSJ_MORE;
    }

    private synchronized void checkNotStreaming() {
        if (streaming != -1) {
            throw new IllegalStateException("a message is being streamed: finish it with last = true first");
        }
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(byte[] data) {
        checkNotStreaming();
        return send(data, null, data.length, LWSJ_BINARY);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data) {
        checkNotStreaming();
        return data.isDirect() ? send(null, data.slice(), data.remaining(), LWSJ_BINARY)
                : send(array(data), null, data.remaining(), LWSJ_BINARY);
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer payload) {
        Rfc6455.checkPing(payload.remaining());
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return send(bytes, null, bytes.length, LWSJ_PING);
    }

    /**
     * Hands a message (data, or else the direct buffer direct, from its position 0) to the C engine: from the
     * service thread into the connection's queue at once, from any other thread through the engine's post box.
     * Either way the C engine copies it once; its future completes at the WRITTEN event.
     */
    private CompletableFuture<WebSocket> send(byte[] data, ByteBuffer direct, int length, int kind) {
        CompletableFuture<WebSocket> refused = refuse(length);
        if (refused != null) {
            return refused;
        }
        CompletableFuture<WebSocket> future = new ServiceFuture<>(engine);
        WebSocketException failure = null;
        synchronized (this) { // the futures queue in the order the C engine gets the messages
            if (sendsClosed || state == State.CONNECTING) {
                failure = notOpen();
            } else if (engine.onServiceThread() ? engine.send(id, data, direct, length, kind) < 0
                    : !engine.post(id, data, direct, length, kind)) {
                failure = engine.onServiceThread() ? notOpen()
                        : new WebSocketException(Kind.SHUTDOWN, "the client or server is closed");
            } else {
                pending.add(future, length, kind);
            }
        }
        if (failure != null) {
            addQueued(-length);
            future.completeExceptionally(failure);
        }
        return future;
    }

    private WebSocketException notOpen() {
        return new WebSocketException(Kind.CLOSED,
                state == State.CONNECTING ? "the WebSocket is not open yet" : "the WebSocket is closed");
    }

    /** A failed future when the message cannot be accepted, else null (and the bytes are counted as queued). */
    private CompletableFuture<WebSocket> refuse(int length) {
        if (state == State.CLOSED || closeRequested && state == State.CLOSING) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.CLOSED, "the WebSocket is closed"));
        }
        long limit = engine.settings().maxQueuedBytes();
        long before;
        do { // a refused message is never counted, not even for a moment: queuedBytes() stays exact
            before = queuedBytes.get();
            if (before + length > limit && before != 0) { // one message larger than the limit still goes alone
                return CompletableFuture.failedFuture(new WebSocketException(Kind.QUEUE_FULL,
                        "outbound queue full: " + before + " bytes queued, limit " + limit));
            }
        } while (!queuedBytes.compareAndSet(before, before + length));
        engine.counters.queuedBytes.add(length);
        return null;
    }

    /** Counts bytes in or out of the send queue, here and in the engine's total. */
    private void addQueued(long delta) {
        queuedBytes.addAndGet(delta);
        engine.counters.queuedBytes.add(delta);
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int code, String reason) {
        Rfc6455.checkClose(code, reason);
        if (state == State.CLOSED) {
            return closedFuture;
        }
        try {
            engine.execute(() -> requestClose(code, reason));
        } catch (WebSocketException shutdown) {
            // the engine is gone: the connection was closed with it
        }
        return closedFuture;
    }

    /** Service thread: asks the C engine to close after the queued messages. */
    private void requestClose(int code, String reason) {
        if (closeRequested || state == State.CLOSED) {
            return;
        }
        closeRequested = true;
        if (live) {
            moveTo(State.CLOSING);
            engine.close(id, code, reason);
        } else {
            abandoned = true; // still connecting: close as soon as it opens
        }
    }

    void closeForShutdown(int code) {
        requestClose(code, "going away");
    }

    @Override
    public void pauseReading() {
        updateReading(PAUSED_BY_USER, () -> true);
    }

    @Override
    public void resumeReading() {
        updateReading(PAUSED_BY_USER, () -> false);
    }

    /**
     * Sets or clears one reason to pause reading, as {@code paused} says when the service thread gets to it (so the
     * last update applies the current truth, whatever the order in which threads asked); reading is paused while
     * any reason holds.
     */
    void updateReading(int reason, java.util.function.BooleanSupplier paused) {
        try {
            engine.execute(() -> {
                boolean wasReading = readPauses == 0;
                readPauses = paused.getAsBoolean() ? readPauses | reason : readPauses & ~reason;
                if (live && wasReading != (readPauses == 0)) {
                    engine.read(id, readPauses == 0);
                }
            });
        } catch (WebSocketException closed) {
            // nothing to pause or resume any more
        }
    }

    @Override
    public Message receive(Duration timeout) throws InterruptedException {
        if (receiveQueue == null) {
            throw new IllegalStateException("receive() is for connections opened without a listener");
        }
        if (engine.onServiceThread()) {
            throw ServiceFuture.blockingOnServiceThread("receive(timeout)");
        }
        return receiveQueue.take(timeout);
    }

    @Override
    public long queuedBytes() {
        return queuedBytes.get();
    }

    @Override
    public ConnectionStats stats() {
        return new ConnectionStats(messagesSent, bytesSent, messagesReceived, bytesReceived, queuedBytes.get(),
                dispatch.pendingCalls());
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public ClosedBy closedBy() {
        return closedBy;
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /** Completes when the connection has closed. */
    public CompletableFuture<WebSocket> closeFuture() {
        return closedFuture;
    }

    /** The index of the server protocol this connection speaks (0: the default handler). */
    public int protocolIndex() {
        return protocolIndex;
    }

    @Override
    public void close() {
        CompletableFuture<WebSocket> done = sendClose(NORMAL_CLOSURE, "");
        if (!engine.onServiceThread()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closed or not, close() does not throw: the close handshake goes on in the background
            }
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + id + " " + path + " " + state + "]";
    }

    // ---- events from the C engine (service thread) ----

    void opened(String subprotocol, String peer, int protocol) {
        this.live = true;
        this.protocolIndex = protocol;
        this.subprotocol = subprotocol;
        if (remoteAddress.isEmpty()) {
            this.remoteAddress = peer;
        }
        engine.counters.open.increment();
        engine.counters.opened.increment();
        if (abandoned) { // closed or timed out while connecting: it never opens for the listener
            moveTo(State.CLOSING);
            engine.close(id, NORMAL_CLOSURE, "");
            return;
        }
        moveTo(State.OPEN);
        if (readPauses != 0) { // paused before it opened
            engine.read(id, false);
        }
        dispatch.onOpen();
        opened.complete(this);
    }

    /** A whole message of len bytes at at in records. */
    void message(ByteBuffer records, int at, int len, int kind) {
        count(len);
        if (kind == LWSJ_TEXT) {
            dispatch.onText(engine.text(records, at, len), len);
        } else {
            dispatch.onBinary(ByteBuffer.wrap(Engine.bytes(records, at, len)));
        }
    }

    /** A whole message already copied out of native memory. */
    void message(byte[] bytes, int kind) {
        count(bytes.length);
        if (kind == LWSJ_TEXT) {
            dispatch.onText(new String(bytes, UTF_8), bytes.length);
        } else {
            dispatch.onBinary(ByteBuffer.wrap(bytes));
        }
    }

    private void count(long len) {
        messagesReceived++;
        bytesReceived += len;
        engine.counters.messagesReceived.increment();
        engine.counters.bytesReceived.add(len);
    }

    void pong(byte[] payload) {
        dispatch.onPong(ByteBuffer.wrap(payload));
    }

    void written(int count) {
        for (int i = 0; i < count; i++) {
            CompletableFuture<WebSocket> future;
            int length;
            int kind;
            synchronized (this) {
                if (pending.size() == 0) {
                    return;
                }
                length = pending.firstLength();
                kind = pending.firstKind();
                future = pending.removeFirst();
            }
            addQueued(-length);
            if (kind != LWSJ_PING) {
                bytesSent += length;
                engine.counters.bytesSent.add(length);
                if ((kind & LWSJ_MORE) == 0) {
                    messagesSent++;
                    engine.counters.messagesSent.increment();
                }
            }
            future.complete(this);
        }
    }

    void closed(int code, String reason, ClosedBy by) {
        if (state == State.CLOSED) {
            return;
        }
        closedBy = by;
        if (live) {
            engine.counters.open.decrement();
        }
        live = false; // the C engine has forgotten the id: nothing more is sent for it
        ArrayDeque<CompletableFuture<WebSocket>> failed = new ArrayDeque<>();
        long unqueued = 0;
        synchronized (this) {
            sendsClosed = true;
            while (pending.size() > 0) {
                unqueued += pending.firstLength();
                failed.add(pending.removeFirst());
            }
        }
        addQueued(-unqueued);
        moveTo(State.CLOSED);
        engine.remove(this);
        WebSocketException closedError = new WebSocketException(Kind.CLOSED, "the WebSocket closed (" + code + ")");
        for (CompletableFuture<WebSocket> f : failed) {
            f.completeExceptionally(closedError);
        }
        if (!opened.isDone()) {
            WebSocketException e = new WebSocketException(Kind.HANDSHAKE, "the connection closed during the handshake");
            engine.counters.handshakeFailed(e.kind());
            opened.completeExceptionally(e);
            dispatch.onError(e);
        }
        dispatch.onClose(code, reason);
        engine.closed(this);
        closedFuture.complete(this);
    }

    /** Service thread: the one place where the state changes; the listener hears every change in order. */
    private void moveTo(State to) {
        State from = state;
        if (from != to) {
            state = to;
            dispatch.onStateChange(from, to);
        }
    }

    /** A client's upgrade was answered with status instead of 101: the answer's headers are readable now. */
    void refused(int status, long wsi) {
        refusedStatus = status;
        refusedHeaders = HttpHeaders.read(wsi, new byte[8192]);
    }

    void connectFailed(String lwsMessage) {
        WebSocketException error = ConnectErrors.classify(lwsMessage, target, proxy, refusedStatus, refusedHeaders);
        fail(error);
    }

    /** Fails a connection that never opened (connect error, time-out, refused start). */
    public void fail(WebSocketException error) {
        if (state == State.CLOSED) {
            return;
        }
        if (live) { // already open (a time-out that lost the race): close it instead
            requestClose(NORMAL_CLOSURE, "");
            return;
        }
        abandoned = true;
        closedBy = ClosedBy.NETWORK;
        synchronized (this) {
            sendsClosed = true;
        }
        moveTo(State.CLOSED);
        engine.remove(this);
        if (!opened.isDone()) {
            engine.counters.handshakeFailed(error.kind()); // counted before anyone waiting on opened wakes up
            opened.completeExceptionally(error);
            dispatch.onError(error);
            dispatch.onClose(ABNORMAL_CLOSURE, error.getMessage());
        }
        engine.closed(this);
        closedFuture.complete(this);
    }

    void appendHeaders(long wsi, long pp) {
        for (Map.Entry<String, String> h : handshakeHeaders.entrySet()) {
            String name = h.getKey().endsWith(":") ? h.getKey() : h.getKey() + ":";
            if (lwsj_add_header(engine.nativeEngine(), wsi, pp, name.toLowerCase(java.util.Locale.ROOT), h.getValue()) != 0) {
                Engine.LOG.log(System.Logger.Level.WARNING, "handshake header " + h.getKey() + " did not fit");
            }
        }
    }
}
