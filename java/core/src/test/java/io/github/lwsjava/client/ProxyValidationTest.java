package io.github.lwsjava.client;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** What {@link Proxy} accepts and refuses: only what libwebsockets can carry (pure Java, no network). */
class ProxyValidationTest {

    private static void refused(String expectedInMessage, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void passwordsMayHoldColonsAndAtSigns() {
        Proxy p = Proxy.socks5("127.0.0.1", 1080).withCredentials("bob", "p@ss:w@rd");
        assertEquals("p@ss:w@rd", p.password());
        assertEquals("SOCKS5 proxy 127.0.0.1:1080 (user bob)", p.toString()); // never the password
        assertEquals(Proxy.http("::1", 3128), Proxy.http("[::1]", 3128));
        assertEquals("[::1]:3128", Proxy.http("::1", 3128).address());
    }

    @Test
    void refusesWhatLwsCannotCarry() {
        refused("'a:b' may not contain ':'", () -> Proxy.http("h", 1).withCredentials("a:b", "x"));
        refused("NUL", () -> Proxy.http("h", 1).withCredentials("a", "x\0y"));
        refused("empty", () -> Proxy.http("h", 1).withCredentials("", "x"));
        refused("at most 93", () -> Proxy.http("h", 1).withCredentials("u", "x".repeat(92)));
        assertEquals(91, Proxy.http("h", 1).withCredentials("u", "x".repeat(91)).password().length()); // u:x... = 93 bytes
        refused("at most 95", () -> Proxy.socks5("h", 1).withCredentials("u".repeat(96), "x"));
        refused("at most 94", () -> Proxy.socks5("h", 1).withCredentials("u", "x".repeat(95)));
        refused("IPv6 literal", () -> Proxy.socks5("::1", 1080));
        refused("port 0", () -> Proxy.http("h", 0));
        refused("port 65536", () -> Proxy.socks5("h", 65536));
        refused("empty", () -> Proxy.http("", 1));
        refused("'a@b'", () -> Proxy.http("a@b", 1));
        refused("too long", () -> Proxy.http("h".repeat(130), 1));
        assertThrows(IllegalStateException.class, () -> Proxy.NONE.withCredentials("u", "p"));
    }

    @Test
    void anIpv6ServerCannotBeReachedThroughAnHttpProxy() {
        try (WebSocketClient client = WebSocketClient.builder().proxy(Proxy.http("127.0.0.1", 3128)).build()) {
            refused("IPv6 literal", () -> client.newConnection("ws://[::1]:9/").connect(null));
            // ... but directly, or through SOCKS5, it can be asked for
            assertNotNull(client.newConnection("ws://[::1]:9/").proxy(Proxy.NONE));
        }
    }
}
