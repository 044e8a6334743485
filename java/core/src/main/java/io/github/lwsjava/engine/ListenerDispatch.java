package io.github.lwsjava.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocket.Listener;

/**
 * Calls a connection's listener: on the service thread, or in order on an executor. A listener that throws is
 * reported to its own onError (and to the log if that throws too); nothing reaches the service loop.
 *
 * <p>With an executor, the calls waiting for it are bounded: beyond {@code maxPendingCalls} calls or
 * {@code maxPendingBytes} bytes of messages, reading from the peer pauses until the executor has run half of both.
 */
final class ListenerDispatch {

    private final Connection connection;
    private final Listener listener;
    private final Executor executor;
    private final int maxCalls;
    private final long maxBytes;
    // with an executor: the connection's callbacks, run one at a time in order; all guarded by queue (null without)
    private final ArrayDeque<Pending> queue;
    private boolean draining;
    private long pendingBytes;
    private boolean paused;
    private volatile int pendingCalls; // written under queue, read by stats() from any thread

    private record Pending(Runnable callback, long bytes) {
    }

    ListenerDispatch(Connection connection, Listener listener, Executor executor, int maxCalls, long maxBytes) {
        this.connection = connection;
        this.listener = listener;
        this.executor = executor;
        this.maxCalls = maxCalls;
        this.maxBytes = maxBytes;
        this.queue = executor == null ? null : new ArrayDeque<>();
    }

    /** Listener calls waiting for the executor. */
    int pendingCalls() {
        return pendingCalls;
    }

    void onOpen() {
        run(() -> listener.onOpen(connection), 0);
    }

    void onStateChange(WebSocket.State from, WebSocket.State to) {
        run(() -> listener.onStateChange(connection, from, to), 0);
    }

    void onText(String text, long bytes) {
        if (executor == null) { // the per-message path on the service thread: no callback object
            try {
                listener.onText(connection, text);
            } catch (Throwable t) {
                failed(t);
            }
            return;
        }
        run(() -> listener.onText(connection, text), bytes);
    }

    void onBinary(ByteBuffer data) {
        if (executor == null) {
            try {
                listener.onBinary(connection, data);
            } catch (Throwable t) {
                failed(t);
            }
            return;
        }
        run(() -> listener.onBinary(connection, data), data.remaining());
    }

    void onPong(ByteBuffer payload) {
        run(() -> listener.onPong(connection, payload), 0);
    }

    void onClose(int code, String reason) {
        run(() -> listener.onClose(connection, code, reason), 0);
    }

    void onError(Throwable error) {
        run(() -> listener.onError(connection, error), 0);
    }

    private void run(Runnable callback, long bytes) {
        if (executor == null) {
            guarded(callback);
            return;
        }
        boolean pause;
        boolean start;
        synchronized (queue) {
            queue.add(new Pending(callback, bytes));
            pendingCalls++;
            pendingBytes += bytes;
            pause = !paused && (pendingCalls >= maxCalls || pendingBytes >= maxBytes);
            paused |= pause;
            start = !draining;
            draining = true;
        }
        if (pause) {
            connection.updateReading(Connection.PAUSED_BY_DISPATCH, this::paused);
        }
        if (!start) {
            return;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException rejected) {
            synchronized (queue) {
                draining = false;
            }
            Engine.LOG.log(System.Logger.Level.ERROR, "listener executor rejected a callback of " + connection, rejected);
        }
    }

    private boolean paused() {
        synchronized (queue) {
            return paused;
        }
    }

    private void drain() {
        while (true) {
            Pending next;
            synchronized (queue) {
                next = queue.peek();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            guarded(next.callback());
            boolean resume;
            synchronized (queue) {
                queue.poll();
                pendingCalls--;
                pendingBytes -= next.bytes();
                resume = paused && pendingCalls <= maxCalls / 2 && pendingBytes <= maxBytes / 2;
                paused &= !resume;
            }
            if (resume) {
                connection.updateReading(Connection.PAUSED_BY_DISPATCH, this::paused);
            }
        }
    }

    private void guarded(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            failed(t);
        }
    }

    /** A listener call threw t: its onError hears it (and the log, if that throws too). */
    private void failed(Throwable t) {
        try {
            listener.onError(connection, t);
        } catch (Throwable again) {
            again.addSuppressed(t);
            Engine.LOG.log(System.Logger.Level.ERROR, "listener of " + connection + " threw", again);
        }
    }
}
