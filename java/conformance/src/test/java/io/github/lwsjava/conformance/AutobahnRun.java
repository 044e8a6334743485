package io.github.lwsjava.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One whole conformance run: the suite's {@code fuzzingclient} against our echo server (plain and deflate, one
 * Jython process), and at the same time the suite's {@code fuzzingserver} against our client (agents
 * {@code lws-java} and {@code lws-java-deflate}, one Jython process). Then the reports are read into four rows.
 */
final class AutobahnRun {

    static final String AGENT = "lws-java";
    static final String AGENT_DEFLATE = "lws-java-deflate";
    static final String ROW_CLIENT = "client";
    static final String ROW_SERVER = "server";
    static final String ROW_CLIENT_DEFLATE = "client+deflate";
    static final String ROW_SERVER_DEFLATE = "server+deflate";
    static final int MAX_MESSAGE_SIZE = 16 << 20;

    /** Settings, from the system properties that the pom passes to Surefire. */
    record Config(Path jythonJar, Path suiteJar, Path workDir, Path resultsFile, Path docsFile, String impl,
                  List<String> cases, List<String> exclude, Duration processTimeout, Duration caseTimeout,
                  List<String> jvmArgs, boolean html, boolean failByDrop) {

        static Config fromSystemProperties() {
            Path work = Path.of(prop("autobahn.workDir", "target/autobahn")).toAbsolutePath();
            List<String> cases = list(prop("autobahn.cases", "1.*,2.*,3.*,4.*,5.*,6.*,7.*,8.*,10.*"));
            List<String> exclude = list(prop("autobahn.exclude", "9.*"));
            boolean perf = cases.contains("*") || cases.stream().anyMatch(c -> c.startsWith("9"));
            String docs = System.getProperty("autobahn.docsFile", "");
            return new Config(
                    jar("autobahn.jython.jar", "org/python/jython-standalone"),
                    jar("autobahn.suite.jar", "me/normanmaurer/maven/autobahntestsuite/autobahntestsuite-maven-plugin"),
                    work,
                    Path.of(prop("autobahn.resultsFile", work.getParent().resolve("autobahn-results.md").toString())),
                    docs.isBlank() ? null : Path.of(docs).toAbsolutePath(),
                    prop("autobahn.impl", "lws"),
                    cases, exclude,
                    Duration.ofSeconds(Long.parseLong(prop("autobahn.timeout", "420"))),
                    Duration.ofSeconds(Long.parseLong(prop("autobahn.caseTimeout", perf ? "300" : "30"))),
                    list(prop("autobahn.jvmArgs", "-Xmx512m")).stream()
                            .flatMap(a -> Arrays.stream(a.split("\\s+"))).filter(a -> !a.isBlank()).toList(),
                    Boolean.parseBoolean(prop("autobahn.html", "false")),
                    Boolean.parseBoolean(prop("autobahn.failByDrop", "true")));
        }

        private static String prop(String key, String def) {
            String v = System.getProperty(key);
            return v == null || v.isBlank() || v.startsWith("${") ? def : v.strip();
        }

        private static List<String> list(String v) {
            return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        /** The jar the pom names, or else the one in the local Maven repository (runs from an IDE). */
        private static Path jar(String key, String repoDir) {
            String v = prop(key, "");
            if (!v.isEmpty()) {
                return Path.of(v);
            }
            Path dir = Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(repoDir);
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(p -> p.toString().endsWith(".jar")).max(Comparator.naturalOrder())
                        .orElseThrow(() -> new IllegalStateException("no jar under " + dir + "; set -D" + key));
            } catch (IOException e) {
                throw new UncheckedIOException("set -D" + key, e);
            }
        }
    }

    private final Config config;
    private final Implementation impl;
    private final long started = System.nanoTime();
    final List<Results.Row> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** Handshake responses seen by the suite, per row: proves that deflate was (or was not) negotiated. */
    final Map<String, String> extensions = new java.util.LinkedHashMap<>();
    Duration elapsed;

    AutobahnRun(Config config, Implementation impl) {
        this.config = config;
        this.impl = impl;
    }

    static void progress(String msg) {
        System.out.println("[autobahn] " + msg);
        System.out.flush();
    }

    private String since() {
        return String.format("%5.1f s", (System.nanoTime() - started) / 1e9);
    }

