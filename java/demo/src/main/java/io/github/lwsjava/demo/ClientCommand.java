package io.github.lwsjava.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.github.lwsjava.Message;
import io.github.lwsjava.WebSocket;
import io.github.lwsjava.client.WebSocketClient;

/** {@code client}: sends messages to an echo server and checks that each comes back unchanged. */
final class ClientCommand {

    private final PrintStream out;
    private final PrintStream err;

    ClientCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static Options options() {
        return Connect.declare(new Options("client", "[options] URL [MESSAGE...]", """
                Connects to the echo server at URL (ws:// or wss://), sends each MESSAGE, one at a time, and prints
                the echo of each. Without MESSAGEs it sends the lines of standard input; with --count it sends
                generated messages. Exits with 0 when every echo came back unchanged, 1 otherwise.
                Examples:
                  client ws://127.0.0.1:8080/ hello world
                  client --count 100 --size 4096 --binary ws://127.0.0.1:8080/
                  echo hi | client --ca cert.pem wss://localhost:8443/
                """))
                .value("--count", "N", "send N generated messages (of --size bytes) instead")
                .value("--size", "BYTES", "size of each generated message (default 32)")
                .flag("--binary", "send the generated messages as binary messages (default: text)")
                .flag("--quiet", "print only the summary line");
    }

    int run(String[] args) {
        Options o = options().parse(args);
        if (o.helpRequested()) {
            out.print(o.usage());
            return 0;
        }
        if (o.operands().isEmpty()) {
            throw new Options.UsageError("missing URL (e.g. ws://127.0.0.1:8080/)");
        }
        String url = Options.url(o.operands().get(0));
        List<String> messages = o.operands().subList(1, o.operands().size());
        Connect c = Connect.from(o, url);
        long count = o.has("--count") ? o.integer("--count", 0, 1, Integer.MAX_VALUE) : -1;
        int size = (int) o.integer("--size", 32, 0, 64L << 20);
        boolean binary = o.has("--binary");
        boolean quiet = o.has("--quiet");
        if (count >= 0 && !messages.isEmpty()) {
            throw new Options.UsageError("give MESSAGEs or --count, not both");
        }
        if (count < 0 && (o.has("--size") || binary)) {
            throw new Options.UsageError((binary ? "--binary" : "--size") + " goes with --count");
        }

        Iterator<Object> payloads;
        String source;
        if (count >= 0) {
            payloads = generated(count, size, binary);
            source = count + " generated " + (binary ? "binary" : "text") + " messages of " + size + " bytes";
        } else if (!messages.isEmpty()) {
            payloads = messages.stream().map(m -> (Object) m).iterator();
            source = messages.size() + " message" + (messages.size() == 1 ? "" : "s");
        } else {
            payloads = stdinLines();
            source = "lines of standard input";
            if (System.console() != null) {
                err.println("(type messages, one per line; Ctrl-D ends)");
            }
        }

        WebSocketClient client = c.client(count >= 0 ? size + 1024 : 16 << 20);
        WebSocket ws = null;
        try {
            ws = c.connect(client);
            if (!quiet) {
                out.println("connected to " + url + (ws.subprotocol().isEmpty() ? "" : " (" + ws.subprotocol() + ")")
                        + ", sending " + source);
            }
            long sent = 0;
            long same = 0;
            String firstDifference = null;
            long minNanos = Long.MAX_VALUE;
            long maxNanos = 0;
            long totalNanos = 0;
            while (payloads.hasNext()) {
                Object p = payloads.next();
                sent++;
                if (!quiet) {
                    out.println("> " + show(p));
                }
                long t0 = System.nanoTime();
                Message m = Connect.roundTrip(ws, p, c.timeoutMillis, "message " + sent);
                long rtt = System.nanoTime() - t0;
                minNanos = Math.min(minNanos, rtt);
                maxNanos = Math.max(maxNanos, rtt);
                totalNanos += rtt;
                boolean ok = Connect.same(m, p);
                if (ok) {
                    same++;
                } else if (firstDifference == null) {
                    firstDifference = "echo " + sent + " differs from what was sent (sent " + Connect.length(p)
                            + " bytes " + (p instanceof String ? "text" : "binary") + ", got " + describe(m) + ")";
                }
                if (!quiet) {
                    Object echoed = m.kind() == Message.Kind.TEXT ? m.text() : bytes(m);
                    out.println("< " + show(echoed) + "  (" + millis(rtt) + (ok ? "" : ", DIFFERENT") + ")");
                }
            }
            String timing = sent == 0 ? "" : String.format(", round trip min/avg/max %s/%s/%s", millis(minNanos),
                    millis(totalNanos / sent), millis(maxNanos));
            out.println(same + " of " + sent + " echoes received unchanged" + timing);
            if (firstDifference != null) {
                throw new EchoDemo.Failure(firstDifference);
            }
            if (sent == 0) {
                err.println("lws-java-demo: client: nothing was sent (no messages given and standard input was empty)");
            }
            return 0;
        } finally {
            Connect.close(ws, client);
        }
    }

    private static Iterator<Object> generated(long count, int size, boolean binary) {
        return new Iterator<>() {
            long i;

            @Override
            public boolean hasNext() {
                return i < count;
            }

            @Override
            public Object next() {
                if (i >= count) {
                    throw new NoSuchElementException();
                }
                String s = pattern(++i, size);
                return binary ? s.getBytes(StandardCharsets.US_ASCII) : s;
            }
        };
    }

    /** Message i of a generated run: "#000001 " then the alphabet over and over, exactly size bytes. */
    static String pattern(long i, int size) {
        StringBuilder sb = new StringBuilder(size + 26);
        sb.append(String.format("#%06d ", i));
        while (sb.length() < size) {
            sb.append("abcdefghijklmnopqrstuvwxyz", 0, Math.min(26, size - sb.length()));
        }
        sb.setLength(size);
        return sb.toString();
    }

    private Iterator<Object> stdinLines() {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return new Iterator<>() {
            String next;
            boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = in.readLine();
                    } catch (IOException e) {
                        throw new EchoDemo.Failure("cannot read standard input: " + e.getMessage());
                    }
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = null;
                return s;
            }
        };
    }

    private static byte[] bytes(Message m) {
        byte[] b = new byte[m.data().remaining()];
        m.data().duplicate().get(b);
        return b;
    }

    private static String describe(Message m) {
        return m.kind() == Message.Kind.TEXT ? m.text().getBytes(StandardCharsets.UTF_8).length + " bytes text"
                : m.data().remaining() + " bytes binary";
    }

    /** A message for the console: short ones as they are, long ones cut, binary ones marked. */
    static String show(Object payload) {
        String text = payload instanceof String s ? s : new String((byte[]) payload, StandardCharsets.UTF_8);
        int length = Connect.length(payload);
        String kind = payload instanceof String ? "" : "binary, ";
        StringBuilder sb = new StringBuilder();
        text.codePoints().limit(60).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        if (text.codePointCount(0, text.length()) > 60) {
            sb.append("...");
        }
        return sb + (kind.isEmpty() && length <= 60 ? "" : " [" + kind + length + " bytes]");
    }

    static String millis(long nanos) {
        return String.format("%.3f ms", nanos / 1e6);
    }
}
