package io.github.lwsjava.demo;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.ProtocolPlugin;

/**
 * The protocols the demo jar brings for {@code serve --config} (META-INF/services), as lws brings its
 * dumb-increment and mirror plugins: "echo" and "mirror".
 */
public final class DemoPlugins {

    private DemoPlugins() {
    }

    /**
     * "echo": sends every message back, after its "prefix" option if given; on a callback:// mount, answers with
     * the request's method, path, query and body as text.
     */
    public static final class Echo implements ProtocolPlugin {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public WebSocket.Listener webSocket(Map<String, String> options) {
            String prefix = options.getOrDefault("prefix", "");
            return new WebSocket.Listener() {
                @Override
                public void onText(WebSocket ws, String text) {
                    ws.sendText(prefix + text);
                }

                @Override
                public void onBinary(WebSocket ws, ByteBuffer data) {
                    ws.sendBinary(data);
                }
            };
        }

        @Override
        public HttpHandler http(Map<String, String> options) {
            return request -> HttpHandler.Response.text(200, request.method() + " " + request.path()
                    + (request.query().isEmpty() ? "" : "?" + request.query()) + "\n" + request.bodyText());
        }
    }

    /** "mirror": every text message goes to every connection of the vhost's mirror protocol, the sender's too. */
    public static final class Mirror implements ProtocolPlugin {
        @Override
        public String name() {
            return "mirror";
        }

        @Override
        public WebSocket.Listener webSocket(Map<String, String> options) {
            Set<WebSocket> room = ConcurrentHashMap.newKeySet();
            return new WebSocket.Listener() {
                @Override
                public void onOpen(WebSocket ws) {
                    room.add(ws);
                }

                @Override
                public void onText(WebSocket ws, String text) {
                    for (WebSocket other : room) {
                        other.sendText(text);
                    }
                }

                @Override
                public void onClose(WebSocket ws, int code, String reason) {
                    room.remove(ws);
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    if (ws != null) {
                        room.remove(ws);
                    }
                }
            };
        }
    }
}
