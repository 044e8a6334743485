package io.github.lwsjava.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The suite's verdicts, read from {@code reports/{clients,servers}/index.json}, and the allow-list. */
final class Results {

    static final List<String> BEHAVIORS = List.of("OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "UNIMPLEMENTED");

    /** Orders case ids like "1.1.10" numerically by component. */
    static final Comparator<String> CASE_ORDER = (a, b) -> {
        int[] x = Arrays.stream(a.split("\\.")).mapToInt(Integer::parseInt).toArray();
        int[] y = Arrays.stream(b.split("\\.")).mapToInt(Integer::parseInt).toArray();
        return Arrays.compare(x, y);
    };

    /** One case of one agent, as the report's index has it. */
    record CaseResult(String id, String behavior, String behaviorClose, Object remoteCloseCode, Object durationMs,
                      Path reportFile, boolean bareDrop) {

        /** The case's own report (expectation, expected, received, result ...), or an empty map. */
        Map<String, Object> details() {
            try {
                return Json.object(Json.parse(Files.readString(reportFile, StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                return Map.of("error", "cannot read " + reportFile + ": " + e);
            }
        }

        /**
         * The worse of behavior and behaviorClose in the suite's order OK < NON-STRICT < INFORMATIONAL < ...; and
         * FAILED for a bare drop, which the suite itself lets pass (it accepts "no close code" wherever it expects
         * one): RFC 6455 7.1.7 fails a connection with a close frame first.
         */
        String verdict() {
            if (bareDrop) {
                return "FAILED";
            }
            return BEHAVIORS.indexOf(behaviorClose) > BEHAVIORS.indexOf(behavior)
                    && ("FAILED".equals(behaviorClose) || "UNIMPLEMENTED".equals(behaviorClose))
                    ? behaviorClose : behavior;
        }
    }

    /** One row of the table: one agent in one report directory. */
    static final class Row {
        final String label;
        final String agent;
        final List<String> expectedCases;
        final Map<String, CaseResult> cases = new TreeMap<>(CASE_ORDER);

        Row(String label, String agent, List<String> expectedCases) {
            this.label = label;
            this.agent = agent;
            this.expectedCases = expectedCases;
        }

        List<String> missing() {
            List<String> m = new ArrayList<>();
            for (String id : expectedCases) {
                if (!cases.containsKey(id)) {
                    m.add(id);
                }
            }
            return m;
        }

        List<CaseResult> with(String... verdicts) {
            List<String> v = List.of(verdicts);
            List<CaseResult> r = new ArrayList<>();
            for (CaseResult c : cases.values()) {
                if (v.contains(c.verdict())) {
                    r.add(c);
                }
            }
            return r;
        }

        int count(String verdict) {
            return with(verdict).size();
        }
    }

    /** Reads {@code index.json} of a report directory; returns agent -> case id -> result. */
    static Map<String, Map<String, CaseResult>> readIndex(Path reportDir) throws IOException {
        Path index = reportDir.resolve("index.json");
        Map<String, Map<String, CaseResult>> out = new LinkedHashMap<>();
        if (!Files.exists(index)) {
            return out;
        }
        Map<String, Object> agents = Json.object(Json.parse(Files.readString(index, StandardCharsets.UTF_8)));
        for (Map.Entry<String, Object> a : agents.entrySet()) {
            Map<String, CaseResult> cases = new TreeMap<>(CASE_ORDER);
            for (Map.Entry<String, Object> c : Json.object(a.getValue()).entrySet()) {
                Map<String, Object> r = Json.object(c.getValue());
                Path file = reportDir.resolve(String.valueOf(r.get("reportfile")));
                cases.put(c.getKey(), new CaseResult(c.getKey(), (String) r.get("behavior"),
                        (String) r.get("behaviorClose"), r.get("remoteCloseCode"), r.get("duration"),
                        file, bareDrop(file)));
            }
            out.put(a.getKey(), cases);
        }
        return out;
    }

    /**
     * Whether the case expected the implementation to fail the connection with a close code (the suite did not
     * close it itself) and the implementation dropped TCP without sending any.
     */
    static boolean bareDrop(Path reportFile) throws IOException {
        if (!Files.exists(reportFile)) {
            return false;
        }
        Map<String, Object> d = Json.object(Json.parse(Files.readString(reportFile, StandardCharsets.UTF_8)));
        Object expectedClose = d.get("expectedClose");
        if (!(expectedClose instanceof Map<?, ?> ec)) {
            return false;
        }
        return Boolean.FALSE.equals(ec.get("closedByMe")) && ec.get("closeCode") instanceof List<?> codes
                && !codes.isEmpty() && d.get("remoteCloseCode") == null;
    }

    /** An allow-list entry: a case where lws itself deviates, for the rows named, with the reason. */
    record Allowed(String caseId, List<String> rows, String reason) {
        boolean covers(String row, String id) {
            return caseId.equals(id) && (rows.contains("*") || rows.contains(row));
        }
    }

    /**
     * Reads the allow-list: one entry per line, {@code <case id> <rows> <reason>}, where rows is {@code *} or a
     * comma separated list of client, server, client+deflate, server+deflate; {@code #} starts a comment. A case id
     * must be exact: patterns are refused, so the list can never turn into a blanket exclusion.
     */
    static List<Allowed> readAllowList(InputStream in) throws IOException {
        List<Allowed> list = new ArrayList<>();
        if (in == null) {
            return list;
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+", 3);
            if (f.length == 3 && !f[1].equals("*")) {
                for (String row : f[1].split(",")) {
                    if (!List.of("client", "server", "client+deflate", "server+deflate").contains(row)) {
                        throw new IOException("allow-list line " + n + ": unknown row '" + row + "'");
                    }
                }
            }
            if (f.length < 3 || !f[0].matches("\\d+(\\.\\d+)+")) {
                throw new IOException("allow-list line " + n + ": expected '<case id> <rows> <reason>': " + line);
            }
            list.add(new Allowed(f[0], List.of(f[1].split(",")), f[2]));
        }
        return list;
    }
}
