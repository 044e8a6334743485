package io.github.lwsjava.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future completed by an engine's service thread. Waiting for it there ({@link #get}, {@link #join}) would
 * stop the very thread that completes it, and every connection of the client or server with it: while it is not
 * done, those calls fail at once with an {@link IllegalStateException} that says what to do instead. Stages
 * derived from it ({@code thenApply}, ...) carry the same check.
 */
public final class ServiceFuture<T> extends CompletableFuture<T> {

    private final Engine engine;

    public ServiceFuture(Engine engine) {
        this.engine = engine;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new ServiceFuture<>(engine);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkNotServiceThread("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkNotServiceThread("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        checkNotServiceThread("join()");
        return super.join();
    }

    private void checkNotServiceThread(String call) {
        if (!isDone() && engine.onServiceThread()) {
            throw blockingOnServiceThread(call);
        }
    }

    /** The error for a call that would block the service thread (also used by other waiting calls). */
    public static IllegalStateException blockingOnServiceThread(String call) {
        return new IllegalStateException(call + " called on the lws service thread (a listener without an executor);"
                + " it would deadlock: chain with thenAccept/whenComplete, or give the client or server an executor(...)");
    }
}
