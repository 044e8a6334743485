package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.server.WebSocketServer;

/** The JDK's java.net.http.WebSocket, an independent client, against our server. */
@Timeout(60)
class JdkClientTest {

    @Test
    void jdkClientEchoesThroughOurServer() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(EchoTest.ECHO).build()) {
            LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/jdk"), new java.net.http.WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            texts.add(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("from the JDK", true).get(5, TimeUnit.SECONDS);
            assertEquals("from the JDK", texts.poll(10, TimeUnit.SECONDS));
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
            assertEquals(1000, closed.get(10, TimeUnit.SECONDS));
        }
    }
}
