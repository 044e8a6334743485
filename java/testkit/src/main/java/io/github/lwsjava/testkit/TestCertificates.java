package io.github.lwsjava.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * An in-memory test PKI for TLS tests: a private test CA and certificates issued by it.
 *
 * <p>Everything is created when an instance is built (RSA 2048 keys, SHA-256 signatures, a few hundred
 * milliseconds); {@link #shared()} returns one instance per JVM so that test classes do not pay for it again.
 * The certificates are:
 * <ul>
 *   <li>{@linkplain #ca() the CA} ({@code CN=lws-java test CA}), self-signed, the only thing a client must trust;</li>
 *   <li>{@linkplain #server() a server certificate} valid for DNS {@code localhost}, IP {@code 127.0.0.1} and
 *       IP {@code ::1} (extended key usage serverAuth);</li>
 *   <li>{@linkplain #wrongHost() a server certificate for the wrong host name} {@value #WRONG_HOST} only;</li>
 *   <li>{@linkplain #expired() an expired server certificate} for the same names as the server certificate, whose
 *       validity ended a day ago;</li>
 *   <li>{@linkplain #client() a client certificate} for mutual TLS (extended key usage clientAuth).</li>
 * </ul>
 *
 * <p>Certificates are PEM ({@code -----BEGIN CERTIFICATE-----}); private keys are unencrypted PKCS#8 PEM
 * ({@code -----BEGIN PRIVATE KEY-----}), which OpenSSL 3 (and so libwebsockets) reads from a file or from memory.
 * {@link #writeTo(Path)} writes all of them as files. For Java peers, {@link Identity#keyStore(char[])},
 * {@link #trustStore()} and {@link #sslContext(Identity, boolean)} give the same material as JDK objects.
 */
public final class TestCertificates {

    /** The DNS name (and only name) of the {@linkplain #wrongHost() wrong-host certificate}. */
    public static final String WRONG_HOST = "wrong.example";

    private static final String SIGNATURE = "SHA256withRSA";
    private static volatile TestCertificates shared;

    private final SecureRandom random = new SecureRandom();
    private final Identity ca;
    private final Identity server;
    private final Identity wrongHost;
    private final Identity expired;
    private final Identity client;

    /**
     * A certificate with its private key, as JDK objects and as PEM text.
     *
     * @param certificate the X.509 certificate
     * @param privateKey  its private key
     * @param certPem     the certificate as PEM
     * @param keyPem      the private key as unencrypted PKCS#8 PEM
     * @param chainPem    the certificate followed by its issuer's certificate (for a CA: the certificate alone)
     */
    public record Identity(X509Certificate certificate, PrivateKey privateKey, String certPem, String keyPem,
                           String chainPem) {
        /** Checks that no component is null. */
        public Identity {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(certPem, "certPem");
            Objects.requireNonNull(keyPem, "keyPem");
            Objects.requireNonNull(chainPem, "chainPem");
        }

        /**
         * A PKCS#12 key store holding this identity (with its chain) under the alias {@code "key"}.
         *
         * @param password the password of the store and of the key entry
         * @return a new key store
         */
        public KeyStore keyStore(char[] password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                List<Certificate> chain = new ArrayList<>();
                chain.add(certificate);
                if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                    chain.add(shared().ca().certificate());
                }
                ks.setKeyEntry("key", privateKey, password, chain.toArray(new Certificate[0]));
                return ks;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build key store", e);
            }
        }
    }

    /**
     * The paths written by {@link #writeTo(Path)}.
     *
     * @param caCert          the CA certificate (what a client trusts)
     * @param caKey           the CA private key
     * @param serverCert      the server certificate (localhost, 127.0.0.1, ::1)
     * @param serverChain     the server certificate followed by the CA certificate
     * @param serverKey       the server private key
     * @param wrongHostCert   the certificate for {@value #WRONG_HOST}
     * @param wrongHostKey    its private key
     * @param expiredCert     the expired server certificate
     * @param expiredKey      its private key
     * @param clientCert      the client certificate (mutual TLS)
     * @param clientKey       the client private key
     */
    public record PemFiles(Path caCert, Path caKey, Path serverCert, Path serverChain, Path serverKey,
                           Path wrongHostCert, Path wrongHostKey, Path expiredCert, Path expiredKey,
                           Path clientCert, Path clientKey) {
    }

    /** Creates a new CA and new certificates; prefer {@link #shared()} unless fresh keys matter. */
    public TestCertificates() {
        try {
            Instant now = Instant.now();
            Instant from = now.minus(Duration.ofDays(1));
            Instant to = now.plus(Duration.ofDays(3650));

            KeyPair caKeys = rsa();
            X500Name caName = new X500Name("CN=lws-java test CA,O=lws-java tests");
            X509v3CertificateBuilder cab = builder(caName, caName, from, to, caKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            cab.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            cab.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(cab, caKeys.getPrivate());
            ca = identity(caCert, caKeys.getPrivate(), null);

            GeneralNames localNames = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, new DEROctetString(InetAddress.getByName("127.0.0.1").getAddress())),
                new GeneralName(GeneralName.iPAddress, new DEROctetString(InetAddress.getByName("::1").getAddress()))});
            GeneralNames wrongNames = new GeneralNames(new GeneralName(GeneralName.dNSName, WRONG_HOST));

            server = leaf("CN=localhost", localNames, KeyPurposeId.id_kp_serverAuth, from, to, caKeys);
            wrongHost = leaf("CN=" + WRONG_HOST, wrongNames, KeyPurposeId.id_kp_serverAuth, from, to, caKeys);
            expired = leaf("CN=localhost,OU=expired", localNames, KeyPurposeId.id_kp_serverAuth,
                    now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), caKeys);
            client = leaf("CN=lws-java test client", null, KeyPurposeId.id_kp_clientAuth, from, to, caKeys);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create test certificates", e);
        }
    }

    /**
     * One instance per JVM, created on first use.
     *
     * @return the shared test PKI
     */
    public static TestCertificates shared() {
        TestCertificates s = shared;
        if (s == null) {
            synchronized (TestCertificates.class) {
                s = shared;
                if (s == null) {
                    shared = s = new TestCertificates();
                }
            }
        }
        return s;
    }

    /** @return the test CA (self-signed) */
    public Identity ca() { return ca; }

    /** @return the server identity for localhost, 127.0.0.1 and ::1 */
    public Identity server() { return server; }

    /** @return a server identity valid only for {@value #WRONG_HOST} */
    public Identity wrongHost() { return wrongHost; }

    /** @return a server identity for localhost, 127.0.0.1 and ::1 whose validity has ended */
    public Identity expired() { return expired; }

    /** @return the client identity for mutual TLS */
    public Identity client() { return client; }

    /** @return the CA certificate as PEM: what a client trusts */
    public String caPem() { return ca.certPem(); }

    /** @return the server certificate as PEM */
    public String serverCertPem() { return server.certPem(); }

    /** @return the server private key as PKCS#8 PEM */
    public String serverKeyPem() { return server.keyPem(); }

    /** @return the certificate for {@value #WRONG_HOST} as PEM */
    public String wrongHostCertPem() { return wrongHost.certPem(); }

    /** @return the private key of the wrong-host certificate as PKCS#8 PEM */
    public String wrongHostKeyPem() { return wrongHost.keyPem(); }

    /** @return the expired server certificate as PEM */
    public String expiredCertPem() { return expired.certPem(); }

    /** @return the private key of the expired certificate as PKCS#8 PEM */
    public String expiredKeyPem() { return expired.keyPem(); }

    /** @return the client certificate as PEM */
    public String clientCertPem() { return client.certPem(); }

    /** @return the client private key as PKCS#8 PEM */
    public String clientKeyPem() { return client.keyPem(); }

    /**
     * A key store that trusts only the test CA.
     *
     * @return a new PKCS#12 key store with the CA certificate under the alias {@code "ca"}
     */
    public KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca.certificate());
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build trust store", e);
        }
    }

    /**
     * A JDK TLS context presenting {@code identity} (may be null: none) and, if {@code trustCa}, trusting only the
     * test CA (otherwise the JDK's default trust).
     *
     * @param identity the key material to present, or null
     * @param trustCa  whether to trust the test CA
     * @return a new initialised {@code SSLContext} (protocol "TLS")
     */
    public SSLContext sslContext(Identity identity, boolean trustCa) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            KeyManagerFactory kmf = null;
            if (identity != null) {
                char[] pw = "changeit".toCharArray();
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity.keyStore(pw), pw);
            }
            TrustManagerFactory tmf = null;
            if (trustCa) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore());
            }
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), random);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build SSLContext", e);
        }
    }

    /**
     * Writes every certificate and key as a PEM file into {@code dir} (created if missing), overwriting files of
     * the same names: {@code ca.pem}, {@code ca.key}, {@code server.pem}, {@code server-chain.pem},
     * {@code server.key}, {@code wrong-host.pem}, {@code wrong-host.key}, {@code expired.pem},
     * {@code expired.key}, {@code client.pem}, {@code client.key}.
     *
     * @param dir the directory to write into
     * @return the paths written
     * @throws UncheckedIOException if writing fails
     */
    public PemFiles writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            return new PemFiles(
                    write(dir, "ca.pem", ca.certPem()), write(dir, "ca.key", ca.keyPem()),
                    write(dir, "server.pem", server.certPem()), write(dir, "server-chain.pem", server.chainPem()),
                    write(dir, "server.key", server.keyPem()),
                    write(dir, "wrong-host.pem", wrongHost.certPem()), write(dir, "wrong-host.key", wrongHost.keyPem()),
                    write(dir, "expired.pem", expired.certPem()), write(dir, "expired.key", expired.keyPem()),
                    write(dir, "client.pem", client.certPem()), write(dir, "client.key", client.keyPem()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private Identity leaf(String subject, GeneralNames names, KeyPurposeId purpose, Instant from, Instant to,
                          KeyPair caKeys) throws GeneralSecurityException, IOException, OperatorCreationException {
        KeyPair keys = rsa();
        X509v3CertificateBuilder b = builder(new X500Name(subject),
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), from, to, keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
        if (names != null) {
            b.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return identity(sign(b, caKeys.getPrivate()), keys.getPrivate(), ca.certificate());
    }

    private X509v3CertificateBuilder builder(X500Name subject, X500Name issuer, Instant from, Instant to,
                                             PublicKey key) {
        BigInteger serial = new BigInteger(64, random).setBit(62);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(from), Date.from(to), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, random);
        return g.generateKeyPair();
    }

    private static Identity identity(X509Certificate cert, PrivateKey key, X509Certificate issuer) throws IOException {
        try {
            String certPem = pem("CERTIFICATE", cert.getEncoded());
            String keyPem = pem("PRIVATE KEY", key.getEncoded()); // PKCS#8 PrivateKeyInfo
            String chain = issuer == null ? certPem : certPem + pem("CERTIFICATE", issuer.getEncoded());
            return new Identity(cert, key, certPem, keyPem, chain);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(new PemObject(type, der));
        }
        return sw.toString();
    }
}
