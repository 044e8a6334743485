package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
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
 * A raw-socket server that sends malformed frames to our CLIENT; a healthy connection on the same client (same
 * service thread) must still echo after each fault.
 *
 * <p>Every fault fails the connection as RFC 6455 7.1.7 says: a close frame with 1002 (protocol error) or 1007
 * (invalid UTF-8), and the listener hears the code that went on the wire. lws 4.3.5 dropped TCP without a close
 * frame on most of them, echoed a 1-byte close body and a code of 5000, and the listener heard 1006:
 * native/patches/0024 sends the close frame, 0021 lets the engine read back its code on a client.
 */
@Timeout(120)
class HostileServerTest {

    static WebSocketServer echo;
    static WebSocketClient client;
    static WebSocket healthy;
    static Events healthyEvents = new Events();

    @BeforeAll
    static void start() throws Exception {
        echo = WebSocketServer.builder().handler(Peers.ECHO).build();
        client = WebSocketClient.create();
        healthy = client.connect("ws://127.0.0.1:" + echo.port() + "/healthy", healthyEvents).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        client.close();
        echo.close();
    }

    static List<BadFrames.Fault> faults() {
        return BadFrames.all(false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void malformedServerFrameFailsTheConnection(BadFrames.Fault fault) throws Exception {
        try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Events ev = new Events();
            var connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/hostile", ev);
            try (Socket s = listen.accept()) {
                s.setSoTimeout(10_000);
                Frames.acceptHandshake(s);
                connected.get(10, TimeUnit.SECONDS);
                s.getOutputStream().write(fault.bytes());
                s.getOutputStream().flush();
                Frames.Frame close = Frames.readUntilClose(s);
                if (close != null) { // acknowledge, or the client waits 5 s for it
                    try {
                        s.getOutputStream().write(Frames.frame(true, 0, Frames.CLOSE, false, close.payload()));
                    } catch (java.net.SocketException gone) {
                        // it answered a close frame of ours and has closed TCP already
                    }
                }
                int code = ev.closed.get(10, TimeUnit.SECONDS);
                System.out.printf("client fault %-40s close frame sent: %-5s listener heard %d%n", fault.name(),
                        close == null ? "none" : String.valueOf(close.closeCode()), code);
                assertEquals(fault.clientHears(), code, "listener's close code");
                if (close != null && close.payload().length >= 2) {
                    assertEquals(fault.rfcCode(), close.closeCode(), "close code on the wire");
                }
                assertEquals(WebSocket.State.CLOSED, ev.opened.get().state());
            }
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }

    /**
     * A 302 answer to the upgrade fails the connection (as the JDK's and OkHttp's clients do) and is never followed:
     * lws 4.3.5 frees the connection twice when it follows a redirect to a host that does not resolve (found by
     * native/fuzz, regression input client/redirect-unresolvable-uaf).
     */
    @org.junit.jupiter.api.Test
    void redirectIsNotFollowed() throws Exception {
        try (ServerSocket listen = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Events ev = new Events();
            var connected = client.connect("ws://127.0.0.1:" + listen.getLocalPort() + "/moved", ev);
            try (Socket s = listen.accept()) {
                s.setSoTimeout(10_000);
                Frames.readHead(s.getInputStream());
                s.getOutputStream().write(("HTTP/1.1 302 Found\r\nLocation: ws://no-such-host.invalid:1/x\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                var failed = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> connected.get(10, TimeUnit.SECONDS));
                assertInstanceOf(io.github.lwsjava.WebSocketException.class, failed.getCause());
                System.out.println("redirect refused: " + failed.getCause().getMessage());
            }
        }
        Peers.assertEchoes(healthy, healthyEvents);
    }
}
