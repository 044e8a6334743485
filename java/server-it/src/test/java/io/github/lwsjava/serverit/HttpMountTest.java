package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.WebSocketServer;

/** One port serving static files, callback mounts (GET and POST) and WebSockets. */
@Timeout(60)
class HttpMountTest {

    @TempDir
    static Path root;
    static WebSocketServer server;
    static HttpClient http;
    static byte[] image;

    @BeforeAll
    static void start() throws Exception {
        Path site = Files.createDirectories(root.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<html><body>home page</body></html>");
        Files.writeString(site.resolve("app.js"), "console.log('hi');");
        Files.writeString(site.resolve("data.weird"), "weird data");
        image = new byte[200_000];
        new Random(7).nextBytes(image);
        Files.write(site.resolve("pic.png"), image);
        Path docs = Files.createDirectories(root.resolve("docs"));
        Files.writeString(docs.resolve("start.txt"), "docs start");

        server = WebSocketServer.builder()
                .handler(new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText("ws:" + text + ":" + ws.path());
                    }
                })
                .staticFiles("/", site, "index.html", Duration.ofHours(1))
                .staticFiles("/docs", docs, "start.txt", Duration.ZERO)
                .mimeType(".weird", "application/x-weird")
                .http("/api", request -> {
                    if (request.method().equals("POST")) {
                        return HttpHandler.Response.json(201, "{\"got\":\"" + request.bodyText() + "\",\"len\":"
                                + request.body().length + "}");
                    }
                    return HttpHandler.Response.text(200, "GET " + request.path() + " q=" + request.query()
                            + " agent=" + request.header("user-agent"));
                })
                .http("/api/teapot", request -> HttpHandler.Response.text(418, "short and stout"))
                .http("/items", request -> HttpHandler.Response.text(request.method().equals("PUT") ? 201 : 200,
                                request.method() + " " + request.path() + " " + request.bodyText())
                        .withHeader("Location", request.path()).withHeader("Cache-Control", "no-store")
                        .withHeader("X-Method", request.method()))
                .http("/boom", request -> {
                    throw new IllegalStateException("handler failure");
                })
                .build();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("User-Agent", "mount-test").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Every method reaches a callback mount by name, with its body where it has one; the response's headers go out. */
    @Test
    void everyMethodByNameAndResponseHeaders() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        record Call(String method, String body, int status, String text) {
        }
        for (Call c : List.of(new Call("PUT", "new item", 201, "PUT /items/7 new item"),
                new Call("PATCH", "a change", 200, "PATCH /items/7 a change"),
                new Call("DELETE", null, 200, "DELETE /items/7 "),
                new Call("OPTIONS", null, 200, "OPTIONS /items/7 "),
                new Call("GET", null, 200, "GET /items/7 "))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/items/7"))
                    .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(c.body()))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(c.status(), r.statusCode(), c.method());
            assertEquals(c.text(), r.body(), c.method());
            assertEquals("/items/7", r.headers().firstValue("location").orElse(null), c.method());
            assertEquals("no-store", r.headers().firstValue("cache-control").orElse(null), c.method());
            assertEquals(c.method(), r.headers().firstValue("x-method").orElse(null));
        }
        assertThrows(IllegalArgumentException.class, () -> HttpHandler.Response.text(200, "x")
                .withHeader("Bad Name", "v"));
        assertThrows(IllegalArgumentException.class, () -> HttpHandler.Response.text(200, "x")
                .withHeader("X-Split", "a\r\nSet-Cookie: b"));
        assertThrows(IllegalArgumentException.class, () -> HttpHandler.Response.text(99, "x"));
    }

    @Test
    void staticFilesWithDefaultDocumentMimeTypesAndCacheHeaders() throws Exception {
        HttpResponse<byte[]> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("<html><body>home page</body></html>", text(index));
        assertTrue(index.headers().firstValue("content-type").orElse("").startsWith("text/html"),
                index.headers().toString());
        String cache = index.headers().firstValue("cache-control").orElse("");
        assertTrue(cache.contains("max-age=3600"), "cache-control: " + cache);

        HttpResponse<byte[]> js = get("/app.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("content-type").orElse("").contains("javascript"), js.headers().toString());

        HttpResponse<byte[]> png = get("/pic.png");
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("content-type").orElse(""));
        assertArrayEquals(image, png.body());

        HttpResponse<byte[]> weird = get("/data.weird");
        assertEquals(200, weird.statusCode());
        assertEquals("application/x-weird", weird.headers().firstValue("content-type").orElse(""));
        assertEquals("weird data", text(weird));

        HttpResponse<byte[]> docs = get("/docs/");
        assertEquals(200, docs.statusCode());
        assertEquals("docs start", text(docs));
        String docsCache = docs.headers().firstValue("cache-control").orElse("");
        assertFalse(docsCache.contains("max-age=3600"), "cache-control of /docs: " + docsCache);

        assertEquals(404, get("/missing.html").statusCode());
    }

    @Test
    void callbackMountsAnswerGetAndPost() throws Exception {
        HttpResponse<byte[]> r = get("/api/items?id=7&x=y");
        assertEquals(200, r.statusCode());
        assertEquals("GET /api/items q=id=7&x=y agent=mount-test", text(r));
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));

        String body = "x".repeat(100_000);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/items"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, post.statusCode());
        assertEquals("application/json", post.headers().firstValue("content-type").orElse(""));
        assertEquals("{\"got\":\"" + body + "\",\"len\":100000}", post.body());

        // the longest mountpoint wins; a handler that throws answers 500
        assertEquals(418, get("/api/teapot").statusCode());
        assertEquals(500, get("/boom").statusCode());
        // several requests on one kept-alive connection
        for (int i = 0; i < 20; i++) {
            assertEquals("GET /api/n" + i + " q= agent=mount-test", text(get("/api/n" + i)));
        }
    }

    @Test
    void thePageAndItsWebSocketShareThePort() throws Exception {
        JdkPeer peer = JdkPeer.connect("ws://127.0.0.1:" + server.port() + "/live?room=1");
        peer.send("hello");
        assertEquals("ws:hello:/live?room=1", peer.nextText());
        assertEquals(200, get("/").statusCode());
        peer.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void curlGetsThePageAndPostsToTheApi() throws Exception {
        Assumptions.assumeTrue(Processes.onPath("curl"), "curl is not installed: skipping the curl check");
        String base = "http://127.0.0.1:" + server.port();
        Processes.Result page = Processes.run(Duration.ofSeconds(20), null, "curl", "-sS", "-i", base + "/");
        assertEquals(0, page.exit(), page.output());
        assertTrue(page.output().contains("home page"), page.output());
        assertTrue(page.output().toLowerCase().contains("content-type: text/html"), page.output());
        Processes.Result post = Processes.run(Duration.ofSeconds(20), null, "curl", "-sS", "--data-binary", "from curl",
                base + "/api/x");
        assertEquals(0, post.exit(), post.output());
        assertEquals("{\"got\":\"from curl\",\"len\":9}", post.output().trim());
        Processes.Result status = Processes.run(Duration.ofSeconds(20), null, "curl", "-s", "-o", "/dev/null",
                "-w", "%{http_code}", base + "/api/teapot");
        assertEquals(List.of("418"), status.output().lines().toList());
    }
}
