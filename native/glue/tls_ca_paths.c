/*
 * The system's trusted CAs for the static OpenSSL inside the Linux JNI library (docs/platforms.md, "Trusted CAs
 * on Linux").
 *
 * libjnilws.so carries the build host's libcrypto.a, whose OPENSSLDIR is that distribution's (/usr/lib/ssl on
 * Debian and Ubuntu, a link farm into /etc/ssl). lws loads the system's CAs into every client context with
 * SSL_CTX_set_default_verify_paths() (LWS_SSL_CLIENT_USE_OS_CA_CERTS), and the JNI library is linked with
 * -Wl,--wrap=SSL_CTX_set_default_verify_paths, so lws calls this instead: OpenSSL's own defaults first
 * ($SSL_CERT_FILE / $SSL_CERT_DIR, else OPENSSLDIR/cert.pem and OPENSSLDIR/certs), and where neither variable is
 * set and OPENSSLDIR/cert.pem does not exist (Fedora, RHEL, SUSE, ...), also the first CA bundle that exists among
 * the places the distributions' ca-certificates packages use.
 */
#if defined(__linux__)
#include <stdlib.h>
#include <unistd.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

int __real_SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);
int __wrap_SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);

static const char *const ca_bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Arch, Gentoo */
	"/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL, CentOS, Amazon Linux */
	"/etc/ssl/ca-bundle.pem",                            /* openSUSE, SLES */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 7 and later, the file behind the link above */
	"/etc/ssl/cert.pem",                                 /* Alpine, Void */
};

int __wrap_SSL_CTX_set_default_verify_paths(SSL_CTX *ctx)
{
	int ok = __real_SSL_CTX_set_default_verify_paths(ctx);
	size_t i;

	if (getenv(X509_get_default_cert_file_env()) || getenv(X509_get_default_cert_dir_env()) ||
	    access(X509_get_default_cert_file(), R_OK) == 0)
		return ok;
	for (i = 0; i < sizeof(ca_bundles) / sizeof(ca_bundles[0]); i++)
		if (access(ca_bundles[i], R_OK) == 0)
			return SSL_CTX_load_verify_locations(ctx, ca_bundles[i], NULL);
	return ok;
}
#endif
