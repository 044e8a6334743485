package io.github.lwsjava.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of the scale workload (issue 17): against a {@link ScaleServer}, opens `n` connections (at
 * most `inflight` handshakes at a time, spread round-robin over the server's ports), then one 32-byte echo on each, then asks the server for one broadcast of
 * 32 bytes to all of them; measures this process's RSS and heap per connection and asks the server for its own.
 *
 * <p>Before the timed part: a control connection (kept open; not one of the n) and a warm-up of `warmup`
 * connections opened, echoed and closed, so classes are loaded and the code compiled on both sides; then both
 * baselines are taken after a full GC. With the JVM started with -Xms = -Xmx and -XX:+AlwaysPreTouch, the heap is
 * resident from the start, so the RSS delta is the memory outside the Java heap (native buffers, lws's per
 * connection state, thread stacks) and the heap delta the live Java objects: their sum is the process's cost per
 * connection (the kernel's socket buffers are in neither, and are the same for every library).
 *
 * <p>Several clients can run at once against several servers (more connections than one process may hold): with
 * {@code --barrier DIR --parties K}, each waits at the start of the connect, echo and broadcast phases until all K
 * have arrived, and prints absolute times (System.nanoTime, CLOCK_MONOTONIC, the same clock in every process) so
 * that the report can give the spans over all of them.
 *
 * <p>Every wait is bounded by the timeout; a failure names the phase and how many of n succeeded.
 */
final class ScaleClient {
    private final Driver driver;
    private final List<URI> uris;
    private final int n;
    private final int inflight;
    private final long timeoutNs;
    private final Path barrier;
    private final int parties;
    private final String id;
    private final String echoText = "x".repeat(32);

    /** Replies of the server on the control connection. */
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(16);
    private final AtomicInteger broadcasts = new AtomicInteger();
    private final AtomicLong lastBroadcastNs = new AtomicLong();
    private final AtomicLong broadcastCallNs = new AtomicLong();
    private final AtomicInteger closedEarly = new AtomicInteger();
    private volatile CountDownLatch echoDone;
    private volatile CountDownLatch broadcastDone;

    private ScaleClient(Driver driver, List<URI> uris, int n, int inflight, long timeoutSec, Path barrier, int parties,
            String id) {
        this.driver = driver;
        this.uris = uris;
        this.n = n;
        this.inflight = inflight;
        this.timeoutNs = TimeUnit.SECONDS.toNanos(timeoutSec);
        this.barrier = barrier;
        this.parties = parties;
        this.id = id;
    }

    /** Failure of one phase: what happened and how many of n had succeeded. */
    static final class PhaseFailure extends Exception {
        PhaseFailure(String phase, long ok, long n, String why) {
            super("phase=" + phase + " ok=" + ok + " n=" + n + " " + why);
        }
    }

    /** Receives the n connections' messages: echoes and broadcasts. */
    private final Driver.Sink sink = new Driver.Sink() {
        @Override
        public void onMessage(Driver.Conn conn, boolean text, int length) {
            CountDownLatch d = echoDone;
            if (d != null) {
                d.countDown();
            }
        }

        @Override
        public void onText(Driver.Conn conn, CharSequence text) {
            if (text.length() == ScaleServer.BROADCAST_CHARS && text.charAt(0) != 'x') {
                long now = System.nanoTime();
                if (broadcasts.incrementAndGet() == 1) {
                    broadcastCallNs.set(Long.parseLong(text, 0, text.length(), 10));
                }
                lastBroadcastNs.accumulateAndGet(now, Math::max);
                CountDownLatch d = broadcastDone;
                if (d != null) {
                    d.countDown();
                }
            } else {
                onMessage(conn, true, text.length());
            }
        }

        @Override
        public void onClose(Driver.Conn conn, String why) {
            closedEarly.incrementAndGet();
        }
    };

    /** The warm-up connections' sink: echoes counted, their closes (ours) not. */
    private final Driver.Sink warmSink = new Driver.Sink() {
        @Override
        public void onMessage(Driver.Conn conn, boolean text, int length) {
            sink.onMessage(conn, text, length);
        }
    };

    /** The control connection's sink: replies starting with '!' are queued; the broadcast is ignored. */
    private final Driver.Sink controlSink = new Driver.Sink() {
        @Override
        public void onMessage(Driver.Conn conn, boolean text, int length) {
            // the broadcast also reaches the control connection: not one of the n
        }

        @Override
        public void onText(Driver.Conn conn, CharSequence text) {
            if (text.length() > 0 && text.charAt(0) == '!') {
                replies.offer(text.toString());
            }
        }
    };

    static String run(String impl, BenchTls tls, List<URI> uris, int n, int inflight, int warmup, long timeoutSec,
            Path barrier, int parties, String id) throws Exception {
        if (!impl.equals("lws") && !impl.equals("netty")) {
            throw new IllegalArgumentException("the scale workload runs the lws and netty clients, not " + impl);
        }
        int threads0 = Workloads.procThreads();
        try (Driver driver = Driver.create(impl, tls)) {
            return new ScaleClient(driver, uris, n, inflight, timeoutSec, barrier, parties, id).run(warmup, threads0);
        }
    }

    private String run(int warmup, int threads0) throws Exception {
        Driver.Conn control = driver.connect(uris.get(0), controlSink).get(timeoutNs, TimeUnit.NANOSECONDS);
        // warm-up: classes loaded and code compiled on both sides before the baselines
        List<Driver.Conn> warm = open(warmup, "warmup", warmSink);
        echo(warm, "warmup");
        for (Driver.Conn c : warm) {
            c.close();
        }
        warm = null; // not part of the baseline
        progress("warm-up done");
        Map<String, String> server0 = serverStats(control, 1);
        long heap0 = Workloads.heapAfterGc();
        long rss0 = Workloads.rssKb();

        await("connect");
        long connect0 = System.nanoTime();
        List<Driver.Conn> conns = open(n, "connect", sink);
        long connect1 = System.nanoTime();
        progress(String.format(Locale.ROOT, "%d open in %.1f s", n, (connect1 - connect0) / 1e9));
        int threads = Workloads.procThreads() - threads0;
        long heap1 = Workloads.heapAfterGc();
        long rss1 = Workloads.rssKb();
        Map<String, String> server1 = serverStats(control, n + 1);

        await("echo");
        long echo0 = System.nanoTime();
        echo(conns, "echo");
        long echo1 = System.nanoTime();
        progress("echoed");

        await("broadcast");
        broadcastDone = new CountDownLatch(n);
        long trigger = System.nanoTime();
        control.sendText("!broadcast");
        String done = reply("!broadcast");
        if (!broadcastDone.await(remaining(trigger), TimeUnit.NANOSECONDS)) {
            throw new PhaseFailure("broadcast", broadcasts.get(), n, "broadcasts arrived in time");
        }
        long callNs = broadcastCallNs.get();
        long returnNs = Long.parseLong(field(done, "return_ns"));
        long last = lastBroadcastNs.get();
        if (closedEarly.get() > 0) {
            throw new PhaseFailure("broadcast", n - closedEarly.get(), n, "connections closed by the server");
        }
        String impl = server1.getOrDefault("impl", "?");
        long sRss = Long.parseLong(server1.get("rss_kb")) - Long.parseLong(server0.get("rss_kb"));
        long sHeap = Long.parseLong(server1.get("heap_b")) - Long.parseLong(server0.get("heap_b"));
        return String.format(Locale.ROOT, "server=%s id=%s n=%d ok=%d inflight=%d connect_ms=%.1f echo_ms=%.1f "
                        + "broadcast_ms=%.1f broadcast_return_ms=%.1f broadcast_trigger_ms=%.1f "
                        + "client_rss_kb_per_conn=%.2f client_heap_kb_per_conn=%.2f client_kb_per_conn=%.2f "
                        + "server_rss_kb_per_conn=%.2f server_heap_kb_per_conn=%.2f server_kb_per_conn=%.2f "
                        + "client_threads=%d server_threads_total=%s "
                        + "client_rss_kb=%d client_heap_b=%d server_rss_kb=%d server_heap_b=%d "
                        + "t_connect0=%d t_connect1=%d t_echo0=%d t_echo1=%d t_bcast_call=%d t_bcast_last=%d",
                impl, id, n, n, inflight, (connect1 - connect0) / 1e6, (echo1 - echo0) / 1e6,
                (last - callNs) / 1e6, (returnNs - callNs) / 1e6, (last - trigger) / 1e6,
                (rss1 - rss0) / (double) n, (heap1 - heap0) / 1024.0 / n,
                ((rss1 - rss0) + (heap1 - heap0) / 1024.0) / n,
                sRss / (double) n, sHeap / 1024.0 / n, (sRss + sHeap / 1024.0) / n,
                threads, server1.get("threads"),
                rss1 - rss0, heap1 - heap0, sRss, sHeap,
                connect0, connect1, echo0, echo1, callNs, last);
    }

    /** Opens `count` connections, at most `inflight` handshakes at a time. */
    private List<Driver.Conn> open(int count, String phase, Driver.Sink to) throws Exception {
        long start = System.nanoTime();
        Semaphore window = new Semaphore(inflight);
        List<Driver.Conn> conns = java.util.Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long report = start;
        for (int i = 0; i < count; i++) {
            if (System.nanoTime() - report > 5_000_000_000L) {
                report = System.nanoTime();
                progress(phase + ": " + conns.size() + " of " + count + " open");
            }
            if (!window.tryAcquire(remaining(start), TimeUnit.NANOSECONDS)) {
                throw new PhaseFailure(phase, conns.size(), count, "timed out with " + i + " started");
            }
            driver.connect(uris.get(i % uris.size()), to).whenComplete((c, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                } else {
                    conns.add(c);
                }
                window.release();
            });
        }
        if (!window.tryAcquire(inflight, remaining(start), TimeUnit.NANOSECONDS)) {
            throw new PhaseFailure(phase, conns.size(), count, "timed out waiting for the last handshakes");
        }
        if (failed.get() > 0) {
            throw new PhaseFailure(phase, conns.size(), count, failed.get() + " failed, the first: " + firstError.get());
        }
        return new ArrayList<>(conns);
    }

    /** One 32-byte text on each connection; returns once every echo is back. */
    private void echo(List<Driver.Conn> conns, String phase) throws Exception {
        long start = System.nanoTime();
        CountDownLatch d = new CountDownLatch(conns.size());
        echoDone = d;
        for (Driver.Conn c : conns) {
            c.sendText(echoText);
        }
        if (!d.await(remaining(start), TimeUnit.NANOSECONDS)) {
            throw new PhaseFailure(phase, conns.size() - d.getCount(), conns.size(), "echoes arrived in time");
        }
        echoDone = null;
    }

    /** Asks the server for its figures, waiting (bounded) until it counts `expected` open connections. */
    private Map<String, String> serverStats(Driver.Conn control, int expected) throws Exception {
        long start = System.nanoTime();
        while (true) {
            control.sendText("!stats");
            String r = reply("!stats");
            Map<String, String> f = fields(r);
            if (Integer.parseInt(f.get("conns")) == expected) {
                return f;
            }
            if (remaining(start) <= 0) {
                throw new PhaseFailure("stats", Integer.parseInt(f.get("conns")), expected,
                        "the server counts that many open connections");
            }
            Thread.sleep(200);
        }
    }

    private String reply(String prefix) throws Exception {
        String r = replies.poll(timeoutNs, TimeUnit.NANOSECONDS);
        if (r == null || !r.startsWith(prefix)) {
            throw new PhaseFailure(prefix.substring(1), 0, 1, "server replied " + r);
        }
        return r;
    }

    /** Waits at the barrier until every party has arrived at `phase` (when several clients run at once). */
    private void await(String phase) throws Exception {
        if (barrier == null || parties <= 1) {
            return;
        }
        Files.createDirectories(barrier);
        Files.writeString(barrier.resolve(phase + "." + id), "");
        long start = System.nanoTime();
        while (count(phase) < parties) {
            if (remaining(start) <= 0) {
                throw new PhaseFailure("barrier-" + phase, count(phase), parties, "parties arrived in time");
            }
            Thread.sleep(20);
        }
    }

    private long count(String phase) throws IOException {
        try (var s = Files.list(barrier)) {
            return s.filter(p -> p.getFileName().toString().startsWith(phase + ".")).count();
        }
    }

    private final long born = System.nanoTime();

    /** A progress line on stderr (scripts/bench-scale.sh keeps it in its log). */
    private void progress(String what) {
        System.err.printf(Locale.ROOT, "scale-client %s [%5.1f s] %s%n", id, (System.nanoTime() - born) / 1e9, what);
    }

    private long remaining(long start) {
        return timeoutNs - (System.nanoTime() - start);
    }

    static Map<String, String> fields(String line) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        for (String kv : line.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return f;
    }

    private static String field(String line, String key) {
        String v = fields(line).get(key);
        if (v == null) {
            throw new IllegalStateException("no " + key + " in '" + line + "'");
        }
        return v;
    }
}
