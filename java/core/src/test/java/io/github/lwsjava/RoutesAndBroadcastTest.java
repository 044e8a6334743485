package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** The server's routes by path and its broadcasts (text and binary, per protocol and to all), over loopback. */
@Timeout(60)
class RoutesAndBroadcastTest {

    /** Answers every text with its name and the text. */
    static WebSocket.Listener named(String name) {
        return new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(name + ":" + text);
            }
        };
    }

    static String reply(WebSocketClient client, String url, String... subprotocols) throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.newConnection(url).subprotocols(subprotocols).connect(r).get(10, TimeUnit.SECONDS);
        ws.sendText("hi");
        String text = r.next("text").text();
        ws.close();
        return text;
    }

    static WebSocketException refusal(WebSocketClient client, String url) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect(url, new Recorder()).get(20, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketException.class, e.getCause());
    }

    @Test
    void routesPickTheListenerByExactPathAndTheDefaultHandlerTakesTheRest() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(named("default"))
                .route("/chat", named("chat"))
                .route("/feed", named("feed"))
                .protocol("proto.v1", named("proto"))
                .build();
             WebSocketClient client = WebSocketClient.create()) {
            String base = "ws://127.0.0.1:" + server.port();
            assertEquals("chat:hi", reply(client, base + "/chat"));
            assertEquals("chat:hi", reply(client, base + "/chat?room=1"), "the query is ignored");
            assertEquals("feed:hi", reply(client, base + "/feed"));
            assertEquals("default:hi", reply(client, base + "/chat/more"), "no prefix matching");
            assertEquals("default:hi", reply(client, base + "/"));
            assertEquals("proto:hi", reply(client, base + "/chat", "proto.v1"), "a subprotocol wins over the path");
        }
    }

    @Test
    void withoutADefaultHandlerAnUnroutedPathIsRefusedWith404() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().route("/chat", named("chat"))
                .upgradeFilter(r -> r.header("x-deny") != null ? 403 : 0).build();
             WebSocketClient client = WebSocketClient.create()) {
            String base = "ws://127.0.0.1:" + server.port();
            assertEquals("chat:hi", reply(client, base + "/chat"));
            WebSocketException notFound = refusal(client, base + "/other");
            assertEquals(WebSocketException.Kind.HANDSHAKE, notFound.kind(), notFound.getMessage());
            assertEquals(404, notFound.statusCode(), notFound.getMessage());
            ExecutionException denied = assertThrows(ExecutionException.class, () -> client.newConnection(base + "/chat")
                    .header("X-Deny", "1").connect(new Recorder()).get(20, TimeUnit.SECONDS));
            assertEquals(403, assertInstanceOf(WebSocketException.class, denied.getCause()).statusCode(),
                    "the upgrade filter still decides on routed requests");
        }
    }

    @Test
    void badRoutesAreRefusedNamingThem() {
        WebSocketServer.Builder b = WebSocketServer.builder();
        for (String bad : new String[] {"chat", "/chat?x=1", "/a#b", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.route(bad, named("x")));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> b.route("/chat", null));
        assertThrows(IllegalArgumentException.class, () -> b.route(null, named("x")));
    }

    @Test
    void broadcastsReachTheirProtocolOrEveryone() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(new WebSocket.Listener() { })
                .protocol("chat.v1", new WebSocket.Listener() { })
                .build();
             WebSocketClient client = WebSocketClient.create()) {
            String url = "ws://127.0.0.1:" + server.port() + "/";
            Recorder plain = new Recorder();
            Recorder chat = new Recorder();
            client.connect(url, plain).get(10, TimeUnit.SECONDS);
            client.newConnection(url).subprotocols("chat.v1").connect(chat).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 500 && server.connections().size() < 2; i++) {
                Thread.sleep(10);
            }
            assertEquals(2, server.connections().size());

            ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 4}).position(1);
            server.broadcast("chat.v1", data);
            assertEquals(1, data.position(), "the caller's buffer is untouched");
            byte[] array = {5, 6};
            server.broadcast(null, array);
            array[0] = 0; // copied before broadcast returned
            server.broadcastAll("everyone");
            server.broadcastAll(ByteBuffer.wrap(new byte[] {7}));

            assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), chat.next("binary").data());
            assertEquals("everyone", chat.next("text").text());
            assertEquals(ByteBuffer.wrap(new byte[] {7}), chat.next("binary").data());
            assertEquals(ByteBuffer.wrap(new byte[] {5, 6}), plain.next("binary").data());
            assertEquals("everyone", plain.next("text").text());
            assertEquals(ByteBuffer.wrap(new byte[] {7}), plain.next("binary").data());
            assertTrue(chat.events.isEmpty() && plain.events.isEmpty(), chat.events + " " + plain.events);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> server.broadcast("nope.v1", new byte[1]));
            assertTrue(e.getMessage().contains("nope.v1"), e.getMessage());
        }
    }
}
