package io.github.lwsjava.metrics;

import java.util.Map;

/**
 * The counters of a client or a server over JMX: registered when its builder asks for it with {@code jmx(true)},
 * as {@code io.github.lwsjava:type=WebSocketClient,id=N} or {@code io.github.lwsjava:type=WebSocketServer,id=N}
 * (N unique in the process), and unregistered when it closes. Each attribute is the field of
 * {@link EndpointStats} of the same name.
 */
public interface EndpointStatsMXBean {

    /** Connections open now. */
    int getOpenConnections();

    /** Connections whose handshake completed, in all. */
    long getConnectionsOpened();

    /** Messages written, over all connections. */
    long getMessagesSent();

    /** Payload bytes written, over all connections. */
    long getBytesSent();

    /** Messages received, over all connections. */
    long getMessagesReceived();

    /** Payload bytes received, over all connections. */
    long getBytesReceived();

    /** Payload bytes queued for sending on the open connections. */
    long getQueuedBytes();

    /** Failed handshakes by the name of their {@link io.github.lwsjava.WebSocketException.Kind}. */
    Map<String, Long> getHandshakesFailed();
}
