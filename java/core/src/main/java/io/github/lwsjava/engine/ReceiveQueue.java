package io.github.lwsjava.engine;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocket.Listener;

/**
 * The listener of a pull-style connection: received messages wait in a bounded queue for
 * {@link WebSocket#receive}. When the queue is full, reading from the peer pauses (TCP flow control) and resumes
 * once the application has taken half of it, so memory stays bounded however slow the reader.
 */
final class ReceiveQueue implements Listener {

    private final Connection connection;
    private final LinkedBlockingQueue<Message> queue;
    private final int capacity;
    private boolean paused; // guarded by this

    ReceiveQueue(Connection connection, int capacity) {
        this.connection = connection;
        this.capacity = capacity;
        // room for the close message and the messages already read when reading pauses: at most one buffer of
        // the C engine's events (what one service round recorded)
        this.queue = new LinkedBlockingQueue<>(capacity + 1 + io.github.lwsjava.lws.global.libwebsockets.LWSJ_EVENTS_SIZE
                / io.github.lwsjava.lws.global.libwebsockets.LWSJ_RECORD_HEAD);
    }

    @Override
    public void onText(WebSocket webSocket, String text) {
        offer(Message.text(text));
    }

    @Override
    public void onBinary(WebSocket webSocket, ByteBuffer data) {
        offer(Message.binary(data));
    }

    @Override
    public void onClose(WebSocket webSocket, int code, String reason) {
        queue.offer(Message.close(code, reason));
    }

    private void offer(Message message) {
        if (!queue.offer(message)) {
            Engine.LOG.log(System.Logger.Level.WARNING, "receive queue overflow on " + connection + ": message dropped");
        }
        synchronized (this) {
            if (!paused && queue.size() >= capacity) {
                paused = true;
                connection.updateReading(Connection.PAUSED_BY_RECEIVE_QUEUE, this::paused);
            }
        }
    }

    private synchronized boolean paused() {
        return paused;
    }

    Message take(Duration timeout) throws InterruptedException {
        Message m = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        synchronized (this) {
            if (paused && queue.size() <= capacity / 2) {
                paused = false;
                connection.updateReading(Connection.PAUSED_BY_RECEIVE_QUEUE, this::paused);
            }
        }
        return m;
    }
}
