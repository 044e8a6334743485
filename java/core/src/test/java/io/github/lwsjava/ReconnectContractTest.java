package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.lwsjava.client.ReconnectListener;
import io.github.lwsjava.client.ReconnectPolicy;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.testkit.Ports;

/**
 * A reconnecting WebSocket keeps the listener contract of every connection: its callbacks (messages, state
 * changes, and the reconnect events driven by timers and by the caller's own sendClose) never overlap, and they
 * all run on the service thread, or on the client's executor when it has one; never on the timer thread or the
 * caller's. A burst from the server, a server that goes away and comes back, queued sends, and a close while
 * disconnected.
 */
@Timeout(60)
class ReconnectContractTest {

    static final int BURST = 300;

    /** Records each callback's thread and whether another callback was running at the same time. */
    static final class Contract implements ReconnectListener {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final List<String> events = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Integer> closed = new LinkedBlockingQueue<>();

        private void enter(String event) {
            if (inside.getAndIncrement() != 0) {
                overlaps.incrementAndGet();
            }
            threads.add(Thread.currentThread().getName());
            events.add(event);
            long until = System.nanoTime() + 20_000; // widen the window in which an overlap would show
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }

        private void leave() {
            inside.decrementAndGet();
        }

        private void call(String event, Runnable after) {
            enter(event);
            try {
                after.run();
            } finally {
                leave();
            }
        }

        @Override
        public void onOpen(WebSocket ws) {
            call("open", () -> { });
        }

        @Override
        public void onText(WebSocket ws, String text) {
            call("text", () -> texts.add(text));
        }

        @Override
        public void onStateChange(WebSocket ws, WebSocket.State from, WebSocket.State to) {
            call("state " + to, () -> { });
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            call("close", () -> closed.add(code));
        }

        @Override
        public void onDisconnected(WebSocket ws, int code, String reason) {
            call("disconnected", () -> { });
        }

        @Override
        public void onReconnectScheduled(WebSocket ws, int attempt, Duration delay) {
            call("scheduled", () -> { });
        }

        @Override
        public void onReconnectAttempt(WebSocket ws, int attempt) {
            call("attempt", () -> { });
        }

        @Override
        public void onReconnectFailed(WebSocket ws, int attempt, Throwable error) {
            call("failed", () -> { });
        }

        @Override
        public void onReconnected(WebSocket ws, int attempts) {
            call("reconnected", () -> { });
        }
    }

    /** A server that sends BURST texts to each connection as it opens, and echoes. */
    static WebSocketServer server(int port) {
        return WebSocketServer.builder().port(port).handler(new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                for (int i = 0; i < BURST; i++) {
                    ws.sendText("burst " + i);
                }
            }

            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }
        }).build();
    }

    static void awaitTexts(Contract c, String prefix, int n) throws InterruptedException {
        int seen = 0;
        while (seen < n) {
            String t = c.texts.poll(20, TimeUnit.SECONDS);
            assertNotNull(t, "only " + seen + " of " + n + " texts");
            if (t.startsWith(prefix)) {
                seen++;
            }
        }
    }

    @ParameterizedTest(name = "executor: {0}")
    @ValueSource(booleans = {false, true})
    void callbacksNeverOverlapAndRunWhereListenersRun(boolean withExecutor) throws Exception {
        int port = Ports.freeLoopbackPort();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "contract-pool");
            t.setDaemon(true);
            return t;
        });
        WebSocketClient.Builder b = WebSocketClient.builder();
        if (withExecutor) {
            b.executor(pool);
        }
        Contract c = new Contract();
        WebSocketServer server = server(port);
        try (WebSocketClient client = b.build()) {
            WebSocket ws = client.newConnection("ws://127.0.0.1:" + port + "/contract")
                    .reconnect(ReconnectPolicy.defaults().withBackoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(200)))
                    .connect(c).get(10, TimeUnit.SECONDS);
            awaitTexts(c, "burst", BURST);

            server.close(); // the connection drops; attempts fail until the server is back
            while (!c.events.contains("failed")) {
                Thread.sleep(20);
            }
            for (int i = 0; i < 5; i++) {
                ws.sendText("queued " + i); // from this thread, while disconnected
            }
            server = server(port);
            awaitTexts(c, "burst", BURST);
            awaitTexts(c, "queued", 5);

            server.close();
            while (c.events.stream().filter("disconnected"::equals).count() < 2) {
                Thread.sleep(20);
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"); // while disconnected: onClose must not run here
            assertEquals(WebSocket.NORMAL_CLOSURE, c.closed.poll(10, TimeUnit.SECONDS));
        } finally {
            server.close();
            pool.shutdownNow();
        }
        assertEquals(0, c.overlaps.get(), "callbacks overlapped: " + c.events);
        assertEquals(Set.of(withExecutor ? "contract-pool" : "lws-java-client"), c.threads,
                "the threads callbacks ran on");
        for (String needed : List.of("open", "disconnected", "scheduled", "attempt", "failed", "reconnected", "close")) {
            assertTrue(c.events.contains(needed), needed + " missing from " + c.events);
        }
    }
}
