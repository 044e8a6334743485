package io.github.lwsjava.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.github.lwsjava.WebSocket;

/** The ring of sent messages' futures keeps their order, lengths and kinds through growth and wrap-around. */
@Tag("unit")
class SendQueueTest {

    private record Entry(CompletableFuture<WebSocket> future, int length, int kind) {
    }

    @Test
    void firstInFirstOutThroughGrowthAndWrapAround() {
        SendQueue q = new SendQueue();
        ArrayDeque<Entry> reference = new ArrayDeque<>();
        Random random = new Random(7);
        for (int step = 0; step < 100_000; step++) {
            if (random.nextInt(5) < 3 || reference.isEmpty()) { // grows over time, with bursts of removals
                Entry e = new Entry(new CompletableFuture<>(), random.nextInt(1 << 20), random.nextInt(20));
                q.add(e.future(), e.length(), e.kind());
                reference.add(e);
            } else {
                Entry e = reference.poll();
                assertEquals(e.length(), q.firstLength());
                assertEquals(e.kind(), q.firstKind());
                assertSame(e.future(), q.removeFirst());
            }
            assertEquals(reference.size(), q.size());
        }
    }
}
