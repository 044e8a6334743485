package io.github.lwsjava.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.WebSocketException.Kind;
import io.github.lwsjava.engine.Engine;
import io.github.lwsjava.engine.Rfc6455;

/**
 * A client WebSocket that connects again when its connection is lost, under a {@link ReconnectPolicy}. Made by
 * {@code client.newConnection(url).reconnect(policy).connect(listener)}; the future completes with this object
 * when the first connection opens.
 *
 * <p>It stays the same {@link WebSocket} across connections: the listener is called with it, and sends go to the
 * connection that is open now. While disconnected, sends are queued (bounded, sent in order once a connection
 * opens) or fail at once, as the policy says. Delivery is at most once: a message that was handed to a connection
 * that then dropped before writing it fails with kind CLOSED and is not sent again. Messages sent from inside
 * {@code onOpen} of a reconnect go out before those queued while disconnected (so a listener can log in or
 * subscribe again first). A streamed message ({@code last = false}) interrupted by a reconnect fails to its end.
 * Pings are never queued. Pull style ({@link #receive}) is not available: a listener is required.
 *
 * <p>The reconnecting stops for good after {@link #sendClose}/{@link #close}, when the policy gives up, or when
 * the client is closed; then the listener hears {@code onClose} once and every queued send fails.
 */
public final class ReconnectingWebSocket implements WebSocket {

    private static final ReconnectListener NO_EVENTS = new ReconnectListener() {
    };

    private final WebSocketClient client;
    private final WebSocketClient.ConnectionBuilder builder;
    private final String url;
    private final long id;
    private final ReconnectPolicy policy;
    private final Listener listener;
    private final ReconnectListener events;
    private final CompletableFuture<WebSocket> firstOpen;
    private final CompletableFuture<WebSocket> closedFuture;

    // guarded by this
    private State state = State.CONNECTING;
    private State reported = State.CONNECTING; // the state the listener last heard of (onStateChange)
    private ClosedBy closedBy;        // set with state CLOSED
    private boolean stopped;          // no more attempts: closed by the user, gave up, or client closed
    private Attempt attempt;          // the connection being made or open now
    private WebSocket current;        // the open connection, or null
    private WebSocket lastOpened;
    private long openedAt;
    private int failures;             // attempts made in this outage
    private int reconnects;
    private ScheduledFuture<?> timer;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedWhileDown;
    private boolean flushPending;     // a reconnect opened: queued messages go out after its onOpen
    private Thread openingThread;
    private WebSocket streamOn;       // the connection a streamed message started on
    private boolean readingPaused;

    private record Queued(Function<WebSocket, CompletableFuture<WebSocket>> send, int bytes,
                          CompletableFuture<WebSocket> future) {
    }

    private ReconnectingWebSocket(WebSocketClient client, WebSocketClient.ConnectionBuilder builder, String url,
                                  ReconnectPolicy policy, Listener listener) {
        this.client = client;
        this.firstOpen = client.newFuture();
        this.closedFuture = client.newFuture();
        this.builder = builder;
        this.url = url;
        this.id = client.nextId();
        this.policy = policy;
        this.listener = listener;
        this.events = listener instanceof ReconnectListener r ? r : NO_EVENTS;
    }

