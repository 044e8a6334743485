package io.github.lwsjava.metrics;

import java.util.Map;

import io.github.lwsjava.WebSocketException;

/**
 * A snapshot of a client's or a server's counters since it was built ({@code stats()}), readable from any thread.
 * Message and byte counts are those of {@link ConnectionStats}, summed over every connection it has had.
 *
 * @param openConnections connections open now (handshake done, not yet closed)
 * @param connectionsOpened connections whose handshake completed, in all
 * @param messagesSent messages written, over all connections
 * @param bytesSent payload bytes written, over all connections
 * @param messagesReceived messages received, over all connections
 * @param bytesReceived payload bytes received, over all connections
 * @param queuedBytes payload bytes queued for sending on the open connections now
 * @param handshakesFailed connections that never opened, by the kind of their failure (a server counts each
 *                         refused upgrade, e.g. by its upgrade filter or its connection limit, as HANDSHAKE); kinds
 *                         that never occurred are absent
 */
public record EndpointStats(int openConnections, long connectionsOpened, long messagesSent, long bytesSent,
                            long messagesReceived, long bytesReceived, long queuedBytes,
                            Map<WebSocketException.Kind, Long> handshakesFailed) {

    /**
     * Copies {@code handshakesFailed}: the snapshot is immutable.
     *
     * @param openConnections connections open now
     * @param connectionsOpened connections whose handshake completed, in all
     * @param messagesSent messages written, over all connections
     * @param bytesSent payload bytes written, over all connections
     * @param messagesReceived messages received, over all connections
     * @param bytesReceived payload bytes received, over all connections
     * @param queuedBytes payload bytes queued for sending on the open connections now
     * @param handshakesFailed connections that never opened, by the kind of their failure
     */
    public EndpointStats {
        handshakesFailed = Map.copyOf(handshakesFailed);
    }

    /** {@return the handshakes failed, of every kind} */
    public long handshakesFailedTotal() {
        return handshakesFailed.values().stream().mapToLong(Long::longValue).sum();
    }
}
