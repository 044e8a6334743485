package io.github.lwsjava.serverit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external peers (curl, node, chromium) with a time limit, killing them when it passes. */
final class Processes {

    /** Exit status (-1 after a time-out) and the merged stdout and stderr. */
    record Result(int exit, String output) {
    }

    private Processes() {
    }

    /** Whether an executable of this name is on the PATH. */
    static boolean onPath(String name) {
        return which(name) != null;
    }

    /** The executable's path on the PATH, or null. */
    static Path which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    static Result run(Duration limit, Path dir, String... command) throws IOException, InterruptedException {
        return run(limit, dir, Map.of(), List.of(command));
    }

    static Result run(Duration limit, Path dir, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = io.github.lwsjava.testkit.ForeignProcess.withoutSanitizer(new ProcessBuilder(command))
                .redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        Path out = Files.createTempFile("serverit-", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "TIMED OUT after " + limit + ": " + command + "\n" + read(out));
            }
            return new Result(p.exitValue(), read(out));
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            Files.deleteIfExists(out);
        }
    }

    private static String read(Path out) throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