    static CompletableFuture<WebSocket> start(WebSocketClient client, WebSocketClient.ConnectionBuilder builder,
                                              String url, ReconnectPolicy policy, Listener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("a reconnecting connection needs a listener (pull style is not available)");
        }
        ReconnectingWebSocket ws = new ReconnectingWebSocket(client, builder, url, policy, listener);
        if (!client.register(ws)) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.SHUTDOWN, "the client is closed"));
        }
        ws.connectNow(0);
        return ws.firstOpen;
    }

    // ---- connecting ----

    /** Starts attempt number n (0: the first connect). */
    private void connectNow(int n) {
        Attempt a;
        synchronized (this) {
            timer = null;
            if (stopped) {
                return;
            }
            a = new Attempt(n);
            attempt = a;
        }
        if (n > 0) {
            safely(() -> events.onReconnectAttempt(this, n));
        }
        CompletableFuture<WebSocket> f;
        try {
            f = builder.connectOnce(a);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((ws, error) -> {
            if (error != null) {
                attemptFailed(a, unwrap(error));
            }
        });
    }

    private void attemptOpened(Attempt a, WebSocket ws) {
        boolean reconnect;
        synchronized (this) {
            if (stopped || attempt != a) {
                ws.sendClose(NORMAL_CLOSURE, ""); // closed while this attempt was connecting
                return;
            }
            a.open = true;
            current = ws;
            openedAt = System.nanoTime();
            state = State.OPEN;
            reconnect = a.number > 0;
            if (lastOpened != null) {
                reconnects++;
            }
            lastOpened = ws;
            if (readingPaused) {
                ws.pauseReading();
            }
            flushPending = true;
            openingThread = Thread.currentThread();
        }
        try {
            if (reconnect) {
                safely(() -> events.onReconnected(this, a.number));
            }
            report(State.OPEN);
            safely(() -> listener.onOpen(this));
        } finally {
            flush(ws);
        }
        firstOpen.complete(this);
    }

    /** Sends what was queued while disconnected (and during onOpen), in order. */
    private synchronized void flush(WebSocket ws) {
        flushPending = false;
        openingThread = null;
        for (Queued q; (q = queue.poll()) != null; ) {
            queuedWhileDown -= q.bytes();
            Queued sent = q;
            if (current == ws) {
                relay(sent.send().apply(ws), sent.future());
            } else {
                sent.future().completeExceptionally(new WebSocketException(Kind.CLOSED,
                        "the connection closed before the queued message could be sent"));
            }
        }
    }

    private void attemptClosed(Attempt a, int code, String reason, ClosedBy by) {
        boolean finish;
        synchronized (this) {
            if (attempt != a) {
                return;
            }
            current = null;
            finish = stopped;
            if (!finish) {
                state = State.CONNECTING;
                if (System.nanoTime() - openedAt >= policy.stableAfter().toNanos()) {
                    failures = 0;
                }
            }
        }
        if (finish) {
            finish(code, reason, null, by);
            return;
        }
        report(State.CONNECTING);
        safely(() -> events.onDisconnected(this, code, reason));
        scheduleNext(new WebSocketException(Kind.CLOSED, "the connection to " + url + " was lost (" + code
                + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"));
    }

    private void attemptFailed(Attempt a, Throwable error) {
        boolean firstAndFinal;
        synchronized (this) {
            if (attempt != a || stopped) {
                return;
            }
            firstAndFinal = a.number == 0 && !policy.retryFirstConnect();
        }
        if (error instanceof WebSocketException w && w.kind() == Kind.SHUTDOWN) {
            finish(ABNORMAL_CLOSURE, "the client is closed", w, ClosedBy.APPLICATION);
            return;
        }
        if (firstAndFinal) {
            finish(ABNORMAL_CLOSURE, String.valueOf(error.getMessage()), error, ClosedBy.NETWORK);
            return;
        }
        if (a.number > 0) {
            safely(() -> events.onReconnectFailed(this, a.number, error));
        }
        scheduleNext(error);
    }

    private void scheduleNext(Throwable cause) {
        int next;
        synchronized (this) {
            if (stopped) {
                return;
            }
            next = ++failures;
            if (!policy.allows(next)) {
                stopped = true;
            }
        }
        if (!policy.allows(next)) {
            safely(() -> events.onGiveUp(this, next - 1, cause));
            finish(ABNORMAL_CLOSURE, "gave up after " + (next - 1) + " reconnect attempts: " + cause.getMessage(),
                    cause, ClosedBy.NETWORK);
            return;
        }
        Duration delay = policy.delay(next);
        safely(() -> events.onReconnectScheduled(this, next, delay));
        synchronized (this) {
            if (stopped) {
                return;
            }
            timer = Engine.timers().schedule(() -> connectNow(next), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The end: no more attempts, queued sends fail, the listener hears onClose once. */
    private void finish(int code, String reason, Throwable cause, ClosedBy by) {
        List<Queued> dropped;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            closedBy = by;
            state = State.CLOSED;
            stopped = true;
            current = null;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedWhileDown = 0;
        }
        WebSocketException closed = new WebSocketException(Kind.CLOSED, "the WebSocket is closed (" + code + ")");
        for (Queued q : dropped) {
            q.future().completeExceptionally(closed);
        }
        client.forget(this);
        if (!firstOpen.isDone()) {
            WebSocketException e = cause instanceof WebSocketException w ? w
                    : new WebSocketException(Kind.CLOSED, "closed before a connection to " + url + " opened: " + reason);
            firstOpen.completeExceptionally(e);
        }
        report(State.CLOSED);
        safely(() -> listener.onClose(this, code, reason));
        closedFuture.complete(this);
    }

    /** WebSocketClient.close(): no more attempts; an open connection closes with the client. */
    void clientClosing() {
        boolean finishNow;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            finishNow = current == null;
        }
        if (finishNow) {
            finish(GOING_AWAY, "the client is closed", new WebSocketException(Kind.SHUTDOWN, "the client is closed"),
                    ClosedBy.APPLICATION);
        }
    }

    /** Tells the listener that the state is now {@code to}, once per change, in the order of the changes. */
    private void report(State to) {
        State from;
        synchronized (this) {
            from = reported;
            reported = to;
        }
        if (from != to) {
            safely(() -> listener.onStateChange(this, from, to));
        }
    }

    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            try {
                listener.onError(this, t);
            } catch (Throwable again) {
                again.addSuppressed(t);
                System.getLogger("io.github.lwsjava").log(System.Logger.Level.ERROR,
                        "listener of " + this + " threw", again);
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The listener of one underlying connection: forwards its events while it is the current one. */
    private final class Attempt implements Listener {
        final int number;
        volatile boolean open;

        Attempt(int number) {
            this.number = number;
        }

        private boolean live() {
            synchronized (ReconnectingWebSocket.this) {
                return attempt == this;
            }
        }

        @Override
        public void onOpen(WebSocket ws) {
            attemptOpened(this, ws);
        }

        @Override
        public void onStateChange(WebSocket ws, State from, State to) {
            boolean closing;
            synchronized (ReconnectingWebSocket.this) { // sendClose() closes the current connection: it is closing
                closing = to == State.CLOSING && attempt == this && state == State.CLOSING;
            }
            if (closing) {
                report(State.CLOSING);
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            if (live()) {
                listener.onText(ReconnectingWebSocket.this, text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            if (live()) {
                listener.onBinary(ReconnectingWebSocket.this, data);
            }
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer payload) {
            if (live()) {
                listener.onPong(ReconnectingWebSocket.this, payload);
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            if (open) { // a connection that never opened is handled through its connect future
                attemptClosed(this, code, reason, ws.closedBy());
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (open) { // connect errors are handled through the connect future
                listener.onError(ReconnectingWebSocket.this, error);
            }
        }
    }

    // ---- the WebSocket API ----

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence text) {
        String s = text.toString();
        return send(ws -> ws.sendText(s), s.length(), true);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return send(ws -> ws.sendBinary(copy), copy.length, true);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(byte[] data) {
        byte[] copy = data.clone();
        return send(ws -> ws.sendBinary(copy), copy.length, true);
    }

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence piece, boolean last) {
        String s = piece.toString();
        return stream(ws -> ws.sendText(s, last), last);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer piece, boolean last) {
        byte[] copy = new byte[piece.remaining()];
        piece.duplicate().get(copy);
        return stream(ws -> ws.sendBinary(ByteBuffer.wrap(copy), last), last);
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer payload) {
        Rfc6455.checkPing(payload.remaining());
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        return send(ws -> ws.sendPing(ByteBuffer.wrap(copy)), copy.length, false);
    }

    private synchronized CompletableFuture<WebSocket> stream(Function<WebSocket, CompletableFuture<WebSocket>> op,
                                                             boolean last) {
        if (state == State.CLOSED || stopped) {
            return closedError();
        }
        WebSocket target = current;
        boolean interrupted = streamOn != null && streamOn != target;
        if (last) {
            streamOn = null;
        } else if (!interrupted && target != null) {
            streamOn = target;
        }
        if (target == null || interrupted || flushPending && Thread.currentThread() != openingThread) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.CLOSED, interrupted
                    ? "the streamed message was interrupted by a reconnect" : "the WebSocket is reconnecting"));
        }
        CompletableFuture<WebSocket> result = client.newFuture();
        relay(op.apply(target), result);
        return result;
    }

    private synchronized CompletableFuture<WebSocket> send(Function<WebSocket, CompletableFuture<WebSocket>> op,
                                                           int bytes, boolean queueable) {
        if (state == State.CLOSED || stopped) {
            return closedError();
        }
        if (streamOn != null) {
            throw new IllegalStateException("a message is being streamed: finish it with last = true first");
        }
        CompletableFuture<WebSocket> result = client.newFuture();
        if (current != null && (!flushPending || Thread.currentThread() == openingThread)) {
            relay(op.apply(current), result);
            return result;
        }
        if (!queueable || !flushPending && policy.whileDisconnected() == ReconnectPolicy.WhileDisconnected.FAIL_FAST) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.CLOSED,
                    "the WebSocket is reconnecting to " + url + ": " + (queueable ? "send failed fast" : "ping not sent")));
        }
        if (queue.size() >= policy.maxQueuedMessages()
                || queuedWhileDown + bytes > policy.maxQueuedBytes() && !queue.isEmpty()) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.QUEUE_FULL,
                    "reconnect queue full: " + queue.size() + " messages, " + queuedWhileDown + " bytes waiting (limits "
                            + policy.maxQueuedMessages() + ", " + policy.maxQueuedBytes() + ")"));
        }
        queue.add(new Queued(op, bytes, result));
        queuedWhileDown += bytes;
        return result;
    }

    private void relay(CompletableFuture<WebSocket> from, CompletableFuture<WebSocket> to) {
        from.whenComplete((ws, error) -> {
            if (error != null) {
                to.completeExceptionally(unwrap(error));
            } else {
                to.complete(this);
            }
        });
    }

    private static CompletableFuture<WebSocket> closedError() {
        return CompletableFuture.failedFuture(new WebSocketException(Kind.CLOSED, "the WebSocket is closed"));
    }

    /**
     * Stops reconnecting and closes: the open connection with this code and reason (the listener hears the
     * peer's answer in onClose), or at once when none is open (the listener hears this code).
     */
    @Override
    public CompletableFuture<WebSocket> sendClose(int code, String reason) {
        Rfc6455.checkClose(code, reason);
        WebSocket open;
        List<Queued> dropped;
        synchronized (this) {
            if (state == State.CLOSED || stopped && state == State.CLOSING) {
                return closedFuture;
            }
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            open = current;
            if (open != null) {
                state = State.CLOSING;
            }
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedWhileDown = 0;
        }
        WebSocketException closing = new WebSocketException(Kind.CLOSED, "the WebSocket was closed before the message was sent");
        for (Queued q : dropped) {
            q.future().completeExceptionally(closing);
        }
        if (open != null) {
            open.sendClose(code, reason); // its onClose ends this one
        } else {
            finish(code, reason == null ? "" : reason, null, ClosedBy.APPLICATION);
        }
        return closedFuture;
    }

    @Override
    public void close() {
        CompletableFuture<WebSocket> done = sendClose(NORMAL_CLOSURE, "");
        if (!client.onServiceThread()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // as Connection.close(): the close goes on in the background
            }
        }
    }

    @Override
    public void pauseReading() {
        WebSocket ws;
        synchronized (this) {
            readingPaused = true;
            ws = current;
        }
        if (ws != null) {
            ws.pauseReading();
        }
    }

    @Override
    public void resumeReading() {
        WebSocket ws;
        synchronized (this) {
            readingPaused = false;
            ws = current;
        }
        if (ws != null) {
            ws.resumeReading();
        }
    }

    @Override
    public Message receive(Duration timeout) {
        throw new IllegalStateException("receive() is not available on a reconnecting connection: use a listener");
    }

    /** Bytes waiting: queued while disconnected plus those queued on the open connection. */
    @Override
    public long queuedBytes() {
        WebSocket ws;
        long waiting;
        synchronized (this) {
            ws = current;
            waiting = queuedWhileDown;
        }
        return waiting + (ws == null ? 0 : ws.queuedBytes());
    }

    /** The counters of the connection open now (zero while disconnected), with {@link #queuedBytes()}. */
    @Override
    public io.github.lwsjava.metrics.ConnectionStats stats() {
        WebSocket ws;
        synchronized (this) {
            ws = current;
        }
        io.github.lwsjava.metrics.ConnectionStats now = ws == null
                ? new io.github.lwsjava.metrics.ConnectionStats(0, 0, 0, 0, 0, 0) : ws.stats();
        return new io.github.lwsjava.metrics.ConnectionStats(now.messagesSent(), now.bytesSent(),
                now.messagesReceived(), now.bytesReceived(), queuedBytes(), now.pendingListenerCalls());
    }

    @Override
    public synchronized ClosedBy closedBy() {
        return closedBy;
    }

    /** {@return OPEN while a connection is open; CONNECTING while (re)connecting; CLOSING, then CLOSED at the end} */
    @Override
    public synchronized State state() {
        return state;
    }

    @Override
    public String subprotocol() {
        WebSocket ws = lastOpenedConnection();
        return ws == null ? "" : ws.subprotocol();
    }

    @Override
    public String path() {
        WebSocket ws = lastOpenedConnection();
        return ws == null ? builder.path() : ws.path();
    }

    /**
     * {@return this WebSocket's own id, from the same sequence as its client's connections and the same across
     * reconnects} {@code current().id()} is the id of the connection open now.
     */
    @Override
    public long id() {
        return id;
    }

    /** {@return the URL it connects to, the same for every connection it makes} */
    @Override
    public String url() {
        return url;
    }

    @Override
    public String remoteAddress() {
        WebSocket ws = lastOpenedConnection();
        return ws == null ? "" : ws.remoteAddress();
    }

    private synchronized WebSocket lastOpenedConnection() {
        return lastOpened;
    }

    /** {@return the connection open now, or null while reconnecting} */
    public synchronized WebSocket current() {
        return current;
    }

    /** {@return how many times a connection opened again after the first} */
    public synchronized int reconnects() {
        return reconnects;
    }

    /** {@return the messages waiting for a connection} */
    public synchronized int queuedMessages() {
        return queue.size();
    }

    /** {@return a future that completes once this WebSocket is closed for good} */
    public CompletableFuture<WebSocket> closeFuture() {
        return closedFuture;
    }

    /** {@return the policy in use} */
    public ReconnectPolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return "ReconnectingWebSocket[" + url + " " + state() + ", " + reconnects() + " reconnects]";
    }
}
