/**
 * Helpers shared by the tests of every lws-java module: {@link io.github.lwsjava.testkit.TestCertificates}
 * (an in-memory test CA with server, wrong-host, expired and client certificates as PEM) and
 * {@link io.github.lwsjava.testkit.Ports} (free loopback ports).
 */
package io.github.lwsjava.testkit;
