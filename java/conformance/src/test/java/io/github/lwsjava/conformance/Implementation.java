package io.github.lwsjava.conformance;

import java.net.URI;
import java.time.Duration;

/**
 * The WebSocket implementation whose client and server the suite tests. {@link LwsImplementation} is ours; the
 * profile {@code autobahn-standins} adds one made of Jetty 12's WebSocket client and server, which checks the
 * harness itself.
 */
public interface Implementation {

    /** A short name for the output. */
    String name();

    /** Starts an echo server on 127.0.0.1 and a free port; permessage-deflate is offered only if asked. */
    EchoServer startEchoServer(boolean deflate, int maxMessageSize) throws Exception;

    /** Creates a client that echoes every message; it offers permessage-deflate only if asked. */
    EchoClient newEchoClient(boolean deflate, int maxMessageSize) throws Exception;

    interface EchoServer extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;
    }

    interface EchoClient extends AutoCloseable {
        /**
         * Opens {@code uri}, echoes every text and binary message until the connection closes, and returns how it
         * ended. Never waits longer than {@code timeout}; a connection still open then is closed.
         */
        Outcome run(URI uri, Duration timeout) throws InterruptedException;

        @Override
        void close() throws Exception;
    }

    /**
     * How one connection ended.
     *
     * @param firstText the first text message received, or {@code null}
     * @param closeCode the close code reported to the application, or -1 when it never closed in time
     * @param error the first error reported, or {@code null}
     */
    record Outcome(String firstText, int closeCode, Throwable error, boolean timedOut) {
        @Override
        public String toString() {
            return timedOut ? "no close within the time-out" : "close " + closeCode + (error == null ? "" : ", error " + error);
        }
    }
}
