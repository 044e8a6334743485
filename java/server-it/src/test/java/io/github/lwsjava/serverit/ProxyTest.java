package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.Proxy;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.testkit.ForeignProcess;
import io.github.lwsjava.testkit.Ports;
import io.github.lwsjava.testkit.TestCertificates;
import io.github.lwsjava.tls.TlsOptions;

/**
 * Our client through real proxies on loopback to our server: tinyproxy (HTTP CONNECT, Basic auth) and microsocks
 * (SOCKS5, user/password), ws and wss, per client and per connection; the proxy's log shows each tunnel. Skipped
 * where the proxy is not installed (scripts/test.sh installs both).
 */
@Timeout(120)
class ProxyTest {

    static final String USER = "alice";
    static final String PASSWORD = "s3cret-pw";
    static final WebSocket.Listener ECHO = new WebSocket.Listener() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText("echo:" + text);
        }
    };

    @TempDir
    static Path dir;
    static TestCertificates.PemFiles certs;
    static WebSocketServer ws;
    static WebSocketServer wss;
    static WebSocketServer other; // reached directly while a proxy is configured
    static final List<LoopbackProxy> proxies = new ArrayList<>();

    @BeforeAll
    static void servers() {
        certs = TestCertificates.shared().writeTo(dir);
        ws = WebSocketServer.builder().handler(ECHO).build();
        wss = WebSocketServer.builder().tls(TlsOptions.server(certs.serverChain(), certs.serverKey()))
                .handler(ECHO).build();
        other = WebSocketServer.builder().handler(ECHO).build();
    }

    @AfterAll
    static void stop() {
        proxies.forEach(LoopbackProxy::close);
        for (WebSocketServer s : new WebSocketServer[] {ws, wss, other}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** A proxy process on a free loopback port, its log in the temp directory; killed after the class. */
    static final class LoopbackProxy implements AutoCloseable {
        final Proxy.Type type;
        final int port;
        final Path log;
        final Process process;

        LoopbackProxy(Proxy.Type type, boolean auth) throws IOException, InterruptedException {
            String binary = type == Proxy.Type.HTTP ? "tinyproxy" : "microsocks";
            Assumptions.assumeTrue(Processes.onPath(binary),
                    binary + " is not installed (Debian package " + binary + "; scripts/test.sh installs it): skipped");
            this.type = type;
            this.port = Ports.freeLoopbackPort();
            this.log = Files.createTempFile(dir, binary + "-", ".log");
            List<String> command = new ArrayList<>();
            if (type == Proxy.Type.HTTP) {
                Path conf = Files.createTempFile(dir, "tinyproxy-", ".conf");
                Files.writeString(conf, "Port " + port + "\nListen 127.0.0.1\nTimeout 30\nLogLevel Connect\n"
                        + "LogFile \"" + log + "\"\nMaxClients 50\nAllow 127.0.0.1\n"
                        + (auth ? "BasicAuth " + USER + " " + PASSWORD + "\n" : ""));
                command.addAll(List.of(binary, "-d", "-c", conf.toString()));
            } else {
                command.addAll(List.of(binary, "-i", "127.0.0.1", "-p", Integer.toString(port)));
                if (auth) {
                    command.addAll(List.of("-u", USER, "-P", PASSWORD));
                }
            }
            ProcessBuilder pb = ForeignProcess.withoutSanitizer(new ProcessBuilder(command)).redirectErrorStream(true);
            pb.redirectOutput(type == Proxy.Type.HTTP ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
            proxies.add(this);
            awaitListening();
        }

        private void awaitListening() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("proxy exited with " + process.exitValue() + ": " + log());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(Ports.LOOPBACK, port), 200);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            close();
            fail("proxy did not listen on port " + port + " within 10 s: " + log());
        }

        Proxy proxy() {
            return type == Proxy.Type.HTTP ? Proxy.http(Ports.LOOPBACK, port) : Proxy.socks5(Ports.LOOPBACK, port);
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        /** Whether the proxy logged a tunnel to this port of 127.0.0.1 (tinyproxy: CONNECT, microsocks: connected). */
        boolean tunnelled(int serverPort) throws IOException, InterruptedException {
            String target = "127.0.0.1:" + serverPort;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the log is written as it happens
            while (System.nanoTime() < deadline) {
                if (log().contains(target)) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String url(boolean secure) {
        return (secure ? "wss" : "ws") + "://127.0.0.1:" + (secure ? wss : ws).port() + "/";
    }

    static WebSocketClient.Builder client(boolean secure) {
        WebSocketClient.Builder b = WebSocketClient.builder().connectTimeout(Duration.ofSeconds(15));
        return secure ? b.tls(TlsOptions.defaults().trust(certs.caCert())) : b;
    }

    /** Opens, exchanges a message, closes: the whole WebSocket works through the tunnel. */
    static void assertEchoes(WebSocketClient.ConnectionBuilder connection) throws Exception {
        WebSocket socket = connection.connect(null).get(20, TimeUnit.SECONDS);
        socket.sendText("through");
        Message m = socket.receive(Duration.ofSeconds(10));
        assertNotNull(m, "no echo within 10 s");
        assertEquals("echo:through", m.text());
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    static WebSocketException refusal(WebSocketClient.ConnectionBuilder connection) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> connection.connect(null).get(30, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketException.class, e.getCause(), String.valueOf(e.getCause()));
    }

    @ParameterizedTest(name = "{0} {1} credentials={2}")
    @CsvSource({"HTTP, ws, false", "HTTP, ws, true", "HTTP, wss, false", "HTTP, wss, true",
            "SOCKS5, ws, false", "SOCKS5, ws, true", "SOCKS5, wss, false", "SOCKS5, wss, true"})
    void perClientProxy(Proxy.Type type, String scheme, boolean credentials) throws Exception {
        boolean secure = scheme.equals("wss");
        LoopbackProxy lp = new LoopbackProxy(type, credentials);
        Proxy proxy = credentials ? lp.proxy().withCredentials(USER, PASSWORD) : lp.proxy();
        try (WebSocketClient client = client(secure).proxy(proxy).build()) {
            assertEchoes(client.newConnection(url(secure)));
            assertTrue(lp.tunnelled((secure ? wss : ws).port()), "the proxy did not carry it: " + lp.log());
            // Proxy.NONE for one connection: straight to the other server, which the proxy never sees
            assertEchoes(client.newConnection("ws://127.0.0.1:" + other.port() + "/").proxy(Proxy.NONE));
            assertFalse(lp.log().contains("127.0.0.1:" + other.port()), lp.log());
        }
    }

    @Test
    void perConnectionProxiesBesideDirectConnections() throws Exception {
        LoopbackProxy http = new LoopbackProxy(Proxy.Type.HTTP, true);
        LoopbackProxy socks = new LoopbackProxy(Proxy.Type.SOCKS5, false);
        try (WebSocketClient client = client(true).build()) {
            for (boolean secure : new boolean[] {false, true}) {
                assertEchoes(client.newConnection(url(secure)).proxy(http.proxy().withCredentials(USER, PASSWORD)));
                assertEchoes(client.newConnection(url(secure)).proxy(socks.proxy()));
                assertEchoes(client.newConnection(url(secure))); // the client's default: direct
            }
            assertTrue(http.tunnelled(ws.port()) && http.tunnelled(wss.port()), http.log());
            assertTrue(socks.tunnelled(ws.port()) && socks.tunnelled(wss.port()), socks.log());
            assertEchoes(client.newConnection("ws://127.0.0.1:" + other.port() + "/"));
            assertFalse(http.log().contains("127.0.0.1:" + other.port()), http.log());
            assertFalse(socks.log().contains("127.0.0.1:" + other.port()), socks.log());
        }
    }

    @Test
    void httpProxyRefusesWrongAndMissingCredentials() throws Exception {
        LoopbackProxy lp = new LoopbackProxy(Proxy.Type.HTTP, true);
        try (WebSocketClient client = client(false).build()) {
            for (Proxy p : List.of(lp.proxy().withCredentials(USER, "wrong"), lp.proxy())) {
                WebSocketException e = refusal(client.newConnection(url(false)).proxy(p));
                assertEquals(WebSocketException.Kind.PROXY, e.kind(), e.getMessage());
                // tinyproxy answers 401 where RFC 9110 has 407
                assertTrue(e.getMessage().contains("HTTP proxy 127.0.0.1:" + lp.port)
                        && e.getMessage().matches(".*HTTP 40[17] .*credentials.*"), e.getMessage());
            }
            // the right ones still work on the same client
            assertEchoes(client.newConnection(url(false)).proxy(lp.proxy().withCredentials(USER, PASSWORD)));
        }
    }

    @Test
    void socksProxyRefusesWrongAndMissingCredentials() throws Exception {
        LoopbackProxy lp = new LoopbackProxy(Proxy.Type.SOCKS5, true);
        try (WebSocketClient client = client(true).build()) {
            for (Proxy p : List.of(lp.proxy().withCredentials(USER, "wrong"), lp.proxy())) {
                WebSocketException e = refusal(client.newConnection(url(true)).proxy(p));
                assertEquals(WebSocketException.Kind.PROXY, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("SOCKS5 proxy 127.0.0.1:" + lp.port)
                        && e.getMessage().endsWith("socks proxy refused the user name and password"), e.getMessage());
            }
            assertEchoes(client.newConnection(url(true)).proxy(lp.proxy().withCredentials(USER, PASSWORD)));
        }
    }

    /**
     * lws reads http_proxy and socks_proxy from the environment for a vhost made without a proxy: ours never does.
     * A child JVM with both pointing at a closed port still connects directly.
     */
    @Test
    void proxyEnvironmentVariablesAreIgnored() throws Exception {
        String closed = "127.0.0.1:" + Ports.freeLoopbackPort();
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the sanitizer's preload, if any, stays: the child loads the same native library
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DirectProbe.class.getName(), url(false)).redirectErrorStream(true);
        pb.environment().put("http_proxy", closed);
        pb.environment().put("socks_proxy", closed);
        Path out = Files.createTempFile(dir, "probe-", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish in 60 s");
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("echo:direct"), output);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The child of {@link #proxyEnvironmentVariablesAreIgnored}: one exchange with a client that has no proxy. */
    public static final class DirectProbe {
        public static void main(String[] args) throws Exception {
            try (WebSocketClient client = WebSocketClient.builder().connectTimeout(Duration.ofSeconds(10)).build()) {
                WebSocket socket = client.connect(args[0]).get(20, TimeUnit.SECONDS);
                socket.sendText("direct");
                System.out.println(socket.receive(Duration.ofSeconds(10)).text());
            }
        }
    }

    @Test
    void unreachableProxiesAndServersFailNamingTheProxy() throws Exception {
        int closed = Ports.freeLoopbackPort();
        try (WebSocketClient client = client(false).build()) {
            for (Proxy p : List.of(Proxy.http(Ports.LOOPBACK, closed), Proxy.socks5(Ports.LOOPBACK, closed))) {
                WebSocketException e = refusal(client.newConnection(url(false)).proxy(p));
                assertEquals(WebSocketException.Kind.PROXY, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            }
            // the proxy is up, the server behind it is not: the proxy says so (HTTP 502 / a SOCKS5 failure reply)
            for (LoopbackProxy lp : List.of(new LoopbackProxy(Proxy.Type.HTTP, false),
                    new LoopbackProxy(Proxy.Type.SOCKS5, false))) {
                WebSocketException e = refusal(client.newConnection("ws://127.0.0.1:" + closed + "/").proxy(lp.proxy()));
                assertEquals(WebSocketException.Kind.PROXY, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains(lp.proxy().toString()), e.getMessage());
                // tinyproxy: 500; microsocks passes on the connect's errno as RFC 1928's "connection refused"
                assertTrue(e.getMessage().contains(lp.type == Proxy.Type.HTTP ? "HTTP 500"
                        : "socks connect refused: connection refused"), e.getMessage());
            }
        }
    }
}
