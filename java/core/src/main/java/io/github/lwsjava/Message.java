package io.github.lwsjava;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A received message in pull style ({@link WebSocket#receive}): text or binary, or the close that ended it. */
public record Message(Kind kind, String text, ByteBuffer data, int closeCode) {

    /** What a {@link Message} carries. */
    public enum Kind { TEXT, BINARY, CLOSE }

    /** A text message. */
    public static Message text(String text) {
        return new Message(Kind.TEXT, text, null, 0);
    }

    /** A binary message. */
    public static Message binary(ByteBuffer data) {
        return new Message(Kind.BINARY, null, data, 0);
    }

    /** The connection closed with this code and reason. */
    public static Message close(int code, String reason) {
        return new Message(Kind.CLOSE, reason, null, code);
    }

    /** The payload as text (binary payloads decoded as UTF-8). */
    public String asText() {
        return kind == Kind.BINARY ? StandardCharsets.UTF_8.decode(data.duplicate()).toString() : text;
    }
}
