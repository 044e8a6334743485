package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.UpgradeRequest;
import io.github.lwsjava.server.WebSocketServer;

/**
 * Ports, interfaces, named protocols and the default handler, sends and closes from other threads, broadcast,
 * and the upgrade request with refusals, against the JDK's WebSocket client and raw HTTP.
 */
@Timeout(60)
class ProtocolsTest {

    /** Tags every echo with the handler's name, so that a test sees which handler answered. */
    static WebSocket.Listener tagging(String tag) {
        return new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(tag + ":" + text);
            }
        };
    }

    @Test
    void portZeroPicksAPortAndTheDefaultInterfaceIsLoopbackOnly() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(tagging("default")).build()) {
            int port = server.port();
            assertTrue(port > 0 && port < 65536, "port " + port);
            assertEquals(List.of(port), server.ports());
            JdkPeer peer = JdkPeer.connect("ws://127.0.0.1:" + port + "/");
            peer.send("hi");
            assertEquals("default:hi", peer.nextText());
            peer.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            // listening on 127.0.0.1 only: another loopback address (all of 127/8 routes to lo) is refused
            try (Socket s = new Socket()) {
                assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.2", port), 2000));
            }
        }
    }

    @Test
    void anExplicitPortAndInterfaceAreUsed() throws Exception {
        int port = io.github.lwsjava.testkit.Ports.freeLoopbackPort();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.2").port(port)
                .handler(tagging("d")).build()) {
            assertEquals(port, server.port());
            JdkPeer peer = JdkPeer.connect("ws://127.0.0.2:" + port + "/");
            peer.send("x");
            assertEquals("d:x", peer.nextText());
            try (Socket s = new Socket()) {
                assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 2000));
            }
        }
    }

    @Test
    void eachSubprotocolHasItsOwnHandlerAndTheDefaultTakesTheRest() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(tagging("default"))
                .protocol("chat", tagging("chat"))
                .protocol("stock.v2", tagging("stock"))
                .build()) {
            String url = "ws://127.0.0.1:" + server.port() + "/p";

            JdkPeer none = JdkPeer.connect(url);
            assertEquals("", none.ws.getSubprotocol());
            none.send("a");
            assertEquals("default:a", none.nextText());

            JdkPeer chat = JdkPeer.connect(url, null, Map.of(), "chat");
            assertEquals("chat", chat.ws.getSubprotocol());
            chat.send("b");
            assertEquals("chat:b", chat.nextText());

            // the server picks the first of the client's list that it knows
            JdkPeer stock = JdkPeer.connect(url, null, Map.of(), "unknown", "stock.v2", "chat");
            assertEquals("stock.v2", stock.ws.getSubprotocol());
            stock.send("c");
            assertEquals("stock:c", stock.nextText());

            // a list with no known protocol: refused (RFC 6455 lets the server pick none; lws refuses the upgrade)
            Throwable refused = JdkPeer.handshakeFailure(url, null, Map.of("Sec-WebSocket-Protocol", "nope"));
            assertNotNull(refused);
        }
    }

    @Test
    void sendAndCloseFromOtherThreadsAndBroadcastPerProtocol() throws Exception {
        LinkedBlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
        WebSocket.Listener remember = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                opened.add(ws);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(remember).protocol("news", remember).build()) {
            String url = "ws://127.0.0.1:" + server.port() + "/b";
            JdkPeer plain = JdkPeer.connect(url);
            JdkPeer news1 = JdkPeer.connect(url, null, Map.of(), "news");
            JdkPeer news2 = JdkPeer.connect(url, null, Map.of(), "news");
            List<WebSocket> serverSide = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                serverSide.add(opened.poll(10, TimeUnit.SECONDS));
            }
            assertEquals(3, server.connections().size());

            server.broadcast("news", "extra!");
            assertEquals("extra!", news1.nextText());
            assertEquals("extra!", news2.nextText());
            server.broadcast(null, "to the default");
            assertEquals("to the default", plain.nextText());
            assertNull(plain.texts.poll(300, TimeUnit.MILLISECONDS), "the plain client got a news broadcast");
            assertNull(news1.texts.poll(1, TimeUnit.MILLISECONDS), "a news client got the default broadcast");

            // sends from a thread of our own, in order, with futures that complete
            WebSocket plainServer = serverSide.get(0);
            assertEquals("", plainServer.subprotocol());
            assertEquals("news", serverSide.get(1).subprotocol());
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100; i++) {
                    plainServer.sendText("n" + i).join();
                }
            });
            sender.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 100; i++) {
                assertEquals("n" + i, plain.nextText());
            }
            // close one connection from another thread with a code the client sees
            WebSocket news1Server = serverSide.get(1);
            CompletableFuture.runAsync(() -> news1Server.sendClose(4001, "bye news1")).get(5, TimeUnit.SECONDS);
            assertEquals(4001, news1.awaitClose());
            assertEquals("bye news1", news1.closeReason);
            assertFalse(news2.closeCode.isDone());
            // the next broadcast reaches only the news connection still open
            server.broadcast("news", "still here");
            assertEquals("still here", news2.nextText());
        }
    }

    @Test
    void theUpgradeRequestLivesFromOnOpenToOnCloseAndNoLonger() throws Exception {
        CompletableFuture<String> atOpen = new CompletableFuture<>();
        CompletableFuture<String> atClose = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<WebSocketServer> self = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<WebSocket> serverSide = new java.util.concurrent.atomic.AtomicReference<>();
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        serverSide.set(ws);
                        atOpen.complete(self.get().upgradeRequest(ws).header("x-id"));
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        UpgradeRequest r = self.get().upgradeRequest(ws);
                        atClose.complete(r == null ? "null" : r.path() + " " + r.header("x-id"));
                    }
                })
                .build();
             WebSocketServer other = WebSocketServer.builder().handler(new WebSocket.Listener() { }).build()) {
            self.set(server);
            JdkPeer peer = JdkPeer.connect("ws://127.0.0.1:" + server.port() + "/room", null, Map.of("X-Id", "seven"));
            assertEquals("seven", atOpen.get(5, TimeUnit.SECONDS));
            assertNull(other.upgradeRequest(serverSide.get()), "another server's connection");
            peer.ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            assertEquals("/room seven", atClose.get(5, TimeUnit.SECONDS));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.upgradeRequest(serverSide.get()) != null && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertNull(server.upgradeRequest(serverSide.get()), "after the close");
        }
    }

    @Test
    void theUpgradeRequestIsVisibleAndCanBeRefusedWithAStatus() throws Exception {
        LinkedBlockingQueue<UpgradeRequest> seen = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicReference<WebSocketServer> self = new java.util.concurrent.atomic.AtomicReference<>();
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        // the handler reads the request that opened its connection
                        UpgradeRequest r = self.get().upgradeRequest(ws);
                        ws.sendText("ok:" + text + " " + ws.path() + " " + r.header("x-custom-thing"));
                    }
                })
                .upgradeFilter(r -> {
                    seen.add(r);
                    if (r.path().startsWith("/private") && !"letmein".equals(r.header("Authorization"))) {
                        return 401;
                    }
                    if (r.query().contains("forbid")) {
                        return 403;
                    }
                    return 0;
                })
                .build()) {
            String base = "ws://127.0.0.1:" + server.port();
            JdkPeer ok = JdkPeer.connect(base + "/private/room?x=1&y=two", null,
                    Map.of("Authorization", "letmein", "X-Custom-Thing", "custom value"));
            self.set(server);
            ok.send("m");
            assertEquals("ok:m /private/room?x=1&y=two custom value", ok.nextText());
            UpgradeRequest r = seen.poll(5, TimeUnit.SECONDS);
            assertEquals("/private/room", r.path());
            assertEquals("x=1&y=two", r.query());
            assertEquals("letmein", r.header("authorization"));
            assertEquals("127.0.0.1:" + server.port(), r.header("Host"));
            assertEquals("custom value", r.header("x-custom-thing"));
            assertEquals("127.0.0.1", r.remoteAddress());

            // the JDK client reports the status of a refused handshake
            Throwable e = JdkPeer.handshakeFailure(base + "/private/room", null, Map.of());
            assertInstanceOf(WebSocketHandshakeException.class, e, String.valueOf(e));
            assertEquals(401, ((WebSocketHandshakeException) e).getResponse().statusCode());
            e = JdkPeer.handshakeFailure(base + "/open?forbid=1", null, Map.of());
            assertInstanceOf(WebSocketHandshakeException.class, e, String.valueOf(e));
            assertEquals(403, ((WebSocketHandshakeException) e).getResponse().statusCode());

            // and so does a raw upgrade request
            try (RawHttp raw = new RawHttp(server.port())) {
                assertEquals(403, raw.upgrade("/x?forbid").status());
            }
            try (RawHttp raw = new RawHttp(server.port())) {
                RawHttp.Head head = raw.upgrade("/fine");
                assertEquals(101, head.status());
                assertEquals("websocket", head.headers().get("upgrade").toLowerCase());
            }
        }
    }

    @Test
    void aFilterThatThrowsRefusesWith500() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(tagging("x"))
                .upgradeFilter(r -> {
                    throw new IllegalStateException("boom");
                })
                .build();
             RawHttp raw = new RawHttp(server.port())) {
            assertEquals(500, raw.upgrade("/").status());
        }
    }
}
