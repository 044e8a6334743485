package io.github.lwsjava.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The engine's id → connection table against java.util.HashMap, without the native library. */
@Tag("unit")
class LongMapTest {

    @Test
    void agreesWithHashMapUnderRandomPutsAndRemoves() {
        LongMap<String> map = new LongMap<>();
        Map<Long, String> reference = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            // few distinct keys, so that chains collide, grow and shrink; ids are never 0
            long key = 1 + random.nextInt(3000);
            if (random.nextInt(3) == 0) {
                map.remove(key);
                reference.remove(key);
            } else {
                map.put(key, "v" + step);
                reference.put(key, "v" + step);
            }
            if (step % 997 == 0) {
                for (long k = 1; k <= 3000; k++) {
                    assertEquals(reference.get(k), map.get(k), "key " + k + " at step " + step);
                }
            }
            assertEquals(reference.size(), map.size());
        }
        assertEquals(reference.size(), map.values().size());
        assertTrue(map.values().containsAll(reference.values()));
    }

    @Test
    void refusesKeyZero() {
        assertThrows(IllegalArgumentException.class, () -> new LongMap<String>().put(0, "x"));
    }
}
