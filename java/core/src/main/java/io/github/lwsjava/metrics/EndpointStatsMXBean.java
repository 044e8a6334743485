package io.github.lwsjava.metrics;

import java.util.Map;

/**
 * The counters of a client or a server over JMX: registered when its builder asks for it with {@code jmx(true)},
 * as {@code io.github.lwsjava:type=WebSocketClient,id=N} or {@code io.github.lwsjava:type=WebSocketServer,id=N}
 * (N unique in the process), and unregistered when it closes. Each attribute is the field of
 * {@link EndpointStats} of the same name.
 */
public interface EndpointStatsMXBean {

    /** {@return connections open now} */
    int getOpenConnections();

    /** {@return connections whose handshake completed, in all} */
    long getConnectionsOpened();

    /** {@return messages written, over all connections} */
    long getMessagesSent();

    /** {@return payload bytes written, over all connections} */
    long getBytesSent();

    /** {@return messages received, over all connections} */
    long getMessagesReceived();

    /** {@return payload bytes received, over all connections} */
    long getBytesReceived();

    /** {@return payload bytes queued for sending on the open connections} */
    long getQueuedBytes();

    /** {@return failed handshakes by the name of their {@link io.github.lwsjava.WebSocketException.Kind}} */
    Map<String, Long> getHandshakesFailed();
}
