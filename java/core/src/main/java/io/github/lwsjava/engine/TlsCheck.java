package io.github.lwsjava.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.lwsjava.tls.TlsOptions;

/**
 * Checks TLS files and PEM texts before lws reads them, so that {@code build()} says which file is wrong and why
 * (unreadable, not PEM, no certificate, an encrypted key, a key that does not belong to the certificate) instead
 * of lws's "could not create" with the reason in its log. Every failure is an IllegalArgumentException.
 */
final class TlsCheck {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    private TlsCheck() {
    }

    static void check(TlsOptions tls) {
        if (tls.caFile() != null || tls.caPem() != null) {
            certificates(tls.caFile() != null ? read(tls.caFile(), "CA file") : tls.caPem(),
                    tls.caFile() != null ? "CA file '" + tls.caFile() + "'" : "CA PEM");
        }
        if (tls.hasCertificate()) {
            boolean files = tls.certificateFile() != null;
            String certName = files ? "certificate file '" + tls.certificateFile() + "'" : "certificate PEM";
            String keyName = files ? "key file '" + tls.keyFile() + "'" : "key PEM";
            X509Certificate leaf = certificates(files ? read(tls.certificateFile(), "certificate file")
                    : tls.certificatePem(), certName).get(0);
            matches(privateKey(files ? read(tls.keyFile(), "key file") : tls.keyPem(), keyName, leaf), leaf,
                    keyName, certName);
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " '" + file + "' cannot be read: " + e, e);
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String pem, String name) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " is not valid PEM: the base64 of its " + m.group(1)
                        + " does not decode", e);
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(name + " is not PEM (no -----BEGIN ...----- / -----END ...----- block)");
        }
        return blocks;
    }

    private static List<X509Certificate> certificates(String pem, String name) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem, name)) {
                if (b.type().equals("CERTIFICATE") || b.type().equals("X509 CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(name + " holds a certificate that does not parse: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(name + " holds no certificate (no -----BEGIN CERTIFICATE----- block)");
        }
        return certificates;
    }

    private static PrivateKey privateKey(String pem, String name, X509Certificate leaf) {
        for (Block b : blocks(pem, name)) {
            if (b.type().equals("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED")) {
                throw new IllegalArgumentException(name + " is encrypted: give the key without a passphrase");
            }
            if (!b.type().endsWith("PRIVATE KEY")) {
                continue;
            }
            // PKCS#8 as it is; PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") wrapped in PKCS#8 with the
            // certificate's algorithm identifier, which is the one PKCS#8 wants for these key types
            byte[] pkcs8 = b.type().equals("PRIVATE KEY") ? b.der() : wrapPkcs8(b.der(), leaf.getPublicKey());
            String algorithm = leaf.getPublicKey().getAlgorithm();
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException(name + " holds no " + algorithm + " private key for the certificate"
                        + " (a " + b.type() + " that does not parse as one: " + e.getMessage() + ")", e);
            }
        }
        throw new IllegalArgumentException(name + " holds no private key (no -----BEGIN ... PRIVATE KEY----- block)");
    }

    /** Signs with the key and verifies with the certificate: whether they are one pair. */
    private static void matches(PrivateKey key, X509Certificate leaf, String keyName, String certName) {
        String algorithm = switch (leaf.getPublicKey().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> leaf.getPublicKey().getAlgorithm();
            default -> null; // RSASSA-PSS and rarer keys: lws's OpenSSL checks them
        };
        if (algorithm == null) {
            return;
        }
        boolean same;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            same = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            same = false;
        }
        if (!same) {
            throw new IllegalArgumentException(keyName + " does not match the certificate in " + certName + " ("
                    + leaf.getSubjectX500Principal().getName() + "): key values mismatch");
        }
    }

    /** PKCS#8: SEQUENCE { INTEGER 0, the certificate's AlgorithmIdentifier, OCTET STRING { the legacy key } }. */
    private static byte[] wrapPkcs8(byte[] legacyKey, PublicKey certificateKey) {
        byte[] spki = certificateKey.getEncoded(); // SEQUENCE { AlgorithmIdentifier, BIT STRING }
        int[] outer = header(spki, 0);
        int[] algorithm = header(spki, outer[0]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.write(spki, outer[0], algorithm[0] - outer[0] + algorithm[1]);
        body.writeBytes(tlv(0x04, legacyKey));
        return tlv(0x30, body.toByteArray());
    }

    /** The DER header at offset: {offset of the content, length of the content}. */
    private static int[] header(byte[] der, int offset) {
        int first = der[offset + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {offset + 2, first};
        }
        int count = first & 0x7f;
        int length = 0;
        for (int i = 0; i < count; i++) {
            length = length << 8 | der[offset + 2 + i] & 0xff;
        }
        return new int[] {offset + 2 + count, length};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
