package io.github.lwsjava.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * {@code bench}: ping-pong round trips (send a message, wait for its echo, repeat) on one or more connections,
 * with a live progress line and a final table of the rate and latency percentiles.
 */
final class BenchCommand {

    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Options options() {
        return Connect.declare(new Options("bench", "[options] [URL]", """
                Measures echo round trips against the server at URL: each connection sends a message, waits for its
                echo, and repeats, for --duration seconds after a --warmup. Prints a progress line while it runs
                (updated in place on a terminal, one line per second otherwise) and a final table: round trips per
                second and latency percentiles (p50, p90, p99, p99.9).
                Without URL it starts an echo server in this process on a free loopback port and measures that.
                It says where client and server run (the CPUs this process may use; the server in this process, on
                this machine or elsewhere): a ping-pong rate depends on it. The README's performance table runs
                client and server pinned to one CPU: start both under `taskset -c 0` to compare with it
                (scripts/demo.sh runs the bench both ways).
                """))
                .value("--duration", "SECONDS", "measuring time (default 5)")
                .value("--warmup", "SECONDS", "time before measuring, not counted (default 1)")
                .value("--size", "BYTES", "message size (default 32)")
                .flag("--binary", "send binary messages (default: text)")
                .value("--connections", "N", "connections, each in its own thread (default 1)")
                .flag("--no-progress", "print only the final table");
    }

