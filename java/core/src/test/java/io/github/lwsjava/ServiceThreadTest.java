package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** Waiting for one of our futures on the service thread fails at once instead of stopping every connection. */
@Timeout(60)
class ServiceThreadTest {

    /** Echoes, waiting for the echo's send with join() when the text starts with "join". */
    static final class JoiningEcho implements WebSocket.Listener {
        final LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

        @Override
        public void onText(WebSocket ws, String text) {
            if (text.startsWith("join-derived")) {
                ws.sendText(text).thenApply(w -> w).join();
            } else if (text.startsWith("join")) {
                ws.sendText(text).join();
            } else if (text.startsWith("get")) {
                try {
                    ws.sendText(text).get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                         | InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else {
                ws.sendText(text);
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            errors.add(error);
        }
    }

    @Test
    void joinInAServerListenerFailsFastAndTheServerKeepsServing() throws Exception {
        JoiningEcho echo = new JoiningEcho();
        WebSocketServer server = WebSocketServer.builder().handler(echo).build();
        try (WebSocketClient client = WebSocketClient.create()) {
            String url = "ws://127.0.0.1:" + server.port() + "/";
            Recorder joiner = new Recorder();
            WebSocket a = client.connect(url, joiner).get(10, TimeUnit.SECONDS);
            for (String text : new String[] {"join", "join-derived", "get"}) {
                a.sendText(text);
                Throwable error = echo.errors.poll(10, TimeUnit.SECONDS);
                IllegalStateException e = assertInstanceOf(IllegalStateException.class, error, String.valueOf(error));
                assertTrue(e.getMessage().contains("service thread") && e.getMessage().contains("thenAccept")
                        && e.getMessage().contains("executor"), e.getMessage());
                assertEquals(text, joiner.next("text").text()); // the send itself went out
            }
            Recorder other = new Recorder();
            WebSocket b = client.connect(url, other).get(10, TimeUnit.SECONDS);
            b.sendText("still here");
            assertEquals("still here", other.next("text").text());
            a.sendText("and here");
            assertEquals("and here", joiner.next("text").text());
        } finally {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            closing.get(8, TimeUnit.SECONDS); // not stuck behind a blocked service thread
        }
    }

    @Test
    void joinInAClientListenerFailsFast() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(EchoTest.ECHO).build();
             WebSocketClient client = WebSocketClient.create()) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Recorder r = new Recorder() {
                @Override
                public void onOpen(WebSocket ws) {
                    super.onOpen(ws);
                    try {
                        ws.sendText("from onOpen").join();
                        thrown.complete(null);
                    } catch (Throwable t) {
                        thrown.complete(t);
                    }
                    assertThrows(IllegalStateException.class, () -> ws.receive(Duration.ofSeconds(1)));
                }
            };
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", r).get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, thrown.get(10, TimeUnit.SECONDS));
            assertEquals("from onOpen", r.next("text").text());
            ws.sendText("after").get(10, TimeUnit.SECONDS); // other threads wait as before
            assertEquals("after", r.next("text").text());
        }
    }

    @Test
    void withAnExecutorListenersMayWait() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        JoiningEcho echo = new JoiningEcho();
        try (WebSocketServer server = WebSocketServer.builder().handler(echo).executor(pool).build();
             WebSocketClient client = WebSocketClient.create()) {
            Recorder r = new Recorder();
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", r).get(10, TimeUnit.SECONDS);
            ws.sendText("join me");
            assertEquals("join me", r.next("text").text());
            assertTrue(echo.errors.isEmpty(), String.valueOf(echo.errors));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aServerCanBeWaitedOn() throws Exception {
        CompletableFuture<Throwable> fromListener = new CompletableFuture<>();
        WebSocketServer[] holder = new WebSocketServer[1];
        WebSocketServer server = WebSocketServer.builder().handler(new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                try {
                    holder[0].awaitClose(Duration.ofSeconds(1));
                    fromListener.complete(null);
                } catch (Throwable t) {
                    fromListener.complete(t);
                }
                holder[0].close(); // closing from the service thread does not wait for itself either
            }
        }).build();
        holder[0] = server;
        assertFalse(server.awaitClose(Duration.ofMillis(50)));
        try (WebSocketClient client = WebSocketClient.create()) {
            Recorder r = new Recorder();
            client.connect("ws://127.0.0.1:" + server.port() + "/", r).get(10, TimeUnit.SECONDS).sendText("stop");
            assertTrue(server.awaitClose(Duration.ofSeconds(20)));
            server.awaitClose(); // returns at once once closed
            assertInstanceOf(IllegalStateException.class, fromListener.get(5, TimeUnit.SECONDS));
            assertEquals(WebSocket.GOING_AWAY, r.closed.get(10, TimeUnit.SECONDS));
        }
        try (WebSocketClient client = WebSocketClient.create()) {
            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(client::close);
            assertTrue(client.awaitClose(Duration.ofSeconds(20)));
        }
    }
}
