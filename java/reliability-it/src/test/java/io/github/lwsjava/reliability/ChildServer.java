package io.github.lwsjava.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link EchoServerMain} in a child JVM on a fixed port, killed hard (SIGKILL) and restarted by tests. */
final class ChildServer implements AutoCloseable {

    private final Process process;

    private ChildServer(Process process) {
        this.process = process;
    }

    /** Starts the server on port and waits until it listens (retrying while the port is still taken). */
    static ChildServer start(int port) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    EchoServerMain.class.getName(), String.valueOf(port)))
                    .redirectErrorStream(true).start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    StringBuilder all = new StringBuilder();
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("ready ")) {
                            ready.complete(line);
                        } else {
                            all.append(line).append('\n');
                        }
                    }
                    ready.complete("exited: " + all);
                } catch (IOException e) {
                    ready.complete("exited: " + e);
                }
            }, "child-server-output");
            reader.setDaemon(true);
            reader.start();
            String line;
            try {
                line = ready.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IOException("the child server did not start: " + e);
            }
            if (line.startsWith("ready ")) {
                return new ChildServer(p);
            }
            p.destroyForcibly();
            if (System.nanoTime() > end) {
                throw new IOException("the child server did not start on port " + port + ": " + line);
            }
            Thread.sleep(200);
        }
    }

    /** SIGKILL: no close frames, the kernel resets the connections. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