    int run(String[] args) {
        Options o = options().parse(args);
        if (o.helpRequested()) {
            out.print(o.usage());
            return 0;
        }
        if (o.operands().size() > 1) {
            throw new Options.UsageError("unexpected argument '" + o.operands().get(1) + "' (bench takes one URL)");
        }
        String givenUrl = o.operands().isEmpty() ? null : Options.url(o.operands().get(0));
        long durationMillis = o.seconds("--duration", 5, 0.1, 86400);
        long warmupMillis = o.seconds("--warmup", 1, 0, 3600);
        int size = (int) o.integer("--size", 32, 0, 64L << 20);
        boolean binary = o.has("--binary");
        int connections = (int) o.integer("--connections", 1, 1, 1000);
        boolean progress = !o.has("--no-progress");
        Connect c0 = Connect.from(o, givenUrl == null ? "ws://127.0.0.1/" : givenUrl);

        WebSocketServer server = null;
        String url = givenUrl;
        if (url == null) {
            server = ServerCommand.start("127.0.0.1", 0, null, c0.deflate, null);
            url = "ws://127.0.0.1:" + server.port() + "/";
            out.println("started an echo server in this process: " + url);
        }
        Connect c = Connect.from(o, url);
        WebSocketClient client = c.client(size + 1024);
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                workers.add(new Worker(i, c.connect(client), payload(size, binary), c.timeoutMillis));
            }
            out.printf("bench %s: %d-byte %s messages, %d connection%s, %.1f s warm-up, %.1f s measured%n", url, size,
                    binary ? "binary" : "text", connections, connections == 1 ? "" : "s", warmupMillis / 1000.0,
                    durationMillis / 1000.0);
            out.println(placement(server != null, url));
            return measure(workers, warmupMillis, durationMillis, progress, url, size, binary);
        } finally {
            for (Worker w : workers) {
                w.stop = true;
            }
            for (Worker w : workers) {
                try {
                    w.thread.join(c.timeoutMillis + 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Worker w : workers) {
                Connect.close(w.ws, null);
            }
            client.close();
            if (server != null) {
                server.close();
            }
        }
    }

    private int measure(List<Worker> workers, long warmupMillis, long durationMillis, boolean progress, String url,
                        int size, boolean binary) {
        boolean terminal = System.console() != null;
        long start = System.nanoTime();
        long measureStart = start + warmupMillis * 1_000_000L;
        long end = measureStart + durationMillis * 1_000_000L;
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        for (Worker w : workers) {
            w.start(measureStart, end, failure);
        }
        long interval = (terminal ? 250 : 1000) * 1_000_000L;
        long nextTick = start + interval;
        long lastTick = start;
        String lastLine = "";
        while (true) {
            long now = System.nanoTime();
            boolean running = workers.stream().anyMatch(w -> w.thread.isAlive());
            if (!running || failure.get() != null) {
                break;
            }
            if (now < nextTick) {
                sleepNanos(Math.min(nextTick - now, 50_000_000L));
                continue;
            }
            long[] window = drain(workers);
            if (progress) {
                String line;
                if (now < measureStart) {
                    line = String.format(Locale.ROOT, "warm-up %4.1f s  %,9.0f rt/s", (now - start) / 1e9,
                            window.length / ((now - lastTick) / 1e9));
                } else {
                    Arrays.sort(window);
                    line = String.format(Locale.ROOT, "%5.1f s  %,9.0f rt/s  p50 %s  p99 %s  p99.9 %s  max %s",
                            (now - measureStart) / 1e9, window.length / ((now - lastTick) / 1e9),
                            latency(percentile(window, 50)), latency(percentile(window, 99)),
                            latency(percentile(window, 99.9)), latency(window.length == 0 ? 0 : window[window.length - 1]));
                }
                if (terminal) {
                    out.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
                    out.flush();
                } else {
                    out.println(line);
                }
                lastLine = line;
            }
            lastTick = now;
            nextTick = now + interval;
        }
        if (progress && terminal) {
            out.print("\r" + " ".repeat(lastLine.length()) + "\r");
            out.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        long measuredNanos = Math.min(System.nanoTime(), end) - measureStart;
        long[] all = all(workers);
        if (all.length == 0) {
            throw new EchoDemo.Failure("no round trip completed in the measuring time");
        }
        Arrays.sort(all);
        double seconds = Math.max(measuredNanos, 1) / 1e9;
        double mean = Arrays.stream(all).average().orElse(0);
        out.println();
        out.printf(Locale.ROOT, "result: %s, %d-byte %s messages, %d connection%s, %.1f s%n", url, size,
                binary ? "binary" : "text", workers.size(), workers.size() == 1 ? "" : "s", seconds);
        out.printf(Locale.ROOT, "  round trips      %,12d%n", all.length);
        out.printf(Locale.ROOT, "  round trips/s    %,14.1f%n", all.length / seconds);
        out.printf(Locale.ROOT, "  latency  min     %12s%n", latency(all[0]));
        out.printf(Locale.ROOT, "           mean    %12s%n", latency(Math.round(mean)));
        out.printf(Locale.ROOT, "           p50     %12s%n", latency(percentile(all, 50)));
        out.printf(Locale.ROOT, "           p90     %12s%n", latency(percentile(all, 90)));
        out.printf(Locale.ROOT, "           p99     %12s%n", latency(percentile(all, 99)));
        out.printf(Locale.ROOT, "           p99.9   %12s%n", latency(percentile(all, 99.9)));
        out.printf(Locale.ROOT, "           max     %12s%n", latency(all[all.length - 1]));
        return 0;
    }

    /**
     * Where client and server run: the CPUs this process may use (of those online), and the server's place. On
     * two cores an unpinned ping-pong pays for waking the other core on every hop; pinned to one CPU, client and
     * server hand over directly, as in the README's table.
     */
    static String placement(boolean inProcess, String url) {
        String allowed = procStatus("Cpus_allowed_list");
        String online = readFirstLine("/sys/devices/system/cpu/online");
        String client;
        if (allowed == null || online == null) {
            client = "client: this process, " + Runtime.getRuntime().availableProcessors() + " CPUs usable";
        } else {
            int usable = cpuCount(allowed);
            client = "client: this process on CPU" + (usable == 1 ? " " : "s ") + allowed + " of " + online
                    + (allowed.equals(online) ? " (not pinned)" : " (pinned)");
        }
        String server;
        if (inProcess) {
            server = "server: in this process (same CPUs)";
        } else {
            String host = java.net.URI.create(url).getHost();
            boolean local;
            try {
                local = host != null && java.net.InetAddress.getByName(host.replaceAll("^\\[|\\]$", ""))
                        .isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                local = false;
            }
            server = local ? "server: another process on this machine (loopback; its CPUs are its own)"
                    : "server: " + host + " (another machine, or not on loopback)";
        }
        return "where: " + client + "; " + server;
    }

    /** The number of CPUs in a Linux CPU list such as "0-3,6". */
    static int cpuCount(String list) {
        int n = 0;
        for (String part : list.trim().split(",")) {
            String[] range = part.split("-");
            n += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        return n;
    }

    private static String procStatus(String key) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return line.substring(key.length() + 1).trim();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: say what the JVM knows
        }
        return null;
    }

    private static String readFirstLine(String file) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of(file)).get(0).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Nearest-rank percentile of a sorted array. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** A latency in nanoseconds as "12.3 us" or "4.56 ms". */
    static String latency(long nanos) {
        return nanos < 1_000_000 ? String.format(Locale.ROOT, "%.1f us", nanos / 1e3)
                : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static long[] drain(List<Worker> workers) {
        List<long[]> parts = new ArrayList<>();
        int n = 0;
        for (Worker w : workers) {
            long[] p = w.recorder.drainWindow();
            parts.add(p);
            n += p.length;
        }
        return concat(parts, n);
    }

    private static long[] all(List<Worker> workers) {
        List<long[]> parts = new ArrayList<>();
        int n = 0;
        for (Worker w : workers) {
            long[] p = w.recorder.all();
            parts.add(p);
            n += p.length;
        }
        return concat(parts, n);
    }

    private static long[] concat(List<long[]> parts, int n) {
        long[] result = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, result, at, p.length);
            at += p.length;
        }
        return result;
    }

    private static Object payload(int size, boolean binary) {
        String s = ClientCommand.pattern(1, size);
        return binary ? s.getBytes(StandardCharsets.US_ASCII) : s;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Math.max(1, nanos / 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Latencies of one connection: all of the measured ones, and the window since the last progress line. */
    static final class Recorder {
        private long[] values = new long[1 << 16];
        private int size;
        private int windowStart;
        private final List<Long> warmup = new ArrayList<>();

        synchronized void add(long nanos, boolean measured) {
            if (!measured) {
                // warm-up round trips count for the progress line only
                warmup.add(nanos);
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = nanos;
        }

        synchronized long[] drainWindow() {
            long[] w;
            if (!warmup.isEmpty()) {
                w = warmup.stream().mapToLong(Long::longValue).toArray();
                warmup.clear();
                long[] m = Arrays.copyOfRange(values, windowStart, size);
                long[] both = Arrays.copyOf(w, w.length + m.length);
                System.arraycopy(m, 0, both, w.length, m.length);
                w = both;
            } else {
                w = Arrays.copyOfRange(values, windowStart, size);
            }
            windowStart = size;
            return w;
        }

        synchronized long[] all() {
            return Arrays.copyOf(values, size);
        }
    }

    /** One connection in its own thread, doing round trips until the end time. */
    private static final class Worker {
        final int index;
        final WebSocket ws;
        final Object payload;
        final long timeoutMillis;
        final Recorder recorder = new Recorder();
        Thread thread;
        volatile boolean stop;

        Worker(int index, WebSocket ws, Object payload, long timeoutMillis) {
            this.index = index;
            this.ws = ws;
            this.payload = payload;
            this.timeoutMillis = timeoutMillis;
        }

        void start(long measureStart, long end, AtomicReference<RuntimeException> failure) {
            thread = new Thread(() -> {
                try {
                    long n = 0;
                    while (!stop && failure.get() == null) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        Message m = Connect.roundTrip(ws, payload, timeoutMillis, "round trip " + (n + 1));
                        long t1 = System.nanoTime();
                        if (!Connect.same(m, payload)) {
                            throw new EchoDemo.Failure("echo " + (n + 1) + " on connection " + (index + 1)
                                    + " differs from what was sent");
                        }
                        n++;
                        recorder.add(t1 - t0, t0 >= measureStart && t1 <= end);
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e instanceof EchoDemo.Failure ? e : new EchoDemo.Failure(String.valueOf(e)));
                }
            }, "bench-connection-" + (index + 1));
            thread.setDaemon(true);
            thread.start();
        }
    }
}
