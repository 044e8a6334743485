package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.testkit.Ports;
import io.github.lwsjava.testkit.TestCertificates;
import io.github.lwsjava.tls.TlsOptions;

/**
 * Network faults: peers that stop reading, vanish without FIN, stop half-way through the handshake; TLS and plain
 * mixed up; refused ports and names that do not resolve. After each, a healthy connection on the same client and
 * the same server still echoes. (Certificate rejections are in lws-java's ClientTlsTest.)
 */
@Timeout(90)
class FaultsTest {

    static WebSocketServer server;
    static WebSocketClient client;
    static WebSocket healthy;
    static Events healthyEvents = new Events();
    static final AtomicReference<WebSocketException> serverSendFailure = new AtomicReference<>();
    static final CompletableFuture<Integer> silentClientClosed = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().maxQueuedBytes(1 << 20).keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(3))
                .handler(new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (!text.equals("flood me")) {
                            ws.sendText(text);
                            return;
                        }
                        byte[] chunk = new byte[64 << 10];
                        for (int i = 0; i < 10_000; i++) { // 640 MiB offered to a peer that reads nothing
                            CompletableFuture<WebSocket> f = ws.sendBinary(chunk);
                            if (f.isCompletedExceptionally()) {
                                f.exceptionally(e -> {
                                    serverSendFailure.set((WebSocketException) e);
                                    return null;
                                });
                                return;
                            }
                        }
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        if (ws.path().equals("/silent")) {
                            silentClientClosed.complete(code);
                        }
                    }
                }).build();
        client = WebSocketClient.builder().maxQueuedBytes(1 << 20).keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(3))
                .connectTimeout(Duration.ofSeconds(5)).build();
        healthy = client.connect("ws://127.0.0.1:" + server.port() + "/healthy", healthyEvents).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static ServerSocket listen() throws Exception {
        ServerSocket s = new ServerSocket();
        s.setReceiveBufferSize(16 << 10);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    @Test
    void clientSendingToAPeerThatStopsReadingHitsItsQueueLimit() throws Exception {
        long rssBefore = Proc.rssKib();
        try (ServerSocket listen = listen()) {
            Events ev = new Events();
            var connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/", ev);
            try (Socket s = listen.accept()) {
                Frames.acceptHandshake(s);
                WebSocket ws = connected.get(10, TimeUnit.SECONDS);
                byte[] chunk = new byte[64 << 10];
                WebSocketException full = null;
                for (int i = 0; i < 10_000 && full == null; i++) { // up to 640 MiB offered
                    CompletableFuture<WebSocket> f = ws.sendBinary(chunk);
                    if (f.isCompletedExceptionally()) {
                        full = (WebSocketException) assertThrows(ExecutionException.class, f::get).getCause();
                    } else if (i % 8 == 0) {
                        Thread.sleep(1);
                    }
                }
                assertNotNull(full, "the queue never filled");
                assertEquals(WebSocketException.Kind.QUEUE_FULL, full.kind());
                assertTrue(ws.queuedBytes() <= (1 << 20) + chunk.length, "queued " + ws.queuedBytes());
                long grown = Proc.rssKib() - rssBefore;
                System.out.printf("peer that stops reading: queue full at %d bytes queued, RSS grew %d KiB%n",
                        ws.queuedBytes(), grown);
                assertTrue(grown < 200_000, "RSS grew by " + grown + " KiB");
                Peers.assertEchoes(healthy, healthyEvents);
            }
            assertEquals(WebSocket.ABNORMAL_CLOSURE, ev.closed.get(10, TimeUnit.SECONDS));
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void serverSendingToAClientThatStopsReadingHitsItsQueueLimit() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 << 10);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            Frames.clientHandshake(s, "/flood");
            s.getOutputStream().write(Frames.text("flood me", true));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (serverSendFailure.get() == null && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertNotNull(serverSendFailure.get(), "the server's queue never filled");
            assertEquals(WebSocketException.Kind.QUEUE_FULL, serverSendFailure.get().kind());
            Peers.assertEchoes(healthy, healthyEvents);
        }
    }

    @Test
    void serverThatVanishesWithoutFinIsDetectedByKeepAlive() throws Exception {
        try (ServerSocket listen = listen()) {
            Events ev = new Events();
            var connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/", ev);
            try (Socket s = listen.accept()) {
                Frames.acceptHandshake(s);
                connected.get(10, TimeUnit.SECONDS);
                long start = System.nanoTime();
                // the peer now answers nothing (its pings pile up unread) and never closes: only keep-alive notices
                assertEquals(WebSocket.ABNORMAL_CLOSURE, ev.closed.get(15, TimeUnit.SECONDS));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.println("silent server detected after " + ms + " ms");
                assertTrue(ms >= 2000, "hung up after " + ms + " ms, before the 3 s hang-up time");
                Frames.Frame ping = Frames.read(s.getInputStream());
                assertEquals(Frames.PING, ping.opcode(), "lws pinged the idle connection first");
            }
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void clientThatVanishesIsDetectedByTheServersKeepAlive() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(15_000);
            Frames.clientHandshake(s, "/silent");
            assertEquals(WebSocket.ABNORMAL_CLOSURE, silentClientClosed.get(15, TimeUnit.SECONDS));
            assertTrue(Frames.drainsToEof(s), "the server kept the socket open");
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void halfAHandshakeIsTimedOutByTheServer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write("GET /half HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();
            // meanwhile the server serves others: the old connection and a new one
            Peers.assertEchoes(healthy, healthyEvents);
            Events ev = new Events();
            WebSocket fresh = client.connect("ws://127.0.0.1:" + server.port() + "/fresh", ev).get(10, TimeUnit.SECONDS);
            Peers.assertEchoes(fresh, ev);
            fresh.close();
            assertTrue(Frames.drainsToEof(s), "the half handshake was never timed out");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("half handshake closed by the server after " + ms + " ms");
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void serverThatNeverAnswersTheUpgradeTimesOut() throws Exception {
        try (ServerSocket listen = listen()) {
            long start = System.nanoTime();
            var f = client.newConnection("ws://127.0.0.1:" + listen.getLocalPort() + "/").connectTimeout(Duration.ofSeconds(2))
                    .connect(new Events());
            try (Socket s = listen.accept()) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertEquals(WebSocketException.Kind.TIMEOUT, ((WebSocketException) e.getCause()).kind());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            }
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void refusedPortFailsQuicklyWithConnectFailed() throws Exception {
        int port = Ports.freeLoopbackPort();
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect("ws://127.0.0.1:" + port + "/", new Events()).get(10, TimeUnit.SECONDS));
        WebSocketException w = assertInstanceOf(WebSocketException.class, e.getCause());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("refused port: " + w.kind() + " after " + ms + " ms: " + w.getMessage());
        assertEquals(WebSocketException.Kind.CONNECT_FAILED, w.kind(), w.getMessage());
        assertTrue(ms < 3000, ms + " ms");
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void unresolvableHostFailsQuicklyWithAClearError() throws Exception {
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect("ws://no-such-host.invalid/", new Events()).get(15, TimeUnit.SECONDS));
        WebSocketException w = assertInstanceOf(WebSocketException.class, e.getCause());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("unresolvable host: " + w.kind() + " after " + ms + " ms: " + w.getMessage());
        assertTrue(w.kind() == WebSocketException.Kind.DNS || w.kind() == WebSocketException.Kind.CONNECT_FAILED,
                w.kind() + ": " + w.getMessage());
        assertTrue(w.getMessage().contains("no-such-host.invalid") || w.kind() == WebSocketException.Kind.DNS,
                "the message names neither the host nor DNS: " + w.getMessage());
        assertTrue(ms < 10_000, ms + " ms");
        Peers.assertEchoes(healthy, healthyEvents);
    }

    @Test
    void tlsClientAgainstAPlainServerAndGarbageAgainstATlsServer(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.shared();
        // wss:// to a plain ws server: the TLS handshake fails, quickly
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect("wss://127.0.0.1:" + server.port() + "/", new Events()).get(10, TimeUnit.SECONDS));
        WebSocketException w = assertInstanceOf(WebSocketException.class, e.getCause());
        System.out.println("wss to a plain server: " + w.kind() + " after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: " + w.getMessage());
        assertNotEquals(WebSocketException.Kind.TIMEOUT, w.kind(), w.getMessage());
        Peers.assertEchoes(healthy, healthyEvents);

        var files = pki.writeTo(dir);
        try (WebSocketServer tls = WebSocketServer.builder().handler(Peers.ECHO)
                .tls(TlsOptions.server(files.serverChain(), files.serverKey())).build();
             WebSocketClient tlsClient = WebSocketClient.builder().tls(TlsOptions.defaults().trust(files.caCert())).build()) {
            Events ev = new Events();
            WebSocket secure = tlsClient.connect("wss://127.0.0.1:" + tls.port() + "/", ev).get(10, TimeUnit.SECONDS);
            // a plain WebSocket handshake, then random garbage, at the TLS port
            for (byte[] junk : new byte[][] {"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    randomBytes(4096), {0x16, 0x03, 0x01, 0x7f, (byte) 0xff}}) {
                try (Socket s = new Socket("127.0.0.1", tls.port())) {
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    out.write(junk);
                    out.flush();
                    s.shutdownOutput();
                    assertTrue(Frames.drainsToEof(s), "the TLS server kept a garbage connection open");
                }
                Peers.assertEchoes(secure, ev);
            }
            // ws:// (plain) to the TLS port: fails, does not hang
            ExecutionException plain = assertThrows(ExecutionException.class,
                    () -> client.connect("ws://127.0.0.1:" + tls.port() + "/", new Events()).get(10, TimeUnit.SECONDS));
            System.out.println("ws to a TLS server: " + plain.getCause());
            assertNotEquals(WebSocketException.Kind.TIMEOUT, ((WebSocketException) plain.getCause()).kind());
            Peers.assertEchoes(secure, ev);
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(42).nextBytes(b);
        return b;
    }
}
