package io.github.lwsjava.serverit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

/**
 * An independent peer: the JDK's {@link java.net.http.WebSocket}, recording what it hears. Text messages, pings
 * and the close are kept for the test to take with a time-out.
 */
final class JdkPeer implements WebSocket.Listener {

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<ByteBuffer> pings = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    WebSocket ws;

    /** Connects (plain or TLS) with optional subprotocols and headers; waits up to 10 s. */
    static JdkPeer connect(String url, SSLContext tls, Map<String, String> headers, String... subprotocols)
            throws Exception {
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            hb.sslContext(tls);
        }
        HttpClient http = hb.build();
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        headers.forEach(b::header);
        JdkPeer peer = new JdkPeer();
        peer.ws = b.buildAsync(URI.create(url), peer).get(10, TimeUnit.SECONDS);
        return peer;
    }

    static JdkPeer connect(String url) throws Exception {
        return connect(url, null, Map.of());
    }

    /** The cause of a failed handshake (unwrapped from the future's ExecutionException). */
    static Throwable handshakeFailure(String url, SSLContext tls, Map<String, String> headers) throws Exception {
        try {
            JdkPeer p = connect(url, tls, headers);
            p.ws.abort();
            throw new AssertionError("the handshake with " + url + " succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    String nextText() throws InterruptedException {
        String t = texts.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("no text message within 10 s");
        }
        return t;
    }

    void send(String text) throws Exception {
        ws.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    int awaitClose() throws Exception {
        try {
            return closeCode.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no close within 10 s");
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        binaries.add(copy);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.add(message);
        return null; // the JDK answers with a pong by itself
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error.complete(e);
        closeCode.complete(-1);
    }
}
