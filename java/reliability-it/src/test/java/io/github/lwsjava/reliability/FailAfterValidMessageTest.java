package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * A valid message and a protocol violation in the same write, as Autobahn's 3.2, 4.1.3 or 5.15 send them: the echo of
 * the valid message goes out BEFORE the close frame that fails the connection, and no data frame follows the close
 * frame (RFC 6455 5.5.1), on both faces. lws 4.3.5 failed the connection at once and lost the echo, and while it
 * waited for the close acknowledgement it let the echo go out after its close frame: native/patches/0032.
 *
 * <p>And with permessage-deflate, bytes that do not inflate fail the connection with 1007 (native/patches/0031), not a
 * bare drop.
 */
@Timeout(120)
class FailAfterValidMessageTest {

    static WebSocketServer server;
    static WebSocketClient client;

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder().handler(Peers.ECHO).deflate(true).build();
        client = WebSocketClient.builder().deflate(true).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static List<BadFrames.Fault> clientFaults() {
        return BadFrames.all(false);
    }

    static List<BadFrames.Fault> serverFaults() {
        return BadFrames.all(true);
    }

    /** An echoing listener that records what it hears. */
    static Events echoingEvents() {
        return new Events() {
            @Override
            public void onText(WebSocket ws, String text) {
                super.onText(ws, text);
                ws.sendText(text);
            }
        };
    }

    /** Frames up to and including the close frame; null in place of the close frame if TCP ended first. */
    static List<Frames.Frame> framesThroughClose(Socket s) throws Exception {
        List<Frames.Frame> frames = new ArrayList<>();
        for (Frames.Frame f; (f = Frames.read(s.getInputStream())) != null; ) {
            frames.add(f);
            if (f.opcode() == Frames.CLOSE) {
                return frames;
            }
        }
        frames.add(null);
        return frames;
    }

    static boolean isClose(BadFrames.Fault fault) {
        return (fault.bytes()[0] & 0x0f) == Frames.CLOSE;
    }

