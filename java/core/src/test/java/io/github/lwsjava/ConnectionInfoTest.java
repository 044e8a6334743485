package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.ReconnectPolicy;
import io.github.lwsjava.client.ReconnectingWebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.tls.TlsOptions;

/** {@code id()}, {@code url()} and {@code onStateChange} on both faces, over loopback. */
@Timeout(60)
class ConnectionInfoTest {

    /** Records the server side's connections as they open. */
    static final class ServerSide implements WebSocket.Listener {
        final List<WebSocket> opened = new CopyOnWriteArrayList<>();

        @Override
        public void onOpen(WebSocket ws) {
            opened.add(ws);
        }

        WebSocket await(int n) throws InterruptedException {
            for (int i = 0; i < 500 && opened.size() < n; i++) {
                Thread.sleep(10);
            }
            assertTrue(opened.size() >= n, "server side connections: " + opened);
            return opened.get(n - 1);
        }
    }

    /** Records the state changes as "FROM>TO", and onOpen/onClose between them. */
    static final class StateRecorder extends Recorder {
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public void onStateChange(WebSocket ws, WebSocket.State from, WebSocket.State to) {
            log.add(from + ">" + to);
        }

        @Override
        public void onOpen(WebSocket ws) {
            log.add("onOpen");
            super.onOpen(ws);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            log.add("onClose");
            super.onClose(ws, code, reason);
        }
    }

    @Test
    void idsAreUniqueAndStableAndUrlsNameWhatWasAskedFor() throws Exception {
        ServerSide serverSide = new ServerSide();
        try (WebSocketServer server = WebSocketServer.builder().handler(serverSide).build();
             WebSocketClient client = WebSocketClient.create()) {
            String url = "ws://127.0.0.1:" + server.port() + "/room/1?user=a%20b&x=1";
            WebSocket a = client.connect(url, new Recorder()).get(10, TimeUnit.SECONDS);
            WebSocket b = client.connect("ws://127.0.0.1:" + server.port() + "/", new Recorder()).get(10, TimeUnit.SECONDS);
            assertNotEquals(a.id(), b.id());
            assertTrue(a.id() > 0 && b.id() > 0, a.id() + " " + b.id());
            assertEquals(url, a.url());
            assertEquals("ws://127.0.0.1:" + server.port() + "/", b.url());

            WebSocket sa = serverSide.await(1);
            WebSocket sb = serverSide.await(2);
            assertNotEquals(sa.id(), sb.id());
            // the server's view: Host header, then path and query as lws hands them over (escapes decoded)
            assertEquals("ws://127.0.0.1:" + server.port() + "/room/1?user=a b&x=1", sa.url());
            assertEquals("/room/1?user=a b&x=1", sa.path());
            assertEquals("ws://127.0.0.1:" + server.port() + "/", sb.url());
            long id = sa.id();
            a.sendText("x").get(5, TimeUnit.SECONDS);
            a.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            assertEquals(id, sa.id(), "the id does not change when the connection closes");
            assertEquals(url, a.url());
        }
    }

    @Test
    void wssUrlsOnTheServer() throws Exception {
        ServerSide serverSide = new ServerSide();
        io.github.lwsjava.testkit.TestCertificates pki = io.github.lwsjava.testkit.TestCertificates.shared();
        try (WebSocketServer server = WebSocketServer.builder().handler(serverSide)
                .tls(TlsOptions.serverPem(pki.serverCertPem(), pki.serverKeyPem())).build();
             WebSocketClient client = WebSocketClient.builder().tls(TlsOptions.defaults().trustPem(pki.caPem())).build()) {
            String url = "wss://127.0.0.1:" + server.port() + "/secure";
            WebSocket ws = client.connect(url, new Recorder()).get(10, TimeUnit.SECONDS);
            assertEquals(url, ws.url());
            assertEquals(url, serverSide.await(1).url());
            ws.close();
        }
    }

    @Test
    void stateChangesArriveInOrderOnBothFaces() throws Exception {
        StateRecorder serverSide = new StateRecorder();
        StateRecorder clientSide = new StateRecorder();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (WebSocketServer server = WebSocketServer.builder().handler(serverSide).build();
             WebSocketClient client = WebSocketClient.builder().executor(executor).build()) {
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/", clientSide).get(10, TimeUnit.SECONDS);
            ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            clientSide.closed.get(5, TimeUnit.SECONDS);
            serverSide.closed.get(5, TimeUnit.SECONDS);
            // the closing side passes through CLOSING; the side that hears the close frame goes straight to CLOSED
            assertEquals(List.of("CONNECTING>OPEN", "onOpen", "OPEN>CLOSING", "CLOSING>CLOSED", "onClose"),
                    clientSide.log);
            assertEquals(List.of("CONNECTING>OPEN", "onOpen", "OPEN>CLOSED", "onClose"), serverSide.log);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aConnectionThatNeverOpensGoesFromConnectingToClosed() throws Exception {
        StateRecorder r = new StateRecorder();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (WebSocketClient client = WebSocketClient.create()) {
            CompletableFuture<WebSocket> f = client.connect("ws://127.0.0.1:" + port + "/", r);
            assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
            r.closed.get(5, TimeUnit.SECONDS);
            assertEquals(List.of("CONNECTING>CLOSED", "onClose"), r.log);
        }
    }

    @Test
    void aReconnectingWebSocketKeepsItsIdAndUrlAndReportsItsOwnStates() throws Exception {
        ServerSide serverSide = new ServerSide();
        StateRecorder r = new StateRecorder();
        try (WebSocketServer server = WebSocketServer.builder().handler(serverSide).build();
             WebSocketClient client = WebSocketClient.create()) {
            String url = "ws://127.0.0.1:" + server.port() + "/again";
            ReconnectingWebSocket ws = (ReconnectingWebSocket) client.newConnection(url)
                    .reconnect(ReconnectPolicy.defaults().withBackoff(Duration.ofMillis(50), 1.0, Duration.ofMillis(50))
                            .withJitter(0))
                    .connect(r).get(10, TimeUnit.SECONDS);
            long id = ws.id();
            long firstConnection = ws.current().id();
            assertNotEquals(id, firstConnection);
            assertEquals(url, ws.url());
            serverSide.await(1).sendClose(1001, "restart"); // the server drops it: the client reconnects
            serverSide.await(2);
            for (int i = 0; i < 500 && ws.state() != WebSocket.State.OPEN; i++) {
                Thread.sleep(10);
            }
            assertEquals(WebSocket.State.OPEN, ws.state());
            assertEquals(id, ws.id());
            assertNotEquals(firstConnection, ws.current().id());
            assertEquals(url, ws.url());
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
            assertEquals(List.of("CONNECTING>OPEN", "onOpen", "OPEN>CONNECTING", "CONNECTING>OPEN", "onOpen",
                    "OPEN>CLOSING", "CLOSING>CLOSED", "onClose"), r.log);
        }
    }
}
