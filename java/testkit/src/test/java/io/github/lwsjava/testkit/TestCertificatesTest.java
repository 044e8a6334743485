package io.github.lwsjava.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {

    @Test
    void certificatesChainToTheCaAndCarryTheRightNames() throws Exception {
        TestCertificates tc = TestCertificates.shared();
        for (TestCertificates.Identity id : List.of(tc.server(), tc.wrongHost(), tc.expired(), tc.client())) {
            id.certificate().verify(tc.ca().certificate().getPublicKey());
            assertEquals(tc.ca().certificate().getSubjectX500Principal(), id.certificate().getIssuerX500Principal());
        }
        tc.server().certificate().checkValidity();
        tc.client().certificate().checkValidity();
        assertThrows(CertificateExpiredException.class, () -> tc.expired().certificate().checkValidity(new Date()));
        String sans = tc.server().certificate().getSubjectAlternativeNames().toString();
        assertTrue(sans.contains("localhost") && sans.contains("127.0.0.1"), sans);
        assertTrue(tc.wrongHost().certificate().getSubjectAlternativeNames().toString().contains("wrong.example"));
        assertTrue(tc.serverKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(tc.caPem().startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void writesPemFiles(@TempDir Path dir) throws Exception {
        TestCertificates.PemFiles f = TestCertificates.shared().writeTo(dir);
        assertEquals(TestCertificates.shared().serverCertPem(), Files.readString(f.serverCert()));
        assertTrue(Files.size(f.serverKey()) > 1000);
        int port = Ports.freeLoopbackPort();
        assertTrue(port > 0 && port < 65536);
    }
}
