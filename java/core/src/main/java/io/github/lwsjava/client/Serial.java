package io.github.lwsjava.client;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in the order given, on a base executor (the client's listener executor or its
 * service thread): what a {@link ReconnectingWebSocket} does and what its listener hears never overlap, whichever
 * thread asked. A task given while another runs waits for it; a task that throws does not stop the next.
 */
final class Serial implements Executor {

    private static final System.Logger LOG = System.getLogger("io.github.lwsjava");

    private final Executor base;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this: a drain is scheduled or running

    Serial(Executor base) {
        this.base = base;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            base.execute(this::drain);
        } catch (RuntimeException rejected) { // an executor that was shut down: run here, still one at a time
            drain();
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "reconnecting WebSocket task failed", t);
            }
        }
    }
}
