package io.github.lwsjava.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on the loopback interface for tests.
 *
 * <p>A port found this way is free when the method returns, but another process may take it before the caller
 * binds it: where the code under test can listen on port 0 and report the port it got, prefer that.
 */
public final class Ports {

    /** The IPv4 loopback address as text, the only address tests should listen on. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * Finds a TCP port that is free on {@value #LOOPBACK}.
     *
     * @return a port number between 1024 and 65535
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
