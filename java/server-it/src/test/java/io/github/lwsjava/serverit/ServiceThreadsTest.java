package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * A server on two service threads (two lws contexts on one port, SO_REUSEPORT): connections land on both, each
 * echoes on its own thread, and what is the server's stays the server's: connections(), stats(), broadcasts,
 * the connection limit.
 */
@Timeout(60)
class ServiceThreadsTest {

    static final int CONNECTIONS = 40;

    @Test
    void connectionsSpreadOverTheThreadsAndTheServerStaysOne() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        WebSocket.Listener echo = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket ws) {
                threads.add(Thread.currentThread().getName());
            }

            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().serviceThreads(2).handler(echo).build();
             WebSocketClient client = WebSocketClient.create()) {
            LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
            WebSocket.Listener collect = new WebSocket.Listener() {
                @Override
                public void onText(WebSocket ws, String text) {
                    heard.add(text);
                }
            };
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                sockets.add(client.connect("ws://127.0.0.1:" + server.port() + "/t", collect).get(10, TimeUnit.SECONDS));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                sockets.get(i).sendText("echo " + i);
            }
            Set<String> echoes = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < CONNECTIONS; i++) {
                echoes.add(heard.poll(10, TimeUnit.SECONDS));
            }
            assertEquals(CONNECTIONS, echoes.size(), "echoes " + echoes);
            assertEquals(Set.of("lws-java-server", "lws-java-server-2"), threads,
                    "the threads that accepted the " + CONNECTIONS + " connections");
            assertEquals(CONNECTIONS, server.connections().size());
            assertEquals(CONNECTIONS, server.stats().openConnections());

            server.broadcastAll("to all");
            for (int i = 0; i < CONNECTIONS; i++) {
                assertEquals("to all", heard.poll(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void theConnectionLimitIsTheServersNotEachThreads() throws Exception {
        int limit = 10;
        try (WebSocketServer server = WebSocketServer.builder().serviceThreads(2).maxConnections(limit)
                     .handler(new WebSocket.Listener() { }).build();
             WebSocketClient client = WebSocketClient.create()) {
            List<CompletableFuture<WebSocket>> attempts = new ArrayList<>();
            for (int i = 0; i < 2 * limit; i++) {
                attempts.add(client.connect("ws://127.0.0.1:" + server.port() + "/limit", new WebSocket.Listener() { }));
            }
            int opened = 0;
            int refused = 0;
            for (CompletableFuture<WebSocket> a : attempts) {
                try {
                    a.get(10, TimeUnit.SECONDS);
                    opened++;
                } catch (ExecutionException e) {
                    WebSocketException w = (WebSocketException) e.getCause();
                    assertEquals(503, w.statusCode(), w.getMessage());
                    refused++;
                }
            }
            assertEquals(limit, opened);
            assertEquals(limit, refused);
        }
    }

    @Test
    void serviceThreadsBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebSocketServer.builder().serviceThreads(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
