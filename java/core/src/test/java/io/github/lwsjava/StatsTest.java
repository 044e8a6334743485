package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.metrics.ConnectionStats;
import io.github.lwsjava.metrics.EndpointStats;
import io.github.lwsjava.server.WebSocketServer;

/** Counters: stats() of a connection, a client and a server, their JMX view, and queuedBytes() exact under races. */
@Timeout(60)
class StatsTest {

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void messagesAndBytesEachWayOpenConnectionsAndRefusedHandshakes() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(EchoTest.ECHO)
                .upgradeFilter(r -> r.path().equals("/no") ? 403 : 0).build();
             WebSocketClient client = WebSocketClient.create()) {
            Recorder rec = new Recorder();
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", rec).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                ws.sendText("x".repeat(100));
            }
            for (int i = 0; i < 5; i++) {
                ws.sendBinary(new byte[1000]);
            }
            ws.sendPing(ByteBuffer.wrap(new byte[5])); // pings count in neither
            ws.sendText("stre", false);
            ws.sendText("amed", true).get(10, TimeUnit.SECONDS); // a streamed message counts once
            for (int i = 0; i < 16; i++) {
                rec.next(i < 10 ? "text" : i < 15 ? "binary" : "text");
            }
            ConnectionStats c = ws.stats();
            assertEquals(new ConnectionStats(16, 6008, 16, 6008, 0, 0), c);
            await(() -> server.stats().messagesSent() == 16, "the server counted its echoes");
            EndpointStats s = server.stats();
            assertEquals(1, s.openConnections());
            assertEquals(1, s.connectionsOpened());
            assertEquals(16, s.messagesReceived());
            assertEquals(6008, s.bytesReceived());
            assertEquals(6008, s.bytesSent());
            assertEquals(new ConnectionStats(16, 6008, 16, 6008, 0, 0), server.connections().get(0).stats());
            EndpointStats cs = client.stats();
            assertEquals(1, cs.openConnections());
            assertEquals(16, cs.messagesSent());
            assertEquals(6008, cs.bytesReceived());
            assertEquals(Map.of(), cs.handshakesFailed());

            // a refused upgrade: a failed handshake on both faces
            ExecutionException refused = assertThrows(ExecutionException.class, () -> client
                    .connect("ws://127.0.0.1:" + server.port() + "/no", new Recorder()).get(10, TimeUnit.SECONDS));
            WebSocketException.Kind kind = ((WebSocketException) refused.getCause()).kind();
            await(() -> server.stats().handshakesFailedTotal() == 1, "the server counted the refusal");
            assertEquals(Map.of(WebSocketException.Kind.HANDSHAKE, 1L), server.stats().handshakesFailed());
            assertEquals(Map.of(kind, 1L), client.stats().handshakesFailed());
            // nothing listening: a failed connect, by its kind
            int closedPort;
            try (ServerSocket s0 = new ServerSocket(0)) {
                closedPort = s0.getLocalPort();
            }
            assertThrows(ExecutionException.class, () -> client.connect("ws://127.0.0.1:" + closedPort + "/",
                    new Recorder()).get(10, TimeUnit.SECONDS));
            assertEquals(2, client.stats().handshakesFailedTotal());

            ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
            await(() -> server.stats().openConnections() == 0, "the server saw the close");
            assertEquals(0, client.stats().openConnections());
            assertEquals(1, client.stats().connectionsOpened());
            assertEquals(16, client.stats().messagesReceived()); // totals outlive their connections
        }
    }

    @Test
    void jmxViewsAreRegisteredUnderDistinctNamesWhileOpen() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName pattern = new ObjectName("io.github.lwsjava:type=WebSocketServer,*");
        Set<ObjectName> before = mbeans.queryNames(pattern, null);
        try (WebSocketServer a = WebSocketServer.builder().handler(EchoTest.ECHO).jmx(true).build();
             WebSocketServer b = WebSocketServer.builder().handler(EchoTest.ECHO).jmx(true).build();
             WebSocketServer quiet = WebSocketServer.builder().handler(EchoTest.ECHO).build();
             WebSocketClient client = WebSocketClient.builder().jmx(true).build()) {
            Set<ObjectName> mine = new java.util.HashSet<>(mbeans.queryNames(pattern, null));
            mine.removeAll(before);
            assertEquals(2, mine.size(), "names: " + mine);
            Recorder rec = new Recorder();
            WebSocket ws = client.connect("ws://127.0.0.1:" + a.port() + "/", rec).get(10, TimeUnit.SECONDS);
            ws.sendText("hello");
            rec.next("text");
            ObjectName clientName = mbeans.queryNames(new ObjectName("io.github.lwsjava:type=WebSocketClient,*"), null)
                    .stream().filter(n -> {
                        try {
                            return (Long) mbeans.getAttribute(n, "MessagesReceived") == 1L;
                        } catch (Exception e) {
                            return false;
                        }
                    }).findFirst().orElseThrow();
            assertEquals(1L, mbeans.getAttribute(clientName, "MessagesSent"));
            assertEquals(5L, mbeans.getAttribute(clientName, "BytesSent"));
            assertEquals(1, mbeans.getAttribute(clientName, "OpenConnections"));
            assertInstanceOf(TabularData.class, mbeans.getAttribute(clientName, "HandshakesFailed"));
            long servedBy = 0;
            for (ObjectName n : mine) {
                servedBy += (Long) mbeans.getAttribute(n, "MessagesSent");
            }
            assertEquals(1, servedBy, "one of the two servers echoed");
        }
        assertEquals(before, mbeans.queryNames(pattern, null), "closing unregisters");
    }

    /**
     * Several threads send to a peer that stops reading until the queue is full: queuedBytes(), sampled all the
     * while, never passes the limit (a refused send is never counted) nor goes below zero; the QUEUE_FULL message
     * never quotes more than the limit; after the close every send is uncounted and queuedBytes() is exactly 0.
     */
    @Test
    void queuedBytesIsExactWhileSendersRaceTheLimitAndTheClose() throws Exception {
        long limit = 1 << 20;
        CountDownLatch opened = new CountDownLatch(1);
        AtomicReference<WebSocket> serverSide = new AtomicReference<>();
        WebSocket.Listener pausing = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.pauseReading();
                serverSide.set(ws);
                opened.countDown();
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().handler(pausing).build();
             WebSocketClient client = WebSocketClient.builder().maxQueuedBytes(limit).build()) {
            Recorder rec = new Recorder();
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", rec).get(10, TimeUnit.SECONDS);
            assertTrue(opened.await(10, TimeUnit.SECONDS));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong max = new AtomicLong();
            AtomicLong min = new AtomicLong();
            AtomicReference<String> overQuoted = new AtomicReference<>();
            Pattern quoted = Pattern.compile("queue full: (\\d+) bytes queued");
            Thread monitor = new Thread(() -> {
                while (!stop.get()) {
                    long q = ws.queuedBytes();
                    max.accumulateAndGet(q, Math::max);
                    min.accumulateAndGet(q, Math::min);
                }
            });
            monitor.start();
            List<Thread> senders = new ArrayList<>();
            List<CompletableFuture<WebSocket>> sends = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                Thread sender = new Thread(() -> {
                    byte[] chunk = new byte[48 << 10];
                    int full = 0;
                    for (int i = 0; i < 100_000 && full < 2000; i++) {
                        CompletableFuture<WebSocket> f = ws.sendBinary(chunk);
                        sends.add(f);
                        if (f.isCompletedExceptionally()) {
                            full++;
                            String message = f.handle((ok, e) -> e.getMessage()).join();
                            Matcher m = quoted.matcher(message);
                            if (m.find() && Long.parseLong(m.group(1)) > limit) {
                                overQuoted.compareAndSet(null, message);
                            }
                        }
                    }
                });
                sender.start();
                senders.add(sender);
            }
            for (Thread t : senders) {
                t.join(30_000);
            }
            serverSide.get().sendClose(4000, "enough"); // the client's queue is dropped, its sends fail
            assertEquals(4000, rec.closed.get(10, TimeUnit.SECONDS));
            for (CompletableFuture<WebSocket> f : sends) {
                f.handle((ok, e) -> null).get(10, TimeUnit.SECONDS);
            }
            stop.set(true);
            monitor.join(10_000);
            assertNull(overQuoted.get());
            assertTrue(max.get() <= limit, "queuedBytes() read " + max.get() + ", limit " + limit);
            assertTrue(max.get() > limit / 2, "the queue never filled: " + max.get());
            assertEquals(0, min.get());
            assertEquals(0, ws.queuedBytes());
            assertEquals(0, client.stats().queuedBytes());
        }
    }
}
