package io.github.lwsjava.serverit;

import java.util.Map;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.ProtocolPlugin;

/** The protocols that ConfiguredServerTest's configuration names; ServiceLoader finds them (META-INF/services). */
public final class ConfigPlugins {

    private ConfigPlugins() {
    }

    /** WebSocket: echoes with its "prefix" option; HTTP: its "greeting" option, the method and the path. */
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
            };
        }

        @Override
        public HttpHandler http(Map<String, String> options) {
            String greeting = options.getOrDefault("greeting", "");
            return request -> HttpHandler.Response.text(200, greeting + " " + request.method() + " " + request.path());
        }
    }

    /** WebSocket only: answers "chat:" and the text. */
    public static final class Chat implements ProtocolPlugin {
        @Override
        public String name() {
            return "chat";
        }

        @Override
        public WebSocket.Listener webSocket(Map<String, String> options) {
            return new WebSocket.Listener() {
                @Override
                public void onText(WebSocket ws, String text) {
                    ws.sendText("chat:" + text);
                }
            };
        }
    }
}
