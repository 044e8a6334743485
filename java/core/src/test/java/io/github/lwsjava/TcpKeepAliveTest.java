package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * {@code tcpKeepAlive(...)}: the option's checks, and on Linux that the sockets lws accepts or connects carry it.
 * /proc/net/tcp shows a socket's keep-alive timer (timer kind 2) and when it fires: an idle time of 5 s shows as a
 * timer due within 5 s, where the system's default (7200 s) would be hours away and a socket without SO_KEEPALIVE
 * has no timer. The probe interval and count are set by the same lws call but are not visible there.
 */
@Timeout(60)
class TcpKeepAliveTest {

    private static final Path PROC_TCP = Path.of("/proc/net/tcp");

    /** The timer column ("kind:ticks") of an established IPv4 socket: local port and remote port. */
    record Timer(int kind, long ticks) {
    }

    static List<Timer> timers(int localPort, int remotePort) throws IOException {
        List<Timer> found = new ArrayList<>();
        for (String line : Files.readAllLines(PROC_TCP)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[3].equals("01")) { // 01: ESTABLISHED
                continue;
            }
            int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
            int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
            if ((localPort == 0 || local == localPort) && (remotePort == 0 || remote == remotePort)) {
                String[] t = f[5].split(":");
                found.add(new Timer(Integer.parseInt(t[0], 16), Long.parseLong(t[1], 16)));
            }
        }
        return found;
    }

    /** The one timer of the server's socket for a connection (local port = the server's) and the client's. */
    static void assertKeepAlive(int serverPort, boolean onServer, boolean onClient) throws IOException {
        List<Timer> server = timers(serverPort, 0);
        List<Timer> client = timers(0, serverPort);
        assertEquals(1, server.size(), "server sockets: " + server);
        assertEquals(1, client.size(), "client sockets: " + client);
        check("server", server.get(0), onServer);
        check("client", client.get(0), onClient);
    }

    static void check(String side, Timer t, boolean keepAlive) {
        if (keepAlive) {
            assertEquals(2, t.kind(), side + ": keep-alive timer expected, " + t);
            assertTrue(t.ticks() <= 5 * 100 + 50, side + ": due within the 5 s idle time (USER_HZ ticks), " + t);
        } else {
            assertEquals(0, t.kind(), side + ": no timer expected, " + t);
        }
    }

    static void connectAndCheck(WebSocketServer.Builder server, WebSocketClient.Builder client, boolean onServer,
                                boolean onClient) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(PROC_TCP), "needs Linux's /proc/net/tcp");
        try (WebSocketServer s = server.handler(EchoTest.ECHO).build(); WebSocketClient c = client.build()) {
            Recorder r = new Recorder();
            WebSocket ws = c.connect("ws://127.0.0.1:" + s.port() + "/", r).get(10, TimeUnit.SECONDS);
            ws.sendText("still works").get(5, TimeUnit.SECONDS);
            assertEquals("still works", r.next("text").text());
            Thread.sleep(200); // the echo's ACKs are done: no retransmission timer in the way
            assertKeepAlive(s.port(), onServer, onClient);
            ws.close();
        }
    }

    @Test
    void theServersAcceptedSocketsCarryIt() throws Exception {
        connectAndCheck(WebSocketServer.builder().tcpKeepAlive(Duration.ofSeconds(5), Duration.ofSeconds(2), 3),
                WebSocketClient.builder(), true, false);
    }

    @Test
    void theClientsSocketsCarryIt() throws Exception {
        connectAndCheck(WebSocketServer.builder(),
                WebSocketClient.builder().tcpKeepAlive(Duration.ofSeconds(5), Duration.ofSeconds(2), 3), false, true);
    }

    @Test
    void outOfRangeValuesAreRefusedNamingThem() {
        WebSocketClient.Builder b = WebSocketClient.builder();
        Object[][] bad = {
                {Duration.ZERO, Duration.ofSeconds(1), 1}, {Duration.ofMillis(999), Duration.ofSeconds(1), 1},
                {Duration.ofSeconds(1), Duration.ZERO, 1}, {Duration.ofSeconds(1), Duration.ofSeconds(1), 0},
                {Duration.ofSeconds(1), Duration.ofSeconds(1), 128}, {Duration.ofSeconds(32768), Duration.ofSeconds(1), 1},
                {null, Duration.ofSeconds(1), 1}, {Duration.ofSeconds(1), Duration.ofSeconds(-1), 1}};
        for (Object[] v : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.tcpKeepAlive((Duration) v[0], (Duration) v[1], (int) v[2]));
            assertTrue(e.getMessage().contains(v[0] + ", " + v[1] + ", " + v[2]), e.getMessage());
        }
        assertSame(b, b.tcpKeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 1));
        assertNotNull(WebSocketServer.builder().tcpKeepAlive(Duration.ofMinutes(2), Duration.ofSeconds(30), 4));
    }
}
