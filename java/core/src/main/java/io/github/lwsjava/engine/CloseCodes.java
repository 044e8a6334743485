package io.github.lwsjava.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

/** The close codes and reasons an application may send (RFC 6455, section 7.4). */
final class CloseCodes {

    private CloseCodes() {
    }

    /** Throws IllegalArgumentException naming the value when code or reason cannot go in a close frame. */
    static void check(int code, String reason) {
        boolean valid = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!valid) {
            throw new IllegalArgumentException("close code " + code + " may not be sent: use 1000-1003, 1007-1014 or 3000-4999");
        }
        if (reason != null && reason.getBytes(UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason of " + reason.getBytes(UTF_8).length
                    + " bytes: at most 123 bytes of UTF-8");
        }
    }
}
