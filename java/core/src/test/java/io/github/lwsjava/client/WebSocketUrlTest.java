package io.github.lwsjava.client;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** URL parsing without the native library ({@code -Dgroups=unit}). */
@Tag("unit")
class WebSocketUrlTest {

    @Test
    void defaultsAndParts() {
        WebSocketUrl u = WebSocketUrl.parse("ws://example.org/chat?room=1");
        assertEquals(new WebSocketUrl(false, "example.org", 80, "/chat?room=1"), u);
        assertEquals("example.org", u.hostHeader());
        WebSocketUrl s = WebSocketUrl.parse("WSS://Example.org");
        assertTrue(s.secure());
        assertEquals(443, s.port());
        assertEquals("/", s.path());
        assertEquals("example.org:8443", WebSocketUrl.parse("wss://example.org:8443/").hostHeader());
    }

    @Test
    void ipv6Literals() {
        WebSocketUrl u = WebSocketUrl.parse("ws://[::1]:9000/x");
        assertEquals("::1", u.host());
        assertEquals(9000, u.port());
        assertEquals("[::1]:9000", u.hostHeader());
        assertEquals("ws://[::1]:9000/x", u.toString());
    }

    @Test
    void badUrlsNameThemselves() {
        for (String bad : new String[] {"", "   ", "example.org", "ftp://example.org/", "ws:///nohost",
                "ws://example.org:70000/", "ws://example.org/#frag", "ws://exa mple.org/", "http://example.org/",
                "https://example.org/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebSocketUrl.parse(bad),
                    bad);
            assertNotNull(e.getMessage());
            if (!bad.isBlank()) {
                assertTrue(e.getMessage().contains(bad.trim()), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> WebSocketUrl.parse(null));
    }
}
