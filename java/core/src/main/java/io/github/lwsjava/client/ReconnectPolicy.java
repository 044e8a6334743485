package io.github.lwsjava.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When and how a client connection reconnects after it was lost: exponential backoff with jitter, a bound on the
 * attempts, and what happens to messages sent while it is disconnected. Immutable; the {@code with...} methods
 * return changed copies.
 *
 * <pre>{@code
 * ReconnectPolicy policy = ReconnectPolicy.defaults()
 *         .withBackoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(30))
 *         .withMaxAttempts(20)
 *         .queueWhileDisconnected(1000, 1 << 20);
 * WebSocket ws = client.newConnection(url).reconnect(policy).connect(listener).join();
 * }</pre>
 *
 * <p>The delay before attempt {@code n} (1, 2, ...) of one outage is {@code min(maxDelay, initialDelay *
 * factor^(n-1))}, reduced by a random fraction of up to {@code jitter} of itself, so that many clients cut off
 * together do not come back in lock-step. The attempt count starts again at 1 after a connection stayed open for
 * {@code stableAfter}; a connection that drops sooner continues the backoff where it was.
 */
public final class ReconnectPolicy {

    /** What a send does while the connection is down. */
    public enum WhileDisconnected {
        /** The message waits (up to the bounds) and goes out, in order, on the next connection. */
        QUEUE,
        /** The send fails at once with a {@link io.github.lwsjava.WebSocketException} of kind CLOSED. */
        FAIL_FAST
    }

    private final Duration initialDelay;
    private final double factor;
    private final Duration maxDelay;
    private final double jitter;
    private final int maxAttempts;
    private final Duration stableAfter;
    private final WhileDisconnected whileDisconnected;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final boolean retryFirstConnect;

    private ReconnectPolicy(Duration initialDelay, double factor, Duration maxDelay, double jitter, int maxAttempts,
                            Duration stableAfter, WhileDisconnected whileDisconnected, int maxQueuedMessages,
                            long maxQueuedBytes, boolean retryFirstConnect) {
        this.initialDelay = initialDelay;
        this.factor = factor;
        this.maxDelay = maxDelay;
        this.jitter = jitter;
        this.maxAttempts = maxAttempts;
        this.stableAfter = stableAfter;
        this.whileDisconnected = whileDisconnected;
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
        this.retryFirstConnect = retryFirstConnect;
    }

