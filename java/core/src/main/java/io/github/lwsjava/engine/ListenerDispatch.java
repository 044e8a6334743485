package io.github.lwsjava.engine;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocket.Listener;

/**
 * Calls a connection's listener: on the service thread, or in order on an executor. A listener that throws is
 * reported to its own onError (and to the log if that throws too); nothing reaches the service loop.
 */
final class ListenerDispatch {

    private final WebSocket webSocket;
    private final Listener listener;
    private final Executor executor;
    // with an executor: the connection's callbacks, run one at a time in order
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;

    ListenerDispatch(WebSocket webSocket, Listener listener, Executor executor) {
        this.webSocket = webSocket;
        this.listener = listener;
        this.executor = executor;
    }

    void onOpen() {
        run(() -> listener.onOpen(webSocket));
    }

    void onText(String text) {
        run(() -> listener.onText(webSocket, text));
    }

    void onBinary(ByteBuffer data) {
        run(() -> listener.onBinary(webSocket, data));
    }

    void onPong(ByteBuffer payload) {
        run(() -> listener.onPong(webSocket, payload));
    }

    void onClose(int code, String reason) {
        run(() -> listener.onClose(webSocket, code, reason));
    }

    void onError(Throwable error) {
        run(() -> listener.onError(webSocket, error));
    }

    private void run(Runnable callback) {
        if (executor == null) {
            guarded(callback);
            return;
        }
        synchronized (queue) {
            queue.add(callback);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException rejected) {
            synchronized (queue) {
                draining = false;
            }
            Engine.LOG.log(System.Logger.Level.ERROR, "listener executor rejected a callback of " + webSocket, rejected);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            guarded(next);
        }
    }

    private void guarded(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            try {
                listener.onError(webSocket, t);
            } catch (Throwable again) {
                again.addSuppressed(t);
                Engine.LOG.log(System.Logger.Level.ERROR, "listener of " + webSocket + " threw", again);
            }
        }
    }
}
