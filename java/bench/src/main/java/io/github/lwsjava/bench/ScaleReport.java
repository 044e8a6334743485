package io.github.lwsjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns the RESULT lines of a scale run (scale-raw.txt: {@link ScaleClient}'s lines, with {@code group=} and
 * {@code rep=} appended by scripts/bench-scale.sh) into scale.md, scale.csv and scale.png, and optionally the
 * section between {@value #BEGIN} and {@value #END} of docs/performance.md.
 *
 * <p>A group is one measurement of one client/server pair: {@code single} is one client process against one
 * server process; {@code split} is several client processes, each against its own server process, at once
 * (together more connections than one process may hold): its totals are summed and its times are spans over all
 * processes (first start to last end, on the shared monotonic clock). Medians over the repetitions.
 *
 * <p>Ratios here read as the goals do: <b>ours ÷ Netty, at most 1.00 meets the goal</b> (times and
 * memory: lower is better).
 */
final class ScaleReport {
    private ScaleReport() {}

    static final String BEGIN = "<!-- scale:begin (written by scripts/bench.sh --scale) -->";
    static final String END = "<!-- scale:end -->";

    /** One measurement of a pair, aggregated over its processes. */
    record Run(String group, String client, String server, int rep, int processes, long n, double connectMs,
            double echoMs, double broadcastMs, double clientRssKb, double clientHeapKb, double serverRssKb,
            double serverHeapKb, double clientThreads, double serverThreads) {
        double clientKb() {
            return clientRssKb + clientHeapKb;
        }

        double serverKb() {
            return serverRssKb + serverHeapKb;
        }
    }

    /** The median of a figure over the repetitions of one pair of one group. */
    static final class Pair {
        final String group;
        final String client;
        final String server;
        final List<Run> runs = new ArrayList<>();

        Pair(String group, String client, String server) {
            this.group = group;
            this.client = client;
            this.server = server;
        }

        double median(Function<Run, Double> f) {
            double[] a = runs.stream().mapToDouble(f::apply).sorted().toArray();
            return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }
    }

    static void run(Path in, Path outDir, Path docs) throws IOException {
        Map<String, List<Map<String, String>>> byMeasurement = new LinkedHashMap<>();
        for (String line : Files.readAllLines(in)) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> f = ScaleClient.fields(line.substring(7));
                String key = f.get("group") + "|" + f.get("impl") + "|" + f.get("server") + "|" + f.get("rep");
                byMeasurement.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
        }
        java.util.Set<String> options = new java.util.TreeSet<>();
        for (List<Map<String, String>> lines : byMeasurement.values()) {
            lines.forEach(f -> options.add(f.getOrDefault("lws_options", "")));
        }
        Map<String, Pair> pairs = new TreeMap<>();
        for (List<Map<String, String>> lines : byMeasurement.values()) {
            Run r = aggregate(lines);
            pairs.computeIfAbsent(r.group + "|" + r.client + "|" + r.server,
                    k -> new Pair(r.group, r.client, r.server)).runs.add(r);
        }
        Files.createDirectories(outDir);
        options.remove("");
        String md = (options.isEmpty() ? "" : "lws-java builder settings (LWSJ_BENCH_LWS): " + String.join("; ", options)
                + "\n\n") + markdown(pairs);
        Files.writeString(outDir.resolve("scale.md"), "# Scale benchmark results\n\n" + md);
        Files.writeString(outDir.resolve("scale.csv"), csv(pairs));
        plot(pairs, outDir.resolve("scale.png"));
        if (docs != null) {
            writeDocs(docs, md.replace("](scale.png)", "](../bench/results/scale.png)"));
        }
        System.out.print(md);
    }

    static Run aggregate(List<Map<String, String>> lines) {
        Map<String, String> first = lines.get(0);
        long n = 0;
        double cRss = 0;
        double cHeap = 0;
        double sRss = 0;
        double sHeap = 0;
        double cThreads = 0;
        double sThreads = 0;
        long c0 = Long.MAX_VALUE;
        long c1 = Long.MIN_VALUE;
        long e0 = Long.MAX_VALUE;
        long e1 = Long.MIN_VALUE;
        long b0 = Long.MAX_VALUE;
        long b1 = Long.MIN_VALUE;
        for (Map<String, String> f : lines) {
            n += Long.parseLong(f.get("n"));
            cRss += Double.parseDouble(f.get("client_rss_kb"));
            cHeap += Double.parseDouble(f.get("client_heap_b")) / 1024;
            sRss += Double.parseDouble(f.get("server_rss_kb"));
            sHeap += Double.parseDouble(f.get("server_heap_b")) / 1024;
            cThreads = Math.max(cThreads, Double.parseDouble(f.get("client_threads")));
            sThreads = Math.max(sThreads, Double.parseDouble(f.get("server_threads_total")));
            c0 = Math.min(c0, Long.parseLong(f.get("t_connect0")));
            c1 = Math.max(c1, Long.parseLong(f.get("t_connect1")));
            e0 = Math.min(e0, Long.parseLong(f.get("t_echo0")));
            e1 = Math.max(e1, Long.parseLong(f.get("t_echo1")));
            b0 = Math.min(b0, Long.parseLong(f.get("t_bcast_call")));
            b1 = Math.max(b1, Long.parseLong(f.get("t_bcast_last")));
        }
        return new Run(first.get("group"), first.get("impl"), first.get("server"),
                Integer.parseInt(first.getOrDefault("rep", "1")), lines.size(), n, (c1 - c0) / 1e6, (e1 - e0) / 1e6,
                (b1 - b0) / 1e6, cRss / n, cHeap / n, sRss / n, sHeap / n, cThreads, sThreads);
    }

    static String name(String impl) {
        return impl.equals("lws") ? "lws-java" : impl.equals("netty") ? "Netty" : impl;
    }

    /** A ratio ours ÷ Netty between two pairs of a group, or null when either is missing. */
    static Double ratio(Map<String, Pair> pairs, String group, String oursClient, String oursServer,
            String refClient, String refServer, Function<Run, Double> f) {
        Pair a = pairs.get(group + "|" + oursClient + "|" + oursServer);
        Pair b = pairs.get(group + "|" + refClient + "|" + refServer);
        if (a == null || b == null) {
            return null;
        }
        double ref = b.median(f);
        return ref <= 0 ? null : a.median(f) / ref;
    }

    /** The comparisons: label, ours (client, server), Netty's (client, server), whose memory counts. */
    record Comparison(String label, String oc, String os, String rc, String rs, Function<Run, Double> memory) {}

    static final List<Comparison> COMPARISONS = List.of(
            new Comparison("full stack: lws-java client + server ÷ Netty client + server", "lws", "lws", "netty",
                    "netty", r -> r.clientKb() + r.serverKb()),
            new Comparison("client, against the lws-java server", "lws", "lws", "netty", "lws", Run::clientKb),
            new Comparison("client, against the Netty server", "lws", "netty", "netty", "netty", Run::clientKb),
            new Comparison("server, driven by the lws-java client", "lws", "lws", "lws", "netty", Run::serverKb),
            new Comparison("server, driven by the Netty client", "netty", "lws", "netty", "netty", Run::serverKb));

    static String markdown(Map<String, Pair> pairs) {
        StringBuilder md = new StringBuilder();
        for (String group : List.of("single", "split")) {
            List<Pair> ps = pairs.values().stream().filter(p -> p.group.equals(group)).toList();
            if (ps.isEmpty()) {
                continue;
            }
            Pair any = ps.get(0);
            int procs = any.runs.get(0).processes;
            long n = any.runs.get(0).n;
            md.append(group.equals("single")
                    ? String.format(Locale.ROOT, "### %,d connections, one client process and one server process%n%n", n)
                    : String.format(Locale.ROOT, "### %,d connections over %d client and %d server processes "
                            + "(each pair on its own server ports), at once%n%n", n, procs, procs));
            md.append("Medians of ").append(any.runs.size()).append(" run(s). Times: opening all connections, one "
                    + "32-byte echo on each, one 32-byte broadcast\nfrom the server's call to its arrival at the last "
                    + "client.\nMemory per connection: RSS outside the Java heap + live heap after a full GC.\n\n");
            md.append("| client | server | connections | connect (s) | echo (ms) | broadcast (ms) | "
                    + "client RSS + heap (KiB/conn) | server RSS + heap (KiB/conn) | client threads | "
                    + "server threads (process) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Pair p : ps) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.2f | %.0f | %.0f | %.2f + %.2f = %.2f | "
                                + "%.2f + %.2f = %.2f | %.0f | %.0f |%n", name(p.client), name(p.server),
                        (long) p.median(r -> (double) r.n), p.median(r -> r.connectMs) / 1000,
                        p.median(r -> r.echoMs), p.median(r -> r.broadcastMs), p.median(r -> r.clientRssKb),
                        p.median(r -> r.clientHeapKb), p.median(Run::clientKb), p.median(r -> r.serverRssKb),
                        p.median(r -> r.serverHeapKb), p.median(Run::serverKb), p.median(r -> r.clientThreads),
                        p.median(r -> r.serverThreads)));
            }
            StringBuilder rows = new StringBuilder();
            for (Comparison c : COMPARISONS) {
                Double connect = ratio(pairs, group, c.oc, c.os, c.rc, c.rs, r -> r.connectMs);
                if (connect == null) {
                    continue;
                }
                rows.append("| ").append(c.label).append(" | ").append(goal(connect)).append(" | ")
                  .append(fmt(ratio(pairs, group, c.oc, c.os, c.rc, c.rs, r -> r.echoMs))).append(" | ")
                  .append(goal(ratio(pairs, group, c.oc, c.os, c.rc, c.rs, r -> r.broadcastMs))).append(" | ")
                  .append(goal(ratio(pairs, group, c.oc, c.os, c.rc, c.rs, c.memory))).append(" |\n");
            }
            if (rows.length() > 0) {
                md.append("\nOurs ÷ Netty (the goal: at most 1.00×; times and memory, lower is better):\n\n"
                        + "| comparison (same peer) | connect time | echo time | broadcast time | RSS + heap per "
                        + "connection |\n|---|---:|---:|---:|---:|\n").append(rows);
            }
            md.append('\n');
        }
        md.append("![ours ÷ Netty, scale](scale.png)\n");
        return md.toString();
    }

    static String fmt(Double r) {
        return r == null ? "–" : String.format(Locale.ROOT, "%.2f×", r);
    }

    /** The ratio, in bold when it meets the goal (at most 1.00). */
    static String goal(Double r) {
        return r == null ? "–" : r <= 1.0 ? "**" + fmt(r) + "**" : fmt(r);
    }

    static String csv(Map<String, Pair> pairs) {
        StringBuilder csv = new StringBuilder("group,client,server,rep,processes,n,connect_ms,echo_ms,broadcast_ms,"
                + "client_rss_kb_per_conn,client_heap_kb_per_conn,server_rss_kb_per_conn,server_heap_kb_per_conn,"
                + "client_threads,server_threads\n");
        for (Pair p : pairs.values()) {
            for (Run r : p.runs) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%.0f,%.0f%n",
                        r.group, r.client, r.server, r.rep, r.processes, r.n, r.connectMs, r.echoMs, r.broadcastMs,
                        r.clientRssKb, r.clientHeapKb, r.serverRssKb, r.serverHeapKb, r.clientThreads,
                        r.serverThreads));
            }
        }
        return csv.toString();
    }

    /** One group of bars per goal and group: each comparison's ours ÷ Netty. */
    static void plot(Map<String, Pair> pairs, Path png) throws IOException {
        List<Report.Group> groups = new ArrayList<>();
        record Goal(String title, Function<Comparison, Function<Run, Double>> figure) {}
        List<Goal> goals = List.of(new Goal("connect time", c -> r -> r.connectMs),
                new Goal("broadcast time", c -> r -> r.broadcastMs),
                new Goal("RSS + heap per connection", c -> c.memory));
        for (String group : List.of("single", "split")) {
            for (Goal g : goals) {
                List<String> labels = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                long n = 0;
                for (Comparison c : COMPARISONS) {
                    Double r = ratio(pairs, group, c.oc, c.os, c.rc, c.rs, g.figure.apply(c));
                    if (r != null) {
                        labels.add("lws-java " + c.label.replaceFirst(":.*", "").replace("server, driven by the",
                                "server, with the").replace("client, against the", "client, with the"));
                        values.add(r);
                        n = pairs.get(group + "|" + c.oc + "|" + c.os).runs.get(0).n;
                    }
                }
                if (!values.isEmpty()) {
                    groups.add(new Report.Group(String.format(Locale.ROOT, "%,d connections (%s): %s", n,
                            group.equals("single") ? "one process per side" : "several processes per side", g.title),
                            labels, values));
                }
            }
        }
        Report.bars(groups, "Scale: ours ÷ Netty, same peer (at most 1 meets the goal; lower is better)", png);
    }

    /** Replaces the scale section of the docs file (between the markers), or appends one. */
    static void writeDocs(Path docs, String section) throws IOException {
        String text = Files.readString(docs);
        String block = BEGIN + "\n" + section + END;
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b >= 0 && e > b) {
            text = text.substring(0, b) + block + text.substring(e + END.length());
        } else {
            text = text + (text.endsWith("\n") ? "\n" : "\n\n") + block + "\n";
        }
        Files.writeString(docs, text);
    }
}
