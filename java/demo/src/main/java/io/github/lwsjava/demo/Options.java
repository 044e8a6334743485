package io.github.lwsjava.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.lwsjava.client.WebSocketUrl;

/**
 * A small command-line parser: {@code --name value}, {@code --name=value}, flags, {@code --} before operands that
 * start with a dash, and a help text made from the declared options. Every problem is a {@link UsageError} whose
 * message names it in one line.
 */
final class Options {

    /** A bad command line: the message names the problem; the exit status is 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    private record Spec(String name, String valueName, String help) {
        boolean takesValue() {
            return valueName != null;
        }
    }

    private final String command;
    private final String synopsis;
    private final String description;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> operands = new ArrayList<>();
    private boolean help;

    Options(String command, String synopsis, String description) {
        this.command = command;
        this.synopsis = synopsis;
        this.description = description;
    }

    /** Declares an option that takes a value. */
    Options value(String name, String valueName, String help) {
        specs.put(name, new Spec(name, valueName, help));
        return this;
    }

    /** Declares a flag. */
    Options flag(String name, String help) {
        specs.put(name, new Spec(name, null, help));
        return this;
    }

    /** Parses args; after it, {@link #helpRequested()} tells whether --help was among them. */
    Options parse(String[] args) {
        boolean onlyOperands = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (onlyOperands || !a.startsWith("-") || a.equals("-")) {
                operands.add(a);
                continue;
            }
            if (a.equals("--")) {
                onlyOperands = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            Spec spec = specs.get(name);
            if (spec == null) {
                throw new UsageError("unknown option " + name);
            }
            if (spec.takesValue()) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageError("option " + name + " needs a value (" + spec.valueName + ")");
                    }
                    value = args[++i];
                }
            } else if (value != null) {
                throw new UsageError("option " + name + " takes no value");
            }
            values.put(name, value == null ? "" : value);
        }
        return this;
    }

    boolean helpRequested() {
        return help;
    }

    List<String> operands() {
        return operands;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    long integer(String name, long fallback, long min, long max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.replace("_", "").trim());
        } catch (NumberFormatException e) {
            throw new UsageError(name + ": '" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new UsageError(name + ": " + n + " is outside " + min + "-" + max);
        }
        return n;
    }

    /** A number of seconds (decimals allowed), returned in milliseconds. */
    long seconds(String name, double fallbackSeconds, double min, double max) {
        String v = values.get(name);
        double s = fallbackSeconds;
        if (v != null) {
            try {
                s = Double.parseDouble(v.trim().toLowerCase(Locale.ROOT).replaceAll("s$", ""));
            } catch (NumberFormatException e) {
                throw new UsageError(name + ": '" + v + "' is not a number of seconds");
            }
            if (!(s >= min && s <= max)) {
                throw new UsageError(name + ": " + v + " is outside " + fmt(min) + "-" + fmt(max) + " seconds");
            }
        }
        return Math.round(s * 1000);
    }

    /** A readable file named by the option, or null when the option is absent. */
    Path file(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new UsageError(name + ": '" + v + "' is not a readable file");
        }
        return p;
    }

    /** Checks a WebSocket URL the way the client will parse it. */
    static String url(String url) {
        try {
            WebSocketUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        return url;
    }

    /** The command's help text. */
    String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar lws-java-demo.jar ").append(command).append(' ').append(synopsis).append("\n\n");
        sb.append(description.strip()).append("\n\nOptions:\n");
        List<String[]> rows = new ArrayList<>();
        for (Spec s : specs.values()) {
            rows.add(new String[] {s.name + (s.takesValue() ? " " + s.valueName : ""), s.help});
        }
        rows.add(new String[] {"-h, --help", "show this help and exit"});
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 2;
        for (String[] r : rows) {
            String[] lines = r[1].split("\n");
            sb.append("  ").append(String.format("%-" + width + "s", r[0])).append(lines[0]).append('\n');
            for (int i = 1; i < lines.length; i++) {
                sb.append("  ").append(" ".repeat(width)).append(lines[i]).append('\n');
            }
        }
        return sb.toString();
    }

    String command() {
        return command;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
