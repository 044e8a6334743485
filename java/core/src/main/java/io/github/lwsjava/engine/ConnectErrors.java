package io.github.lwsjava.engine;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.WebSocketException.Kind;

/** Turns lws's CLIENT_CONNECTION_ERROR text into an exception that says which failure it was, and where. */
final class ConnectErrors {

    private static final Pattern X509_CODE = Pattern.compile("X509_V_ERR = (\\d{1,9})");

    /** lws's words for an HTTP proxy's answer to CONNECT other than 200: "http_proxy -> 407". */
    private static final Pattern HTTP_PROXY_STATUS = Pattern.compile("http_proxy -> (\\d{1,3})");

    /** OpenSSL's X509_verify_cert_error_string for the codes a client meets (OpenSSL 3). */
    private static final Map<Integer, String> X509_ERRORS = Map.ofEntries(
            Map.entry(2, "unable to get issuer certificate"),
            Map.entry(4, "unable to decrypt certificate's signature"),
            Map.entry(6, "unable to decode issuer public key"),
            Map.entry(7, "certificate signature failure"),
            Map.entry(9, "certificate is not yet valid"),
            Map.entry(10, "certificate has expired"),
            Map.entry(13, "format error in certificate's notBefore field"),
            Map.entry(14, "format error in certificate's notAfter field"),
            Map.entry(18, "self-signed certificate"),
            Map.entry(19, "self-signed certificate in certificate chain"),
            Map.entry(20, "unable to get local issuer certificate"),
            Map.entry(21, "unable to verify the first certificate"),
            Map.entry(22, "certificate chain too long"),
            Map.entry(23, "certificate revoked"),
            Map.entry(24, "issuer certificate doesn't have a public key"),
            Map.entry(25, "path length constraint exceeded"),
            Map.entry(26, "unsuitable certificate purpose"),
            Map.entry(27, "certificate not trusted"),
            Map.entry(28, "certificate rejected"),
            Map.entry(29, "subject issuer mismatch"),
            Map.entry(32, "key usage does not include certificate signing"),
            Map.entry(34, "unhandled critical extension"),
            Map.entry(62, "hostname mismatch"),
            Map.entry(63, "email address mismatch"),
            Map.entry(64, "IP address mismatch"),
            Map.entry(66, "EE certificate key too weak"),
            Map.entry(67, "CA certificate key too weak"),
            Map.entry(68, "CA signature digest algorithm too weak"),
            Map.entry(79, "invalid CA certificate"));

    private ConnectErrors() {
    }

    /**
     * @param lwsMessage lws's description of the failure
     * @param target host:port of the server
     * @param proxy the proxy the connection went through ("SOCKS5 proxy 127.0.0.1:1080"), or null
     * @param status the HTTP status of the server's answer to the upgrade, 0 when there was none
     * @param headers that answer's headers
     */
    static WebSocketException classify(String lwsMessage, String target, String proxy, int status,
                                       Map<String, String> headers) {
        String text = lwsMessage == null || lwsMessage.isEmpty() ? "connection failed" : lwsMessage.strip();
        if (status > 0) { // every answer but 101 is a refused handshake, whatever lws's words for it
            return new WebSocketException(Kind.HANDSHAKE, "WebSocket handshake with " + target + " refused: HTTP "
                    + status + " instead of 101 (" + text + ")", status, headers);
        }
        String m = text.toLowerCase(Locale.ROOT);
        if (proxy != null) {
            WebSocketException byProxy = proxyFailure(text, m, target, proxy);
            if (byProxy != null) {
                return byProxy;
            }
        }
        Kind kind;
        String what;
        if (m.contains("tls") || m.contains("ssl") || m.contains("x509") || m.contains("certificate")
                || m.contains("hostname") || m.contains("verify")) {
            kind = Kind.TLS;
            what = "TLS handshake with " + target + " failed";
            text = x509InWords(text);
        } else if (m.contains("dns") || m.contains("resolve") || m.contains("getaddrinfo") || m.contains("lookup")) {
            kind = Kind.DNS;
            what = "host name of " + target + " did not resolve";
        } else if (m.contains("timed out") || m.contains("timeout")) {
            kind = Kind.TIMEOUT;
            what = "connect to " + target + " timed out";
        } else if (m.contains("http") || m.contains("upgrade") || m.contains("accept") || m.contains("hs:")
                || m.contains("protocol") || m.contains("101") || m.contains("ws ")) {
            kind = Kind.HANDSHAKE;
            what = "WebSocket handshake with " + target + " failed";
        } else {
            kind = Kind.CONNECT_FAILED;
            what = "connection to " + target + " refused or unreachable";
        }
        return new WebSocketException(kind, what + (proxy != null ? " (through " + proxy + ")" : "") + ": " + text);
    }

    /**
     * A failure of the proxy's part: lws could not reach the proxy (until the tunnel stands, lws's peer is the
     * proxy), or the proxy refused (its CONNECT answer, SOCKS5 replies). Null when the failure is the server's.
     */
    private static WebSocketException proxyFailure(String text, String m, String target, String proxy) {
        Matcher status = HTTP_PROXY_STATUS.matcher(m);
        if (status.find()) {
            int code = Integer.parseInt(status.group(1));
            String words = switch (code) {
                case 407 -> " (proxy authentication required: no or wrong credentials)";
                case 401 -> " (unauthorized: no or wrong credentials)"; // tinyproxy's answer to them
                case 403 -> " (forbidden by the proxy)";
                case 502 -> " (bad gateway: the proxy could not reach the server)";
                case 503 -> " (service unavailable)";
                case 504 -> " (gateway time-out: the proxy could not reach the server in time)";
                default -> "";
            };
            return new WebSocketException(Kind.PROXY, proxy + " refused to connect to " + target + ": HTTP " + code
                    + words + " instead of 200 to CONNECT");
        }
        if (m.contains("http_proxy") || m.startsWith("proxy ")) {
            return new WebSocketException(Kind.PROXY, proxy + " failed on the way to " + target + ": " + text);
        }
        if (m.contains("socks")) { // lws patch 0037 names the step: credentials, connect (with the reason)
            return new WebSocketException(Kind.PROXY, proxy + " failed to connect to " + target + ": " + text);
        }
        if (m.contains("unable to connect") || m.contains("connect fail") || m.contains("conn fail")
                || m.contains("refused")
                || m.contains("unreachable") || m.contains("dns") || m.contains("resolve") || m.contains("getaddrinfo")
                || m.contains("lookup")) {
            // until the tunnel stands, lws's peer is the proxy
            return new WebSocketException(Kind.PROXY, "could not reach " + proxy + " (to connect to " + target
                    + "): " + text);
        }
        return null; // the server's part (TLS, handshake) or a time-out: classify names the server and the proxy
    }

    /**
     * lws reports a rejected server certificate as "server's cert didn't look good, tls=invalidca X509_V_ERR = 18:
     * error:00000012:...": this says "self-signed certificate (X509 verify error 18)" instead.
     */
    static String x509InWords(String text) {
        Matcher code = X509_CODE.matcher(text);
        if (!code.find()) {
            return text;
        }
        int n = Integer.parseInt(code.group(1));
        String words = X509_ERRORS.getOrDefault(n, "certificate not accepted");
        return "server certificate rejected: " + words + " (X509 verify error " + n + ")";
    }
}
