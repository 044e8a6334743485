package io.github.lwsjava.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Autobahn|Testsuite against our client and our echo server, with and without permessage-deflate. The run
 * happens once for the class; each row of the results table is one test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutobahnConformanceTest {

    private AutobahnRun.Config config;
    private AutobahnRun run;
    private List<Results.Allowed> allow;
    private String implName;

    @BeforeAll
    void runSuite() throws Exception {
        config = AutobahnRun.Config.fromSystemProperties();
        try (InputStream in = getClass().getResourceAsStream("/autobahn/allowlist.txt")) {
            allow = Results.readAllowList(in);
        }
        Implementation impl = implementation(config.impl());
        implName = impl.name();
        Files.createDirectories(config.workDir());
        run = new AutobahnRun(config, impl);
        try {
            run.run();
        } finally {
            writeResults();
        }
    }

    private static Implementation implementation(String which) throws Exception {
        String cls = switch (which) {
            case "lws" -> "io.github.lwsjava.conformance.LwsImplementation";
            case "standin" -> "io.github.lwsjava.conformance.standin.StandinImplementation";
            default -> which;
        };
        return (Implementation) Class.forName(cls).getDeclaredConstructor().newInstance();
    }

    private void writeResults() throws Exception {
        if (run == null || run.rows.isEmpty()) {
            return;
        }
        String md = ResultsTable.markdown(run, config, implName, allow);
        Files.createDirectories(config.resultsFile().toAbsolutePath().getParent());
        Files.writeString(config.resultsFile(), md, StandardCharsets.UTF_8);
        AutobahnRun.progress("results written to " + config.resultsFile());
        if (config.docsFile() != null) {
            Files.createDirectories(config.docsFile().getParent());
            Files.writeString(config.docsFile(), md, StandardCharsets.UTF_8);
            AutobahnRun.progress("results copied to " + config.docsFile());
        }
        // the table and the listings on the console too
        System.out.println(md);
    }

    @AfterAll
    void summary() {
        if (run != null && run.elapsed != null) {
            AutobahnRun.progress(String.format("whole run took %.1f s", run.elapsed.toMillis() / 1000.0));
        }
    }

    @Test
    void client() {
        check(AutobahnRun.ROW_CLIENT);
    }

    @Test
    void server() {
        check(AutobahnRun.ROW_SERVER);
    }

    @Test
    void clientWithDeflate() {
        check(AutobahnRun.ROW_CLIENT_DEFLATE);
    }

    @Test
    void serverWithDeflate() {
        check(AutobahnRun.ROW_SERVER_DEFLATE);
    }

    /** The deflate rows really negotiated permessage-deflate, the plain rows did not. */
    @Test
    void deflateNegotiatedOnlyWhenEnabled() {
        Map<String, String> ext = run.extensions;
        for (String row : List.of(AutobahnRun.ROW_CLIENT_DEFLATE, AutobahnRun.ROW_SERVER_DEFLATE)) {
            assertTrue(String.valueOf(ext.get(row)).contains("permessage-deflate"),
                    row + ": handshake response did not accept permessage-deflate: '" + ext.get(row) + "'");
        }
        for (String row : List.of(AutobahnRun.ROW_CLIENT, AutobahnRun.ROW_SERVER)) {
            assertEquals("", ext.get(row), row + ": an extension was negotiated without deflate being enabled");
        }
    }

    private void check(String label) {
        Results.Row row = run.rows.stream().filter(r -> r.label.equals(label)).findFirst().orElse(null);
        assertNotNull(row, "no results for " + label);
        List<String> problems = new ArrayList<>();
        for (Results.CaseResult c : row.with("FAILED", "UNIMPLEMENTED")) {
            String reason = ResultsTable.allowedReason(allow, label, c.id());
            if (reason != null) {
                AutobahnRun.progress(label + " " + c.id() + " " + c.verdict() + " allowed: " + reason);
                continue;
            }
            Map<String, Object> d = c.details();
            problems.add(c.id() + " " + c.verdict() + " (close " + c.behaviorClose() + ", remote close code "
                    + c.remoteCloseCode() + "): " + ResultsTable.oneLine(d.get("description"))
                    + "\n      result: " + ResultsTable.oneLine(d.get("result"))
                    + "\n      close: " + ResultsTable.oneLine(d.get("resultClose"))
                    + "\n      expected: " + Json.abbreviate(String.valueOf(d.get("expected")), 300)
                    + "\n      received: " + Json.abbreviate(String.valueOf(d.get("received")), 300)
                    + "\n      report: " + c.reportFile());
        }
        for (String m : row.missing()) {
            if (ResultsTable.allowedReason(allow, label, m) == null) {
                problems.add(m + " missing from the report");
            }
        }
        for (Results.CaseResult c : row.with("NON-STRICT", "INFORMATIONAL")) {
            AutobahnRun.progress(label + " " + c.id() + " " + c.verdict() + ": "
                    + ResultsTable.oneLine(c.details().get("result")));
        }
        for (Results.Allowed a : allow) {
            if (a.rows().contains(label) || a.rows().contains("*")) {
                Results.CaseResult c = row.cases.get(a.caseId());
                if (c != null && "OK".equals(c.verdict())) {
                    AutobahnRun.progress(label + " " + a.caseId() + " passes in this run: its allow-list entry may be obsolete");
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(label + ": " + problems.size() + " of " + row.expectedCases.size() + " cases failed:\n  - "
                    + String.join("\n  - ", problems));
        }
    }
}
