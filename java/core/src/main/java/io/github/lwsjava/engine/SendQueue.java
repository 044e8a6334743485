package io.github.lwsjava.engine;

import java.util.concurrent.CompletableFuture;

import io.github.lwsjava.WebSocket;

/**
 * The futures of a connection's messages in the C engine's queue, oldest first, with each message's length and
 * kind: a ring of parallel arrays, so that a send allocates no entry object. It starts with room for two (a
 * connection at rest keeps 72 bytes of it, not 240) and doubles as sends pile up. Not thread-safe: the connection
 * guards it.
 */
final class SendQueue {

    private CompletableFuture<WebSocket>[] futures = newArray(2);
    private int[] lengths = new int[2];
    private int[] kinds = new int[2];
    private int head;
    private int size;

    @SuppressWarnings("unchecked")
    private static CompletableFuture<WebSocket>[] newArray(int n) {
        return (CompletableFuture<WebSocket>[]) new CompletableFuture<?>[n];
    }

    int size() {
        return size;
    }

    void add(CompletableFuture<WebSocket> future, int length, int kind) {
        if (size == futures.length) {
            grow();
        }
        int i = (head + size) & (futures.length - 1);
        futures[i] = future;
        lengths[i] = length;
        kinds[i] = kind;
        size++;
    }

    /** The oldest message's length (call only when size() > 0). */
    int firstLength() {
        return lengths[head];
    }

    /** The oldest message's kind. */
    int firstKind() {
        return kinds[head];
    }

    /** Removes the oldest message and returns its future. */
    CompletableFuture<WebSocket> removeFirst() {
        CompletableFuture<WebSocket> f = futures[head];
        futures[head] = null;
        head = (head + 1) & (futures.length - 1);
        size--;
        return f;
    }

    private void grow() {
        int n = futures.length;
        CompletableFuture<WebSocket>[] f = newArray(n * 2);
        int[] l = new int[n * 2];
        int[] k = new int[n * 2];
        for (int j = 0; j < size; j++) {
            int i = (head + j) & (n - 1);
            f[j] = futures[i];
            l[j] = lengths[i];
            k[j] = kinds[i];
        }
        futures = f;
        lengths = l;
        kinds = k;
        head = 0;
    }
}
