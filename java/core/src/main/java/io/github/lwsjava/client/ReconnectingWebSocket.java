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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Threading: it is built on the public {@link WebSocket} of each connection it makes. Its state changes, and
 * every callback of its listener (the connection's events and {@link ReconnectListener}'s), run one at a time,
 * in order, where the client's listeners run: the client's executor, or else its service thread. Its methods may
 * be called from any thread.
 *
 * <p>The reconnecting stops for good after {@link #sendClose}/{@link #close}, when the policy gives up, or when
 * the client is closed; then the listener hears {@code onClose} once and every queued send fails.
 */
public final class ReconnectingWebSocket implements WebSocket {

    private static final ReconnectListener NO_EVENTS = new ReconnectListener() {
    };

    private final WebSocketClient client;
    private final Function<Listener, CompletableFuture<WebSocket>> connector;
    private final String url;
    private final String path;
    private final long id;
    private final ReconnectPolicy policy;
    private final Listener listener;
    private final ReconnectListener events;
    private final CompletableFuture<WebSocket> firstOpen;
    private final CompletableFuture<WebSocket> closedFuture;
    /** Where the state machine and the listener run, one task at a time. */
    private final Serial serial;

    // written by the state machine (serial tasks), read from any thread
    private volatile State state = State.CONNECTING;
    private volatile ClosedBy closedBy;        // set with state CLOSED
    private volatile boolean stopped;          // no more attempts: closed by the user, gave up, or client closed
    private volatile WebSocket current;        // the open connection, or null
    private volatile WebSocket lastOpened;
    private volatile int reconnects;
    private volatile boolean readingPaused;
    private volatile Thread opening;           // the thread running onOpen: its sends go before the queued ones
    // message callbacks waiting in serial: beyond BACKLOG, reading from the connection pauses until half have run
    private static final int BACKLOG = 1024;
    private final AtomicInteger backlog = new AtomicInteger();
    private volatile boolean backlogPaused;
    // the state machine's own (serial tasks only)
    private State reported = State.CONNECTING; // the state the listener last heard of (onStateChange)
    private Attempt attempt;                   // the connection being made or open now
    private long openedAt;
    private int failures;                      // attempts made in this outage
    private ScheduledFuture<?> timer;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    // sends on their way to the state machine or waiting in its queue: reserved by the sender, any thread
    private final AtomicInteger waitingMessages = new AtomicInteger();
    private final AtomicLong waitingBytes = new AtomicLong();
    private WebSocket streamOn;                // guarded by this: the connection a streamed message started on

    private record Queued(Function<WebSocket, CompletableFuture<WebSocket>> send, int bytes,
                          CompletableFuture<WebSocket> future) {
    }

    private ReconnectingWebSocket(WebSocketClient client, Function<Listener, CompletableFuture<WebSocket>> connector,
                                  String url, String path, ReconnectPolicy policy, Listener listener) {
        this.client = client;
        this.connector = connector;
        this.firstOpen = client.newFuture();
        this.closedFuture = client.newFuture();
        this.url = url;
        this.path = path;
        this.id = client.nextId();
        this.policy = policy;
        this.listener = listener;
        this.events = listener instanceof ReconnectListener r ? r : NO_EVENTS;
        this.serial = new Serial(client.listenerThread());
    }

    static CompletableFuture<WebSocket> start(WebSocketClient client,
                                              Function<Listener, CompletableFuture<WebSocket>> connector, String url,
                                              String path, ReconnectPolicy policy, Listener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("a reconnecting connection needs a listener (pull style is not available)");
        }
        ReconnectingWebSocket ws = new ReconnectingWebSocket(client, connector, url, path, policy, listener);
        if (!client.register(ws)) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.SHUTDOWN, "the client is closed"));
        }
        ws.serial.execute(() -> ws.connectNow(0));
        return ws.firstOpen;
    }

    // ---- the state machine: serial tasks only ----

    /** Starts attempt number n (0: the first connect). */
    private void connectNow(int n) {
        timer = null;
        if (stopped) {
            return;
        }
        Attempt a = new Attempt(n);
        attempt = a;
        if (n > 0) {
            safely(() -> events.onReconnectAttempt(this, n));
        }
        CompletableFuture<WebSocket> f;
        try {
            f = connector.apply(a);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((ws, error) -> {
            if (error != null) {
                serial.execute(() -> attemptFailed(a, unwrap(error)));
            }
        });
    }

    private void attemptOpened(Attempt a, WebSocket ws) {
        if (stopped || attempt != a) {
            ws.sendClose(NORMAL_CLOSURE, ""); // closed while this attempt was connecting
            return;
        }
        a.open = true;
        openedAt = System.nanoTime();
        if (lastOpened != null) {
            reconnects++;
        }
        lastOpened = ws;
        if (readingPaused) {
            ws.pauseReading();
        }
        state = State.OPEN;
        // sends from inside onOpen go first (they are made in this task, with current set); the queued ones after
        current = ws;
        if (a.number > 0) {
            safely(() -> events.onReconnected(this, a.number));
        }
        report(State.OPEN);
        opening = Thread.currentThread();
        try {
            safely(() -> listener.onOpen(this));
        } finally {
            opening = null;
        }
        flush(ws);
        firstOpen.complete(this);
    }

    /** Sends what was queued while disconnected, in order. */
    private void flush(WebSocket ws) {
        for (Queued q; (q = queue.poll()) != null; ) {
            release(q.bytes());
            if (current == ws) {
                relay(q.send().apply(ws), q.future());
            } else {
                q.future().completeExceptionally(new WebSocketException(Kind.CLOSED,
                        "the connection closed before the queued message could be sent"));
            }
        }
    }

    /** A send that was reserved by sendText/sendBinary reaches the state machine. */
    private void arrived(Queued q) {
        if (state == State.CLOSED) {
            release(q.bytes());
            q.future().completeExceptionally(new WebSocketException(Kind.CLOSED, "the WebSocket is closed"));
        } else if (current != null && queue.isEmpty()) {
            release(q.bytes());
            relay(q.send().apply(current), q.future());
        } else {
            queue.add(q);
        }
    }

    private void attemptClosed(Attempt a, int code, String reason, ClosedBy by) {
        if (attempt != a) {
            return;
        }
        current = null;
        if (stopped) {
            finish(code, reason, null, by);
            return;
        }
        state = State.CONNECTING;
        if (System.nanoTime() - openedAt >= policy.stableAfter().toNanos()) {
            failures = 0;
        }
        report(State.CONNECTING);
        safely(() -> events.onDisconnected(this, code, reason));
        scheduleNext(new WebSocketException(Kind.CLOSED, "the connection to " + url + " was lost (" + code
                + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"));
    }

    private void attemptFailed(Attempt a, Throwable error) {
        if (attempt != a || stopped) {
            return;
        }
        if (error instanceof WebSocketException w && w.kind() == Kind.SHUTDOWN) {
            finish(ABNORMAL_CLOSURE, "the client is closed", w, ClosedBy.APPLICATION);
            return;
        }
        if (a.number == 0 && !policy.retryFirstConnect()) {
            finish(ABNORMAL_CLOSURE, String.valueOf(error.getMessage()), error, ClosedBy.NETWORK);
            return;
        }
        if (a.number > 0) {
            safely(() -> events.onReconnectFailed(this, a.number, error));
        }
        scheduleNext(error);
    }

    private void scheduleNext(Throwable cause) {
        if (stopped) {
            return;
        }
        int next = ++failures;
        if (!policy.allows(next)) {
            stopped = true;
            safely(() -> events.onGiveUp(this, next - 1, cause));
            finish(ABNORMAL_CLOSURE, "gave up after " + (next - 1) + " reconnect attempts: " + cause.getMessage(),
                    cause, ClosedBy.NETWORK);
            return;
        }
        Duration delay = policy.delay(next);
        safely(() -> events.onReconnectScheduled(this, next, delay));
        if (!stopped) {
            timer = Engine.timers().schedule(() -> serial.execute(() -> connectNow(next)), delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** The end: no more attempts, queued sends fail, the listener hears onClose once. */
    private void finish(int code, String reason, Throwable cause, ClosedBy by) {
        if (state == State.CLOSED) {
            return;
        }
        closedBy = by;
        stopped = true;
        current = null;
        state = State.CLOSED;
        cancelTimer();
        failQueued(new WebSocketException(Kind.CLOSED, "the WebSocket is closed (" + code + ")"));
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

    /** sendClose: no more attempts; the open connection closes (its onClose ends this one), else the end now. */
    private void closeNow(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        cancelTimer();
        failQueued(new WebSocketException(Kind.CLOSED, "the WebSocket was closed before the message was sent"));
        WebSocket open = current;
        if (open != null) {
            state = State.CLOSING;
            report(State.CLOSING);
            open.sendClose(code, reason);
        } else {
            finish(code, reason == null ? "" : reason, null, ClosedBy.APPLICATION);
        }
    }

    /** WebSocketClient.close(): no more attempts; an open connection closes with the client. */
    void clientClosing() {
        stopped = true;
        serial.execute(() -> {
            cancelTimer();
            if (current == null) {
                finish(GOING_AWAY, "the client is closed", new WebSocketException(Kind.SHUTDOWN, "the client is closed"),
                        ClosedBy.APPLICATION);
            }
        });
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void failQueued(WebSocketException error) {
        List<Queued> dropped = new ArrayList<>(queue);
        queue.clear();
        for (Queued q : dropped) {
            release(q.bytes());
            q.future().completeExceptionally(error);
        }
    }

    /** Tells the listener that the state is now {@code to}, once per change, in the order of the changes. */
    private void report(State to) {
        State from = reported;
        reported = to;
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

    /**
     * The listener of one underlying connection: hands its events to the state machine, which forwards them while
     * it is the current one.
     */
    private final class Attempt implements Listener {
        final int number;
        boolean open; // serial tasks only

        Attempt(int number) {
            this.number = number;
        }

        @Override
        public void onOpen(WebSocket ws) {
            serial.execute(() -> attemptOpened(this, ws));
        }

        @Override
        public void onText(WebSocket ws, String text) {
            deliver(ws, () -> listener.onText(ReconnectingWebSocket.this, text));
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            deliver(ws, () -> listener.onBinary(ReconnectingWebSocket.this, data));
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer payload) {
            deliver(ws, () -> listener.onPong(ReconnectingWebSocket.this, payload));
        }

        /**
         * A received message, from the connection's listener thread to the listener's turn in serial. Without an
         * executor serial runs it at once; with one, the messages waiting are bounded by pausing the connection.
         */
        private void deliver(WebSocket ws, Runnable callback) {
            if (backlog.incrementAndGet() > BACKLOG && !backlogPaused) {
                backlogPaused = true;
                ws.pauseReading();
            }
            serial.execute(() -> {
                try {
                    if (attempt == this) {
                        safely(callback);
                    }
                } finally {
                    if (backlog.decrementAndGet() <= BACKLOG / 2 && backlogPaused) {
                        backlogPaused = false;
                        if (!readingPaused) {
                            ws.resumeReading();
                        }
                    }
                }
            });
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            ClosedBy by = ws.closedBy();
            serial.execute(() -> {
                if (open) { // a connection that never opened is handled through its connect future
                    attemptClosed(this, code, reason, by);
                }
            });
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            serial.execute(() -> {
                if (open && attempt == this) { // connect errors are handled through the connect future
                    safely(() -> listener.onError(ReconnectingWebSocket.this, error));
                }
            });
        }
    }

    // ---- the WebSocket API (any thread) ----

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence text) {
        String s = text.toString();
        return send(ws -> ws.sendText(s), utf8Length(s), true);
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

    /** A piece of a streamed message: only on the connection open now, and the whole message on one connection. */
    private synchronized CompletableFuture<WebSocket> stream(Function<WebSocket, CompletableFuture<WebSocket>> op,
                                                             boolean last) {
        if (state == State.CLOSED || stopped) {
            return closedError();
        }
        WebSocket target = waitingMessages.get() == 0 || Thread.currentThread() == opening ? current : null;
        boolean interrupted = streamOn != null && streamOn != target;
        if (last) {
            streamOn = null;
        } else if (!interrupted && target != null) {
            streamOn = target;
        }
        if (target == null || interrupted) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.CLOSED, interrupted
                    ? "the streamed message was interrupted by a reconnect" : "the WebSocket is reconnecting"));
        }
        CompletableFuture<WebSocket> result = client.newFuture();
        relay(op.apply(target), result);
        return result;
    }

    /**
     * A whole message: straight to the open connection when nothing waits before it, else to the state machine,
     * which sends it once a connection is open and what was queued before it has gone. Fail-fast and the queue's
     * limits are decided now, on the caller's thread.
     */
    private CompletableFuture<WebSocket> send(Function<WebSocket, CompletableFuture<WebSocket>> op, int bytes,
                                              boolean queueable) {
        if (state == State.CLOSED || stopped) {
            return closedError();
        }
        synchronized (this) {
            if (streamOn != null) {
                throw new IllegalStateException("a message is being streamed: finish it with last = true first");
            }
        }
        WebSocket ws = current;
        CompletableFuture<WebSocket> result = client.newFuture();
        if (ws != null && (waitingMessages.get() == 0 || Thread.currentThread() == opening)) {
            relay(op.apply(ws), result);
            return result;
        }
        if (!queueable || ws == null && policy.whileDisconnected() == ReconnectPolicy.WhileDisconnected.FAIL_FAST) {
            return CompletableFuture.failedFuture(new WebSocketException(Kind.CLOSED,
                    "the WebSocket is reconnecting to " + url + ": " + (queueable ? "send failed fast" : "ping not sent")));
        }
        int messages = waitingMessages.incrementAndGet();
        long queued = waitingBytes.addAndGet(bytes);
        if (messages > policy.maxQueuedMessages() || queued > policy.maxQueuedBytes() && messages > 1) {
            release(bytes);
            return CompletableFuture.failedFuture(new WebSocketException(Kind.QUEUE_FULL,
                    "reconnect queue full: " + (messages - 1) + " messages, " + (queued - bytes) + " bytes waiting"
                            + " (limits " + policy.maxQueuedMessages() + ", " + policy.maxQueuedBytes() + ")"));
        }
        Queued q = new Queued(op, bytes, result);
        serial.execute(() -> arrived(q));
        return result;
    }

    private void release(int bytes) {
        waitingMessages.decrementAndGet();
        waitingBytes.addAndGet(-bytes);
    }

    /** The UTF-8 length of s, as the queue's byte limit counts it. */
    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x800) {
                n += Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes for 2 chars
            } else if (c >= 0x80) {
                n++;
            }
        }
        return n;
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
        if (!stopped && state != State.CLOSED) {
            stopped = true;
            serial.execute(() -> closeNow(code, reason));
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
        readingPaused = true;
        serial.execute(() -> {
            WebSocket ws = current;
            if (ws != null && readingPaused) {
                ws.pauseReading();
            }
        });
    }

    @Override
    public void resumeReading() {
        readingPaused = false;
        serial.execute(() -> {
            WebSocket ws = current;
            if (ws != null && !readingPaused && !backlogPaused) {
                ws.resumeReading();
            }
        });
    }

    @Override
    public Message receive(Duration timeout) {
        throw new IllegalStateException("receive() is not available on a reconnecting connection: use a listener");
    }

    /** Bytes waiting: queued while disconnected plus those queued on the open connection. */
    @Override
    public long queuedBytes() {
        WebSocket ws = current;
        return waitingBytes.get() + (ws == null ? 0 : ws.queuedBytes());
    }

    /** The counters of the connection open now (zero while disconnected), with {@link #queuedBytes()}. */
    @Override
    public io.github.lwsjava.metrics.ConnectionStats stats() {
        WebSocket ws = current;
        io.github.lwsjava.metrics.ConnectionStats now = ws == null
                ? new io.github.lwsjava.metrics.ConnectionStats(0, 0, 0, 0, 0, 0) : ws.stats();
        return new io.github.lwsjava.metrics.ConnectionStats(now.messagesSent(), now.bytesSent(),
                now.messagesReceived(), now.bytesReceived(), queuedBytes(), now.pendingListenerCalls());
    }

    @Override
    public ClosedBy closedBy() {
        return closedBy;
    }

    /** {@return OPEN while a connection is open; CONNECTING while (re)connecting; CLOSING, then CLOSED at the end} */
    @Override
    public State state() {
        return state;
    }

    @Override
    public String subprotocol() {
        WebSocket ws = lastOpened;
        return ws == null ? "" : ws.subprotocol();
    }

    @Override
    public String path() {
        WebSocket ws = lastOpened;
        return ws == null ? path : ws.path();
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
        WebSocket ws = lastOpened;
        return ws == null ? "" : ws.remoteAddress();
    }

    /** {@return the connection open now, or null while reconnecting} */
    public WebSocket current() {
        return current;
    }

    /** {@return how many times a connection opened again after the first} */
    public int reconnects() {
        return reconnects;
    }

    /** {@return the messages waiting for a connection} */
    public int queuedMessages() {
        return waitingMessages.get();
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
        return "ReconnectingWebSocket[" + url + " " + state + ", " + reconnects + " reconnects]";
    }
}
