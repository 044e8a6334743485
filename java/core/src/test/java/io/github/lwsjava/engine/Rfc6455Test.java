package io.github.lwsjava.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The RFC rules the facade checks, without the native library ({@code -Dgroups=unit}). */
@Tag("unit")
class Rfc6455Test {

    @Test
    void closeCodesAnApplicationMaySend() {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1011, 1014, 3000, 4000, 4999}) {
            assertTrue(Rfc6455.maySendCloseCode(code), "code " + code);
        }
        for (int code : new int[] {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
            assertFalse(Rfc6455.maySendCloseCode(code), "code " + code);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rfc6455.checkClose(1005, ""));
        assertTrue(e.getMessage().contains("1005"), e.getMessage());
    }

    @Test
    void aCloseReasonHoldsAtMost123BytesOfUtf8() {
        Rfc6455.checkClose(1000, null);
        Rfc6455.checkClose(1000, "x".repeat(123));
        assertThrows(IllegalArgumentException.class, () -> Rfc6455.checkClose(1000, "x".repeat(124)));
        // 62 two-byte characters are 124 bytes although only 62 chars
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rfc6455.checkClose(1000, "é".repeat(62)));
        assertTrue(e.getMessage().contains("124 bytes"), e.getMessage());
    }

    @Test
    void aPingHoldsAtMost125Bytes() {
        Rfc6455.checkPing(0);
        Rfc6455.checkPing(125);
        assertThrows(IllegalArgumentException.class, () -> Rfc6455.checkPing(126));
    }

    @Test
    void httpTokens() {
        for (String t : new String[] {"chat.v1", "Authorization", "x-custom_header", "a!#$%&'*+.^_`|~b", "9"}) {
            assertTrue(Rfc6455.isToken(t), t);
        }
        for (String t : new String[] {null, "", " ", "a b", "a:b", "a\r\nb", "a,b", "(x)", "é", "a\"b", "a/b"}) {
            assertFalse(Rfc6455.isToken(t), String.valueOf(t));
        }
    }
}
