package io.github.lwsjava.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shaded demo jar running in a fresh JVM ({@code java -jar lws-java-demo.jar ...}), its output captured. */
final class DemoProcess implements AutoCloseable {

    private final List<String> command;
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private DemoProcess(List<String> command, String stdin) throws IOException {
        this.command = command;
        this.process = new ProcessBuilder(command).start();
        outReader = pump(process.getInputStream(), out, "out");
        errReader = pump(process.getErrorStream(), err, "err");
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
    }

    /** The shaded jar (set by Failsafe; target/lws-java-demo.jar when run from an IDE in the module). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("demo.jar", "target/lws-java-demo.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the shaded jar " + jar.toAbsolutePath() + " is missing: run `mvn package` first");
        }
        return jar;
    }

    static DemoProcess start(String... args) throws IOException {
        return startWithInput(null, args);
    }

    static DemoProcess startWithInput(String stdin, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return new DemoProcess(command, stdin);
    }

    /** Runs to the end (at most timeout) and returns the exit status; kills it and fails on time-out. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + timeout + ": " + this);
        }
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    /** Waits for a line of standard output matching regex and returns its first group (or the whole match). */
    String awaitOutput(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(out);
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            if (!process.isAlive()) {
                outReader.join(2000);
                m = p.matcher(out);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
                throw new AssertionError("ended (status " + process.exitValue() + ") without printing /" + regex + "/: " + this);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no output matching /" + regex + "/ within " + timeout + ": " + this);
    }

    /** Asks it to stop as Ctrl-C would (SIGTERM runs the same shutdown hook) and returns the exit status. */
    int stop(Duration timeout) throws InterruptedException {
        // Process.destroy() would also close our ends of its pipes and lose what it prints while stopping
        process.toHandle().destroy();
        return waitFor(timeout);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command.subList(3, command.size())) + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }

    private static Thread pump(InputStream in, StringBuffer sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                char[] buffer = new char[4096];
                int n;
                while ((n = r.read(buffer)) > 0) {
                    sink.append(buffer, 0, n);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "demo-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
