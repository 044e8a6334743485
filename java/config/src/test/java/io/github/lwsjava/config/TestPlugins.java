package io.github.lwsjava.config;

import java.util.Map;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.ProtocolPlugin;

/** Plugins that ServiceLoader finds in this module's tests (META-INF/services). */
public final class TestPlugins {

    private TestPlugins() {
    }

    /** Speaks WebSocket and HTTP: echoes, prefixed with its "prefix" option. */
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
            return request -> HttpHandler.Response.text(200, options.getOrDefault("prefix", "") + request.path());
        }
    }

    /** Speaks WebSocket only. */
    public static final class Chat implements ProtocolPlugin {
        @Override
        public String name() {
            return "chat.v1";
        }

        @Override
        public WebSocket.Listener webSocket(Map<String, String> options) {
            return new WebSocket.Listener() { };
        }
    }

    /** Answers HTTP only. */
    public static final class Status implements ProtocolPlugin {
        @Override
        public String name() {
            return "status";
        }

        @Override
        public HttpHandler http(Map<String, String> options) {
            return request -> HttpHandler.Response.json(200, "{}");
        }
    }
}
