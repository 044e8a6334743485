package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.WebSocketServer;

/** close(): connections get 1001, the context goes, the port is free again and nothing more is accepted. */
@Timeout(60)
class ShutdownTest {

    @Test
    void closeSaysGoingAwayToEveryConnectionAndFreesThePort() throws Exception {
        LinkedBlockingQueue<WebSocket> serverSide = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Integer> serverCloses = new LinkedBlockingQueue<>();
        WebSocket.Listener recorder = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                serverSide.add(ws);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                serverCloses.add(code);
            }
        };
        WebSocketServer server = WebSocketServer.builder()
                .handler(recorder)
                .protocol("other", recorder)
                .vhost("second", "127.0.0.1", 0, null)
                .http("/api", r -> HttpHandler.Response.text(200, "ok"))
                .build();
        int port = server.port();
        int second = server.ports().get(1);
        List<JdkPeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(JdkPeer.connect("ws://127.0.0.1:" + port + "/c" + i));
        }
        peers.add(JdkPeer.connect("ws://127.0.0.1:" + second + "/v", null, java.util.Map.of(), "other"));
        List<WebSocket> opened = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            opened.add(serverSide.poll(5, TimeUnit.SECONDS));
            assertNotNull(opened.get(i));
        }
        WebSocket first = opened.get(0);

        long start = System.nanoTime();
        server.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 5, "close() took " + seconds + " s");
        for (JdkPeer p : peers) {
            assertEquals(1001, p.awaitClose());
        }
        for (int i = 0; i < 4; i++) {
            Integer code = serverCloses.poll(5, TimeUnit.SECONDS);
            assertNotNull(code, "a server-side onClose is missing");
            assertEquals(1001, code);
        }
        assertEquals(WebSocket.State.CLOSED, first.state());
        var late = first.sendText("too late");
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
        assertInstanceOf(WebSocketException.class, e.getCause());

        // nothing listens any more, and the ports can be bound again
        for (int p : List.of(port, second)) {
            try (Socket s = new Socket()) {
                assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", p), 2000));
            }
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), p));
                assertEquals(p, again.getLocalPort());
            }
        }
        server.close(); // twice is harmless
        assertTrue(server.connections().isEmpty());
        assertThrows(WebSocketException.class, () -> server.broadcast(null, "nobody"));
    }

    @Test
    void aNewServerCanTakeTheSamePortRightAway() throws Exception {
        int port;
        try (WebSocketServer one = WebSocketServer.builder().handler(new WebSocket.Listener() {
        }).build()) {
            port = one.port();
            JdkPeer p = JdkPeer.connect("ws://127.0.0.1:" + port + "/");
            one.close();
            assertEquals(1001, p.awaitClose());
        }
        try (WebSocketServer two = WebSocketServer.builder().port(port).handler(new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText("two:" + text);
            }
        }).build()) {
            assertEquals(port, two.port());
            JdkPeer p = JdkPeer.connect("ws://127.0.0.1:" + port + "/");
            p.send("x");
            assertEquals("two:x", p.nextText());
        }
    }

    @Test
    void aPortInUseFailsTheBuildWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> WebSocketServer.builder()
                    .port(taken.getLocalPort()).handler(new WebSocket.Listener() {
                    }).build());
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
        }
    }
}
