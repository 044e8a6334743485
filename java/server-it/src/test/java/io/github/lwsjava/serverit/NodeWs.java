package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * Node's {@code ws} package (version 8) as an independent client. It is installed with npm into
 * {@code target/it-work/node} the first time a test needs it; tests are skipped only when node or npm is absent.
 */
final class NodeWs {

    private static Path dir;

    private NodeWs() {
    }

    /** Skips the calling test when node or npm is not installed, else installs ws@8 once and returns its folder. */
    static synchronized Path require() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Processes.onPath("node") && Processes.onPath("npm"),
                "node and npm are not installed: skipping the test with node's ws client");
        if (dir == null) {
            Path d = Path.of(System.getProperty("serverit.work", "target/it-work"), "node").toAbsolutePath();
            Files.createDirectories(d);
            if (!Files.isDirectory(d.resolve("node_modules/ws"))) {
                Processes.Result r = Processes.run(Duration.ofSeconds(240), d, "npm", "install", "--no-audit",
                        "--no-fund", "--no-save", "--prefix", d.toString(), "ws@8");
                assertEquals(0, r.exit(), "npm install ws@8 failed:\n" + r.output());
            }
            dir = d;
        }
        return dir;
    }

    /** Runs a node script (its text) with arguments, at most limit long; returns its output lines. */
    static List<String> run(String name, String script, Duration limit, String... args) throws Exception {
        Path d = require();
        Path file = d.resolve(name);
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("node", file.toString()));
        command.addAll(List.of(args));
        Processes.Result r = Processes.run(limit, d, Map.of("NODE_PATH", d.resolve("node_modules").toString()), command);
        return r.output().lines().toList();
    }
}
