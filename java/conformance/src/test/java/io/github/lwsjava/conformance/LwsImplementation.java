package io.github.lwsjava.conformance;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** Ours: the lws-java client and server. */
public final class LwsImplementation implements Implementation {

    @Override
    public String name() {
        return "lws-java (libwebsockets " + WebSocketClient.libraryVersion() + ")";
    }

    /** The echo of the server: every message goes back as it came. */
    static final class ServerEcho implements WebSocket.Listener {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    }

    @Override
    public EchoServer startEchoServer(boolean deflate, int maxMessageSize) {
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .deflate(deflate)
                .maxMessageSize(maxMessageSize)
                .handler(new ServerEcho())
                .build();
        return new EchoServer() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** The echo of the client, for one connection: remembers the first text, the close code, the first error. */
    static final class ClientEcho implements WebSocket.Listener {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final AtomicReference<String> firstText = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void onText(WebSocket ws, String text) {
            firstText.compareAndSet(null, text);
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
        }

        @Override
        public void onError(WebSocket ws, Throwable t) {
            error.compareAndSet(null, t);
        }
    }

    @Override
    public EchoClient newEchoClient(boolean deflate, int maxMessageSize) {
        WebSocketClient client = WebSocketClient.builder()
                .maxMessageSize(maxMessageSize)
                .deflate(deflate)
                .build();
        return new EchoClient() {
            @Override
            public Outcome run(URI uri, Duration timeout) throws InterruptedException {
                ClientEcho echo = new ClientEcho();
                CompletableFuture<WebSocket> connecting = client.connect(uri.toString(), echo);
                try {
                    int code = echo.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    return new Outcome(echo.firstText.get(), code, echo.error.get(), false);
                } catch (TimeoutException e) {
                    WebSocket ws = connecting.getNow(null);
                    if (ws != null) {
                        ws.close();
                    }
                    return new Outcome(echo.firstText.get(), -1, e, true);
                } catch (ExecutionException e) {
                    return new Outcome(echo.firstText.get(), 1006, e.getCause(), false);
                }
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
