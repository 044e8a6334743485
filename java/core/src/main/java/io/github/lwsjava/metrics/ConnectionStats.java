package io.github.lwsjava.metrics;

/**
 * A snapshot of one connection's counters ({@link io.github.lwsjava.WebSocket#stats()}), readable from any thread.
 * Messages count whole text and binary messages (a streamed message once, when its last piece is written); bytes
 * count their payload; pings, pongs and close frames count in neither.
 *
 * @param messagesSent messages written to the kernel
 * @param bytesSent payload bytes written to the kernel (the pieces of a streamed message included)
 * @param messagesReceived messages received whole
 * @param bytesReceived payload bytes of the messages received
 * @param queuedBytes payload bytes accepted by send calls and not yet written ({@code queuedBytes()})
 * @param pendingListenerCalls listener calls waiting for the executor given with {@code executor(...)} (0 without
 *                             one)
 */
public record ConnectionStats(long messagesSent, long bytesSent, long messagesReceived, long bytesReceived,
                              long queuedBytes, int pendingListenerCalls) {
}
