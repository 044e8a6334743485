package io.github.lwsjava.micrometer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The meters read what the server and client counted over a real echo exchange on loopback. */
@Timeout(60)
class LwsJavaMetricsTest {

    @Test
    void metersFollowTheCounters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                }).upgradeFilter(request -> request.path().equals("/no") ? 403 : 0).build();
             WebSocketClient client = WebSocketClient.create()) {
            new LwsJavaMetrics(server, Tag.of("name", "echo")).bindTo(registry);
            new LwsJavaMetrics(client).bindTo(registry);
            WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/").get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                ws.sendText("hello").get(10, TimeUnit.SECONDS);
                Message m = ws.receive(java.time.Duration.ofSeconds(10));
                assertNotNull(m);
            }
            assertThrows(ExecutionException.class, () -> client.connect("ws://127.0.0.1:" + server.port() + "/no")
                    .get(10, TimeUnit.SECONDS));

            assertEquals(1.0, registry.get("lwsjava.connections.open").tag("endpoint", "server").tag("name", "echo")
                    .gauge().value());
            assertEquals(3.0, registry.get("lwsjava.messages.received").tag("endpoint", "server").functionCounter()
                    .count());
            assertEquals(15.0, registry.get("lwsjava.bytes.sent").tag("endpoint", "client").functionCounter().count());
            assertEquals(3.0, registry.get("lwsjava.messages.received").tag("endpoint", "client").functionCounter()
                    .count());
            assertEquals(1.0, registry.get("lwsjava.handshakes.failed").tag("endpoint", "server")
                    .tag("kind", "HANDSHAKE").functionCounter().count());
            assertEquals(0.0, registry.get("lwsjava.queued.bytes").tag("endpoint", "client").gauge().value());
        }
    }
}
