package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.testkit.TestCertificates;
import io.github.lwsjava.tls.TlsOptions;

/** wss:// from certificate files and from PEM in memory, mutual TLS, and a TLS vhost beside a plain one. */
@Timeout(60)
class TlsTest {

    static final TestCertificates CERTS = TestCertificates.shared();
    static TestCertificates.PemFiles files;
    static SSLContext trustingClient;

    static final WebSocket.Listener ECHO = new WebSocket.Listener() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText("echo:" + text);
        }
    };

    @BeforeAll
    static void certificates(@TempDir Path dir) {
        files = CERTS.writeTo(dir);
        trustingClient = CERTS.sslContext(null, true);
    }

    private static void assertEchoes(String url, SSLContext tls) throws Exception {
        JdkPeer peer = JdkPeer.connect(url, tls, Map.of());
        peer.send("secret");
        assertEquals("echo:secret", peer.nextText());
        peer.ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        assertEquals(1000, peer.awaitClose());
    }

    @Test
    void tlsFromCertificateFiles() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .tls(TlsOptions.server(files.serverChain(), files.serverKey()))
                .handler(ECHO).build()) {
            assertEchoes("wss://localhost:" + server.port() + "/", trustingClient);
            // a client that does not trust the test CA refuses the server
            Throwable e = JdkPeer.handshakeFailure("wss://localhost:" + server.port() + "/",
                    SSLContext.getDefault(), Map.of());
            assertInstanceOf(SSLHandshakeException.class, e, String.valueOf(e));
            // plain ws:// to a TLS port does not get a WebSocket
            assertThrows(ExecutionException.class, () -> JdkPeer.connect("ws://127.0.0.1:" + server.port() + "/"));
        }
    }

    @Test
    void tlsFromPemInMemory() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .tls(TlsOptions.serverPem(CERTS.server().chainPem(), CERTS.serverKeyPem()))
                .handler(ECHO).build()) {
            assertEchoes("wss://127.0.0.1:" + server.port() + "/", trustingClient);
            // the certificate the server presents is the test server certificate
            try (SSLSocket s = (SSLSocket) trustingClient.getSocketFactory().createSocket("127.0.0.1", server.port())) {
                s.startHandshake();
                assertEquals(CERTS.server().certificate(), s.getSession().getPeerCertificates()[0]);
            }
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificate() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .tls(TlsOptions.server(files.serverChain(), files.serverKey())
                        .trustPem(CERTS.caPem()).requireClientCertificate())
                .handler(ECHO).build()) {
            String url = "wss://localhost:" + server.port() + "/";
            assertEchoes(url, CERTS.sslContext(CERTS.client(), true));
            Throwable e = JdkPeer.handshakeFailure(url, trustingClient, Map.of());
            assertNotNull(e);
            assertTrue(e instanceof java.io.IOException, "expected a TLS failure, got " + e);
            // a certificate that the trusted CA did not issue for a client: a server certificate of another CA
            TestCertificates other = new TestCertificates();
            Throwable stranger = JdkPeer.handshakeFailure(url, mixed(other), Map.of());
            assertTrue(stranger instanceof java.io.IOException, "expected a TLS failure, got " + stranger);
        }
    }

    /** Presents a client certificate issued by another CA, while trusting our server. */
    private static SSLContext mixed(TestCertificates other) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        char[] pw = "changeit".toCharArray();
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(other.client().keyStore(pw), pw);
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(CERTS.trustStore());
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void aTlsVhostAndAPlainVhostSideBySide() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .handler(ECHO)
                .vhost("secure", "127.0.0.1", 0, TlsOptions.serverPem(CERTS.server().chainPem(), CERTS.serverKeyPem()))
                .http("/whoami", request -> HttpHandler.Response.text(200, "hello"))
                .build()) {
            assertEquals(2, server.ports().size());
            int plain = server.ports().get(0);
            int secure = server.ports().get(1);
            assertNotEquals(plain, secure);
            assertEchoes("ws://127.0.0.1:" + plain + "/", null);
            assertEchoes("wss://localhost:" + secure + "/", trustingClient);
            HttpClient http = HttpClient.newBuilder().sslContext(trustingClient).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + secure + "/whoami"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("hello", r.body());
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/whoami"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello", r.body());
            // the plain vhost does not speak TLS
            assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + plain + "/whoami")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }
}
