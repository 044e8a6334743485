package io.github.lwsjava.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Turns the RESULT lines of a run (raw.txt, one line per measurement, with role/server/rep appended by
 * scripts/bench.sh) into medians, ratios, results.md, results.csv and ratios.png.
 *
 * <p>Every ratio reads "better than the reference when above 1": value / reference for throughput,
 * reference / value for latencies, times, memory and threads.
 */
final class Report {
    private Report() {}

    static final List<String> ORDER = List.of("c", "lws", "lws-uv", "netty", "jetty", "jdk", "javaws", "okhttp",
            "uws");
    static final Map<String, String> NAMES = Map.of("c", "C client over lws (native ceiling)", "lws",
            "lws-java (ours)", "lws-uv", "lws-java on libuv", "netty", "Netty 4.2 epoll", "jetty", "Jetty 12.1", "jdk", "JDK java.net.http",
            "javaws", "Java-WebSocket 1.6", "okhttp", "OkHttp 5", "uws", "uWebSockets.js");
    static final Map<String, String> SERVER_NAMES = Map.of("c", "C echo server over lws (native ceiling)", "lws",
            "lws-java server (ours)", "lws-uv", "lws-java server on libuv", "netty",
            "Netty 4.2 epoll server");

    static String name(Scenario s, String subject) {
        return (s.key.startsWith("server") ? SERVER_NAMES : NAMES).getOrDefault(subject, subject);
    }

    /** metric, unit, higher is better */
    record Metric(String key, String unit, boolean higherBetter) {}

    static List<Metric> metrics(String workload) {
        switch (workload) {
            case "pingpong": return List.of(new Metric("rate", "round trips/s", true), new Metric("p50", "µs", false),
                    new Metric("p99", "µs", false), new Metric("p999", "µs", false),
                    new Metric("alloc", "heap B/round trip", false));
            case "stream": return List.of(new Metric("rate", "msgs/s", true), new Metric("mbps", "MB/s", true),
                    new Metric("alloc", "heap B/msg", false));
            default: return List.of(new Metric("connect_ms", "ms", false), new Metric("echo_ms", "ms", false),
                    new Metric("rss_kb_per_conn", "KiB RSS/conn", false),
                    new Metric("heap_kb_per_conn", "KiB heap/conn", false), new Metric("threads", "threads", false));
        }
    }

