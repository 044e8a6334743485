package io.github.lwsjava.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** The three client workloads; each returns the RESULT line's fields after impl/workload/tls. */
final class Workloads {
    private Workloads() {}

    /** One connection, a text message of `size` chars, `n` timed round trips after `warmup` ones. */
    static String pingpong(Driver driver, URI uri, int size, long n, long warmup, long timeoutSec) throws Exception {
        String text = "x".repeat(size);
        Histogram hist = new Histogram(60_000_000_000L, 3);
        CountDownLatch done = new CountDownLatch(1);
        long total = warmup + n;
        // [0] received, [1] send time, [2] start of timed part, [3] bytes allocated by then; only the receive thread
        long[] state = new long[4];
        Driver.Sink sink = new Driver.Sink() {
            @Override
            public void onMessage(Driver.Conn c, boolean isText, int length) {
                long now = System.nanoTime();
                long r = ++state[0];
                // the warm-up runs the very code the timed part runs, recording included, and its values are
                // dropped: otherwise the JIT compiles the recording (and recompiles the deoptimized caller) during
                // the timed part, on the pinned CPU, and a few ms stalls land in p99.9
                hist.recordValue(now - state[1]);
                if (r == warmup) {
                    hist.reset();
                    state[2] = now;
                    state[3] = allocatedBytes();
                }
                if (r == total) {
                    state[2] = now - state[2];
                    state[3] = allocatedBytes() - state[3];
                    done.countDown();
                    return;
                }
                state[1] = System.nanoTime();
                c.sendText(text);
            }

            @Override
            public void onClose(Driver.Conn c, String why) {
                done.countDown();
            }
        };
        Driver.Conn conn = driver.connect(uri, sink).get(timeoutSec, TimeUnit.SECONDS);
        if (warmup == 0) {
            state[2] = System.nanoTime();
            state[3] = allocatedBytes();
        }
        state[1] = System.nanoTime();
        conn.sendText(text); // the latch below publishes state[] back to this thread
        if (!done.await(timeoutSec, TimeUnit.SECONDS) || state[0] != total) {
            throw new IllegalStateException("ping-pong stopped after " + state[0] + " of " + total);
        }
        conn.close();
        double secs = state[2] / 1e9;
        return String.format(Locale.ROOT, "size=%d n=%d secs=%.4f rate=%.1f p50=%.2f p99=%.2f p999=%.2f alloc=%.0f",
                size, n, secs, n / secs, hist.getValueAtPercentile(50) / 1e3,
                hist.getValueAtPercentile(99) / 1e3, hist.getValueAtPercentile(99.9) / 1e3, (double) state[3] / n);
    }

    /** One connection, binary messages of `size` bytes, `window` in flight, `n` timed echoes after `warmup`. */
    static String stream(Driver driver, URI uri, int size, int window, long n, long warmup, long timeoutSec)
            throws Exception {
        ByteBuffer payload = ByteBuffer.allocateDirect(size);
        while (payload.hasRemaining()) {
            payload.put((byte) 'x');
        }
        payload.flip();
        long total = warmup + n;
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        long[] times = new long[4]; // start, end, bytes allocated at the start, bytes allocated during
        CountDownLatch done = new CountDownLatch(1);
        Driver.Conn[] connRef = new Driver.Conn[1];
        Runnable fill = () -> {
            while (true) {
                long s = sent.get();
                if (s >= total || s - received.get() >= window) {
                    return;
                }
                if (sent.compareAndSet(s, s + 1)) {
                    connRef[0].sendBinary(payload);
                }
            }
        };
        Driver.Sink sink = new Driver.Sink() {
            @Override
            public void onMessage(Driver.Conn c, boolean isText, int length) {
                long r = received.incrementAndGet();
                if (r == warmup) {
                    times[0] = System.nanoTime();
                    times[2] = allocatedBytes();
                }
                if (r == total) {
                    times[1] = System.nanoTime();
                    times[3] = allocatedBytes() - times[2];
                    done.countDown();
                    return;
                }
                fill.run();
            }

            @Override
            public void onClose(Driver.Conn c, String why) {
                done.countDown();
            }
        };
        connRef[0] = driver.connect(uri, sink).get(timeoutSec, TimeUnit.SECONDS);
        if (warmup == 0) {
            times[0] = System.nanoTime();
            times[2] = allocatedBytes();
        }
        fill.run();
        if (!done.await(timeoutSec, TimeUnit.SECONDS) || received.get() != total) {
            throw new IllegalStateException("stream stopped after " + received.get() + " of " + total);
        }
        connRef[0].close();
        double secs = (times[1] - times[0]) / 1e9;
        return String.format(Locale.ROOT, "size=%d window=%d n=%d secs=%.4f rate=%.1f mbps=%.2f alloc=%.0f",
                size, window, n, secs, n / secs, (double) n * size / secs / 1e6, (double) times[3] / n);
    }

