package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.testkit.Ports;

/**
 * Our client against Debian's libwebsockets-test-server (lws 4.1.6, package libwebsockets-test-server, which
 * scripts/test.sh installs): an independent build of lws with its own protocols.
 */
@Timeout(60)
class DebianLwsServerTest {

    static final String SERVER = "/usr/bin/libwebsockets-test-server";

    @Test
    void mirrorAndDumbIncrementProtocols() throws Exception {
        Assumptions.assumeTrue(new File(SERVER).canExecute(), "libwebsockets-test-server is not installed");
        int port = Ports.freeLoopbackPort();
        Process server = io.github.lwsjava.testkit.ForeignProcess.withoutSanitizer(new ProcessBuilder(SERVER, "--port=" + port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (WebSocketClient client = WebSocketClient.create()) {
            WebSocket mirror = connectWithRetry(client, "ws://127.0.0.1:" + port + "/", "lws-mirror-protocol");
            assertEquals("lws-mirror-protocol", mirror.subprotocol());
            mirror.sendText("c #000000 1 2 3 4;");
            assertEquals("c #000000 1 2 3 4;", mirror.receive(Duration.ofSeconds(10)).text());

            WebSocket counter = connectWithRetry(client, "ws://127.0.0.1:" + port + "/", "dumb-increment-protocol");
            int first = Integer.parseInt(counter.receive(Duration.ofSeconds(10)).text().trim());
            int second = Integer.parseInt(counter.receive(Duration.ofSeconds(10)).text().trim());
            assertTrue(second > first, first + " then " + second);
            counter.close();
            mirror.close();
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Pull-style connection; the server may need a moment to start listening (up to 30 s on a loaded machine). */
    static WebSocket connectWithRetry(WebSocketClient client, String url, String protocol) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 300; attempt++) {
            try {
                return client.newConnection(url).subprotocols(protocol).connect(null).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
