package io.github.lwsjava.reliability;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/**
 * Soak (profile {@code soak} only): thousands of connect/send/close cycles, clients created and closed, and a long
 * stream of messages; native memory (RSS), heap after GC, threads and open file descriptors must stay flat.
 * Sizes: -Dsoak.cycles (default 5000), -Dsoak.clients (100), -Dsoak.messages (500000).
 */
@Timeout(900)
class SoakTest {

    record Figures(long rssKib, long heapKib, int threads, int fds) {
        static Figures now() throws InterruptedException {
            long heap = Proc.heapAfterGcKib();
            Thread.sleep(200);
            return new Figures(Proc.rssKib(), heap, Proc.threads(), Proc.openFds());
        }

        @Override
        public String toString() {
            return String.format("RSS %,d KiB, heap after GC %,d KiB, %d threads, %d open fds", rssKib, heapKib, threads, fds);
        }
    }

    /** Open eventfd descriptors (lws's cancel pipe is one per context). */
    static int eventFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return (int) s.filter(p -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(p).toString().contains("eventfd");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
    }

    static void cycle(WebSocketClient client, String url, int i) throws Exception {
        Events ev = new Events();
        WebSocket ws = client.connect(url, ev).get(10, TimeUnit.SECONDS);
        ws.sendText("cycle " + i);
        assertEquals("cycle " + i, ev.next("text").text());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    static void cycles(WebSocketClient client, String url, int n, int parallel) throws Exception {
        Semaphore window = new Semaphore(parallel);
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        for (int w = 0; w < parallel; w++) {
            Thread t = new Thread(() -> {
                for (long i; (i = next.getAndIncrement()) < n && errors.isEmpty(); ) {
                    try {
                        cycle(client, url, (int) i);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("a cycle failed", errors.get(0));
        }
    }

    static void stream(WebSocketClient client, String url, int messages) throws Exception {
        AtomicLong received = new AtomicLong();
        Semaphore inFlight = new Semaphore(2000); // released by the echo: the server's queue stays small
        CompletableFuture<Void> done = new CompletableFuture<>();
        WebSocket ws = client.connect(url, new WebSocket.Listener() {
            @Override
            public void onBinary(WebSocket w, java.nio.ByteBuffer data) {
                inFlight.release();
                if (received.incrementAndGet() == messages) {
                    done.complete(null);
                }
            }
        }).get(10, TimeUnit.SECONDS);
        byte[] payload = new byte[1024];
        for (int i = 0; i < messages; i++) {
            if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("echoes stopped after " + received.get() + " messages");
            }
            ws.sendBinary(payload);
        }
        done.get(120, TimeUnit.SECONDS);
        ws.close();
    }

    @Test
    void resourcesStayFlatOverThousandsOfCyclesAndALongStream() throws Exception {
        int cycles = Integer.getInteger("soak.cycles", 5000);
        int clients = Integer.getInteger("soak.clients", 100);
        int messages = Integer.getInteger("soak.messages", 500_000);
        try (WebSocketServer server = WebSocketServer.builder().handler(Peers.ECHO).build()) {
            String url = "ws://127.0.0.1:" + server.port() + "/soak";
            WebSocketClient client = WebSocketClient.create();
            // warm-up: JIT, JavaCPP, malloc arenas, lws pools
            cycles(client, url, 300, 4);
            stream(client, url, 20_000);
            for (int i = 0; i < 5; i++) {
                try (WebSocketClient c = WebSocketClient.create()) {
                    cycle(c, url, i);
                }
            }
            Figures before = Figures.now();
            System.out.println("soak before: " + before);

            long t0 = System.nanoTime();
            cycles(client, url, cycles, 4);
            long t1 = System.nanoTime();
            Figures afterCycles = Figures.now();
            System.out.printf("soak: %d connect/send/close cycles in %.1f s -> %s%n", cycles, (t1 - t0) / 1e9, afterCycles);

            stream(client, url, messages);
            long t2 = System.nanoTime();
            Figures after = Figures.now();
            System.out.printf("soak: %d messages of 1 KiB echoed in %.1f s -> %s%n", messages, (t2 - t1) / 1e9, after);

            System.out.printf("soak delta: RSS %+,d KiB, heap %+,d KiB, threads %+d, fds %+d%n",
                    after.rssKib() - before.rssKib(), after.heapKib() - before.heapKib(),
                    after.threads() - before.threads(), after.fds() - before.fds());
            assertTrue(after.fds() - before.fds() <= 4, "file descriptors leaked: " + before + " -> " + after);
            assertTrue(after.threads() - before.threads() <= 2, "threads leaked: " + before + " -> " + after);
            assertTrue(after.heapKib() - before.heapKib() < 16 * 1024, "heap grew: " + before + " -> " + after);
            assertTrue(after.rssKib() - before.rssKib() < 64 * 1024, "native memory grew: " + before + " -> " + after);
            // no steady growth between the phases either
            assertTrue(after.rssKib() - afterCycles.rssKib() < 48 * 1024, "RSS kept growing: " + afterCycles + " -> " + after);
            client.close();

            // whole clients (one lws context and service thread each) created, used and closed
            Figures beforeClients = Figures.now();
            long t3 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                try (WebSocketClient c = WebSocketClient.create()) {
                    cycle(c, url, i);
                }
            }
            long t4 = System.nanoTime();
            Figures afterClients = Figures.now();
            int eventFds = eventFds();
            System.out.printf("soak: %d clients created, used and closed in %.1f s -> %s (%d eventfds open)%n", clients,
                    (t4 - t3) / 1e9, afterClients, eventFds);
            System.out.printf("soak clients delta: RSS %+,d KiB (%+.1f KiB per client), heap %+,d KiB, threads %+d, fds %+d%n",
                    afterClients.rssKib() - beforeClients.rssKib(),
                    (afterClients.rssKib() - beforeClients.rssKib()) / (double) clients,
                    afterClients.heapKib() - beforeClients.heapKib(), afterClients.threads() - beforeClients.threads(),
                    afterClients.fds() - beforeClients.fds());
            assertTrue(afterClients.threads() - beforeClients.threads() <= 2, "threads leaked: " + afterClients);
            int leaked = afterClients.fds() - beforeClients.fds();
            if (leaked > 4 && !Boolean.getBoolean("soak.strictContextFds")) {
                // lws 4.3.5: lws_context_destroy() leaves the cancel-pipe eventfd open, one per context
                // (upstream libwebsockets issue 2744, fixed on v4.3-stable after 4.3.5). Tolerated until the
                // native build patches it; -Dsoak.strictContextFds=true makes it fail.
                System.out.println("soak WARNING: " + leaked + " fds leaked by " + clients
                        + " client contexts (known lws 4.3.5 eventfd leak)");
                assertTrue(leaked <= clients + 4, "more than one fd per context leaked: " + leaked);
            } else {
                assertTrue(leaked <= 4, "fds leaked by client contexts: " + leaked);
            }        }
    }
}
