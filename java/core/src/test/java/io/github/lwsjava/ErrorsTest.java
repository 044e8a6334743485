package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/** Every failure says what it was, where, and why: HTTP status, host and port, errno text, OpenSSL in words. */
@Timeout(60)
class ErrorsTest {

    static final TestCertificates pki = TestCertificates.shared();
    static WebSocketClient client;

    @BeforeAll
    static void start() {
        client = WebSocketClient.create();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static WebSocketException failure(WebSocketClient c, String url) {
        Recorder r = new Recorder();
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.connect(url, r).get(20, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketException.class, e.getCause());
    }

    /** A raw peer that answers one upgrade request with response and closes. */
    static WebSocketException answeredWith(String response) throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = peer.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder request = new StringBuilder();
                    while (request.indexOf("\r\n\r\n") < 0) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        request.append((char) b);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception ignored) {
                    // the test sees what the client made of it
                }
            });
            t.start();
            WebSocketException w = failure(client, "ws://127.0.0.1:" + peer.getLocalPort() + "/raw");
            t.join(10_000);
            assertTrue(w.getMessage().contains("127.0.0.1:" + peer.getLocalPort()), w.getMessage());
            return w;
        }
    }

    @Test
    void aRefusedUpgradeCarriesItsStatusAndHeaders() throws Exception {
        WebSocketException w = answeredWith("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n"
                + "X-Reason: no token\r\nContent-Length: 0\r\n\r\n");
        assertEquals(WebSocketException.Kind.HANDSHAKE, w.kind(), w.getMessage());
        assertEquals(401, w.statusCode());
        assertEquals("Bearer", w.headers().get("www-authenticate"), w.headers().toString());
        assertEquals("no token", w.headers().get("x-reason"), w.headers().toString());
        assertTrue(w.getMessage().contains("HTTP 401"), w.getMessage());
    }

    @Test
    void everyAnswerButOneHundredOneIsAHandshakeFailure() throws Exception {
        for (String status : new String[] {"400 Bad Request", "404 Not Found", "200 OK", "302 Found\r\nLocation: /x",
                "503 Service Unavailable"}) {
            WebSocketException w = answeredWith("HTTP/1.1 " + status + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno");
            assertEquals(WebSocketException.Kind.HANDSHAKE, w.kind(), status + ": " + w.getMessage());
            assertEquals(Integer.parseInt(status.substring(0, 3)), w.statusCode(), w.getMessage());
        }
    }

    @Test
    void ourServersRefusalsCarryTheirStatus() {
        try (WebSocketServer server = WebSocketServer.builder().protocol("only.v1", EchoTest.ECHO)
                .upgradeFilter(r -> r.path().equals("/forbidden") ? 403 : 0).build()) {
            String base = "ws://127.0.0.1:" + server.port();
            WebSocketException noHandler = failure(client, base + "/"); // no default handler: 400
            assertEquals(WebSocketException.Kind.HANDSHAKE, noHandler.kind(), noHandler.getMessage());
            assertEquals(400, noHandler.statusCode(), noHandler.getMessage());
            Recorder r = new Recorder();
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.newConnection(base + "/forbidden")
                    .subprotocols("only.v1").connect(r).get(20, TimeUnit.SECONDS));
            WebSocketException forbidden = assertInstanceOf(WebSocketException.class, e.getCause());
            assertEquals(403, forbidden.statusCode(), forbidden.getMessage());
            assertEquals(WebSocketException.Kind.HANDSHAKE, forbidden.kind());
        }
    }

    @Test
    void httpSchemesAreRefusedNamingTheUrl() {
        for (String url : new String[] {"http://127.0.0.1:1/", "https://127.0.0.1:1/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.connect(url, new Recorder()));
            assertTrue(e.getMessage().contains(url) && e.getMessage().contains("ws"), e.getMessage());
        }
    }

    @Test
    void aRefusedConnectNamesHostAndPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebSocketException w = failure(client, "ws://127.0.0.1:" + port + "/");
        assertEquals(WebSocketException.Kind.CONNECT_FAILED, w.kind(), w.getMessage());
        assertTrue(w.getMessage().contains("127.0.0.1:" + port), w.getMessage());
        assertEquals(0, w.statusCode());
    }

    @Test
    void certificateVerificationFailuresAreInWords() {
        try (WebSocketServer selfSigned = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.ca().certPem(), pki.ca().keyPem())).build();
             WebSocketServer untrusted = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.serverCertPem(), pki.serverKeyPem())).build()) {
            WebSocketException w = failure(client, "wss://127.0.0.1:" + selfSigned.port() + "/");
            assertEquals(WebSocketException.Kind.TLS, w.kind(), w.getMessage());
            // lws reports it either with OpenSSL's words or as "X509_V_ERR = 18: error:...", which we put in words
            assertTrue(w.getMessage().contains("self-signed certificate"), w.getMessage());
            assertFalse(w.getMessage().contains("X509_V_ERR"), w.getMessage());
            assertTrue(w.getMessage().contains("127.0.0.1:" + selfSigned.port()), w.getMessage());
            assertFalse(w.getMessage().contains("error:0"), w.getMessage());
            w = failure(client, "wss://127.0.0.1:" + untrusted.port() + "/");
            assertEquals(WebSocketException.Kind.TLS, w.kind(), w.getMessage());
            assertTrue(w.getMessage().contains("unable to get local issuer certificate"), w.getMessage());
            assertFalse(w.getMessage().contains("X509_V_ERR") || w.getMessage().contains("error:0"), w.getMessage());
        }
    }

    @Test
    void bindFailuresSayWhy() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> WebSocketServer.builder()
                    .port(taken.getLocalPort()).handler(EchoTest.ECHO).build());
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort())
                    && e.getMessage().contains("Address already in use"), e.getMessage());
        }
        // TEST-NET-1 (RFC 5737) is no address of this machine: lws 4.3.5 alone would retry it forever
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WebSocketServer.builder()
                .host("192.0.2.1").handler(EchoTest.ECHO).build());
        assertTrue(e.getMessage().contains("192.0.2.1:0") && e.getMessage().contains("Cannot assign requested address"),
                e.getMessage());
    }

    /** The identity's RSA key as PKCS#1 PEM ("-----BEGIN RSA PRIVATE KEY-----"). */
    static String pkcs1(TestCertificates.Identity identity) throws java.io.IOException {
        byte[] der = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(identity.privateKey().getEncoded())
                .parsePrivateKey().toASN1Primitive().getEncoded();
        return "-----BEGIN RSA PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    @Test
    void tlsFilesAreCheckedAtBuild(@TempDir Path dir) throws Exception {
        TestCertificates.PemFiles files = pki.writeTo(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .handler(EchoTest.ECHO).tls(TlsOptions.server(files.serverCert(), files.caKey())).build());
        assertTrue(e.getMessage().contains(files.caKey().toString()) && e.getMessage().contains("does not match"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.serverCertPem(), pki.clientKeyPem())).build());
        assertTrue(e.getMessage().contains("key PEM does not match"), e.getMessage());

        Path notPem = Files.writeString(dir.resolve("ca.txt"), "not a certificate\n");
        e = assertThrows(IllegalArgumentException.class, () -> WebSocketClient.builder()
                .tls(TlsOptions.defaults().trust(notPem)).build());
        assertTrue(e.getMessage().contains(notPem.toString()) && e.getMessage().contains("not PEM"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WebSocketClient.builder()
                .tls(TlsOptions.defaults().trust(files.serverKey())).build());
        assertTrue(e.getMessage().contains(files.serverKey().toString()) && e.getMessage().contains("no certificate"),
                e.getMessage());
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        e = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.server(files.serverCert(), files.serverKey()).trust(broken)).build());
        assertTrue(e.getMessage().contains(broken.toString()) && e.getMessage().contains("does not parse"), e.getMessage());

        // and the right pair still works, PKCS#8 or PKCS#1 ("RSA PRIVATE KEY", which the check wraps itself)
        try (WebSocketServer ok = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.server(files.serverChain(), files.serverKey())).build()) {
            assertTrue(ok.port() > 0);
        }
        try (WebSocketServer ok = WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.serverCertPem(), pkcs1(pki.server()))).build()) {
            assertTrue(ok.port() > 0);
        }
        e = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().handler(EchoTest.ECHO)
                .tls(TlsOptions.serverPem(pki.serverCertPem(), pkcs1(pki.client()))).build());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
}
