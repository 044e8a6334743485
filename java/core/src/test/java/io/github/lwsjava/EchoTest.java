package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** Our client against our server over loopback: the engine's basic promises. */
@Timeout(60)
class EchoTest {

    static WebSocketServer server;
    static WebSocketClient client;

    /** Echoes every message back, and closes with 4000 when asked by the text "close-me". */
    static final WebSocket.Listener ECHO = new WebSocket.Listener() {
        @Override
        public void onText(WebSocket ws, String text) {
            if (text.equals("close-me")) {
                ws.sendClose(4000, "as you wish");
            } else {
                ws.sendText(text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder().handler(ECHO).build();
        client = WebSocketClient.create();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    String url() {
        return "ws://127.0.0.1:" + server.port() + "/echo?x=1";
    }

    @Test
    void textAndBinaryEcho() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url(), r).get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.State.OPEN, ws.state());
        ws.sendText("héllo wörld").get(5, TimeUnit.SECONDS);
        assertEquals("héllo wörld", r.next("text").text());
        ws.sendBinary(new byte[] {1, 2, 3, 0, -1});
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3, 0, -1}), r.next("binary").data());
        ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(1000, r.closed.get(5, TimeUnit.SECONDS));
        assertEquals(WebSocket.State.CLOSED, ws.state());
    }

    @Test
    void largeMessagesAreFragmentedAndReassembled() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url(), r).get(10, TimeUnit.SECONDS);
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        ws.sendBinary(big);
        assertEquals(ByteBuffer.wrap(big), r.next("binary").data());
        ws.close();
    }

    /**
     * lws's receive buffer starts at 128 bytes and grows with the frames (patch 0044): every size around its
     * growth steps and its 64 KiB maximum, up and down again, arrives intact on both sides of one connection.
     */
    @Test
    void messagesAroundTheReceiveBufferSizesArriveIntact() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url(), r).get(10, TimeUnit.SECONDS);
        int[] sizes = {0, 1, 125, 126, 127, 128, 129, 255, 256, 257, 1000, 4096, 65535, 65536, 65537, 200_000,
                65537, 129, 128, 1};
        Random random = new Random(7);
        for (int size : sizes) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            ws.sendBinary(data);
            assertEquals(ByteBuffer.wrap(data), r.next("binary").data(), size + " bytes");
            String text = "é".repeat(size / 2) + "x".repeat(size % 2);
            ws.sendText(text);
            assertEquals(text, r.next("text").text(), size + " bytes of text");
            ws.sendPing(ByteBuffer.wrap(new byte[125]));
            assertEquals(125, r.next("pong").data().remaining(), "a pong after " + size + " bytes");
        }
        ws.close();
    }

    @Test
    void peerCloseCodeAndReasonReachTheListener() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url(), r).get(10, TimeUnit.SECONDS);
        ws.sendText("close-me");
        assertEquals(4000, r.closed.get(5, TimeUnit.SECONDS));
        assertEquals("as you wish", r.closeReason);
        var late = ws.sendText("too late");
        var e = assertThrows(Exception.class, () -> late.get(5, TimeUnit.SECONDS));
        assertInstanceOf(WebSocketException.class, e.getCause());
    }

    @Test
    void streamedMessageArrivesWhole() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url(), r).get(10, TimeUnit.SECONDS);
        ws.sendText("part one, ", false);
        assertThrows(IllegalStateException.class, () -> ws.sendBinary(new byte[1]));
        ws.sendText("part two, ", false);
        ws.sendPing(ByteBuffer.allocate(0)); // a control frame between the pieces is allowed
        ws.sendText("the end", true).get(5, TimeUnit.SECONDS);
        assertEquals("part one, part two, the end", r.next("text").text());
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), false);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {2, 3}), true);
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), r.next("binary").data());
        ws.close();
    }

    @Test
    void manyMessagesKeepTheirOrder() throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url(), r).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 2000; i++) {
            ws.sendText("m" + i);
        }
        for (int i = 0; i < 2000; i++) {
            assertEquals("m" + i, r.next("text").text());
        }
        ws.close();
    }
}
