package io.github.lwsjava.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A value of a configuration file with where it is (the file and its key path), read as the type a key wants:
 * anything else is a {@link ConfigException} naming the file, the key and what was wanted. Strings and numbers
 * are interchangeable where lwsws reads both ("port": "443" or 443), and so are lws's spellings of booleans.
 */
record Node(Path file, String path, Object value) {

    /** The child at key (a plain word or anything, quoted as the path needs). */
    Node child(String key, Object child) {
        String segment = Json.segment(key);
        return new Node(file, path.isEmpty() ? segment.substring(segment.startsWith(".") ? 1 : 0) : path + segment,
                child);
    }

    ConfigException error(String reason) {
        return new ConfigException(file, path, reason);
    }

    /**
     * The members of an object, each checked against the keys this place supports: a key lwsws knows but
     * lws-java does not support is refused with the reason given for it (or a general one), any other key as
     * unknown.
     */
    Map<String, Node> object(Set<String> supported, Map<String, String> unsupported) {
        Map<String, Node> members = new LinkedHashMap<>();
        for (Map.Entry<String, Object> m : members().entrySet()) {
            Node child = child(m.getKey(), m.getValue());
            if (!supported.contains(m.getKey())) {
                String why = unsupported.get(m.getKey());
                if (why != null) {
                    throw child.error("lwsws's \"" + m.getKey() + "\" is not supported by lws-java"
                            + (why.isEmpty() ? "" : ": " + why));
                }
                throw child.error("unknown key \"" + m.getKey() + "\" (supported here: " + String.join(", ",
                        supported.stream().sorted().toList()) + ")");
            }
            members.put(m.getKey(), child);
        }
        return members;
    }

    /** The members of an object whose keys are free (names of headers, MIME types, options). */
    @SuppressWarnings("unchecked")
    Map<String, Object> members() {
        if (!(value instanceof Map)) {
            throw error("expected an object ({...}) but found " + describe());
        }
        return (Map<String, Object>) value;
    }

    /** The elements of an array. */
    List<Node> array() {
        if (!(value instanceof List<?> list)) {
            throw error("expected an array ([...]) but found " + describe());
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            nodes.add(new Node(file, path + "[" + i + "]", list.get(i)));
        }
        return nodes;
    }

    /** A string (not empty). */
    String string() {
        if (!(value instanceof String s)) {
            throw error("expected a string but found " + describe());
        }
        if (s.isEmpty()) {
            throw error("is empty");
        }
        return s;
    }

    /** A string, a number or a boolean, as text (the values of options). */
    String text() {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal n) {
            return n.toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        throw error("expected a string, a number or a boolean but found " + describe());
    }

    /** A whole number in [min, max], as a JSON number or a string of digits. */
    int integer(int min, int max) {
        BigDecimal n;
        if (value instanceof BigDecimal d) {
            n = d;
        } else if (value instanceof String s && s.matches("-?[0-9]{1,10}")) {
            n = new BigDecimal(s);
        } else {
            throw error("expected a whole number but found " + describe());
        }
        if (n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(min)) < 0
                || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw error(n.toPlainString() + " is not a whole number from " + min + " to " + max);
        }
        return n.intValueExact();
    }

    /** A boolean: true or false, 1 or 0, or one of lws's strings "1", "0", "on", "off", "yes", "no", "true", "false". */
    boolean bool() {
        if (value instanceof Boolean b) {
            return b;
        }
        String s = value instanceof BigDecimal n ? n.toPlainString() : value instanceof String t ? t : null;
        if (s != null) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "1", "on", "yes", "true" -> {
                    return true;
                }
                case "0", "off", "no", "false" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw error("expected a boolean (true, false, \"1\", \"0\", \"on\", \"off\", \"yes\", \"no\") but found "
                + describe());
    }

    /** A path: absolute, or relative to dir. */
    Path path(Path dir) {
        String s = string();
        if (s.indexOf('\0') >= 0) {
            throw error("a path with a NUL character");
        }
        try {
            return dir.resolve(s).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw error("not a path: " + e.getMessage());
        }
    }

    private String describe() {
        if (value instanceof String s) {
            return "the string \"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
        }
        if (value instanceof BigDecimal n) {
            return "the number " + n.toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        return "null";
    }
}