    /**
     * 500 ms initial delay doubling up to 30 s, 20 % jitter, unlimited attempts, reset after 10 s open, sends
     * while disconnected queued up to 1000 messages / 1 MiB, and the first connect retried too.
     *
     * @return the default policy
     */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(30), 0.2, 0,
                Duration.ofSeconds(10), WhileDisconnected.QUEUE, 1000, 1 << 20, true);
    }

    /**
     * Sets the exponential backoff.
     *
     * @param initialDelay the delay before the first attempt of an outage (0 or more)
     * @param factor how much each delay grows (1 or more)
     * @param maxDelay the largest delay (at least the initial delay)
     * @return a copy with this change
     * @throws IllegalArgumentException naming a value out of range
     */
    public ReconnectPolicy withBackoff(Duration initialDelay, double factor, Duration maxDelay) {
        if (initialDelay == null || initialDelay.isNegative() || maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("backoff " + initialDelay + " .. " + maxDelay
                    + ": the initial delay must be 0 or more and the maximum at least the initial delay");
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff factor " + factor + " must be 1 or more");
        }
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, stableAfter, whileDisconnected,
                maxQueuedMessages, maxQueuedBytes, retryFirstConnect);
    }

    /**
     * Sets the jitter.
     *
     * @param jitter the fraction (0 to 1) of each delay that is randomly taken off it; 0 turns jitter off
     * @return a copy with this change
     * @throws IllegalArgumentException when it is outside 0 to 1
     */
    public ReconnectPolicy withJitter(double jitter) {
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter " + jitter + " must be between 0 and 1");
        }
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, stableAfter, whileDisconnected,
                maxQueuedMessages, maxQueuedBytes, retryFirstConnect);
    }

    /**
     * Bounds the attempts.
     *
     * @param attempts attempts per outage before giving up (then the listener hears onClose); 0 means no limit
     * @return a copy with this change
     * @throws IllegalArgumentException when it is negative
     */
    public ReconnectPolicy withMaxAttempts(int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("maxAttempts " + attempts + " must be 0 (no limit) or more");
        }
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, attempts, stableAfter, whileDisconnected,
                maxQueuedMessages, maxQueuedBytes, retryFirstConnect);
    }

    /**
     * Sets when the backoff starts again.
     *
     * @param stableAfter how long a connection must stay open for the next outage to start the backoff from the
     *                    beginning
     * @return a copy with this change
     * @throws IllegalArgumentException when it is null or negative
     */
    public ReconnectPolicy withStableAfter(Duration stableAfter) {
        if (stableAfter == null || stableAfter.isNegative()) {
            throw new IllegalArgumentException("stableAfter " + stableAfter + " must be 0 or more");
        }
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, stableAfter, whileDisconnected,
                maxQueuedMessages, maxQueuedBytes, retryFirstConnect);
    }

    /**
     * Sends while disconnected wait for the next connection, up to both bounds; beyond them they fail.
     *
     * @param maxMessages how many messages may wait
     * @param maxBytes how many payload bytes may wait
     * @return a copy with this change
     * @throws IllegalArgumentException when a bound is not positive
     */
    public ReconnectPolicy queueWhileDisconnected(int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("queue bounds " + maxMessages + " messages / " + maxBytes
                    + " bytes must be positive");
        }
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, stableAfter,
                WhileDisconnected.QUEUE, maxMessages, maxBytes, retryFirstConnect);
    }

    /**
     * Sends while disconnected fail at once.
     *
     * @return a copy with this change
     */
    public ReconnectPolicy failWhileDisconnected() {
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, stableAfter,
                WhileDisconnected.FAIL_FAST, maxQueuedMessages, maxQueuedBytes, retryFirstConnect);
    }

    /**
     * Whether a first connect that fails is retried under this policy (default) or fails the connect future at
     * once.
     *
     * @param retry true to retry the first connect, false to fail it at once
     * @return a copy with this change
     */
    public ReconnectPolicy withRetryFirstConnect(boolean retry) {
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, stableAfter, whileDisconnected,
                maxQueuedMessages, maxQueuedBytes, retry);
    }

    /** {@return the delay before the first attempt of an outage} */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** {@return how much each delay grows} */
    public double factor() {
        return factor;
    }

    /** {@return the largest delay} */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** {@return the fraction of each delay randomly taken off it} */
    public double jitter() {
        return jitter;
    }

    /** {@return attempts per outage before giving up; 0 for no limit} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return how long a connection must stay open for the backoff to start again} */
    public Duration stableAfter() {
        return stableAfter;
    }

    /** {@return what sends do while disconnected} */
    public WhileDisconnected whileDisconnected() {
        return whileDisconnected;
    }

    /** {@return how many messages may wait while disconnected} */
    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    /** {@return how many payload bytes may wait while disconnected} */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** {@return whether a failed first connect is retried} */
    public boolean retryFirstConnect() {
        return retryFirstConnect;
    }

    /**
     * The delay before an attempt, with random jitter.
     *
     * @param attempt the attempt's number in its outage, from 1
     * @return the delay
     * @throws IllegalArgumentException when attempt is below 1
     */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current()::nextDouble);
    }

    /**
     * As {@link #delay(int)}, with the random fraction taken from {@code random}.
     *
     * @param attempt the attempt's number in its outage, from 1
     * @param random gives the random fraction (0 to 1) of the jitter to take off
     * @return the delay
     * @throws IllegalArgumentException when attempt is below 1
     */
    public Duration delay(int attempt, DoubleSupplier random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, not " + attempt);
        }
        double nanos = initialDelay.toNanos() * Math.pow(factor, attempt - 1);
        double max = maxDelay.toNanos();
        if (!(nanos <= max)) { // also catches overflow to infinity
            nanos = max;
        }
        nanos -= nanos * jitter * Math.min(1.0, Math.max(0.0, random.getAsDouble()));
        return Duration.ofNanos((long) nanos);
    }

    /** Whether attempt number {@code attempt} of an outage may still be made. */
    boolean allows(int attempt) {
        return maxAttempts == 0 || attempt <= maxAttempts;
    }

    @Override
    public String toString() {
        return "ReconnectPolicy[" + initialDelay.toMillis() + " ms x" + factor + " up to " + maxDelay.toMillis()
                + " ms, jitter " + jitter + ", attempts " + (maxAttempts == 0 ? "unlimited" : maxAttempts)
                + ", stable after " + stableAfter.toMillis() + " ms, " + whileDisconnected
                + (whileDisconnected == WhileDisconnected.QUEUE ? " (" + maxQueuedMessages + " messages, "
                        + maxQueuedBytes + " bytes)" : "") + "]";
    }
}