    static final class Scenario {
        final String key;
        final String label;
        final String workload;
        final Map<String, Map<String, List<Double>>> values = new TreeMap<>(
                (a, b) -> Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b)) : a.compareTo(b));

        Scenario(String key, String label, String workload) {
            this.key = key;
            this.label = label;
            this.workload = workload;
        }

        Double median(String subject, String metric) {
            Map<String, List<Double>> m = values.get(subject);
            List<Double> v = m == null ? null : m.get(metric);
            if (v == null || v.isEmpty()) {
                return null;
            }
            double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }

        Double ratio(String subject, String ref, Metric m) {
            Double v = median(subject, m.key);
            Double r = median(ref, m.key);
            if (v == null || r == null || v <= 0 || r <= 0) {
                return null;
            }
            return m.higherBetter ? v / r : r / v;
        }
    }

    static int rank(String subject) {
        int i = ORDER.indexOf(subject);
        return i < 0 ? ORDER.size() : i;
    }

    static void run(Path in, Path outDir) throws IOException {
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        for (String line : Files.readAllLines(in)) {
            if (!line.startsWith("RESULT ")) {
                continue;
            }
            Map<String, String> f = new LinkedHashMap<>();
            for (String kv : line.substring(7).trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    f.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            String role = f.getOrDefault("role", "client");
            String workload = f.get("workload");
            String tls = "1".equals(f.get("tls")) ? "wss" : "ws";
            String subject = role.equals("server") ? f.getOrDefault("server", "?") : f.get("impl");
            String what;
            if (workload.equals("pingpong")) {
                what = "ping-pong " + f.get("size") + " B text, pinned to one CPU";
            } else if (workload.equals("stream")) {
                what = "streaming " + f.get("size") + " B binary, " + f.get("window") + " in flight";
            } else {
                what = f.get("n") + " connections at once, then one echo each";
            }
            String label = (role.equals("server")
                    ? "Server: echo servers compared, driven by the " + ("c".equals(f.get("impl")) ? "C lws" : f.get("impl")) + " client"
                    : "Client: clients compared against the " + switch (f.getOrDefault("server", "c")) {
                        case "c" -> "C lws";
                        case "uws" -> "uWebSockets.js (not lws)";
                        default -> f.get("server");
                    } + " echo server")
                    + " - " + what + " (" + tls + ")";
            String key = role + "|" + workload + "|" + tls + "|" + f.get("size") + "|" + f.get("window") + "|"
                    + (role.equals("server") ? f.get("impl") : f.getOrDefault("server", "c"));
            Scenario s = scenarios.computeIfAbsent(key, k -> new Scenario(k, label, workload));
            for (Metric m : metrics(workload)) {
                String v = f.get(m.key);
                if (v != null) {
                    s.values.computeIfAbsent(subject, k -> new LinkedHashMap<>())
                            .computeIfAbsent(m.key, k -> new ArrayList<>()).add(Double.parseDouble(v));
                }
            }
        }
        Files.createDirectories(outDir);
        StringBuilder md = new StringBuilder();
        StringBuilder csv = new StringBuilder("scenario,subject,metric,unit,higher_is_better,median,reps,"
                + "ratio_to_netty,ratio_to_c\n");
        md.append("# Benchmark results\n\n")
          .append("Medians over the repetitions. Each cell: `median (×Netty, ×C)`, where the ratios read "
                  + "**better than the reference when above 1** (value/reference for throughput, "
                  + "reference/value for latency, time, memory and threads). Reference rows: Netty 4.2 (epoll) "
                  + "and the C client over the same static lws 4.3.5 (the native ceiling); in server tables, "
                  + "the Netty echo server and the C lws echo server. Loopback (127.0.0.1) only.\n\n");
        for (Scenario s : scenarios.values()) {
            List<Metric> ms = metrics(s.workload);
            md.append("## ").append(s.label).append("\n\n| ").append(s.key.startsWith("server") ? "server" : "client");
            for (Metric m : ms) {
                md.append(" | ").append(m.key).append(" (").append(m.unit).append(')');
            }
            md.append(" |\n|---");
            ms.forEach(m -> md.append("|---:"));
            md.append("|\n");
            for (String subj : s.values.keySet()) {
                md.append("| ").append(name(s, subj));
                for (Metric m : ms) {
                    Double v = s.median(subj, m.key);
                    md.append(" | ").append(v == null ? "–" : fmt(v)).append(v == null ? "" : " ("
                            + fmtRatio(s.ratio(subj, "netty", m)) + ", " + fmtRatio(s.ratio(subj, "c", m)) + ")");
                    if (v != null) {
                        csv.append('"').append(s.label.replace("\"", "'")).append("\",").append(subj).append(',')
                           .append(m.key).append(',').append(m.unit).append(',').append(m.higherBetter).append(',')
                           .append(String.format(Locale.ROOT, "%.4f", v)).append(',')
                           .append(s.values.get(subj).get(m.key).size()).append(',')
                           .append(csvRatio(s.ratio(subj, "netty", m))).append(',')
                           .append(csvRatio(s.ratio(subj, "c", m))).append('\n');
                    }
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        md.append("![ratios to Netty](ratios.png)\n");
        Files.writeString(outDir.resolve("results.md"), md);
        Files.writeString(outDir.resolve("results.csv"), csv);
        plot(new ArrayList<>(scenarios.values()), outDir.resolve("ratios.png"));
        System.out.print(md);
    }

    static String fmt(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmtRatio(Double r) {
        return r == null ? "–" : String.format(Locale.ROOT, "%.2f×", r);
    }

    static String csvRatio(Double r) {
        return r == null ? "" : String.format(Locale.ROOT, "%.4f", r);
    }

    /** A titled group of bars: one ratio per subject. */
    record Group(String title, List<String> subjects, List<Double> ratios) {}

    /** Horizontal bars: for each scenario's headline metric, every subject's ratio to Netty (1.0 marked). */
    static void plot(List<Scenario> scenarios, Path png) throws IOException {
        List<Group> groups = new ArrayList<>();
        for (Scenario s : scenarios) {
            List<Metric> heads = s.workload.equals("conns")
                    ? List.of(metrics("conns").get(0), metrics("conns").get(2)) : List.of(metrics(s.workload).get(0));
            if (s.workload.equals("stream")) {
                heads = List.of(metrics("stream").get(0));
            }
            for (Metric m : heads) {
                List<String> subj = new ArrayList<>();
                List<Double> rs = new ArrayList<>();
                for (String x : s.values.keySet()) {
                    Double r = s.ratio(x, "netty", m);
                    if (r != null) {
                        subj.add(name(s, x));
                        rs.add(r);
                    }
                }
                if (!rs.isEmpty()) {
                    groups.add(new Group(s.label.replaceFirst(" - ", ": ") + " — " + m.key, subj, rs));
                }
            }
        }
        bars(groups, "Ratio to Netty (above 1 = better than Netty), medians", png);
    }

    /**
     * Draws groups of horizontal bars, a dashed line at 1.0; bars of lws-java red, of the C client grey, of Netty
     * blue, the rest light blue (by the subject's name).
     */
    static void bars(List<Group> groups, String heading, Path png) throws IOException {
        int bar = 16;
        int width = 1200;
        int left = 260;
        int height = 60;
        for (Group g : groups) {
            height += 28 + g.subjects.size() * (bar + 4) + 8;
        }
        double max = 1.5;
        for (Group g : groups) {
            for (double r : g.ratios) {
                max = Math.max(max, Math.min(r, 5.0));
            }
        }
        max = Math.ceil(max * 2) / 2;
        BufferedImage img = new BufferedImage(width, Math.max(height, 120), BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g2.setColor(Color.WHITE);
        g2.fillRect(0, 0, width, img.getHeight());
        g2.setColor(Color.BLACK);
        g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g2.drawString(heading, 12, 24);
        int plotW = width - left - 120;
        int y = 44;
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        for (Group g : groups) {
            g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g2.setColor(Color.DARK_GRAY);
            String t = g.title.length() > 160 ? g.title.substring(0, 157) + "..." : g.title;
            g2.drawString(t, 12, y + 14);
            y += 22;
            int top = y;
            g2.setFont(small);
            for (int i = 0; i < g.subjects.size(); i++) {
                double r = g.ratios.get(i);
                String name = g.subjects.get(i);
                g2.setColor(Color.BLACK);
                g2.drawString(name, 12, y + bar - 3);
                int w = (int) Math.round(Math.min(r, max) / max * plotW);
                g2.setColor(name.startsWith("lws-java") ? new Color(0xD9534F)
                        : name.startsWith("C ") ? new Color(0x5B5B5B)
                        : name.startsWith("Netty") ? new Color(0x337AB7) : new Color(0x9DB8D9));
                g2.fillRect(left, y, Math.max(w, 1), bar);
                g2.setColor(Color.BLACK);
                g2.drawString(String.format(Locale.ROOT, "%.2f×%s", r, r > max ? " (cut)" : ""), left + w + 6,
                        y + bar - 3);
                y += bar + 4;
            }
            int x1 = left + (int) Math.round(1.0 / max * plotW);
            g2.setColor(Color.BLACK);
            g2.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 3}, 0));
            g2.drawLine(x1, top - 2, x1, y);
            g2.setStroke(new BasicStroke(1));
            y += 8;
        }
        g2.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    static String[] split(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).toArray(String[]::new);
    }
}
