package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.client.WebSocketUrl;
import io.github.lwsjava.server.UpgradeRequest;
import io.github.lwsjava.server.WebSocketServer;

/** The client's features, each against a real server over loopback. */
@Timeout(60)
class ClientFeaturesTest {

    static WebSocketServer server;
    static WebSocketClient client;
    static final AtomicReference<UpgradeRequest> lastUpgrade = new AtomicReference<>();

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder()
                .handler(EchoTest.ECHO)
                .protocol("chat.v2", EchoTest.ECHO)
                .protocol("chat.v1", EchoTest.ECHO)
                .maxMessageSize(64 * 1024)
                .upgradeFilter(request -> {
                    lastUpgrade.set(request);
                    return "no".equals(request.header("x-let-me-in")) ? 403 : 0;
                })
                .build();
        client = WebSocketClient.builder().maxMessageSize(128 * 1024).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static String url(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    @Test
    void urlsAreParsedWithDefaultsAndIpv6() {
        assertEquals(new WebSocketUrl(false, "example.com", 80, "/"), WebSocketUrl.parse("ws://example.com"));
        assertEquals(new WebSocketUrl(true, "example.com", 443, "/a/b?c=d&e"), WebSocketUrl.parse("wss://example.com/a/b?c=d&e"));
        assertEquals(new WebSocketUrl(false, "::1", 9000, "/x"), WebSocketUrl.parse("ws://[::1]:9000/x"));
        assertEquals("[::1]:9000", WebSocketUrl.parse("ws://[::1]:9000/x").hostHeader());
    }

    @Test
    void badUrlsAreRejectedNamingTheProblem() {
        for (String bad : new String[] {"", "http//x", "ftp://host/", "ws://", "ws://host:99999/", "ws://host/#frag",
                "ws://ho st/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.connect(bad, new Recorder()));
            assertFalse(e.getMessage().isBlank());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.connect("ftp://host/", new Recorder()));
        assertTrue(e.getMessage().contains("ftp://host/"), e.getMessage());
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        try (WebSocketServer v6 = WebSocketServer.builder().host("::1").handler(EchoTest.ECHO).build()) {
            Recorder r = new Recorder();
            WebSocket ws = client.connect("ws://[::1]:" + v6.port() + "/six", r).get(10, TimeUnit.SECONDS);
            ws.sendText("over ipv6");
            assertEquals("over ipv6", r.next("text").text());
            ws.close();
        }
    }

    @Test
    void subprotocolHeadersAndOriginReachTheServer() throws Exception {
        WebSocket ws = client.newConnection(url("/path/here?q=1&r=2"))
                .subprotocols("chat.v1", "chat.v2")
                .header("Authorization", "Bearer abc")
                .header("X-Custom", "yes")
                .origin("https://app.example")
                .connect(new Recorder()).get(10, TimeUnit.SECONDS);
        assertEquals("chat.v1", ws.subprotocol());
        UpgradeRequest request = lastUpgrade.get();
        assertEquals("/path/here", request.path());
        assertEquals("q=1&r=2", request.query());
        assertEquals("Bearer abc", request.header("Authorization"));
        assertEquals("https://app.example", request.header("origin"));
        assertEquals("chat.v1", request.protocol());
        ws.close();
    }

    @Test
    void refusedUpgradeFailsTheConnect() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.newConnection(url("/"))
                .header("X-Let-Me-In", "no").connect(new Recorder()).get(10, TimeUnit.SECONDS));
        WebSocketException w = assertInstanceOf(WebSocketException.class, e.getCause());
        assertEquals(WebSocketException.Kind.HANDSHAKE, w.kind(), w.getMessage());
    }

