package io.github.lwsjava.testkit;

import java.util.Map;

/**
 * Starting a peer that is not one of our JVMs (node, Chromium, curl, a C test server). Under scripts/sanitize.sh the
 * test JVMs run with the AddressSanitizer runtime preloaded, and their children inherit it: a foreign program with
 * it preloaded may hang (curl does), so it starts without it.
 */
public final class ForeignProcess {

    private ForeignProcess() {
    }

    /** Removes the sanitizer runtime and its options from the environment pb gives its process; returns pb. */
    public static ProcessBuilder withoutSanitizer(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.remove("LD_PRELOAD");
        env.remove("ASAN_OPTIONS");
        env.remove("UBSAN_OPTIONS");
        return pb;
    }
}
