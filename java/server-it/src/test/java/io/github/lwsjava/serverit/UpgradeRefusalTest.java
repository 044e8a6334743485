package io.github.lwsjava.serverit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * Upgrade requests the server must refuse get an HTTP answer with the status RFC 6455 4.2.1/4.2.2 and RFC 6585 ask
 * for (native/patches/0026), the handler is never asked about them, and the server keeps serving; unusual but valid
 * ones (long, repeated extension offers) are accepted.
 */
@Timeout(60)
class UpgradeRefusalTest {

    static WebSocketServer server;
    static final AtomicInteger opened = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder().handler(new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                opened.incrementAndGet();
            }

            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }
        }).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp.Head send(String request) throws IOException {
        return sendTo(server.port(), request);
    }

    private static String upgrade(String... headerLines) {
        StringBuilder b = new StringBuilder("GET /ws HTTP/1.1\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    static final String HOST = "Host: 127.0.0.1", UPGRADE = "Upgrade: websocket", CONNECTION = "Connection: Upgrade",
            KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", VERSION = "Sec-WebSocket-Version: 13";

    @Test
    void missingKeyIs400() throws Exception {
        int before = opened.get();
        assertEquals(400, send(upgrade(HOST, UPGRADE, CONNECTION, VERSION)).status());
        assertEquals(before, opened.get());
        assertStillServes();
    }

    @Test
    void missingHostIs400() throws Exception {
        assertEquals(400, send(upgrade(UPGRADE, CONNECTION, KEY, VERSION)).status());
        assertStillServes();
    }

    @Test
    void unsupportedVersionIs426WithTheVersionWeSpeak() throws Exception {
        RawHttp.Head head = send(upgrade(HOST, UPGRADE, CONNECTION, KEY, "Sec-WebSocket-Version: 8"));
        assertEquals(426, head.status());
        assertEquals("13", head.headers().get("sec-websocket-version"));
        RawHttp.Head none = send(upgrade(HOST, UPGRADE, CONNECTION, KEY));
        assertEquals(426, none.status());
        assertStillServes();
    }

    @Test
    void tenThousandHeadersAre431() throws Exception {
        String[] lines = new String[10_004];
        lines[0] = HOST;
        lines[1] = UPGRADE;
        lines[2] = CONNECTION;
        lines[3] = KEY;
        for (int i = 4; i < lines.length; i++) {
            lines[i] = "X-Filler-" + i + ": v";
        }
        assertEquals(431, sendLarge(upgrade(lines)));
        assertStillServes();
    }

    @Test
    void aOneMebibyteHeaderLineIs431() throws Exception {
        assertEquals(431, sendLarge(upgrade(HOST, UPGRADE, CONNECTION, KEY, VERSION, "X-Big: " + "a".repeat(1 << 20))));
        assertStillServes();
    }

    @Test
    void aOneMebibyteUriIs431() throws Exception {
        assertEquals(431, sendLarge("GET /" + "u".repeat(1 << 20) + " HTTP/1.1\r\n" + HOST + "\r\n\r\n"));
        assertStillServes();
    }

    /**
     * Long and repeated extension offers (three permessage-deflate offers with parameters, as browsers and Autobahn
     * 13.7.x send, or an unknown extension of 300 characters) are accepted, with the first usable offer taken
     * (native/patches/0029: lws dropped headers over 255 characters and repeated offers without an answer).
     */
    @Test
    void longAndRepeatedExtensionOffersAreAccepted() throws Exception {
        String offers = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits; server_max_window_bits=10; "
                + "server_no_context_takeover, permessage-deflate; client_max_window_bits; server_no_context_takeover; "
                + "client_no_context_takeover, permessage-deflate; client_max_window_bits=15; server_max_window_bits=15; "
                + "client_no_context_takeover";
        assertTrue(offers.length() > 300);
        String unknown = "Sec-WebSocket-Extensions: x-unknown-extension; " + "p=v; ".repeat(55) + "q=w";
        try (WebSocketServer deflate = WebSocketServer.builder().deflate(true).handler(new WebSocket.Listener() {
        }).build()) {
            RawHttp.Head head = sendTo(deflate.port(), upgrade(HOST, UPGRADE, CONNECTION, KEY, VERSION, offers));
            assertEquals(101, head.status());
            assertTrue(head.headers().getOrDefault("sec-websocket-extensions", "").startsWith("permessage-deflate"),
                    String.valueOf(head.headers()));
            assertEquals(101, sendTo(deflate.port(), upgrade(HOST, UPGRADE, CONNECTION, KEY, VERSION, unknown)).status());
        }
        RawHttp.Head plain = sendTo(server.port(), upgrade(HOST, UPGRADE, CONNECTION, KEY, VERSION, offers));
        assertEquals(101, plain.status());
        assertNull(plain.headers().get("sec-websocket-extensions"));
        assertEquals(101, sendTo(server.port(), upgrade(HOST, UPGRADE, CONNECTION, KEY, VERSION, unknown)).status());
    }

    private static RawHttp.Head sendTo(int port, String request) throws IOException {
        try (RawHttp http = new RawHttp(port)) {
            http.out.write(request.getBytes(ISO_8859_1));
            http.out.flush();
            return http.readHead();
        }
    }

    /** The server may answer and close before it has read everything: the status, once it is on the wire. */
    private static int sendLarge(String request) throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            try {
                http.out.write(request.getBytes(ISO_8859_1));
                http.out.flush();
            } catch (SocketException closedEarly) {
                // the answer is already in our receive buffer
            }
            return http.readHead().status();
        }
    }

    private static void assertStillServes() throws Exception {
        try (WebSocketClient client = WebSocketClient.create()) {
            java.util.concurrent.CompletableFuture<String> echo = new java.util.concurrent.CompletableFuture<>();
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/ok", new WebSocket.Listener() {
                @Override
                public void onText(WebSocket w, String text) {
                    echo.complete(text);
                }
            }).get(10, TimeUnit.SECONDS);
            ws.sendText("still serving");
            assertEquals("still serving", echo.get(10, TimeUnit.SECONDS));
        }
    }
}
