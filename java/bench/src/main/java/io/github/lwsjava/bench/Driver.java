package io.github.lwsjava.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket client library, reduced to what the workloads need. Implementations keep each library's
 * idiomatic fast path (its own event loop, buffers and threads) and set TCP_NODELAY where the library lets them.
 */
interface Driver extends AutoCloseable {

    /** An open connection. Sends may be called from any thread, including a receive callback. */
    interface Conn {
        void sendText(String text);

        /** The buffer is shared by many sends and never changed: send a duplicate's bytes, never modify it. */
        void sendBinary(ByteBuffer data);

        void close();
    }

    /** Receives whole messages. Called on the library's own thread. */
    interface Sink {
        void onMessage(Conn conn, boolean text, int length);

        /**
         * A whole text message with its characters, for workloads that read them (the scale workload's control
         * replies); the lws and Netty drivers call this for text, the others call {@link #onMessage} only.
         */
        default void onText(Conn conn, CharSequence text) {
            onMessage(conn, true, text.length());
        }

        default void onClose(Conn conn, String why) {}
    }

    /** Completes with the connection once the handshake is done. */
    CompletableFuture<Conn> connect(URI uri, Sink sink);

    @Override
    void close();

    static Driver create(String impl, BenchTls tls) throws Exception {
        switch (impl) {
            case "netty": return new NettyDriver(tls);
            case "jetty": return new JettyDriver(tls);
            case "jdk": return new JdkDriver(tls);
            case "javaws": return new JavaWsDriver(tls);
            case "okhttp": return new OkHttpDriver(tls);
            case "lws": return new LwsDriver(tls, null);
            case "lws-uv": return new LwsDriver(tls, io.github.lwsjava.EventLoop.LIBUV);
            default: throw new IllegalArgumentException("unknown client " + impl
                    + " (netty, jetty, jdk, javaws, okhttp, lws, lws-uv)");
        }
    }
}
