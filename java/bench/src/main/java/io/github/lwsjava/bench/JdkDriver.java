package io.github.lwsjava.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The JDK's java.net.http.WebSocket. It allows one outstanding send per connection, so sends are chained on the
 * previous send's future; partial messages are counted until the last part.
 */
final class JdkDriver implements Driver {
    private final HttpClient http;

    JdkDriver(BenchTls tls) {
        HttpClient.Builder b = HttpClient.newBuilder();
        if (tls.enabled()) {
            b.sslContext(tls.context);
        }
        http = b.build();
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Sink sink) {
        Endpoint endpoint = new Endpoint(sink);
        return http.newWebSocketBuilder().buildAsync(uri, endpoint).thenApply(ws -> endpoint);
    }

    private static final class Endpoint implements WebSocket.Listener, Conn {
        private final Sink sink;
        private volatile WebSocket ws;
        private CompletableFuture<WebSocket> last; // guarded by this
        private int textLength;
        private int binaryLength;

        Endpoint(Sink sink) {
            this.sink = sink;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            synchronized (this) {
                last = CompletableFuture.completedFuture(webSocket);
            }
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean lastPart) {
            textLength += data.length();
            if (lastPart) {
                int n = textLength;
                textLength = 0;
                sink.onMessage(this, true, n);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean lastPart) {
            binaryLength += data.remaining();
            if (lastPart) {
                int n = binaryLength;
                binaryLength = 0;
                sink.onMessage(this, false, n);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            sink.onClose(this, statusCode + " " + reason);
            return null;
        }

        @Override
        public void sendText(String text) {
            synchronized (this) {
                last = last.thenCompose(w -> w.sendText(text, true));
            }
        }

        @Override
        public void sendBinary(ByteBuffer data) {
            ByteBuffer copy = data.duplicate();
            synchronized (this) {
                last = last.thenCompose(w -> w.sendBinary(copy, true));
            }
        }

        @Override
        public void close() {
            WebSocket w = ws;
            if (w != null) {
                w.abort();
            }
        }
    }

    @Override
    public void close() {
        // HttpClient has no close() on Java 17: its selector thread ends when it becomes unreachable
    }
}
