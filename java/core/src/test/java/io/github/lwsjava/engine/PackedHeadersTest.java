package io.github.lwsjava.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class PackedHeadersTest {

    static TreeMap<String, String> sample() {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("host", "127.0.0.1:8080");
        m.put("user-agent", "lws-java ✓ test");
        m.put("x-empty", "");
        m.put("x-nul", "a\0b");
        m.put("x-long", "v".repeat(8000));
        m.put("x-ünicode-name", "yes");
        return m;
    }

    @Test
    void behavesAsTheMapItWasMadeFrom() {
        TreeMap<String, String> m = sample();
        Map<String, String> packed = PackedHeaders.of(m);
        assertEquals(m, packed);
        assertEquals(packed, m);
        assertEquals(m.hashCode(), packed.hashCode());
        assertEquals(m.size(), packed.size());
        assertEquals(List.copyOf(m.keySet()), List.copyOf(packed.keySet()), "in name order");
        for (Map.Entry<String, String> e : m.entrySet()) {
            assertEquals(e.getValue(), packed.get(e.getKey()), e.getKey());
            assertTrue(packed.containsKey(e.getKey()));
        }
    }

    @Test
    void absentNamesAndOtherKeysAreNotFound() {
        Map<String, String> packed = PackedHeaders.of(sample());
        assertNull(packed.get("hos"));
        assertNull(packed.get("hostx"));
        assertNull(packed.get("HOST"), "names are kept lower case and looked up as given");
        assertNull(packed.get("x-unicode-name"));
        assertNull(packed.get(42));
        assertFalse(packed.containsKey("origin"));
        assertTrue(PackedHeaders.of(new TreeMap<>()).isEmpty());
    }

    @Test
    void isUnmodifiable() {
        Map<String, String> packed = PackedHeaders.of(sample());
        assertThrows(UnsupportedOperationException.class, () -> packed.put("a", "b"));
        assertThrows(UnsupportedOperationException.class, () -> packed.remove("host"));
        assertThrows(UnsupportedOperationException.class, packed::clear);
    }

    @Test
    void aValueTooLongToPackIsRefusedByName() {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("x-huge", "v".repeat(70_000));
        var e = assertThrows(IllegalArgumentException.class, () -> PackedHeaders.of(m));
        assertTrue(e.getMessage().contains("65,535"), e.getMessage());
    }
}
