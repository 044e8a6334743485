package io.github.lwsjava;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener that records what it hears, for tests: events are taken with a time-out. */
public class Recorder implements WebSocket.Listener {

    /** One event heard. */
    public record Event(String type, String text, ByteBuffer data, int code, Throwable error) {
    }

    public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    public volatile String closeReason;

    @Override
    public void onOpen(WebSocket ws) {
        events.add(new Event("open", null, null, 0, null));
    }

    @Override
    public void onText(WebSocket ws, String text) {
        events.add(new Event("text", text, null, 0, null));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        events.add(new Event("binary", null, data, 0, null));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer payload) {
        events.add(new Event("pong", null, payload, 0, null));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        closeReason = reason;
        events.add(new Event("close", reason, null, code, null));
        closed.complete(code);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        events.add(new Event("error", String.valueOf(error), null, 0, error));
    }

    /** The next event of this type, skipping others; fails after the time-out. */
    public Event next(String type) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            Event e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null && e.type().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within 10 s");
    }
}
