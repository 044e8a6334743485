package io.github.lwsjava.engine;

import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import javax.management.ObjectName;

import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.metrics.EndpointStats;
import io.github.lwsjava.metrics.EndpointStatsMXBean;

/**
 * The counters of one engine (a client or a server), summed over its connections. Connections add to them as they
 * count (mostly on the service thread; queued bytes on the sending threads); {@link #snapshot} may be read from any
 * thread. Also the engine's JMX view, registered with {@link #register}.
 */
final class Counters implements EndpointStatsMXBean {

    private static final WebSocketException.Kind[] KINDS = WebSocketException.Kind.values();

    final LongAdder open = new LongAdder();
    final LongAdder opened = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder queuedBytes = new LongAdder();
    private final AtomicLongArray failed = new AtomicLongArray(KINDS.length);
    private ObjectName registeredAs;

    void handshakeFailed(WebSocketException.Kind kind) {
        failed.incrementAndGet(kind.ordinal());
    }

    EndpointStats snapshot() {
        Map<WebSocketException.Kind, Long> byKind = new EnumMap<>(WebSocketException.Kind.class);
        for (int i = 0; i < KINDS.length; i++) {
            long n = failed.get(i);
            if (n != 0) {
                byKind.put(KINDS[i], n);
            }
        }
        return new EndpointStats(open.intValue(), opened.sum(), messagesSent.sum(), bytesSent.sum(),
                messagesReceived.sum(), bytesReceived.sum(), queuedBytes.sum(), byKind);
    }

    /** Registers the JMX view under type (WebSocketClient or WebSocketServer) and the engine's unique id. */
    synchronized void register(String type, long id) {
        try {
            ObjectName name = new ObjectName("io.github.lwsjava:type=" + type + ",id=" + id);
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            registeredAs = name;
        } catch (Exception e) {
            Engine.LOG.log(System.Logger.Level.WARNING, "could not register the JMX view of " + type + " " + id, e);
        }
    }

    synchronized void unregister() {
        if (registeredAs == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registeredAs);
        } catch (Exception e) {
            Engine.LOG.log(System.Logger.Level.DEBUG, "could not unregister " + registeredAs, e);
        }
        registeredAs = null;
    }

    // ---- EndpointStatsMXBean ----

    @Override
    public int getOpenConnections() {
        return open.intValue();
    }

    @Override
    public long getConnectionsOpened() {
        return opened.sum();
    }

    @Override
    public long getMessagesSent() {
        return messagesSent.sum();
    }

    @Override
    public long getBytesSent() {
        return bytesSent.sum();
    }

    @Override
    public long getMessagesReceived() {
        return messagesReceived.sum();
    }

    @Override
    public long getBytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public long getQueuedBytes() {
        return queuedBytes.sum();
    }

    @Override
    public Map<String, Long> getHandshakesFailed() {
        Map<String, Long> byName = new LinkedHashMap<>();
        snapshot().handshakesFailed().forEach((kind, n) -> byName.put(kind.name(), n));
        return byName;
    }
}
