package io.github.lwsjava.reliability;

import io.github.lwsjava.server.WebSocketServer;

/**
 * An echo server in its own process, for tests that kill it: {@code EchoServerMain PORT} prints "ready PORT" once it
 * listens and runs until killed or until its standard input ends (so it dies with the test JVM).
 */
public final class EchoServerMain {

    private EchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        WebSocketServer server = WebSocketServer.builder().port(port).handler(Peers.ECHO).build();
        System.out.println("ready " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        server.close();
    }
}
