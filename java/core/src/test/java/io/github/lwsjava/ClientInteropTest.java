package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.testkit.NodePeer;

/** Our client against node's ws, an independent server: deflate, keep-alive. */
@Timeout(90)
class ClientInteropTest {

    @BeforeAll
    static void node() {
        Assumptions.assumeTrue(NodePeer.available(), "node and npm are not installed: scripts/test.sh installs them");
    }

    static int port(NodePeer peer) throws InterruptedException {
        return Integer.parseInt(peer.nextLine("port ", 120).substring(5));
    }

    @Test
    void echoAgainstNodeWs() throws Exception {
        try (NodePeer node = NodePeer.start("ws-echo-server.js"); WebSocketClient client = WebSocketClient.create()) {
            Recorder r = new Recorder();
            WebSocket ws = client.newConnection("ws://127.0.0.1:" + port(node) + "/node?a=b").subprotocols("p1")
                    .connect(r).get(10, TimeUnit.SECONDS);
            assertEquals("p1", ws.subprotocol());
            String line = node.nextLine("connection ", 10);
            assertTrue(line.startsWith("connection /node?a=b - "), line); // no deflate offered by default
            ws.sendText("to node");
            assertEquals("to node", r.next("text").text());
            byte[] big = new byte[1 << 20];
            Arrays.fill(big, (byte) 'z');
            ws.sendBinary(big);
            assertEquals(ByteBuffer.wrap(big), r.next("binary").data());
            ws.sendClose(4001, "bye node").get(10, TimeUnit.SECONDS);
            assertEquals("close 4001 bye node", node.nextLine("close ", 10));
        }
    }

    @Test
    void permessageDeflateIsNegotiatedWithAPeerThatOffersIt() throws Exception {
        try (NodePeer node = NodePeer.start("ws-echo-server.js", "--deflate");
             WebSocketClient client = WebSocketClient.builder().deflate(true).build()) {
            Recorder r = new Recorder();
            WebSocket ws = client.connect("ws://127.0.0.1:" + port(node) + "/deflate", r).get(10, TimeUnit.SECONDS);
            String line = node.nextLine("connection ", 10);
            assertTrue(line.contains("permessage-deflate"), line);
            String text = "compressible ".repeat(5000);
            ws.sendText(text);
            assertEquals(text, r.next("text").text());
            ws.close();
        }
    }

    @Test
    void keepAliveHangsUpOnAPeerThatNeverAnswersPings() throws Exception {
        try (NodePeer node = NodePeer.start("ws-silent-server.js");
             WebSocketClient client = WebSocketClient.builder()
                     .keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(3)).build()) {
            Recorder r = new Recorder();
            client.connect("ws://127.0.0.1:" + port(node) + "/", r).get(10, TimeUnit.SECONDS);
            assertEquals("ping", node.nextLine("ping", 10)); // lws pinged the idle connection
            int code = r.closed.get(20, TimeUnit.SECONDS);
            assertEquals(WebSocket.ABNORMAL_CLOSURE, code);
        }
    }
}
