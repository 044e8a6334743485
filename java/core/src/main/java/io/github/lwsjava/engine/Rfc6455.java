package io.github.lwsjava.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.regex.Pattern;

/**
 * The rules of RFC 6455 (and the HTTP token of RFC 9110) that the facade checks before anything goes to lws: what a
 * close frame and a ping may carry, what a header or subprotocol name may be. Their one home; lws checks what the
 * peer sends.
 */
public final class Rfc6455 {

    /** A control frame's payload is at most 125 bytes (section 5.5). */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    /** A close reason: 125 bytes less the 2-byte code (section 5.5.1). */
    public static final int MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private Rfc6455() {
    }

    /** Whether an application may send this close code (section 7.4: 1000-1003, 1007-1014, 3000-4999). */
    public static boolean maySendCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** Throws IllegalArgumentException naming the value when code or reason cannot go in a close frame. */
    public static void checkClose(int code, String reason) {
        if (!maySendCloseCode(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent: use 1000-1003, 1007-1014 or 3000-4999");
        }
        int bytes = reason == null ? 0 : reason.getBytes(UTF_8).length;
        if (bytes > MAX_CLOSE_REASON) {
            throw new IllegalArgumentException("close reason of " + bytes + " bytes: at most " + MAX_CLOSE_REASON
                    + " bytes of UTF-8");
        }
    }

    /** Throws IllegalArgumentException when a ping payload is longer than a control frame may be. */
    public static void checkPing(int length) {
        if (length > MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("ping payload of " + length + " bytes: at most " + MAX_CONTROL_PAYLOAD);
        }
    }

    /** Whether s is an HTTP token (RFC 9110 5.6.2): a header name, a subprotocol, an extension name. */
    public static boolean isToken(String s) {
        return s != null && TOKEN.matcher(s).matches();
    }
}
