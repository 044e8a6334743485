package io.github.lwsjava.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.tls.TlsOptions;

/** {@code server}: an echo server with a web page, until Ctrl-C (or --stop-after). */
final class ServerCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out;
    private final PrintStream err;

    ServerCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Options options() {
        return new Options("server", "[options]", """
                Runs a WebSocket echo server: every text or binary message is sent back as it came. The same port
                serves a web page (GET /) that echoes through your browser. Runs until Ctrl-C.
                """)
                .value("--host", "HOST", "interface to listen on (default 127.0.0.1; 0.0.0.0 for all)")
                .value("--port", "PORT", "port to listen on (default 8080; 0 picks a free port)")
                .flag("--tls", "serve wss:// and https:// with a self-signed certificate made at start\n"
                        + "(its PEM file is printed: clients trust it with --ca FILE or --insecure)")
                .value("--cert", "FILE", "PEM certificate (chain) to serve instead (implies --tls, needs --key)")
                .value("--key", "FILE", "PEM private key of --cert")
                .flag("--deflate", "accept permessage-deflate when a client offers it")
                .flag("--quiet", "do not log connections")
                .value("--stop-after", "SECONDS", "stop by itself after this many seconds (default: never)");
    }

    int run(String[] args) {
        Options o = options().parse(args);
        if (o.helpRequested()) {
            out.print(o.usage());
            return 0;
        }
        if (!o.operands().isEmpty()) {
            throw new Options.UsageError("unexpected argument '" + o.operands().get(0) + "'");
        }
        String host = o.string("--host", "127.0.0.1");
        if (host.isBlank()) {
            throw new Options.UsageError("--host: empty host");
        }
        int port = (int) o.integer("--port", 8080, 0, 65535);
        Path certFile = o.file("--cert");
        Path keyFile = o.file("--key");
        if ((certFile == null) != (keyFile == null)) {
            throw new Options.UsageError(certFile == null ? "--key needs --cert" : "--cert needs --key");
        }
        boolean tls = o.has("--tls") || certFile != null;
        long stopAfter = o.has("--stop-after") ? o.seconds("--stop-after", 0, 0.1, 365 * 86400.0) : 0;
        boolean quiet = o.has("--quiet");

        TlsOptions tlsOptions = null;
        Path generatedDir = null;
        String certNote = null;
        if (certFile != null) {
            tlsOptions = TlsOptions.server(certFile, keyFile);
            certNote = "certificate " + certFile;
        } else if (tls) {
            SelfSignedCertificate self = SelfSignedCertificate.create(host);
            try {
                generatedDir = Files.createTempDirectory("lws-java-demo-");
                Path pem = generatedDir.resolve("self-signed-cert.pem");
                Files.writeString(pem, self.certificatePem());
                pem.toFile().deleteOnExit();
                generatedDir.toFile().deleteOnExit();
                certNote = "self-signed certificate for " + String.join(", ", self.names()) + ": " + pem;
            } catch (IOException e) {
                throw new EchoDemo.Failure("cannot write the certificate file: " + e.getMessage());
            }
            tlsOptions = TlsOptions.serverPem(self.certificatePem(), self.keyPem());
        }

        Log log = quiet ? null : new Log(out);
        WebSocketServer server = start(host, port, tlsOptions, o.has("--deflate"), log);
        String wsUrl = (tls ? "wss://" : "ws://") + urlHost(host) + ":" + server.port() + "/";
        String pageUrl = (tls ? "https://" : "http://") + urlHost(host) + ":" + server.port() + "/";
        out.println("lws-java echo server " + EchoDemo.version() + " (libwebsockets " + WebSocketClient.libraryVersion() + ")");
        if (certNote != null) {
            out.println("TLS:       " + certNote);
        }
        out.println("listening: " + wsUrl);
        out.println("web page:  " + pageUrl);
        runUntilStopped(server, stopAfter, out);
        return 0;
    }

    /**
     * Says how the server stops, then serves until Ctrl-C (a shutdown hook) or, when stopAfter is above 0, that
     * many milliseconds; closes it and says so.
     */
    static void runUntilStopped(WebSocketServer server, long stopAfter, PrintStream out) {
        out.println(stopAfter > 0 ? "Stops after " + stopAfter / 1000.0 + " s, or on Ctrl-C." : "Ctrl-C stops it.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                server.close();
                out.println("server stopped");
                out.flush();
                stopped.countDown();
            }
        };
        Thread hook = new Thread(stop, "lws-java-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (stopAfter > 0) {
                if (!stopped.await(stopAfter, TimeUnit.MILLISECONDS)) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    stop.run();
                }
            } else {
                stopped.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts an echo server (also used by {@code bench} without a URL); throws Failure when it cannot listen. */
    static WebSocketServer start(String host, int port, TlsOptions tls, boolean deflate, Log log) {
        byte[] page = indexPage();
        try {
            return WebSocketServer.builder()
                    .host(host)
                    .port(port)
                    .tls(tls)
                    .deflate(deflate)
                    .handler(new Echo(log))
                    .http("/", request -> {
                        String path = request.path();
                        int q = path.indexOf('?');
                        if (q >= 0) {
                            path = path.substring(0, q);
                        }
                        if (path.equals("/") || path.equals("/index.html")) {
                            return new HttpHandler.Response(200, "text/html; charset=utf-8", page);
                        }
                        return HttpHandler.Response.text(404, "not found: " + path + "\n");
                    })
                    .build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new EchoDemo.Failure("cannot start the server on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private static byte[] indexPage() {
        try (InputStream in = ServerCommand.class.getResourceAsStream("index.html")) {
            if (in == null) {
                return "<!doctype html><title>lws-java echo</title><p>index.html is missing from the jar</p>"
                        .getBytes(StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EchoDemo.Failure("cannot read index.html: " + e.getMessage());
        }
    }

    /** The host as it goes into a URL that a local browser or client can use. */
    static String urlHost(String host) {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::")) {
            return "[::1]";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Connection log lines: open and close, with the messages echoed. */
    static final class Log {
        private final PrintStream out;

        Log(PrintStream out) {
            this.out = out;
        }

        void line(String text) {
            out.println(LocalTime.now().format(TIME) + "  " + text);
        }
    }

    /** The echo handler: callbacks run on the server's service thread, so they only queue the echo. */
    private static final class Echo implements WebSocket.Listener {
        private final Log log;
        private final AtomicLong ids = new AtomicLong();
        private final Map<WebSocket, long[]> stats = new ConcurrentHashMap<>(); // id, messages, bytes

        Echo(Log log) {
            this.log = log;
        }

        @Override
        public void onOpen(WebSocket ws) {
            long id = ids.incrementAndGet();
            stats.put(ws, new long[] {id, 0, 0});
            if (log != null) {
                log.line("#" + id + " open   from " + ws.remoteAddress() + " path " + ws.path()
                        + (ws.subprotocol().isEmpty() ? "" : " subprotocol " + ws.subprotocol()));
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            count(ws, text.length());
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            count(ws, data.remaining());
            ws.sendBinary(data);
        }

        private void count(WebSocket ws, int bytes) {
            long[] s = stats.get(ws);
            if (s != null) {
                s[1]++;
                s[2] += bytes;
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            long[] s = stats.remove(ws);
            if (log != null && s != null) {
                log.line("#" + s[0] + " closed (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason)
                        + ") after " + s[1] + " message" + (s[1] == 1 ? "" : "s") + ", " + s[2] + " bytes echoed");
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (log != null) {
                long[] s = ws == null ? null : stats.get(ws);
                log.line((s == null ? "" : "#" + s[0] + " ") + "error: " + error);
            }
        }
    }
}
