package io.github.lwsjava.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Node.js's {@code ws} package as an independent WebSocket peer. The package is installed once with npm into a
 * cache folder ({@code ~/.cache/lws-java/node}); scripts shipped in this kit run as child processes, print one
 * line per event on stdout, and end when the test closes them.
 */
public final class NodePeer implements AutoCloseable {

    private static final Path HOME = Path.of(System.getProperty("user.home"), ".cache", "lws-java", "node");
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private NodePeer(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "node-peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Whether node and npm are on this machine. */
    public static boolean available() {
        return run(List.of("node", "--version"), Path.of("."), 20) && run(List.of("npm", "--version"), Path.of("."), 20);
    }

    /** Installs ws (once) and starts the kit's script with these arguments. */
    public static NodePeer start(String script, String... args) throws IOException {
        Path dir = install();
        Path file = dir.resolve(script);
        try (InputStream in = NodePeer.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IOException("no node script " + script + " in the test kit");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of("node", file.toString()));
        command.addAll(List.of(args));
        Process p = ForeignProcess.withoutSanitizer(new ProcessBuilder(command)).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new NodePeer(p);
    }

    private static synchronized Path install() throws IOException {
        Files.createDirectories(HOME);
        if (!Files.isDirectory(HOME.resolve("node_modules/ws"))) {
            if (!run(List.of("npm", "install", "--no-audit", "--no-fund", "--silent", "ws@8"), HOME, 180)) {
                throw new IOException("npm install ws@8 failed in " + HOME);
            }
        }
        return HOME;
    }

    private static boolean run(List<String> command, Path dir, int seconds) {
        try {
            Process p = ForeignProcess.withoutSanitizer(new ProcessBuilder(command)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The next line the script printed, or an AssertionError after the time-out. */
    public String nextLine(long seconds) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("node peer printed nothing within " + seconds + " s");
        }
        return line;
    }

    /** The next line that starts with prefix, skipping others. */
    public String nextLine(String prefix, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String line = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("node peer printed no '" + prefix + "' line within " + seconds + " s");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
