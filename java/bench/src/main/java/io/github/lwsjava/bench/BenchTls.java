package io.github.lwsjava.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The benchmark's trust: the self-made certificate (PEM) that the wss echo server presents, or none for ws. */
final class BenchTls {
    final Path caPem;
    final SSLContext context;
    final X509TrustManager trustManager;

    private BenchTls(Path caPem, SSLContext context, X509TrustManager trustManager) {
        this.caPem = caPem;
        this.context = context;
        this.trustManager = trustManager;
    }

    static BenchTls none() {
        return new BenchTls(null, null, null);
    }

    boolean enabled() {
        return caPem != null;
    }

    static BenchTls trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return new BenchTls(caPem, ctx, tm);
    }
}
