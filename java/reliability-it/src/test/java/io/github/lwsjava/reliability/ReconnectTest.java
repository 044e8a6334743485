package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.ReconnectPolicy;
import io.github.lwsjava.client.ReconnectingWebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.testkit.Ports;

/**
 * Automatic reconnect against a real server process (our WebSocketServer in a child JVM) that is killed with
 * SIGKILL mid-stream and restarted on the same port.
 */
@Timeout(90)
class ReconnectTest {

    static final ReconnectPolicy FAST = ReconnectPolicy.defaults()
            .withBackoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(800)).withJitter(0.2);

    static String url(int port) {
        return "ws://127.0.0.1:" + port + "/reconnect";
    }

    /** Texts heard from now on until one equals last, in order. */
    static List<String> textsUntil(Events ev, String last) throws InterruptedException {
        List<String> texts = new ArrayList<>();
        while (true) {
            String t = ev.next("text", 20).text();
            texts.add(t);
            if (t.equals(last)) {
                return texts;
            }
        }
    }

    @Test
    void killedServerIsReconnectedAndMessagesSentMeanwhileAreDelivered() throws Exception {
        int port = Ports.freeLoopbackPort();
        ChildServer server = ChildServer.start(port);
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            ReconnectingWebSocket ws = (ReconnectingWebSocket) client.newConnection(url(port))
                    .reconnect(FAST.withStableAfter(Duration.ZERO).queueWhileDisconnected(500, 1 << 20))
                    .connect(ev).get(10, TimeUnit.SECONDS);
            ev.next("open");

            // a stream of messages, with the server killed in the middle of it
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicInteger failed = new AtomicInteger();
            List<CompletableFuture<WebSocket>> sent = new ArrayList<>();
            Thread streamer = new Thread(() -> {
                for (int i = 0; streaming.get(); i++) {
                    CompletableFuture<WebSocket> f = ws.sendText("stream-" + i);
                    f.exceptionally(e -> {
                        failed.incrementAndGet();
                        return null;
                    });
                    synchronized (sent) {
                        sent.add(f);
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            streamer.start();
            Thread.sleep(300);
            for (int cycle = 1; cycle <= 2; cycle++) {
                server.kill();
                Events.Event lost = ev.next("disconnected", 10);
                assertEquals(WebSocket.ABNORMAL_CLOSURE, lost.code());
                Events.Event scheduled = ev.next("scheduled", 10);
                assertEquals(1, scheduled.code(), "the backoff starts again after a stable connection");
                Events.Event failure = ev.next("failed", 10); // the server is still down: refused
                assertEquals(1, failure.code());
                assertInstanceOf(WebSocketException.class, failure.error());
                assertEquals(WebSocketException.Kind.CONNECT_FAILED, ((WebSocketException) failure.error()).kind(),
                        failure.text());
                assertEquals(2, ev.next("scheduled", 10).code());
                assertEquals(WebSocket.State.CONNECTING, ws.state());
                // sent while disconnected: queued, not failed
                List<CompletableFuture<WebSocket>> queued = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    queued.add(ws.sendText("queued-" + cycle + "-" + i));
                }
                assertTrue(ws.queuedMessages() >= 5, "queued " + ws.queuedMessages());
                queued.forEach(f -> assertFalse(f.isDone(), "a send while disconnected completed at once"));

                server = ChildServer.start(port);
                Events.Event back = ev.next("reconnected", 20);
                assertTrue(back.code() >= 2, "reconnected after " + back.code() + " attempts");
                ev.next("open");
                CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                List<String> texts = textsUntil(ev, "queued-" + cycle + "-4");
                List<String> queuedEchoes = texts.stream().filter(t -> t.startsWith("queued-")).toList();
                assertEquals(List.of("queued-" + cycle + "-0", "queued-" + cycle + "-1", "queued-" + cycle + "-2",
                        "queued-" + cycle + "-3", "queued-" + cycle + "-4"), queuedEchoes, "in order");
                assertEquals(WebSocket.State.OPEN, ws.state());
                assertEquals(cycle, ws.reconnects());
                Thread.sleep(200); // the stream flows again
            }
            streaming.set(false);
            streamer.join();
            List<CompletableFuture<WebSocket>> all;
            synchronized (sent) {
                all = new ArrayList<>(sent);
            }
            // every stream send ends: written, or failed because its connection died under it (at most once)
            for (CompletableFuture<WebSocket> f : all) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertInstanceOf(WebSocketException.class, e.getCause());
                }
            }
            System.out.printf("reconnect: %d stream messages sent, %d failed with the killed connections, %d reconnects%n",
                    all.size(), failed.get(), ws.reconnects());
            assertTrue(failed.get() < all.size() / 2, failed.get() + " of " + all.size() + " failed");
            String last = "last " + System.nanoTime();
            ws.sendText(last).get(10, TimeUnit.SECONDS);
            textsUntil(ev, last);
            ws.close();
            assertEquals(WebSocket.NORMAL_CLOSURE, ev.closed.get(10, TimeUnit.SECONDS));
            assertEquals(1, ev.closes);
        } finally {
            server.kill();
        }
    }

    @Test
    void failFastModeRefusesSendsWhileDisconnected() throws Exception {
        int port = Ports.freeLoopbackPort();
        ChildServer server = ChildServer.start(port);
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            WebSocket ws = client.newConnection(url(port)).reconnect(FAST.failWhileDisconnected())
                    .connect(ev).get(10, TimeUnit.SECONDS);
            ws.sendText("before").get(10, TimeUnit.SECONDS);
            assertEquals("before", ev.next("text").text());
            server.kill();
            ev.next("disconnected", 10);
            CompletableFuture<WebSocket> refused = ws.sendText("while down");
            assertTrue(refused.isCompletedExceptionally(), "fail fast: the future is failed at once");
            ExecutionException e = assertThrows(ExecutionException.class, refused::get);
            assertEquals(WebSocketException.Kind.CLOSED, ((WebSocketException) e.getCause()).kind());
            assertTrue(e.getCause().getMessage().contains("reconnecting"), e.getCause().getMessage());
            server = ChildServer.start(port);
            ev.next("reconnected", 20);
            ws.sendText("after").get(10, TimeUnit.SECONDS);
            assertEquals("after", ev.next("text").text());
        } finally {
            server.kill();
        }
    }

    @Test
    void givesUpAfterMaxAttemptsAndReportsEachOne() throws Exception {
        int port = Ports.freeLoopbackPort(); // nothing listens
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            long start = System.nanoTime();
            CompletableFuture<WebSocket> f = client.newConnection(url(port))
                    .reconnect(FAST.withBackoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(200)).withMaxAttempts(3))
                    .connect(ev);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
            assertEquals(WebSocketException.Kind.CONNECT_FAILED, ((WebSocketException) e.getCause()).kind());
            List<String> seen = new ArrayList<>();
            // the future fails as the policy gives up; onClose may reach the listener a moment later
            for (Events.Event x; (x = ev.events.poll(5, TimeUnit.SECONDS)) != null; ) {
                seen.add(x.type() + (x.code() != 0 ? " " + x.code() : ""));
                if (x.type().equals("close")) {
                    break;
                }
            }
            assertEquals(List.of("scheduled 1", "attempt 1", "failed 1", "scheduled 2", "attempt 2", "failed 2",
                    "scheduled 3", "attempt 3", "failed 3", "gaveup 3", "close 1006"), seen);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void firstConnectIsNotRetriedWhenThePolicySaysSo() {
        int port = Ports.freeLoopbackPort();
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            CompletableFuture<WebSocket> f = client.newConnection(url(port))
                    .reconnect(FAST.withRetryFirstConnect(false)).connect(ev);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals(WebSocketException.Kind.CONNECT_FAILED, ((WebSocketException) e.getCause()).kind());
        }
    }

    @Test
    void closingTheClientWhileReconnectingFailsQueuedSendsAndEndsOnce() throws Exception {
        int port = Ports.freeLoopbackPort();
        ChildServer server = ChildServer.start(port);
        Events ev = new Events();
        ReconnectingWebSocket ws;
        CompletableFuture<WebSocket> queued;
        try (WebSocketClient client = WebSocketClient.create()) {
            ws = (ReconnectingWebSocket) client.newConnection(url(port))
                    .reconnect(FAST.withBackoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(10)))
                    .connect(ev).get(10, TimeUnit.SECONDS);
            server.kill();
            ev.next("disconnected", 10);
            queued = ws.sendText("never sent");
            assertFalse(queued.isDone());
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS));
        assertEquals(WebSocketException.Kind.CLOSED, ((WebSocketException) e.getCause()).kind());
        assertEquals(WebSocket.GOING_AWAY, ev.closed.get(5, TimeUnit.SECONDS));
        ws.closeFuture().get(5, TimeUnit.SECONDS);
        assertEquals(WebSocket.State.CLOSED, ws.state());
        assertTrue(ws.sendText("after").isCompletedExceptionally());
        Thread.sleep(300);
        assertEquals(1, ev.closes);
        assertTrue(ev.events.stream().noneMatch(x -> x.type().equals("attempt")), "no attempt after the client closed");
    }

    @Test
    void closingAnOpenReconnectingSocketStopsReconnecting() throws Exception {
        int port = Ports.freeLoopbackPort();
        try (ChildServer server = ChildServer.start(port); WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            WebSocket ws = client.newConnection(url(port)).reconnect(FAST).connect(ev).get(10, TimeUnit.SECONDS);
            ws.sendClose(4001, "done").get(10, TimeUnit.SECONDS);
            assertEquals(4001, ev.closed.get(5, TimeUnit.SECONDS));
            assertSame(ws.sendClose(1000, ""), ws.sendClose(1000, ""), "closing twice returns the same future");
            Thread.sleep(500);
            assertTrue(ev.events.stream().noneMatch(x -> x.type().equals("attempt") || x.type().equals("disconnected")));
            assertTrue(client.connections().isEmpty());
        }
    }

    @Test
    void backoffGrowsToItsMaximumWithJitterBelowIt() {
        ReconnectPolicy p = ReconnectPolicy.defaults().withBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))
                .withJitter(0.5);
        long[] noJitter = new long[7];
        for (int i = 1; i <= 7; i++) {
            noJitter[i - 1] = p.delay(i, () -> 0.0).toMillis();
        }
        assertArrayEquals(new long[] {100, 200, 400, 800, 1000, 1000, 1000}, noJitter);
        assertEquals(50, p.delay(1, () -> 1.0).toMillis());
        assertEquals(500, p.delay(9, () -> 1.0).toMillis());
        for (int i = 0; i < 1000; i++) {
            long d = p.delay(3).toMillis();
            assertTrue(d >= 200 && d <= 400, "delay " + d);
        }
        assertEquals(1000, p.delay(Integer.MAX_VALUE, () -> 0.0).toMillis(), "no overflow");
        assertThrows(IllegalArgumentException.class, () -> p.withBackoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> p.withJitter(1.5));
        assertThrows(IllegalArgumentException.class, () -> p.withBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1)));
    }
}