    void run() throws Exception {
        Path work = config.workDir();
        deleteRecursively(work.resolve("reports"));
        Files.createDirectories(work.resolve("reports"));
        Path launcher = work.resolve("wstest_launcher.py");
        try (InputStream in = AutobahnRun.class.getResourceAsStream("/autobahn/wstest_launcher.py")) {
            Files.write(launcher, in.readAllBytes());
        }
        progress(since() + " implementation '" + impl.name() + "', cases " + config.cases() + " minus "
                + config.exclude() + ", work dir " + work);

        try (Implementation.EchoServer plain = impl.startEchoServer(false, MAX_MESSAGE_SIZE);
             Implementation.EchoServer deflate = impl.startEchoServer(true, MAX_MESSAGE_SIZE)) {
            progress(since() + " our echo servers listen on 127.0.0.1:" + plain.port() + " (plain) and :"
                    + deflate.port() + " (permessage-deflate)");

            Path clientSpec = work.resolve("fuzzingclient.json");
            Files.writeString(clientSpec, "{\n"
                    + "  \"outdir\": \"./reports/servers\",\n"
                    + "  \"options\": {\"failByDrop\": " + config.failByDrop() + "},\n"
                    + "  \"html\": " + config.html() + ",\n"
                    + "  \"servers\": [\n"
                    + "    {\"agent\": \"" + AGENT + "\", \"url\": \"ws://127.0.0.1:" + plain.port() + "\"},\n"
                    + "    {\"agent\": \"" + AGENT_DEFLATE + "\", \"url\": \"ws://127.0.0.1:" + deflate.port()
                    + "\", \"deflate\": true}\n"
                    + "  ],\n"
                    + "  \"cases\": " + jsonList(config.cases()) + ",\n"
                    + "  \"exclude-cases\": " + jsonList(config.exclude()) + ",\n"
                    + "  \"exclude-agent-cases\": {}\n"
                    + "}\n");
            Path serverSpec = work.resolve("fuzzingserver.json");
            Files.writeString(serverSpec, "{\n"
                    + "  \"url\": \"ws://127.0.0.1:0\",\n"
                    + "  \"webport\": 0,\n"
                    + "  \"outdir\": \"./reports/clients\",\n"
                    + "  \"options\": {\"failByDrop\": " + config.failByDrop() + "},\n"
                    + "  \"html\": " + config.html() + ",\n"
                    + "  \"cases\": " + jsonList(config.cases()) + ",\n"
                    + "  \"exclude-cases\": " + jsonList(config.exclude()) + ",\n"
                    + "  \"exclude-agent-cases\": {}\n"
                    + "}\n");

            progress(since() + " starting Jython: fuzzingserver (tests our client) and fuzzingclient (tests our"
                    + " server); logs in " + work);
            try (JythonProcess fuzzingServer = JythonProcess.start("fuzzingserver", work, config.jythonJar(),
                    config.suiteJar(), launcher, "fuzzingserver", serverSpec, config.jvmArgs(),
                    config.processTimeout());
                 JythonProcess fuzzingClient = JythonProcess.start("fuzzingclient", work, config.jythonJar(),
                         config.suiteJar(), launcher, "fuzzingclient", clientSpec, config.jvmArgs(),
                         config.processTimeout())) {

                List<String> serverCases = caseList(fuzzingServer);
                int port = Integer.parseInt(fuzzingServer.awaitMarker("AUTOBAHN_LISTENING", Duration.ofSeconds(180)));
                progress(since() + " fuzzingserver ready on 127.0.0.1:" + port + " with " + serverCases.size()
                        + " cases");

                runClientAgent(port, AGENT, false, serverCases.size());
                runClientAgent(port, AGENT_DEFLATE, true, serverCases.size());
                for (String agent : List.of(AGENT, AGENT_DEFLATE)) {
                    int missing = fuzzingServer.awaitResults(agent, serverCases, Duration.ofSeconds(15));
                    if (missing > 0) {
                        notes.add("fuzzingserver: " + missing + " results of agent " + agent
                                + " still unrecorded 15 s after the last case");
                    }
                }
                updateReports(port, fuzzingServer);
                fuzzingServer.close();

                List<String> clientCases = caseList(fuzzingClient);
                progress(since() + " waiting for fuzzingclient (" + clientCases.size() + " cases per server)");
                try {
                    int exit = fuzzingClient.awaitExit();
                    progress(since() + " fuzzingclient exited with " + exit);
                } catch (TimeoutException e) {
                    // the servers' rows will show every case as missing; the client rows are still worth reporting
                    notes.add(e.getMessage());
                    progress(since() + " " + e.getMessage());
                }

                Map<String, Map<String, Results.CaseResult>> clients = Results.readIndex(work.resolve("reports/clients"));
                Map<String, Map<String, Results.CaseResult>> servers = Results.readIndex(work.resolve("reports/servers"));
                rows.add(row(ROW_CLIENT, AGENT, serverCases, clients));
                rows.add(row(ROW_SERVER, AGENT, clientCases, servers));
                rows.add(row(ROW_CLIENT_DEFLATE, AGENT_DEFLATE, serverCases, clients));
                rows.add(row(ROW_SERVER_DEFLATE, AGENT_DEFLATE, clientCases, servers));
            }
        }
        for (Results.Row r : rows) {
            extensions.put(r.label, negotiatedExtensions(r));
        }
        elapsed = Duration.ofNanos(System.nanoTime() - started);
        progress(since() + " done");
    }

