package io.github.lwsjava.serverit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.io.EOFException;
import java.net.SocketException;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.WebSocketServer;

/** The connection limit (503), the message size limit (1009), and server-side keep-alive pings and hang-up. */
@Timeout(60)
class LimitsAndKeepAliveTest {

    static final WebSocket.Listener ECHO = new WebSocket.Listener() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }
    };

    @Test
    void connectionsBeyondTheLimitGet503UntilOneCloses() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2); // listener callbacks off the service thread
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO).maxConnections(2).executor(executor)
                .build()) {
            String url = "ws://127.0.0.1:" + server.port() + "/";
            JdkPeer a = JdkPeer.connect(url);
            JdkPeer b = JdkPeer.connect(url);
            Throwable refused = JdkPeer.handshakeFailure(url, null, Map.of());
            assertInstanceOf(WebSocketHandshakeException.class, refused, String.valueOf(refused));
            assertEquals(503, ((WebSocketHandshakeException) refused).getResponse().statusCode());
            try (RawHttp raw = new RawHttp(server.port())) {
                assertEquals(503, raw.upgrade("/").status());
            }
            // the refused attempts did not count: after one close there is room for exactly one more
            a.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            assertEquals(1000, a.awaitClose());
            JdkPeer c = awaitAccepted(url);
            c.send("third");
            assertEquals("third", c.nextText());
            b.send("still");
            assertEquals("still", b.nextText());
            Throwable again = JdkPeer.handshakeFailure(url, null, Map.of());
            assertEquals(503, ((WebSocketHandshakeException) again).getResponse().statusCode());
        } finally {
            executor.shutdownNow();
        }
    }

    /** The server counts the close when its CLOSED event arrives, a moment after the client saw the close. */
    private static JdkPeer awaitAccepted(String url) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return JdkPeer.connect(url);
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        LinkedBlockingQueue<Integer> serverSideClose = new LinkedBlockingQueue<>();
        try (WebSocketServer server = WebSocketServer.builder().maxMessageSize(1000)
                .handler(new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText("len=" + text.length());
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        serverSideClose.add(code);
                    }
                }).build()) {
            String url = "ws://127.0.0.1:" + server.port() + "/";
            JdkPeer peer = JdkPeer.connect(url);
            peer.send("x".repeat(1000)); // exactly the limit passes
            assertEquals("len=1000", peer.nextText());
            peer.send("x".repeat(1001));
            assertEquals(1009, peer.awaitClose());
            assertEquals(1009, serverSideClose.poll(5, TimeUnit.SECONDS));

            // a message over the limit in several fragments, none of them too big alone
            JdkPeer fragments = JdkPeer.connect(url);
            for (int i = 0; i < 5; i++) {
                try {
                    fragments.ws.sendText("y".repeat(300), i == 4).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException closedMeanwhile) {
                    break; // the server's 1009 after the 4th fragment may already have closed the JDK's output
                }
            }
            assertEquals(1009, fragments.awaitClose());
            assertTrue(fragments.texts.isEmpty());
        }
    }

    @Test
    void idleConnectionsArePingedAndKeptWhileTheyAnswer() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO)
                .keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(3)).build()) {
            JdkPeer peer = JdkPeer.connect("ws://127.0.0.1:" + server.port() + "/");
            // the JDK client answers every ping with a pong, so the connection outlives the hang-up time
            ByteBuffer ping = peer.pings.poll(5, TimeUnit.SECONDS);
            assertNotNull(ping, "no ping from the server within 5 s of idleness");
            Thread.sleep(4500);
            assertTrue(peer.pings.size() >= 1, "pings: " + peer.pings.size());
            assertFalse(peer.closeCode.isDone(), "the server hung up on a client that answers pings");
            peer.send("alive");
            assertEquals("alive", peer.nextText());
        }
    }

    @Test
    void aClientThatNeverAnswersIsHungUpOn() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO)
                .keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(3)).build();
             RawHttp raw = new RawHttp(server.port())) {
            assertEquals(101, raw.upgrade("/").status());
            raw.writeFrame(0x1, "hello".getBytes(UTF_8));
            byte[] echo = raw.readFrame();
            assertEquals(0x1, echo[0]);
            long start = System.nanoTime();
            boolean pinged = false;
            // read (and never answer) until the server drops the connection
            try {
                while (true) {
                    byte[] frame = raw.readFrame();
                    pinged |= frame[0] == 0x9;
                    if (frame[0] == 0x8) {
                        break;
                    }
                }
                // a close frame; the TCP connection must end as well
                assertEquals(-1, raw.in.read());
            } catch (EOFException | SocketException e) {
                // dropped without a close frame: that is a hang-up too
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(pinged, "the server never pinged");
            assertTrue(seconds >= 2 && seconds < 9, "hung up after " + seconds + " s (hang-up time 3 s)");
        }
    }

}
