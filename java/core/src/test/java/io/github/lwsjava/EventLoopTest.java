package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * Both event loops under lws ({@link EventLoop}), on each side: libuv lent to lws as a foreign loop that the engine
 * runs one turn at a time, and lws's own poll().
 */
@Timeout(60)
class EventLoopTest {

    /** Whether this platform's native library has libuv (Linux builds); elsewhere LIBUV must be refused. */
    static boolean libuvBuilt() {
        try (WebSocketClient c = WebSocketClient.builder().eventLoop(EventLoop.LIBUV).build()) {
            return true;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UnsupportedOperationException && t.getMessage().contains("without libuv")) {
                    return false;
                }
            }
            throw e;
        }
    }

    @Test
    void libuvIsInEveryLinuxBuildAndRefusedClearlyElsewhere() {
        boolean linux = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux");
        assertEquals(linux, libuvBuilt());
    }

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(EventLoop.LIBUV, EventLoop.LIBUV), Arguments.of(EventLoop.LIBUV, EventLoop.POLL),
                Arguments.of(EventLoop.POLL, EventLoop.LIBUV), Arguments.of(EventLoop.POLL, EventLoop.POLL));
    }

    /** Echoes, 200 connections at once, large (fragmented) messages, then a server shut down with them open. */
    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("pairs")
    void echoesOnEveryPairOfLoops(EventLoop serverLoop, EventLoop clientLoop) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                serverLoop == EventLoop.POLL && clientLoop == EventLoop.POLL || libuvBuilt(), "no libuv in this build");
        WebSocketServer server = WebSocketServer.builder().eventLoop(serverLoop).handler(EchoTest.ECHO).build();
        try (WebSocketClient client = WebSocketClient.builder().eventLoop(clientLoop).build()) {
            String url = "ws://127.0.0.1:" + server.port() + "/";
            int n = 200;
            CountDownLatch echoed = new CountDownLatch(n);
            CountDownLatch closed = new CountDownLatch(n);
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(client.connect(url, new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        echoed.countDown();
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        closed.countDown();
                    }
                }));
            }
            for (CompletableFuture<WebSocket> f : opening) {
                f.get(20, TimeUnit.SECONDS).sendText("x".repeat(32));
            }
            assertTrue(echoed.await(20, TimeUnit.SECONDS), echoed.getCount() + " of " + n + " echoes missing");

            Recorder r = new Recorder();
            WebSocket ws = client.connect(url, r).get(10, TimeUnit.SECONDS);
            byte[] big = new byte[300_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            ws.sendBinary(ByteBuffer.wrap(big));
            ByteBuffer back = r.next("binary").data();
            assertEquals(ByteBuffer.wrap(big), back);

            server.close(); // the context goes with connections open: each client hears a close
            assertTrue(closed.await(20, TimeUnit.SECONDS), closed.getCount() + " of " + n + " never heard a close");
            assertEquals(WebSocket.GOING_AWAY, r.closed.get(10, TimeUnit.SECONDS));
        } finally {
            server.close();
        }
    }

    /** lws's timers run as libuv timers: the server's idle time-out closes a quiet connection. */
    @Test
    void timersFireOnLibuv() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(libuvBuilt(), "no libuv in this build");
        try (WebSocketServer server = WebSocketServer.builder().eventLoop(EventLoop.LIBUV)
                .idleTimeout(Duration.ofSeconds(1)).handler(EchoTest.ECHO).build();
             WebSocketClient client = WebSocketClient.builder().eventLoop(EventLoop.LIBUV).build()) {
            Recorder r = new Recorder();
            client.connect("ws://127.0.0.1:" + server.port() + "/", r).get(10, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            assertEquals(WebSocket.GOING_AWAY, r.closed.get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(500), "closed before it was idle");
        }
    }

    /** On Linux, LIBUV waits in epoll (one epoll instance per service thread) and POLL does not. */
    @Test
    void libuvWaitsInEpollOnLinux() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")) && libuvBuilt(),
                "Linux only");
        int before = epollInstances();
        try (WebSocketClient poll = WebSocketClient.builder().eventLoop(EventLoop.POLL).build()) {
            poll.connect("ws://127.0.0.1:1/").exceptionally(t -> null).get(10, TimeUnit.SECONDS);
            assertEquals(before, epollInstances(), "POLL opened an epoll instance");
            try (WebSocketClient uv = WebSocketClient.builder().eventLoop(EventLoop.LIBUV).build()) {
                uv.connect("ws://127.0.0.1:1/").exceptionally(t -> null).get(10, TimeUnit.SECONDS);
                assertEquals(before + 1, epollInstances(), "LIBUV's service thread has no epoll instance");
            }
        }
    }

    private static int epollInstances() throws IOException {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("anon_inode:[eventpoll]")) {
                        n++;
                    }
                } catch (IOException gone) {
                    // the descriptor of the listing itself, closed by now
                }
            }
        }
        return n;
    }
}