    @Test
    void tooLargeMessagesCloseWith1009BothWays() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url("/big"), r).get(10, TimeUnit.SECONDS);
        ws.sendBinary(new byte[100 * 1024]); // over the server's 64 KiB
        assertEquals(WebSocket.MESSAGE_TOO_BIG, r.closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void refusedPortIsReportedAsConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Recorder r = new Recorder();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect("ws://127.0.0.1:" + port + "/", r).get(15, TimeUnit.SECONDS));
        WebSocketException w = assertInstanceOf(WebSocketException.class, e.getCause());
        assertEquals(WebSocketException.Kind.CONNECT_FAILED, w.kind(), w.getMessage());
        assertEquals(WebSocket.ABNORMAL_CLOSURE, r.closed.get(5, TimeUnit.SECONDS));
        assertNotNull(r.next("error").error());
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<WebSocket> f = client.newConnection("ws://127.0.0.1:" + silent.getLocalPort() + "/")
                    .connectTimeout(Duration.ofMillis(700)).connect(new Recorder());
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals(WebSocketException.Kind.TIMEOUT, ((WebSocketException) e.getCause()).kind());
        }
    }

    @Test
    void pingIsAnsweredWithAPong() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url("/ping"), r).get(10, TimeUnit.SECONDS);
        ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)));
        assertEquals("are you there", StandardCharsets.UTF_8.decode(r.next("pong").data()).toString());
        assertThrows(IllegalArgumentException.class, () -> ws.sendPing(ByteBuffer.allocate(126)));
        ws.close();
    }

    @Test
    void severalConnectionsAreListedAndClosedTogether() throws Exception {
        try (WebSocketClient own = WebSocketClient.create()) {
            Recorder[] recorders = new Recorder[5];
            for (int i = 0; i < recorders.length; i++) {
                recorders[i] = new Recorder();
                own.connect(url("/many/" + i), recorders[i]).get(10, TimeUnit.SECONDS);
            }
            List<WebSocket> open = own.connections();
            assertEquals(5, open.size());
            assertTrue(open.stream().allMatch(w -> w.state() == WebSocket.State.OPEN));
            own.closeAll();
            for (Recorder r : recorders) {
                assertEquals(WebSocket.NORMAL_CLOSURE, r.closed.get(5, TimeUnit.SECONDS));
            }
            assertEquals(0, own.connections().size());
        }
    }

    @Test
    void pullStyleReceivesWithATimeout() throws Exception {
        WebSocket ws = client.connect(url("/pull")).get(10, TimeUnit.SECONDS);
        assertNull(ws.receive(Duration.ofMillis(100)));
        ws.sendText("one");
        ws.sendBinary(new byte[] {7});
        assertEquals("one", ws.receive(Duration.ofSeconds(5)).text());
        assertEquals(ByteBuffer.wrap(new byte[] {7}), ws.receive(Duration.ofSeconds(5)).data());
        ws.close();
        assertEquals(Message.Kind.CLOSE, ws.receive(Duration.ofSeconds(5)).kind());
    }

    @Test
    void pullStyleWithASlowReaderLosesNothing() throws Exception {
        try (WebSocketClient small = WebSocketClient.builder().receiveQueueCapacity(4).build()) {
            WebSocket ws = small.connect(url("/slow")).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 300; i++) {
                ws.sendText("n" + i);
            }
            for (int i = 0; i < 300; i++) {
                Message m = ws.receive(Duration.ofSeconds(5));
                assertNotNull(m, "message " + i);
                assertEquals("n" + i, m.text());
            }
            ws.close();
        }
    }

    @Test
    void listenerOnAnExecutorAndAThrowingListenerKeepTheLoopAlive() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (WebSocketClient own = WebSocketClient.builder().executor(pool).build()) {
            Recorder r = new Recorder() {
                @Override
                public void onText(WebSocket ws, String text) {
                    super.onText(ws, text);
                    if (text.equals("boom")) {
                        throw new IllegalStateException("listener failure");
                    }
                }
            };
            WebSocket ws = own.connect(url("/exec"), r).get(10, TimeUnit.SECONDS);
            ws.sendText("boom");
            assertEquals("boom", r.next("text").text());
            assertEquals("listener failure", r.next("error").error().getMessage());
            ws.sendText("still alive");
            assertEquals("still alive", r.next("text").text());
            ws.close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void abnormalLossIsReportedAs1006() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = raw.accept()) {
                    RawHandshake.accept(s);
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            Recorder r = new Recorder();
            client.connect("ws://127.0.0.1:" + raw.getLocalPort() + "/", r).get(10, TimeUnit.SECONDS);
            served.get(10, TimeUnit.SECONDS);
            assertEquals(WebSocket.ABNORMAL_CLOSURE, r.closed.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void libraryVersionIs435() {
        assertTrue(WebSocketClient.libraryVersion().startsWith("4.3.5"), WebSocketClient.libraryVersion());
    }

    @Test
    void sendAfterCloseFailsAndCloseTwiceIsHarmless() throws Exception {
        WebSocket ws = client.connect(url("/twice"), new Recorder()).get(10, TimeUnit.SECONDS);
        CompletableFuture<WebSocket> first = ws.sendClose(1000, "");
        CompletableFuture<WebSocket> second = ws.sendClose(1000, "");
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> ws.sendText("x").get(5, TimeUnit.SECONDS));
        assertEquals(WebSocketException.Kind.CLOSED, ((WebSocketException) e.getCause()).kind());
        assertThrows(IllegalArgumentException.class, () -> ws.sendClose(1005, ""));
    }
}