    /**
     * The echo, then the close frame with the code. When the fault is itself a close frame (a bad code or body),
     * the peer closed first and our close frame answers it: RFC 6455 5.5.1 lets the answer go before a message
     * not yet started, so the echo may be missing there, but nothing may follow the close frame.
     */
    static void assertEchoThenClose(List<Frames.Frame> frames, String echo, BadFrames.Fault fault) {
        int code = fault.rfcCode();
        Frames.Frame close = frames.get(frames.size() - 1);
        assertNotNull(close, "TCP ended without a close frame");
        assertEquals(code, close.closeCode(), "close code on the wire");
        if (frames.size() == 1 && isClose(fault)) {
            return;
        }
        assertTrue(frames.size() >= 2, "expected the echo and a close frame, got " + frames.size() + " frames");
        Frames.Frame first = frames.get(0);
        assertEquals(Frames.TEXT, first.opcode(), "first frame");
        assertEquals(echo, new String(first.payload(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, frames.size(), "frames between the echo and the close frame");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientFaults")
    void clientEchoesTheValidMessageBeforeItFailsTheConnection(BadFrames.Fault fault) throws Exception {
        try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Events ev = echoingEvents();
            CompletableFuture<WebSocket> connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/", ev);
            try (Socket s = listen.accept()) {
                s.setSoTimeout(10_000);
                Frames.acceptHandshake(s);
                connected.get(10, TimeUnit.SECONDS);
                s.getOutputStream().write(BadFrames.concat(Frames.text("Hello, world!", false), fault.bytes()));
                List<Frames.Frame> frames = framesThroughClose(s);
                assertEchoThenClose(frames, "Hello, world!", fault);
                // acknowledge: nothing but the end of TCP may follow our close frame
                s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, false,
                        frames.get(frames.size() - 1).payload()));
                try {
                    assertNull(Frames.read(s.getInputStream()), "a frame after the close handshake");
                } catch (java.net.SocketException reset) {
                    // the client had already closed TCP: it answered the peer's close frame
                }
                assertEquals(fault.rfcCode(), ev.closed.get(10, TimeUnit.SECONDS), "listener's close code");
                // a close frame with a code that may not be sent is answered with 1002 as a close the peer began
                // (PEER); a malformed close body is a protocol error lws fails the connection for (LIBRARY)
                WebSocket.ClosedBy by = ev.opened.get().closedBy();
                assertTrue(by == WebSocket.ClosedBy.LIBRARY || isClose(fault) && by == WebSocket.ClosedBy.PEER,
                        "closed by " + by);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverFaults")
    void serverEchoesTheValidMessageBeforeItFailsTheConnection(BadFrames.Fault fault) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            Frames.clientHandshake(s, "/");
            s.getOutputStream().write(BadFrames.concat(Frames.text("Hello, world!", true), fault.bytes()));
            List<Frames.Frame> frames = framesThroughClose(s);
            assertEchoThenClose(frames, "Hello, world!", fault);
            s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, true, frames.get(frames.size() - 1).payload()));
            assertTrue(Frames.drainsToEof(s), "the server did not close TCP after the close handshake");
        }
    }

    /**
     * A continuation with nothing to continue, then a text message, sent one octet at a time (Autobahn 5.14): lws
     * parsed on after failing the connection, failed it again on the next octet and dropped TCP without its close
     * frame when that octet came before the close frame could be written (native/patches/0032 stops reading).
     */
    @Test
    void aViolationSentOctetByOctetStillGetsItsCloseFrame() throws Exception {
        byte[] unmasked = BadFrames.concat(Frames.frame(false, 0, Frames.CONT, false, "non-continuation payload".getBytes()),
                Frames.text("Hello, world!", false));
        try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Events ev = new Events();
            CompletableFuture<WebSocket> connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/", ev);
            try (Socket s = listen.accept()) {
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true);
                Frames.acceptHandshake(s);
                connected.get(10, TimeUnit.SECONDS);
                writeOctetsUntilAnswered(s, unmasked);
                Frames.Frame close = Frames.readUntilClose(s);
                assertNotNull(close, "the client dropped TCP without a close frame");
                assertEquals(1002, close.closeCode());
                assertEquals(1002, ev.closed.get(10, TimeUnit.SECONDS));
            }
        }
        byte[] masked = BadFrames.concat(Frames.frame(false, 0, Frames.CONT, true, "non-continuation payload".getBytes()),
                Frames.text("Hello, world!", true));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            Frames.clientHandshake(s, "/");
            writeOctetsUntilAnswered(s, masked);
            Frames.Frame close = Frames.readUntilClose(s);
            assertNotNull(close, "the server dropped TCP without a close frame");
            assertEquals(1002, close.closeCode());
        }
    }

    /**
     * Writes bytes one at a time, 1 ms apart, and stops as soon as the peer has answered (its close frame is then
     * read before anything more of ours could make it reset the connection).
     */
    static void writeOctetsUntilAnswered(Socket s, byte[] bytes) throws Exception {
        for (byte b : bytes) {
            if (s.getInputStream().available() > 0) {
                return;
            }
            s.getOutputStream().write(b);
            Thread.sleep(1);
        }
    }

    /** A frame marked compressed (RSV1) whose payload is not a deflate stream: 1007 "bad deflate", both faces. */
    @Test
    void bytesThatDoNotInflateFailWith1007() throws Exception {
        // 0xce starts a deflate block of the reserved type 3: what Autobahn 6.4.3 sends over permessage-deflate
        byte[] notDeflate = {(byte) 0xce, (byte) 0xba, (byte) 0xe1, (byte) 0xbd, (byte) 0xb9, (byte) 0xcf};
        try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Events ev = new Events();
            CompletableFuture<WebSocket> connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/", ev);
            try (Socket s = listen.accept()) {
                s.setSoTimeout(10_000);
                Frames.acceptHandshake(s, "permessage-deflate");
                connected.get(10, TimeUnit.SECONDS);
                s.getOutputStream().write(Frames.frame(false, 4, Frames.TEXT, false, notDeflate));
                Frames.Frame close = Frames.readUntilClose(s);
                assertNotNull(close, "the client dropped TCP without a close frame");
                assertEquals(1007, close.closeCode(), "client's close code on the wire");
                s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, false, close.payload()));
                assertEquals(1007, ev.closed.get(10, TimeUnit.SECONDS));
            }
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            assertNotNull(Frames.clientHandshake(s, "/", "permessage-deflate"), "deflate was not agreed");
            s.getOutputStream().write(Frames.frame(false, 4, Frames.TEXT, true, notDeflate));
            Frames.Frame close = Frames.readUntilClose(s);
            assertNotNull(close, "the server dropped TCP without a close frame");
            assertEquals(1007, close.closeCode(), "server's close code on the wire");
        }
    }
}
