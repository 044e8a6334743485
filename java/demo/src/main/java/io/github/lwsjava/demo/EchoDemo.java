package io.github.lwsjava.demo;

import java.io.PrintStream;
import java.util.Arrays;

import io.github.lwsjava.client.WebSocketClient;

/**
 * The lws-java echo demo: {@code java -jar lws-java-demo.jar server|serve|client|bench [options]}.
 *
 * <p>Exit status: 0 success, 1 the run failed (no connection, a missing or wrong echo), 2 a bad command line.
 */
public final class EchoDemo {

    /** Exit status of a run that failed. */
    static final int FAILED = 1;
    /** Exit status of a bad command line. */
    static final int USAGE = 2;

    /** lws's log (held here: java.util.logging keeps loggers only weakly). */
    private static final java.util.logging.Logger LWS_LOG = java.util.logging.Logger.getLogger("libwebsockets");

    private EchoDemo() {
    }

    static final String USAGE_TEXT = """
            Usage: java -jar lws-java-demo.jar COMMAND [options]

            An echo server and client built on lws-java (libwebsockets inside, through JNI).

            Commands:
              server    run an echo server: ws:// (wss:// with --tls) and a web page on the same port
              serve     run a server configured as lwsws is: serve --config DIR (conf and conf.d/, JSON)
              client    send messages to an echo server and print the echoes
              bench     measure round trips per second and latency percentiles against an echo server
              version   print the versions of the demo, lws-java and libwebsockets

            `java -jar lws-java-demo.jar COMMAND --help` shows a command's options.
            Exit status: 0 success, 1 the run failed, 2 a bad command line.
            """;

    public static void main(String[] args) {
        // lws's own warnings go through System.Logger (java.util.logging): one line each
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s [%3$s] %5$s%6$s%n");
        }
        if (args.length > 0 && !args[0].equals("server") && !args[0].equals("serve")
                && !Boolean.getBoolean("lwsjava.demo.lwsLog")) {
            // the client's failures (TLS, refused connection) are reported once, by the demo, not also by lws
            LWS_LOG.setLevel(java.util.logging.Level.OFF);
        }
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /** Runs a command line; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "-h", "--help", "help" -> {
                    out.print(USAGE_TEXT);
                    return 0;
                }
                case "version", "--version" -> {
                    out.println("lws-java-demo " + version() + ", libwebsockets " + WebSocketClient.libraryVersion()
                            + ", Java " + System.getProperty("java.version") + " (" + System.getProperty("os.name")
                            + " " + System.getProperty("os.arch") + ")");
                    return 0;
                }
                case "server" -> {
                    return new ServerCommand(out, err).run(rest);
                }
                case "serve" -> {
                    return new ServeCommand(out).run(rest);
                }
                case "client" -> {
                    return new ClientCommand(out, err).run(rest);
                }
                case "bench" -> {
                    return new BenchCommand(out, err).run(rest);
                }
                default -> throw new Options.UsageError("unknown command '" + command
                        + "' (commands: server, serve, client, bench, version; see --help)");
            }
        } catch (Options.UsageError e) {
            String where = command.startsWith("-") || !isCommand(command) ? "" : command + ": ";
            err.println("lws-java-demo: " + where + e.getMessage()
                    + (e.getMessage().contains("--help") ? "" : " (see " + (where.isEmpty() ? "" : command + " ") + "--help)"));
            return USAGE;
        } catch (Failure e) {
            err.println("lws-java-demo: " + command + ": " + e.getMessage());
            return FAILED;
        } catch (LinkageError e) {
            err.println("lws-java-demo: " + command + ": the JNI library could not be loaded or does not match the "
                    + "Java classes (" + e + ")");
            return FAILED;
        }
    }

    private static boolean isCommand(String c) {
        return c.equals("server") || c.equals("serve") || c.equals("client") || c.equals("bench");
    }

    static String version() {
        String v = EchoDemo.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** The run failed for a reason the message explains; the exit status is 1. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }
}
