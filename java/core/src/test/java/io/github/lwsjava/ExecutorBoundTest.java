package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** With executor(...), a connection's listener calls waiting for the executor are bounded: reading pauses. */
@Timeout(90)
class ExecutorBoundTest {

    static final int BOUND = 16;
    static final int SIZE = 8 << 10;
    static final int COUNT = 4000; // 32 MiB: more than loopback's socket buffers hold
    /** Messages already read when reading pauses (one read of lws's 64 KiB buffer) still arrive. */
    static final int SLACK = (64 << 10) / SIZE + 2;

    @Test
    void aSlowExecutorPausesReadingAndTheSenderQueues() throws Exception {
        ExecutorService slow = Executors.newSingleThreadExecutor();
        AtomicReference<WebSocket> serverSide = new AtomicReference<>();
        AtomicInteger received = new AtomicInteger();
        AtomicInteger maxPending = new AtomicInteger();
        AtomicReference<String> outOfOrder = new AtomicReference<>();
        CountDownLatch all = new CountDownLatch(1);
        WebSocket.Listener slowReader = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                serverSide.set(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                maxPending.accumulateAndGet(ws.stats().pendingListenerCalls(), Math::max);
                int n = Integer.parseInt(text.substring(0, text.indexOf(' ')));
                if (n != received.get() && outOfOrder.get() == null) {
                    outOfOrder.set("message " + n + " arrived as number " + received.get());
                }
                if (received.incrementAndGet() == COUNT) {
                    all.countDown();
                }
                try {
                    Thread.sleep(0, 500_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().handler(slowReader).executor(slow)
                .maxPendingCalls(BOUND, 1L << 20).build();
             WebSocketClient client = WebSocketClient.builder().maxQueuedBytes(64L << 20).build()) {
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", new Recorder())
                    .get(10, TimeUnit.SECONDS);
            String padding = "x".repeat(SIZE - 16);
            List<CompletableFuture<WebSocket>> sends = new ArrayList<>();
            long maxQueued = 0;
            for (int i = 0; i < COUNT; i++) {
                sends.add(ws.sendText(String.format("%08d ", i) + padding));
                maxQueued = Math.max(maxQueued, ws.queuedBytes());
            }
            // the sender sees the pushback: what the paused reader does not take waits in the sender's queue
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline) {
                maxQueued = Math.max(maxQueued, ws.queuedBytes());
                Thread.sleep(10);
            }
            assertTrue(maxQueued >= 8L << 20, "the sender's queue never grew past " + maxQueued + " bytes");
            assertTrue(all.await(60, TimeUnit.SECONDS), "received " + received.get() + " of " + COUNT);
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertNull(outOfOrder.get());
            assertTrue(maxPending.get() <= BOUND + SLACK, "pending listener calls reached " + maxPending.get());
            assertEquals(0, ws.queuedBytes());
            assertEquals(COUNT, serverSide.get().stats().messagesReceived());
        } finally {
            slow.shutdownNow();
        }
    }

    @Test
    void theBoundInBytesPausesReadingToo() throws Exception {
        ExecutorService slow = Executors.newSingleThreadExecutor();
        AtomicInteger maxPending = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        WebSocket.Listener blocked = new WebSocket.Listener() {
            @Override
            public void onBinary(WebSocket ws, java.nio.ByteBuffer data) {
                maxPending.accumulateAndGet(ws.stats().pendingListenerCalls(), Math::max);
                received.incrementAndGet();
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        // 64 KiB messages, at most 256 KiB waiting: about 4 messages, however many calls the count would allow
        try (WebSocketServer server = WebSocketServer.builder().handler(blocked).executor(slow)
                .maxPendingCalls(10_000, 256 << 10).build();
             WebSocketClient client = WebSocketClient.builder().maxQueuedBytes(64L << 20).build()) {
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", new Recorder())
                    .get(10, TimeUnit.SECONDS);
            byte[] chunk = new byte[64 << 10];
            List<CompletableFuture<WebSocket>> sends = new ArrayList<>();
            for (int i = 0; i < 400; i++) { // 25 MiB
                sends.add(ws.sendBinary(chunk));
            }
            Thread.sleep(1000);
            int pendingNow = server.connections().get(0).stats().pendingListenerCalls();
            assertTrue(pendingNow <= 4 + 2, "pending listener calls: " + pendingNow);
            assertTrue(ws.queuedBytes() > 0, "nothing waits in the sender's queue");
            gate.countDown();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.get() < 400 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(400, received.get());
        } finally {
            slow.shutdownNow();
        }
    }
}
