package io.github.lwsjava.config;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The strict JSON reader: what it accepts, and where and why it refuses the rest. */
@Tag("unit")
class JsonTest {

    @Test
    void readsJsonWithHashComments() throws Exception {
        Object v = Json.parse("""
                # lwsws allows comments
                {
                  "a": "x # not a comment", # but this is
                  "b": [1, -2.5, 3e2, true, false, null],
                  "c": {"d": "\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/"},
                  "e": {}, "f": []
                }
                """);
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "c", "e", "f"), List.copyOf(m.keySet()), "the order of the file");
        assertEquals("x # not a comment", m.get("a"));
        assertEquals(List.of(new BigDecimal("1"), new BigDecimal("-2.5"), new BigDecimal("3e2"), true, false, Json.NULL),
                m.get("b"));
        assertEquals("é😀\n\"\\/", ((Map<?, ?>) m.get("c")).get("d"));
        assertEquals(Map.of(), m.get("e"));
        assertEquals(List.of(), m.get("f"));
    }

    private static Json.SyntaxError refused(String text) {
        return assertThrows(Json.SyntaxError.class, () -> Json.parse(text), text);
    }

    @Test
    void refusesWhatIsNotStrictJsonWithLineColumnAndKeyPath() {
        Json.SyntaxError e = refused("{\n  \"vhosts\": [{\n    \"name\": \"a\",\n  }]\n}");
        assertEquals("vhosts[0]", e.path);
        assertEquals("line 4, column 3: a trailing ',' before '}'", e.getMessage());
        e = refused("{\"a\": 1, \"a\": 2}");
        assertEquals("a", e.path);
        assertTrue(e.getMessage().contains("the key \"a\" appears twice"), e.getMessage());
        e = refused("{\"a\": {\"b c\": [1, 2,]}}");
        assertEquals("a[\"b c\"]", e.path);
        assertTrue(e.getMessage().contains("a trailing ',' before ']'"), e.getMessage());
        for (String bad : List.of("", "{", "{\"a\" 1}", "{'a': 1}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": tru}",
                "{\"a\": \"\\x\"}", "{\"a\": \"\\ud800\"}", "{\"a\": \"\\udc00\"}", "{\"a\": \"line\nbreak\"}",
                "{\"a\": 1} {}", "[1 2]", "{\"a\": \"unterminated}", "{\"a\": NaN}", "{\"a\": 1e}", "[" .repeat(100))) {
            refused(bad);
        }
        assertEquals("line 2, column 1: unexpected 'x' after the value", refused("{} # c\nx").getMessage());
    }
}
