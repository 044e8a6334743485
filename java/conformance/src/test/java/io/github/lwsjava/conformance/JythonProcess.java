package io.github.lwsjava.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code wstest} run under Jython in its own JVM. Output goes to a log file; lines starting with
 * {@code AUTOBAHN_} (printed by the launcher) can be waited for. The process is destroyed when its time is up or
 * on {@link #close()}; it also halts by itself when its standard input (held open here) closes.
 */
final class JythonProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final long deadlineNanos;
    private final ConcurrentHashMap<String, CompletableFuture<String>> markers = new ConcurrentHashMap<>();
    /** "AUTOBAHN_RESULT agent case behavior" lines: agent -> case ids recorded by the suite. */
    private final ConcurrentHashMap<String, Set<String>> results = new ConcurrentHashMap<>();
    private final OutputStream stdin;
    private final Thread pump;

    private JythonProcess(String name, Process process, Path log, Duration timeout) throws IOException {
        this.name = name;
        this.process = process;
        this.log = log;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.stdin = process.getOutputStream();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        this.pump = new Thread(() -> pump(out), "autobahn-" + name + "-log");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code java -cp jython:suite org.python.util.jython launcher -m mode -s spec} in {@code workDir}.
     */
    static JythonProcess start(String name, Path workDir, Path jythonJar, Path suiteJar, Path launcher, String mode,
                               Path spec, List<String> jvmArgs, Duration timeout) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        // no scan of the class path's jars for Java packages: halves the start-up, and the suite needs none
        cmd.add("-Dpython.cachedir.skip=true");
        cmd.add("-Dpython.console.encoding=UTF-8");
        cmd.add("-cp");
        cmd.add(jythonJar + java.io.File.pathSeparator + suiteJar);
        cmd.add("org.python.util.jython");
        cmd.add(launcher.toString());
        cmd.add("-m");
        cmd.add(mode);
        cmd.add("-s");
        cmd.add(spec.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        Path log = workDir.resolve(name + ".log");
        return new JythonProcess(name, pb.start(), log, timeout);
    }

    private void pump(PrintWriter out) {
        try (out; BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.startsWith("AUTOBAHN_RESULT ")) {
                    String[] f = line.split(" ");
                    if (f.length >= 3) {
                        results.computeIfAbsent(f[1], k -> ConcurrentHashMap.newKeySet()).add(f[2]);
                        synchronized (results) {
                            results.notifyAll();
                        }
                    }
                } else if (line.startsWith("AUTOBAHN_")) {
                    int sp = line.indexOf(' ');
                    String key = sp < 0 ? line : line.substring(0, sp);
                    String value = sp < 0 ? "" : line.substring(sp + 1);
                    markers.computeIfAbsent(key, k -> new CompletableFuture<>()).complete(value);
                }
            }
        } catch (IOException e) {
            // process gone
        }
        markers.values().forEach(f -> f.completeExceptionally(new IOException(name + " ended")));
    }

    /** Waits for the first line {@code AUTOBAHN_<key> value} and returns the value. */
    String awaitMarker(String key, Duration timeout) throws InterruptedException, TimeoutException, IOException {
        CompletableFuture<String> f = markers.computeIfAbsent(key, k -> new CompletableFuture<>());
        if (!pump.isAlive() && !f.isDone()) {
            throw new IOException(name + " ended before printing " + key + "; see " + log);
        }
        try {
            return f.get(Math.min(timeout.toNanos(), remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(name + " ended before printing " + key + "; see " + log, e);
        }
    }

    /**
     * Waits until the suite has recorded a result for each of {@code cases} of {@code agent}; returns the number
     * still missing when {@code timeout} is up (0 when all arrived).
     */
    int awaitResults(String agent, Collection<String> cases, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (results) {
            while (true) {
                Set<String> got = results.getOrDefault(agent, Set.of());
                int missing = (int) cases.stream().filter(c -> !got.contains(c)).count();
                long left = end - System.nanoTime();
                if (missing == 0 || left <= 0 || !process.isAlive()) {
                    return missing;
                }
                results.wait(Math.max(1, Math.min(left / 1_000_000, 500)));
            }
        }
    }

    private long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Waits for the process to exit within its time limit; destroys it when the time is up. */
    int awaitExit() throws InterruptedException, TimeoutException {
        if (!process.waitFor(remainingNanos(), TimeUnit.NANOSECONDS)) {
            destroy();
            throw new TimeoutException(name + " did not finish within its time limit and was destroyed; see " + log);
        }
        pump.join(5000);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    private void destroy() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
        if (process.isAlive()) {
            destroy();
        }
        pump.join(5000);
    }
}
