package io.github.lwsjava.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.config.ConfigException;
import io.github.lwsjava.config.ServerConfig;
import io.github.lwsjava.server.WebSocketServer;

/** {@code serve --config DIR}: a server configured as lwsws is, until Ctrl-C (or --stop-after). */
final class ServeCommand {

    private final PrintStream out;

    ServeCommand(PrintStream out) {
        this.out = out;
    }

    static Options options() {
        return new Options("serve", "--config DIR [options]", """
                Runs a server configured as lwsws is: DIR/conf holds the global settings and DIR/conf.d/* the
                vhosts (JSON with # comments, lwsws's keys: docs/config.md), each with its interface and port,
                TLS files, mounts (file://, callback://, >https:// redirects), ws-protocols, headers and access
                log. Protocols are plugins found with ServiceLoader: this jar has "echo" and "mirror"; add your
                own jars with java -cp lws-java-demo.jar:plugins.jar io.github.lwsjava.demo.EchoDemo serve ...
                A bad configuration is refused at start with its file, key and reason. Runs until Ctrl-C.
                """)
                .value("--config", "DIR", "the configuration directory (conf and conf.d/)")
                .flag("--check", "read and check the configuration, print its vhosts, and exit without listening")
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
        String dir = o.string("--config", null);
        if (dir == null || dir.isEmpty()) {
            throw new Options.UsageError("--config DIR is missing");
        }
        long stopAfter = o.has("--stop-after") ? o.seconds("--stop-after", 0, 0.1, 365 * 86400.0) : 0;
        Path configDir = Path.of(dir);
        ServerConfig config;
        try {
            config = ServerConfig.read(configDir);
        } catch (ConfigException e) {
            throw new EchoDemo.Failure("configuration refused: " + e.getMessage());
        }
        out.println("lws-java configured server " + EchoDemo.version() + " (libwebsockets "
                + WebSocketClient.libraryVersion() + ")");
        out.println("config:    " + configDir.toAbsolutePath().normalize());
        if (o.has("--check")) {
            for (ServerConfig.Vhost v : config.vhosts()) {
                out.println("vhost " + v.name() + ": " + ServerCommand.urlHost(v.host()) + ":" + v.port()
                        + (v.tls() ? " (TLS)" : "") + "  [" + where(configDir, v.file()) + "]");
            }
            out.println("configuration OK");
            return 0;
        }
        WebSocketServer server;
        try {
            server = config.builder().build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new EchoDemo.Failure("cannot start: " + e.getMessage());
        }
        List<Integer> ports = server.ports();
        for (int i = 0; i < config.vhosts().size(); i++) {
            ServerConfig.Vhost v = config.vhosts().get(i);
            String hostPort = ServerCommand.urlHost(v.host()) + ":" + ports.get(i);
            boolean address = v.host().contains(":") || v.host().matches("[0-9.]+"); // not an interface's name
            out.println("vhost " + v.name() + ": listening on " + v.host() + ":" + ports.get(i)
                    + (address ? ", " + (v.tls() ? "https://" : "http://") + hostPort + "/ and "
                    + (v.tls() ? "wss://" : "ws://") + hostPort + "/" : "") + "  [" + where(configDir, v.file()) + "]");
        }
        ServerCommand.runUntilStopped(server, stopAfter, out);
        return 0;
    }

    /** The file, relative to the configuration directory when it is inside it. */
    private static String where(Path dir, Path file) {
        Path base = dir.toAbsolutePath().normalize();
        return file.startsWith(base) ? base.relativize(file).toString() : file.toString();
    }
}
