package io.github.lwsjava.serverit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.UpgradeRequest;
import io.github.lwsjava.server.WebSocketServer;

/** permessage-deflate: negotiated with node's ws when enabled (and only then), and really compressed on the wire. */
@Timeout(300) // the first run installs ws with npm
class DeflateTest {

    static final String SCRIPT = """
            const WebSocket = require('ws');
            const [url, deflate] = process.argv.slice(2);
            const ws = new WebSocket(url, { perMessageDeflate: deflate === 'on' });
            const text = 'compress me, please. '.repeat(2000);
            const timer = setTimeout(() => { console.log('TIMEOUT'); process.exit(3); }, 20000);
            ws.on('open', () => { console.log('EXT ' + JSON.stringify(ws.extensions)); ws.send(text); });
            ws.on('message', (data) => {
              console.log('ECHO ' + (data.toString() === text ? 'same' : 'different') + ' ' + data.length);
              ws.close(1000, 'done');
            });
            ws.on('close', (code) => { console.log('CLOSE ' + code); clearTimeout(timer); });
            ws.on('error', (e) => { console.log('ERROR ' + e.message); process.exitCode = 2; });
            """;

    static final WebSocket.Listener ECHO = new WebSocket.Listener() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }
    };

    private static List<String> nodeClient(int port, boolean deflate) throws Exception {
        return NodeWs.run("deflate-client.js", SCRIPT, Duration.ofSeconds(40), "ws://127.0.0.1:" + port + "/z",
                deflate ? "on" : "off");
    }

    @Test
    void nodeNegotiatesPermessageDeflateWhenTheServerEnablesIt() throws Exception {
        LinkedBlockingQueue<UpgradeRequest> requests = new LinkedBlockingQueue<>();
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO).deflate(true)
                .upgradeFilter(r -> {
                    requests.add(r);
                    return 0;
                }).build()) {
            List<String> out = nodeClient(server.port(), true);
            assertTrue(out.stream().anyMatch(l -> l.startsWith("EXT ") && l.contains("permessage-deflate")), out.toString());
            assertTrue(out.contains("ECHO same 42000"), out.toString());
            assertTrue(out.contains("CLOSE 1000"), out.toString());
            assertTrue(requests.poll(5, TimeUnit.SECONDS).header("sec-websocket-extensions").contains("permessage-deflate"));
        }
    }

    @Test
    void withoutDeflateTheOfferIsDeclined() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO).build()) {
            List<String> out = nodeClient(server.port(), true);
            assertTrue(out.contains("EXT \"\""), out.toString());
            assertTrue(out.contains("ECHO same 42000"), out.toString());
        }
    }

    @Test
    void theEchoIsCompressedOnTheWire() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO).deflate(true).build();
             RawHttp raw = new RawHttp(server.port())) {
            RawHttp.Head head = raw.upgrade("/", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
            assertEquals(101, head.status());
            assertTrue(head.headers().getOrDefault("sec-websocket-extensions", "").contains("permessage-deflate"),
                    head.headers().toString());
            String text = "aaaaaaaaaabbbbbbbbbb".repeat(100); // 2000 bytes, sent uncompressed (RSV1 clear)
            raw.writeFrame(0x1, text.getBytes(UTF_8));
            byte[] echo = raw.readFrame();
            assertEquals(0x1, echo[0]);
            assertEquals(0x40, raw.lastFirstByte & 0x40, "RSV1 (compressed) is not set on the echo");
            assertTrue(echo.length - 1 < 200, "compressed echo of " + (echo.length - 1) + " bytes for 2000");
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            byte[] compressed = new byte[echo.length - 1 + 4];
            System.arraycopy(echo, 1, compressed, 0, echo.length - 1);
            compressed[compressed.length - 2] = (byte) 0xff; // the 00 00 ff ff tail that permessage-deflate strips
            compressed[compressed.length - 1] = (byte) 0xff;
            inflater.setInput(compressed);
            byte[] plain = new byte[4096];
            int n = inflater.inflate(plain);
            assertEquals(text, new String(plain, 0, n, UTF_8));
        }
    }

    static final String EMPTY_SCRIPT = """
            const WebSocket = require('ws');
            const [url] = process.argv.slice(2);
            const ws = new WebSocket(url, { perMessageDeflate: { threshold: 0 } });
            const sent = ['', '', 'c', '', '', 'hello', ''];
            let i = 0, same = 0;
            const timer = setTimeout(() => { console.log('TIMEOUT ' + same); process.exit(3); }, 20000);
            ws.on('open', () => ws.send(sent[0]));
            ws.on('message', (data) => {
              if (data.toString() === sent[i]) same++;
              if (++i < sent.length) ws.send(sent[i]); else ws.close(1000, 'done');
            });
            ws.on('close', (code) => { console.log('SAME ' + same + ' CLOSE ' + code); clearTimeout(timer); });
            ws.on('error', (e) => { console.log('ERROR ' + e.message); process.exitCode = 2; });
            """;

    /**
     * Empty messages between others, compressed (native/patches/0036): lws sent an empty payload for an empty message
     * that followed a flushed one, and the next message then failed to inflate (1007) at the receiver. node's ws
     * as the peer of our server (an inflater that is not lws's), then our client against our server.
     */
    @Test
    void emptyMessagesBetweenOthersKeepTheStreamInStep() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(ECHO).deflate(true).build()) {
            List<String> out = NodeWs.run("deflate-empty.js", EMPTY_SCRIPT, Duration.ofSeconds(40),
                    "ws://127.0.0.1:" + server.port() + "/empty");
            assertTrue(out.contains("SAME 7 CLOSE 1000"), out.toString());

            LinkedBlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            try (io.github.lwsjava.client.WebSocketClient client = io.github.lwsjava.client.WebSocketClient.builder()
                    .deflate(true).build()) {
                WebSocket ws = client.connect("ws://127.0.0.1:" + server.port() + "/empty", new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket w, String text) {
                        echoes.add(text);
                    }
                }).get(10, TimeUnit.SECONDS);
                List<String> sent = List.of("", "", "c", "", "", "hello", "");
                for (String m : sent) {
                    ws.sendText(m).get(10, TimeUnit.SECONDS);
                    assertEquals(m, echoes.poll(10, TimeUnit.SECONDS), "echo of \"" + m + "\"");
                }
                assertEquals(WebSocket.State.OPEN, ws.state());
            }
        }
    }
}
