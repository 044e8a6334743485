package io.github.lwsjava.reliability;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw WebSocket framing over a bare socket, for peers that misbehave on purpose (RFC 6455 section 5). */
final class Frames {

    static final int CONT = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

    private Frames() {
    }

    /** A frame as read from the wire. */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : -1;
        }
    }

    /** Encodes one frame: fin, rsv bits (0-7), opcode, masked or not. */
    static byte[] frame(boolean fin, int rsv, int opcode, boolean mask, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0xf);
        int m = mask ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            out.write(m | n);
        } else if (n < 65536) {
            out.write(m | 126);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) n >> (8 * i)));
            }
        }
        byte[] body = payload.clone();
        if (mask) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            out.writeBytes(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] text(String s, boolean mask) {
        return frame(true, 0, TEXT, mask, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** Reads one frame; null at end of stream. */
    static Frame read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = d.readUnsignedByte();
        long n = b1 & 0x7f;
        if (n == 126) {
            n = d.readUnsignedShort();
        } else if (n == 127) {
            n = d.readLong();
        }
        byte[] key = null;
        if ((b1 & 0x80) != 0) {
            key = new byte[4];
            d.readFully(key);
        }
        byte[] payload = new byte[(int) n];
        d.readFully(payload);
        if (key != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0xf, key != null, payload);
    }

    /** Reads frames until a close frame (returned), end of stream or reset (null), or the socket time-out. */
    static Frame readUntilClose(Socket s) throws IOException {
        try {
            for (Frame f; (f = read(s.getInputStream())) != null; ) {
                if (f.opcode() == CLOSE) {
                    return f;
                }
            }
        } catch (EOFException | java.net.SocketException eof) {
            return null;
        }
        return null;
    }

    /** True when the peer closed the TCP connection (EOF or reset) within the socket's time-out. */
    static boolean drainsToEof(Socket s) throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (s.getInputStream().read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    // ---- handshakes ----

    /** Server side: reads the client's upgrade request and answers 101. */
    static void acceptHandshake(Socket socket) throws IOException {
        acceptHandshake(socket, null);
    }

    /** Server side: reads the client's upgrade request and answers 101, agreeing to extensions (null: none). */
    static void acceptHandshake(Socket socket, String extensions) throws IOException {
        String request = readHead(socket.getInputStream());
        Matcher m = Pattern.compile("(?i)sec-websocket-key:\\s*(\\S+)").matcher(request);
        if (!m.find()) {
            throw new IOException("no Sec-WebSocket-Key in " + request);
        }
        socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey(m.group(1)) + "\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Client side: sends an upgrade request for path and checks the 101 answer. */
    static void clientHandshake(Socket socket, String path) throws IOException {
        clientHandshake(socket, path, null);
    }

    /**
     * Client side: sends an upgrade request for path offering extensions (null: none), checks the 101 answer and
     * returns the Sec-WebSocket-Extensions the server agreed to (null: none).
     */
    static String clientHandshake(Socket socket, String path, String extensions) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + socket.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String response = readHead(socket.getInputStream());
        if (!response.startsWith("HTTP/1.1 101") || !response.contains(acceptKey(key))) {
            throw new IOException("upgrade refused: " + response);
        }
        Matcher agreed = Pattern.compile("(?i)sec-websocket-extensions:\\s*([^\\r]*)").matcher(response);
        return agreed.find() ? agreed.group(1) : null;
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("peer went away during the handshake: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String acceptKey(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
