package io.github.lwsjava.bench;

import io.github.lwsjava.EventLoop;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.tls.TlsOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * lws-java (ours): one lws context and service thread; callbacks on the service thread. On the default event
 * loop (poll), or on libuv ("lws-uv").
 */
final class LwsDriver implements Driver {
    private final WebSocketClient client;

    LwsDriver(BenchTls tls, EventLoop loop) {
        WebSocketClient.Builder b = WebSocketClient.builder().maxMessageSize(16 << 20)
                .maxQueuedBytes(256L << 20).connectTimeout(Duration.ofSeconds(60));
        if (loop != null) {
            b.eventLoop(loop);
        }
        if (tls.enabled()) {
            b.tls(TlsOptions.defaults().trust(tls.caPem));
        }
        client = LwsOptions.apply(b).build();
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Sink sink) {
        Endpoint endpoint = new Endpoint(sink);
        return client.connect(uri.toString(), endpoint).thenApply(ws -> {
            endpoint.ws = ws;
            return endpoint;
        });
    }

    private static final class Endpoint implements WebSocket.Listener, Conn {
        private final Sink sink;
        volatile WebSocket ws;

        Endpoint(Sink sink) {
            this.sink = sink;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
        }

        @Override
        public void onText(WebSocket webSocket, String text) {
            sink.onText(this, text);
        }

        @Override
        public void onBinary(WebSocket webSocket, ByteBuffer data) {
            sink.onMessage(this, false, data.remaining());
        }

        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            sink.onClose(this, code + " " + reason);
        }

        @Override
        public void sendText(String text) {
            ws.sendText(text);
        }

        @Override
        public void sendBinary(ByteBuffer data) {
            ws.sendBinary(data.duplicate());
        }

        @Override
        public void close() {
            WebSocket w = ws;
            if (w != null) {
                w.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
