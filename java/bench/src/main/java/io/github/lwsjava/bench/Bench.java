package io.github.lwsjava.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
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
 * </pre>
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> o = options(args);
        switch (args[0]) {
            case "client": client(o); break;
            case "server": server(o); break;
            case "report": Report.run(Path.of(o.getOrDefault("in", "bench/results/raw.txt")),
                    Path.of(o.getOrDefault("out", "bench/results"))); break;
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
                + "       report --in raw.txt --out DIR");
        System.exit(2);
    }
}
