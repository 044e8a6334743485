package io.github.lwsjava.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/** OkHttp 5 (okhttp-jvm): a reader thread per connection, sends queued to its writer task. */
final class OkHttpDriver implements Driver {
    private final OkHttpClient client;

    OkHttpDriver(BenchTls tls) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(100_000);
        dispatcher.setMaxRequestsPerHost(100_000);
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .socketFactory(new NoDelaySocketFactory())
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .connectTimeout(60, TimeUnit.SECONDS)
                .pingInterval(0, TimeUnit.MILLISECONDS)
                .minWebSocketMessageToCompress(Long.MAX_VALUE);
        if (tls.enabled()) {
            b.sslSocketFactory(tls.context.getSocketFactory(), tls.trustManager);
        }
        client = b.build();
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Sink sink) {
        CompletableFuture<Conn> opened = new CompletableFuture<>();
        Endpoint endpoint = new Endpoint(sink, opened);
        client.newWebSocket(new Request.Builder().url(uri.toString().replaceFirst("^ws", "http")).build(), endpoint);
        return opened;
    }

    private static final class Endpoint extends WebSocketListener implements Conn {
        private final Sink sink;
        private final CompletableFuture<Conn> opened;
        private volatile WebSocket ws;

        Endpoint(Sink sink, CompletableFuture<Conn> opened) {
            this.sink = sink;
            this.opened = opened;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            ws = webSocket;
            opened.complete(this);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            sink.onMessage(this, true, text.length());
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            sink.onMessage(this, false, bytes.size());
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            sink.onClose(this, code + " " + reason);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            opened.completeExceptionally(t);
            sink.onClose(this, String.valueOf(t));
        }

        @Override
        public void sendText(String text) {
            ws.send(text);
        }

        @Override
        public void sendBinary(ByteBuffer data) {
            ws.send(ByteString.of(data.duplicate()));
        }

        @Override
        public void close() {
            WebSocket w = ws;
            if (w != null) {
                w.cancel();
            }
        }
    }

    /** OkHttp leaves Nagle on: every socket it makes gets TCP_NODELAY here. */
    private static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory d = SocketFactory.getDefault();

        private static Socket nd(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override public Socket createSocket() throws IOException { return nd(d.createSocket()); }
        @Override public Socket createSocket(String h, int p) throws IOException { return nd(d.createSocket(h, p)); }
        @Override public Socket createSocket(String h, int p, InetAddress a, int lp) throws IOException {
            return nd(d.createSocket(h, p, a, lp));
        }
        @Override public Socket createSocket(InetAddress h, int p) throws IOException { return nd(d.createSocket(h, p)); }
        @Override public Socket createSocket(InetAddress h, int p, InetAddress a, int lp) throws IOException {
            return nd(d.createSocket(h, p, a, lp));
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }
}
