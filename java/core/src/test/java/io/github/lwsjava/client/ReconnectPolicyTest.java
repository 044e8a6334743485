package io.github.lwsjava.client;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reconnect schedule without the native library ({@code -Dgroups=unit}). */
@Tag("unit")
class ReconnectPolicyTest {

    @Test
    void backoffGrowsByTheFactorUpToTheMaximum() {
        ReconnectPolicy p = ReconnectPolicy.defaults().withBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))
                .withJitter(0);
        assertEquals(Duration.ofMillis(100), p.delay(1, () -> 0.5));
        assertEquals(Duration.ofMillis(200), p.delay(2, () -> 0.5));
        assertEquals(Duration.ofMillis(800), p.delay(4, () -> 0.5));
        assertEquals(Duration.ofSeconds(1), p.delay(5, () -> 0.5));
        assertEquals(Duration.ofSeconds(1), p.delay(10_000, () -> 0.5), "no overflow past the maximum");
    }

    @Test
    void jitterTakesAtMostItsFractionOff() {
        ReconnectPolicy p = ReconnectPolicy.defaults().withBackoff(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1))
                .withJitter(0.25);
        assertEquals(Duration.ofSeconds(1), p.delay(1, () -> 0.0));
        assertEquals(Duration.ofMillis(750), p.delay(1, () -> 1.0));
        assertEquals(Duration.ofMillis(750), p.delay(1, () -> 7.0), "a random value out of range is clamped");
    }

    @Test
    void attemptsCountFromOne() {
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.defaults().delay(0));
        ReconnectPolicy p = ReconnectPolicy.defaults().withMaxAttempts(3);
        assertTrue(p.allows(3));
        assertFalse(p.allows(4));
        assertTrue(ReconnectPolicy.defaults().allows(1_000_000), "0 attempts: no limit");
    }
}
