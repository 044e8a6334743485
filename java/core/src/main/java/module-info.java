/**
 * lws-java: a WebSocket client and server with libwebsockets inside, in the shape of {@code java.net.http.WebSocket}.
 *
 * <p>Exports only the API: {@link io.github.lwsjava} (WebSocket, Message, WebSocketException), {@code .client},
 * {@code .server}, {@code .tls} and {@code .metrics}. The service loop ({@code io.github.lwsjava.engine}) stays internal, and the
 * bindings of lws's C API ({@code io.github.lwsjava.lws}) are required, not re-exported: an application that wants
 * them requires {@code io.github.lwsjava.lws} itself. The JNI library comes from a platform module such as
 * {@code io.github.lwsjava.lws.linux.x86_64} (the jar {@code lws-presets-<version>-linux-x86_64.jar}).
 */
module io.github.lwsjava {
    requires io.github.lwsjava.lws;
    requires org.bytedeco.javacpp;
    requires java.management; // the opt-in JMX beans (jmx(true) on a builder)

    exports io.github.lwsjava;
    exports io.github.lwsjava.client;
    exports io.github.lwsjava.server;
    exports io.github.lwsjava.tls;
    exports io.github.lwsjava.metrics;
}
