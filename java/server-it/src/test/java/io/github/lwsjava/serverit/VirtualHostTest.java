package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.StaticFiles;
import io.github.lwsjava.server.WebSocketServer;

/**
 * Two vhosts of one server, each with its own subprotocols, routes, default handler, mounts and headers (lws's
 * per-vhost protocol lists and mounts), beside a default vhost: what one serves, the other does not.
 */
@Timeout(60)
class VirtualHostTest {

    @TempDir
    static Path root;
    static WebSocketServer server;
    static HttpClient http;
    static int mainPort;
    static int bluePort;
    static int greenPort;

    /** Echoes with a prefix that says which handler answered. */
    static WebSocket.Listener echo(String prefix) {
        return new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(prefix + ":" + text);
            }
        };
    }

    @BeforeAll
    static void start() throws Exception {
        Path blue = Files.createDirectories(root.resolve("blue"));
        Files.writeString(blue.resolve("home.html"), "<p>blue home</p>");
        Files.writeString(blue.resolve("data.weird"), "weird");
        Files.writeString(blue.resolve("notes.xyz"), "anything");
        Path green = Files.createDirectories(root.resolve("green"));
        Files.writeString(green.resolve("index.html"), "<p>green index</p>");
        Files.writeString(green.resolve("data.weird"), "weird");
        server = WebSocketServer.builder()
                .handler(echo("main-default"))
                .protocol("chat", echo("main-chat"))
                .http("/api", r -> HttpHandler.Response.text(200, "main api"))
                .vhost("blue", "127.0.0.1", 0, null, v -> v
                        .protocol("chat", echo("blue-chat"))
                        .protocol("news", echo("blue-news"))
                        .route("/feed", echo("blue-feed"))
                        .staticFiles("/", StaticFiles.of(blue).defaultDocument("home.html")
                                .cache(Duration.ofSeconds(600), false, true)
                                .mimeType(".weird", "application/x-weird").mimeType("*", ""))
                        .http("/api", r -> HttpHandler.Response.text(200, "blue api " + r.path())
                                .withHeader("X-Handler", "blue"))
                        .redirect("/old", "https://example.com/new-place")
                        .header("X-Frame-Options", "DENY")
                        .header("Content-Security-Policy", "default-src 'self'"))
                .vhost("green", "127.0.0.1", 0, null, v -> v
                        .handler(echo("green-default"))
                        .staticFiles("/site", StaticFiles.of(green).cache(Duration.ofSeconds(60), true, false))
                        .http("/api", r -> HttpHandler.Response.text(200, "green api"))
                        .header("Strict-Transport-Security", "max-age=15768000 ; includeSubDomains"))
                .build();
        List<Integer> ports = server.ports();
        assertEquals(3, ports.size());
        mainPort = ports.get(0);
        bluePort = ports.get(1);
        greenPort = ports.get(2);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String echoed(int port, String path, String text, String... subprotocols) throws Exception {
        JdkPeer peer = JdkPeer.connect("ws://127.0.0.1:" + port + path, null, Map.of(), subprotocols);
        try {
            peer.send(text);
            return peer.nextText();
        } finally {
            peer.ws.abort();
        }
    }

    @Test
    void eachVhostHasItsOwnProtocolsRoutesAndDefaultHandler() throws Exception {
        assertEquals("main-chat:a", echoed(mainPort, "/", "a", "chat"));
        assertEquals("blue-chat:b", echoed(bluePort, "/", "b", "chat"));
        assertEquals("main-default:c", echoed(mainPort, "/feed", "c"));
        assertEquals("blue-feed:d", echoed(bluePort, "/feed", "d"));
        assertEquals("blue-news:e", echoed(bluePort, "/anything", "e", "news"));
        assertEquals("green-default:f", echoed(greenPort, "/feed", "f"));
        // what one vhost serves, another does not: news is blue's alone, green has no subprotocols
        assertNotNull(JdkPeer.handshakeFailure("ws://127.0.0.1:" + mainPort + "/", null,
                Map.of("Sec-WebSocket-Protocol", "news")));
        assertNotNull(JdkPeer.handshakeFailure("ws://127.0.0.1:" + greenPort + "/", null,
                Map.of("Sec-WebSocket-Protocol", "chat")));
        try (RawHttp raw = new RawHttp(bluePort)) { // blue has routes but no default handler
            assertEquals(404, raw.upgrade("/elsewhere").status());
        }
    }

    @Test
    void broadcastReachesTheNamedProtocolOnEveryVhost() throws Exception {
        JdkPeer main = JdkPeer.connect("ws://127.0.0.1:" + mainPort + "/", null, Map.of(), "chat");
        JdkPeer blue = JdkPeer.connect("ws://127.0.0.1:" + bluePort + "/", null, Map.of(), "chat");
        JdkPeer news = JdkPeer.connect("ws://127.0.0.1:" + bluePort + "/", null, Map.of(), "news");
        try {
            server.broadcast("chat", "to chat");
            assertEquals("to chat", main.nextText());
            assertEquals("to chat", blue.nextText());
            server.broadcast("news", "to news");
            assertEquals("to news", news.nextText());
            assertThrows(IllegalArgumentException.class, () -> server.broadcast("nothing", "x"));
        } finally {
            main.ws.abort();
            blue.ws.abort();
            news.ws.abort();
        }
    }

    @Test
    void eachVhostHasItsOwnMountsCachingMimeTypesAndHeaders() throws Exception {
        HttpResponse<String> home = get(bluePort, "/");
        assertEquals(200, home.statusCode());
        assertEquals("<p>blue home</p>", home.body());
        assertEquals("public, max-age=600", home.headers().firstValue("cache-control").orElse(null));
        assertEquals("DENY", home.headers().firstValue("x-frame-options").orElse(null));
        assertEquals("default-src 'self'", home.headers().firstValue("content-security-policy").orElse(null));
        HttpResponse<String> weird = get(bluePort, "/data.weird");
        assertEquals("application/x-weird", weird.headers().firstValue("content-type").orElse(null));
        assertEquals("anything", get(bluePort, "/notes.xyz").body()); // "*": any file
        assertEquals(415, get(greenPort, "/site/data.weird").statusCode()); // green knows no .weird

        HttpResponse<String> green = get(greenPort, "/site/");
        assertEquals("<p>green index</p>", green.body());
        assertEquals("must-revalidate, private, max-age=60", green.headers().firstValue("cache-control").orElse(null));
        assertEquals("max-age=15768000 ; includeSubDomains",
                green.headers().firstValue("strict-transport-security").orElse(null));
        assertTrue(green.headers().firstValue("x-frame-options").isEmpty(), "blue's header on green");

        HttpResponse<String> api = get(bluePort, "/api/x");
        assertEquals("blue api /api/x", api.body());
        assertEquals("DENY", api.headers().firstValue("x-frame-options").orElse(null), "vhost header on Java's answer");
        assertEquals("blue", api.headers().firstValue("x-handler").orElse(null));
        assertEquals("green api", get(greenPort, "/api").body());
        assertEquals("main api", get(mainPort, "/api").body());
        assertEquals(404, get(mainPort, "/site/").statusCode());
        assertEquals(404, get(greenPort, "/").statusCode());
    }

    @Test
    void aRedirectMountAnswers301ToItsLocation() throws Exception {
        for (String path : List.of("/old", "/old/deeper/page.html")) {
            HttpResponse<String> r = get(bluePort, path);
            assertEquals(301, r.statusCode(), path);
            assertEquals("https://example.com/new-place", r.headers().firstValue("location").orElse(null), path);
            assertEquals("DENY", r.headers().firstValue("x-frame-options").orElse(null), path);
        }
    }

    /** Vhosts on one port: lws listens once and picks each request's vhost by its Host header, as lwsws does. */
    @Test
    void vhostsOnOnePortArePickedByTheHostHeader() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (WebSocketServer shared = WebSocketServer.builder()
                .vhost("alpha.test", "127.0.0.1", port, null, v -> v
                        .http("/", r -> HttpHandler.Response.text(200, "alpha")).route("/ws", echo("alpha")))
                .vhost("beta.test", "127.0.0.1", port, null, v -> v
                        .http("/", r -> HttpHandler.Response.text(200, "beta")).route("/ws", echo("beta")))
                .serviceThreads(2)
                .build()) {
            assertEquals(List.of(port, port), shared.ports());
            for (int i = 0; i < 4; i++) { // the kernel spreads the connections over both service threads
                try (RawHttp raw = new RawHttp(port)) {
                    assertEquals("200 beta", raw.get("/", "beta.test:" + port));
                    assertEquals("200 alpha", raw.get("/x", "alpha.test"));
                }
                try (RawHttp raw = new RawHttp(port)) {
                    assertEquals("200 alpha", raw.get("/", "127.0.0.1:" + port)); // no such name: the first
                }
            }
            assertEquals("alpha:x", echoed(port, "/ws", "x"));
        }
        IllegalStateException clash = assertThrows(IllegalStateException.class, () -> WebSocketServer.builder()
                .vhost("same", "127.0.0.1", port, null, v -> v.handler(echo("a")))
                .vhost("same", "127.0.0.1", port, null, v -> v.handler(echo("b"))).build());
        assertTrue(clash.getMessage().contains("need names of their own"), clash.getMessage());
    }

    /** lws writes the access log itself: a line per request, in the combined log format, whoever answered. */
    @Test
    void theAccessLogHasALinePerRequest(@TempDir Path tmp) throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<p>logged</p>");
        Path log = tmp.resolve("logs/access.log");
        Files.createDirectories(log.getParent());
        try (WebSocketServer logged = WebSocketServer.builder()
                .vhost("logged", "127.0.0.1", 0, null, v -> v
                        .staticFiles("/", site)
                        .http("/api", r -> HttpHandler.Response.text(201, "made"))
                        .redirect("/old", "http://127.0.0.1/new")
                        .route("/ws", echo("logged"))
                        .accessLog(log))
                .build()) {
            int port = logged.port();
            assertTrue(Files.exists(log), "lws creates the log when the vhost starts");
            HttpRequest.Builder get = HttpRequest.newBuilder().header("User-Agent", "log-test \"quoted\"")
                    .header("Referer", "http://referrer.test/page").timeout(Duration.ofSeconds(10));
            assertEquals(200, http.send(get.uri(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(201, get(port, "/api/thing?x=1").statusCode());
            assertEquals(301, get(port, "/old").statusCode());
            assertEquals(404, get(port, "/missing.html").statusCode());
            // a quote in the path (lws decodes %22) would end the request's field early: escaped (patch 0038)
            assertEquals(404, get(port, "/x%22%20200%20forged").statusCode());
            assertEquals("logged:hi", echoed(port, "/ws", "hi"));
            List<String> lines = List.of();
            for (int i = 0; i < 100 && lines.size() < 5; i++) {
                Thread.sleep(50);
                lines = Files.readAllLines(log);
            }
            // lws 4.3.5's own format: the bytes it sent, headers included; the path without the query; an upgrade
            // with its protocol's name, written when the connection closes; a redirect mount's 301 is not logged
            String when = "\\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\]";
            List<String> expected = List.of(
                    "127\\.0\\.0\\.1 - - " + when + " \"GET / HTTP/1\\.1\" 200 \\d+ \"http://referrer\\.test/page\""
                            + " \"log-test \\\\x22quoted\\\\x22\"",
                    "127\\.0\\.0\\.1 - - " + when + " \"GET /api/thing HTTP/1\\.1\" 201 \\d+ \"\" \"Java-http-client/.*\"",
                    "127\\.0\\.0\\.1 - - " + when + " \"GET /missing\\.html HTTP/1\\.1\" 404 \\d+ \"\" \".*\"",
                    "127\\.0\\.0\\.1 - - " + when + " \"GET /x\\\\x22 200 forged HTTP/1\\.1\" 404 \\d+ \"\" \".*\"",
                    "127\\.0\\.0\\.1 - - " + when + " \"GET /ws \\(lws-java-default\\) HTTP/1\\.[01]\" 101 \\d+ \"\" \".*\"");
            Thread.sleep(200); // nothing more comes
            lines = Files.readAllLines(log);
            assertEquals(expected.size(), lines.size(), String.join("\n", lines));
            for (int i = 0; i < expected.size(); i++) {
                assertTrue(lines.get(i).matches(expected.get(i)), lines.get(i) + "\n  does not match\n" + expected.get(i));
            }
        }
    }

    @Test
    void badSetupsAreRefusedWithTheirReason() {
        WebSocketServer.Builder b = WebSocketServer.builder();
        IllegalStateException empty = assertThrows(IllegalStateException.class,
                () -> b.vhost("bare", "127.0.0.1", 0, null, v -> { }).build());
        assertTrue(empty.getMessage().contains("vhost bare serves nothing"), empty.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .vhost("v", "127.0.0.1", 0, null, v -> v.http("/a", r -> null).redirect("/a", "http://x/")));
        assertTrue(twice.getMessage().contains("/a is mounted twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .vhost("v", "127.0.0.1", 0, null, v -> v.redirect("/a", "ftp://x/")));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .vhost("v", "127.0.0.1", 0, null, v -> v.header("X-Bad", "a\r\nb: c")));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .vhost("v", "127.0.0.1", 0, null, v -> v.header("X-Big", "x".repeat(1100))));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .vhost("v", "127.0.0.1", 70000, null, v -> v.handler(echo("x"))));
    }
}
