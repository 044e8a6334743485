package io.github.lwsjava.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for configuration files, with lwsws's one extension: '#' outside a string turns the rest
 * of the line into a comment. Objects become insertion-ordered maps, arrays lists, strings Strings, numbers
 * BigDecimals, true and false Booleans, null {@link #NULL}. A duplicate key, a trailing comma, a control character
 * in a string, a lone surrogate escape, leading zeros or anything after the value is refused with the line and
 * column, and the key path of the value being read.
 */
final class Json {

    /** JSON's null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Nesting deeper than this is refused (no configuration needs it; the reader recurses). */
    private static final int MAX_DEPTH = 64;

    /** A syntax error: where, and the key path of the value being read ("" at the top). */
    static final class SyntaxError extends Exception {
        final String path;

        SyntaxError(String path, int line, int column, String reason) {
            super("line " + line + ", column " + column + ": " + reason);
            this.path = path;
        }
    }

    private final String text;
    private int at;
    private final List<String> path = new ArrayList<>();

    private Json(String text) {
        this.text = text;
    }

    /** Reads one JSON value that makes up the whole text. */
    static Object parse(String text) throws SyntaxError {
        Json j = new Json(text);
        j.skipSpace();
        Object value = j.value();
        j.skipSpace();
        if (j.at < text.length()) {
            throw j.error("unexpected " + j.found() + " after the value");
        }
        return value;
    }

    /** A key path segment: ".name" when the key is a plain word, else ["key"]. */
    static String segment(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? "." + key : "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"]";
    }

    /** A path from its segments, without the leading dot. */
    static String join(List<String> segments) {
        String p = String.join("", segments);
        return p.startsWith(".") ? p.substring(1) : p;
    }

    private Object value() throws SyntaxError {
        if (path.size() > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (at >= text.length()) {
            throw error("the text ends where a value should be");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", NULL);
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    yield number();
                }
                throw error("unexpected " + found() + " where a value should be");
            }
        };
    }

    private Map<String, Object> object() throws SyntaxError {
        at++; // {
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a key in double quotes but found " + found());
            }
            String key = string();
            skipSpace();
            if (peek() != ':') {
                throw error("expected ':' after the key \"" + key + "\" but found " + found());
            }
            at++;
            skipSpace();
            path.add(segment(key));
            if (map.containsKey(key)) {
                throw error("the key \"" + key + "\" appears twice in one object");
            }
            map.put(key, value());
            path.remove(path.size() - 1);
            skipSpace();
            char c = peek();
            at++;
            if (c == '}') {
                return Collections.unmodifiableMap(map);
            }
            if (c != ',') {
                at--;
                throw error("expected ',' or '}' but found " + found());
            }
            skipSpace();
            if (peek() == '}') {
                throw error("a trailing ',' before '}'");
            }
        }
    }

    private List<Object> array() throws SyntaxError {
        at++; // [
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            skipSpace();
            path.add("[" + list.size() + "]");
            list.add(value());
            path.remove(path.size() - 1);
            skipSpace();
            char c = peek();
            at++;
            if (c == ']') {
                return Collections.unmodifiableList(list);
            }
            if (c != ',') {
                at--;
                throw error("expected ',' or ']' but found " + found());
            }
            skipSpace();
            if (peek() == ']') {
                throw error("a trailing ',' before ']'");
            }
        }
    }

    private String string() throws SyntaxError {
        at++; // "
        StringBuilder b = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("the text ends inside a string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                at--;
                throw error("a control character (U+" + String.format("%04X", (int) c) + ") inside a string;"
                        + " write it as an escape");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("the text ends inside a string");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", at)) {
                            throw error("a lone surrogate escape \\u" + String.format("%04x", (int) u));
                        }
                        at += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("a lone surrogate escape \\u" + String.format("%04x", (int) u));
                        }
                        b.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("a lone surrogate escape \\u" + String.format("%04x", (int) u));
                    } else {
                        b.append(u);
                    }
                }
                default -> {
                    at--;
                    throw error("an unknown escape \\" + e + " in a string");
                }
            }
        }
    }

    private char hex4() throws SyntaxError {
        if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9A-Fa-f]{4}")) {
            throw error("\\u needs four hex digits");
        }
        char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
        at += 4;
        return c;
    }

    private BigDecimal number() throws SyntaxError {
        int start = at;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")
                .matcher(text).region(at, text.length());
        if (!m.lookingAt()) {
            throw error("a malformed number");
        }
        at = m.end();
        if (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            throw error("a malformed number (leading zeros, or letters after it)");
        }
        try {
            return new BigDecimal(text.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw error("a number out of range");
        }
    }

    private Object word(String word, Object value) throws SyntaxError {
        if (!text.startsWith(word, at)) {
            throw error("unexpected " + found() + " where a value should be");
        }
        at += word.length();
        return value;
    }

    /** Skips white space and '#' comments (to the end of the line). */
    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                at++;
            } else if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else {
                return;
            }
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private String found() {
        if (at >= text.length()) {
            return "the end of the text";
        }
        int cp = text.codePointAt(at);
        return cp < 0x20 || cp == 0x7f ? "U+" + String.format("%04X", cp) : "'" + Character.toString(cp) + "'";
    }

    private SyntaxError error(String reason) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new SyntaxError(join(path), line, at - lineStart + 1, reason);
    }
}
