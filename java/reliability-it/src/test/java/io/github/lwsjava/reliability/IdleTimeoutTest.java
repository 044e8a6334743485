package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** The idle time-out: a connection on which nothing is read or written is closed with 1001; traffic keeps it open. */
@Timeout(60)
class IdleTimeoutTest {

    final Map<String, CompletableFuture<Integer>> closes = new ConcurrentHashMap<>();

    private WebSocketServer server(Duration idle) {
        WebSocketServer.Builder b = WebSocketServer.builder().handler(new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                closes.computeIfAbsent(ws.path(), p -> new CompletableFuture<>()).complete(code);
            }
        });
        return (idle == null ? b : b.idleTimeout(idle)).build();
    }

    @Test
    void silentPeerIsClosedWith1001() throws Exception {
        try (WebSocketServer server = server(Duration.ofMillis(800)); Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            Frames.clientHandshake(s, "/silent");
            long start = System.nanoTime();
            Frames.Frame close = Frames.readUntilClose(s);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(close, "no close frame");
            assertEquals(1001, close.closeCode());
            assertTrue(ms >= 700 && ms < 5_000, "closed after " + ms + " ms");
            s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, true, close.payload()));
            assertEquals(1001, closes.computeIfAbsent("/silent", p -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void trafficKeepsTheConnectionOpen() throws Exception {
        try (WebSocketServer server = server(Duration.ofMillis(800)); WebSocketClient client = WebSocketClient.create()) {
            Events ev = new Events();
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/busy", ev).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 8; i++) { // 2.4 s in all, three idle time-outs, never 800 ms without a message
                Thread.sleep(300);
                ws.sendText("m" + i);
                assertEquals("m" + i, ev.next("text").text());
            }
            assertEquals(WebSocket.State.OPEN, ws.state());
            assertFalse(closes.containsKey("/busy"));
        }
    }

    @Test
    void zeroTurnsItOffAndTheClientHasNoneByDefault() throws Exception {
        try (WebSocketServer server = server(Duration.ZERO); Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(2_000);
            Frames.clientHandshake(s, "/forever");
            assertThrows(SocketTimeoutException.class, () -> Frames.read(s.getInputStream()));
        }
    }

    /**
     * lws's keep-alive pings are empty, and so are the pongs that answer them: they count as activity (lws patch
     * 0042), so a quiet peer that answers pings outlives the idle time-out, and the server's onPong hears them.
     */
    @Test
    void answeredKeepAlivePingsKeepAQuietPeer() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger pongs = new java.util.concurrent.atomic.AtomicInteger();
        try (WebSocketServer server = WebSocketServer.builder().keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .idleTimeout(Duration.ofMillis(2500)).handler(new WebSocket.Listener() {
                    @Override
                    public void onPong(WebSocket ws, java.nio.ByteBuffer payload) {
                        pongs.incrementAndGet();
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        closed.complete(code);
                    }
                }).build();
             WebSocketClient client = WebSocketClient.create()) {
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/quiet").get(10, TimeUnit.SECONDS);
            Thread.sleep(6_000); // more than twice the idle time-out, without a message either way
            assertFalse(closed.isDone(), () -> "closed with " + closed.join() + " although it answered every ping");
            assertEquals(WebSocket.State.OPEN, ws.state());
            assertTrue(pongs.get() >= 2, "the server heard " + pongs.get() + " pongs");
        }
    }

    @Test
    void aServerClosesIdleConnectionsAfter30sByDefault() {
        // the default is a documented number; waiting 30 s here would prove nothing more
        assertEquals(Duration.ofSeconds(30), WebSocketServer.builder().settings().idleTimeout());
        assertEquals(Duration.ZERO, WebSocketClient.builder().settings().idleTimeout());
    }
}
