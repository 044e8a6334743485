package io.github.lwsjava.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** Jetty 12 WebSocket client (Jetty API), auto-demanding listener, message limits raised to 16 MiB. */
final class JettyDriver implements Driver {
    private final HttpClient http;
    private final WebSocketClient client;

    JettyDriver(BenchTls tls) throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setTCPNoDelay(true);
        if (tls.enabled()) {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setSslContext(tls.context);
            connector.setSslContextFactory(ssl);
        }
        http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client = new WebSocketClient(http);
        client.setMaxTextMessageSize(16 << 20);
        client.setMaxBinaryMessageSize(16 << 20);
        client.setInputBufferSize(65536);
        client.start();
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Sink sink) {
        CompletableFuture<Conn> opened = new CompletableFuture<>();
        Endpoint endpoint = new Endpoint(sink, opened);
        try {
            client.connect(endpoint, uri).whenComplete((s, e) -> {
                if (e != null) {
                    opened.completeExceptionally(e);
                }
            });
        } catch (Exception e) {
            opened.completeExceptionally(e);
        }
        return opened;
    }

    // Jetty calls the listener through MethodHandles: the class must be public
    public static final class Endpoint implements Session.Listener.AutoDemanding, Conn {
        private final Sink sink;
        private final CompletableFuture<Conn> opened;
        private volatile Session session;

        Endpoint(Sink sink, CompletableFuture<Conn> opened) {
            this.sink = sink;
            this.opened = opened;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            opened.complete(this);
        }

        @Override
        public void onWebSocketText(String message) {
            sink.onMessage(this, true, message.length());
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            int n = payload.remaining();
            callback.succeed();
            sink.onMessage(this, false, n);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            callback.succeed();
            sink.onClose(this, statusCode + " " + reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            opened.completeExceptionally(cause);
        }

        @Override
        public void sendText(String text) {
            session.sendText(text, Callback.NOOP);
        }

        @Override
        public void sendBinary(ByteBuffer data) {
            session.sendBinary(data.duplicate(), Callback.NOOP);
        }

        @Override
        public void close() {
            Session s = session;
            if (s != null) {
                s.close();
            }
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
            http.stop();
        } catch (Exception ignored) {
            // best effort at the end of a run
        }
    }
}
