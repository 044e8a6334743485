package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** Flow control: a reader that pauses pushes back on the sender, whose queue is bounded. */
@Timeout(60)
class BackpressureTest {

    @Test
    void pausedReaderFillsTheSendersBoundedQueueAndResumingDrainsIt() throws Exception {
        AtomicReference<WebSocket> serverSide = new AtomicReference<>();
        AtomicInteger received = new AtomicInteger();
        CountDownLatch opened = new CountDownLatch(1);
        WebSocket.Listener pausing = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.pauseReading();
                serverSide.set(ws);
                opened.countDown();
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                received.incrementAndGet();
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().handler(pausing).build();
             WebSocketClient client = WebSocketClient.builder().maxQueuedBytes(4L << 20).build()) {
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", new Recorder()).get(10, TimeUnit.SECONDS);
            assertTrue(opened.await(10, TimeUnit.SECONDS));
            byte[] chunk = new byte[64 * 1024];
            List<CompletableFuture<WebSocket>> sends = new ArrayList<>();
            WebSocketException full = null;
            for (int i = 0; i < 2000 && full == null; i++) { // 128 MiB offered: far beyond socket buffers + 4 MiB
                CompletableFuture<WebSocket> f = ws.sendBinary(chunk);
                if (f.isCompletedExceptionally()) {
                    ExecutionException e = assertThrows(ExecutionException.class, f::get);
                    full = assertInstanceOf(WebSocketException.class, e.getCause());
                } else {
                    sends.add(f);
                }
                if (i % 16 == 0) {
                    Thread.sleep(5);
                }
            }
            assertNotNull(full, "the bounded queue never filled");
            assertEquals(WebSocketException.Kind.QUEUE_FULL, full.kind());
            assertTrue(ws.queuedBytes() <= 4L << 20, "queued " + ws.queuedBytes());
            serverSide.get().resumeReading();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(0, ws.queuedBytes());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.get() < sends.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(sends.size(), received.get());
        }
    }
}
