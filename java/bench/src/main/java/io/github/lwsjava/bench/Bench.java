package io.github.lwsjava.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the benchmark harness (scripts/bench.sh drives it; one fresh JVM per measurement).
 *
 * <pre>
 * client --impl netty|jetty|jdk|javaws|okhttp|lws --workload pingpong|stream|conns --url ws://127.0.0.1:P/
 *        [--ca ca.pem] [--n N] [--warmup W] [--size B] [--window K] [--timeout S]
 *     prints: RESULT impl=... workload=... tls=0|1 ... (the same line as native/bench's lws-bench-client)
 * server --impl lws|netty --port P [--cert cert.pem --key key.pem] [--threads N --deflate on] (lws only)
 *     prints "READY port" and echoes until killed
 * report --in raw.txt --out DIR
 *     medians, ratios to Netty and to the C client, results.md, results.csv, ratios.png
 * scale-server --impl lws|netty --port P [--ports K]
 *     the scale workload's server (echo, broadcast and memory figures on request): prints "READY port"
 * scale-client --impl lws|netty --url ws://127.0.0.1:P/ --n N [--ports K] [--inflight K] [--warmup W] [--timeout S]
 *              [--barrier DIR --parties K --id I]
 *     prints: RESULT impl=... workload=scale tls=0 server=... connect_ms=... (or FAILED ... phase=... ok=... n=...)
 * scale-report --in scale-raw.txt --out DIR [--docs docs/performance.md]
 *     scale.md, scale.csv, scale.png; with --docs, the table between the scale markers of that file
 * </pre>
 *
 * <p>The system property {@code lwsj.bench.lws} passes settings to every lws-java builder ({@link LwsOptions}).
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> o = options(args);
        LwsOptions.check(io.github.lwsjava.client.WebSocketClient.Builder.class,
                io.github.lwsjava.server.WebSocketServer.Builder.class);
        switch (args[0]) {
            case "client": client(o); break;
            case "server": server(o); break;
            case "report": Report.run(Path.of(o.getOrDefault("in", "bench/results/raw.txt")),
                    Path.of(o.getOrDefault("out", "bench/results"))); break;
            case "scale-server": scaleServer(o); break;
            case "scale-client": scaleClient(o); break;
            case "scale-report": ScaleReport.run(Path.of(req(o, "in")), Path.of(req(o, "out")),
                    o.containsKey("docs") ? Path.of(o.get("docs")) : null); break;
            default: usage();
        }
    }

    private static void client(Map<String, String> o) throws Exception {
        String impl = req(o, "impl");
        String workload = req(o, "workload");
        URI uri = URI.create(req(o, "url"));
        long timeout = Long.parseLong(o.getOrDefault("timeout", "120"));
        BenchTls tls = o.containsKey("ca") ? BenchTls.trusting(Path.of(o.get("ca"))) : BenchTls.none();
        long n = Long.parseLong(o.getOrDefault("n", "10000"));
        long warmup = Long.parseLong(o.getOrDefault("warmup", "1000"));
        int size = Integer.parseInt(o.getOrDefault("size", "32"));
        int window = Integer.parseInt(o.getOrDefault("window", "16"));
        // a hung library must not hang the whole benchmark
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep((timeout + 30) * 1000);
                System.err.println("bench: " + impl + " " + workload + " timed out");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // finished in time
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String fields;
        try {
            if (workload.equals("conns")) {
                fields = Workloads.conns(impl, tls, uri, (int) n, timeout);
            } else {
                try (Driver driver = Driver.create(impl, tls)) {
                    fields = workload.equals("pingpong")
                            ? Workloads.pingpong(driver, uri, size, n, warmup, timeout)
                            : Workloads.stream(driver, uri, size, window, n, warmup, timeout);
                }
            }
        } catch (Throwable t) {
            System.err.println("bench: " + impl + " " + workload + " failed: " + t);
            t.printStackTrace();
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        }
        System.out.println("RESULT impl=" + impl + " workload=" + workload + " tls=" + (tls.enabled() ? 1 : 0)
                + " " + fields);
        System.out.flush();
        // non-daemon threads of some libraries would keep the JVM alive
        Runtime.getRuntime().halt(0);
    }

    private static void server(Map<String, String> o) throws Exception {
        String cert = o.get("cert");
        int port = EchoServers.start(req(o, "impl"), Integer.parseInt(o.getOrDefault("port", "0")),
                cert == null ? null : Path.of(cert), cert == null ? null : Path.of(req(o, "key")),
                Integer.parseInt(o.getOrDefault("threads", "1")), "on".equals(o.get("deflate")));
        System.out.println("READY " + port);
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }

    private static void scaleServer(Map<String, String> o) throws Exception {
        int port = ScaleServer.start(req(o, "impl"), Integer.parseInt(o.getOrDefault("port", "0")),
                Integer.parseInt(o.getOrDefault("ports", "1")));
        System.out.println("READY " + port + " lws_options=" + LwsOptions.spec().replace(' ', '_'));
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }

    private static void scaleClient(Map<String, String> o) throws Exception {
        String impl = req(o, "impl");
        long timeout = Long.parseLong(o.getOrDefault("timeout", "120"));
        int n = Integer.parseInt(req(o, "n"));
        String head = "impl=" + impl + " workload=scale tls=0";
        Thread watchdog = new Thread(() -> {
            try {
                // every phase is bounded by the timeout; this catches a hang between them
                Thread.sleep(timeout * 6 * 1000);
                System.out.println("FAILED " + head + " n=" + n + " the whole run timed out");
                System.out.flush();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // finished in time
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String fields;
        try {
            URI first = URI.create(req(o, "url"));
            List<URI> uris = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(o.getOrDefault("ports", "1")); i++) {
                uris.add(URI.create("ws://" + first.getHost() + ":" + (first.getPort() + i) + first.getPath()));
            }
            fields = ScaleClient.run(impl, BenchTls.none(), uris, n,
                    Integer.parseInt(o.getOrDefault("inflight", "1000")), Integer.parseInt(o.getOrDefault("warmup", "500")),
                    timeout, o.containsKey("barrier") ? Path.of(o.get("barrier")) : null,
                    Integer.parseInt(o.getOrDefault("parties", "1")), o.getOrDefault("id", "0"));
        } catch (ScaleClient.PhaseFailure f) {
            System.out.println("FAILED " + head + " " + f.getMessage());
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        } catch (Throwable t) {
            System.out.println("FAILED " + head + " n=" + n + " " + t);
            t.printStackTrace();
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        }
        String opts = LwsOptions.spec();
        System.out.println("RESULT " + head + " " + fields + (opts.isEmpty() ? "" : " lws_options=" + opts.replace(' ', '_')));
        System.out.flush();
        Runtime.getRuntime().halt(0); // without closing 2 x n connections one by one
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage();
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static String req(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            System.err.println("missing --" + key);
            usage();
        }
        return v;
    }

    private static void usage() {
        System.err.println("usage: client --impl I --workload pingpong|stream|conns --url U [--ca PEM] [--n N] "
                + "[--warmup W] [--size B] [--window K] [--timeout S]\n"
                + "       server --impl lws|netty --port P [--cert PEM --key PEM] [--threads N --deflate on]\n"
                + "       report --in raw.txt --out DIR\n"
                + "       scale-server --impl lws|netty --port P [--ports K]\n"
                + "       scale-client --impl lws|netty --url U --n N [--ports K] [--inflight K] [--warmup W] [--timeout S] "
                + "[--barrier DIR --parties K --id I]\n"
                + "       scale-report --in scale-raw.txt --out DIR [--docs docs/performance.md]");
        System.exit(2);
    }
}
