package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.UUID;

import io.github.lwsjava.WebSocket;

/** Echo handlers and the "still healthy" check used after every fault. */
final class Peers {

    private Peers() {
    }

    static final WebSocket.Listener ECHO = new WebSocket.Listener() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    /** The connection still echoes a fresh message. */
    static void assertEchoes(WebSocket ws, Events events) throws InterruptedException {
        assertEquals(WebSocket.State.OPEN, ws.state(), "the healthy connection is " + ws.state());
        String probe = "still alive " + UUID.randomUUID();
        ws.sendText(probe);
        Events.Event e = events.next("text");
        assertEquals(probe, e.text());
    }
}
