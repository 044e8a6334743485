package io.github.lwsjava.reliability;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.ReconnectListener;

/** A listener that records every event, reconnect events included, for tests: taken with a time-out. */
class Events implements ReconnectListener {

    /** One event heard. */
    record Event(String type, String text, ByteBuffer data, int code, Throwable error) {
    }

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    volatile String closeReason;
    volatile int closes;

    private void add(String type, String text, ByteBuffer data, int code, Throwable error) {
        events.add(new Event(type, text, data, code, error));
    }

    @Override
    public void onOpen(WebSocket ws) {
        opened.complete(ws);
        add("open", null, null, 0, null);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        add("text", text, null, 0, null);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        add("binary", null, data, 0, null);
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer payload) {
        add("pong", null, payload, 0, null);
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        closes++;
        closeReason = reason;
        add("close", reason, null, code, null);
        closed.complete(code);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        add("error", String.valueOf(error), null, 0, error);
    }

    @Override
    public void onDisconnected(WebSocket ws, int code, String reason) {
        add("disconnected", reason, null, code, null);
    }

    @Override
    public void onReconnectScheduled(WebSocket ws, int attempt, Duration delay) {
        add("scheduled", delay.toString(), null, attempt, null);
    }

    @Override
    public void onReconnectAttempt(WebSocket ws, int attempt) {
        add("attempt", null, null, attempt, null);
    }

    @Override
    public void onReconnectFailed(WebSocket ws, int attempt, Throwable error) {
        add("failed", String.valueOf(error), null, attempt, error);
    }

    @Override
    public void onReconnected(WebSocket ws, int attempts) {
        add("reconnected", null, null, attempts, null);
    }

    @Override
    public void onGiveUp(WebSocket ws, int attempts, Throwable lastError) {
        add("gaveup", String.valueOf(lastError), null, attempts, lastError);
    }

    /** The next event of this type, skipping others; fails after the time-out. */
    Event next(String type, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Event e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null && e.type().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within " + seconds + " s");
    }

    Event next(String type) throws InterruptedException {
        return next(type, 10);
    }
}
