import io.github.lwsjava.*;
import io.github.lwsjava.client.*;
import io.github.lwsjava.server.*;
import java.nio.ByteBuffer;
import java.util.concurrent.*;
/** Native workload for lsan/run.sh: clients and connections created and closed, with echo traffic. */
public class LeakRun {
    public static void main(String[] a) throws Exception {
        WebSocket.Listener echo = new WebSocket.Listener() {
            public void onText(WebSocket ws, String t) { ws.sendText(t); }
            public void onBinary(WebSocket ws, ByteBuffer b) { ws.sendBinary(b); }
        };
        WebSocketServer server = WebSocketServer.builder().handler(echo).build();
        String url = "ws://127.0.0.1:" + server.port() + "/x";
        for (int k = 0; k < 10; k++) {
            try (WebSocketClient client = WebSocketClient.create()) {
                for (int i = 0; i < 100; i++) {
                    CompletableFuture<String> got = new CompletableFuture<>();
                    WebSocket ws = client.connect(url, new WebSocket.Listener() {
                        public void onText(WebSocket w, String t) { got.complete(t); }
                    }).get(10, TimeUnit.SECONDS);
                    ws.sendText("m" + i); 
                    ws.sendBinary(new byte[100_000]);
                    got.get(10, TimeUnit.SECONDS);
                    if (i % 2 == 0) ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
                }
                // refused + dns
                try { client.connect("ws://127.0.0.1:1/", new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS); } catch (ExecutionException e) {}
            }
        }
        server.close();
        System.out.println("done");
    }
}
