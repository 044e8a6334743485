package io.github.lwsjava.reliability;

import static io.github.lwsjava.reliability.Frames.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Malformed input for both sides, and the close code RFC 6455 asks the receiver to fail the connection with. */
final class BadFrames {

    private BadFrames() {
    }

    /**
     * One fault: the bytes a hostile peer sends after the handshake, the code RFC 6455 wants the receiver to fail
     * the connection with, and the onClose codes lws-java's listener hears today on the server and the client side
     * (where they differ from the RFC code, it is lws 4.3.5's behaviour: see the class comment of the tests).
     */
    record Fault(String name, byte[] bytes, int rfcCode, int serverHears, int clientHears) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every fault, with frames masked as a client must (mask = true) or unmasked as a server must. */
    static List<Fault> all(boolean mask) {
        byte[] big = new byte[126];
        Arrays.fill(big, (byte) 'p');
        byte[] badUtf8 = {'o', 'k', (byte) 0xC3, (byte) 0x28, 'x'}; // 0xC3 0x28: invalid 2-byte sequence
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // U+D800 encoded: not valid UTF-8
        List<Fault> f = new ArrayList<>();
        f.add(new Fault("reserved opcode 3", frame(true, 0, 3, mask, "x".getBytes()), 1002, 1002, 1002));
        f.add(new Fault("reserved control opcode 11", frame(true, 0, 11, mask, new byte[0]), 1002, 1002, 1002));
        f.add(new Fault("RSV1 without an extension", frame(true, 4, TEXT, mask, "rsv1".getBytes()), 1002, 1002, 1002));
        f.add(new Fault("RSV2 and RSV3 set", frame(true, 3, BINARY, mask, new byte[] {1, 2}), 1002, 1002, 1002));
        f.add(new Fault("ping of 126 bytes", frame(true, 0, PING, mask, big), 1002, 1002, 1002));
        f.add(new Fault("fragmented ping", frame(false, 0, PING, mask, "a".getBytes()), 1002, 1002, 1002));
        f.add(new Fault("continuation without a start", frame(true, 0, CONT, mask, "c".getBytes()), 1002, 1002, 1002));
        f.add(new Fault("new message inside a fragmented one",
                concat(frame(false, 0, TEXT, mask, "a".getBytes()), frame(true, 0, TEXT, mask, "b".getBytes())), 1002, 1002, 1002));
        f.add(new Fault("close with a 1-byte payload", frame(true, 0, CLOSE, mask, new byte[] {3}), 1002, 1002, 1002));
        f.add(new Fault("close with code 1005", frame(true, 0, CLOSE, mask, closePayload(1005, "")), 1002, 1002, 1002));
        f.add(new Fault("close with code 999", frame(true, 0, CLOSE, mask, closePayload(999, "")), 1002, 1002, 1002));
        f.add(new Fault("close with code 5000", frame(true, 0, CLOSE, mask, closePayload(5000, "")), 1002, 1002, 1002));
        f.add(new Fault("close with code 1016", frame(true, 0, CLOSE, mask, closePayload(1016, "")), 1002, 1002, 1002));
        f.add(new Fault("close with an invalid UTF-8 reason",
                frame(true, 0, CLOSE, mask, concat(closePayload(1000, ""), badUtf8)), 1007, 1007, 1007));
        f.add(new Fault("invalid UTF-8 text", frame(true, 0, TEXT, mask, badUtf8), 1007, 1007, 1007));
        f.add(new Fault("UTF-16 surrogate in text", frame(true, 0, TEXT, mask, surrogate), 1007, 1007, 1007));
        f.add(new Fault("invalid UTF-8 across fragments", concat(frame(false, 0, TEXT, mask, new byte[] {'a', (byte) 0xE2}),
                frame(true, 0, CONT, mask, new byte[] {(byte) 0x28, (byte) 0xA1})), 1007, 1007, 1007));
        f.add(new Fault("UTF-8 cut short by an empty final fragment", concat(frame(false, 0, TEXT, mask,
                new byte[] {(byte) 0xE2, (byte) 0x82}), frame(true, 0, CONT, mask, new byte[0])), 1007, 1007, 1007));
        f.add(new Fault("garbage bytes", "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 1002, 1002, 1002));
        return f;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
