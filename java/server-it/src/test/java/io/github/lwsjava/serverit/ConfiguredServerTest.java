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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.config.ServerConfig;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.testkit.TestCertificates;
import io.github.lwsjava.tls.TlsOptions;

/**
 * A server started from an lwsws-style configuration directory: two vhosts on two ports (one plain, one TLS),
 * each with its own protocols (ServiceLoader-found plugins), route, mounts and headers, and an access log;
 * talked to by the JDK's HTTP and WebSocket clients, lws-java's client and headless Chromium.
 */
@Timeout(120)
class ConfiguredServerTest {

    static final TestCertificates CERTS = TestCertificates.shared();

    static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>configured</title></head>
            <body><div id="out">waiting</div><script src="app.js"></script></body></html>
            """;

    static final String SCRIPT = """
            const out = document.getElementById('out');
            const ws = new WebSocket('ws://' + location.host + '/', ['echo']);
            ws.onopen = () => ws.send('from the page');
            ws.onmessage = (e) => { out.textContent = 'received [' + e.data + '] protocol=' + ws.protocol; ws.close(); };
            ws.onerror = () => { out.textContent = 'websocket error'; };
            """;

    @TempDir
    static Path root;
    static WebSocketServer server;
    static ServerConfig config;
    static int alpha;
    static int beta;
    static HttpClient http;
    static HttpClient https;
    static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(root.resolve("lwsws"));
        Path alphaSite = Files.createDirectories(dir.resolve("www/alpha"));
        Files.writeString(alphaSite.resolve("home.html"), PAGE);
        Files.writeString(alphaSite.resolve("app.js"), SCRIPT);
        Files.write(alphaSite.resolve("module.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Path betaSite = Files.createDirectories(dir.resolve("www/beta"));
        Files.writeString(betaSite.resolve("index.html"), "<p>beta</p>");
        TestCertificates.PemFiles pem = CERTS.writeTo(Files.createDirectories(dir.resolve("tls")));
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("conf"), """
                # global settings, as lwsws's /etc/lwsws/conf
                {
                  "global": {
                    "count-threads": "1",
                    "init-ssl": "yes"
                  }
                }
                """);
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/alpha"), """
                {
                  "vhosts": [{
                    "name": "alpha",
                    "interface": "127.0.0.1",
                    "port": "0",                        # the system picks one
                    "sts": "1",
                    "access-log": "logs/alpha-access.log",
                    "headers": [{
                      "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws:",
                      "X-Content-Type-Options": "nosniff",
                      "X-Frame-Options": "SAMEORIGIN"
                    }],
                    "ws-protocols": [{
                      "echo": {"prefix": "alpha:", "default": "1"},
                      "chat": {"route": "/chat"}
                    }],
                    "mounts": [{
                      "mountpoint": "/",
                      "origin": "file://www/alpha",
                      "default": "home.html",
                      "cache-max-age": "3600",
                      "cache-reuse": "1",
                      "cache-revalidate": "0",
                      "cache-intermediaries": "1",
                      "extra-mimetypes": {".wasm": "application/wasm"}
                    }, {
                      "mountpoint": "/api",
                      "origin": "callback://echo",
                      "pmo": [{"greeting": "hello from alpha"}]
                    }, {
                      "mountpoint": "/old",
                      "origin": ">https://example.com/moved"
                    }]
                  }]
                }
                """);
        Files.writeString(dir.resolve("conf.d/beta"), """
                {"vhosts": [{
                  "name": "localhost",
                  "interface": "127.0.0.1",
                  "port": 0,
                  "host-ssl-cert": "%s",
                  "host-ssl-key": "%s",
                  "headers": [{"X-Frame-Options": "DENY"}],
                  "ws-protocols": [{"echo": {"prefix": "beta:"}}],
                  "mounts": [{"mountpoint": "/", "origin": "file://www/beta"}]
                }]}
                """.formatted(pem.serverChain(), dir.relativize(pem.serverKey())));
        config = ServerConfig.read(dir);
        server = config.builder().build();
        assertEquals(List.of("alpha", "localhost"), config.vhosts().stream().map(ServerConfig.Vhost::name).toList());
        alpha = server.ports().get(0);
        beta = server.ports().get(1);
        accessLog = dir.resolve("logs/alpha-access.log");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(CERTS.sslContext(null, true))
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    static void assertSecurityHeaders(HttpResponse<?> r) {
        assertEquals("default-src 'self'; connect-src 'self' ws:", header(r, "content-security-policy"));
        assertEquals("nosniff", header(r, "x-content-type-options"));
        assertEquals("SAMEORIGIN", header(r, "x-frame-options"));
        assertEquals("max-age=15768000 ; includeSubDomains", header(r, "strict-transport-security"));
    }

    @Test
    void filesWithTheDefaultDocumentCacheHeadersExtraMimeTypeAndSecurityHeaders() throws Exception {
        HttpResponse<byte[]> home = get(http, "http://127.0.0.1:" + alpha + "/");
        assertEquals(200, home.statusCode());
        assertEquals(PAGE, new String(home.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("public, max-age=3600", header(home, "cache-control"));
        assertSecurityHeaders(home);
        HttpResponse<byte[]> wasm = get(http, "http://127.0.0.1:" + alpha + "/module.wasm");
        assertEquals("application/wasm", header(wasm, "content-type"));
        assertEquals(8, wasm.body().length);
        assertSecurityHeaders(wasm);
        HttpResponse<byte[]> missing = get(http, "http://127.0.0.1:" + alpha + "/missing.html");
        assertEquals(404, missing.statusCode());
        assertSecurityHeaders(missing);
    }

    @Test
    void aCallbackMountIsThePluginsHandlerWithItsOptionsAndTheVhostsHeaders() throws Exception {
        HttpResponse<byte[]> api = get(http, "http://127.0.0.1:" + alpha + "/api/items");
        assertEquals(200, api.statusCode());
        assertEquals("hello from alpha GET /api/items", new String(api.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertSecurityHeaders(api);
    }

    @Test
    void aRedirectMount() throws Exception {
        HttpResponse<byte[]> old = get(http, "http://127.0.0.1:" + alpha + "/old/page");
        assertEquals(301, old.statusCode());
        assertEquals("https://example.com/moved", header(old, "location"));
        assertSecurityHeaders(old);
    }

    @Test
    void theTlsVhostServesItsOwnFilesAndHeadersOnly() throws Exception {
        HttpResponse<byte[]> index = get(https, "https://localhost:" + beta + "/");
        assertEquals(200, index.statusCode());
        assertEquals("<p>beta</p>", new String(index.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("DENY", header(index, "x-frame-options"));
        assertNull(header(index, "content-security-policy"));
        assertNull(header(index, "strict-transport-security"));
        assertEquals("no-store", header(index, "cache-control"));
        assertEquals(404, get(https, "https://localhost:" + beta + "/api/items").statusCode());
        assertEquals(404, get(https, "https://localhost:" + beta + "/home.html").statusCode());
    }

    @Test
    void webSocketClientsTalkToTheServiceLoaderFoundProtocols() throws Exception {
        // the JDK's client: the subprotocol, the default protocol (no subprotocol) and the route
        JdkPeer jdk = JdkPeer.connect("ws://127.0.0.1:" + alpha + "/", null, Map.of(), "echo");
        assertEquals("echo", jdk.ws.getSubprotocol());
        jdk.send("jdk");
        assertEquals("alpha:jdk", jdk.nextText());
        jdk.ws.abort();
        JdkPeer plain = JdkPeer.connect("ws://127.0.0.1:" + alpha + "/anywhere");
        plain.send("no subprotocol");
        assertEquals("alpha:no subprotocol", plain.nextText());
        plain.ws.abort();
        JdkPeer chat = JdkPeer.connect("ws://127.0.0.1:" + alpha + "/chat");
        chat.send("routed");
        assertEquals("chat:routed", chat.nextText());
        chat.ws.abort();
        assertNotNull(JdkPeer.handshakeFailure("ws://127.0.0.1:" + alpha + "/", null,
                Map.of("Sec-WebSocket-Protocol", "nothing")));

        // lws-java's client, over ws:// to alpha and wss:// to the TLS vhost, whose echo has its own prefix
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsOptions.defaults().trustPem(CERTS.caPem())).build()) {
            WebSocket ws = client.newConnection("ws://127.0.0.1:" + alpha + "/").subprotocols("echo")
                    .connect(null).get(10, java.util.concurrent.TimeUnit.SECONDS);
            ws.sendText("ours");
            Message m = ws.receive(Duration.ofSeconds(10));
            assertEquals("alpha:ours", m.asText());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
            WebSocket secure = client.newConnection("wss://localhost:" + beta + "/").subprotocols("echo")
                    .connect(null).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("echo", secure.subprotocol());
            secure.sendText("secure");
            assertEquals("beta:secure", secure.receive(Duration.ofSeconds(10)).asText());
            // beta has no default protocol and no routes: a connection without a subprotocol is refused
            assertThrows(java.util.concurrent.ExecutionException.class, () -> client.connect("wss://localhost:" + beta
                    + "/").get(10, java.util.concurrent.TimeUnit.SECONDS));
            secure.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    @Test
    void theAccessLogHasALineInTheCommonLogFormatPerRequest() throws Exception {
        String path = "/access-" + System.nanoTime() + ".html";
        assertEquals(404, get(http, "http://127.0.0.1:" + alpha + path).statusCode());
        assertEquals(200, get(http, "http://127.0.0.1:" + alpha + "/api/logged").statusCode());
        String when = "\\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\]";
        List<String> wanted = List.of(
                "127\\.0\\.0\\.1 - - " + when + " \"GET " + java.util.regex.Pattern.quote(path)
                        + " HTTP/1\\.1\" 404 \\d+ \"\" \"Java-http-client/[^\"]*\"",
                "127\\.0\\.0\\.1 - - " + when + " \"GET /api/logged HTTP/1\\.1\" 200 \\d+ \"\" \"Java-http-client/[^\"]*\"");
        List<String> lines = List.of();
        for (int i = 0; i < 100; i++) {
            List<String> now = Files.readAllLines(accessLog);
            lines = now;
            if (wanted.stream().allMatch(w -> now.stream().anyMatch(l -> l.matches(w)))) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the access log lacks lines matching " + wanted + ":\n" + String.join("\n", lines));
    }

    /**
     * "ws-pingpong-secs": lws pings quiet connections and keeps those whose peer answers (the idle time-out is off),
     * and hangs up on a peer that answers nothing.
     */
    @Test
    void wsPingPongSecsKeepsLivePeersAndHangsUpOnSilentOnes(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(tmp.resolve("conf"), "{\"global\": {\"ws-pingpong-secs\": \"1\"}}");
        Files.writeString(tmp.resolve("conf.d/quiet"), """
                {"vhosts": [{"name": "quiet", "interface": "127.0.0.1", "port": 0,
                  "ws-protocols": [{"echo": {"default": "1"}}]}]}
                """);
        WebSocketServer.Builder builder = ServerConfig.read(tmp).builder();
        assertEquals(Duration.ZERO, builder.settings().idleTimeout());
        try (WebSocketServer pinging = builder.build()) {
            JdkPeer peer = JdkPeer.connect("ws://127.0.0.1:" + pinging.port() + "/");
            Thread.sleep(4500); // more than twice the ping time, quiet but for lws's pings and the JDK's pongs
            assertTrue(peer.pings.size() >= 2, "pings: " + peer.pings.size());
            assertFalse(peer.closeCode.isDone(), "closed: " + peer.closeCode.getNow(0) + " " + peer.closeReason);
            peer.send("still there");
            assertEquals("still there", peer.nextText());
            peer.ws.abort();

            try (RawHttp silent = new RawHttp(pinging.port())) { // reads, never answers
                assertEquals(101, silent.upgrade("/").status());
                long start = System.nanoTime();
                boolean pinged = false;
                try {
                    while (true) {
                        byte[] frame = silent.readFrame();
                        pinged |= frame[0] == 0x9;
                        if (frame[0] == 0x8) {
                            break;
                        }
                    }
                } catch (java.io.IOException hungUp) {
                    // dropped without a close frame: a hang-up too
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(pinged, "never pinged");
                assertTrue(seconds >= 1.5 && seconds < 9, "hung up after " + seconds + " s (hang-up time 2 s)");
            }
        }
    }

    @Test
    void chromiumLoadsThePageAndEchoesOverTheConfiguredProtocol(@TempDir Path tmp) throws Exception {
        Path browser = ChromiumTest.chromium();
        Assumptions.assumeTrue(browser != null, "chromium is not installed (apt-get install chromium): skipping");
        String dom = ChromiumTest.pageResult(browser, tmp, "http://127.0.0.1:" + alpha + "/");
        assertEquals("received [alpha:from the page] protocol=echo", dom);
    }
}
