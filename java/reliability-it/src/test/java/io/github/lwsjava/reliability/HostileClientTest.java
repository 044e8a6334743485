package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * A raw-socket client that sends malformed frames to our SERVER; a healthy connection to the same server must still
 * echo after each fault.
 *
 * <p>Every fault fails the connection with a close frame of 1002 or 1007, and the handler hears that code. Where
 * lws 4.3.5 deviated (a 126-byte ping and a close reason that is not UTF-8 dropped TCP, a 1-byte close body and
 * code 5000 were echoed), native/patches/0024 fixes it; UNMASKED client frames were accepted as if masked, and
 * native/patches/0002 fails them with 1002 ({@link #unmaskedClientFramesAreRefusedWith1002}).
 */
@Timeout(120)
class HostileClientTest {

    static WebSocketServer server;
    static WebSocketClient client;
    static WebSocket healthy;
    static Events healthyEvents = new Events();
    /** onClose codes the server's handler heard, by path. */
    static final Map<String, CompletableFuture<Integer>> serverCloses = new ConcurrentHashMap<>();

    static CompletableFuture<Integer> closeOf(String path) {
        return serverCloses.computeIfAbsent(path, p -> new CompletableFuture<>());
    }

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().handler(new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                closeOf(ws.path()).complete(code);
            }
        }).build();
        client = WebSocketClient.create();
        healthy = client.connect("ws://127.0.0.1:" + server.port() + "/healthy", healthyEvents).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    static List<BadFrames.Fault> faults() {
        List<BadFrames.Fault> all = new ArrayList<>();
        all.addAll(BadFrames.all(true));
        return all;
    }

    static int n;

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void malformedClientFrameFailsTheConnection(BadFrames.Fault fault) throws Exception {
        String path = "/hostile-" + (++n);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            Frames.clientHandshake(s, path);
            s.getOutputStream().write(fault.bytes());
            s.getOutputStream().flush();
            Frames.Frame close = Frames.readUntilClose(s);
            if (close != null) {
                s.shutdownOutput(); // the client closes TCP first after the close handshake (else lws waits 5 s)
            }
            int heard = closeOf(path).get(10, TimeUnit.SECONDS);
            System.out.printf("server fault %-40s close frame sent: %-5s handler heard %s%n", fault.name(),
                    close == null ? "none" : String.valueOf(close.closeCode()), heard);
            assertEquals(fault.serverHears(), heard, "the handler's close code");
            if (close != null && close.payload().length >= 2) {
                assertEquals(fault.rfcCode(), close.closeCode(), "close code on the wire");
            }
            assertTrue(Frames.drainsToEof(s), "the server did not close the TCP connection");
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    /** An unmasked client frame fails the connection with 1002 (native/patches/0002; lws 4.3.5 echoed it). */
    @org.junit.jupiter.api.Test
    void unmaskedClientFramesAreRefusedWith1002() throws Exception {
        // lws 4.3.5 accepted them; native/patches/0002 makes the server fail the connection (RFC 6455 5.1)
        String path = "/unmasked";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            Frames.clientHandshake(s, path);
            s.getOutputStream().write(Frames.text("not masked", false));
            assertEquals(1002, Frames.readUntilClose(s).closeCode());
            assertEquals(1002, closeOf(path).get(10, TimeUnit.SECONDS));
        }
    }


    /** RFC 6455 7.1.1: after the close handshake the server closes TCP first, without waiting for the client. */
    @org.junit.jupiter.api.Test
    void serverClosesTcpPromptlyAfterTheCloseHandshake() throws Exception {
        for (boolean serverFirst : new boolean[] {false, true}) {
            String path = "/tcp-close-" + serverFirst;
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(10_000);
                Frames.clientHandshake(s, path);
                if (serverFirst) { // a reserved opcode: the server fails the connection, and we acknowledge its close
                    s.getOutputStream().write(Frames.frame(true, 0, 3, true, "x".getBytes()));
                    Frames.Frame close = Frames.readUntilClose(s);
                    assertEquals(1002, close.closeCode());
                    s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, true, close.payload()));
                } else {
                    s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, true, Frames.closePayload(1000, "bye")));
                    assertEquals(1000, Frames.readUntilClose(s).closeCode());
                }
                long start = System.nanoTime();
                assertTrue(Frames.drainsToEof(s), "the server did not close TCP");
                long ms = (System.nanoTime() - start) / 1_000_000;
                System.out.println("server closed TCP " + ms + " ms after its close frame");
                assertTrue(ms < 1000, "the server kept TCP open " + ms + " ms after the close handshake");
            }
        }
    }
}
