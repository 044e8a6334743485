package io.github.lwsjava.conformance.standin;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import io.github.lwsjava.conformance.Implementation;

/**
 * Jetty 12's WebSocket client and server as a stand-in for ours: checks the harness itself
 * ({@code -P autobahn-standins}).
 */
public final class StandinImplementation implements Implementation {

    @Override
    public String name() {
        return "stand-in (Jetty 12 WebSocket client and server)";
    }

    /** Echoes every message of one connection. */
    public static class Echo implements Session.Listener.AutoDemanding {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final AtomicReference<String> firstText = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            firstText.compareAndSet(null, text);
            session.sendText(text, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer data, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }

        @Override
        public void onWebSocketError(Throwable t) {
            error.compareAndSet(null, t);
            closed.complete(1006);
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            closed.complete(code);
        }
    }

    @Override
    public EchoServer startEchoServer(boolean deflate, int maxMessageSize) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(maxMessageSize);
            container.setMaxBinaryMessageSize(maxMessageSize);
            container.addMapping("/*", (request, response, callback) -> {
                if (!deflate) {
                    response.setExtensions(List.of());
                }
                return new Echo();
            });
        }));
        server.start();
        return new EchoServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }

    @Override
    public EchoClient newEchoClient(boolean deflate, int maxMessageSize) throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.setMaxTextMessageSize(maxMessageSize);
        client.setMaxBinaryMessageSize(maxMessageSize);
        client.start();
        return new EchoClient() {
            @Override
            public Outcome run(URI uri, Duration timeout) throws InterruptedException {
                Echo echo = new Echo();
                ClientUpgradeRequest request = new ClientUpgradeRequest();
                if (deflate) {
                    request.addExtensions("permessage-deflate");
                }
                try {
                    client.connect(echo, uri, request).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    int code = echo.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    return new Outcome(echo.firstText.get(), code, echo.error.get(), false);
                } catch (TimeoutException e) {
                    Session s = echo.session;
                    if (s != null) {
                        s.disconnect();
                    }
                    return new Outcome(echo.firstText.get(), -1, e, true);
                } catch (Exception e) {
                    return new Outcome(echo.firstText.get(), 1006, e, false);
                }
            }

            @Override
            public void close() throws Exception {
                client.stop();
            }
        };
    }
}
