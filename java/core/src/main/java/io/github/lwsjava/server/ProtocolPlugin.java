package io.github.lwsjava.server;

import java.util.Map;

import io.github.lwsjava.WebSocket;

/**
 * A protocol that a configured server finds by name, the Java form of lws's protocol plugins: a class on the
 * class path (listed in {@code META-INF/services/io.github.lwsjava.server.ProtocolPlugin}) or module path
 * ({@code provides io.github.lwsjava.server.ProtocolPlugin with ...}), which {@link java.util.ServiceLoader} finds.
 * A vhost's configuration enables it by name: in "ws-protocols" for WebSocket connections that ask for that
 * subprotocol (or, with the option "default", for those that ask for none), and in a mount's origin
 * "callback://name" for the HTTP requests under the mountpoint. Each vhost that enables it gets listeners and
 * handlers of its own, made with that vhost's options.
 *
 * <pre>{@code
 * public final class Echo implements ProtocolPlugin {
 *     public String name() { return "echo"; }
 *     public WebSocket.Listener webSocket(Map<String, String> options) {
 *         return new WebSocket.Listener() {
 *             public void onText(WebSocket ws, String text) { ws.sendText(text); }
 *         };
 *     }
 * }
 * }</pre>
 */
public interface ProtocolPlugin {

    /**
     * The protocol's name: the WebSocket subprotocol it speaks and the name a configuration refers to it by.
     *
     * @return an HTTP token, not starting with "lws-java-"
     */
    String name();

    /**
     * A listener for one vhost's connections of this protocol; the default has none.
     *
     * @param options the vhost's options for this protocol (its object in "ws-protocols"), by name
     * @return the listener, or null when this plugin speaks no WebSocket
     */
    default WebSocket.Listener webSocket(Map<String, String> options) {
        return null;
    }

    /**
     * A handler for one mount's HTTP requests; the default has none.
     *
     * @param options the mount's options (its "pmo"), by name
     * @return the handler, or null when this plugin answers no HTTP requests
     */
    default HttpHandler http(Map<String, String> options) {
        return null;
    }
}
