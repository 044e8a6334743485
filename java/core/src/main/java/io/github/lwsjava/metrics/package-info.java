/**
 * Counters of connections, clients and servers: immutable snapshots ({@link io.github.lwsjava.metrics.ConnectionStats},
 * {@link io.github.lwsjava.metrics.EndpointStats}) and their JMX view
 * ({@link io.github.lwsjava.metrics.EndpointStatsMXBean}).
 */
package io.github.lwsjava.metrics;
