package io.github.lwsjava.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** Java-WebSocket (TooTallNate): blocking sockets, a read thread and a write thread per connection. */
final class JavaWsDriver implements Driver {
    private final BenchTls tls;

    JavaWsDriver(BenchTls tls) {
        this.tls = tls;
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Sink sink) {
        CompletableFuture<Conn> opened = new CompletableFuture<>();
        Client c = new Client(uri, sink, opened);
        c.setTcpNoDelay(true);
        if (tls.enabled()) {
            c.setSocketFactory(tls.context.getSocketFactory());
        }
        c.connect();
        return opened;
    }

    private static final class Client extends WebSocketClient implements Conn {
        private final Sink sink;
        private final CompletableFuture<Conn> opened;

        Client(URI uri, Sink sink, CompletableFuture<Conn> opened) {
            super(uri);
            this.sink = sink;
            this.opened = opened;
            setConnectionLostTimeout(0); // no keep-alive pings during a run
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            opened.complete(this);
        }

        @Override
        public void onMessage(String message) {
            sink.onMessage(this, true, message.length());
        }

        @Override
        public void onMessage(ByteBuffer bytes) {
            sink.onMessage(this, false, bytes.remaining());
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            opened.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
            sink.onClose(this, code + " " + reason);
        }

        @Override
        public void onError(Exception ex) {
            opened.completeExceptionally(ex);
        }

        @Override
        public void sendText(String text) {
            send(text);
        }

        @Override
        public void sendBinary(ByteBuffer data) {
            send(data.duplicate());
        }
    }

    @Override
    public void close() {
    }
}