    /**
     * Bytes allocated on the Java heap so far by every live thread of this JVM (the client's own threads and
     * the harness's): per message, what a client costs the garbage collector. Threads that ended are not counted.
     */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /**
     * `n` connections opened at once, then one 32-byte echo on each. Heap and RSS per connection are measured
     * against a baseline taken after the client exists and one connection has been opened and closed (classes
     * loaded); threads added are counted from before the client was created.
     */
    static String conns(String impl, BenchTls tls, URI uri, int n, long timeoutSec) throws Exception {
        int threads0 = procThreads();
        try (Driver driver = Driver.create(impl, tls)) {
            CountDownLatch warm = new CountDownLatch(1);
            Driver.Conn first = driver.connect(uri, (c, t, l) -> warm.countDown()).get(timeoutSec, TimeUnit.SECONDS);
            first.sendText("x".repeat(32));
            warm.await(timeoutSec, TimeUnit.SECONDS);
            first.close();
            Thread.sleep(200);
            long heap0 = heapAfterGc();
            long rss0 = rssKb();

            CountDownLatch echoed = new CountDownLatch(n);
            Driver.Sink sink = (c, t, l) -> echoed.countDown();
            long t0 = System.nanoTime();
            List<CompletableFuture<Driver.Conn>> fs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                fs.add(driver.connect(uri, sink));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(timeoutSec, TimeUnit.SECONDS);
            long connectNs = System.nanoTime() - t0;
            int threads = procThreads() - threads0;
            long heap1 = heapAfterGc();
            long rss1 = rssKb();

            String text = "x".repeat(32);
            long t1 = System.nanoTime();
            for (CompletableFuture<Driver.Conn> f : fs) {
                f.join().sendText(text);
            }
            if (!echoed.await(timeoutSec, TimeUnit.SECONDS)) {
                throw new IllegalStateException((n - echoed.getCount()) + " of " + n + " echoes arrived");
            }
            long echoNs = System.nanoTime() - t1;
            for (CompletableFuture<Driver.Conn> f : fs) {
                f.join().close();
            }
            return String.format(Locale.ROOT, "n=%d ok=%d connect_ms=%.1f echo_ms=%.1f rss_kb_per_conn=%.2f "
                    + "heap_kb_per_conn=%.2f threads=%d", n, n, connectNs / 1e6, echoNs / 1e6,
                    (rss1 - rss0) / (double) n, (heap1 - heap0) / 1024.0 / n, threads);
        }
    }

    /**
     * Live heap: the heap pools' use right after the last of three full GCs (as the collector left them, so
     * objects that other threads allocate after the collection are not counted).
     */
    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Thread.sleep(50);
            System.gc();
        }
        long used = 0;
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            java.lang.management.MemoryUsage u = pool.getType() == java.lang.management.MemoryType.HEAP
                    ? pool.getCollectionUsage() : null;
            used += u == null ? 0 : u.getUsed();
        }
        return used;
    }

    /** Field of /proc/self/status, in its unit (kB for VmRSS). */
    static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static long rssKb() {
        return procStatus("VmRSS");
    }

    /** All threads of the process, native ones included. */
    static int procThreads() {
        return (int) procStatus("Threads");
    }
}
