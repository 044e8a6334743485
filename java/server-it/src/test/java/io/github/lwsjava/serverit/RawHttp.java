package io.github.lwsjava.serverit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP/1.1 over a plain socket, for what the JDK's HttpClient will not send (Upgrade and Connection headers) and
 * for a WebSocket peer that deliberately misbehaves (never answers pings).
 */
final class RawHttp implements AutoCloseable {

    /** A response head: status code and headers (lower-case names). */
    record Head(int status, Map<String, String> headers) {
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends a WebSocket upgrade request for path with the extra header lines (each "Name: value"). */
    Head upgrade(String path, String... extraHeaders) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
            request.append(h).append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(ISO_8859_1));
        out.flush();
        return readHead();
    }

    /** Sends a GET for path with this Host header and reads the response's head and its body (Content-Length). */
    String get(String path, String host) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(ISO_8859_1));
        out.flush();
        Head head = readHead();
        byte[] body = in.readNBytes(Integer.parseInt(head.headers().getOrDefault("content-length", "0")));
        return head.status() + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads a response's status line and headers. */
    Head readHead() throws IOException {
        String status = readLine();
        if (status == null || !status.matches("HTTP/1\\.[01] \\d{3}.*")) {
            throw new IOException("not an HTTP response: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; (line = readLine()) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(status.substring(9, 12)), headers);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(ISO_8859_1);
    }

    /** The first byte (FIN, RSV1-3, opcode) of the frame {@link #readFrame} read last. */
    int lastFirstByte;

    /** Reads one unmasked server frame: [opcode, payload...]. */
    byte[] readFrame() throws IOException {
        int b0 = read();
        lastFirstByte = b0;
        int b1 = read();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (read() << 8) | read();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | read();
            }
        }
        byte[] frame = new byte[(int) len + 1];
        frame[0] = (byte) (b0 & 0x0f);
        for (int i = 1; i < frame.length; i++) {
            frame[i] = (byte) read();
        }
        return frame;
    }

    /** Sends one masked client frame (FIN set). */
    void writeFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new java.io.EOFException("connection closed by the server");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
