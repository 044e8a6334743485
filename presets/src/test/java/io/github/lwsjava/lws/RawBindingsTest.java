package io.github.lwsjava.lws;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.testkit.TestCertificates;

/**
 * Proves that the generated bindings (io.github.lwsjava.lws.global.libwebsockets and the struct classes) drive the
 * real libwebsockets 4.3.5, without the lwsj engine: version, a ws echo exchange over loopback, and TLS with
 * certificate verification on.
 */
@Timeout(60)
class RawBindingsTest {

    /** lws log lines (any thread); printed when a test fails to help diagnosis. */
    static final List<String> LOG = Collections.synchronizedList(new ArrayList<>());

    /** Kept for the JVM's life: lws keeps the pointer globally. */
    static final lws_log_emit_t LOGGER = new lws_log_emit_t() {
        @Override
        public void call(int level, BytePointer line) {
            try {
                LOG.add(level + " " + (line == null || line.isNull() ? "" : line.getString().strip()));
            } catch (Throwable ignored) {
                // never let anything unwind into lws
            }
        }
    };

    @TempDir
    static Path pki;
    static TestCertificates.PemFiles pem;

    static final byte[] TEXT = "hello from Java over raw lws 4.3.5 \u00e9\u20ac".getBytes(StandardCharsets.UTF_8);
    static final byte[] BINARY = new byte[70_000]; // several rx_buffer_size pieces, all 256 byte values
    static {
        Random r = new Random(42);
        r.nextBytes(BINARY);
        for (int i = 0; i < 256; i++) {
            BINARY[i] = (byte) i;
        }
    }

    @BeforeAll
    static void setUp() {
        lws_set_log_level(LLL_ERR | LLL_WARN, LOGGER);
        pem = TestCertificates.shared().writeTo(pki);
    }

    @AfterEach
    void clearLog() {
        LOG.clear();
    }

    private static RawExchange.Result exchange(RawExchange.Tls tls) throws InterruptedException {
        RawExchange ex = new RawExchange(tls, new byte[][] {TEXT, BINARY}, new boolean[] {false, true}, 15_000);
        return ex.run();
    }

    private static String diag(RawExchange.Result r) {
        return r + "\nlws log: " + String.join("\n  ", new ArrayList<>(LOG));
    }

    private static void assertEchoed(RawExchange.Result r) {
        String d = diag(r);
        assertTrue(r.listenPort > 0 && r.listenPort < 65536, d);
        assertNull(r.connectionError, d);
        assertFalse(r.timedOut, d);
        assertTrue(r.clientEstablished && r.serverEstablished, d);
        assertEquals(2, r.serverReceived.size(), d);
        assertArrayEquals(TEXT, r.serverReceived.get(0), d);
        assertArrayEquals(BINARY, r.serverReceived.get(1), d);
        assertEquals(2, r.clientReceived.size(), d);
        assertArrayEquals(TEXT, r.clientReceived.get(0), d);
        assertFalse(r.clientReceivedBinary.get(0), d);
        assertArrayEquals(BINARY, r.clientReceived.get(1), d);
        assertTrue(r.clientReceivedBinary.get(1), d);
        assertTrue(r.clientClosed, d);
        assertTrue(r.serverClosed, d);
    }

    /** The client must fail with CLIENT_CONNECTION_ERROR whose text names the certificate and the X509 error. */
    private static void assertCertificateRejected(RawExchange.Result r, int x509Error) {
        String d = diag(r);
        assertFalse(r.timedOut, d);
        assertNotNull(r.connectionError, d);
        assertFalse(r.clientEstablished, d);
        assertTrue(r.clientReceived.isEmpty(), d);
        String e = r.connectionError.toLowerCase(Locale.ROOT);
        assertTrue(e.contains("cert"), "error text should mention the certificate: " + d);
        assertTrue(e.contains("x509_v_err = " + x509Error + ":"), "expected X509 error " + x509Error + ": " + d);
        System.out.println("rejected as expected: " + r.connectionError.strip());
    }

    @Test
    void libraryVersionIs435() {
        String v = lws_get_library_version().getString();
        assertTrue(v.startsWith("4.3.5"), v);
    }

    /**
     * A listen address that is valid but not this machine's (192.0.2.1, TEST-NET-1): lws_create_vhost fails; lws
     * 4.3.5 retried the bind forever at 100% CPU (native/patches/0035).
     */
    @Test
    void aForeignListenAddressFailsTheVhost() {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            lws_context_creation_info ci = new lws_context_creation_info();
            ci.zero();
            ci.port((int) CONTEXT_PORT_NO_LISTEN);
            ci.options(LWS_SERVER_OPTION_EXPLICIT_VHOSTS);
            lws_context context = lws_create_context(ci);
            assertNotNull(context);
            try {
                lws_context_creation_info si = new lws_context_creation_info();
                si.zero();
                BytePointer name = new BytePointer("foreign"), iface = new BytePointer("192.0.2.1");
                si.vhost_name(name);
                si.port(0);
                si.iface(iface);
                lws_vhost vh = lws_create_vhost(context, si);
                assertTrue(vh == null || vh.isNull(), "a vhost listening on 192.0.2.1");
            } finally {
                lws_context_destroy(context);
            }
        });
    }

    @Test
    void plainWebSocketEchoOfTextAndBinary() throws Exception {
        assertEchoed(exchange(null));
    }

    @Test
    void plainExchangeRepeats() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEchoed(exchange(null));
        }
    }

    @Test
    void tlsEchoWhenClientTrustsTestCaFile() throws Exception {
        assertEchoed(exchange(new RawExchange.Tls(pem.serverCert(), pem.serverKey(), pem.caCert(), null)));
    }

    @Test
    void tlsEchoWhenClientTrustsTestCaFromMemory() throws Exception {
        byte[] ca = TestCertificates.shared().caPem().getBytes(StandardCharsets.US_ASCII);
        assertEchoed(exchange(new RawExchange.Tls(pem.serverCert(), pem.serverKey(), null, ca)));
    }

    @Test
    void tlsFailsWithoutTheCa() throws Exception {
        RawExchange.Result r = exchange(new RawExchange.Tls(pem.serverCert(), pem.serverKey(), null, null));
        assertCertificateRejected(r, 20); // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        assertFalse(r.serverEstablished, diag(r));
    }

    @Test
    void tlsFailsForExpiredCertificate() throws Exception {
        RawExchange.Result r = exchange(new RawExchange.Tls(pem.expiredCert(), pem.expiredKey(), pem.caCert(), null));
        assertCertificateRejected(r, 10); // X509_V_ERR_CERT_HAS_EXPIRED
    }

    @Test
    void tlsFailsForWrongHostName() throws Exception {
        RawExchange.Result r = exchange(new RawExchange.Tls(pem.wrongHostCert(), pem.wrongHostKey(), pem.caCert(), null));
        assertCertificateRejected(r, 62); // X509_V_ERR_HOSTNAME_MISMATCH
    }
}
