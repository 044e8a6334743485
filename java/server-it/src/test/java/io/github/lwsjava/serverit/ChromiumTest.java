package io.github.lwsjava.serverit;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.UpgradeRequest;
import io.github.lwsjava.server.WebSocketServer;

/**
 * A real browser: headless Chromium loads a page from the static mount, opens a WebSocket to the same server,
 * echoes a message and writes what it received into the DOM, which the test reads over the DevTools protocol.
 */
@Timeout(120)
class ChromiumTest {

    static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>lws-java in a browser</title></head>
            <body><div id="out">waiting</div>
            <script src="app.js"></script>
            </body></html>
            """;

    static final String SCRIPT = """
            const out = document.getElementById('out');
            const ws = new WebSocket('ws://' + location.host + '/chat?from=page', ['chat']);
            ws.onopen = () => ws.send('hello from ' + navigator.userAgent.includes('Chrome') + ' chromium');
            ws.onmessage = (e) => { out.textContent = 'received [' + e.data + '] protocol=' + ws.protocol; ws.close(1000, 'thanks'); };
            ws.onerror = () => { out.textContent = 'websocket error'; };
            """;

    static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            Path p = Processes.which(name);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    @Test
    void aPageFromTheStaticMountEchoesOverAWebSocketToTheSameServer(@TempDir Path tmp) throws Exception {
        Path browser = chromium();
        Assumptions.assumeTrue(browser != null, "chromium is not installed (apt-get install chromium): skipping");
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), PAGE);
        Files.writeString(site.resolve("app.js"), SCRIPT);
        LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<UpgradeRequest> upgrades = new LinkedBlockingQueue<>();
        try (WebSocketServer server = WebSocketServer.builder()
                .staticFiles("/", site)
                .protocol("chat", new WebSocket.Listener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        heard.add(text);
                        ws.sendText("echo: " + text);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        closes.add(code);
                    }
                })
                .upgradeFilter(r -> {
                    upgrades.add(r);
                    return 0;
                })
                .build()) {
            String pageUrl = "http://127.0.0.1:" + server.port() + "/";
            String dom = pageResult(browser, tmp, pageUrl);
            assertEquals("received [echo: hello from true chromium] protocol=chat", dom);
            assertEquals("hello from true chromium", heard.poll(5, TimeUnit.SECONDS));
            UpgradeRequest upgrade = upgrades.poll(5, TimeUnit.SECONDS);
            assertEquals("/chat", upgrade.path());
            assertEquals("from=page", upgrade.query());
            assertEquals(pageUrl.substring(0, pageUrl.length() - 1), upgrade.header("origin"));
            assertTrue(upgrade.header("user-agent").contains("Chrome"), upgrade.header("user-agent"));
            assertEquals(1000, closes.poll(10, TimeUnit.SECONDS));
        }
    }

    /**
     * Opens pageUrl in headless Chromium (its profile and log under tmp) and returns the text of the page's #out
     * once it is no longer "waiting" (up to 60 s); Chromium is stopped before this returns.
     */
    static String pageResult(Path browser, Path tmp, String pageUrl) throws Exception {
        Path profile = Files.createDirectories(tmp.resolve("profile"));
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", pageUrl));
        Process chrome = io.github.lwsjava.testkit.ForeignProcess.withoutSanitizer(new ProcessBuilder(command))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        try {
            return readOut(chrome, profile, pageUrl, tmp.resolve("chromium.log"));
        } finally {
            chrome.descendants().forEach(ProcessHandle::destroyForcibly);
            chrome.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits for the page and reads #out over DevTools until the page has written its result (up to 60 s). */
    private static String readOut(Process chrome, Path profile, String pageUrl, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path portFile = profile.resolve("DevToolsActivePort");
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!chrome.isAlive() || System.nanoTime() > end) {
                fail("chromium did not start its DevTools endpoint:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        int devtoolsPort = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String pageSocket = null;
        while (pageSocket == null) {
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devtoolsPort + "/json/list"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("\"url\"\\s*:\\s*\"" + Pattern.quote(pageUrl)
                    + "\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"|\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"url\"\\s*:\\s*\""
                    + Pattern.quote(pageUrl) + "\"").matcher(targets);
            if (m.find()) {
                pageSocket = m.group(1) != null ? m.group(1) : m.group(2);
            } else if (System.nanoTime() > end) {
                fail("no page for " + pageUrl + " in " + targets);
            } else {
                Thread.sleep(100);
            }
        }
        JdkPeer devtools = JdkPeer.connect(pageSocket, null, Map.of());
        try {
            for (int id = 1; ; id++) {
                devtools.send("{\"id\":" + id + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":"
                        + "\"document.getElementById('out') ? document.getElementById('out').textContent : 'no page yet'\","
                        + "\"returnByValue\":true}}");
                String value = null;
                while (value == null) {
                    String reply = devtools.nextText();
                    if (reply.contains("\"id\":" + id + ",") || reply.contains("\"id\":" + id + "}")) {
                        Matcher v = Pattern.compile("\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(reply);
                        value = v.find() ? v.group(1) : "?" + reply;
                    }
                }
                if (!value.equals("waiting") && !value.equals("no page yet") && !value.startsWith("?")) {
                    return value;
                }
                if (System.nanoTime() > end) {
                    fail("the page still shows '" + value + "' after 60 s");
                }
                Thread.sleep(100);
            }
        } finally {
            devtools.ws.abort();
        }
    }
}
