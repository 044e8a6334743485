package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket.ClosedBy;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** {@link WebSocket#closedBy()}: whose close frame went first, seen from both ends, readable in onClose. */
@Timeout(30)
class ClosedByTest {

    /** The code, reason and closedBy() that one end's listener saw in onClose. */
    record Seen(int code, String reason, ClosedBy by) {
    }

    static final class Ends implements AutoCloseable {
        final CompletableFuture<Seen> server = new CompletableFuture<>();
        final CompletableFuture<Seen> client = new CompletableFuture<>();
        final CompletableFuture<WebSocket> serverSide = new CompletableFuture<>();
        final WebSocketServer srv;
        final WebSocketClient cl = WebSocketClient.create();
        final WebSocket ws;

        Ends(int maxMessageSize) throws Exception {
            srv = WebSocketServer.builder().maxMessageSize(maxMessageSize).handler(new WebSocket.Listener() {
                @Override
                public void onOpen(WebSocket w) {
                    serverSide.complete(w);
                }

                @Override
                public void onClose(WebSocket w, int code, String reason) {
                    server.complete(new Seen(code, reason, w.closedBy()));
                }
            }).build();
            ws = cl.connect("ws://127.0.0.1:" + srv.port() + "/", new WebSocket.Listener() {
                @Override
                public void onClose(WebSocket w, int code, String reason) {
                    client.complete(new Seen(code, reason, w.closedBy()));
                }
            }).get(10, TimeUnit.SECONDS);
            serverSide.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            cl.close();
            srv.close();
        }
    }

    @Test
    void theClientCloses() throws Exception {
        try (Ends e = new Ends(1 << 20)) {
            assertNull(e.ws.closedBy(), "open: nobody closed it yet");
            e.ws.sendClose(4001, "done").get(10, TimeUnit.SECONDS);
            assertEquals(new Seen(4001, "done", ClosedBy.APPLICATION), e.client.get(10, TimeUnit.SECONDS));
            assertEquals(new Seen(4001, "done", ClosedBy.PEER), e.server.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theServerCloses() throws Exception {
        try (Ends e = new Ends(1 << 20)) {
            e.serverSide.get().sendClose(4002, "bye");
            assertEquals(new Seen(4002, "bye", ClosedBy.APPLICATION), e.server.get(10, TimeUnit.SECONDS));
            assertEquals(new Seen(4002, "bye", ClosedBy.PEER), e.client.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theLibraryFailsATooBigMessage() throws Exception {
        try (Ends e = new Ends(1000)) {
            e.ws.sendBinary(new byte[5000]);
            Seen server = e.server.get(10, TimeUnit.SECONDS);
            assertEquals(1009, server.code());
            assertEquals(ClosedBy.LIBRARY, server.by());
            Seen client = e.client.get(10, TimeUnit.SECONDS);
            assertEquals(1009, client.code());
            assertEquals(ClosedBy.PEER, client.by());
        }
    }

    @Test
    void aClosedClientClosesItsConnectionsAsTheApplication() throws Exception {
        try (Ends e = new Ends(1 << 20)) {
            e.cl.close();
            assertEquals(ClosedBy.APPLICATION, e.client.get(10, TimeUnit.SECONDS).by());
            assertEquals(ClosedBy.PEER, e.server.get(10, TimeUnit.SECONDS).by());
        }
    }

    @Test
    void aRefusedConnectionIsTheNetwork() throws Exception {
        try (WebSocketClient cl = WebSocketClient.create()) {
            CompletableFuture<ClosedBy> by = new CompletableFuture<>();
            var f = cl.connect("ws://127.0.0.1:1/", new WebSocket.Listener() {
                @Override
                public void onClose(WebSocket w, int code, String reason) {
                    by.complete(w.closedBy());
                }
            });
            assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals(ClosedBy.NETWORK, by.get(10, TimeUnit.SECONDS));
        }
    }
}
