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
 * <p>What lws 4.3.5 does as a client, measured here, and where it differs from RFC 6455 section 7.1.7 ("fail the
 * WebSocket connection" with 1002 / 1007):
 * <ul>
 *   <li>protocol errors (reserved opcodes, RSV bits, control frames over 125 bytes or fragmented, a stray
 *       continuation, a new message inside a fragmented one, a server frame that is masked, garbage): lws drops
 *       the TCP connection without sending a close frame; the listener hears 1006;</li>
 *   <li>a close frame with a code that may not be sent (999, 1005, 1016): lws answers 1002 and the listener hears
 *       1002;</li>
 *   <li>a close frame with a 1-byte payload: lws echoes that (invalid) payload instead of failing with 1002; the
 *       listener hears 1005;</li>
 *   <li>a close reason that is not UTF-8: the TCP connection is dropped, listener 1006;</li>
 *   <li>text that is not UTF-8: lws sends a close frame with 1007 and the listener hears 1007 (native/patches/0021
 *       keeps the code lws sent readable on a client; before it the listener heard 1006).</li>
 * </ul>
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
}
