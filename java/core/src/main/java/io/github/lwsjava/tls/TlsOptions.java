package io.github.lwsjava.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS settings of a client or a server. Certificates are verified, host names included, unless one of the
 * explicitly insecure options is set. Files and in-memory PEM texts are both accepted.
 *
 * <pre>{@code
 * TlsOptions.defaults()                                  // the system's trusted CAs
 * TlsOptions.defaults().trustPem(caPem)                  // a private CA
 * TlsOptions.server(certFile, keyFile)                   // a server's certificate and key
 * }</pre>
 */
public final class TlsOptions {

    private Path caFile;
    private String caPem;
    private Path certificateFile;
    private Path keyFile;
    private String certificatePem;
    private String keyPem;
    private boolean requireClientCertificate;
    private boolean allowSelfSigned;
    private boolean skipHostnameCheck;
    private boolean allowExpired;

    private TlsOptions() {
    }

    /** {@return options that verify peers against the system's trusted CAs, host names included} */
    public static TlsOptions defaults() {
        return new TlsOptions();
    }

    /**
     * A server (or a client for mutual TLS) that presents this certificate chain and key, PEM files.
     *
     * @param certificateFile the certificate chain, PEM
     * @param keyFile the private key, PEM
     * @return the options
     * @throws IllegalArgumentException naming a file that is not readable
     */
    public static TlsOptions server(Path certificateFile, Path keyFile) {
        return new TlsOptions().certificate(certificateFile, keyFile);
    }

    /**
     * A server that presents this certificate chain and key, PEM texts.
     *
     * @param certificatePem the certificate chain
     * @param keyPem the private key
     * @return the options
     * @throws IllegalArgumentException when a text is not PEM
     */
    public static TlsOptions serverPem(String certificatePem, String keyPem) {
        return new TlsOptions().certificatePem(certificatePem, keyPem);
    }

    /**
     * Trust the CA certificates in this PEM file (instead of the system's).
     *
     * @param caPemFile the CA certificates, PEM
     * @return these options
     * @throws IllegalArgumentException when the file is not readable
     */
    public TlsOptions trust(Path caPemFile) {
        requireFile(caPemFile, "CA file");
        this.caFile = caPemFile;
        return this;
    }

    /**
     * Trust the CA certificates in this PEM text (instead of the system's).
     *
     * @param pem the CA certificates
     * @return these options
     * @throws IllegalArgumentException when the text is not PEM
     */
    public TlsOptions trustPem(String pem) {
        this.caPem = requirePem(pem, "CA");
        return this;
    }

    /**
     * Present this certificate and key (PEM files): a server's identity, or a client's for mutual TLS.
     *
     * @param certificateFile the certificate chain, PEM
     * @param keyFile the private key, PEM
     * @return these options
     * @throws IllegalArgumentException naming a file that is not readable
     */
    public TlsOptions certificate(Path certificateFile, Path keyFile) {
        requireFile(certificateFile, "certificate file");
        requireFile(keyFile, "key file");
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        return this;
    }

    /**
     * Present this certificate and key (PEM texts).
     *
     * @param certificatePem the certificate chain
     * @param keyPem the private key
     * @return these options
     * @throws IllegalArgumentException when a text is not PEM
     */
    public TlsOptions certificatePem(String certificatePem, String keyPem) {
        this.certificatePem = requirePem(certificatePem, "certificate");
        this.keyPem = requirePem(keyPem, "private key");
        return this;
    }

    /**
     * Server: ask every client for a certificate signed by the trusted CA, and refuse clients without one.
     *
     * @return these options
     */
    public TlsOptions requireClientCertificate() {
        this.requireClientCertificate = true;
        return this;
    }

    /**
     * INSECURE: accept a peer certificate that is genuinely self-signed.
     *
     * @return these options
     */
    public TlsOptions allowSelfSigned() {
        this.allowSelfSigned = true;
        return this;
    }

    /**
     * INSECURE: accept a certificate issued for another host name.
     *
     * @return these options
     */
    public TlsOptions skipHostnameCheck() {
        this.skipHostnameCheck = true;
        return this;
    }

    /**
     * INSECURE: accept an expired certificate.
     *
     * @return these options
     */
    public TlsOptions allowExpired() {
        this.allowExpired = true;
        return this;
    }

    /** {@return the trusted CA file, or null} */
    public Path caFile() { return caFile; }
    /** {@return the trusted CA PEM text, or null} */
    public String caPem() { return caPem; }
    /** {@return the certificate file to present, or null} */
    public Path certificateFile() { return certificateFile; }
    /** {@return the key file to present, or null} */
    public Path keyFile() { return keyFile; }
    /** {@return the certificate PEM text to present, or null} */
    public String certificatePem() { return certificatePem; }
    /** {@return the key PEM text to present, or null} */
    public String keyPem() { return keyPem; }
    /** {@return whether a server refuses clients without a trusted certificate} */
    public boolean requiresClientCertificate() { return requireClientCertificate; }
    /** {@return whether a self-signed peer certificate is accepted (insecure)} */
    public boolean allowsSelfSigned() { return allowSelfSigned; }
    /** {@return whether the host name check is skipped (insecure)} */
    public boolean skipsHostnameCheck() { return skipHostnameCheck; }
    /** {@return whether an expired certificate is accepted (insecure)} */
    public boolean allowsExpired() { return allowExpired; }

    /** {@return whether a certificate to present is set} */
    public boolean hasCertificate() {
        return certificateFile != null || certificatePem != null;
    }

    private static void requireFile(Path file, String what) {
        if (file == null || !Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " '" + file + "' is not a readable file");
        }
    }

    private static String requirePem(String pem, String what) {
        if (pem == null || !pem.contains("-----BEGIN ")) {
            throw new IllegalArgumentException(what + " is not PEM text (no -----BEGIN line)");
        }
        return pem;
    }
}
