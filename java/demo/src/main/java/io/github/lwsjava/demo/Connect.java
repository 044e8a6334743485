package io.github.lwsjava.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.tls.TlsOptions;

/** What {@code client} and {@code bench} share: the connection options, the client, one echo round trip. */
final class Connect {

    final String url;
    final boolean insecure;
    final Path ca;
    final boolean deflate;
    final long timeoutMillis;

    private Connect(String url, boolean insecure, Path ca, boolean deflate, long timeoutMillis) {
        this.url = url;
        this.insecure = insecure;
        this.ca = ca;
        this.deflate = deflate;
        this.timeoutMillis = timeoutMillis;
    }

    /** Declares the connection options on o. */
    static Options declare(Options o) {
        return o.flag("--insecure", "wss://: accept a self-signed certificate, any host name, an expired one")
                .value("--ca", "FILE", "wss://: trust the CA certificate(s) in this PEM file (e.g. the server's\n"
                        + "self-signed certificate) instead of the system's")
                .flag("--deflate", "offer permessage-deflate")
                .value("--timeout", "SECONDS", "time to wait for the connection and for each echo (default 5)");
    }

    /** Reads the connection options; url has been checked already. */
    static Connect from(Options o, String url) {
        return new Connect(url, o.has("--insecure"), o.file("--ca"), o.has("--deflate"),
                o.seconds("--timeout", 5, 0.1, 3600));
    }

    WebSocketClient client(int maxMessageSize) {
        WebSocketClient.Builder b = WebSocketClient.builder()
                .deflate(deflate)
                .connectTimeout(Duration.ofMillis(Math.max(1000, timeoutMillis)))
                .maxMessageSize(Math.max(125, maxMessageSize));
        if (ca != null || insecure) {
            TlsOptions tls = TlsOptions.defaults();
            if (ca != null) {
                tls.trust(ca);
            }
            if (insecure) {
                tls.allowSelfSigned().skipHostnameCheck().allowExpired();
            }
            b.tls(tls);
        }
        try {
            return b.build();
        } catch (RuntimeException e) {
            throw new EchoDemo.Failure("cannot create the client: " + e.getMessage());
        }
    }

    /** Connects in pull style, or throws Failure with the reason. */
    WebSocket connect(WebSocketClient client) {
        try {
            return client.newConnection(url).connectTimeout(Duration.ofMillis(timeoutMillis)).connect(null)
                    .get(timeoutMillis + 2000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof WebSocketException w ? w.kind() + ": " + w.getMessage() : String.valueOf(cause);
            throw new EchoDemo.Failure("cannot connect to " + url + ": " + why + hint(cause));
        } catch (TimeoutException e) {
            throw new EchoDemo.Failure("cannot connect to " + url + ": no answer in " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EchoDemo.Failure("interrupted");
        } catch (IllegalArgumentException e) {
            throw new EchoDemo.Failure(e.getMessage());
        }
    }

    private String hint(Throwable cause) {
        if (cause instanceof WebSocketException w && w.kind() == WebSocketException.Kind.TLS && !insecure && ca == null) {
            return " (a self-signed server certificate needs --ca FILE or --insecure)";
        }
        return "";
    }

    /** Sends one message and waits for the next message; returns it, or throws Failure. */
    static Message roundTrip(WebSocket ws, Object payload, long timeoutMillis, String what) {
        try {
            if (payload instanceof String s) {
                ws.sendText(s);
            } else {
                ws.sendBinary((byte[]) payload);
            }
            Message m = ws.receive(Duration.ofMillis(timeoutMillis));
            if (m == null) {
                throw new EchoDemo.Failure("no echo for " + what + " within " + timeoutMillis + " ms");
            }
            if (m.kind() == Message.Kind.CLOSE) {
                throw new EchoDemo.Failure("the server closed the connection before echoing " + what + " (code "
                        + m.closeCode() + (m.text() == null || m.text().isEmpty() ? "" : ", " + m.text()) + ")");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EchoDemo.Failure("interrupted");
        }
    }

    /** Whether m is exactly payload, kind included. */
    static boolean same(Message m, Object payload) {
        if (payload instanceof String s) {
            return m.kind() == Message.Kind.TEXT && s.equals(m.text());
        }
        return m.kind() == Message.Kind.BINARY && m.data().duplicate().equals(ByteBuffer.wrap((byte[]) payload));
    }

    static int length(Object payload) {
        return payload instanceof String s ? s.getBytes(StandardCharsets.UTF_8).length : ((byte[]) payload).length;
    }

    /** Closes politely, without letting a slow close fail the run. */
    static void close(WebSocket ws, WebSocketClient client) {
        try {
            if (ws != null) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(3, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // closed anyway by client.close()
        }
        if (client != null) {
            client.close();
        }
    }
}
