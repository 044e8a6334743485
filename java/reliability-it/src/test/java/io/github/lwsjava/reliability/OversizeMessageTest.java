package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * Messages over {@code maxMessageSize} (16 MiB by default) sent by a raw-socket peer at full speed, to each face,
 * with and without permessage-deflate: the library fails the connection with 1009, the listener hears 1009, the JVM
 * lives on and the next connection works.
 *
 * <p>Regression test of a heap overrun in lws 4.3.5's client parser (native/patches/0005): after the engine failed a
 * message with 1009, lws kept storing payload past the end of its receive buffer while it waited for the close
 * acknowledgement, and the JVM died. Since native/patches/0020 most of these shapes fail at their frame header;
 * {@link #failureInsideALargeFrameAtFullSpeed} keeps the path of 0005 under test.
 */
@Timeout(180)
class OversizeMessageTest {

    static final int MIB = 1 << 20;

    /** What the peer sends: the bytes of one shape (frames unmasked for the client face, masked for the server). */
    enum Shape {
        ONE_20_MIB_FRAME, ONE_17_MIB_FRAME, TWENTY_1_MIB_FRAGMENTS, DECLARES_2_POW_40_THEN_STREAMS
    }

    record Case(String face, Shape shape, boolean deflate) {
        @Override
        public String toString() {
            return face + " " + shape + (deflate ? " +deflate" : "");
        }
    }

    static WebSocketServer server, deflateServer;
    static WebSocketClient client, deflateClient;
    static final Map<String, CompletableFuture<Integer>> serverCloses = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder().handler(serverListener()).build();
        deflateServer = WebSocketServer.builder().deflate(true).handler(serverListener()).build();
        client = WebSocketClient.create();
        deflateClient = WebSocketClient.builder().deflate(true).build();
    }

    private static WebSocket.Listener serverListener() {
        return new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                serverCloses.computeIfAbsent(ws.path(), p -> new CompletableFuture<>()).complete(code);
            }
        };
    }

    @AfterAll
    static void stop() {
        client.close();
        deflateClient.close();
        server.close();
        deflateServer.close();
    }

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        for (String face : List.of("client", "server")) {
            for (boolean deflate : new boolean[] {false, true}) {
                for (Shape shape : Shape.values()) {
                    all.add(new Case(face, shape, deflate));
                }
            }
        }
        return all;
    }

    static int n;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oversizeMessageEndsIn1009(Case c) throws Exception {
        if (c.face().equals("client")) {
            clientReceives(c.deflate(), bytes(c.shape(), c.deflate(), false), 1009);
        } else {
            serverReceives(c.deflate(), bytes(c.shape(), c.deflate(), true), 1009);
        }
    }

    /** A raw server sends bytes at full speed to our client, which must fail the connection with code. */
    private void clientReceives(boolean deflate, byte[] bytes, int code) throws Exception {
        WebSocketClient cl = deflate ? deflateClient : client;
        try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Events ev = new Events();
            var connected = cl.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/big", ev);
            try (Socket s = listen.accept()) {
                s.setSoTimeout(20_000);
                Frames.acceptHandshake(s, deflate ? "permessage-deflate" : null);
                connected.get(10, TimeUnit.SECONDS);
                Frames.Frame close = sendWhileReading(s, bytes, false);
                assertNotNull(close, "no close frame from the client");
                assertEquals(code, close.closeCode(), "close code on the wire");
                assertEquals(code, ev.closed.get(10, TimeUnit.SECONDS), "the listener's close code");
            }
        }
        assertEchoes(cl, "ws://127.0.0.1:" + server.port() + "/after");
    }

    /** A raw client sends (masked) bytes at full speed to our server, which must fail the connection with code. */
    private void serverReceives(boolean deflate, byte[] bytes, int code) throws Exception {
        WebSocketServer srv = deflate ? deflateServer : server;
        String path = "/big-" + (++n);
        try (Socket s = new Socket("127.0.0.1", srv.port())) {
            s.setSoTimeout(20_000);
            String agreed = Frames.clientHandshake(s, path, deflate ? "permessage-deflate" : null);
            assertEquals(deflate, agreed != null && agreed.contains("permessage-deflate"), "deflate agreed");
            Frames.Frame close = sendWhileReading(s, bytes, true);
            assertNotNull(close, "no close frame from the server");
            assertEquals(code, close.closeCode(), "close code on the wire");
            assertEquals(code, serverCloses.computeIfAbsent(path, p -> new CompletableFuture<>())
                    .get(10, TimeUnit.SECONDS), "the handler's close code");
        }
        assertEchoes(client, "ws://127.0.0.1:" + srv.port() + "/after");
    }

    record Inside(String face, boolean deflate, int code) {
        @Override
        public String toString() {
            return face + (deflate ? " inflates past the limit" : " invalid UTF-8") + " inside a large frame";
        }
    }

    static List<Inside> inside() {
        List<Inside> all = new ArrayList<>();
        for (String face : List.of("client", "server")) {
            all.add(new Inside(face, true, 1009));
            all.add(new Inside(face, false, 1007));
        }
        return all;
    }

    /**
     * The library fails a message while a large frame, declared within the limit, is still streaming in: a
     * compressed frame of about 1 MiB whose first part inflates past 16 MiB, or 10 MiB of text whose UTF-8 breaks
     * early. lws goes on reading while it waits for the close acknowledgement; its receive buffer must start again
     * from the top (native/patches/0005: this overran the heap on the client).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("inside")
    void failureInsideALargeFrameAtFullSpeed(Inside c) throws Exception {
        boolean mask = c.face().equals("server");
        byte[] bytes;
        if (c.deflate()) {
            Deflater z = new Deflater(Deflater.BEST_COMPRESSION, true);
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.writeBytes(compress(z, new byte[17 * MIB], false)); // ~17 KiB
            z.setLevel(Deflater.NO_COMPRESSION);
            p.writeBytes(compress(z, payload(MIB), true));
            bytes = Frames.frame(true, 4, Frames.BINARY, mask, p.toByteArray());
        } else {
            byte[] text = new byte[10 * MIB];
            java.util.Arrays.fill(text, (byte) 'a');
            text[100] = (byte) 0xff;
            bytes = Frames.frame(true, 0, Frames.TEXT, mask, text);
        }
        if (c.face().equals("client")) {
            clientReceives(c.deflate(), bytes, c.code());
        } else {
            serverReceives(c.deflate(), bytes, c.code());
        }
    }

    record Declared(String face, long length, boolean deflate) {
        @Override
        public String toString() {
            return face + " declares " + length + (deflate ? " +deflate" : "");
        }
    }

    static List<Declared> declared() {
        List<Declared> all = new ArrayList<>();
        for (String face : List.of("client", "server")) {
            all.add(new Declared(face, 1L << 40, false));
            all.add(new Declared(face, (16L << 20) + 1, false));
            all.add(new Declared(face, 1L << 40, true));
            all.add(new Declared(face, 19L << 20, true)); // over 16 MiB plus deflate's worst expansion (1/8)
        }
        return all;
    }

    /**
     * A frame header that declares more than {@code maxMessageSize} allows, then a few bytes, then silence: the
     * library fails the connection with 1009 at once (native/patches/0020), without waiting for the payload.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("declared")
    void declaredLengthOverTheLimitFailsAtOnce(Declared d) throws Exception {
        boolean mask = d.face().equals("server");
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(0x80 | (d.deflate() ? 0x40 : 0) | Frames.BINARY);
        head.write((mask ? 0x80 : 0) | 127);
        for (int i = 7; i >= 0; i--) {
            head.write((int) (d.length() >> (8 * i)));
        }
        if (mask) {
            head.writeBytes(new byte[] {1, 2, 3, 4});
        }
        head.writeBytes(new byte[10]);
        if (d.face().equals("client")) {
            WebSocketClient cl = d.deflate() ? deflateClient : client;
            try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
                Events ev = new Events();
                var connected = cl.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/declares", ev);
                try (Socket s = listen.accept()) {
                    s.setSoTimeout(5_000); // far below any time-out of the library's: "at once"
                    Frames.acceptHandshake(s, d.deflate() ? "permessage-deflate" : null);
                    connected.get(10, TimeUnit.SECONDS);
                    s.getOutputStream().write(head.toByteArray());
                    Frames.Frame close = Frames.readUntilClose(s);
                    assertNotNull(close, "no close frame from the client within 5 s");
                    assertEquals(1009, close.closeCode(), "close code on the wire");
                    s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, false, close.payload()));
                    assertEquals(1009, ev.closed.get(10, TimeUnit.SECONDS), "the listener's close code");
                }
            }
        } else {
            WebSocketServer srv = d.deflate() ? deflateServer : server;
            String path = "/declares-" + (++n);
            try (Socket s = new Socket("127.0.0.1", srv.port())) {
                s.setSoTimeout(5_000);
                Frames.clientHandshake(s, path, d.deflate() ? "permessage-deflate" : null);
                s.getOutputStream().write(head.toByteArray());
                Frames.Frame close = Frames.readUntilClose(s);
                assertNotNull(close, "no close frame from the server within 5 s");
                assertEquals(1009, close.closeCode(), "close code on the wire");
                s.shutdownOutput();
                assertEquals(1009, serverCloses.computeIfAbsent(path, p -> new CompletableFuture<>())
                        .get(10, TimeUnit.SECONDS), "the handler's close code");
            }
        }
    }

    /**
     * Writes everything from another thread, at full speed, while this one reads until the close frame; then acknowledges
     * the close. Write errors are expected once the library has closed.
     */
    private static Frames.Frame sendWhileReading(Socket s, byte[] data, boolean mask) throws Exception {
        OutputStream out = s.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < data.length; i += 256 * 1024) {
                    out.write(data, i, Math.min(256 * 1024, data.length - i));
                }
                out.flush();
            } catch (IOException closed) {
                // the library failed the connection
            }
        }, "oversize-writer");
        writer.start();
        Frames.Frame close = Frames.readUntilClose(s);
        writer.join(20_000);
        try {
            if (close != null) { // echo the close code, masked as a client must
                out.write(Frames.frame(true, 0, Frames.CLOSE, mask, Frames.closePayload(close.closeCode(), "")));
            }
        } catch (IOException gone) {
            // the library may already have dropped TCP after its close timed out
        }
        return close;
    }

    private static void assertEchoes(WebSocketClient cl, String url) throws Exception {
        Events ev = new Events();
        WebSocket ws = cl.connect(url, ev).get(10, TimeUnit.SECONDS);
        ws.sendText("next connection");
        assertEquals("next connection", ev.next("text").text());
        ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
    }

    // ---- the shapes ----

    static byte[] bytes(Shape shape, boolean deflate, boolean mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(24 * MIB);
        switch (shape) {
            case ONE_20_MIB_FRAME -> out.writeBytes(dataFrame(true, Frames.BINARY, payload(20 * MIB), deflate, true, mask));
            case ONE_17_MIB_FRAME -> out.writeBytes(dataFrame(true, Frames.BINARY, payload(17 * MIB), deflate, true, mask));
            case TWENTY_1_MIB_FRAGMENTS -> {
                Deflater z = deflate ? new Deflater(Deflater.NO_COMPRESSION, true) : null;
                for (int i = 0; i < 20; i++) {
                    byte[] p = payload(MIB);
                    out.writeBytes(Frames.frame(i == 19, deflate && i == 0 ? 4 : 0, i == 0 ? Frames.BINARY : Frames.CONT,
                            mask, z == null ? p : compress(z, p, i == 19)));
                }
            }
            case DECLARES_2_POW_40_THEN_STREAMS -> {
                // a frame header that declares 2^40 payload bytes, then 24 MiB of them
                out.write(0x80 | (deflate ? 0x40 : 0) | Frames.BINARY);
                out.write((mask ? 0x80 : 0) | 127);
                long len = 1L << 40;
                for (int i = 7; i >= 0; i--) {
                    out.write((int) (len >> (8 * i)));
                }
                byte[] key = {1, 2, 3, 4};
                if (mask) {
                    out.writeBytes(key);
                }
                byte[] p = deflate ? compress(new Deflater(Deflater.NO_COMPRESSION, true), payload(24 * MIB), false)
                        : payload(24 * MIB);
                if (mask) {
                    for (int i = 0; i < p.length; i++) {
                        p[i] ^= key[i & 3];
                    }
                }
                out.writeBytes(p);
            }
        }
        return out.toByteArray();
    }

    private static byte[] dataFrame(boolean fin, int opcode, byte[] payload, boolean deflate, boolean last, boolean mask) {
        byte[] p = deflate ? compress(new Deflater(Deflater.NO_COMPRESSION, true), payload, last) : payload;
        return Frames.frame(fin, deflate ? 4 : 0, opcode, mask, p);
    }

    /** Raw deflate with a sync flush; the final piece of a message drops the 00 00 ff ff tail (RFC 7692 7.2.1). */
    private static byte[] compress(Deflater z, byte[] data, boolean last) {
        z.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 1000 + 64);
        byte[] buf = new byte[1 << 16];
        int k;
        while ((k = z.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, k);
        }
        byte[] b = out.toByteArray();
        return last ? java.util.Arrays.copyOf(b, b.length - 4) : b;
    }

    private static byte[] payload(int n) {
        byte[] p = new byte[n];
        new Random(n).nextBytes(p);
        return p;
    }
}
