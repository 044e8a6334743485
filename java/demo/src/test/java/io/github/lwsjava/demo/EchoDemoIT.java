package io.github.lwsjava.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shaded jar in fresh JVMs: it loads its JNI library from inside itself, serves ws://, wss:// and the web
 * page on loopback, the client echoes through it, and bad command lines fail with one line and status 2.
 */
@Timeout(120)
class EchoDemoIT {

    private static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void jarCarriesTheJniLibraryOfThisPlatform() throws IOException {
        String platform = System.getProperty("javacpp.platform", "linux-x86_64");
        String library = "io/github/lwsjava/lws/" + platform + "/" + System.mapLibraryName("jnilws");
        try (ZipFile zip = new ZipFile(DemoProcess.jar().toFile())) {
            assertNotNull(zip.getEntry(library), library + " is not in the shaded jar");
            assertNotNull(zip.getEntry("io/github/lwsjava/demo/index.html"));
        }
    }

    @Test
    void versionLoadsTheNativeLibraryFromTheJar() throws Exception {
        try (DemoProcess p = DemoProcess.start("version")) {
            assertEquals(0, p.waitFor(RUN), p.toString());
            assertTrue(p.out().contains("libwebsockets 4.3.5"), p.toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--help|               server",
            "server --help|        --port",
            "serve --help|         --config",
            "client --help|        --insecure",
            "bench --help|         --duration",
            "help|                 bench",
    })
    void helpForEveryCommand(String args, String mentions) throws Exception {
        try (DemoProcess p = DemoProcess.start(args.split(" "))) {
            assertEquals(0, p.waitFor(RUN), p.toString());
            assertTrue(p.out().startsWith("Usage: java -jar lws-java-demo.jar"), p.toString());
            assertTrue(p.out().contains(mentions), p.toString());
            assertEquals("", p.err(), p.toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "server --port abc|                    --port: 'abc' is not a whole number",
            "server --port 70000|                  --port: 70000 is outside 0-65535",
            "server --bogus|                       unknown option --bogus",
            "server --port|                        option --port needs a value",
            "server --cert /no/such/file --key x|  --cert: '/no/such/file' is not a readable file",
            "serve|                                --config DIR is missing",
            "serve --config|                       option --config needs a value",
            "client|                               missing URL",
            "client foo://example|                 must start with ws:// or wss://",
            "client ws://|                         ws://",
            "client --count x ws://127.0.0.1:1/|   --count: 'x' is not a whole number",
            "bench --duration soon|                --duration: 'soon' is not a number of seconds",
            "frobnicate|                           unknown command 'frobnicate'",
    })
    void badArgumentsFailWithOneLineAndStatus2(String args, String message) throws Exception {
        try (DemoProcess p = DemoProcess.start(args.split(" "))) {
            assertEquals(2, p.waitFor(RUN), p.toString());
            assertTrue(p.err().contains(message), p.toString());
            assertEquals(1, p.err().strip().lines().count(), "one line: " + p);
            assertEquals("", p.out(), p.toString());
        }
    }

    @Test
    void noArgumentsPrintUsageAndStatus2() throws Exception {
        try (DemoProcess p = DemoProcess.start()) {
            assertEquals(2, p.waitFor(RUN), p.toString());
            assertTrue(p.err().contains("Usage:"), p.toString());
        }
    }

    @Test
    void echoesThroughTheServer() throws Exception {
        try (DemoProcess server = DemoProcess.start("server", "--port", "0")) {
            String url = server.awaitOutput("listening: (ws://127\\.0\\.0\\.1:\\d+/)", RUN);
            String page = server.awaitOutput("web page: +(http://\\S+)", RUN);

            try (DemoProcess client = DemoProcess.start("client", url, "hello", "lws java", "")) {
                assertEquals(0, client.waitFor(RUN), client.toString());
                assertTrue(client.out().contains("< hello "), client.toString());
                assertTrue(client.out().contains("< lws java "), client.toString());
                assertTrue(client.out().contains("3 of 3 echoes received unchanged"), client.toString());
            }
            try (DemoProcess client = DemoProcess.startWithInput("first line\nsecond line\n", "client", url)) {
                assertEquals(0, client.waitFor(RUN), client.toString());
                assertTrue(client.out().contains("< second line "), client.toString());
                assertTrue(client.out().contains("2 of 2 echoes received unchanged"), client.toString());
            }
            try (DemoProcess client = DemoProcess.start("client", "--count", "50", "--size", "3000", "--binary",
                    "--quiet", url)) {
                assertEquals(0, client.waitFor(RUN), client.toString());
                assertTrue(client.out().contains("50 of 50 echoes received unchanged"), client.toString());
            }
            try (DemoProcess bench = DemoProcess.start("bench", "--duration", "1", "--warmup", "0.3", url)) {
                assertEquals(0, bench.waitFor(RUN), bench.toString());
                for (String row : new String[] {"round trips/s", "p50", "p90", "p99 ", "p99.9", "max"}) {
                    assertTrue(bench.out().contains(row), row + " missing: " + bench);
                }
            }

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(page)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/html"));
            assertTrue(response.body().contains("<title>lws-java echo</title>"), response.body());

            server.awaitOutput("(#4 closed)", RUN);
            int status = server.stop(RUN);
            assertTrue(server.out().contains("server stopped"), "status " + status + ": " + server);
        }
    }

    @Test
    void tlsWithTheGeneratedCertificate() throws Exception {
        try (DemoProcess server = DemoProcess.start("server", "--tls", "--port", "0")) {
            String url = server.awaitOutput("listening: (wss://127\\.0\\.0\\.1:\\d+/)", RUN);
            String certificate = server.awaitOutput("TLS: .*: (/\\S+\\.pem)", RUN);

            try (DemoProcess client = DemoProcess.start("client", url, "not trusted")) {
                assertEquals(1, client.waitFor(RUN), client.toString());
                assertTrue(client.err().contains("cannot connect to " + url + ": TLS"), client.toString());
                assertTrue(client.err().contains("--insecure"), client.toString());
            }
            try (DemoProcess client = DemoProcess.start("client", "--insecure", url, "insecure but fine")) {
                assertEquals(0, client.waitFor(RUN), client.toString());
                assertTrue(client.out().contains("< insecure but fine "), client.toString());
            }
            try (DemoProcess client = DemoProcess.start("client", "--ca", certificate,
                    url.replace("127.0.0.1", "localhost"), "trusted")) {
                assertEquals(0, client.waitFor(RUN), client.toString());
                assertTrue(client.out().contains("< trusted "), client.toString());
            }
        }
    }

    @Test
    void clientFailsWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (DemoProcess client = DemoProcess.start("client", "--timeout", "3", "ws://127.0.0.1:" + port + "/", "hi")) {
            assertEquals(1, client.waitFor(RUN), client.toString());
            assertTrue(client.err().contains("cannot connect to ws://127.0.0.1:" + port + "/"), client.toString());
        }
    }

    @Test
    void serverStopsByItselfWithStopAfter() throws Exception {
        try (DemoProcess server = DemoProcess.start("server", "--port", "0", "--stop-after", "1")) {
            assertEquals(0, server.waitFor(RUN), server.toString());
            assertTrue(server.out().contains("server stopped"), server.toString());
        }
    }

    @Test
    void benchWithItsOwnServer() throws Exception {
        try (DemoProcess bench = DemoProcess.start("bench", "--duration", "0.5", "--warmup", "0", "--connections", "2")) {
            assertEquals(0, bench.waitFor(RUN), bench.toString());
            assertTrue(bench.out().contains("started an echo server in this process"), bench.toString());
            assertTrue(bench.out().contains("2 connections"), bench.toString());
            assertTrue(bench.out().contains("p99.9"), bench.toString());
        }
    }
}
