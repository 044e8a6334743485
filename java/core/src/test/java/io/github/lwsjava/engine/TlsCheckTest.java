package io.github.lwsjava.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.testkit.TestCertificates;
import io.github.lwsjava.tls.TlsOptions;

/** TLS files checked at build(), without the native library ({@code -Dgroups=unit}). */
@Tag("unit")
class TlsCheckTest {

    @TempDir
    Path dir;

    @Test
    void goodFilesPass() {
        TestCertificates.PemFiles f = TestCertificates.shared().writeTo(dir);
        TlsCheck.check(TlsOptions.server(f.serverChain(), f.serverKey()).trust(f.caCert()));
        TlsCheck.check(TlsOptions.defaults().trust(f.caCert()).certificate(f.clientCert(), f.clientKey()));
    }

    @Test
    void eachProblemNamesTheFileAndTheReason() throws Exception {
        TestCertificates.PemFiles f = TestCertificates.shared().writeTo(dir);
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        Path missing = dir.resolve("missing.pem");
        assertProblem(() -> TlsOptions.server(f.serverChain(), f.clientKey()), f.clientKey().toString(), "match");
        assertProblem(() -> TlsOptions.server(notPem, f.serverKey()), notPem.toString(), null);
        assertProblem(() -> TlsOptions.server(f.serverChain(), missing), missing.toString(), null);
        assertProblem(() -> TlsOptions.defaults().trust(notPem), notPem.toString(), null);
    }

    /** The options or their check (some are refused already when the options are made) fail naming the file. */
    private static void assertProblem(java.util.function.Supplier<TlsOptions> tls, String file, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsCheck.check(tls.get()));
        assertTrue(e.getMessage().contains(file), e.getMessage());
        if (reason != null) {
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
    }
}
