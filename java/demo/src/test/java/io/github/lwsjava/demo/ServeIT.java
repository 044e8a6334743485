package io.github.lwsjava.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --config DIR} in a fresh JVM: the example configuration (java/demo/example-config) served on a
 * free port with the jar's "echo" and "mirror" plugins, --check, and a bad configuration refused at start.
 */
@Timeout(120)
class ServeIT {

    private static final Duration RUN = Duration.ofSeconds(60);

    /** The example configuration directory of the module. */
    static Path example() {
        return Path.of(System.getProperty("demo.exampleConfig", "example-config"));
    }

    /** A copy of the example configuration whose vhost listens on a port the system picks. */
    static Path exampleOnAFreePort(Path tmp) throws Exception {
        Path copy = tmp.resolve("config");
        try (Stream<Path> files = Files.walk(example())) {
            for (Path f : files.toList()) {
                Path to = copy.resolve(example().relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!f.getFileName().toString().equals("access.log")) {
                    Files.copy(f, to);
                }
            }
        }
        Path vhost = copy.resolve("conf.d/localhost");
        String text = Files.readString(vhost);
        assertTrue(text.contains("\"port\": \"7681\""), text);
        Files.writeString(vhost, text.replace("\"port\": \"7681\"", "\"port\": \"0\""));
        return copy;
    }

    /** A JDK WebSocket that queues what it hears. */
    record Peer(WebSocket ws, LinkedBlockingQueue<String> heard) {
        static Peer connect(String url, String protocol) throws Exception {
            LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(protocol)
                    .buildAsync(URI.create(url), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            heard.add(data.toString());
                            w.request(1);
                            return CompletableFuture.completedFuture(null);
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertEquals(protocol, ws.getSubprotocol());
            return new Peer(ws, heard);
        }

        String next() throws InterruptedException {
            String s = heard.poll(10, TimeUnit.SECONDS);
            assertNotNull(s, "no message within 10 s");
            return s;
        }
    }

    @Test
    void servesTheExampleConfigurationWithTheJarsPlugins(@TempDir Path tmp) throws Exception {
        Path config = exampleOnAFreePort(tmp);
        try (DemoProcess server = DemoProcess.start("serve", "--config", config.toString(), "--stop-after", "90")) {
            String base = server.awaitOutput("vhost localhost: listening on 127\\.0\\.0\\.1:\\d+, (http://127\\.0\\.0\\.1:\\d+)/"
                    + " and ws://", RUN);
            assertTrue(server.out().contains("[conf.d/localhost]"), server.toString());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>lws-java configured server</title>"), page.body());
            assertEquals("must-revalidate, private, max-age=60", page.headers().firstValue("cache-control").orElse(null));
            assertEquals("DENY", page.headers().firstValue("x-frame-options").orElse(null));
            assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(null));

            HttpResponse<String> echo = http.send(HttpRequest.newBuilder(URI.create(base + "/http-echo/x?y=1"))
                    .POST(HttpRequest.BodyPublishers.ofString("body")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("POST /http-echo/x?y=1\nbody", echo.body());
            assertEquals("DENY", echo.headers().firstValue("x-frame-options").orElse(null));
            HttpResponse<String> moved = http.send(HttpRequest.newBuilder(URI.create(base + "/lws"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(301, moved.statusCode());
            assertEquals("https://libwebsockets.org/", moved.headers().firstValue("location").orElse(null));

            String ws = base.replace("http://", "ws://") + "/";
            Peer echoPeer = Peer.connect(ws, "echo");
            echoPeer.ws().sendText("hello", true);
            assertEquals("hello", echoPeer.next());
            Peer one = Peer.connect(ws, "mirror");
            Peer two = Peer.connect(ws, "mirror");
            two.ws().sendText("to everyone", true);
            assertEquals("to everyone", one.next());
            assertEquals("to everyone", two.next());
            for (Peer p : List.of(echoPeer, one, two)) {
                p.ws().sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            }

            int status = server.stop(RUN); // SIGTERM: the shutdown hook closes the server
            assertTrue(server.out().contains("server stopped"), "status " + status + ": " + server);
            List<String> log = Files.readAllLines(config.resolve("access.log"));
            assertTrue(log.stream().anyMatch(l -> l.matches("127\\.0\\.0\\.1 - - \\[.*\\] \"GET / HTTP/1\\.1\" 200 .*")),
                    String.join("\n", log));
            assertTrue(log.stream().anyMatch(l -> l.contains("\"POST /http-echo/x HTTP/1.1\" 200")), String.join("\n", log));
        }
    }

    @Test
    void checkReadsTheConfigurationWithoutListening() throws Exception {
        try (DemoProcess p = DemoProcess.start("serve", "--config", example().toString(), "--check")) {
            assertEquals(0, p.waitFor(RUN), p.toString());
            assertTrue(p.out().contains("vhost localhost: 127.0.0.1:7681  [conf.d/localhost]"), p.toString());
            assertTrue(p.out().contains("configuration OK"), p.toString());
        }
    }

    @Test
    void aBadConfigurationIsRefusedAtStartWithItsFileKeyAndReason(@TempDir Path tmp) throws Exception {
        Path config = exampleOnAFreePort(tmp);
        Files.writeString(config.resolve("conf.d/other"), """
                {"vhosts": [{"name": "other", "port": 0, "interface": "127.0.0.1",
                  "ws-protocols": [{"chat": {}}]}]}
                """);
        try (DemoProcess p = DemoProcess.start("serve", "--config", config.toString())) {
            assertEquals(1, p.waitFor(RUN), p.toString());
            assertEquals(1, p.err().strip().lines().count(), "one line: " + p);
            assertTrue(p.err().contains("lws-java-demo: serve: configuration refused: " + config.resolve("conf.d/other")
                    + ": vhosts[0].ws-protocols[0].chat: no plugin named \"chat\" (found: echo, mirror;"), p.toString());
        }
    }
}