    private static List<String> caseList(JythonProcess p) throws Exception {
        String v = p.awaitMarker("AUTOBAHN_CASES", Duration.ofSeconds(180));
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private void runClientAgent(int port, String agent, boolean deflate, int expected) throws Exception {
        try (Implementation.EchoClient client = impl.newEchoClient(deflate, MAX_MESSAGE_SIZE)) {
            Implementation.Outcome count = client.run(URI.create("ws://127.0.0.1:" + port + "/getCaseCount"),
                    Duration.ofSeconds(30));
            if (count.firstText() == null) {
                throw new IOException("agent " + agent + ": /getCaseCount returned no count (" + count + ")");
            }
            int n = Integer.parseInt(count.firstText().strip());
            if (n != expected) {
                throw new IOException("agent " + agent + ": /getCaseCount says " + n + ", expected " + expected);
            }
            progress(since() + " client agent " + agent + ": running " + n + " cases");
            int timeouts = 0;
            for (int i = 1; i <= n; i++) {
                URI uri = URI.create("ws://127.0.0.1:" + port + "/runCase?case=" + i + "&agent=" + agent);
                Implementation.Outcome o = client.run(uri, config.caseTimeout());
                if (o.timedOut()) {
                    timeouts++;
                    String note = "client agent " + agent + ": case #" + i + " did not close within "
                            + config.caseTimeout().toSeconds() + " s";
                    notes.add(note);
                    progress(since() + " " + note);
                }
            }
            progress(since() + " client agent " + agent + ": " + n + " cases done"
                    + (timeouts > 0 ? ", " + timeouts + " timed out" : ""));
        }
    }

    /**
     * Asks the fuzzingserver to write its reports (index.json, a JSON and maybe an HTML file per case) and waits
     * until the launcher says they are written: the suite writes them before it even answers the handshake, which
     * may take longer than a client's handshake time-out.
     */
    private void updateReports(int port, JythonProcess fuzzingServer) throws Exception {
        try (Implementation.EchoClient client = impl.newEchoClient(false, MAX_MESSAGE_SIZE)) {
            Implementation.Outcome o = client.run(
                    URI.create("ws://127.0.0.1:" + port + "/updateReports?agent=" + AGENT), Duration.ofSeconds(120));
            String written = fuzzingServer.awaitMarker("AUTOBAHN_REPORTS", Duration.ofSeconds(180));
            progress(since() + " fuzzingserver reports written in " + written + " (/updateReports: " + o + ")");
        }
    }

    private static Results.Row row(String label, String agent, List<String> expected,
                                   Map<String, Map<String, Results.CaseResult>> index) {
        Results.Row row = new Results.Row(label, agent, expected);
        row.cases.putAll(index.getOrDefault(agent, Map.of()));
        return row;
    }

    /** The Sec-WebSocket-Extensions response header of the row's first case, as the suite recorded it. */
    private static String negotiatedExtensions(Results.Row row) {
        if (row.cases.isEmpty()) {
            return "(no case)";
        }
        Map<String, Object> d = row.cases.values().iterator().next().details();
        String response = String.valueOf(d.getOrDefault("httpResponse", ""));
        for (String line : response.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Sec-WebSocket-Extensions")) {
                return line.substring(colon + 1).strip();
            }
        }
        return "";
    }

    private static String jsonList(List<String> l) {
        return l.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
