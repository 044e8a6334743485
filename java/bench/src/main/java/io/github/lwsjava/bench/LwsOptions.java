package io.github.lwsjava.bench;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builder settings passed through to every lws-java client and server the harness builds, so a run can try a
 * setting without a change to the harness: the system property {@code lwsj.bench.lws} (scripts/bench.sh and
 * bench-scale.sh set it from the environment variable {@code LWSJ_BENCH_LWS}) holds {@code name=value} pairs
 * separated by commas; each names a public one-argument method of the builder (e.g. {@code serviceThreads=2}),
 * called with the value converted to its parameter's type (String, int, long, boolean, an enum constant's name, or
 * a Duration in ISO-8601 or milliseconds). Each builder takes the settings it has (a server-only setting is not
 * passed to the client); a name that neither builder has stops the run ({@link #check}).
 */
final class LwsOptions {
    private LwsOptions() {}

    static final String PROPERTY = "lwsj.bench.lws";

    /** {@return the raw setting, "" when none} */
    static String spec() {
        return System.getProperty(PROPERTY, "").trim();
    }

    /** Throws IllegalArgumentException naming a setting that is malformed or that no builder has. */
    static void check(Class<?>... builders) {
        for (String pair : pairs()) {
            String name = name(pair);
            boolean found = false;
            for (Class<?> b : builders) {
                found |= find(b, name) != null;
            }
            if (!found) {
                throw new IllegalArgumentException(PROPERTY + ": no builder has a one-argument method '" + name + "'");
            }
        }
    }

    /** Applies every setting that this builder has. */
    static <B> B apply(B builder) {
        for (String pair : pairs()) {
            String name = name(pair);
            String value = pair.substring(pair.indexOf('=') + 1).trim();
            Method method = find(builder.getClass(), name);
            if (method == null) {
                continue;
            }
            try {
                method.invoke(builder, convert(method.getParameterTypes()[0], value));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(PROPERTY + ": " + name + "(" + value + ") failed: "
                        + (e.getCause() != null ? e.getCause() : e), e);
            }
        }
        return builder;
    }

    private static String name(String pair) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(PROPERTY + ": '" + pair + "' is not name=value");
        }
        return pair.substring(0, eq).trim();
    }

    private static List<String> pairs() {
        List<String> out = new ArrayList<>();
        for (String p : spec().split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        return out;
    }

    private static Method find(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Class<?> type, String value) {
        if (type == String.class) {
            return value;
        }
        if (type == int.class || type == Integer.class) {
            return Integer.parseInt(value);
        }
        if (type == long.class || type == Long.class) {
            return Long.parseLong(value);
        }
        if (type == boolean.class || type == Boolean.class) {
            return Boolean.parseBoolean(value);
        }
        if (type == Duration.class) {
            return value.startsWith("P") ? Duration.parse(value) : Duration.ofMillis(Long.parseLong(value));
        }
        if (type.isEnum()) {
            return Enum.valueOf((Class) type, value);
        }
        throw new IllegalArgumentException(PROPERTY + ": cannot pass '" + value + "' as a " + type.getName());
    }
}
