package io.github.lwsjava.engine;

import java.util.Locale;

import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.WebSocketException.Kind;

/** Turns lws's CLIENT_CONNECTION_ERROR text into an exception that says which failure it was. */
final class ConnectErrors {

    private ConnectErrors() {
    }

    static WebSocketException classify(String lwsMessage) {
        String text = lwsMessage == null || lwsMessage.isEmpty() ? "connection failed" : lwsMessage;
        String m = text.toLowerCase(Locale.ROOT);
        Kind kind;
        String what;
        if (m.contains("tls") || m.contains("ssl") || m.contains("x509") || m.contains("certificate")
                || m.contains("hostname") || m.contains("verify")) {
            kind = Kind.TLS;
            what = "TLS handshake failed";
        } else if (m.contains("dns") || m.contains("resolve") || m.contains("getaddrinfo") || m.contains("lookup")) {
            kind = Kind.DNS;
            what = "host name did not resolve";
        } else if (m.contains("timed out") || m.contains("timeout")) {
            kind = Kind.TIMEOUT;
            what = "connect timed out";
        } else if (m.contains("http") || m.contains("upgrade") || m.contains("accept") || m.contains("hs:")
                || m.contains("protocol") || m.contains("101") || m.contains("ws ")) {
            kind = Kind.HANDSHAKE;
            what = "WebSocket handshake failed";
        } else {
            kind = Kind.CONNECT_FAILED;
            what = "connection refused or unreachable";
        }
        return new WebSocketException(kind, what + ": " + text);
    }
}
