package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** Misuse from Java: defined results (failed futures, clear exceptions), never a crash, a hang or a deadlock. */
@Timeout(60)
class MisuseTest {

    static WebSocketServer server;

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder().handler(Peers.ECHO).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String url() {
        return "ws://127.0.0.1:" + server.port() + "/misuse";
    }

    static WebSocketException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketException.class, e.getCause());
    }

    @Test
    void sendAfterCloseFailsItsFutureAndClosingTwiceIsHarmless() throws Exception {
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            WebSocket ws = client.connect(url(), ev).get(10, TimeUnit.SECONDS);
            CompletableFuture<WebSocket> first = ws.sendClose(1000, "bye");
            CompletableFuture<WebSocket> second = ws.sendClose(4000, "again");
            assertSame(first, second);
            first.get(10, TimeUnit.SECONDS);
            ws.close();
            ws.close();
            assertEquals(WebSocket.State.CLOSED, ws.state());
            assertEquals(WebSocketException.Kind.CLOSED, failure(ws.sendText("late")).kind());
            assertEquals(WebSocketException.Kind.CLOSED, failure(ws.sendBinary(new byte[10])).kind());
            assertEquals(WebSocketException.Kind.CLOSED, failure(ws.sendPing(java.nio.ByteBuffer.allocate(1))).kind());
            ws.pauseReading();
            ws.resumeReading();
            assertEquals(0, ws.queuedBytes());
            assertThrows(IllegalArgumentException.class, () -> ws.sendClose(1005, ""), "1005 may not be sent");
            assertThrows(IllegalArgumentException.class, () -> ws.sendPing(java.nio.ByteBuffer.allocate(126)));
            Thread.sleep(200);
            assertEquals(1, ev.closes);
        }
    }

    @Test
    void manyThreadsClosingAtOnceCloseOnce() throws Exception {
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            WebSocket ws = client.connect(url(), ev).get(10, TimeUnit.SECONDS);
            List<Thread> threads = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    ws.sendText("racing");
                    ws.close();
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive(), "a close() hung");
            }
            assertEquals(WebSocket.NORMAL_CLOSURE, ev.closed.get(5, TimeUnit.SECONDS));
            Thread.sleep(200);
            assertEquals(1, ev.closes);
        }
    }

    @Test
    void closeFromInsideCallbacksOnTheServiceThreadAndOnAnExecutor() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (WebSocketClient direct = WebSocketClient.create();
             WebSocketClient pooled = WebSocketClient.builder().executor(pool).build()) {
            for (WebSocketClient client : List.of(direct, pooled)) {
                Events ev = new Events() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        super.onText(ws, text);
                        ws.close(); // blocks up to 5 s off the service thread; returns at once on it
                        ws.sendClose(4000, "twice");
                        ws.sendText("after close");
                    }
                };
                WebSocket ws = client.connect(url(), ev).get(10, TimeUnit.SECONDS);
                ws.sendText("close yourself");
                assertEquals(WebSocket.NORMAL_CLOSURE, ev.closed.get(10, TimeUnit.SECONDS));
                assertEquals(1, ev.closes);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingTheClientInsideACallbackDoesNotDeadlock() throws Exception {
        WebSocketClient client = WebSocketClient.create();
        Events ev = new Events() {
            @Override
            public void onText(WebSocket ws, String text) {
                client.close(); // on the service thread
            }
        };
        WebSocket ws = client.connect(url(), ev).get(10, TimeUnit.SECONDS);
        ws.sendText("close the client");
        int code = ev.closed.get(10, TimeUnit.SECONDS);
        assertTrue(code == WebSocket.GOING_AWAY || code == WebSocket.ABNORMAL_CLOSURE, "code " + code);
        client.close();
        assertEquals(WebSocketException.Kind.SHUTDOWN, failure(client.connect(url(), new Events())).kind());
    }

    @Test
    void closingTheClientWithOpenConnectionsEndsEveryListenerAndFuture() throws Exception {
        WebSocketClient client = WebSocketClient.create();
        List<Events> listeners = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Events ev = new Events();
            listeners.add(ev);
            sockets.add(client.connect(url(), ev).get(10, TimeUnit.SECONDS));
        }
        List<CompletableFuture<WebSocket>> sends = new ArrayList<>();
        byte[] big = new byte[256 << 10];
        for (WebSocket ws : sockets) {
            for (int i = 0; i < 8; i++) {
                sends.add(ws.sendBinary(big));
            }
        }
        CompletableFuture<WebSocket> connecting = client.connect(url(), new Events());
        long start = System.nanoTime();
        client.close();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("client.close() with 20 busy connections took " + ms + " ms");
        assertTrue(ms < 10_000);
        for (Events ev : listeners) {
            int code = ev.closed.get(5, TimeUnit.SECONDS);
            assertTrue(code == WebSocket.GOING_AWAY || code == WebSocket.ABNORMAL_CLOSURE, "code " + code);
        }
        for (CompletableFuture<WebSocket> f : sends) {
            try {
                f.get(5, TimeUnit.SECONDS); // written before the close, or
            } catch (ExecutionException e) {
                assertInstanceOf(WebSocketException.class, e.getCause()); // failed with it
            }
        }
        try {
            connecting.get(5, TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
            assertInstanceOf(WebSocketException.class, e.getCause());
        }
        for (WebSocket ws : sockets) {
            assertEquals(WebSocket.State.CLOSED, ws.state());
            assertTrue(ws.sendText("x").isCompletedExceptionally());
        }
    }

    @Test
    void eightThreadsSendingTwoThousandEachKeepPerThreadOrder() throws Exception {
        int threads = 8, each = 2000;
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        AtomicInteger count = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(threads * each);
        try (WebSocketClient client = WebSocketClient.create()) {
            WebSocket ws = client.connect(url(), new WebSocket.Listener() {
                @Override
                public void onText(WebSocket w, String text) {
                    received.add(text);
                    count.incrementAndGet();
                    all.countDown();
                }
            }).get(10, TimeUnit.SECONDS);
            List<Thread> senders = new ArrayList<>();
            List<CompletableFuture<WebSocket>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        CompletableFuture<WebSocket> f = ws.sendText(id + ":" + i);
                        futures.add(f);
                        if (i % 200 == 199) { // stay under the 16 MiB queue limit without waiting on every send
                            f.join();
                        }
                    }
                });
                th.start();
                senders.add(th);
            }
            go.countDown();
            for (Thread th : senders) {
                th.join(30_000);
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertTrue(all.await(30, TimeUnit.SECONDS), "received " + count.get() + " of " + threads * each);
            int[] next = new int[threads];
            for (String s : received) {
                int colon = s.indexOf(':');
                int t = Integer.parseInt(s.substring(0, colon));
                assertEquals(next[t], Integer.parseInt(s.substring(colon + 1)), "thread " + t + " out of order");
                next[t]++;
            }
            for (int n : next) {
                assertEquals(each, n);
            }
        }
    }

    @Test
    void aListenerThatThrowsIsToldAndTheConnectionGoesOn() throws Exception {
        try (WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events() {
                @Override
                public void onText(WebSocket ws, String text) {
                    super.onText(ws, text);
                    if (text.equals("throw")) {
                        throw new IllegalStateException("listener bug");
                    }
                }
            };
            WebSocket ws = client.connect(url(), ev).get(10, TimeUnit.SECONDS);
            ws.sendText("throw");
            Events.Event error = ev.next("error");
            assertInstanceOf(IllegalStateException.class, error.error());
            assertEquals(WebSocket.State.OPEN, ws.state());
            Peers.assertEchoes(ws, ev);
        }
    }

    @Test
    void aBlockingListenerOnAnExecutorDoesNotStallOtherConnections() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        try (WebSocketClient client = WebSocketClient.builder().executor(pool).build()) {
            Events blockedEvents = new Events() {
                @Override
                public void onText(WebSocket ws, String text) {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.onText(ws, text);
                }
            };
            WebSocket blocked = client.connect(url(), blockedEvents).get(10, TimeUnit.SECONDS);
            Events otherEvents = new Events();
            WebSocket other = client.connect(url(), otherEvents).get(10, TimeUnit.SECONDS);
            blocked.sendText("block");
            blocked.sendText("queued behind the block");
            Thread.sleep(200);
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                Peers.assertEchoes(other, otherEvents);
            }
            System.out.printf("20 echoes on another connection while a listener blocks (executor): %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            release.countDown();
            assertEquals("block", blockedEvents.next("text").text());
            assertEquals("queued behind the block", blockedEvents.next("text").text());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * Documents the effect on the service thread (no executor): a blocking listener stalls EVERY connection of its
     * client (and any work queued to it) until it returns; nothing is lost, and all resumes afterwards.
     */
    @Test
    void aBlockingListenerOnTheServiceThreadStallsItsClientUntilItReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WebSocketClient client = WebSocketClient.create()) {
            Events blockedEvents = new Events() {
                @Override
                public void onText(WebSocket ws, String text) {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.onText(ws, text);
                }
            };
            WebSocket blocked = client.connect(url(), blockedEvents).get(10, TimeUnit.SECONDS);
            Events otherEvents = new Events();
            WebSocket other = client.connect(url(), otherEvents).get(10, TimeUnit.SECONDS);
            otherEvents.events.clear(); // its onOpen
            blocked.sendText("block");
            Thread.sleep(200);
            other.sendText("stalled");
            assertNull(otherEvents.events.poll(1, TimeUnit.SECONDS), "the other connection was served meanwhile");
            release.countDown();
            assertEquals("stalled", otherEvents.next("text").text());
            assertEquals("block", blockedEvents.next("text").text());
            Peers.assertEchoes(other, otherEvents);
        } finally {
            release.countDown();
        }
    }
}
