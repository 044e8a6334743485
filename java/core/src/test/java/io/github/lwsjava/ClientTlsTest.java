package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.testkit.TestCertificates;
import io.github.lwsjava.tls.TlsOptions;

/** wss:// from our client: verification on by default, the explicit insecure options, mutual TLS. */
@Timeout(60)
class ClientTlsTest {

    static TestCertificates pki = TestCertificates.shared();
    static TestCertificates.PemFiles files;
    static WebSocketServer trusted;
    static WebSocketServer wrongHost;
    static WebSocketServer expired;

    @BeforeAll
    static void start(@TempDir Path dir) {
        files = pki.writeTo(dir);
        trusted = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.server(files.serverChain(), files.serverKey())).build();
        wrongHost = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.wrongHostCertPem(), pki.wrongHostKeyPem())).build();
        expired = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.expiredCertPem(), pki.expiredKeyPem())).build();
    }

    @AfterAll
    static void stop() {
        trusted.close();
        wrongHost.close();
        expired.close();
    }

    static String url(WebSocketServer server) {
        return "wss://127.0.0.1:" + server.port() + "/tls";
    }

    static void echoes(WebSocketClient client, String url) throws Exception {
        Recorder r = new Recorder();
        WebSocket ws = client.connect(url, r).get(10, TimeUnit.SECONDS);
        ws.sendText("secret");
        assertEquals("secret", r.next("text").text());
        ws.close();
    }

    static WebSocketException refused(WebSocketClient client, String url) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect(url, new Recorder()).get(30, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketException.class, e.getCause());
    }

    @Test
    void trustedCaFromFileVerifies() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().tls(TlsOptions.defaults().trust(files.caCert())).build()) {
            echoes(client, url(trusted));
        }
    }

    @Test
    void trustedCaFromPemVerifies() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().tls(TlsOptions.defaults().trustPem(pki.caPem())).build()) {
            echoes(client, url(trusted));
        }
    }

    @Test
    void unknownCaIsRefusedWithATlsError() {
        try (WebSocketClient client = WebSocketClient.create()) {
            WebSocketException e = refused(client, url(trusted));
            assertEquals(WebSocketException.Kind.TLS, e.kind(), e.getMessage());
        }
    }

    @Test
    void wrongHostNameIsRefusedUnlessTheCheckIsSkipped() throws Exception {
        TlsOptions trust = TlsOptions.defaults().trustPem(pki.caPem());
        try (WebSocketClient client = WebSocketClient.builder().tls(trust).build()) {
            assertEquals(WebSocketException.Kind.TLS, refused(client, url(wrongHost)).kind());
        }
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsOptions.defaults().trustPem(pki.caPem()).skipHostnameCheck()).build()) {
            echoes(client, url(wrongHost));
        }
    }

    @Test
    void expiredCertificateIsRefusedUnlessAllowed() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().tls(TlsOptions.defaults().trustPem(pki.caPem())).build()) {
            assertEquals(WebSocketException.Kind.TLS, refused(client, url(expired)).kind());
        }
        try (WebSocketClient client = WebSocketClient.builder()
                .tls(TlsOptions.defaults().trustPem(pki.caPem()).allowExpired()).build()) {
            echoes(client, url(expired));
        }
    }

    @Test
    void mutualTlsPresentsTheClientCertificate() throws Exception {
        try (WebSocketServer mutual = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.server(files.serverChain(), files.serverKey()).trust(files.caCert())
                        .requireClientCertificate()).build()) {
            TlsOptions withCert = TlsOptions.defaults().trust(files.caCert())
                    .certificate(files.clientCert(), files.clientKey());
            try (WebSocketClient client = WebSocketClient.builder().tls(withCert).build()) {
                echoes(client, url(mutual));
            }
            try (WebSocketClient client = WebSocketClient.builder().tls(TlsOptions.defaults().trust(files.caCert())).build()) {
                refused(client, url(mutual));
            }
        }
    }

    /**
     * A server that refuses the client's certificate (none here) fails the connect at once (it used to surface only
     * at the 10 s handshake time-out), as a TLS error with OpenSSL's reason when the client reads the server's alert
     * (native/patches/0028). The server closes lingering (native/patches/0034): before, its reset overtook its alert
     * in about one run of three, and the client could only say that the connection closed before it was established.
     */
    @Test
    void aRefusedClientCertificateFailsAtOnceWithKindTls() throws Exception {
        try (WebSocketServer mutual = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.server(files.serverChain(), files.serverKey()).trust(files.caCert())
                        .requireClientCertificate()).build();
             WebSocketClient client = WebSocketClient.builder().tls(TlsOptions.defaults().trust(files.caCert())).build()) {
            long start = System.nanoTime();
            WebSocketException e = refused(client, url(mutual));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("refused client certificate: " + e.kind() + " after " + ms + " ms: " + e.getMessage());
            assertTrue(ms < 3000, "took " + ms + " ms");
            // the server's alert, not a reset: native/patches/0034 closes a failed TLS accept lingering
            assertEquals(WebSocketException.Kind.TLS, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("certificate required"), e.getMessage());
        }
    }
}
