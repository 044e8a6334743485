package io.github.lwsjava.micrometer;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.metrics.EndpointStats;
import io.github.lwsjava.server.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The counters of an lws-java client or server ({@code stats()}) as Micrometer meters, named {@code lwsjava.*} and
 * tagged {@code endpoint=client|server} plus the tags given: open connections and queued bytes as gauges; connections
 * opened, messages and bytes each way, and failed handshakes (tagged {@code kind}) as function counters. Each meter
 * reads a fresh {@code stats()} snapshot when the registry polls it, from the registry's thread; nothing is counted
 * twice and nothing runs on lws-java's service thread.
 *
 * <pre>{@code
 * new LwsJavaMetrics(server).bindTo(registry);
 * }</pre>
 */
public final class LwsJavaMetrics implements MeterBinder {

    private final Supplier<EndpointStats> stats;
    private final Tags tags;

    /**
     * Meters of a server.
     *
     * @param server the server whose {@code stats()} the meters read
     * @param tags extra tags, e.g. {@code Tag.of("name", "chat")} when there are several servers
     */
    public LwsJavaMetrics(WebSocketServer server, Tag... tags) {
        this(Objects.requireNonNull(server, "server")::stats, Tags.of(tags).and("endpoint", "server"));
    }

    /**
     * Meters of a client.
     *
     * @param client the client whose {@code stats()} the meters read
     * @param tags extra tags
     */
    public LwsJavaMetrics(WebSocketClient client, Tag... tags) {
        this(Objects.requireNonNull(client, "client")::stats, Tags.of(tags).and("endpoint", "client"));
    }

    private LwsJavaMetrics(Supplier<EndpointStats> stats, Tags tags) {
        this.stats = stats;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("lwsjava.connections.open", stats, s -> s.get().openConnections())
                .description("open WebSocket connections").tags(tags).register(registry);
        Gauge.builder("lwsjava.queued.bytes", stats, s -> s.get().queuedBytes()).baseUnit("bytes")
                .description("bytes queued to send, not yet written").tags(tags).register(registry);
        counter(registry, "lwsjava.connections.opened", null, "WebSocket connections opened", s -> s.get().connectionsOpened());
        counter(registry, "lwsjava.messages.sent", null, "messages written", s -> s.get().messagesSent());
        counter(registry, "lwsjava.messages.received", null, "messages received", s -> s.get().messagesReceived());
        counter(registry, "lwsjava.bytes.sent", "bytes", "payload bytes written", s -> s.get().bytesSent());
        counter(registry, "lwsjava.bytes.received", "bytes", "payload bytes received", s -> s.get().bytesReceived());
        for (WebSocketException.Kind kind : WebSocketException.Kind.values()) {
            FunctionCounter.builder("lwsjava.handshakes.failed", stats,
                            s -> s.get().handshakesFailed().getOrDefault(kind, 0L))
                    .description("connections that failed before they opened, by kind")
                    .tags(tags).tag("kind", kind.name()).register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
                         ToDoubleFunction<Supplier<EndpointStats>> value) {
        FunctionCounter.builder(name, stats, value).baseUnit(unit).description(description).tags(tags)
                .register(registry);
    }
}
